import { describe, expect, test } from 'vitest';
import { createMemoryStore } from '../adapters/memory/index.js';
import { correctFactory } from '../test/mutants/catalog.js';
import { LIFECYCLE_MUTANTS } from '../test/mutants/lifecycle.js';
import { declaredRows } from './lifecycle/oracle.js';
import { lifecyclePaths } from './lifecycle/paths.js';
import { groupedFailures } from './rules/lifecycle.js';
import { runConformance } from './run.js';
import type { RuleResult, StoreFactory } from './types.js';

// CK-4, CK-11: fixed seeds, so that what must be caught is caught every time.
const SEED = 20_240_601;
const CK4 = ['CK-4.paths', 'CK-4.walks'];

const memoryFactory: StoreFactory = ({ namespace }) => {
  const store = createMemoryStore({ namespace, sweepEvery: false });
  return { store, close: () => store.close() };
};

/** The failures a CK-4 result lists: one per message of the failing paths, or the one of a walk. */
const failuresOf = (r: RuleResult): string[] =>
  r.id === 'CK-4.paths' ? (r.message ?? '').split(' | ').slice(1) : [r.message ?? ''];

describe('CK-4 lifecycle rules', () => {
  test('CK-4.paths: a message shared by many failing paths is listed once, with the paths as ranges', () => {
    const same = 'the current token was refused';
    const failures = [9, 10, 11, 12, 29, 30, 31].map((index) => ({ index, message: same }));
    failures.splice(4, 0, { index: 20, message: 'another difference' });
    expect(groupedFailures(failures)).toBe(`paths 9-12, 29-31: ${same} | path 20: another difference`);
  });

  test('CK-4.paths: the paths generated from the machine take every declared transition', () => {
    const { paths, taken } = lifecyclePaths();
    const declared = declaredRows();
    expect(declared.filter((row) => !taken.has(row))).toEqual([]);
    expect(taken.size).toBe(declared.length);
    // Short paths: each row is reached by the shortest path the traversal found.
    expect(Math.max(...paths.map((p) => p.length))).toBeLessThanOrEqual(6);
    process.stdout.write(`CK-4.paths: ${paths.length} paths, ${taken.size}/${declared.length} transitions\n`);
  });

  test('CK-4: the memory adapter passes every path and walk', async () => {
    const report = await runConformance({ name: 'memory', factory: memoryFactory, seed: SEED, only: CK4 });
    for (const result of report.rules)
      process.stdout.write(`${result.id}: ${result.status} ${result.message ?? ''}\n`);
    expect(report.rules.map((r) => [r.id, r.status])).toEqual(CK4.map((id) => [id, 'pass']));
    expect(report.rules.find((r) => r.id === 'CK-4.paths')?.coverage).toBe(
      `${declaredRows().length}/${declaredRows().length} transitions`,
    );
    expect(report.rules.find((r) => r.id === 'CK-4.walks')?.coverage).toMatch(/^\d+\/\d+ transitions$/);
  });

  test('CK-4: a correct plain store gives the same results as the memory adapter', async () => {
    const report = await runConformance({ name: 'correct', factory: correctFactory, seed: SEED, only: CK4 });
    expect(report.rules.map((r) => r.status)).toEqual(CK4.map(() => 'pass'));
  });

  test.each(LIFECYCLE_MUTANTS.map((m) => [m.breaks, m.name, m] as const))(
    '%s rejects: %s, with a short path',
    async (breaks, name, mutant) => {
      const report = await runConformance({ name, factory: mutant.factory, seed: SEED, only: [breaks] });
      const [result] = report.rules;
      expect(result?.status, result?.message).toBe('fail');
      expect(result?.message).toContain(`[${breaks}]`);
      // The mutant's first failing path, replayed alone: a short path.
      const own = failuresOf(result!)[0];
      const index = /^paths? (\d+)\b/.exec(own ?? '')?.[1];
      expect(index, own).toBeDefined();
      const again = await runConformance({
        name,
        factory: mutant.factory,
        replay: { rule: breaks, seed: SEED, path: index! },
      });
      expect(again.rules.map((r) => [r.id, r.status])).toEqual([[breaks, 'fail']]);
      const steps = again.rules[0]?.counterexample ?? [];
      expect(steps.length).toBeGreaterThan(0);
      expect(steps.length).toBeLessThanOrEqual(4);
      process.stdout.write(`CK-4 ${breaks} <- ${name}: ${steps.length} steps\n  ${steps.join('\n  ')}\n`);
    },
  );

  test('CK-4.walks also rejects the lifecycle mutants', async () => {
    for (const mutant of LIFECYCLE_MUTANTS) {
      const report = await runConformance({
        name: mutant.name,
        factory: mutant.factory,
        seed: SEED,
        only: ['CK-4.walks'],
      });
      const [result] = report.rules;
      expect(result?.status, mutant.name).toBe('fail');
      expect(result?.counterexample?.length).toBeLessThanOrEqual(6);
      expect(result?.replay?.rule).toBe('CK-4.walks');
    }
  });
});
