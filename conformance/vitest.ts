/**
 * `describeConformance`: the conformance kit as vitest tests, one per rule (CK-1, CK-2). Imports
 * vitest, which is a peer dependency of `sessionspec/conformance` only.
 *
 * @packageDocumentation
 * @module sessionspec/conformance/vitest
 */
import { randomBytes } from 'node:crypto';
import { describe, test } from 'vitest';
import { parseReplayToken } from './replay.js';
import { formatFailure, REPLAY_ENV } from './report.js';
import { RULE_GROUPS } from './rules/index.js';
import { PROFILES, runConformance } from './run.js';
import type { ConformanceOptions } from './types.js';

/** Options of {@link describeConformance}: those of `runConformance`, and the per-rule test timeout. */
export interface DescribeConformanceOptions extends ConformanceOptions {
  /**
   * Each rule's test timeout in milliseconds. Defaults to the profile's whole budget plus 30 s: a rule
   * stops starting runs when its share of what is left is spent, and the 30 s leave room for a slow
   * store's last run and its setup (a networked store's factory, cleanup).
   */
  testTimeoutMs?: number;
}

/**
 * Register a vitest suite with one test per rule, named with its stable id (CK-2). Each test runs its
 * rule on its own, with its own timeout sized from the profile's time budget, so a slow store (a real
 * database) is not cut off by a hook timeout, and a failing factory fails each test with its message.
 * A failing test shows the rule's message, the counterexample and how to replay it; an unsupported
 * rule is a skipped test, never a passed one (ST-4). The seed is printed. Set `SESSIONSPEC_REPLAY` to
 * a printed token to replay one failure.
 *
 * @param options - as for `runConformance`, plus `testTimeoutMs`; `replay` defaults to
 *   `SESSIONSPEC_REPLAY`.
 * @throws TypeError when `SESSIONSPEC_REPLAY` is set but is not a replay token.
 *
 * @example
 * ```ts
 * // my-store.conformance.test.ts
 * import { describeConformance } from 'sessionspec/conformance/vitest';
 * describeConformance({ name: 'my-store', factory: ({ namespace }) => ({ store: makeStore(namespace), close: () => {} }) });
 * ```
 */
export function describeConformance(options: DescribeConformanceOptions): void {
  const fromEnv = process.env[REPLAY_ENV];
  const replay = options.replay ?? (fromEnv ? parseReplayToken(fromEnv) : undefined);
  const ids = RULE_GROUPS.flatMap((group) => group.rules.map((rule) => rule.id)).filter(
    (id) =>
      (replay === undefined || id === replay.rule) &&
      (options.only === undefined || options.only.includes(id)),
  );
  // One seed for the suite, drawn now and printed, so every rule's failure replays.
  const seed = replay?.seed ?? options.seed ?? randomBytes(4).readInt32LE(0);
  const profile = replay?.profile ?? options.profile ?? 'quick';
  const budgetMs = options.budgetMs ?? PROFILES[profile]?.budgetMs ?? PROFILES.quick.budgetMs;
  const timeout = options.testTimeoutMs ?? budgetMs + 30_000;
  // CK-10: the tests run in order; each may use up to three even shares of what the earlier ones left.
  let spentMs = 0;
  let left = ids.length;
  const { testTimeoutMs: _timeout, ...kit } = options;
  describe(`sessionspec conformance: ${options.name} (seed ${seed}, profile ${profile})`, () => {
    for (const id of ids) {
      test(
        id,
        async (context) => {
          const remaining = Math.max(budgetMs - spentMs, budgetMs / ids.length / 4);
          const shareMs = Math.min(remaining, (3 * remaining) / Math.max(left, 1));
          left -= 1;
          const started = performance.now();
          const report = await runConformance({
            ...kit,
            seed,
            profile,
            budgetMs: shareMs,
            only: [id],
            ...(replay === undefined ? {} : { replay }),
          }).finally(() => {
            spentMs += performance.now() - started;
          });
          const result = report.rules.find((r) => r.id === id);
          if (result === undefined) throw new Error(`${id}: the kit did not run this rule`);
          if (result.status === 'unsupported') {
            context.skip(`${id} UNSUPPORTED: ${result.message ?? ''}`);
            return;
          }
          if (result.status === 'fail') {
            throw new Error(formatFailure(result).replace(/^FAIL /, ''));
          }
        },
        timeout,
      );
    }
  });
}
