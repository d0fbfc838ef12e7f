import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

it('the run ends with a plain closing line that counts failures, load errors and skips', () => {
  const run = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/summary/vitest.config.ts'],
    { encoding: 'utf8', env: { ...process.env, CI: 'true' } },
  );
  const lines = run.stdout.trimEnd().split('\n');
  // The closing line is the last one, uncoloured even where vitest colours its own summary (CI=true).
  expect(lines.at(-1)).toBe('2 passed, 2 failed, 1 skipped');
  expect(run.status).toBe(1);
});
