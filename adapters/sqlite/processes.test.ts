/**
 * Several processes on one SQLite file (CC-3, CC-4, LC-6). `better-sqlite3` is synchronous, so two
 * connections of one process never interleave their calls: only separate processes race. Each process
 * here is a child (`test/sqlite-worker.ts`) with its own store and manager on the same file, started
 * together: concurrent increments of one counter must lose no update and apply none twice, and writes
 * racing a destroy and a revoke must never bring an ended session back.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import type { WorkerResult, WorkerTask } from '../../test/sqlite-worker.js';
import { createSqliteStore, type SqliteStore } from './index.js';

const WORKER = fileURLToPath(new URL('../../test/sqlite-worker.ts', import.meta.url));

/** Processes per race: two cores, so four processes keep both busy and queue on the write lock. */
const PROCESSES = 4;

/** Start one worker per task, wait until each has opened the file, start them at once, collect. */
async function race(tasks: readonly WorkerTask[]): Promise<WorkerResult[]> {
  const children: ChildProcess[] = tasks.map((task) =>
    fork(WORKER, [JSON.stringify(task)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' }),
  );
  const next = (child: ChildProcess): Promise<{ type: string; result?: WorkerResult; message?: string }> =>
    new Promise((resolve, reject) => {
      child.once('message', (message) => resolve(message as { type: string }));
      child.once('exit', (code) => reject(new Error(`a worker exited with ${code} before answering`)));
    });
  try {
    await Promise.all(children.map(next));
    const answers = children.map(next);
    for (const child of children) child.send('go');
    const done = await Promise.all(answers);
    return done.map((answer) => {
      if (answer.type !== 'done' || answer.result === undefined)
        throw new Error(`a worker failed: ${answer.message}`);
      return answer.result;
    });
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }
}

const sum = (results: readonly WorkerResult[], field: 'ok' | 'conflict' | 'gone' | 'notFound'): number =>
  results.reduce((total, result) => total + result[field], 0);

describe('several processes on one SQLite file', () => {
  let dir: string;
  let file: string;
  let store: SqliteStore;
  let manager: SessionManager;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sessionspec-sqlite-processes-'));
    file = join(dir, 'sessions.db');
    store = createSqliteStore({ file });
    manager = createSessionManager({ store });
  });
  afterAll(async () => {
    await manager?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('CC-3: concurrent increments from 4 processes lose no update and apply none twice', async () => {
    const session = await manager.load(undefined);
    session.set('n', 0);
    const { cookie } = await session.commit();
    if (cookie.action !== 'set') throw new Error('the first commit sets the cookie');
    const rounds = 25;
    const results = await race(
      Array.from({ length: PROCESSES }, () => ({ kind: 'increment', file, token: cookie.token, rounds })),
    );
    const final = (await manager.load(cookie.token)).get('n');
    const ok = sum(results, 'ok');
    const lost = ok - Number(final);
    console.log(
      `sqlite, ${PROCESSES} processes x ${rounds} increments: ${ok} committed, ${sum(results, 'conflict')} CONFLICT after retries, n = ${String(final)}, lost updates ${Math.max(lost, 0)}, doubled ${Math.max(-lost, 0)}`,
    );
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(ok).toBeGreaterThan(0);
    // CC-3: the counter reflects exactly the increments that reported success.
    expect(final).toBe(ok);
    expect(ok + sum(results, 'conflict')).toBe(PROCESSES * rounds);
  });

  it('CC-4, LC-6: writes racing a destroy and a revoke in other processes never bring an ended session back', async () => {
    const users = ['alice', 'bob'];
    const tokens: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 24; i += 1) {
      const session = await manager.load(undefined);
      session.authenticate(users[i % users.length]!);
      session.set('written', 'parent');
      const { cookie } = await session.commit();
      if (cookie.action !== 'set') throw new Error('the first commit sets the cookie');
      tokens.push(cookie.token);
      ids.push(session.id);
    }
    // Half the sessions are destroyed one by one, the rest by revoking their users afterwards.
    const destroyed = tokens.slice(0, 12);
    const writers: WorkerTask[] = Array.from({ length: PROCESSES - 1 }, () => ({
      kind: 'write',
      file,
      tokens,
      rounds: 6,
    }));
    const results = await race([{ kind: 'destroy', file, tokens: destroyed, users }, ...writers]);
    const ended = new Set(results[0]!.ended);
    const now = Date.now();
    const resurrected: string[] = [];
    for (const id of ids) if ((await store.read(id, now)) !== null) resurrected.push(id);
    const contents = await store.inspection.contents();
    console.log(
      `sqlite, 1 destroying + ${PROCESSES - 1} writing processes on 24 sessions: ${ended.size} ended, writes ${sum(results, 'ok')} ok, ${sum(results, 'gone')} SESSION_GONE, ${sum(results, 'notFound')} loads found the session ended, resurrections ${resurrected.length}`,
    );
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    // Every session ended: 12 destroyed, the other 12 revoked with their users.
    expect([...ended].sort()).toEqual([...ids].sort());
    expect(resurrected).toEqual([]);
    // ST-5: no row and no user-index entry is left of them (the first test's session stays).
    expect(contents.records.filter((id) => ids.includes(id))).toEqual([]);
    expect(Object.keys(contents.userIndex).filter((user) => users.includes(user))).toEqual([]);
    for (const token of tokens) expect((await manager.load(token)).isNew).toBe(true);
  });
});
