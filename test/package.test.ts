/**
 * The published package: what `npm pack` puts in it, and whether an application that installs it can
 * import every subpath of the `exports` map. The package is built and packed from a copy of the
 * repository in a temporary directory, so the test never touches this checkout's `dist/` and cannot
 * pass on a stale build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/** Source module of each subpath, to compare the installed module's runtime exports with. */
const SOURCES: Record<string, string> = {
  '.': '../src/index.js',
  './spec': '../spec/index.js',
  './conformance': '../conformance/index.js',
  './conformance/vitest': '../conformance/vitest.js',
  './adapters/memory': '../adapters/memory/index.js',
  './adapters/redis': '../adapters/redis/index.js',
  './express': '../src/http/express/index.js',
  './fastify': '../src/http/fastify/index.js',
  './web': '../src/http/web/index.js',
};

/** Top-level entries of the checkout that never belong in a copy to build from. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'test-output', 'coverage']);

let work: string;
/** Paths in the tarball, relative to the package root. */
let files: string[];
/** Where the tarball is installed, as `node_modules/sessionspec` of a consumer project. */
let installed: string;
/** What the consumer script reported. */
let consumer: {
  modules: Record<string, string[]>;
  specHash: string | null;
  cookie: string;
  errors: Record<string, string>;
};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sessionspec-pack-'));
  const stage = join(work, 'stage');
  cpSync(root, stage, {
    recursive: true,
    filter: (source) => {
      const rel = relative(root, source);
      return !NOT_COPIED.has(rel.split(sep)[0]!) && rel !== join('docs', 'api');
    },
  });
  symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');
  // The build `prepare` runs on install and publish, here without npm's lifecycle around it. Type errors
  // are the typecheck's business: tsc exits 2 when it reported some and still wrote every file.
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: stage, encoding: 'utf8' },
  );
  if (build.status !== 0 && build.status !== 2) {
    throw new Error(`the build wrote nothing (exit ${build.status}):\n${build.stdout}${build.stderr}`);
  }
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: stage,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = packed[0]!.files.map((f) => f.path);

  // Install the tarball into a consumer project; its dependencies come from this checkout.
  const project = join(work, 'consumer');
  installed = join(project, 'node_modules', manifest.name);
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, packed[0]!.filename), '-C', installed, '--strip-components=1']);
  for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
    mkdirSync(dirname(join(project, 'node_modules', dep)), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), join(project, 'node_modules', dep), 'dir');
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module' }));
  writeFileSync(join(project, 'check.mjs'), consumerScript(Object.keys(SOURCES)));
  consumer = JSON.parse(execFileSync(process.execPath, ['check.mjs'], { cwd: project, encoding: 'utf8' }));
}, 240_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/**
 * The consumer's script: imports each subpath by the package name (so through the `exports` map),
 * reports the names each module exports, the conformance kit's hash of the shipped SPEC.md, and the
 * cookie a first commit asks for.
 */
function consumerScript(subpaths: string[]): string {
  return `
const name = ${JSON.stringify(manifest.name)};
const modules = {};
const errors = {};
for (const subpath of ${JSON.stringify(subpaths)}) {
  const specifier = subpath === '.' ? name : name + subpath.slice(1);
  try {
    modules[subpath] = Object.keys(await import(specifier)).sort();
  } catch (error) {
    errors[subpath] = String(error);
  }
}
const { createSessionManager } = await import(name);
const { createMemoryStore } = await import(name + '/adapters/memory');
const { specHash } = await import(name + '/conformance');
const manager = createSessionManager({ store: createMemoryStore({ sweepEvery: false }) });
const session = await manager.load(undefined);
session.set('cart', ['sku-1']);
const { cookie } = await session.commit();
await manager.close();
process.stdout.write(JSON.stringify({ modules, errors, specHash: await specHash(), cookie: cookie.action }));
`;
}

/** The file paths an `exports` entry names (both `types` and `default`), relative to the package root. */
function targets(entry: string | Record<string, string>): string[] {
  const values = typeof entry === 'string' ? [entry] : Object.values(entry);
  return values.map((value) => value.replace(/^\.\//, ''));
}

describe('the published package (npm pack)', () => {
  it('holds no tests, test helpers, benchmarks, examples or scratch output', () => {
    const leaks = files.filter(
      (path) =>
        /\.test(-d)?\.|\.browser\.test\./.test(path) ||
        /(^|\/)test-helpers\//.test(path) ||
        /^(dist\/)?(test|bench|examples|test-output|docs)\//.test(path) ||
        path.endsWith('.tsbuildinfo'),
    );
    expect(leaks).toEqual([]);
    // Nothing outside the allowlist: the build, the spec the kit hashes, and npm's own files.
    expect(files.filter((path) => !path.startsWith('dist/')).sort()).toEqual(
      ['README.md', 'package.json', 'spec/SPEC.md', ...files.filter((p) => /^LICEN[CS]E/i.test(p))].sort(),
    );
  });

  it('CK-11: the deliberately broken adapters (mutants) are not published', () => {
    expect(files.filter((path) => path.includes('mutants'))).toEqual([]);
  });

  it('every entry of the exports map (types and default) and the bin resolve to a packed file', () => {
    const missing: string[] = [];
    for (const [subpath, entry] of Object.entries(manifest.exports)) {
      for (const target of targets(entry)) {
        if (!files.includes(target)) missing.push(`${subpath} -> ${target}`);
      }
      if (typeof entry !== 'string') expect(Object.keys(entry), subpath).toEqual(['types', 'default']);
    }
    for (const target of Object.values(manifest.bin)) {
      if (!files.includes(target.replace(/^\.\//, ''))) missing.push(`bin -> ${target}`);
    }
    expect(missing).toEqual([]);
  });

  it('every public subpath is tested here, and every one imports from the installed package with the same exports as its source', async () => {
    expect(Object.keys(manifest.exports).filter((s) => s !== './package.json')).toEqual(Object.keys(SOURCES));
    expect(consumer.errors).toEqual({});
    for (const [subpath, source] of Object.entries(SOURCES)) {
      const expected = Object.keys(await import(source)).sort();
      expect(consumer.modules[subpath], subpath).toEqual(expected);
    }
  });

  it('the installed package works: a manager on the memory store stores a session and asks for its cookie', () => {
    expect(consumer.cookie).toBe('set');
  });

  it('CK-9: the conformance kit finds the shipped spec/SPEC.md and hashes it as the source does', () => {
    const text = readFileSync(join(root, 'spec/SPEC.md'), 'utf8').replace(/\r\n/g, '\n');
    expect(consumer.specHash).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('publint finds no error or warning in the installed package', async () => {
    const { messages, pkg } = await publint({ pkgDir: installed, pack: false, level: 'warning' });
    expect(messages.map((m) => formatMessage(m, pkg) ?? m.code)).toEqual([]);
  });
});
