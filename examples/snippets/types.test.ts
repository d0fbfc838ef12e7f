/**
 * The typed-data block of the docs (`types.ts`), saved by a reader as a `.d.ts` file of its own, must
 * extend sessionspec's types. Without its `export {}` such a file is a script, and its `declare module`
 * would declare a new 'sessionspec' in place of the package's: every import of it would then fail.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sessionspec-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** @returns the type errors of an application holding `declarations` as `session-types.d.ts`. */
function errorsWith(declarations: string): string[] {
  writeFileSync(join(dir, 'session-types.d.ts'), declarations);
  writeFileSync(
    join(dir, 'app.ts'),
    [
      "import { createSessionManager, type Session } from 'sessionspec';",
      'export const make = createSessionManager;',
      "export const cart = (session: Session): string[] | undefined => session.get('cart');",
      '',
    ].join('\n'),
  );
  const program = ts.createProgram([join(dir, 'app.ts'), join(dir, 'session-types.d.ts')], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    paths: { sessionspec: [fileURLToPath(new URL('../../src/index.ts', import.meta.url))] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

const block = readFileSync(new URL('types.ts', import.meta.url), 'utf8')
  .replace(/^\/\*\*[\s\S]*?\*\/\n/, '')
  .replace("declare module '../../src/index.js'", "declare module 'sessionspec'");

it('saved as a .d.ts file of its own, the block extends the package instead of replacing it', () => {
  expect(errorsWith(block)).toEqual([]);
}, 60_000);

it('the same block without its `export {}` would replace the package (the mistake the line prevents)', () => {
  const script = block.replace(/^export \{\};\n/m, '');
  expect(script).not.toContain('export {}');
  expect(errorsWith(script).join('\n')).toMatch(/has no exported member/);
}, 60_000);
