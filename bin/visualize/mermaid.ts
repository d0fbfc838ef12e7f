/**
 * The lifecycle graph as a Mermaid `stateDiagram-v2`, as GitHub renders it in `docs/lifecycle.md`.
 *
 * @packageDocumentation
 */
import type { MachineGraph } from '../../spec/graph.js';
import { type DiagramEdge, lineText, toDiagram } from './diagram.js';

/** @internal Mermaid state ids are plain words: a nested state's `a.b` becomes `a_b`. */
function mermaidId(state: string): string {
  return state.replace(/\W/g, '_');
}

/**
 * @internal Mermaid reads `:` as the start of a description and `;` as the end of a statement, so
 * neither may appear in a label.
 */
function safe(text: string): string {
  return text.replace(/[:;]/g, ' ');
}

/** @internal An edge's label: a line per part of its triggers, then its tags on a line. */
function edgeLabel(edge: DiagramEdge): string {
  return safe([...edge.parts, ...(edge.tags.length > 0 ? [edge.tags.join(' · ')] : [])].join('<br>'));
}

/**
 * Draws the machine as a Mermaid state diagram (VIS-1), grouped as `toDiagram` groups it: every state
 * declared with its name as its title (`state "anonymous" as anonymous`; a bare `state : text` line
 * would become the box's title), the live states inside a `live` box, each listing the transitions
 * that keep it, one edge per target with its events, guards and tags, and the terminal states drawn
 * apart (no shared end marker). Rule IDs are left to the tables (`sessionspec spec`, the HTML page).
 * @param graph - the machine's graph, from `machineGraph()`.
 * @returns the diagram source, ending with a newline.
 * @example
 * ```ts
 * toMermaid(machineGraph()); // 'stateDiagram-v2\n  direction TB\n  state "live" as live {\n...'
 * ```
 */
export function toMermaid(graph: MachineGraph): string {
  const diagram = toDiagram(graph);
  const indent = diagram.group === null ? '  ' : '    ';
  const inner: string[] = [];
  const last = diagram.boxes.at(-1)?.state.id;
  for (const box of diagram.boxes) {
    const id = mermaidId(box.state.id);
    inner.push(`${indent}state "${box.state.id}" as ${id}`);
    for (const line of box.lines) inner.push(`${indent}${id} : ${safe(lineText(line))}`);
    if (box.state.id === last) {
      for (const guard of diagram.queryGuards)
        inner.push(`${indent}${id} : ${guard} · a guard the manager asks`);
    }
  }
  const into = (e: DiagramEdge) => diagram.terminals.some((s) => s.id === e.target);
  for (const e of diagram.edges.filter((e) => !into(e))) {
    const source = e.source === null ? '[*]' : mermaidId(e.source);
    inner.push(`${indent}${source} --> ${mermaidId(e.target)} : ${edgeLabel(e)}`);
  }
  const lines = ['stateDiagram-v2', '  direction TB'];
  if (diagram.group === null) lines.push(...inner);
  else lines.push(`  state "${diagram.group}" as ${mermaidId(diagram.group)} {`, ...inner, '  }');
  for (const s of diagram.terminals) lines.push(`  state "${s.id}" as ${mermaidId(s.id)}`);
  for (const e of diagram.edges.filter(into)) {
    lines.push(`  ${mermaidId(e.source ?? '')} --> ${mermaidId(e.target)} : ${edgeLabel(e)}`);
  }
  if (diagram.terminals.length > 0) {
    lines.push('  classDef terminal fill:#fde8e8,stroke:#b42318');
    lines.push(`  class ${diagram.terminals.map((s) => mermaidId(s.id)).join(', ')} terminal`);
  }
  return `${lines.join('\n')}\n`;
}

/** The marker before the generated diagram in a Markdown file. */
export const DIAGRAM_START = '<!-- machine-diagram:start -->';
/** The marker after the generated diagram in a Markdown file. */
export const DIAGRAM_END = '<!-- machine-diagram:end -->';

/**
 * The Mermaid diagram a Markdown file holds between {@link DIAGRAM_START} and {@link DIAGRAM_END}, in a
 * ```` ```mermaid ```` block (VIS-2 compares it with {@link toMermaid}).
 * @param markdown - the file's text.
 * @returns the diagram source, ending with a newline, or `null` when the markers or the block are missing.
 */
export function diagramInMarkdown(markdown: string): string | null {
  const start = markdown.indexOf(DIAGRAM_START);
  const end = markdown.indexOf(DIAGRAM_END, start);
  if (start === -1 || end === -1) return null;
  const block = /```mermaid\r?\n([\s\S]*?)```/.exec(markdown.slice(start + DIAGRAM_START.length, end));
  return block?.[1]?.replace(/\r\n/g, '\n') ?? null;
}
