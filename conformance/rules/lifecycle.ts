/**
 * The lifecycle rules (CK-4): event sequences generated from the machine, run through the reference
 * session manager over the adapter under test, every observable result compared with what the machine
 * predicts. `CK-4.paths` replays paths that take every declared transition; `CK-4.walks` random walks
 * with clock advances.
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import { LifecycleDriver } from '../lifecycle/driver.js';
import { declaredRows } from '../lifecycle/oracle.js';
import { lifecyclePaths, PATHS_CONFIG } from '../lifecycle/paths.js';
import type { LifecycleStep, RunConfig } from '../lifecycle/steps.js';
import { resolveStep, runConfigArb, type WalkStep, walkStepArb } from '../lifecycle/walks.js';
import { type Counterexample, checkProperty, errorMessage, namedProperty } from '../property.js';
import type { Rule, RuleContext, RuleOutcome } from '../rule.js';

/** `taken/declared transitions`, over the rows of the lifecycle table. */
function coverage(taken: ReadonlySet<string>): {
  reached: number;
  declared: number;
  missed: string[];
  text: string;
} {
  const declared = declaredRows();
  const missed = declared.filter((row) => !taken.has(row));
  const reached = declared.length - missed.length;
  return { reached, declared: declared.length, missed, text: `${reached}/${declared.length} transitions` };
}

/** Run one sequence on a fresh namespace (CK-8); `next` gives the step to run, or `null` to stop. */
async function runSequence(
  ctx: RuleContext,
  config: RunConfig,
  next: (driver: LifecycleDriver, index: number) => LifecycleStep | null,
): Promise<LifecycleDriver> {
  const opened = await ctx.open();
  const driver = new LifecycleDriver(opened.store, config);
  try {
    await driver.start();
    for (let i = 0; ; i++) {
      const step = next(driver, i);
      if (step === null) break;
      await driver.apply(step);
    }
    return driver;
  } catch (error) {
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { steps: driver.log });
  } finally {
    await opened.dispose();
  }
}

/** The steps a failed sequence ran, attached by {@link runSequence}. */
const stepsOf = (error: unknown): string[] => (error as { steps?: string[] }).steps ?? [];

/**
 * CK-4.paths: paths generated with `xstate/graph` that together take every transition the machine
 * declares, each on a fresh namespace. Fails below 100 % coverage. Replays one path by its index.
 * @internal
 */
export const pathsRule: Rule = {
  id: 'CK-4.paths',
  title: 'paths from the lifecycle machine, taking every declared transition, through the reference manager',
  async run(ctx): Promise<RuleOutcome> {
    const { paths, taken } = lifecyclePaths();
    const reached = coverage(taken);
    if (reached.missed.length > 0) {
      return {
        status: 'fail',
        runs: 0,
        message: `CK-4: the generated paths take ${reached.text}; never taken: ${reached.missed.join(', ')}`,
        coverage: reached.text,
      };
    }
    const only = ctx.replay?.rule === 'CK-4.paths' ? Number(ctx.replay.path) : undefined;
    // Every path runs, so that one difference does not hide another; the first failing one is the
    // counterexample and the replay token.
    const failures: { index: number; message: string; steps: string[] }[] = [];
    for (const [index, path] of paths.entries()) {
      if (only !== undefined && index !== only) continue;
      try {
        await runSequence(ctx, PATHS_CONFIG, (_, i) => path[i] ?? null);
      } catch (error) {
        failures.push({ index, message: errorMessage(error), steps: stepsOf(error) });
      }
    }
    const runs = only === undefined ? paths.length : 1;
    const [first] = failures;
    if (first === undefined) return { status: 'pass', runs, coverage: reached.text };
    return {
      status: 'fail',
      runs,
      message: `${failures.length} of ${runs} paths (${reached.text}) differ from the machine | ${groupedFailures(failures)}`,
      counterexample: first.steps,
      seed: ctx.seed,
      path: String(first.index),
      coverage: reached.text,
    };
  },
};

/**
 * The failing paths grouped by message, each message once with the paths that gave it
 * (`paths 9-24, 29: <message>`): one store fault tends to fail many paths the same way.
 * @internal
 */
export function groupedFailures(failures: readonly { index: number; message: string }[]): string {
  const byMessage = new Map<string, number[]>();
  for (const { index, message } of failures) {
    const indices = byMessage.get(message);
    if (indices === undefined) byMessage.set(message, [index]);
    else indices.push(index);
  }
  return [...byMessage]
    .map(([message, indices]) => `${indices.length === 1 ? 'path' : 'paths'} ${ranges(indices)}: ${message}`)
    .join(' | ');
}

/** @internal Ascending numbers as ranges: `[1, 2, 3, 7]` gives `1-3, 7`. */
function ranges(sorted: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(start === sorted[i] ? String(start) : `${start}-${sorted[i]}`);
  }
  return parts.join(', ');
}

/**
 * CK-4.walks: random walks of calls, requests and clock advances (to just before, at or after each
 * deadline), checked step by step against the machine; reports the transitions the walks took.
 * @internal
 */
export const walksRule: Rule = {
  id: 'CK-4.walks',
  title: 'random walks with clock advances through the reference manager, checked against the machine',
  async run(ctx): Promise<RuleOutcome> {
    const taken = new Set<string>();
    let failure: Counterexample | undefined;
    const property = namedProperty(
      runConfigArb,
      fc.array(walkStepArb, { maxLength: ctx.maxCommands, size: 'max' }),
      async (config: RunConfig, walk: WalkStep[]) => {
        try {
          const driver = await runSequence(ctx, config, (d, i) =>
            i < walk.length ? resolveStep(walk[i]!, d.oracle) : null,
          );
          for (const row of driver.oracle.taken) taken.add(row);
        } catch (error) {
          failure = { steps: [`rotationGrace=${config.rotationGrace}`, ...stepsOf(error)] };
          throw error;
        }
      },
    );
    const outcome = await checkProperty(ctx, property, () => failure);
    return { ...outcome, coverage: coverage(taken).text };
  },
};

/** The CK-4 rules. @internal */
export const lifecycleRules: readonly Rule[] = [pathsRule, walksRule];
