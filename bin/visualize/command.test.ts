import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineGraph } from '../../spec/graph.js';
import { lifecycleFailureReport } from '../../test/visualize/report.js';
import { toDot } from './dot.js';
import { toMermaid } from './mermaid.js';

const bin = fileURLToPath(new URL('../sessionspec.ts', import.meta.url));

/** @internal Runs the real executable, as a user would, and collects what it prints. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', bin, ...args], (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('sessionspec visualize (VIS-1)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sessionspec-visualize-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the Mermaid diagram by default', async () => {
    const run = await cli('visualize');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(toMermaid(machineGraph()));
  });

  it('writes --out files: dot as given, html as one page', async () => {
    const dotFile = join(dir, 'machine.dot');
    const dotRun = await cli('visualize', '--format', 'dot', '--out', dotFile);
    expect(dotRun).toMatchObject({ code: 0, stdout: '' });
    expect(await readFile(dotFile, 'utf8')).toBe(toDot(machineGraph()));

    const htmlFile = join(dir, 'machine.html');
    expect((await cli('visualize', `--format=html`, `--out=${htmlFile}`)).code).toBe(0);
    const html = await readFile(htmlFile, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('data-target="edge-anonymous-authenticated"');
  });

  it('an --out in a missing folder is a usage error (exit 2, one message), not a stack trace', async () => {
    const out = join(dir, 'no-such-folder', 'machine.mmd');
    const run = await cli('visualize', '--out', out);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--out ${out}: the folder ${join(dir, 'no-such-folder')} does not exist`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown format with exit code 2 and says which formats exist', async () => {
    const run = await cli('visualize', '--format', 'png');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("unknown format 'png' (expected one of: mermaid, dot, svg, html)");
  });

  it('--trace puts a reported lifecycle failure in the page; a bad report is exit 1, not a crash', async () => {
    const report = join(dir, 'report.json');
    await writeFile(report, JSON.stringify(await lifecycleFailureReport()));
    const page = join(dir, 'trace.html');
    const run = await cli('visualize', '--format', 'html', '--trace', report, '--out', page);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const html = await readFile(page, 'utf8');
    expect(html).toContain('<script type="application/json" id="sim-trace">');
    expect(html).toContain('Reported failure: CK-4.walks');

    const notReport = join(dir, 'not-report.json');
    await writeFile(notReport, '{"hello": 1}');
    const bad = await cli('visualize', '--format', 'html', '--trace', notReport);
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toContain('not a conformance report');
    const missing = await cli('visualize', '--format', 'html', '--trace', join(dir, 'missing.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ENOENT');
    const notHtml = await cli('visualize', '--trace', report);
    expect(notHtml.code).toBe(2);
    expect(notHtml.stderr).toContain('--trace needs --format html');
  });

  it('rejects an unknown option and a missing value with exit code 2', async () => {
    expect((await cli('visualize', '--fromat', 'dot')).code).toBe(2);
    const missing = await cli('visualize', '--out');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--out needs a value');
  });
});
