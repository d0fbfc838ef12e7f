/**
 * A vitest reporter that ends the run with one plain line, `N passed, N failed, N skipped`,
 * without colours, after vitest's own summary. Tools that read a test run's closing line (CI among
 * them) understand that form; vitest's coloured table is meant for people.
 *
 * A test file that failed to load, or an error thrown outside any test, counts as one failure: the
 * line never says "0 failed" for a run that vitest itself reports as failed.
 *
 * @packageDocumentation
 */
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/** Counts of one run. @internal */
export interface RunCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Counts the tests of a finished run.
 * @param modules - the run's test files.
 * @param unhandled - errors raised outside any test.
 * @returns passed, failed (tests, plus files with load errors, plus unhandled errors) and skipped.
 * @internal
 */
export function countRun(
  modules: ReadonlyArray<TestModule>,
  unhandled: ReadonlyArray<SerializedError>,
): RunCounts {
  const counts: RunCounts = { passed: 0, failed: unhandled.length, skipped: 0 };
  for (const module of modules) {
    if (module.errors().length > 0) counts.failed += 1;
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') counts.passed += 1;
      else if (state === 'failed') counts.failed += 1;
      else counts.skipped += 1;
    }
  }
  return counts;
}

/**
 * The closing line.
 * @param counts - the run's counts.
 * @returns `N passed, N failed, N skipped`.
 * @internal
 */
export function closingLine(counts: RunCounts): string {
  return `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
}

/** The reporter, listed after vitest's default one in `vitest.config.ts`. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    process.stdout.write(`\n${closingLine(countRun(modules, unhandled))}\n`);
  }
}
