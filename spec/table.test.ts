import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sessionMachine } from './machine.js';
import { lifecycleTable, lifecycleTableMarkdown } from './table.js';

const SPEC = readFileSync(new URL('./SPEC.md', import.meta.url), 'utf8');

const START = '<!-- lifecycle-table:start -->';
const END = '<!-- lifecycle-table:end -->';

/** The text SPEC.md holds between the lifecycle-table markers. */
function embeddedTable(): string {
  const start = SPEC.indexOf(START);
  const end = SPEC.indexOf(END);
  expect(start, `SPEC.md must contain ${START}`).toBeGreaterThanOrEqual(0);
  expect(end, `SPEC.md must contain ${END} after ${START}`).toBeGreaterThan(start);
  expect(SPEC.indexOf(START, start + 1), 'one lifecycle table only').toBe(-1);
  return SPEC.slice(start + START.length, end).replace(/^\n/, '');
}

/** Rule IDs the specification must restate: `prefix-1` .. `prefix-count`. */
const RULE_RANGES: ReadonlyArray<readonly [string, number]> = [
  ['ID', 5],
  ['LC', 12],
  ['CC', 8],
  ['ST', 7],
  ['SEC', 7],
];
const RULE_IDS = RULE_RANGES.flatMap(([prefix, count]) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`),
);

describe('SPEC.md', () => {
  it('LC-1..LC-12: the lifecycle table embedded in SPEC.md is exactly the one computed from the machine', () => {
    expect(embeddedTable()).toBe(lifecycleTableMarkdown());
  });

  it.each(RULE_IDS)('restates rule %s as a bold rule heading', (id) => {
    // A bold `**ID**` marks where the rule is stated, not just cited; a word boundary keeps LC-1 from
    // matching LC-10.
    expect(SPEC).toMatch(new RegExp(`\\*\\*${id}\\*\\*`));
  });

  it('LC-1: the table has a row for every state the machine declares', () => {
    const states = Object.keys(sessionMachine.config.states ?? {});
    const tableStates = new Set(lifecycleTable().map((row) => row.state));
    for (const state of states) expect(tableStates, `state ${state}`).toContain(state);
  });

  it('LC-1..LC-12: every guard the table names is a named guard of the machine, and SPEC.md defines it', () => {
    const guards = Object.keys(sessionMachine.implementations.guards);
    for (const row of lifecycleTable()) {
      if (row.guard === '—') continue;
      expect(guards).toContain(row.guard);
    }
    for (const guard of guards) expect(SPEC, `guard ${guard} documented`).toContain(`| \`${guard}\` |`);
  });

  it('LC-6, SEC-4: every named action of the machine (context change or effect) is documented in SPEC.md', () => {
    for (const action of Object.keys(sessionMachine.implementations.actions)) {
      const documented = SPEC.includes(`| \`${action}\` |`) || SPEC.includes(`| \`${action}(name)\` |`);
      expect(documented, `action ${action} documented`).toBe(true);
    }
  });

  it('LC-1: every event type of the machine has a line in the events table of SPEC.md', () => {
    const events = new Set(
      lifecycleTable()
        .map((row) => row.event)
        .filter((event) => event !== 'create' && event !== '(any)'),
    );
    for (const event of events) expect(SPEC, `event ${event}`).toContain(`| \`${event}\` |`);
  });
});
