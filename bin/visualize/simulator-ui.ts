/**
 * The HTML page's script (bundled into the page with the machine, so the page stays one offline file):
 * the simulator's buttons, clock and panels, the diagram's pan and zoom, and the highlighting of the
 * current state and of the transition the last step took.
 *
 * @packageDocumentation
 */
import { machineGraph } from '../../spec/graph.js';
import { toDiagram } from './diagram.js';
import {
  deadlines,
  isEnabled,
  SIM_CONFIG,
  SIM_WRITES,
  type SimState,
  send,
  setClock,
  simEvents,
  startSimulation,
  step,
  storedRecord,
  takenTransition,
  traceAsTest,
} from './simulator.js';
import type { SimTrace } from './trace.js';

const MINUTE = 60_000;
const graph = machineGraph();
const diagram = toDiagram(graph);

/** @internal The diagram element (edge or line) that draws a transition. */
function elementOf(transitionId: string): string | null {
  const line = diagram.boxes
    .flatMap((b) => b.lines)
    .find((l) => l.transitions.some((t) => t.id === transitionId));
  const edge = diagram.edges.find((e) => e.transitions.some((t) => t.id === transitionId));
  return line?.id ?? edge?.id ?? null;
}

/** @internal `T+95 min` as `T+1 h 35 min`; under a minute's slider step, milliseconds. */
function clockText(ms: number): string {
  if (config.unit < MINUTE) return `T+${ms} ms`;
  const minutes = Math.round(ms / MINUTE);
  const h = Math.floor(minutes / 60);
  return h === 0 ? `T+${minutes} min` : `T+${h} h ${minutes % 60} min`;
}

const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as T;
};

/** @internal An element with text. */
function el(tag: string, text?: string, attrs: Record<string, string> = {}): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// A failure the kit reported, when the page was made with `--trace`: its policy, and its steps to replay.
const traceData = document.getElementById('sim-trace')?.textContent;
const trace: SimTrace | null = traceData ? (JSON.parse(traceData) as SimTrace) : null;
const config = trace === null ? SIM_CONFIG : trace.config;
const buttons = [...simEvents(config.users), ...SIM_WRITES];
let sim: SimState = startSimulation(config);
let replayed = 0;

/** @internal Draws every panel from the simulator's state. */
function render(): void {
  const value = String(sim.snapshot.value);
  byId('sim-state-name').textContent = value;
  byId('sim-state-name').dataset.final = String(sim.snapshot.status === 'done');
  const last = sim.last;
  byId('sim-last').textContent =
    last === null
      ? 'create: a new session, anonymous.'
      : last.event === null
        ? `${last.action}: the application wrote to a bucket.`
        : `${last.event.type}: ${last.from} → ${last.to}; effects: ${last.effects.join(', ') || 'none'}.`;

  const list = byId('sim-buttons');
  list.replaceChildren();
  for (const b of buttons) {
    if (!isEnabled(sim, b.id)) continue;
    const button = el('button', b.label, {
      type: 'button',
      'data-action': b.id,
      class: b.event ? 'event' : 'write',
    });
    list.append(button);
  }
  if (list.childElementCount === 0) {
    list.append(
      el('p', `No event leaves ${value}: a terminal state (LC-1). Reset to start again.`, { class: 'hint' }),
    );
  }

  const clock = byId<HTMLInputElement>('clock');
  clock.min = '0';
  clock.max = String(Math.ceil((config.policy.absoluteTimeout * 1.1) / config.unit));
  clock.value = String(Math.round(sim.clock / config.unit));
  byId('clock-text').textContent = clockText(sim.clock);
  const d = deadlines(sim);
  const max = Number(clock.max) * config.unit;
  for (const [name, at] of [
    ['idle', d.idle],
    ['absolute', d.absolute],
  ] as const) {
    const mark = byId(`mark-${name}`);
    mark.style.left = `${Math.min(100, (at / max) * 100)}%`;
    mark.dataset.passed = String(sim.clock >= at);
    const line = byId(`deadline-${name}`);
    line.dataset.passed = String(sim.clock >= at);
    line.textContent =
      sim.snapshot.status === 'done'
        ? `${name} deadline: the session has ended`
        : sim.clock >= at
          ? `${name} deadline ${clockText(at)}: passed; the next access or touch expires the session (LC-7)`
          : `${name} deadline ${clockText(at)}: in ${clockText(at - sim.clock).slice(2)}`;
  }

  const [id = '', secret = null] = sim.cookie === null ? [] : sim.cookie.split('.');
  byId('token-id').textContent = sim.sessionId;
  byId('token-secret').textContent = secret ?? 'cookie cleared';
  byId('token-cookie').textContent =
    sim.cookie === null ? 'cleared (LC-6)' : `${id}.${secret?.slice(0, 10)}…`;
  byId('token-count').textContent = String(sim.secrets.length);
  const ctx = sim.snapshot.context;
  byId('token-previous').textContent =
    ctx.previousUntil !== null && config.t0 + sim.clock < ctx.previousUntil
      ? `accepted until ${clockText(ctx.previousUntil - config.t0)} (grace, CC-6)`
      : ctx.previousHash === null
        ? 'none'
        : 'no longer accepted';
  byId('bucket-browser').textContent = JSON.stringify(sim.browser, null, 1);
  byId('bucket-user').textContent = JSON.stringify(sim.user, null, 1);
  const record = storedRecord(sim);
  const recordEl = byId('record');
  recordEl.dataset.status = sim.record;
  recordEl.textContent =
    record === null
      ? sim.record === 'deleted'
        ? 'deleted (LC-6)'
        : 'not written yet: an untouched new session is not stored (SEC-6)'
      : JSON.stringify(record, null, 1);
  const audit = byId('audit');
  audit.replaceChildren(
    ...sim.audit.map((a) =>
      el('li', `${clockText(a.at - config.t0)} ${a.event} (session ${a.sessionId.slice(0, 6)}…)`, {
        'data-event': a.event,
      }),
    ),
  );
  byId<HTMLTextAreaElement>('trace').value = traceAsTest(sim);

  for (const s of Array.from(document.querySelectorAll('#diagram .current, #diagram .taken')))
    s.classList.remove('current', 'taken');
  document.getElementById(`state-${value}`)?.classList.add('current');
  const taken = takenTransition(graph, sim);
  const element = taken === null ? null : elementOf(taken.id);
  if (element !== null) document.getElementById(element)?.classList.add('taken');

  if (trace !== null) {
    const items = Array.from(document.querySelectorAll<HTMLElement>('#replay-steps li'));
    items.forEach((li, i) => {
      li.dataset.done = String(i < replayed);
      li.classList.toggle('next', i === replayed);
    });
    byId<HTMLButtonElement>('replay-next').disabled = replayed >= trace.events.length;
  }
}

/** @internal Pan and zoom of the diagram: drag, wheel, buttons and keys. */
function panZoom(): void {
  const view = byId('diagram');
  const canvas = byId('canvas');
  const svg = canvas.querySelector('svg');
  let k = 1;
  let x = 0;
  let y = 0;
  const apply = () => {
    canvas.style.transform = `translate(${x}px, ${y}px) scale(${k})`;
    view.dataset.zoom = k.toFixed(2);
  };
  const fitView = () => {
    const w = svg?.width.baseVal.value ?? 1;
    const h = svg?.height.baseVal.value ?? 1;
    k = Math.min(view.clientWidth / w, view.clientHeight / h, 1.6);
    x = (view.clientWidth - w * k) / 2;
    y = Math.max(0, (view.clientHeight - h * k) / 2);
    apply();
  };
  const zoom = (factor: number, cx = view.clientWidth / 2, cy = view.clientHeight / 2) => {
    const next = Math.min(4, Math.max(0.3, k * factor));
    x = cx - ((cx - x) * next) / k;
    y = cy - ((cy - y) * next) / k;
    k = next;
    apply();
  };
  view.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const r = view.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
    },
    { passive: false },
  );
  let drag: { x: number; y: number; moved: boolean } | null = null;
  view.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY, moved: false };
  });
  view.addEventListener('pointermove', (e) => {
    if (drag === null || e.buttons === 0) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    drag.moved = true;
    x += dx;
    y += dy;
    drag.x = e.clientX;
    drag.y = e.clientY;
    apply();
  });
  // A drag is not a click on what it started on.
  view.addEventListener('click', (e) => drag?.moved && e.stopPropagation(), true);
  view.addEventListener('pointerup', () => setTimeout(() => (drag = null)));
  view.addEventListener('keydown', (e) => {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [40, 0],
      ArrowRight: [-40, 0],
      ArrowUp: [0, 40],
      ArrowDown: [0, -40],
    };
    const move = moves[e.key];
    if (move !== undefined) {
      x += move[0];
      y += move[1];
      apply();
    } else if (e.key === '+' || e.key === '=') zoom(1.2);
    else if (e.key === '-') zoom(1 / 1.2);
    else if (e.key === '0') fitView();
    else return;
    e.preventDefault();
  });
  byId('zoom-in').addEventListener('click', () => zoom(1.2));
  byId('zoom-out').addEventListener('click', () => zoom(1 / 1.2));
  byId('zoom-fit').addEventListener('click', fitView);
  new ResizeObserver(fitView).observe(view);
  fitView();
}

byId('sim-buttons').addEventListener('click', (e) => {
  const button = (e.target as HTMLElement).closest('button[data-action]');
  if (button === null) return;
  sim = step(sim, button.getAttribute('data-action') ?? '');
  render();
  // Keyboard users keep their place: focus the button of the same action if it is still there.
  const again = document.querySelector<HTMLButtonElement>(
    `#sim-buttons button[data-action="${button.getAttribute('data-action')}"]`,
  );
  (again ?? document.querySelector<HTMLButtonElement>('#sim-buttons button'))?.focus();
});
byId('clock').addEventListener('input', (e) => {
  sim = setClock(sim, Number((e.target as HTMLInputElement).value) * config.unit);
  render();
});
byId('reset').addEventListener('click', () => {
  sim = startSimulation(config);
  replayed = 0;
  render();
});
if (trace !== null) {
  // Each step is the event the kit's oracle sent, at its instant.
  const next = () => {
    const event = trace.events[replayed];
    if (event === undefined) return;
    sim = send(setClock(sim, event.now - config.t0), trace.labels[replayed] ?? event.type, event);
    replayed++;
  };
  byId('replay-next').addEventListener('click', () => {
    next();
    render();
  });
  byId('replay-all').addEventListener('click', () => {
    while (replayed < trace.events.length) next();
    render();
  });
}
byId('copy-trace').addEventListener('click', () => {
  const area = byId<HTMLTextAreaElement>('trace');
  area.select();
  void navigator.clipboard?.writeText(area.value).catch(() => document.execCommand('copy'));
  byId('copy-trace').textContent = 'Copied';
});

panZoom();
render();
