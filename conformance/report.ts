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
  const rows = report.rules.map((r) => [r.id, STATUS[r.status], String(r.runs), `${r.durationMs} ms`]);
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
    '',
  ].join('\n');
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
  const lines = [`FAIL ${result.id}: ${result.title}`, `  ${result.message ?? ''}`];
  if (result.counterexample !== undefined && result.counterexample.length > 0) {
    const n = result.counterexample.length;
    lines.push(`  counterexample (${n} step${n === 1 ? '' : 's'}):`);
    result.counterexample.forEach((step, i) => {
      lines.push(`    ${i + 1}. ${step}`);
    });
  }
  if (result.seed !== undefined) lines.push(`  seed: ${result.seed}`);
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
