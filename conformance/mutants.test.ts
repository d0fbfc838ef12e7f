import { describe, expect, test } from 'vitest';
import { contractOneFactory, correctFactory, MUTANTS, partialFactory } from '../test/mutants/catalog.js';
import { runConformance } from './run.js';

// CK-11: fixed seeds, so CI is deterministic: every mutant must be caught, every time.
const SEED = 20_240_601;

describe('CK-11 mutant self-test', () => {
  test.each(MUTANTS.map((m) => [m.breaks, m.name, m] as const))(
    '%s rejects: %s',
    async (breaks, name, mutant) => {
      const report = await runConformance({ name, factory: mutant.factory, seed: SEED, only: [breaks] });
      const result = report.rules.find((r) => r.id === breaks);
      expect(result?.status, result?.message).toBe('fail');
      expect(result?.message).toContain(`[${breaks}]`);
      // A counterexample of a few steps (or generated inputs) for property rules.
      if (result?.counterexample !== undefined) expect(result.counterexample.length).toBeLessThanOrEqual(8);
      // CK-9: a generated value is shown with the name the rule gives it, never bare.
      for (const step of result?.counterexample ?? []) expect(step).toMatch(/^[\w{}, ]+: |^[a-zA-Z]+\(/);
      process.stdout.write(`CK-11 ${breaks} <- ${name}: ${result?.counterexample?.length ?? 0} steps\n`);
    },
  );

  test('the model-based run (CK-3) also rejects a behavioural mutant, with a short shrunk sequence', async () => {
    const mutant = MUTANTS.find((m) => m.breaks === 'CC-1')!;
    const report = await runConformance({
      name: mutant.name,
      factory: mutant.factory,
      seed: SEED,
      only: ['CK-3'],
    });
    const [result] = report.rules;
    expect(result?.status).toBe('fail');
    expect(result?.counterexample?.length).toBeGreaterThan(0);
    expect(result?.counterexample?.length).toBeLessThanOrEqual(6);
    expect(result?.replay?.rule).toBe('CK-3');
  });

  test.each([
    ['write on an absent session re-creates it', 'CC-4'],
    ['expiry off by one: a record is still live at now === expiresAt', 'ST-3'],
    ['version-blind write (no compare-and-set)', 'CC-1'],
  ])('CK-3 cites the rule broken, not a rule per command: %s -> %s', async (name, cited) => {
    const mutant = MUTANTS.find((m) => m.name === name)!;
    const report = await runConformance({ name, factory: mutant.factory, seed: SEED, only: ['CK-3'] });
    expect(report.rules[0]?.message).toMatch(new RegExp(`^\\[CK-3\\] ${cited}:`));
  });

  test('a replay token reproduces the same failure', async () => {
    const mutant = MUTANTS.find((m) => m.name.startsWith('purge misses'))!;
    const first = await runConformance({ name: 'm', factory: mutant.factory, seed: SEED, only: ['CK-3'] });
    const replay = first.rules[0]?.replay;
    expect(replay).toBeDefined();
    const again = await runConformance({ name: 'm', factory: mutant.factory, replay: replay! });
    expect(again.rules.map((r) => r.id)).toEqual(['CK-3']);
    expect(again.rules[0]?.status).toBe('fail');
    expect(again.rules[0]?.counterexample).toEqual(first.rules[0]?.counterexample);
  });

  test('a correct store passes every rule', async () => {
    const report = await runConformance({ name: 'correct', factory: correctFactory, seed: SEED });
    expect(report.rules.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(report.failed).toBe(0);
  });

  test('ST-4: a partial manifest shows the lock and inspection rules as UNSUPPORTED, never passed', async () => {
    const report = await runConformance({ name: 'partial', factory: partialFactory, seed: SEED });
    const unsupported = report.rules.filter((r) => r.status === 'unsupported').map((r) => r.id);
    expect(unsupported.sort()).toEqual(['CC-5', 'CK-8.teardown', 'SEC-3', 'ST-5']);
    expect(report.failed).toBe(0);
    expect(report.unsupported).toBe(4);
  });

  test('ST-4, CC-1: a store-contract-1 store is reported as such and fails the rules contract 2 adds', async () => {
    const report = await runConformance({ name: 'contract 1', factory: contractOneFactory, seed: SEED });
    expect(report.contract).toBe(1);
    const failed = report.rules.filter((r) => r.status === 'fail').map((r) => r.id);
    expect(failed).toEqual(expect.arrayContaining(['ST-4', 'CC-1', 'CC-1.failover']));
    expect(report.rules.find((r) => r.id === 'ST-4')?.message).toMatch(/store-contract-1 store/);
  });

  test('ST-4: a supports override turns a capability off', async () => {
    const report = await runConformance({
      name: 'no locks',
      factory: correctFactory,
      seed: SEED,
      supports: { locks: false },
      only: ['CC-5', 'ST-4'],
    });
    expect(report.rules.map((r) => [r.id, r.status])).toEqual([
      ['ST-4', 'pass'],
      ['CC-5', 'unsupported'],
    ]);
  });
});
