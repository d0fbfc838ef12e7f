/**
 * The published package, as a user gets it: `npm pack` (which builds on `prepack`) in a copy of the
 * repository, then `npm install <tarball>` into empty projects, from the registry (npm's cache first),
 * with no devDependency of this repository in reach. Every CLI command runs there, first without any
 * optional peer, then with the ones it names; every subpath is imported (ESM) and required (CommonJS);
 * TypeScript checks a consumer under strict settings; publint and attw check the manifest; and the Redis
 * adapter runs on the ioredis majors the peer range allows, each installed beside the package without
 * flags. The test never touches this checkout's `dist/`, so it cannot pass on a stale build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPackage } from './pack.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/** Source module of each subpath, to compare the installed module's runtime exports with. */
const SOURCES: Record<string, string> = {
  '.': '../src/index.js',
  './spec': '../spec/index.js',
  './store': '../spec/contract.js',
  './conformance': '../conformance/index.js',
  './conformance/vitest': '../conformance/vitest.js',
  './adapters/memory': '../adapters/memory/index.js',
  './adapters/redis': '../adapters/redis/index.js',
  './adapters/sqlite': '../adapters/sqlite/index.js',
  './adapters/postgres': '../adapters/postgres/index.js',
  './express': '../src/http/express/index.js',
  './fastify': '../src/http/fastify/index.js',
  './web': '../src/http/web/index.js',
  './hono': '../src/http/hono/index.js',
  './http': '../src/http/index.js',
  './http/testing': '../src/http/testing/index.js',
};

/** Subpaths that import vitest, which only its runner can load. */
const VITEST_SUBPATHS = new Set(['./conformance/vitest', './http/testing']);

/** Each CLI command and `--help`, run from the installed package without any optional peer. */
const COMMANDS = [
  ['--help'],
  ['--version'],
  ['help'],
  ['help', 'conformance'],
  ['spec'],
  ['spec', '--help'],
  ['spec', '--format', 'json'],
  ['visualize'],
  ['visualize', '--help'],
  ['visualize', '--format', 'dot'],
  ['conformance', '--help'],
  ['report-card', '--help'],
];

/** What a run of a program printed and how it exited. */
interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

let work: string;
let tarball: string;
/** Paths in the tarball, relative to the package root. */
let files: string[];
/** The packed manifest, as the registry would publish it. */
let packed: Record<string, unknown> & { scripts?: Record<string, string> };
/** A consumer project with only `npm install <tarball>` done. */
let project: string;
/** Where the tarball is installed, as `node_modules/sessionspec` of the consumer project. */
let installed: string;
/** What `node_modules` held after the plain install. */
let leanModules: string[];
/** The CLI's runs without optional peers, by command line. */
const bare: Record<string, Run> = {};
/** The CLI's runs once the peers it named are installed. */
let conformanceRun: Run;
let svgRun: Run;
let htmlRun: Run;
/** What the consumer scripts reported. */
let consumer: {
  modules: Record<string, string[]>;
  specHash: string | null;
  cookie: string;
  errors: Record<string, string>;
};
let required: { modules: Record<string, string[]>; errors: Record<string, string> };

/** Runs a program in a directory; never throws on a non-zero exit. */
function run(cwd: string, command: string, args: readonly string[]): Run {
  const { status, stdout, stderr } = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000 });
  return { status, stdout, stderr };
}

/** `npm install` in a project, as a user types it (no flags that loosen peer checks); throws on failure. */
function npmInstall(cwd: string, specs: readonly string[]): void {
  const result = run(cwd, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...specs]);
  if (result.status !== 0) {
    throw new Error(
      `npm install ${specs.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
}

/** A new empty project (ESM) under the work directory. */
function newProject(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }),
  );
  return dir;
}

/** The version of a devDependency installed in this checkout, so the consumer gets the cached one. */
function installedVersion(name: string): string {
  return (
    JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
  ).version;
}

/** The packages directly under a `node_modules` (scoped ones as `@scope/name`), npm's own files aside. */
function topLevelPackages(dir: string): string[] {
  return readdirSync(join(dir, 'node_modules'))
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) =>
      name.startsWith('@')
        ? readdirSync(join(dir, 'node_modules', name)).map((sub) => `${name}/${sub}`)
        : [name],
    )
    .sort();
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sessionspec-pack-'));
  ({ tarball, files } = packPackage(root, work));

  project = newProject('consumer');
  npmInstall(project, [tarball]);
  installed = join(project, 'node_modules', manifest.name);
  packed = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  leanModules = topLevelPackages(project);
  const bin = join(project, 'node_modules', '.bin', 'sessionspec');
  for (const args of [...COMMANDS, ['conformance'], ['visualize', '--format', 'svg']]) {
    bare[args.join(' ')] = run(project, bin, args);
  }

  // The peers the CLI named, installed as its message says; vitest (for `conformance/vitest`) is linked.
  npmInstall(project, [
    '--save-dev',
    `fast-check@${installedVersion('fast-check')}`,
    `@viz-js/viz@${installedVersion('@viz-js/viz')}`,
  ]);
  symlinkSync(join(root, 'node_modules', 'vitest'), join(project, 'node_modules', 'vitest'), 'dir');
  // One rule of the kit, replayed at one case: the kit's whole run is `npm run conformance`'s job.
  conformanceRun = run(project, bin, [
    'conformance',
    '--replay',
    '{"rule":"ST-2.purge","seed":1,"path":"0"}',
  ]);
  svgRun = run(project, bin, ['visualize', '--format', 'svg']);
  htmlRun = run(project, bin, ['visualize', '--format', 'html']);

  writeFileSync(join(project, 'check.mjs'), consumerScript(Object.keys(SOURCES)));
  consumer = JSON.parse(execFileSync(process.execPath, ['check.mjs'], { cwd: project, encoding: 'utf8' }));
  writeFileSync(join(project, 'require.cjs'), requireScript(Object.keys(SOURCES)));
  required = JSON.parse(execFileSync(process.execPath, ['require.cjs'], { cwd: project, encoding: 'utf8' }));
}, 600_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** The specifier of a subpath. */
function specifier(subpath: string): string {
  return subpath === '.' ? manifest.name : manifest.name + subpath.slice(1);
}

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
for (const specifier of ${JSON.stringify(subpaths.map(specifier))}) {
  try {
    modules[specifier] = Object.keys(await import(specifier)).sort();
  } catch (error) {
    errors[specifier] = String(error);
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

/** A CommonJS consumer: `require()` of each subpath (Node's require of ES modules, engines >= 20.19). */
function requireScript(subpaths: string[]): string {
  return `
const modules = {};
const errors = {};
for (const specifier of ${JSON.stringify(subpaths.filter((s) => !VITEST_SUBPATHS.has(s)).map(specifier))}) {
  try {
    modules[specifier] = Object.keys(require(specifier)).sort();
  } catch (error) {
    errors[specifier] = String(error);
  }
}
process.stdout.write(JSON.stringify({ modules, errors }));
`;
}

/** The file paths an `exports` entry names (every condition), relative to the package root. */
function targets(entry: unknown): string[] {
  if (typeof entry === 'string') return [entry.replace(/^\.\//, '')];
  return Object.values(entry as Record<string, unknown>).flatMap(targets);
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

  it('every entry of the exports map (import and require, types and default) and the bin resolve to a packed file', () => {
    const missing: string[] = [];
    for (const [subpath, entry] of Object.entries(manifest.exports)) {
      for (const target of targets(entry)) {
        if (!files.includes(target)) missing.push(`${subpath} -> ${target}`);
      }
    }
    for (const target of Object.values(manifest.bin)) {
      if (!files.includes(target.replace(/^\.\//, ''))) missing.push(`bin -> ${target}`);
    }
    expect(missing).toEqual([]);
  });

  it('the published manifest runs no script at install, names its repository, and builds on prepack', () => {
    const scripts = packed.scripts ?? {};
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare'])
      expect(scripts[hook], hook).toBeUndefined();
    expect(scripts.prepack).toContain('build');
    expect(packed.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/sessionspec/sessionspec.git',
    });
    expect(packed.homepage).toMatch(/^https:\/\/github\.com\/sessionspec\/sessionspec/);
    expect(packed.bugs).toEqual({ url: 'https://github.com/sessionspec/sessionspec/issues' });
    expect(packed.keywords).toEqual(expect.arrayContaining(['session']));
  });

  it('every link of the shipped README and SPEC.md is absolute or names a file in the package', () => {
    const broken: string[] = [];
    for (const doc of ['README.md', 'spec/SPEC.md']) {
      const text = readFileSync(join(installed, doc), 'utf8');
      const links = [...text.matchAll(/\]\(([^)\s]+)\)|^\[[^\]]+\]:\s*(\S+)/gm)].map((m) => (m[1] ?? m[2])!);
      for (const link of links) {
        if (/^[a-z]+:/i.test(link) || link.startsWith('#')) continue;
        const target = join(dirname(doc), link.split('#')[0]!).split(sep).join('/');
        if (!files.includes(target)) broken.push(`${doc}: ${link}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('source maps carry their sources, since the .ts files are not shipped', () => {
    const maps = files.filter((path) => path.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const without = maps.filter((path) => {
      const map = JSON.parse(readFileSync(join(installed, path), 'utf8')) as {
        sources: string[];
        sourcesContent?: Array<string | null>;
      };
      return map.sourcesContent?.length !== map.sources.length || map.sourcesContent.some((c) => c === null);
    });
    expect(without).toEqual([]);
  });

  it('publint finds no error, warning or suggestion in the installed package', async () => {
    const { messages, pkg } = await publint({ pkgDir: installed, pack: false, level: 'suggestion' });
    expect(messages.map((m) => formatMessage(m, pkg) ?? m.code)).toEqual([]);
  });

  it('attw (are the types wrong, default profile, no rule ignored) finds no problem: node10, node16 CJS and ESM, bundler', () => {
    const attw = run(work, process.execPath, [
      join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js'),
      tarball,
      '--format',
      'ascii',
    ]);
    expect(attw.status, `${attw.stdout}${attw.stderr}`).toBe(0);
    expect(attw.stdout).toContain('No problems found');
  });
});

describe('installed into an empty project (npm install <tarball>)', () => {
  it('installs only what every application runs: no renderer, no test engine, no framework helper', () => {
    expect(leanModules).toEqual([...Object.keys(manifest.dependencies), manifest.name].sort());
  });

  it.each(COMMANDS.map((args) => [args.join(' ')]))(
    '`sessionspec %s` works without any optional peer',
    (line) => {
      const result = bare[line]!;
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout.length).toBeGreaterThan(0);
    },
  );

  it('`sessionspec --version` prints the installed version', () => {
    expect(bare['--version']?.stdout).toBe(`${manifest.version}\n`);
  });

  it('`sessionspec conformance` without fast-check and `visualize --format svg` without @viz-js/viz say in one line what to install (exit 2)', () => {
    expect(bare.conformance).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'sessionspec conformance: fast-check is needed by the conformance kit and is not installed: npm install --save-dev fast-check\n',
    });
    expect(bare['visualize --format svg']).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'sessionspec visualize: @viz-js/viz is needed by the svg and html formats and is not installed: npm install --save-dev @viz-js/viz\n',
    });
  });

  it('with the peers installed, `conformance` runs the kit (CK-9) and `visualize` draws svg and html', () => {
    expect(conformanceRun.status, conformanceRun.stderr).toBe(0);
    expect(conformanceRun.stdout).toMatch(/ST-2\.purge\s+PASS/);
    expect(svgRun.status, svgRun.stderr).toBe(0);
    expect(svgRun.stdout).toContain('<svg');
    expect(htmlRun.status, htmlRun.stderr).toBe(0);
    expect(htmlRun.stdout).toMatch(/^<!doctype html>/i);
  });

  it('every public subpath is tested here, and every one imports from the installed package with the same exports as its source', async () => {
    expect(Object.keys(manifest.exports).filter((s) => s !== './package.json')).toEqual(Object.keys(SOURCES));
    expect(consumer.errors).toEqual({});
    for (const [subpath, source] of Object.entries(SOURCES)) {
      const expected = Object.keys(await import(source)).sort();
      expect(consumer.modules[specifier(subpath)], subpath).toEqual(expected);
    }
  });

  it('require() of every subpath (but the vitest ones, which need the runner) gives the same exports as import', () => {
    expect(required.errors).toEqual({});
    for (const [name, keys] of Object.entries(required.modules))
      expect(keys, name).toEqual(consumer.modules[name]);
  });

  it('the store types (sessionspec/store) and the memory store check without skipLibCheck under exactOptionalPropertyTypes: they never reach the machine or xstate', () => {
    writeFileSync(join(project, 'store-app.mts'), STORE_APP);
    // No Node types either: a store author's project may have none.
    const config = JSON.parse(tsconfig('nodenext', 'nodenext', 'store-app.mts', false));
    config.compilerOptions.types = [];
    writeFileSync(join(project, 'tsconfig.store.json'), JSON.stringify(config));
    const tsc = run(project, process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.store.json',
      '--listFiles',
    ]);
    expect(tsc.stderr).toBe('');
    expect(tsc.stdout.split('\n').filter((line) => /error TS|xstate/.test(line))).toEqual([]);
    expect(tsc.status).toBe(0);
  }, 300_000);

  it('the installed package works: a manager on the memory store stores a session and asks for its cookie', () => {
    expect(consumer.cookie).toBe('set');
  });

  it('CK-9: the conformance kit finds the shipped spec/SPEC.md and hashes it as the source does', () => {
    const text = readFileSync(join(root, 'spec/SPEC.md'), 'utf8').replace(/\r\n/g, '\n');
    expect(consumer.specHash).toBe(createHash('sha256').update(text).digest('hex'));
  });
});

/** An application on the installed package and the installed ioredis, as the getting-started guide writes it. */
const REDIS_APP = `
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { createSessionManager } from 'sessionspec';
import { createRedisStore } from 'sessionspec/adapters/redis';

const client = new Redis(process.env.REDIS_URL, { commandTimeout: 2000, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
if (client.status !== 'ready') await once(client, 'ready');
const manager = createSessionManager({ store: createRedisStore({ client, prefix: 'packed' }) });
const first = await manager.load(undefined);
first.set('cart', ['sku-1']);
const { cookie } = await first.commit();
const again = await manager.load(cookie.action === 'set' ? cookie.token : undefined);
const cart = again.get('cart');
await manager.close();
client.disconnect();
const { version } = JSON.parse(readFileSync('node_modules/ioredis/package.json', 'utf8'));
process.stdout.write(JSON.stringify({ cart, ioredis: version }));
`;

/** A TypeScript application on the store contract, the memory and Redis stores, and the manager. */
const TYPED_APP = `
import { Redis } from 'ioredis';
import { createSessionManager, type SessionRecord, type SessionStore } from 'sessionspec';
import { createMemoryStore } from 'sessionspec/adapters/memory';
import { createRedisStore } from 'sessionspec/adapters/redis';

export const stores: SessionStore[] = [createMemoryStore(), createRedisStore({ client: new Redis() })];
export const manager = createSessionManager({ store: stores[0]! });
export function userOf(record: SessionRecord): string | null {
  return record.userId;
}
`;

/** A store written against \`sessionspec/store\` alone, beside the memory store, as a store author writes it. */
const STORE_APP = `
import type { ReadResult, SessionRecord, SessionStore, WriteResult } from 'sessionspec/store';
import { STORE_CONTRACT, writeIdOf } from 'sessionspec/store';
import { createMemoryStore } from 'sessionspec/adapters/memory';

const inner: SessionStore = createMemoryStore();
export const contract: 2 = STORE_CONTRACT;
export async function read(id: string): Promise<ReadResult> {
  return inner.read(id, Date.now());
}
export async function write(next: SessionRecord, base: SessionRecord): Promise<WriteResult> {
  return inner.write(next, writeIdOf(base), Date.now(), JSON.stringify(next));
}
`;

/**
 * Compiler settings an application may use: every strict flag. \`skipLibCheck\` stays on where the
 * machine's types are reached: xstate's own declarations do not check under \`exactOptionalPropertyTypes\`.
 */
function tsconfig(
  module: 'nodenext' | 'commonjs',
  resolution: 'nodenext' | 'node10',
  file: string,
  skipLibCheck = true,
): string {
  return JSON.stringify({
    compilerOptions: {
      module,
      moduleResolution: resolution,
      target: 'ES2022',
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck,
      noEmit: true,
      types: ['node'],
    },
    files: [file],
  });
}

describe.each([['5'], ['6']])('installed beside ioredis@%s, without flags', (major) => {
  let dir: string;
  let server: RedisServer;
  beforeAll(async () => {
    dir = newProject(`ioredis-${major}`);
    const ioredis = major === '5' ? `ioredis@${installedVersion('ioredis')}` : `ioredis@${major}`;
    npmInstall(dir, [tarball, ioredis]);
    // The application's own Node types, for the TypeScript checks.
    mkdirSync(join(dir, 'node_modules/@types'), { recursive: true });
    symlinkSync(join(root, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'), 'dir');
    server = await startRedisServer();
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  it(`the Redis store of the installed package keeps a session on ioredis ${major}`, () => {
    writeFileSync(join(dir, 'app.mjs'), REDIS_APP);
    const result = spawnSync(process.execPath, ['app.mjs'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, REDIS_URL: server.url },
    });
    expect(result.stderr).toBe('');
    const { cart, ioredis } = JSON.parse(result.stdout) as { cart: unknown; ioredis: string };
    expect(cart).toEqual(['sku-1']);
    expect(ioredis.split('.')[0]).toBe(major);
  });

  // node10 (typesVersions) once, on the ioredis a plain install gets.
  it.each([['nodenext', 'nodenext'], ...(major === '6' ? [['commonjs', 'node10'] as const] : [])] as const)(
    'TypeScript (module %s, moduleResolution %s; strict, exactOptionalPropertyTypes) checks an app on the store types, the stores and the manager',
    (module, resolution) => {
      const file = module === 'nodenext' ? 'typed.mts' : 'typed.ts';
      writeFileSync(join(dir, file), TYPED_APP);
      writeFileSync(join(dir, `tsconfig.${resolution}.json`), tsconfig(module, resolution, file));
      const tsc = run(dir, process.execPath, [
        join(root, 'node_modules/typescript/bin/tsc'),
        '-p',
        `tsconfig.${resolution}.json`,
      ]);
      expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
      expect(tsc.status).toBe(0);
    },
    // The compiler reads the Node, ioredis and sessionspec declarations: seconds alone, minutes on a busy machine.
    300_000,
  );
});

/** An application on the installed package and the installed better-sqlite3, as docs/sqlite.md writes it. */
const SQLITE_APP = `
import { readFileSync } from 'node:fs';
import { createSessionManager } from 'sessionspec';
import { createSqliteStore } from 'sessionspec/adapters/sqlite';

const first = createSessionManager({ store: createSqliteStore({ file: 'sessions.db' }) });
const session = await first.load(undefined);
session.set('cart', ['sku-1']);
const { cookie } = await session.commit();
await first.close();
// A restart: a new store on the same file.
const second = createSessionManager({ store: createSqliteStore({ file: 'sessions.db' }) });
const cart = (await second.load(cookie.action === 'set' ? cookie.token : undefined)).get('cart');
await second.close();
const { version } = JSON.parse(readFileSync('node_modules/better-sqlite3/package.json', 'utf8'));
process.stdout.write(JSON.stringify({ cart, betterSqlite3: version }));
`;

describe('installed beside better-sqlite3', () => {
  it.each([['12'], ['13']])(
    'npm resolves the package beside better-sqlite3@%s without flags that loosen peer checks (no ERESOLVE)',
    (major) => {
      const dir = newProject(`better-sqlite3-${major}-resolve`);
      // A dry run resolves the tree as a real install does, without building better-sqlite3 (13.x
      // needs Node 22 to build and run).
      const result = run(dir, 'npm', [
        'install',
        '--dry-run',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        tarball,
        `better-sqlite3@${major}`,
      ]);
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/ERESOLVE|peer dep/i);
      expect(result.status).toBe(0);
    },
    300_000,
  );

  it('the SQLite store of the installed package keeps a session across a restart, on better-sqlite3 12', () => {
    const dir = newProject('better-sqlite3-12');
    const version = installedVersion('better-sqlite3');
    // Its native module is copied from this checkout's install of the same version instead of being
    // compiled again (minutes of CPU): scripts are off for this install only.
    const installed = run(dir, 'npm', [
      'install',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      tarball,
      `better-sqlite3@${version}`,
    ]);
    expect(installed.status, installed.stderr).toBe(0);
    cpSync(join(root, 'node_modules/better-sqlite3/build'), join(dir, 'node_modules/better-sqlite3/build'), {
      recursive: true,
    });
    writeFileSync(join(dir, 'app.mjs'), SQLITE_APP);
    const result = run(dir, process.execPath, ['app.mjs']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ cart: ['sku-1'], betterSqlite3: version });
  }, 300_000);
});
