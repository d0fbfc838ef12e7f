/**
 * What every part of the Redis store shares, whichever the client and the topology: the key layout,
 * the scripts by name, a bound on every call (SEC-2) and the garbage-collection TTL (ST-3).
 *
 * @packageDocumentation
 */
import type { PageRequest } from '../../spec/contract.js';
import { bounded } from '../shared/bounded.js';
import type { RedisDriver } from './driver.js';
import type { KeyLayout } from './keys.js';
import { SCRIPTS, type ScriptName } from './scripts.js';

/** Longest TTL handed to Redis (about 35 years): PEXPIRE rejects values that overflow. @internal */
const MAX_TTL = 2 ** 40;

/** The settings the parts of the store read, validated by `createRedisStore`. @internal */
export interface CoreSettings {
  readonly prefix: string;
  readonly ttlFloorMs: number;
  readonly ttlSlackMs: number;
  readonly commandTimeoutMs: number | false;
  readonly claimGraceMs: number;
  readonly purgeBatch: number;
}

/** The store's shared context. @internal */
export interface RedisCore {
  readonly keys: KeyLayout;
  readonly settings: CoreSettings;
  readonly driver: RedisDriver;
  /** Run the named script on `key` with `args`, bounded. */
  run(name: ScriptName, key: string, ...args: Array<string | number>): Promise<unknown>;
  /** One plain command on the master serving `key`, bounded. */
  command(key: string, ...args: string[]): Promise<unknown>;
  /** Every key under the prefix, on every master, bounded per SCAN call. */
  scan(): Promise<string[]>;
  /** ST-3: a garbage-collection TTL for `deadline` relative to the given `now`, never below the floor. */
  ttlFor(deadline: number, now: number): number;
  /**
   * ST-3: the instant a write extends the record's TTL to: `now + ttlFor(deadline, now)` rounded up to a
   * step of a sixth of the floor (at most ten minutes), so the writes within one step need no TTL change.
   */
  collectAt(deadline: number, now: number): number;
}

/**
 * What differs between a single node and Redis Cluster: who keeps the user index, and the operations
 * that span many sessions. `single-node.ts` and `cluster.ts` implement it.
 * @internal
 */
export interface Topology {
  /** `'1'`: the scripts keep the user index and expiry sets in the same step; `'0'`: Cluster. */
  readonly mode: '0' | '1';
  /** ST-4: exact on a single node, a superset on Cluster. */
  readonly userIndex: 'exact' | 'superset';
  /** File `sessionId` under `userId` by `token` before a record names it (Cluster; a no-op otherwise). */
  claim(userId: string, token: string, sessionId: string, now: number): Promise<void>;
  /** Remove such an entry once no record names it (Cluster; a no-op otherwise). */
  unclaim(userId: string, token: string, sessionId: string): Promise<void>;
  /**
   * The JSON of the user's records live at `now` (LC-9): all of them without `page`, else one HSCAN
   * step's worth, with the next cursor (`null`: complete).
   */
  listByUser(
    userId: string,
    now: number,
    page?: ScanStep,
  ): Promise<{ json: string[]; cursor: string | null }>;
  /**
   * Delete the user's sessions but those in `except`; their ids (LC-9, LC-10): all of them without
   * `page`, else one HSCAN step's worth, with the next cursor (`null`: done; CK-6).
   */
  destroyByUser(
    userId: string,
    except: readonly string[],
    page?: ScanStep,
  ): Promise<{ deleted: string[]; cursor: string | null }>;
  /** Delete what expired at `now`; how many records (ST-2, ST-5). */
  purgeExpired(now: number): Promise<number>;
}

/** A checked page request: the HSCAN cursor and count it becomes (store contract 2). @internal */
export interface ScanStep {
  readonly cursor: string;
  readonly count: number;
}

/**
 * Check a page request; `undefined` when it asks for everything at once (no `limit`).
 * @throws TypeError when the limit is not a positive integer or the cursor is not one of this store's.
 * @internal
 */
export function scanStepOf(page: PageRequest | undefined): ScanStep | undefined {
  if (page?.limit === undefined) return undefined;
  const { limit, cursor = null } = page;
  if (!(Number.isSafeInteger(limit) && limit > 0)) {
    throw new TypeError(`sessionspec redis: a page limit must be a positive integer, not ${String(limit)}`);
  }
  if (cursor !== null && !(typeof cursor === 'string' && /^[1-9][0-9]*$/.test(cursor))) {
    throw new TypeError(`sessionspec redis: ${JSON.stringify(cursor)} is not a cursor of this store`);
  }
  return { cursor: cursor ?? '0', count: limit };
}

/** The cursor to hand back: HSCAN's `'0'` means the scan is complete. @internal */
export function nextCursorOf(cursor: unknown): string | null {
  return String(cursor) === '0' ? null : String(cursor);
}

/**
 * The shared context over `driver`.
 * @internal
 */
export function redisCore(driver: RedisDriver, keys: KeyLayout, settings: CoreSettings): RedisCore {
  const limit = settings.commandTimeoutMs;
  const step = Math.max(1, Math.min(Math.floor(settings.ttlFloorMs / 6), 600_000));
  const ttlFor = (deadline: number, now: number): number => {
    const ttl = Math.ceil(deadline - now + settings.ttlSlackMs);
    return Number.isFinite(ttl) ? Math.min(Math.max(ttl, settings.ttlFloorMs), MAX_TTL) : settings.ttlFloorMs;
  };
  return {
    keys,
    settings,
    driver,
    run: (name, key, ...args) =>
      bounded(`sessionspec redis: ${name}`, limit, driver.eval(SCRIPTS[name], key, args.map(String))),
    command: (key, ...args) => bounded(`sessionspec redis: ${args[0]!}`, limit, driver.command(key, ...args)),
    // One bound for the whole walk would fail a large keyspace; each SCAN call is short.
    scan: () => driver.scan(keys.pattern, (call) => bounded('sessionspec redis: scan', limit, call)),
    ttlFor,
    collectAt(deadline, now) {
      const at = Math.ceil(now + ttlFor(deadline, now));
      return Math.min(Math.ceil(at / step) * step, Math.floor(now) + MAX_TTL);
    },
  };
}
