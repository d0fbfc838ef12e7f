/**
 * The lifecycle graph as one self-contained HTML page for reviews and audits: the Graphviz diagram
 * inline (pan and zoom), a simulator that steps the machine itself, a legend, the transition and rule
 * tables, and a panel that shows the rules of whatever state, edge or line is clicked. No external
 * resource of any kind, so it works from `file://` offline.
 *
 * @packageDocumentation
 */
import { guardRules, type MachineGraph, RULE_SUMMARIES, type RuleId } from '../../spec/graph.js';
import { simulatorScript } from './bundle.js';
import { toDiagram } from './diagram.js';
import { stateElementId } from './dot.js';
import { toSvg } from './svg.js';
import type { SimTrace } from './trace.js';

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
  const diagram = toDiagram(graph);
  const candidates = (ts: readonly { event: string; guard: string | null; actions: string[] }[]) =>
    ts
      .map(
        (t) => `${t.event}${t.guard === null ? '' : ` [${t.guard}]`}: ${t.actions.join(', ') || 'nothing'}`,
      )
      .join('; ');
  for (const e of diagram.edges) {
    out[e.id] = {
      kind: 'transition',
      title: `${e.source ?? '[*]'} → ${e.target}`,
      facts: [
        ['Taken on', e.triggers],
        ['Does', e.tags.join(', ') || '—'],
        ['Candidates', candidates(e.transitions)],
      ],
      rules: e.rules,
    };
  }
  for (const box of diagram.boxes) {
    for (const line of box.lines) {
      out[line.id] = {
        kind: 'transition',
        title: `${box.state.id} (stays)`,
        facts: [
          ['Taken on', line.triggers],
          ['Does', line.tags.join(', ')],
          ['Candidates', candidates(line.transitions)],
        ],
        rules: line.rules,
      };
    }
  }
  return out;
}

/** @internal The diagram element that draws each transition: its edge, or its line in a state box. */
function drawnBy(graph: MachineGraph): Map<string, string> {
  const diagram = toDiagram(graph);
  const out = new Map<string, string>();
  for (const item of [...diagram.edges, ...diagram.boxes.flatMap((b) => b.lines)]) {
    for (const t of item.transitions) out.set(t.id, item.id);
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

/** @internal The reported failure and its steps, with the buttons that replay them. */
function replaySection(trace: SimTrace): string {
  const [head = ''] = trace.message.split(' | ');
  const steps = trace.labels.map((line) => `<li>${escapeHtml(line)}</li>`).join('');
  return `<section id="replay"><h2>Reported failure: ${escapeHtml(trace.rule)}</h2>
<p class="hint">${escapeHtml(head)}</p>
<p>Rotation grace ${trace.run.rotationGrace} ms; the kit's policy. The simulator shows what the machine says each step should do.</p>
<ol id="replay-steps">${steps}</ol>
<button type="button" id="replay-next">Next step</button> <button type="button" id="replay-all">All steps</button></section>`;
}

const STYLE = `
:root { color-scheme: light; --ink: #1d2939; --muted: #475467; --line: #d0d5dd; --accent: #1849a9; --sel: #f79009; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #f9fafb; min-width: 320px; }
header { padding: 12px 20px; border-bottom: 1px solid var(--line); background: #fff; }
header h1 { margin: 0; font-size: 20px; }
header p { margin: 4px 0 0; color: var(--muted); }
main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(340px, 440px); gap: 14px; padding: 14px 20px; align-items: start; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
h2 { font-size: 15px; margin: 0 0 6px; }
#diagram-panel { position: sticky; top: 8px; display: grid; gap: 6px; }
.toolbar { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.toolbar .hint { font-size: 13px; }
#diagram { position: relative; overflow: hidden; height: min(82vh, 900px); border: 1px solid #eaecf0; border-radius: 6px; cursor: grab; touch-action: none; background: #fcfcfd; }
#diagram:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
#canvas { transform-origin: 0 0; position: absolute; left: 0; top: 0; }
#canvas svg { display: block; }
#diagram g.node, #diagram g.edge, #diagram a { cursor: pointer; }
#diagram a:hover text { fill: var(--accent); text-decoration: underline; }
#diagram g.edge:hover path, #diagram g.edge:hover polygon { stroke: var(--accent); stroke-width: 2.5; }
#diagram g.edge:hover text { fill: var(--accent); }
#diagram g.selected path, #diagram g.selected polygon { stroke: var(--sel) !important; stroke-width: 3 !important; }
#diagram g.selected text, #diagram .selected > a text, #diagram g.selected > a text { fill: #b54708; font-weight: bold; }
#diagram g.current > path, #diagram g.current > polygon, #diagram g.current polygon:first-of-type { stroke: #039855 !important; stroke-width: 4 !important; }
#diagram g.taken path, #diagram g.taken polygon { stroke: #039855 !important; stroke-width: 3 !important; }
#diagram g.taken text, #diagram .taken > a text, #diagram g.taken > a text { fill: #05603a; font-weight: bold; }
aside { display: grid; gap: 10px; }
.panels { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.panels section { min-width: 0; }
#panel-token, #panel-record { grid-column: 1 / -1; }
#panel-token dl { grid-template-columns: max-content 1fr; }
pre { margin: 0; font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-all; max-height: 220px; overflow: auto; }
#sim-state-name { font-size: 22px; font-weight: 700; margin: 0; }
#sim-state-name[data-final="true"] { color: var(--bad); }
#sim-last { margin: 2px 0 0; color: var(--muted); font-size: 14px; }
#sim-buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 6px; }
button { font: inherit; font-size: 14px; padding: 4px 10px; border: 1px solid #98a2b3; border-radius: 999px; background: #f2f4f7; color: var(--ink); cursor: pointer; }
button.event { background: #e0ecff; border-color: #1849a9; }
button.write { background: #fffaeb; border-color: #b54708; }
button:hover { filter: brightness(0.95); }
button:focus-visible { outline: 3px solid var(--sel); outline-offset: 1px; }
.track { position: relative; height: 20px; }
.mark { position: absolute; top: 0; transform: translateX(-50%); font-size: 12px; color: var(--muted); white-space: nowrap; }
.mark[data-passed="true"] { color: var(--bad); font-weight: 700; }
#clock { width: 100%; }
.deadline { margin: 2px 0; font-size: 14px; }
.deadline[data-passed="true"] { color: var(--bad); font-weight: 600; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; word-break: break-all; }
dd code, td code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
#audit { margin: 0; padding-left: 20px; font-size: 14px; max-height: 200px; overflow: auto; }
#replay-steps { margin: 4px 0 8px; padding-left: 22px; font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; }
#replay-steps li[data-done="true"] { color: var(--muted); }
#replay-steps li.next { font-weight: 700; }
#trace { width: 100%; height: 140px; font: 12px/1.35 ui-monospace, Menlo, Consolas, monospace; }
#details h3 { margin: 0 0 6px; font-size: 16px; }
#details ul { margin: 0; padding-left: 18px; }
#details li b { font-family: ui-monospace, Menlo, Consolas, monospace; }
.hint { color: var(--muted); }
.legend { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
.legend li { display: flex; gap: 10px; align-items: center; }
.swatch { width: 34px; height: 20px; flex: none; border: 1.5px solid; }
.swatch.live { background: #e0ecff; border-color: #1849a9; border-radius: 5px; }
.swatch.final { background: #fde8e8; border-color: #b42318; border-radius: 5px; outline: 1.5px solid #b42318; outline-offset: 2px; }
.swatch.group { border: 1.5px dashed #98a2b3; border-radius: 5px; }
.swatch.initial { background: #000; border-color: #000; border-radius: 50%; width: 12px; height: 12px; margin: 0 11px; }
.swatch.edge { border: 0; border-top: 2px solid #475467; height: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eaecf0; vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
#transitions tbody tr { cursor: pointer; }
#transitions tbody tr:hover, #transitions tbody tr.selected { background: #fef0c7; }
.tables { grid-column: 1 / -1; display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 14px; }
tr:target { background: #fef0c7; }
@media (max-width: 1100px) {
  main { grid-template-columns: 1fr; padding: 10px; }
  #diagram-panel { position: static; }
  #diagram { height: min(125vw, 1000px); }
  .tables { grid-template-columns: 1fr; }
}
@media (max-width: 560px) { .panels { grid-template-columns: 1fr; } }
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
    for (const row of document.querySelectorAll('tr[data-target="' + id + '"]')) row.classList.add('selected');
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
    const g = e.target.closest('[id^="edge-"], [id^="line-"], g.node, g.edge');
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
 * Builds the self-contained HTML page (VIS-1): the SVG diagram inline with pan and zoom, the simulator
 * (the lifecycle machine itself, bundled into the page), a legend, the transitions and the rules with
 * their summaries, and a details panel filled by clicking a state, an edge, a line or a row.
 * @param graph - the machine's graph, from `machineGraph()`.
 * @param options - `trace`: a lifecycle failure the kit reported (see `traceFromReport`), which the
 *   simulator then steps through under the kit's policy.
 * @returns the HTML document.
 * @throws Error when Graphviz cannot lay out the diagram (see `toSvg`), or the page's script cannot be
 *   bundled (see `simulatorScript`).
 * @example
 * ```ts
 * await writeFile('machine.html', await toHtml(machineGraph()));
 * ```
 */
export async function toHtml(graph: MachineGraph, options: { trace?: SimTrace } = {}): Promise<string> {
  const trace = options.trace;
  const [svg, script] = await Promise.all([toSvg(graph), simulatorScript()]);
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
  const drawn = drawnBy(graph);
  const diagram = toDiagram(graph);
  const tagsOf = (id: string) =>
    [...diagram.edges, ...diagram.boxes.flatMap((b) => b.lines)].find((i) => i.id === id)?.tags ?? [];

  const transitionRows = graph.transitions
    .map((t) => {
      const target = drawn.get(t.id) ?? t.id;
      return (
        `<tr data-target="${escapeHtml(target)}" data-transition="${escapeHtml(t.id)}"><td>${escapeHtml(t.source ?? '[*]')}</td>` +
        `<td><code>${escapeHtml(t.event)}</code></td><td><code>${escapeHtml(t.guard ?? '—')}</code></td>` +
        `<td>${escapeHtml(t.target)}</td><td>${escapeHtml(tagsOf(target).join(', ') || '—')}</td><td>${ruleLinks(t.rules)}</td></tr>`
      );
    })
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
  const example = diagram.edges.find((e) => e.tags.length > 1);

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
<p>Generated from the lifecycle machine by <code>sessionspec visualize --format html</code>. Send events to a session in the simulator: it runs the machine itself. Click a state, an edge or a line to see the rules it implements.</p>
</header>
<main>
<section id="diagram-panel" aria-label="State diagram">
<div class="toolbar"><button type="button" id="zoom-in" aria-label="Zoom in">+</button><button type="button" id="zoom-out" aria-label="Zoom out">−</button><button type="button" id="zoom-fit">Fit</button><span class="hint">Drag to pan, wheel to zoom; with the diagram focused, arrow keys pan, + and − zoom, 0 fits.</span></div>
<div id="diagram" tabindex="0" role="img" aria-label="The lifecycle state diagram: live states anonymous and authenticated, terminal states expired and destroyed"><div id="canvas">
${inline}
</div></div>
</section>
<aside>
${trace === undefined ? '' : replaySection(trace)}
<section id="sim-state" aria-live="polite"><h2>Simulated session</h2><p id="sim-state-name"></p><p id="sim-last"></p></section>
<section id="sim-events"><h2>Events the machine takes now</h2><div id="sim-buttons"></div><button type="button" id="reset">Reset</button></section>
<section id="sim-clock"><h2>Clock: <output id="clock-text" for="clock"></output></h2>
<div class="track"><span class="mark" id="mark-idle">idle</span><span class="mark" id="mark-absolute">absolute</span></div>
<input type="range" id="clock" step="1" aria-label="Clock, in minutes since the session was created">
<p class="deadline" id="deadline-idle"></p><p class="deadline" id="deadline-absolute"></p></section>
<div class="panels">
<section id="panel-token"><h2>Token (cookie)</h2><dl><dt>id</dt><dd><code id="token-id"></code></dd><dt>secret</dt><dd><code id="token-secret"></code></dd><dt>cookie</dt><dd><code id="token-cookie"></code></dd><dt>secrets issued</dt><dd id="token-count"></dd><dt>previous</dt><dd id="token-previous"></dd></dl></section>
<section id="panel-record"><h2>Stored record</h2><pre id="record"></pre></section>
<section id="panel-browser"><h2>Browser bucket</h2><pre id="bucket-browser"></pre></section>
<section id="panel-user"><h2>User bucket</h2><pre id="bucket-user"></pre></section>
</div>
<section id="panel-audit"><h2>Audit events</h2><ol id="audit"></ol></section>
<section id="panel-trace"><h2>Trace, as a test</h2><textarea id="trace" readonly aria-label="The steps so far as a vitest test"></textarea><button type="button" id="copy-trace">Copy</button></section>
<section id="details" aria-live="polite"><h2>Details</h2><p class="hint">Click a state, an edge or a line of the diagram.</p></section>
<section id="legend">
<h2>Legend</h2>
<ul class="legend">
<li><span class="swatch live"></span>Live state: its name, then the transitions that keep it (one line each: events [guards] · what they do)</li>
<li><span class="swatch group"></span>The live states together: an edge from this box leaves either of them</li>
<li><span class="swatch final"></span>Terminal state (final): no transition leaves it</li>
<li><span class="swatch initial"></span>Start: <code>create</code> makes a new session</li>
<li><span class="swatch edge"></span><span>Events and <code>[guards]</code>, then what the transition does${example ? ` (<i>${escapeHtml(example.tags.join(' · '))}</i>)` : ''}. Guarded candidates of one event are tried in order; the first whose guard holds is taken.</span></li>
</ul>
<p><b>States:</b> ${stateList}<br><b>Events:</b> ${eventList}<br><b>Guards:</b> ${guardList}</p>
</section>
</aside>
<div class="tables">
<section>
<h2>Transitions</h2>
<table id="transitions"><thead><tr><th>From</th><th>Event</th><th>Guard</th><th>To</th><th>Does</th><th>Rules</th></tr></thead>
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
${trace === undefined ? '' : `<script type="application/json" id="sim-trace">${scriptJson(trace)}</script>`}
<script type="application/json" id="rule-summaries">${scriptJson(RULE_SUMMARIES)}</script>
<script>${SCRIPT}</script>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
}
