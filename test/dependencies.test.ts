import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Dependencies point one way (STYLE "Shape"): `spec/` imports nothing of ours; `src/` imports `spec/`;
 * adapters import `spec/` and the public surface of `src/`; the kit imports `spec/` and the public
 * surface of `src/`, never an adapter (it receives one); `bin/` is the composition root; test-only code
 * lives in `test/` and only tests import it; nothing imports `bench/` or `examples/`.
 */
const ROOT = resolve(import.meta.dirname, '..');
const FOLDERS = [
  'spec',
  'src',
  'adapters',
  'conformance',
  'bin',
  'scripts',
  'test',
  'bench',
  'examples',
] as const;
/** The folders the package ships (built into `dist/`). */
const SHIPPED: readonly Folder[] = ['spec', 'src', 'adapters', 'conformance', 'bin'];
type Folder = (typeof FOLDERS)[number];

/** What a non-test file of each folder may import, by the imported file's path from the root. */
const ALLOWED: Record<Folder, (target: string, source: string) => boolean> = {
  spec: (t) => t.startsWith('spec/'),
  src: (t) => t.startsWith('spec/') || t.startsWith('src/'),
  // An adapter imports its own folder, the SQL adapters the core they share (`adapters/sql/`), and
  // the networked adapters the call bound they share (`adapters/shared/`).
  adapters: (t, s) =>
    t.startsWith('spec/') ||
    t === 'src/index.ts' ||
    t.startsWith('adapters/sql/') ||
    t.startsWith('adapters/shared/') ||
    t.startsWith(`${s.split('/').slice(0, 2).join('/')}/`),
  conformance: (t) => t.startsWith('spec/') || t === 'src/index.ts' || t.startsWith('conformance/'),
  bin: (t) => !/^(test|bench|examples|scripts)\//.test(t),
  // The build: it bundles the visualize page's script.
  scripts: (t) => t.startsWith('bin/') || t.startsWith('scripts/'),
  test: (t) => !/^(bench|examples)\//.test(t),
  bench: () => true,
  examples: () => true,
};

/** @returns every `.ts` file under `dir`, relative to the root. */
function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** @returns the root-relative paths of the project files a source file imports (static and dynamic). */
function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'/g),
    ...text.matchAll(/(?:^|\n)\s*import\s+'([^']+)'/g),
    ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(ROOT, resolve(dirname(join(ROOT, file)), s)).replace(/\.js$/, '.ts'));
}

const isTest = (file: string) => /\.test(-d)?\.ts$/.test(file);

describe('dependencies point one way', () => {
  const all = FOLDERS.flatMap((folder) => files(folder).map((file) => ({ folder, file })));

  it('the scan sees every layer and reads their imports', () => {
    for (const folder of FOLDERS)
      expect(
        all.some((f) => f.folder === folder),
        folder,
      ).toBe(true);
    expect(imports('src/index.ts').length).toBeGreaterThan(3);
  });

  it('no arrow runs back: spec <- src <- adapters, the kit never imports an adapter, bin on top', () => {
    const backwards = all
      .filter(({ file }) => !isTest(file))
      .flatMap(({ folder, file }) =>
        imports(file)
          .filter((target) => !ALLOWED[folder](target, file))
          .map((target) => `${file} -> ${target}`),
      );
    expect(backwards).toEqual([]);
  });

  it('tests may compose anything but bench/ and examples/ (outside those folders)', () => {
    const wrong = all
      .filter(({ folder, file }) => isTest(file) && folder !== 'bench' && folder !== 'examples')
      .flatMap(({ file }) =>
        imports(file)
          .filter((target) => /^(bench|examples)\//.test(target))
          .map((target) => `${file} -> ${target}`),
      );
    expect(wrong).toEqual([]);
  });

  it('no file of a shipped folder is test-only: each is an entry point or imported by shipped code', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
      bin: Record<string, string>;
    };
    const targets = (entry: unknown): string[] =>
      typeof entry === 'string' ? [entry] : Object.values(entry as object).flatMap(targets);
    // `./dist/src/index.cjs` is built from `src/index.cts`, `./dist/x.js` from `x.ts`.
    const entries = [...Object.values(manifest.exports).flatMap(targets), ...Object.values(manifest.bin)]
      .filter((t) => /\.c?js$/.test(t))
      .map((t) =>
        t
          .replace(/^\.\/dist\//, '')
          .replace(/\.js$/, '.ts')
          .replace(/\.cjs$/, '.cts'),
      );
    const shipped = all.filter(({ folder, file }) => SHIPPED.includes(folder) && !isTest(file));
    // The visualize page's script is an esbuild entry (`bin/visualize/bundle.ts`), not an import.
    const bundled = ['bin/visualize/simulator-ui.ts'];
    const used = new Set([...entries, ...bundled, ...shipped.flatMap(({ file }) => imports(file))]);
    const testOnly = shipped.map(({ file }) => file).filter((file) => !used.has(file));
    expect(testOnly).toEqual([]);
  });

  it('the check catches a backward arrow (spec importing src, the kit importing an adapter)', () => {
    expect(ALLOWED.spec('src/index.ts', 'spec/machine.ts')).toBe(false);
    expect(ALLOWED.conformance('adapters/memory/index.ts', 'conformance/run.ts')).toBe(false);
    expect(ALLOWED.src('test/stores.ts', 'src/manager.ts')).toBe(false);
    expect(ALLOWED.adapters('src/manager.ts', 'adapters/redis/store.ts')).toBe(false);
    expect(ALLOWED.adapters('adapters/memory/store.ts', 'adapters/redis/store.ts')).toBe(false);
  });
});
