/** `sessionspec report-card`: help, usage errors, and a module that exports no store. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../test/cli-run.js';

const run = runCli;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sessionspec report-card', () => {
  it('--help prints the usage, exit 0', async () => {
    const { code, stdout } = await run(['report-card', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: sessionspec report-card <module>');
  });

  it('an unknown option, a missing module and a module without createStore are usage errors (exit 2)', async () => {
    expect((await run(['report-card', 'x.mjs', '--seed', '1'])).stderr).toContain("unknown option '--seed'");
    expect((await run(['report-card'])).code).toBe(2);
    const missing = await run(['report-card', 'no-such-module.mjs']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot load 'no-such-module.mjs'");
    const dir = await mkdtemp(join(tmpdir(), 'report-card-'));
    try {
      const file = join(dir, 'empty.mjs');
      await writeFile(file, 'export const name = "x";\n');
      const empty = await run(['report-card', file]);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain('must export createStore()');
      const notStore = join(dir, 'not-store.mjs');
      await writeFile(notStore, 'export function createStore() { return {}; }\n');
      const wrong = await run(['report-card', notStore]);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain('returned no express-session Store');
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
