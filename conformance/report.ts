/**
 * The readable report (CK-9): a table of rules, and for each failure its counterexample as steps,
 * its seed and path, and how to replay it.
 *
 * @packageDocumentation
 */
import type { ConformanceReport, RuleResult } from './types.js';

/** The environment variable the kit reads a replay token from (CK-9). */
export const REPLAY_ENV = 'SESSIONSPEC_REPLAY';

const STATUS: Record<RuleResult['status'], string> = {
  pass: 'PASS',
  fail: 'FAIL',
  unsupported: 'UNSUPPORTED',
};

/**
 * The end-of-run table: one line per rule with its status, runs and time.
 * @param report - a report from `runConformance`.
 * @returns the table and a summary line, newline-terminated.
 */
export function formatReportTable(report: ConformanceReport): string {
  const rows = report.rules.map((r) => [
    r.id,
    STATUS[r.status],
    r.planned === undefined ? String(r.runs) : `${r.runs}/${r.planned}`,
    `${r.durationMs} ms`,
  ]);
  const cut = report.rules.filter((r) => r.planned !== undefined);
  const header = ['rule', 'status', 'runs', 'time'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `${report.adapter}: ${report.passed} passed, ${report.failed} failed, ${report.unsupported} unsupported` +
      ` (profile ${report.profile}, seed ${report.seed}, ${(report.durationMs / 1000).toFixed(1)} s)`,
    ...(cut.length === 0
      ? []
      : [
          `coverage: the ${Number((report.budgetMs / 1000).toFixed(1))} s budget cut ${cut.length} rule${cut.length === 1 ? '' : 's'} short (${cut
            .map((r) => `${r.id} ${r.runs}/${r.planned}`)
            .join(', ')}); give more with --budget`,
        ]),
    ...startHere(report.rules),
    '',
  ].join('\n');
}

/**
 * The order in which a store author should look at failures: a rule earlier in the list is more basic,
 * and its bug often makes the later ones fail too (a payload that does not round-trip fails every rule
 * that reads a record back).
 */
const BASIC_FIRST = [
  'ST-1',
  'ST-4',
  'ST-6',
  'ST-7',
  'ST-2.read',
  'ST-3',
  'ID-4',
  'ST-2.write',
  'CC-1',
  'ST-2.destroy',
  'CC-4',
  'ST-2.list',
  'ST-2.destroy-by-user',
  'ST-2.purge',
  'ST-5',
  'CC-5',
  'CK-8.isolation',
  'CK-8.teardown',
  'CK-8.close',
  'CK-3',
];

/**
 * The "start here" line when several rules fail: the most basic failing rule, whose fix often clears
 * the others.
 * @param rules - the report's rules.
 * @returns the line, or nothing when fewer than two rules fail.
 * @internal
 */
export function startHere(rules: readonly RuleResult[]): string[] {
  const failed = rules.filter((r) => r.status === 'fail');
  if (failed.length < 2) return [];
  const rank = (id: string) => {
    const at = BASIC_FIRST.indexOf(id);
    return at === -1 ? BASIC_FIRST.length : at;
  };
  const first = failed.reduce((best, r) => (rank(r.id) < rank(best.id) ? r : best));
  return [
    `start here: ${first.id} (${first.title}) is the most basic of the ${failed.length} failing rules; fixing it may fix the others`,
  ];
}

/**
 * One failure, readable: the message, the shrunk counterexample one step per line, the seed and path,
 * and the replay instructions (CK-9).
 * @param result - a failed rule.
 * @param command - the CLI command that ran the kit, e.g. `npx sessionspec conformance ./my-adapter.js`;
 *   the replay flag is appended to it. Without it, only the environment-variable replay is shown.
 * @returns the text, newline-terminated.
 */
export function formatFailure(result: RuleResult, command?: string): string {
  const lines = [`FAIL ${result.id}: ${result.title}`, ...indent(result.message ?? '')];
  if (result.counterexample !== undefined && result.counterexample.length > 0) {
    const n = result.counterexample.length;
    lines.push(`  counterexample (${n} step${n === 1 ? '' : 's'}):`);
    result.counterexample.forEach((step, i) => {
      lines.push(`    ${i + 1}. ${step}`);
    });
  }
  if (result.seed !== undefined) lines.push(`  seed: ${result.seed}`);
  if (result.planned !== undefined)
    lines.push(`  runs: ${result.runs} of ${result.planned} within the budget`);
  if (result.path !== undefined) lines.push(`  path: ${result.path}`);
  if (result.replay !== undefined) {
    const token = JSON.stringify(result.replay);
    if (command !== undefined) lines.push(`  replay: ${command} --replay '${token}'`);
    lines.push(
      `  ${command === undefined ? 'replay' : '    or'}: ${REPLAY_ENV}='${token}' <your test command>`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A message, each of its lines indented under the headline. */
function indent(message: string): string[] {
  return message.split('\n').map((line) => `  ${line}`);
}
