/**
 * Test support: one process of the SQLite multi-process test (`adapters/sqlite/processes.test.ts`). It
 * opens the database file with its own store and session manager, says `ready`, waits for `go` (so every
 * process starts at once), runs its task, and answers what it saw.
 *
 * Tasks: `increment` loads one session and adds 1 to its counter `n` through `update` (CC-3), `rounds`
 * times; `write` sets a key on each of `tokens` in turn, `rounds` times, never storing a session it did
 * not load (a destroyed token loads as new); `destroy` ends each of `tokens` and then revokes each of
 * `users` (LC-6, LC-9).
 *
 * @internal
 * @packageDocumentation
 */
import { createSqliteStore } from '../adapters/sqlite/index.js';
import { createSessionManager, isSessionError, type SessionManager } from '../src/index.js';

/** What the parent asks of this process. */
export type WorkerTask =
  | { kind: 'increment'; file: string; token: string; rounds: number }
  | { kind: 'write'; file: string; tokens: string[]; rounds: number }
  | { kind: 'destroy'; file: string; tokens: string[]; users: string[] };

/** What this process answers. */
export interface WorkerResult {
  /** Commits that succeeded. */
  ok: number;
  /** Commits refused: `CONFLICT` after the manager's retries, `SESSION_GONE` on an ended session. */
  conflict: number;
  gone: number;
  /** Loads that found no session (ended by another process). */
  notFound: number;
  /** The session ids this process ended (`destroy`). */
  ended: string[];
  /** Any other error, by message: the parent expects none. */
  errors: string[];
}

/** Run `commit` and count its outcome. */
async function counted(result: WorkerResult, commit: () => Promise<unknown>): Promise<void> {
  try {
    await commit();
    result.ok += 1;
  } catch (error) {
    if (isSessionError(error, 'CONFLICT')) result.conflict += 1;
    else if (isSessionError(error, 'SESSION_GONE')) result.gone += 1;
    else result.errors.push(String((error as Error).message));
  }
}

/** Let the other processes in between two steps of this one. */
const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

/** Run `task` with `manager`. */
async function run(task: WorkerTask, manager: SessionManager): Promise<WorkerResult> {
  const result: WorkerResult = { ok: 0, conflict: 0, gone: 0, notFound: 0, ended: [], errors: [] };
  if (task.kind === 'increment') {
    for (let i = 0; i < task.rounds; i += 1) {
      const session = await manager.load(task.token);
      if (session.isNew) {
        result.notFound += 1;
        continue;
      }
      session.update('n', (n) => (typeof n === 'number' ? n : 0) + 1);
      await counted(result, () => session.commit());
    }
  } else if (task.kind === 'write') {
    for (let i = 0; i < task.rounds; i += 1) {
      for (const token of task.tokens) {
        const session = await manager.load(token);
        // A token whose session ended loads as a new session: storing it would be a new session, not a
        // resurrection, but it is not what this test is about.
        if (session.isNew) {
          result.notFound += 1;
          continue;
        }
        session.set('written', `${process.pid}-${i}`);
        await counted(result, () => session.commit());
      }
    }
  } else {
    for (const token of task.tokens) {
      const session = await manager.load(token);
      if (session.isNew) {
        result.notFound += 1;
        continue;
      }
      session.destroy();
      await counted(result, () => session.commit());
      result.ended.push(session.id);
      await pause();
    }
    for (const user of task.users) result.ended.push(...(await manager.revoke(user)));
  }
  return result;
}

const task = JSON.parse(process.argv[2] ?? '') as WorkerTask;
// A long busy timeout: this test counts lost updates, not waits; a write never fails for waiting.
const store = createSqliteStore({ file: task.file, busyTimeoutMs: 30_000, createTables: false });
const manager = createSessionManager({ store, storeTimeout: 60_000 });
process.send?.({ type: 'ready' });
process.once('message', async () => {
  try {
    const result = await run(task, manager);
    process.send?.({ type: 'done', result });
  } catch (error) {
    process.send?.({ type: 'failed', message: String((error as Error).stack ?? error) });
  } finally {
    await manager.close();
    process.disconnect?.();
  }
});
