/**
 * The lifecycle graph as SVG, drawn by Graphviz compiled to WebAssembly: no browser, no network.
 *
 * @packageDocumentation
 */
import type { Viz } from '@viz-js/viz';
import type { MachineGraph } from '../../spec/graph.js';
import { toDot } from './dot.js';

let viz: Promise<Viz> | undefined;

/** @internal Graphviz in WebAssembly, loaded on first use so the text formats never pay for it. */
async function graphviz(): Promise<Viz> {
  let module: typeof import('@viz-js/viz');
  try {
    module = await import('@viz-js/viz');
  } catch (cause) {
    throw new Error(
      'sessionspec visualize: svg and html need the @viz-js/viz package: npm install @viz-js/viz',
      {
        cause,
      },
    );
  }
  return module.instance();
}

/**
 * Draws the machine as a standalone SVG document (VIS-1), laid out by Graphviz `dot`. Each state's
 * element has the id `state-<name>` and each transition's the transition's id (`edge-<source>-<event>-<n>`).
 * @param graph - the machine's graph, from `machineGraph()`.
 * @returns the SVG document.
 * @throws Error when `@viz-js/viz` is not installed, or Graphviz cannot lay out the DOT source.
 */
export async function toSvg(graph: MachineGraph): Promise<string> {
  viz ??= graphviz();
  const svg = (await viz).renderString(toDot(graph), { format: 'svg', engine: 'dot' });
  // Graphviz prefixes the ids of table cells (internal transitions) with `a_`; drop it so every
  // transition's element carries the transition's own id.
  return svg.replace(/ id="a_/g, ' id="');
}
