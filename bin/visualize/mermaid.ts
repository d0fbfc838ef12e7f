/**
 * The lifecycle graph as a Mermaid `stateDiagram-v2`, as GitHub renders it in `docs/lifecycle.md`.
 *
 * @packageDocumentation
 */
import { guardRules, type MachineGraph } from '../../spec/graph.js';
import { edgeLabel, rulesText } from './label.js';

/** @internal Mermaid state ids are plain words: a nested state's `a.b` becomes `a_b`. */
function mermaidId(state: string): string {
  return state.replace(/\W/g, '_');
}

/**
 * Draws the machine as a Mermaid state diagram (VIS-1): `[*] --> initial`, one line
 * `a --> b : event [guard] (rules)` per transition that changes state, the internal transitions (no
 * target) as `a : event [guard] (rules)` lines inside their state, `final --> [*]` for each terminal
 * state, and a note listing the guards no transition uses.
 * @param graph - the machine's graph, from `machineGraph()`.
 * @returns the diagram source, ending with a newline.
 * @example
 * ```ts
 * toMermaid(machineGraph()); // 'stateDiagram-v2\n  [*] --> anonymous : create (ID-1, SEC-4, SEC-6)\n...'
 * ```
 */
export function toMermaid(graph: MachineGraph): string {
  const lines = ['stateDiagram-v2'];
  for (const state of graph.states) {
    if (state.description !== '') lines.push(`  ${mermaidId(state.id)} : ${state.description}`);
    // Internal transitions (no target) are listed inside their state, as UML does: a dozen loops on
    // one state would draw their labels on top of each other.
    for (const t of graph.transitions) {
      if (t.internal && t.source === state.id) lines.push(`  ${mermaidId(state.id)} : ${edgeLabel(t, ' ')}`);
    }
  }
  for (const t of graph.transitions) {
    if (t.internal) continue;
    const source = t.source === null ? '[*]' : mermaidId(t.source);
    lines.push(`  ${source} --> ${mermaidId(t.target)} : ${edgeLabel(t, ' ')}`);
  }
  const finals = graph.states.filter((s) => s.final);
  for (const state of finals) lines.push(`  ${mermaidId(state.id)} --> [*]`);
  if (graph.queryGuards.length > 0) {
    const anchor = graph.states.find((s) => !s.final)?.id ?? graph.initial;
    const text = graph.queryGuards.map((g) => `${g} ${rulesText(guardRules(g))}`).join(', ');
    lines.push(`  note right of ${mermaidId(anchor)} : Guards on no transition, ${text}`);
  }
  if (finals.length > 0) {
    lines.push('  classDef terminal fill:#fde8e8,stroke:#b42318');
    lines.push(`  class ${finals.map((s) => mermaidId(s.id)).join(', ')} terminal`);
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
