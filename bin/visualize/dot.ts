/**
 * The lifecycle graph in Graphviz DOT. Node and edge `id`s and `class`es are set so that the SVG
 * Graphviz draws from it can be made interactive (the HTML page finds `#edge-anonymous-authenticate-0`).
 *
 * @packageDocumentation
 */
import { type GraphState, type GraphTransition, guardRules, type MachineGraph } from '../../spec/graph.js';
import { edgeLabel, rulesText } from './label.js';

/** The DOT node name of the initial pseudo-state. */
export const INITIAL_NODE = '__initial';

/** The DOT node name of the note that lists the guards no transition uses. */
export const GUARDS_NODE = '__guards';

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
 * @internal A live state as a UML state box: its name, then one row per internal transition (a
 * transition without a target), each a table cell whose id is the transition's id, so it can be clicked
 * like an edge. Loops would stack a dozen labels on top of each other.
 */
function stateTable(state: GraphState, internal: readonly GraphTransition[]): string {
  const rows = internal.map((t) => {
    const label = htmlText(edgeLabel(t, ' '));
    return `<TR><TD ALIGN="LEFT" ID="${t.id}" HREF="#${t.id}" TITLE="${label}"><FONT POINT-SIZE="11">${label}&#160;&#160;</FONT></TD></TR>`;
  });
  return [
    '<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" STYLE="rounded" BGCOLOR="#e0ecff" COLOR="#1849a9">',
    `<TR><TD CELLPADDING="6"><FONT POINT-SIZE="15"><B>${htmlText(state.id)}</B></FONT></TD></TR>`,
    ...(rows.length > 0 ? ['<HR/>', ...rows] : []),
    '</TABLE>>',
  ].join('');
}

/**
 * Draws the machine as a DOT digraph (VIS-1): live states as rounded boxes that list their internal
 * transitions (no target, the state does not change), terminal states as double circles, the initial
 * transition from a point, one labelled edge per other transition, and a note with the guards no
 * transition uses.
 * @param graph - the machine's graph, from `machineGraph()`.
 * @returns the DOT source, ending with a newline.
 */
export function toDot(graph: MachineGraph): string {
  const lines = [
    `digraph ${quote(graph.id)} {`,
    '  graph [rankdir=LR fontname="Helvetica" nodesep=0.6 ranksep=1.3 bgcolor="transparent"];',
    '  node [fontname="Helvetica" fontsize=14 penwidth=1.5];',
    '  edge [fontname="Helvetica" fontsize=11 color="#475467" fontcolor="#1d2939" arrowsize=0.7];',
    `  ${quote(INITIAL_NODE)} ${attributes({ id: 'state-initial', class: 'initial', shape: 'point', width: '0.2', label: '' })};`,
  ];
  for (const state of graph.states) {
    const attrs = { id: stateElementId(state.id), class: state.final ? 'state final' : 'state live' };
    if (state.final) {
      const final = { shape: 'doublecircle', style: 'filled', fillcolor: '#fde8e8', color: '#b42318' };
      lines.push(
        `  ${quote(state.id)} ${attributes({ ...attrs, ...final, label: `${state.id}\n(final)` })};`,
      );
    } else {
      const internal = graph.transitions.filter((t) => t.internal && t.source === state.id);
      lines.push(
        `  ${quote(state.id)} ${attributes({ ...attrs, shape: 'plain' })} [label=${stateTable(state, internal)}];`,
      );
    }
  }
  for (const t of graph.transitions) {
    if (t.internal) continue;
    const source = t.source ?? INITIAL_NODE;
    const attrs = { id: t.id, class: 'transition', label: edgeLabel(t, '\n') };
    lines.push(`  ${quote(source)} -> ${quote(t.target)} ${attributes(attrs)};`);
  }
  if (graph.queryGuards.length > 0) {
    const list = graph.queryGuards.map((g) => `${g} ${rulesText(guardRules(g))}`).join('\n');
    const note = {
      id: 'note-guards',
      class: 'note',
      shape: 'note',
      style: 'filled',
      fillcolor: '#fffaeb',
      fontsize: '11',
      label: `Guards on no transition\n(queries the manager asks):\n${list}`,
    };
    lines.push(`  ${quote(GUARDS_NODE)} ${attributes(note)};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
