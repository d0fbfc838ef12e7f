import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lifecycleTable, lifecycleTableMarkdown } from '../spec/index.js';
import { runCli } from '../test/cli-run.js';

const run = runCli;

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

  it('`sessionspec --version` (and -v) prints the package version, exit code 0', async () => {
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    for (const flag of ['--version', '-v']) {
      const { code, stdout, stderr } = await run([flag]);
      expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('`sessionspec help` prints the usage with exit code 0', async () => {
    const { code, stdout } = await run(['help']);
    expect(code).toBe(0);
    expect(stdout).toContain('spec');
  });

  it('`sessionspec spec --format json` prints the same table as JSON rows; another format is refused', async () => {
    const json = await run(['spec', '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(lifecycleTable());
    expect((await run(['spec', '--format=markdown'])).stdout).toBe(lifecycleTableMarkdown());
    const yaml = await run(['spec', '--format', 'yaml']);
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toContain("unknown format 'yaml'");
  });

  it.each(['spec', 'visualize', 'conformance'])(
    '`sessionspec %s --help`, `-h` and `help <command>` print its usage, exit code 0',
    async (command) => {
      const long = await run([command, '--help']);
      expect(long.code).toBe(0);
      expect(long.stdout).toContain(`Usage: sessionspec ${command}`);
      expect(long.stderr).toBe('');
      expect(await run([command, '-h'])).toEqual(long);
      expect(await run(['help', command])).toEqual(long);
    },
  );

  it.each([
    [['--bogus']],
    [['spec', '--bogus']],
    [['spec', 'extra']],
    [['visualize', '--bogus']],
    [['visualize', '--help=yes']],
    [['conformance', '--bogus']],
    [['help', '--bogus']],
    [['help', 'spec', 'extra']],
    [['help', 'no-such-command']],
  ])(
    'an unknown option or argument is refused everywhere: %j exits 2 and says why on stderr',
    async (argv) => {
      const { code, stdout, stderr } = await run(argv);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/unknown (option|command) '[^']+'|unexpected argument '[^']+'|takes no value/);
      expect(stderr).toContain('Usage: sessionspec');
    },
  );

  it('`sessionspec --help` lists every command', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of ['spec', 'visualize', 'conformance', 'help'])
      expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });
});
