import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    supports: { locks: false, inspection: false, userIndex: 'exact' },
    async create(r) { if (records.has(r.sessionId)) return 'exists'; records.set(r.sessionId, JSON.stringify(r)); return 'ok'; },
    async read(id, now) { const t = records.get(id); if (t === undefined) return null; const r = JSON.parse(t); return now < r.expiresAt ? r : 'expired'; },
    async write(r, v, now) { const t = records.get(r.sessionId); if (t === undefined) return 'gone'; const s = JSON.parse(t);
      if (now >= s.expiresAt) return 'expired'; if (s.version !== v) return 'conflict'; records.set(r.sessionId, JSON.stringify(r)); return 'ok'; },
    async destroy(id) { return records.delete(id); },
    async listByUser(u, now) { return [...records.values()].map((t) => JSON.parse(t)).filter((r) => r.userId === u && now < r.expiresAt); },
    async destroyByUser(u, except) { const ids = [...records.values()].map((t) => JSON.parse(t)).filter((r) => r.userId === u && !except.includes(r.sessionId)).map((r) => r.sessionId);
      for (const id of ids) records.delete(id); return ids; },
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
    [['./does-not-exist.mjs']],
  ])('usage error %j: exit 2', async (argv) => {
    const io = capture();
    expect(await conformance(argv, io)).toBe(2);
    expect(io.err).toContain('Usage: sessionspec conformance');
  });
});
