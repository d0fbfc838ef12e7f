/**
 * The lifecycle graph as one self-contained HTML page for reviews and audits: the Graphviz diagram
 * inline, a legend, the transition and rule tables, and a panel that shows the rules of whatever state
 * or transition is clicked. No external resource of any kind, so it works from `file://` offline.
 *
 * @packageDocumentation
 */
import { guardRules, type MachineGraph, RULE_SUMMARIES, type RuleId } from '../../spec/graph.js';
import { stateElementId } from './dot.js';
import { toSvg } from './svg.js';

/**
 * Escapes text for HTML element content and double-quoted attribute values.
 * @param text - any text.
 * @returns the text with `&`, `<`, `>` and `"` escaped.
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** @internal What the page's script knows of one clickable element, keyed by its SVG id. */
interface Selectable {
  kind: 'state' | 'transition';
  title: string;
  facts: [string, string][];
  rules: RuleId[];
}

/** @internal The data the page's script reads, keyed by SVG element id. */
function selectables(graph: MachineGraph): Record<string, Selectable> {
  const out: Record<string, Selectable> = {};
  for (const s of graph.states) {
    const leaving = graph.transitions.filter((t) => t.source === s.id).length;
    out[stateElementId(s.id)] = {
      kind: 'state',
      title: s.final ? `${s.id} (final)` : s.id,
      facts: [
        ['Kind', s.final ? 'terminal: no transition leaves it' : 'live'],
        ['Description', s.description || '—'],
        ['Transitions out', String(leaving)],
      ],
      rules: s.rules,
    };
  }
  for (const t of graph.transitions) {
    const siblings = graph.transitions.filter((u) => u.source === t.source && u.event === t.event).length;
    const fallback = siblings > 1 ? 'none: taken when no guard above it holds' : 'none';
    out[t.id] = {
      kind: 'transition',
      title: t.internal ? `${t.target} (stays)` : `${t.source ?? '[*]'} → ${t.target}`,
      facts: [
        ['Event', t.event],
        ['Guard', t.guard ?? fallback],
        ['Actions', t.actions.join(', ') || '—'],
      ],
      rules: t.rules,
    };
  }
  return out;
}

/** @internal A JSON literal safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** @internal Rule IDs as links to their row of the rule table. */
function ruleLinks(rules: readonly RuleId[]): string {
  return rules.map((r) => `<a href="#rule-${escapeHtml(r)}">${escapeHtml(r)}</a>`).join(', ') || '—';
}

const STYLE = `
:root { color-scheme: light; --ink: #1d2939; --muted: #667085; --line: #d0d5dd; --accent: #1849a9; --sel: #f79009; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #f9fafb; }
header { padding: 16px 24px; border-bottom: 1px solid var(--line); background: #fff; }
header h1 { margin: 0; font-size: 20px; }
header p { margin: 4px 0 0; color: var(--muted); }
main { display: grid; grid-template-columns: minmax(0, 1fr) 360px; gap: 16px; padding: 16px 24px; align-items: start; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
h2 { font-size: 15px; margin: 0 0 8px; }
#diagram { overflow: auto; }
#diagram svg { max-width: 100%; height: auto; }
#diagram g.node, #diagram g.edge, #diagram a { cursor: pointer; }
#diagram a:hover text { fill: var(--accent); text-decoration: underline; }
#diagram g.selected > a text { fill: #b54708; font-weight: bold; }
#diagram g.edge path { stroke-width: 1.2; }
#diagram g.edge:hover path, #diagram g.edge:hover polygon { stroke: var(--accent); stroke-width: 2.5; }
#diagram g.edge:hover text { fill: var(--accent); }
#diagram g.node:hover path, #diagram g.node:hover ellipse { stroke-width: 3; }
#diagram g.selected path, #diagram g.selected polygon, #diagram g.selected ellipse { stroke: var(--sel) !important; stroke-width: 3.5 !important; }
#diagram g.selected text { fill: #b54708; font-weight: bold; }
aside { position: sticky; top: 16px; display: grid; gap: 16px; }
#details h3 { margin: 0 0 6px; font-size: 16px; }
#details dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0 0 8px; }
#details dt { color: var(--muted); }
#details dd { margin: 0; word-break: break-word; }
#details ul { margin: 0; padding-left: 18px; }
#details li b { font-family: ui-monospace, Menlo, Consolas, monospace; }
.hint { color: var(--muted); }
.legend { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
.legend li { display: flex; gap: 10px; align-items: center; }
.swatch { width: 34px; height: 20px; flex: none; border: 1.5px solid; }
.swatch.live { background: #e0ecff; border-color: #1849a9; border-radius: 5px; }
.swatch.final { background: #fde8e8; border-color: #b42318; border-radius: 50%; width: 22px; height: 22px; outline: 1.5px solid #b42318; outline-offset: 2px; margin: 0 6px; }
.swatch.initial { background: #000; border-color: #000; border-radius: 50%; width: 12px; height: 12px; margin: 0 11px; }
.swatch.edge { border: 0; border-top: 2px solid #475467; height: 0; }
.swatch.note { background: #fffaeb; border-color: #b54708; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eaecf0; vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td code, dd code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
#transitions tbody tr { cursor: pointer; }
#transitions tbody tr:hover, #transitions tbody tr.selected { background: #fef0c7; }
.tables { grid-column: 1 / -1; display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; }
tr:target { background: #fef0c7; }
@media (max-width: 1100px) { main, .tables { grid-template-columns: 1fr; } aside { position: static; } }
`;

const SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById('machine-data').textContent);
  const summaries = JSON.parse(document.getElementById('rule-summaries').textContent);
  const panel = document.getElementById('details');
  const el = (tag, text) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; };
  function select(id) {
    const item = data[id];
    if (!item) return;
    for (const s of document.querySelectorAll('.selected')) s.classList.remove('selected');
    document.getElementById(id)?.classList.add('selected');
    document.querySelector('tr[data-target="' + id + '"]')?.classList.add('selected');
    panel.replaceChildren();
    panel.append(el('h2', item.kind === 'state' ? 'State' : 'Transition'), el('h3', item.title));
    const dl = el('dl');
    for (const [k, v] of item.facts) dl.append(el('dt', k), el('dd', v));
    panel.append(dl, el('h2', 'Rules'));
    const ul = el('ul');
    ul.id = 'selected-rules';
    for (const r of item.rules) {
      const li = el('li');
      li.dataset.rule = r;
      li.append(el('b', r), document.createTextNode(' ' + (summaries[r] || '')));
      ul.append(li);
    }
    if (item.rules.length === 0) ul.append(el('li', 'none'));
    panel.append(ul);
  }
  document.getElementById('diagram').addEventListener('click', (e) => {
    const g = e.target.closest('g[id^="edge-"], g.node, g.edge');
    if (!g) return;
    e.preventDefault();
    select(g.id);
  });
  document.getElementById('transitions').addEventListener('click', (e) => {
    const row = e.target.closest('tr[data-target]');
    if (row && !e.target.closest('a')) select(row.dataset.target);
  });
})();
`;

/**
 * Builds the self-contained HTML page (VIS-1): the SVG diagram inline, a legend, the transitions and
 * the rules with their summaries, and a details panel filled by clicking a state, an edge or a row.
 * @param graph - the machine's graph, from `machineGraph()`.
 * @returns the HTML document.
 * @throws Error when Graphviz cannot lay out the diagram (see `toSvg`).
 * @example
 * ```ts
 * await writeFile('machine.html', await toHtml(machineGraph()));
 * ```
 */
export async function toHtml(graph: MachineGraph): Promise<string> {
  const svg = await toSvg(graph);
  // The XML prolog and doctype are not allowed inside HTML; the <svg> element is.
  const inline = svg.slice(svg.indexOf('<svg'));
  const used = new Set<RuleId>([
    ...graph.states.flatMap((s) => s.rules),
    ...graph.transitions.flatMap((t) => t.rules),
    ...graph.queryGuards.flatMap((g) => guardRules(g)),
  ]);
  const rules = Object.entries(RULE_SUMMARIES).filter(([id]) => used.has(id));
  const usedBy = (id: RuleId): string => {
    const states = graph.states.filter((s) => s.rules.includes(id)).length;
    const transitions = graph.transitions.filter((t) => t.rules.includes(id)).length;
    const parts = [states > 0 ? `${states} state${states === 1 ? '' : 's'}` : ''];
    parts.push(transitions > 0 ? `${transitions} transition${transitions === 1 ? '' : 's'}` : '');
    return parts.filter((p) => p !== '').join(', ') || 'a guard';
  };

  const transitionRows = graph.transitions
    .map(
      (t) =>
        `<tr data-target="${escapeHtml(t.id)}"><td>${escapeHtml(t.source ?? '[*]')}</td>` +
        `<td><code>${escapeHtml(t.event)}</code></td><td><code>${escapeHtml(t.guard ?? '—')}</code></td>` +
        `<td>${escapeHtml(t.target)}</td><td>${ruleLinks(t.rules)}</td></tr>`,
    )
    .join('\n');
  const ruleRows = rules
    .map(
      ([id, summary]) =>
        `<tr id="rule-${escapeHtml(id)}"><td><b>${escapeHtml(id)}</b></td><td>${escapeHtml(summary)}</td>` +
        `<td>${usedBy(id)}</td></tr>`,
    )
    .join('\n');
  const stateList = graph.states
    .map((s) => `<code>${escapeHtml(s.id)}</code>${s.final ? ' (final)' : ''}`)
    .join(', ');
  const guardList = graph.guards.map((g) => `<code>${escapeHtml(g)}</code>`).join(', ');
  const eventList = graph.events.map((e) => `<code>${escapeHtml(e)}</code>`).join(', ');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sessionspec: the ${escapeHtml(graph.id)} lifecycle machine</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>sessionspec: the session lifecycle</h1>
<p>Generated from the lifecycle machine by <code>sessionspec visualize --format html</code>. Click a state, a transition or a table row to see the rules it implements.</p>
</header>
<main>
<section id="diagram" aria-label="State diagram">
${inline}
</section>
<aside>
<section id="details" aria-live="polite"><h2>Details</h2><p class="hint">Click a state or a transition.</p></section>
<section id="legend">
<h2>Legend</h2>
<ul class="legend">
<li><span class="swatch live"></span>Live state, with the transitions that keep it (no target: nothing is exited or entered)</li>
<li><span class="swatch final"></span>Terminal state (final): no transition leaves it</li>
<li><span class="swatch initial"></span>Start: <code>create</code> makes a new session</li>
<li><span class="swatch edge"></span><span><code>event [guard]</code> (rule IDs). Guarded candidates of one event are tried in order; the first whose guard holds is taken.</span></li>
<li><span class="swatch note"></span>Guards no transition uses: queries the manager asks</li>
</ul>
<p><b>States:</b> ${stateList}<br><b>Events:</b> ${eventList}<br><b>Guards:</b> ${guardList}</p>
</section>
</aside>
<div class="tables">
<section>
<h2>Transitions</h2>
<table id="transitions"><thead><tr><th>From</th><th>Event</th><th>Guard</th><th>To</th><th>Rules</th></tr></thead>
<tbody>
${transitionRows}
</tbody></table>
</section>
<section>
<h2>Rules</h2>
<table id="rules"><thead><tr><th>ID</th><th>Summary</th><th>Used by</th></tr></thead>
<tbody>
${ruleRows}
</tbody></table>
</section>
</div>
</main>
<script type="application/json" id="machine-data">${scriptJson(selectables(graph))}</script>
<script type="application/json" id="rule-summaries">${scriptJson(RULE_SUMMARIES)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
