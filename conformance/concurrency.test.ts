import { describe, expect, test } from 'vitest';
import { createMemoryStore } from '../adapters/memory/index.js';
import { correctFactory } from '../test/mutants/catalog.js';
import { RACE_MUTANTS } from '../test/mutants/races.js';
import { injectFaults } from './faults.js';
import { formatFailure } from './report.js';
import { runConformance } from './run.js';

// CK-5, CK-6, CC-8: fixed seeds and the in-process scheduler, so CI is deterministic.
const SEED = 20_240_601;
const CONCURRENCY_RULES = [
  'CC-8',
  'CK-5.parallel',
  'CK-7',
  'CK-6.rotation',
  'CK-6.resurrection',
  'CK-6.increment',
  'CK-6.revoke-all',
];

describe('race mutants (CK-5, CK-6, CC-8)', () => {
  test.each(RACE_MUTANTS.map((m) => [m.breaks, m.name, m] as const))(
    '%s rejects: %s',
    async (breaks, name, mutant) => {
      const report = await runConformance({ name, factory: mutant.factory, seed: SEED, only: [breaks] });
      const result = report.rules.find((r) => r.id === breaks)!;
      expect(result.status, result.message).toBe('fail');
      expect(result.message).toContain(`[${breaks}]`);
      // The failure shows the interleaving as lanes of store calls, and how to replay it.
      expect(result.message).toMatch(/│.*├/);
      expect(result.replay?.rule).toBe(breaks);
      expect(result.counterexample?.join('\n')).toContain('scheduler order (');
      // CK-9: each generated value named; a linearizability failure says why no order works.
      expect(result.counterexample?.join('\n')).not.toContain('schedulerFor');
      if (breaks === 'CC-8') expect(result.message).toMatch(/why no order works[\s\S]*must answer/);
      process.stdout.write(`${breaks} <- ${name}: caught at run ${result.runs}\n${formatFailure(result)}`);
    },
  );

  test('a replay token reproduces a race failure', async () => {
    const mutant = RACE_MUTANTS.find((m) => m.breaks === 'CK-6.increment')!;
    const first = await runConformance({
      name: 'm',
      factory: mutant.factory,
      seed: SEED,
      only: ['CK-6.increment'],
    });
    const replay = first.rules[0]!.replay!;
    const again = await runConformance({ name: 'm', factory: mutant.factory, replay });
    expect(again.rules[0]?.status).toBe('fail');
    expect(again.rules[0]?.message?.split('\n')[0]).toBe(first.rules[0]?.message?.split('\n')[0]);
  });

  test('the race mutants pass the sequential store rules (they only break under concurrency)', async () => {
    for (const mutant of RACE_MUTANTS) {
      const report = await runConformance({
        name: mutant.name,
        factory: mutant.factory,
        seed: SEED,
        only: ['CC-1', 'CC-4', 'ID-4', 'ST-2.destroy-by-user', 'ST-5', 'CK-3'],
      });
      expect(report.rules.filter((r) => r.status !== 'pass').map((r) => r.id)).toEqual([]);
    }
  });

  test('a correct store passes the concurrency, linearizability and race rules', async () => {
    const report = await runConformance({
      name: 'correct',
      factory: correctFactory,
      seed: SEED,
      only: CONCURRENCY_RULES,
    });
    expect(report.rules.filter((r) => r.status !== 'pass').map((r) => r.message)).toEqual([]);
    expect(report.rules).toHaveLength(CONCURRENCY_RULES.length);
  });
});

describe('CK-7 fault wrapper', () => {
  test('the same seed injects the same faults; a dropped reply is performed, a failed call is not', async () => {
    const plans: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const store = createMemoryStore({ sweepEvery: false });
      const faulty = injectFaults(store, { seed: 42, fail: 0.3, drop: 0.3 });
      for (let n = 0; n < 20; n++) await faulty.destroy(`sid-${n}`).catch(() => {});
      plans.push(faulty.injected.map((f) => `${f.call}:${f.kind}`));
    }
    expect(plans[0]).toEqual(plans[1]);
    expect(plans[0]!.length).toBeGreaterThan(0);
    const store = createMemoryStore({ sweepEvery: false });
    const record = { sessionId: 'sid-x', userId: null, expiresAt: Number.MAX_SAFE_INTEGER } as never;
    const dropping = injectFaults(store, { seed: 1, decide: () => 'drop' });
    await expect(dropping.create(record, 0)).rejects.toThrow(/reply .* lost/);
    expect(await store.read('sid-x', 0)).not.toBeNull();
    const failing = injectFaults(createMemoryStore({ sweepEvery: false }), { seed: 1, decide: () => 'fail' });
    await expect(failing.create(record, 0)).rejects.toThrow(/failed before/);
    failing.active = false;
    expect(await failing.read('sid-x', 0)).toBeNull();
  });

  test('rates that sum over 1 are misuse', () => {
    expect(() =>
      injectFaults(createMemoryStore({ sweepEvery: false }), { seed: 1, drop: 0.6, fail: 0.6 }),
    ).toThrow(TypeError);
  });
});
