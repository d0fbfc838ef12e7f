/**
 * The lifecycle graph as SVG, drawn by Graphviz compiled to WebAssembly: no browser, no network.
 *
 * @packageDocumentation
 */
import type { Viz } from '@viz-js/viz';
import type { MachineGraph } from '../../spec/graph.js';
import { importPeer } from '../peer.js';
import { toDot } from './dot.js';

let viz: Promise<Viz> | undefined;

/** @internal Graphviz in WebAssembly, an optional peer loaded on first use: the text formats never need it. */
async function graphviz(): Promise<Viz> {
  const module = await importPeer('@viz-js/viz', 'the svg and html formats', () => import('@viz-js/viz'));
  return module.instance();
}

/**
 * Draws the machine as a standalone SVG document (VIS-1), laid out by Graphviz `dot`. Each state's
 * element has the id `state-<name>` and each transition's the transition's id (`edge-<source>-<event>-<n>`).
 * @param graph - the machine's graph, from `machineGraph()`.
 * @returns the SVG document.
 * @throws MissingPeerError when `@viz-js/viz` is not installed; Error when Graphviz cannot lay out the DOT source.
 */
export async function toSvg(graph: MachineGraph): Promise<string> {
  viz ??= graphviz();
  const svg = (await viz).renderString(toDot(graph), { format: 'svg', engine: 'dot' });
  // Graphviz prefixes the ids of table cells (internal transitions) with `a_`; drop it so every
  // transition's element carries the transition's own id.
  return svg.replace(/ id="a_/g, ' id="');
}
