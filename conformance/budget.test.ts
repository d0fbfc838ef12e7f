import { expect, test } from 'vitest';
import { slowMemoryFactory } from '../test/slow-store.js';
import { runConformance } from './run.js';

test('CK-10: a budget too small for one run still makes one: no rule is reported passed without a run', async () => {
  // 5 ms per store call: one case of these rules takes longer than the whole budget.
  const report = await runConformance({
    name: 'memory behind 5 ms latency',
    factory: slowMemoryFactory(5),
    budgetMs: 1,
    seed: 20261130,
    only: ['ST-6', 'CK-3', 'ID-4'],
  });
  expect(report.rules.map((r) => [r.id, r.status]).sort()).toEqual([
    ['CK-3', 'pass'],
    ['ID-4', 'pass'],
    ['ST-6', 'pass'],
  ]);
  for (const rule of report.rules) {
    expect(rule.runs, rule.id).toBeGreaterThanOrEqual(1);
    expect(rule.planned, rule.id).toBe(100);
  }
});
