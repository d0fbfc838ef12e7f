/**
 * The lifecycle graph in Graphviz DOT, grouped as `toDiagram` groups it. Node, edge and line `id`s
 * and `class`es are set so that the SVG Graphviz draws from it can be made interactive (the HTML page
 * finds `#edge-anonymous-authenticated`, `#line-authenticated-0`).
 *
 * @packageDocumentation
 */
import type { GraphState, MachineGraph } from '../../spec/graph.js';
import { type DiagramBox, type DiagramEdge, lineText, toDiagram } from './diagram.js';

/** The DOT node name of the initial pseudo-state. */
export const INITIAL_NODE = '__initial';

/**
 * A DOT quoted string.
 * @param text - any text.
 * @returns the text in double quotes with `\`, `"` and line breaks escaped.
 */
export function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** @internal `[a="x" b="y"]` from a record. */
function attributes(attrs: Record<string, string>): string {
  return `[${Object.entries(attrs)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(' ')}]`;
}

/**
 * The id a state's SVG group gets.
 * @param state - the state's name.
 * @returns `state-<name>`.
 */
export function stateElementId(state: string): string {
  return `state-${state}`;
}

/** @internal Escapes text for a Graphviz HTML-like label. */
function htmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * @internal Graphviz measures text with Helvetica's widths; a browser without Helvetica draws it in a
 * wider sans-serif (DejaVu Sans is about 12 % wider). No-break spaces around each line keep the text
 * inside its box and off its neighbours wherever it is drawn.
 */
function padding(line: string, share: number): string {
  return '\u00a0'.repeat(Math.ceil(line.length * share));
}

/**
 * @internal An edge label: one line per part of its triggers (a long one broken before its guards),
 * then its tags, each line padded on both sides.
 */
function edgeLabel(e: DiagramEdge): string {
  const triggers = e.parts.flatMap((part) =>
    part.length > 30 ? part.replace(' [', '\n[').split('\n') : [part],
  );
  const lines = [...triggers, ...(e.tags.length > 0 ? [e.tags.join(' · ')] : [])];
  return lines.map((line) => `${padding(line, 0.07)}${line}${padding(line, 0.07)}`).join('\n');
}

/** @internal The tooltip of an edge or a line: what it says, then its rule IDs. */
function tooltip(item: { triggers: string; tags: readonly string[]; rules: readonly string[] }): string {
  return `${lineText(item)} (${item.rules.join(', ')})`;
}

/**
 * @internal A live state as a UML state box: its name as the title, then one row per line (transitions
 * that keep the state), each a table cell whose id is the line's id, so it can be clicked like an edge.
 */
function stateTable(box: DiagramBox, queryGuards: readonly string[]): string {
  const row = (id: string, text: string, title: string) =>
    `<TR><TD ALIGN="LEFT" ID="${id}" HREF="#${id}" TITLE="${htmlText(title)}"><FONT POINT-SIZE="12">${htmlText(text)}${'&#160;'.repeat(Math.ceil(text.length * 0.14))}</FONT></TD></TR>`;
  const rows = box.lines.map((line) => row(line.id, lineText(line), tooltip(line)));
  for (const guard of queryGuards) {
    rows.push(row(`guard-${guard}`, `${guard} · a guard the manager asks`, guard));
  }
  return [
    '<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" STYLE="rounded" BGCOLOR="#e0ecff" COLOR="#1849a9">',
    `<TR><TD CELLPADDING="6"><FONT POINT-SIZE="16"><B>${htmlText(box.state.id)}</B></FONT></TD></TR>`,
    ...(rows.length > 0 ? ['<HR/>', ...rows] : []),
    '</TABLE>>',
  ].join('');
}

/** @internal A terminal state: its name as the title, in a red rounded box with a double border. */
function terminalNode(state: GraphState): string {
  const attrs = {
    id: stateElementId(state.id),
    class: 'state final',
    shape: 'box',
    style: 'rounded,filled',
    peripheries: '2',
    fillcolor: '#fde8e8',
    color: '#b42318',
    fontsize: '16',
    margin: '0.2,0.1',
    label: state.id,
  };
  return `  ${quote(state.id)} ${attributes(attrs)};`;
}

/**
 * Draws the machine as a DOT digraph (VIS-1): the live states as boxes titled with their names inside
 * a `live` cluster, each listing the transitions that keep it; the terminal states as red boxes; one
 * edge per target with its events, guards and tags (an edge from the cluster when every live state
 * has it); rule IDs in each element's tooltip and in the HTML page's tables.
 * @param graph - the machine's graph, from `machineGraph()`.
 * @returns the DOT source, ending with a newline.
 */
export function toDot(graph: MachineGraph): string {
  const diagram = toDiagram(graph);
  const lines = [
    `digraph ${quote(graph.id)} {`,
    '  graph [rankdir=TB compound=true fontname="Helvetica" nodesep=0.5 ranksep=0.55 bgcolor="transparent"];',
    '  node [fontname="Helvetica" fontsize=14 penwidth=1.5];',
    '  edge [fontname="Helvetica" fontsize=12 color="#475467" fontcolor="#1d2939" arrowsize=0.8 penwidth=1.3];',
    `  ${quote(INITIAL_NODE)} ${attributes({ id: 'state-initial', class: 'initial', shape: 'point', width: '0.2', label: '' })};`,
  ];
  const last = diagram.boxes.at(-1)?.state.id;
  const boxes = diagram.boxes.map((box) => {
    const attrs = attributes({ id: stateElementId(box.state.id), class: 'state live', shape: 'plain' });
    const table = stateTable(box, box.state.id === last ? diagram.queryGuards : []);
    return `${quote(box.state.id)} ${attrs} [label=${table}];`;
  });
  if (diagram.group === null) lines.push(...boxes.map((b) => `  ${b}`));
  else {
    const cluster = {
      id: `group-${diagram.group}`,
      class: 'group',
      label: diagram.group,
      fontsize: '14',
      style: 'rounded,dashed',
      color: '#98a2b3',
      fontcolor: '#475467',
    };
    lines.push(`  subgraph ${quote(`cluster_${diagram.group}`)} {`);
    for (const [k, v] of Object.entries(cluster)) lines.push(`    ${k}=${quote(v)};`);
    lines.push(...boxes.map((b) => `    ${b}`), '  }');
  }
  for (const state of diagram.terminals) lines.push(terminalNode(state));
  const endpoint = (e: DiagramEdge): { tail: string; ltail?: string } =>
    e.source === null
      ? { tail: INITIAL_NODE }
      : e.source === diagram.group
        ? { tail: last ?? '', ltail: `cluster_${diagram.group}` }
        : { tail: e.source };
  for (const e of diagram.edges) {
    const { tail, ltail } = endpoint(e);
    const attrs = {
      id: e.id,
      class: 'transition',
      label: edgeLabel(e),
      tooltip: tooltip(e),
      ...(ltail ? { ltail } : {}),
    };
    lines.push(`  ${quote(tail)} -> ${quote(e.target)} ${attributes(attrs)};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
