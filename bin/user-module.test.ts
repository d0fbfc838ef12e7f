import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, test } from 'vitest';
import { type ConformanceIo, conformance } from './conformance.js';
import { importUserModule, ModuleLoadError } from './user-module.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionspec-user-module-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Capture what the command writes. */
function capture(): ConformanceIo & { err: string } {
  const io = {
    err: '',
    stdout: () => {},
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

describe('the module a command is given', () => {
  test('a TypeScript module under plain Node: one line saying how to run the command under tsx', () => {
    // Plain Node, as `npx sessionspec` runs: the loader this test runs under would load the .ts file.
    const source = readFileSync(new URL('user-module.ts', import.meta.url), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(dir, 'user-module.mjs'), outputText);
    writeFileSync(join(dir, 'my-store.ts'), 'export const factory = (): null => null;\n');
    writeFileSync(
      join(dir, 'load.mjs'),
      "import { importUserModule } from './user-module.mjs';\n" +
        "try { await importUserModule('my-store.ts', 'conformance <module>'); }\n" +
        "catch (e) { console.log(e.constructor.name + ': ' + e.message); }\n",
    );
    const run = spawnSync(process.execPath, ['load.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(run.stdout).toContain(`ModuleLoadError: cannot load 'my-store.ts': Unknown file extension ".ts"`);
    expect(run.stdout).toContain(
      'Node loads TypeScript only through a loader: npx tsx node_modules/sessionspec/dist/bin/sessionspec.js conformance my-store.ts',
    );
  });

  test('a missing module: the path and the cause, no hint', async () => {
    const error = await importUserModule(join(dir, 'none.mjs'), 'conformance <module>').catch((e) => e);
    expect(error).toBeInstanceOf(ModuleLoadError);
    expect(error.message).toMatch(/^cannot load '.*none\.mjs': Cannot find module/);
    expect(error.message).not.toContain('tsx');
  });

  test('sessionspec conformance prints that line alone, without the usage (the arguments were right)', async () => {
    const io = capture();
    expect(await conformance([join(dir, 'none.mjs')], io)).toBe(2);
    expect(io.err).toMatch(/^sessionspec conformance: cannot load '.*none\.mjs'/);
    expect(io.err).not.toContain('Usage');
  });
});
