import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { RULE_GROUPS } from '../conformance/rules/index.js';
import { type ConformanceIo, conformance } from './conformance.js';

/** Capture what the command writes. */
function capture(): ConformanceIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

/** A store module whose purge also removes live records (breaks ST-2), in plain JavaScript. */
const BROKEN_MODULE = `
export const name = 'broken-purge';
export const supports = { locks: false };
export function factory() {
  const records = new Map();
  const store = {
    supports: { contract: 2, locks: false, inspection: false, userIndex: 'exact' },
    async create(r) { if (records.has(r.sessionId)) return 'exists'; records.set(r.sessionId, JSON.stringify(r)); return 'ok'; },
    async read(id, now) { const t = records.get(id); if (t === undefined) return null; const r = JSON.parse(t); return now < r.expiresAt ? r : 'expired'; },
    async write(r, v, now) { const t = records.get(r.sessionId); if (t === undefined) return 'gone'; const s = JSON.parse(t);
      if (now >= s.expiresAt) return 'expired'; if ((s.writeIds?.at(-1) ?? 'v' + s.version) !== v) return 'conflict'; records.set(r.sessionId, JSON.stringify(r)); return 'ok'; },
    async destroy(id) { return records.delete(id); },
    async listByUser(u, now) { return { records: [...records.values()].map((t) => JSON.parse(t)).filter((r) => r.userId === u && now < r.expiresAt), cursor: null }; },
    async destroyByUser(u, except) { const ids = [...records.values()].map((t) => JSON.parse(t)).filter((r) => r.userId === u && !except.includes(r.sessionId)).map((r) => r.sessionId);
      for (const id of ids) records.delete(id); return { deleted: ids, cursor: null }; },
    async purgeExpired() { const n = records.size; records.clear(); return n; },
    async close() {},
  };
  return { store, close: () => {} };
}
`;

describe('sessionspec conformance (CK-1, CK-9)', () => {
  test('passes the built-in memory adapter: exit 0, the table, a JSON report with kit version and hashes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ssck-'));
    const io = capture();
    const code = await conformance(['--seed', '11', '--json', join(dir, 'report.json')], io);
    expect(code, io.out + io.err).toBe(0);
    expect(io.out).toMatch(/ST-6\s+PASS\s+100/);
    const rules = RULE_GROUPS.reduce((n, group) => n + group.rules.length, 0);
    expect(io.out).toContain(`memory: ${rules} passed, 0 failed, 0 unsupported (profile quick, seed 11`);
    expect(io.err).toContain('pass  CK-3');
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(report.kit.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.machineHash).toMatch(/^[0-9a-f]{64}$/);
    expect(report.seed).toBe(11);
    expect(report.rules.every((r: { status: string }) => r.status === 'pass')).toBe(true);
  });

  test('a failing module: exit 1, unsupported listed, each failure with counterexample, seed, path and replay command', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ssck-'));
    const module = join(dir, 'broken.mjs');
    await writeFile(module, BROKEN_MODULE);
    const io = capture();
    const code = await conformance([module, '--seed', '3'], io);
    expect(code).toBe(1);
    expect(io.out).toMatch(/ST-2\.purge\s+FAIL/);
    expect(io.out).toMatch(/CC-5\s+UNSUPPORTED/);
    expect(io.out).toContain('FAIL ST-2.purge');
    expect(io.out).toContain('seed: 3');
    const replay = /--replay '(\{"rule":"ST-2\.purge"[^']*)'/.exec(io.out)?.[1];
    expect(replay).toBeDefined();

    const again = capture();
    expect(await conformance([module, '--replay', replay!], again)).toBe(1);
    expect(again.out).toMatch(/^ST-2\.purge\s+FAIL/m);
    expect(again.out).toContain('0 passed, 1 failed');
  });

  test.each([
    [['--profile', 'slow']],
    [['--seed', 'abc']],
    [['--replay', '{"rule":1}']],
    [['--bogus']],
    [['a.mjs', 'b.mjs']],
  ])('usage error %j: exit 2', async (argv) => {
    const io = capture();
    expect(await conformance(argv, io)).toBe(2);
    expect(io.err).toContain('Usage: sessionspec conformance');
  });

  test.each([
    [['--store', 'mongo'], "--store is memory, redis, postgres, sqlite, not 'mongo'"],
    [['--file', 'sessions.db'], '--file needs --store'],
    [['--store', 'memory', '--file', 'sessions.db'], '--store memory takes no --file'],
    [['--store', 'sqlite', '--url', 'postgres://localhost/db'], '--store sqlite takes no --url'],
    [['--store', 'sqlite', '--file', join(tmpdir(), 'no-such-folder-ssck', 'x.db')], 'does not exist'],
    [['--url', 'postgres://localhost/db'], '--url needs --store'],
    [['--store', 'postgres'], '--store postgres needs --url'],
    [['--store', 'memory', '--url', 'redis://localhost'], '--store memory takes no --url'],
    [['--store', 'postgres', '--url', 'mysql://localhost/db'], 'the PostgreSQL url is postgres://'],
    [['--store', 'redis', '--url', 'http://localhost'], 'the Redis url is redis://'],
    [['x.mjs', '--store', 'memory'], 'a module or --store, not both'],
    [['x.mjs', '--redis-url', 'redis://localhost'], 'a module or --redis-url, not both'],
    [['--store', 'postgres', '--redis-url', 'redis://localhost'], 'it cannot go with --store postgres'],
  ])('built-in stores: %j is a usage error naming what is wrong', async (argv, message) => {
    const io = capture();
    expect(await conformance(argv, io)).toBe(2);
    expect(io.err).toContain(message);
  });

  test('--help lists every built-in store', async () => {
    const io = capture();
    expect(await conformance(['--help'], io)).toBe(0);
    for (const name of ['memory', 'redis', 'postgres', 'sqlite'])
      expect(io.out).toMatch(new RegExp(`^ {20}${name} `, 'm'));
    expect(io.out).toContain('--file path       the database file of --store sqlite');
    expect(io.out).toContain('--redis-url url   the same as --store redis --url url');
  });

  test('--store memory is the default store, by name', async () => {
    const io = capture();
    expect(await conformance(['--store', 'memory', '--only', 'ST-1', '--seed', '1'], io)).toBe(0);
    expect(io.out).toContain('memory: 1 passed, 0 failed');
  });

  test('--store sqlite runs the kit on a new temporary file', async () => {
    const io = capture();
    expect(await conformance(['--store', 'sqlite', '--only', 'ST-1,ST-2.write', '--seed', '1'], io)).toBe(0);
    expect(io.out).toContain('sqlite (a temporary file): 2 passed, 0 failed');
  });

  test('--store sqlite --file runs the kit in that file and leaves no table of its own behind (CK-8)', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'ssck-')), 'sessions.db');
    const io = capture();
    expect(
      await conformance(['--store', 'sqlite', '--file', file, '--only', 'CK-5.parallel', '--seed', '1'], io),
    ).toBe(0);
    expect(io.out).toContain(`sqlite (${file}): 1 passed, 0 failed`);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT name FROM sqlite_schema').pluck().all()).toEqual([]);
    } finally {
      db.close();
    }
  });
});

/** A plain-JavaScript module around the body of a factory, written to a fresh folder. */
async function moduleFile(source: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ssck-'));
  const file = join(dir, 'store.mjs');
  await writeFile(file, source);
  return file;
}

/** The broken store above, as a function body returning it. */
const BROKEN_STORE = BROKEN_MODULE.replace(/^export const .*$/gm, '').replace(
  'export function factory() {',
  'function make() {',
);

describe('what a store author reads (CK-9)', () => {
  test('export default factory is accepted', async () => {
    const file = await moduleFile(`${BROKEN_STORE}\nexport default make;\n`);
    const io = capture();
    expect(await conformance([file, '--only', 'ST-1', '--seed', '1'], io)).toBe(0);
    expect(io.out).toContain('store.mjs: 1 passed, 0 failed');
  });

  test.each([
    ['null', 'return null;', 'the factory returned null; the factory must return { store, close }'],
    ['the store itself', 'return make().store;', 'the factory returned the store itself'],
    [
      '{ store } without close',
      'return { store: make().store };',
      'without close; add close: () => store.close()',
    ],
    [
      'a store without read',
      'const { store } = make(); delete store.read; return { store, close() {} };',
      "the factory's store has no read method",
    ],
  ])('a factory returning %s: exit 2 with what was expected', async (_what, body, message) => {
    const file = await moduleFile(`${BROKEN_STORE}\nexport function factory() { ${body} }\n`);
    const io = capture();
    expect(await conformance([file, '--only', 'ST-1'], io)).toBe(2);
    expect(io.err).toContain(message);
  });

  test('--json into a missing folder fails before the run', async () => {
    const io = capture();
    expect(await conformance(['--json', join(tmpdir(), 'no-such-folder-ssck', 'r.json')], io)).toBe(2);
    expect(io.err).toMatch(/--json .*does not exist or is not writable/);
    expect(io.err).not.toContain('pass  ST-1');
  });

  test('ST-4: a manifest claiming locks without the interface is named a lying manifest, not a store crash', async () => {
    const file = await moduleFile(
      `${BROKEN_STORE}\nexport function factory() { const h = make(); h.store.supports = { locks: true, inspection: false, userIndex: 'exact' }; return h; }\n`,
    );
    const io = capture();
    expect(await conformance([file, '--only', 'ST-4,CC-5,ST-2.read', '--seed', '2'], io)).toBe(1);
    expect(io.out).toContain(
      '[CC-5] ST-4: the manifest lies: it declares locks: true but store.locks is missing',
    );
    expect(io.out).toMatch(/ST-2\.read\s+PASS/);
    expect(io.out).not.toContain('TypeError');
  });

  test('several failures: a "start here" line names the most basic; the replay token carries the profile', async () => {
    const file = await moduleFile(BROKEN_MODULE);
    const io = capture();
    expect(await conformance([file, '--only', 'CK-3,ST-2.purge', '--seed', '3'], io)).toBe(1);
    expect(io.out).toContain('start here: ST-2.purge');
    expect(io.out).toContain('"profile":"quick"');
  });

  test('--budget: a rule cut short shows its runs reached, and the report says so', async () => {
    const io = capture();
    expect(await conformance(['--only', 'CK-4.walks', '--budget', '0.2', '--seed', '4'], io)).toBe(0);
    expect(io.out).toMatch(/CK-4\.walks\s+PASS\s+\d+\/100/);
    expect(io.out).toContain('coverage: the 0.2 s budget cut 1 rule short');
  });
});
