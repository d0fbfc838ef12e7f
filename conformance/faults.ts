/**
 * Fault injection for any store adapter (CK-7): delays, timeouts and dropped replies, chosen
 * deterministically from a seed, so a failing run replays exactly.
 *
 * @packageDocumentation
 */
import type { PageRequest, SessionRecord, SessionStore, StoredSessionRecord } from '../src/index.js';

/**
 * What happens to one call:
 * - `delay`: performed and answered after a few turns of the event loop, so other calls overtake it;
 * - `fail`: rejected without being performed (the store was unreachable);
 * - `drop`: performed, then rejected (the reply was lost);
 * - `hang`: never answered; performed at once, never, or `late` (just before a later call to the store);
 * - `null`: performed and answered normally.
 */
export type FaultKind = 'delay' | 'fail' | 'drop' | 'hang' | null;

/** How a hanging call is performed (CK-7: it may take effect at any later point, or never). */
export type HangMode = 'performed' | 'lost' | 'late';

/** One fault as injected, for reports. */
export interface InjectedFault {
  /** The index of the call among every call to the wrapper. */
  call: number;
  method: string;
  kind: Exclude<FaultKind, null>;
  hang?: HangMode;
}

/** Options of {@link injectFaults}. Rates are probabilities per call; they must sum to at most 1. */
export interface FaultOptions {
  /** The seed of the fault plan: the same seed and the same calls give the same faults. */
  seed: number;
  delay?: number;
  fail?: number;
  drop?: number;
  hang?: number;
  /**
   * Decide a call's fault instead of the rates (a scripted plan, e.g. "drop the first write's reply").
   * @param call - the call's index and method.
   * @returns the fault, or `undefined` to fall back to the rates.
   */
  decide?: (call: { index: number; method: string }) => FaultKind | undefined;
}

/** A store with faults injected, and the controls of the injection. */
export interface FaultyStore extends SessionStore {
  /** Every fault injected so far. */
  readonly injected: readonly InjectedFault[];
  /** While false, calls pass through untouched (to set up or inspect a run). Initially true. */
  active: boolean;
  /** Resolves when every delayed call has been answered; `late` hangs still waiting are dropped. */
  idle(): Promise<void>;
}

/** The error a faulty call rejects with (never a `SessionError`: the store does not know the manager). */
export class StoreFault extends Error {
  override name = 'StoreFault';
}

const CORE = ['create', 'read', 'write', 'destroy', 'listByUser', 'destroyByUser', 'purgeExpired'] as const;

/**
 * Wrap a store so its core calls suffer faults (CK-7). Locks, inspection and `close` pass through.
 * @param store - any adapter.
 * @param options - the seed and the rates, or a scripted plan.
 * @returns the faulty store.
 * @throws TypeError when the rates are negative or sum to more than 1.
 *
 * @example
 * ```ts
 * const faulty = injectFaults(store, { seed: 42, drop: 0.1, hang: 0.05, delay: 0.3 });
 * const manager = createSessionManager({ store: faulty, storeTimeout: 5 });
 * ```
 */
export function injectFaults(store: SessionStore, options: FaultOptions): FaultyStore {
  const rates = [options.delay ?? 0, options.fail ?? 0, options.drop ?? 0, options.hang ?? 0];
  if (rates.some((r) => !(r >= 0)) || rates.reduce((a, b) => a + b, 0) > 1) {
    throw new TypeError('injectFaults: rates must be non-negative and sum to at most 1');
  }
  const random = mulberry32(options.seed);
  const injected: InjectedFault[] = [];
  const pending = new Set<Promise<unknown>>();
  /** `late` hangs: performed just before the call with this index starts. */
  let late: { at: number; perform: () => void }[] = [];
  let calls = 0;

  const choose = (index: number, method: string): FaultKind => {
    const scripted = options.decide?.({ index, method });
    if (scripted !== undefined) return scripted;
    let draw = random();
    const kinds: Exclude<FaultKind, null>[] = ['delay', 'fail', 'drop', 'hang'];
    for (let i = 0; i < kinds.length; i++) {
      if (draw < rates[i]!) return kinds[i]!;
      draw -= rates[i]!;
    }
    return null;
  };

  const faulty = Object.create(store) as FaultyStore & { active: boolean };
  faulty.active = true;
  Object.defineProperty(faulty, 'injected', { get: () => injected });
  Object.defineProperty(faulty, 'idle', {
    value: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
      late = [];
    },
  });
  for (const method of CORE) {
    const original = store[method] as (...args: unknown[]) => Promise<unknown>;
    const perform = (args: unknown[]) => {
      const result = original.apply(store, args);
      pending.add(result);
      void result.then(
        () => pending.delete(result),
        () => pending.delete(result),
      );
      return result;
    };
    Object.defineProperty(faulty, method, {
      value: async (...args: unknown[]) => {
        if (!faulty.active) return original.apply(store, args);
        const index = calls++;
        // A late hang takes effect now, overtaken by the calls made since it was sent.
        for (const waiting of late.filter((l) => l.at <= index)) waiting.perform();
        late = late.filter((l) => l.at > index);
        const kind = choose(index, method);
        if (kind === null) return perform(args);
        const fault: InjectedFault = { call: index, method, kind };
        injected.push(fault);
        switch (kind) {
          case 'delay': {
            const hops = 1 + Math.floor(random() * 3);
            const result = (async () => {
              for (let i = 0; i < hops; i++) await new Promise<void>((resolve) => setImmediate(resolve));
              return perform(args);
            })();
            pending.add(result);
            return result.finally(() => pending.delete(result));
          }
          case 'fail':
            throw new StoreFault(`injected fault: ${method} failed before reaching the store`);
          case 'drop':
            await perform(args).catch(() => {});
            throw new StoreFault(`injected fault: the reply to ${method} was lost`);
          case 'hang': {
            const modes: HangMode[] = ['performed', 'lost', 'late'];
            fault.hang = modes[Math.floor(random() * modes.length)]!;
            if (fault.hang === 'performed') void perform(args).catch(() => {});
            if (fault.hang === 'late') {
              const at = index + 1 + Math.floor(random() * 3);
              late.push({ at, perform: () => void perform(args).catch(() => {}) });
            }
            return new Promise<never>(() => {});
          }
        }
      },
    });
  }
  return faulty;
}

/** A small seeded PRNG (mulberry32): the fault plan depends on the seed only. @internal */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A store whose acknowledged writes can be lost, as a fail-over to a replica that had not received them
 * loses them (Redis Sentinel and Cluster replicate asynchronously): CK-7's fault for CC-1.
 */
export interface LossyStore extends SessionStore {
  /** The replica catches up: what was acknowledged so far survives the next fail-over. */
  replicate(): void;
  /**
   * Fail over: every `create`, `write`, `destroy` and `destroyByUser` acknowledged since the last
   * {@link LossyStore.replicate} is undone, through the store's own operations.
   * @param now - the time the restored records are created at (their TTLs only, ST-3).
   */
  failOver(now: number): Promise<void>;
}

/** Reads a stored record whatever its expiry: every record is live this long before the epoch. */
const BEFORE_EVERYTHING = Number.MIN_SAFE_INTEGER;

/**
 * Wrap a store so that acknowledged writes can be lost (CK-7, CC-1). Before the first change to a
 * session after {@link LossyStore.replicate}, the wrapper reads what the replica holds for it; a
 * fail-over puts exactly that back (destroy, then create the replica's record with its version and
 * write ids). Purges are not undone. Reads and the optional interfaces pass through.
 * @param store - any adapter.
 * @returns the lossy store; it starts replicated.
 *
 * @example
 * ```ts
 * const lossy = loseAcknowledgedWrites(store);
 * await lossy.write(next, writeIdOf(loaded), now); // 'ok', acknowledged
 * await lossy.failOver(now); // the write is lost; the store holds `loaded` again
 * ```
 */
export function loseAcknowledgedWrites(store: SessionStore): LossyStore {
  /** Session id -> what the replica holds for it, for sessions changed since the last replication. */
  const replica = new Map<string, StoredSessionRecord | null>();
  const remember = async (sessionId: string): Promise<void> => {
    if (replica.has(sessionId)) return;
    const held = await store.read(sessionId, BEFORE_EVERYTHING);
    replica.set(sessionId, typeof held === 'object' ? held : null);
  };
  const lossy = Object.create(store) as LossyStore;
  Object.defineProperties(lossy, {
    create: {
      value: async (record: SessionRecord, now: number, encoded?: string) => {
        await remember(record.sessionId);
        return store.create(record, now, encoded);
      },
    },
    write: {
      value: async (record: SessionRecord, expected: string, now: number, encoded?: string) => {
        await remember(record.sessionId);
        return store.write(record, expected, now, encoded);
      },
    },
    destroy: {
      value: async (sessionId: string) => {
        await remember(sessionId);
        return store.destroy(sessionId);
      },
    },
    destroyByUser: {
      value: async (userId: string, except: readonly string[], page?: PageRequest) => {
        for (const record of (await store.listByUser(userId, BEFORE_EVERYTHING)).records) {
          await remember(record.sessionId);
        }
        return store.destroyByUser(userId, except, page);
      },
    },
    replicate: { value: () => replica.clear() },
    failOver: {
      value: async (now: number) => {
        for (const [sessionId, held] of replica) {
          await store.destroy(sessionId);
          if (held !== null) await store.create(held as SessionRecord, now);
        }
        replica.clear();
      },
    },
  });
  return lossy;
}
