/**
 * A history as a readable timeline (CK-5, CK-9): one lane per client, each operation a bar from its
 * call to its answer, so the interleaving that broke a rule can be read at a glance.
 *
 * @packageDocumentation
 */
import type { SessionRecord } from '../../src/index.js';
import { describeRecord } from '../arbitraries.js';
import { show } from '../json.js';
import type { History } from '../linearizability.js';

/**
 * Render a history of store operations.
 * @param history - the operations, e.g. an illegal sub-history from the checker.
 * @returns lines like `c1 │ ├──────┤     │ 2–5 write(sid-A user-1 v2, expected v1) → 'ok'`: the
 *   client, the call's bar, its start and end, the call and its answer; an unknown outcome's bar runs
 *   to the end and answers `?`.
 * @internal
 */
export function formatTimeline(history: History<unknown[], unknown>): string[] {
  const times = [...new Set(history.flatMap((op) => [op.call, op.return]).filter(Number.isFinite))].sort(
    (a, b) => a - b,
  );
  const column = (time: number) => (Number.isFinite(time) ? times.indexOf(time) : times.length);
  const width = times.length + 1;
  const clients = [...new Set(history.map((op) => op.client))].sort();
  const pad = Math.max(...clients.map((c) => c.length));
  // Start and end of each call: clock ticks in-process, milliseconds since the first call otherwise.
  const origin = Math.min(...history.map((op) => op.call));
  const ticks = times.every(Number.isInteger);
  const instant = (time: number) => (ticks ? String(time) : `${(time - origin).toFixed(1)}ms`);
  const spanWidth = Math.max(
    ...history.map(
      (op) => `${instant(op.call)}–${Number.isFinite(op.return) ? instant(op.return) : '…'}`.length,
    ),
  );
  const lines: string[] = [];
  for (const client of clients) {
    const lane = history.filter((op) => op.client === client).sort((a, b) => a.call - b.call);
    for (const op of lane) {
      const from = column(op.call);
      const to = column(op.return);
      const bar = Array.from({ length: width }, (_, i) => {
        if (i === from) return i === to ? '┼' : '├';
        if (i === to) return Number.isFinite(op.return) ? '┤' : '…';
        return i > from && i < to ? '─' : ' ';
      }).join('');
      const answer = Number.isFinite(op.return) ? describeValue(op.output) : '? (unknown outcome)';
      const span = `${instant(op.call)}–${Number.isFinite(op.return) ? instant(op.return) : '…'}`;
      lines.push(
        `${client.padEnd(pad)} │${bar}│ ${span.padEnd(spanWidth)} ${describeCall(op.op, op.input)} → ${answer}`,
      );
    }
  }
  return lines;
}

/**
 * One store call in a few words.
 * @internal
 */
export function describeCall(op: string, args: readonly unknown[]): string {
  const [first, second] = args;
  if (op === 'create') return `create(${describeRecord(first as SessionRecord)}${data(first)})`;
  if (op === 'write')
    return `write(${describeRecord(first as SessionRecord)}${data(first)}, expected v${String(second)})`;
  if (op === 'destroyByUser') return `destroyByUser(${String(first)}, except ${show(second)})`;
  return `${op}(${String(first)})`;
}

/**
 * An answer in a few words: records by id, user and version.
 * @internal
 */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((v) => (typeof v === 'object' && v !== null ? describeRecord(v as SessionRecord) : show(v))).join(', ')}]`;
  }
  if (typeof value === 'object' && value !== null)
    return `${describeRecord(value as SessionRecord)}${data(value)}`;
  return show(value);
}

/** The browser bucket of a record, when it has one. */
function data(record: unknown): string {
  const browser = (record as { browser?: unknown }).browser;
  return browser === undefined || show(browser) === '{}' ? '' : ` ${show(browser, 40)}`;
}

/**
 * The scheduler's order in one line (CK-9): which scheduled call or reply ran when, by label, instead
 * of fast-check's full dump of every resolved value. The replay token reproduces it exactly.
 * @param scheduler - the run's `fc.scheduler`.
 * @returns e.g. `scheduler order: c0 read(sid-A) call, c1 write(sid-A) call, c1 write(sid-A) reply, ...`.
 * @internal
 */
export function describeSchedule(scheduler: unknown): string {
  const tasks = [
    ...String(scheduler).matchAll(/\[task\$\{\d+\}\] (?:promise|function)::(.*?) (?:resolved|rejected)/g),
  ].map((match) => match[1]!);
  return `scheduler order (${tasks.length} steps, replayed by the token): ${tasks.join(', ')}`;
}
