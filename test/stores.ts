/**
 * Test support for the manager's tests: a real memory store behind a thin wrapper that counts calls
 * and can hold an operation back for a few event-loop turns (so that operations of several managers
 * truly overlap) or lose its reply (CC-7). The wrapper never decides anything itself: every outcome
 * is the real store's.
 *
 * @internal
 * @packageDocumentation
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createMemoryStore, type MemoryStore } from '../adapters/memory/index.js';
import { createRedisStore } from '../adapters/redis/index.js';
import {
  createManualClock,
  createSessionManager,
  isSessionError,
  type ManualClock,
  type SessionAuditEvent,
  type SessionManager,
  type SessionManagerOptions,
  type SessionStore,
} from '../src/index.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

/** The core operations of a store. */
export type StoreOp =
  | 'create'
  | 'read'
  | 'write'
  | 'destroy'
  | 'listByUser'
  | 'destroyByUser'
  | 'purgeExpired';

/** Runs around every core operation; `run` performs the real one. */
export type Around = (op: StoreOp, args: readonly unknown[], run: () => Promise<unknown>) => Promise<unknown>;

/** A wrapped store with its call log. */
export interface WrappedStore extends SessionStore {
  /** Every core call, in order, with its arguments. */
  readonly log: { op: StoreOp; args: readonly unknown[] }[];
  /** How many calls of `op` (or of every op) were made. */
  count(op?: StoreOp): number;
}

/**
 * Wrap `inner`: every core call is logged and goes through `around`.
 * @param inner - the real store.
 * @param options - `around`; `locks: false` hides the store's locks (a store without them).
 * @returns the wrapped store.
 */
export function wrapStore(
  inner: SessionStore,
  options: { around?: Around; locks?: boolean } = {},
): WrappedStore {
  const log: { op: StoreOp; args: readonly unknown[] }[] = [];
  const around: Around = options.around ?? ((_op, _args, run) => run());
  const call =
    <A extends unknown[], R>(op: StoreOp, fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      log.push({ op, args });
      return around(op, args, () => fn.apply(inner, args)) as Promise<R>;
    };
  const withLocks = options.locks ?? true;
  const wrapped: WrappedStore = {
    supports: { ...inner.supports, locks: withLocks && inner.supports.locks },
    create: call('create', inner.create),
    read: call('read', inner.read),
    write: call('write', inner.write),
    destroy: call('destroy', inner.destroy),
    listByUser: call('listByUser', inner.listByUser),
    destroyByUser: call('destroyByUser', inner.destroyByUser),
    purgeExpired: call('purgeExpired', inner.purgeExpired),
    close: () => inner.close(),
    log,
    count: (op) => (op === undefined ? log.length : log.filter((entry) => entry.op === op).length),
  };
  if (withLocks && inner.locks !== undefined) Object.assign(wrapped, { locks: inner.locks });
  if (inner.inspection !== undefined) Object.assign(wrapped, { inspection: inner.inspection });
  return wrapped;
}

/** A small seeded PRNG (mulberry32), so interleavings replay from a printed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Let `n` turns of the event loop pass (no time passes: it only lets other operations run). */
export async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * An `around` that holds each operation back for a random number of event-loop turns before and after
 * the real call, so reads and writes of concurrent requests interleave.
 * @param random - the seeded source.
 * @param most - the largest number of turns.
 */
export function interleave(random: () => number, most = 4): Around {
  return async (_op, _args, run) => {
    await turns(Math.floor(random() * (most + 1)));
    const result = await run();
    await turns(Math.floor(random() * (most + 1)));
    return result;
  };
}

/** What {@link setup} builds. */
export interface Setup {
  clock: ManualClock;
  /** The real store. */
  memory: MemoryStore;
  /** The store the managers use (the wrapper). */
  store: WrappedStore;
  manager: SessionManager;
  events: SessionAuditEvent[];
  /** Another manager on the same store, as a second process would be. */
  another(options?: Partial<SessionManagerOptions>): SessionManager;
}

/** The instant tests start at. */
export const T0 = 1_700_000_000_000;

/**
 * A manager over a memory store with a manual clock; all managers made here share one store.
 * @param options - manager options (minus store and clock).
 * @param wrap - options of the store wrapper.
 */
export function setup(
  options: Partial<SessionManagerOptions> = {},
  wrap: { around?: Around; locks?: boolean } = {},
): Setup {
  const clock = createManualClock(T0);
  const memory = createMemoryStore({ clock: clock.now, sweepEvery: false });
  const store = wrapStore(memory, wrap);
  const events: SessionAuditEvent[] = [];
  const make = (extra: Partial<SessionManagerOptions> = {}) =>
    createSessionManager({
      idleTimeout: 30 * 60_000,
      absoluteTimeout: 12 * 60 * 60_000,
      freshFor: 5 * 60_000,
      ...options,
      ...extra,
      store,
      clock,
      onEvent: (event) => events.push(event),
    });
  return { clock, memory, store, manager: make(), events, another: make };
}

/**
 * The token of a commit's cookie instruction.
 * @throws Error when the instruction does not set a cookie.
 */
export function tokenOf(result: { cookie: { action: string; token?: string } }): string {
  if (result.cookie.action !== 'set' || result.cookie.token === undefined) {
    throw new Error(`expected a cookie to be set, got ${JSON.stringify(result.cookie)}`);
  }
  return result.cookie.token;
}

/**
 * A stored session made through the manager, with `data` in its browser bucket.
 * @returns its token and id.
 */
export async function stored(
  manager: SessionManager,
  data: Record<string, unknown> = { seed: 1 },
): Promise<{ token: string; id: string }> {
  const session = await manager.load(undefined);
  for (const [key, value] of Object.entries(data)) session.set(key, value as never);
  const token = tokenOf(await session.commit());
  return { token, id: session.id };
}

/**
 * A stored session bound to `userId`.
 * @returns its token and id.
 */
export async function loggedIn(
  manager: SessionManager,
  userId: string,
  options: { persistent?: boolean } = {},
): Promise<{ token: string; id: string }> {
  const session = await manager.load(undefined);
  session.authenticate(userId, options);
  const token = tokenOf(await session.commit());
  return { token, id: session.id };
}

/** Expect `fn` to throw (or reject with) a SessionError of `code`. */
export async function expectCode(fn: () => unknown, code: string): Promise<void> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(isSessionError(caught), `expected SessionError ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
}

/**
 * Register tests against a real Redis started for them (and stopped after): `register` receives a
 * function that opens a store on its own connection under a key prefix, as one process would.
 */
export function onRealRedis(register: (connect: (prefix: string) => SessionStore) => void): void {
  describe('on a real Redis', () => {
    let server: RedisServer;
    const clients: Redis[] = [];
    beforeAll(async () => {
      server = await startRedisServer();
    });
    afterAll(async () => {
      for (const client of clients) client.disconnect();
      await server.stop();
    });
    register((prefix) => {
      const client = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
      clients.push(client);
      return createRedisStore({ client, prefix });
    });
  });
}
