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
 * @returns lines like `c1 │ ├──────┤     │ write(sid-A user-1 v2, expected v1) → 'ok'`; an unknown
 *   outcome's bar runs to the end and answers `?`.
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
      lines.push(`${client.padEnd(pad)} │${bar}│ ${describeCall(op.op, op.input)} → ${answer}`);
    }
  }
  return lines;
}

/** One store call in a few words. */
function describeCall(op: string, args: readonly unknown[]): string {
  const [first, second] = args;
  if (op === 'create') return `create(${describeRecord(first as SessionRecord)}${data(first)})`;
  if (op === 'write')
    return `write(${describeRecord(first as SessionRecord)}${data(first)}, expected v${String(second)})`;
  if (op === 'destroyByUser') return `destroyByUser(${String(first)}, except ${show(second)})`;
  return `${op}(${String(first)})`;
}

/** An answer in a few words: records by id, user and version. */
function describeValue(value: unknown): string {
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
