import { afterEach, describe, expect, it, vi } from 'vitest';
import { lifecycleTableMarkdown } from '../spec/index.js';
import { main } from './cli.js';

/** Run the CLI with `argv`, capturing what it writes to stdout and stderr. */
async function run(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sessionspec CLI', () => {
  it('LC-1..LC-12: `sessionspec spec` prints the lifecycle table computed from the machine, exit code 0', async () => {
    const { code, stdout, stderr } = await run(['spec']);
    expect(code).toBe(0);
    expect(stdout).toBe(lifecycleTableMarkdown());
    expect(stderr).toBe('');
  });

  it('an unknown command is a usage error: exit code 2, the command named on stderr, nothing on stdout', async () => {
    const { code, stdout, stderr } = await run(['no-such-command']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("unknown command 'no-such-command'");
    expect(stderr).toContain('Usage: sessionspec');
  });

  it('`sessionspec help` prints the usage with exit code 0', async () => {
    const { code, stdout } = await run(['help']);
    expect(code).toBe(0);
    expect(stdout).toContain('spec');
  });
});
