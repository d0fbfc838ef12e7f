/**
 * `describeConformance`: the conformance kit as vitest tests, one per rule (CK-1, CK-2). Imports
 * vitest, which is a peer dependency of `sessionspec/conformance` only.
 *
 * @packageDocumentation
 * @module sessionspec/conformance/vitest
 */
import { beforeAll, describe, test } from 'vitest';
import { parseReplayToken } from './replay.js';
import { formatFailure, REPLAY_ENV } from './report.js';
import { RULE_GROUPS } from './rules/index.js';
import { runConformance } from './run.js';
import type { ConformanceOptions, ConformanceReport } from './types.js';

/**
 * Register a vitest suite that runs the kit once (in `beforeAll`) and one test per rule, named with
 * its stable id (CK-2). A failing test shows the rule's message, the counterexample and how to replay
 * it; an unsupported rule is reported as a skipped test, never a passed one (ST-4). The seed is
 * printed. Set `SESSIONSPEC_REPLAY` to a printed token to replay one failure.
 *
 * @param options - as for `runConformance`; `replay` defaults to `SESSIONSPEC_REPLAY`.
 * @throws TypeError when `SESSIONSPEC_REPLAY` is set but is not a replay token.
 *
 * @example
 * ```ts
 * // my-store.conformance.test.ts
 * import { describeConformance } from 'sessionspec/conformance/vitest';
 * describeConformance({ name: 'my-store', factory: ({ namespace }) => ({ store: makeStore(namespace), close: () => {} }) });
 * ```
 */
export function describeConformance(options: ConformanceOptions): void {
  const fromEnv = process.env[REPLAY_ENV];
  const replay = options.replay ?? (fromEnv ? parseReplayToken(fromEnv) : undefined);
  const ids = RULE_GROUPS.flatMap((group) => group.rules.map((rule) => rule.id)).filter(
    (id) => replay === undefined || id === replay.rule,
  );
  describe(`sessionspec conformance: ${options.name}`, () => {
    let report: ConformanceReport;
    beforeAll(async () => {
      report = await runConformance(replay === undefined ? options : { ...options, replay });
      process.stdout.write(
        `sessionspec conformance ${options.name}: seed ${report.seed}, profile ${report.profile}, ${report.durationMs} ms\n`,
      );
    });
    for (const id of ids) {
      test(id, (context) => {
        const result = report.rules.find((r) => r.id === id);
        if (result === undefined) throw new Error(`${id}: the kit did not run this rule`);
        if (result.status === 'unsupported') {
          context.skip(`${id} UNSUPPORTED: ${result.message ?? ''}`);
          return;
        }
        if (result.status === 'fail') {
          throw new Error(formatFailure(result).replace(/^FAIL /, ''));
        }
      });
    }
  });
}
