import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';

test('CK-1: a factory that throws fails each rule test with its message, and no unhandled rejection follows', () => {
  const run = spawnSync(
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--config',
      'test/fixtures/vitest.config.ts',
      '--reporter=json',
    ],
    { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } },
  );
  const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
  const tests = report.testResults.flatMap((file: { assertionResults: unknown[] }) => file.assertionResults);
  expect(tests.map((t: { title: string; status: string }) => [t.title, t.status])).toEqual([
    ['ST-1', 'failed'],
    ['ST-6', 'failed'],
    ['CK-3', 'failed'],
  ]);
  for (const t of tests)
    expect(t.failureMessages.join('\n')).toContain('connect ECONNREFUSED 127.0.0.1:5432');
  expect(run.stdout + run.stderr).not.toMatch(/Unhandled (Rejection|Error)/i);
  expect(run.status).toBe(1);
});
