/**
 * The Redis session store, on an ioredis client the application owns: one Lua script per operation,
 * a user index kept exactly on a single node and as a superset on Redis Cluster.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type {
  CreateResult,
  ReadResult,
  SessionLocks,
  SessionRecord,
  SessionStore,
  StoreContents,
  StoreInspection,
  WriteResult,
} from '../../src/index.js';
import { decodeRecord, readResultOf } from '../../src/index.js';
import { isValidPrefix, type KeyLayout, keyLayout } from './keys.js';
import { SCRIPTS, type ScriptName } from './scripts.js';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /**
   * An ioredis `Redis` (single node, Sentinel) or `Cluster` client. Connection, TLS, ACL and retry
   * settings stay the application's; the store never quits it. Give it a bounded `commandTimeout` and
   * `enableOfflineQueue: false` (or a small `maxRetriesPerRequest`) so that an outage fails fast (SEC-2).
   * Its `keyPrefix` option must be unset: use {@link RedisStoreOptions.prefix} instead.
   */
  client: Redis | Cluster;
  /** Prefix of every key the store writes; no `{` or `}`. Defaults to `'sessionspec'`. */
  prefix?: string;
  /**
   * The shortest garbage-collection TTL Redis is given, in milliseconds (ST-3). Expiry is decided
   * against the `now` passed in; the TTL only lets Redis drop what nobody purged, so it must outlast any
   * clock skew between application instances. Defaults to 60 000.
   */
  ttlFloorMs?: number;
  /** Added to `expiresAt - now` to form the garbage-collection TTL, in milliseconds. Defaults to 60 000. */
  ttlSlackMs?: number;
  /**
   * Upper bound for each Redis call, in milliseconds, on top of the client's own `commandTimeout`; a call
   * without a reply by then rejects (SEC-2). `false` leaves it to the client. Defaults to 5 000.
   */
  commandTimeoutMs?: number | false;
  /**
   * Redis Cluster only: how old (by the `now` passed in) a user-index entry without a matching record
   * must be before `listByUser` or `purgeExpired` removes it. Younger ones may belong to a binding
   * still in flight (added before its record). Defaults to 30 000.
   */
  claimGraceMs?: number;
  /**
   * How many expired records one purge round trip removes on a single node, and how many keys a
   * Cluster purge checks at a time. Defaults to 500.
   */
  purgeBatch?: number;
}

/** A Redis store: a {@link SessionStore} with locks and inspection always present. */
export interface RedisStore extends SessionStore {
  /** Locks and inspection; the user index is `'exact'` on a single node, `'superset'` on Cluster (ST-4). */
  readonly supports: {
    readonly locks: true;
    readonly inspection: true;
    readonly userIndex: 'exact' | 'superset';
  };
  /** Pessimistic locks with an owner token and a TTL (CC-5). */
  readonly locks: SessionLocks;
  /** Every key under the prefix, found by SCAN on every master (ST-5). */
  readonly inspection: StoreInspection;
}

/** An argument of a script call. @internal */
type Arg = string | number;

/** The scripts as ioredis methods, once defined on the client. @internal */
type ScriptMethods = { [name in ScriptName]: (key: string, ...args: Arg[]) => Promise<unknown> };

const DEFAULTS = {
  prefix: 'sessionspec',
  ttlFloorMs: 60_000,
  ttlSlackMs: 60_000,
  commandTimeoutMs: 5_000,
  claimGraceMs: 30_000,
  purgeBatch: 500,
} as const;

/** Longest TTL handed to Redis (about 35 years): PEXPIRE rejects values that overflow. @internal */
const MAX_TTL = 2 ** 40;

/**
 * Split a user-index field `"<token>:<sessionId>"`.
 * @internal
 */
function splitField(field: string): { token: string; sessionId: string } {
  const colon = field.indexOf(':');
  return { token: field.slice(0, colon), sessionId: field.slice(colon + 1) };
}

/** This process's part of the user-index tokens: 72 random bits, base64url (no `:`). @internal */
const TOKEN_PREFIX = randomBytes(9).toString('base64url');
let tokenCount = 0;

/**
 * A fresh user-index token, unique across processes (the random prefix) and within one (the counter),
 * without a CSPRNG call per write: it only tells two bindings of one session apart, it is no secret.
 * @internal
 */
function newToken(): string {
  tokenCount += 1;
  return `${TOKEN_PREFIX}${tokenCount.toString(36)}`;
}

/**
 * Check a millisecond option.
 * @throws TypeError when it is not an integer of at least `min`.
 * @internal
 */
function checkMs(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`createRedisStore: \`${name}\` must be a whole number of at least ${min}`);
  }
}

/**
 * Create a session store on an existing ioredis client. Every core operation is one Lua script, one
 * round trip, atomic on the server; on Redis Cluster an operation that changes which user a session is
 * filed under also touches the user's slot, in a second step (see `docs/redis.md`).
 *
 * @param options - the client and the key layout; see {@link RedisStoreOptions}.
 * @returns a store with locks and inspection; its user index is exact on a single node and a superset
 *   on Cluster.
 * @throws TypeError when the client is not an ioredis client, has a `keyPrefix`, or an option is out
 *   of range.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { createRedisStore } from 'sessionspec/adapters/redis';
 *
 * const client = new Redis(process.env.REDIS_URL, { commandTimeout: 2000, enableOfflineQueue: false });
 * const store = createRedisStore({ client, prefix: 'myapp:sess' });
 * await store.create(record, Date.now()); // 'ok'
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const { client } = options ?? {};
  if (typeof (client as { defineCommand?: unknown } | undefined)?.defineCommand !== 'function') {
    throw new TypeError('createRedisStore: `client` must be an ioredis Redis or Cluster client');
  }
  const redisOptions = (client as Cluster).isCluster ? (client as Cluster).options.redisOptions : undefined;
  if (client.options.keyPrefix || redisOptions?.keyPrefix) {
    throw new TypeError(
      'createRedisStore: the client has a `keyPrefix`; remove it and pass `prefix` to the store instead',
    );
  }
  const prefix = options.prefix ?? DEFAULTS.prefix;
  if (!isValidPrefix(prefix)) {
    throw new TypeError('createRedisStore: `prefix` must be a non-empty string without `{` or `}`');
  }
  const ttlFloorMs = options.ttlFloorMs ?? DEFAULTS.ttlFloorMs;
  const ttlSlackMs = options.ttlSlackMs ?? DEFAULTS.ttlSlackMs;
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs;
  const claimGraceMs = options.claimGraceMs ?? DEFAULTS.claimGraceMs;
  const purgeBatch = options.purgeBatch ?? DEFAULTS.purgeBatch;
  checkMs('ttlFloorMs', ttlFloorMs, 1);
  checkMs('ttlSlackMs', ttlSlackMs, 0);
  if (commandTimeoutMs !== false) checkMs('commandTimeoutMs', commandTimeoutMs, 1);
  checkMs('claimGraceMs', claimGraceMs, 0);
  checkMs('purgeBatch', purgeBatch, 1);

  for (const [name, definition] of Object.entries(SCRIPTS)) client.defineCommand(name, definition);
  const scripts = client as unknown as ScriptMethods;
  const cluster = (client as Cluster).isCluster === true;
  // Mode '1': the scripts keep the user index and the expiry sets in the same atomic step.
  const mode = cluster ? '0' : '1';
  const keys: KeyLayout = keyLayout(prefix);

  /** SEC-2: no call waits longer than the bound, whatever the client's settings. */
  const bounded = <T>(what: string, promise: Promise<T>): Promise<T> => {
    if (commandTimeoutMs === false) return promise;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`sessionspec redis: ${what} got no reply within ${commandTimeoutMs} ms`)),
        commandTimeoutMs,
      );
      timer.unref();
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  };
  const run = (name: ScriptName, key: string, ...args: Arg[]): Promise<unknown> =>
    bounded(name, scripts[name](key, ...args));

  /** ST-3: a garbage-collection TTL relative to the given `now`, never below the floor. */
  const ttlFor = (deadline: number, now: number): number => {
    const ttl = Math.ceil(deadline - now + ttlSlackMs);
    return Number.isFinite(ttl) ? Math.min(Math.max(ttl, ttlFloorMs), MAX_TTL) : ttlFloorMs;
  };

  /** Cluster: file `sessionId` under `userId` before the record says so (the index is a superset). */
  const claim = (userId: string, token: string, sessionId: string, now: number): Promise<unknown> =>
    bounded('claim', client.hset(keys.user(userId), `${token}:${sessionId}`, String(now)));
  const unclaim = (userId: string, token: string, sessionId: string): Promise<unknown> =>
    bounded('unclaim', client.hdel(keys.user(userId), `${token}:${sessionId}`));

  /** Every key under the prefix, on every master. */
  const scanAll = async (): Promise<string[]> => {
    const nodes = cluster ? (client as Cluster).nodes('master') : [client as Redis];
    const found = new Set<string>();
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, batch] = await bounded('scan', node.scan(cursor, 'MATCH', keys.pattern, 'COUNT', 1000));
        for (const key of batch) found.add(key);
        cursor = next;
      } while (cursor !== '0');
    }
    return [...found];
  };

  /**
   * Cluster: the user's index entries, each with whether its record is bound to the user under its
   * token, the record's bytes and expiry, and the entry's claim time.
   */
  const entriesOf = async (userId: string) => {
    const fields = await bounded('hgetall', client.hgetall(keys.user(userId)));
    const ids = [...new Set(Object.keys(fields).map((field) => splitField(field).sessionId))];
    const peeks = new Map(
      await Promise.all(ids.map(async (id) => [id, await run('sessionspecRead', keys.record(id))] as const)),
    );
    return Object.entries(fields).map(([field, stamp]) => {
      const { token, sessionId } = splitField(field);
      const peek = peeks.get(sessionId);
      const [json, expiresAt, user, bound] = Array.isArray(peek) ? (peek as string[]) : [];
      const ok = user === userId && bound === token;
      return { field, sessionId, ok, json: json ?? '', expiresAt: Number(expiresAt), stamp: Number(stamp) };
    });
  };

  /** Cluster: remove entries with no matching record once they are older than the grace (ST-5). */
  const cleanIndex = async (userId: string, entries: Awaited<ReturnType<typeof entriesOf>>, now: number) => {
    const stale = entries
      .filter((entry) => !entry.ok && !(entry.stamp + claimGraceMs > now))
      .map((entry) => entry.field);
    if (stale.length > 0) await bounded('hdel', client.hdel(keys.user(userId), ...stale));
  };

  const store: RedisStore = {
    supports: { locks: true, inspection: true, userIndex: cluster ? 'superset' : 'exact' },

    async create(record: SessionRecord, now: number, encoded?: string): Promise<CreateResult> {
      const userId = typeof record.userId === 'string' ? record.userId : '';
      const token = newToken();
      // Cluster: the index entry comes first, so the index is a superset at every instant.
      if (cluster && userId !== '') await claim(userId, token, record.sessionId, now);
      const created = await run(
        'sessionspecCreate',
        keys.record(record.sessionId),
        encoded ?? JSON.stringify(record),
        record.version,
        record.expiresAt,
        userId,
        token,
        ttlFor(record.expiresAt, now),
        mode,
        prefix,
        record.sessionId,
        now,
      );
      if (created === 1) return 'ok';
      // ID-4: a collision never overwrites; the entry claimed for it goes again (ST-5).
      if (cluster && userId !== '') await unclaim(userId, token, record.sessionId);
      return 'exists';
    },

    async read(sessionId: string, now: number): Promise<ReadResult> {
      const found = await run('sessionspecRead', keys.record(sessionId));
      if (found === null) return null;
      if (!Array.isArray(found)) return 'corrupt';
      return readResultOf(String(found[0]), now);
    },

    async write(
      record: SessionRecord,
      expectedVersion: number,
      now: number,
      encoded?: string,
    ): Promise<WriteResult> {
      const userId = typeof record.userId === 'string' ? record.userId : '';
      const token = newToken();
      const attempt = (claimed: boolean) =>
        run(
          'sessionspecWrite',
          keys.record(record.sessionId),
          encoded ?? JSON.stringify(record),
          expectedVersion,
          now,
          record.version,
          record.expiresAt,
          userId,
          token,
          ttlFor(record.expiresAt, now),
          mode,
          prefix,
          record.sessionId,
          claimed ? '1' : '0',
        ) as Promise<[string, string?, string?]>;
      let [outcome, releaseUser = '', releaseToken = ''] = await attempt(false);
      if (outcome === 'claim') {
        // Cluster, binding or switching the user: file the session under the new user first, then
        // commit; a commit that fails takes its entry back.
        await claim(userId, token, record.sessionId, now);
        [outcome, releaseUser = '', releaseToken = ''] = await attempt(true);
        if (outcome !== 'ok') await unclaim(userId, token, record.sessionId);
      }
      // Cluster: the previous user's entry goes right after the commit, within this call (ST-5).
      if (outcome === 'ok' && releaseUser !== '') await unclaim(releaseUser, releaseToken, record.sessionId);
      return outcome as WriteResult;
    },

    async destroy(sessionId: string): Promise<boolean> {
      const [deleted, userId = '', token = ''] = (await run(
        'sessionspecDestroy',
        keys.record(sessionId),
        mode,
        prefix,
        sessionId,
      )) as [number, string?, string?];
      if (userId !== '') await unclaim(userId, token, sessionId);
      return deleted === 1;
    },

    async listByUser(userId: string, now: number): Promise<SessionRecord[]> {
      let live: string[];
      if (!cluster) {
        live = (await run('sessionspecList', keys.user(userId), now, prefix, userId)) as string[];
      } else {
        const entries = await entriesOf(userId);
        await cleanIndex(userId, entries, now);
        const byId = new Map<string, string>();
        for (const entry of entries) {
          if (entry.ok && now < entry.expiresAt) byId.set(entry.sessionId, entry.json);
        }
        live = [...byId.values()];
      }
      const records: SessionRecord[] = [];
      for (const json of live) {
        const record = decodeRecord(json);
        // The manager upgrades a previous-format record when it loads it (ST-7); the store only decodes.
        if (record !== undefined && now < record.expiresAt) records.push(record as SessionRecord);
      }
      return records;
    },

    async destroyByUser(userId: string, except: readonly string[]): Promise<string[]> {
      if (!cluster) {
        return (await run(
          'sessionspecDestroyByUser',
          keys.user(userId),
          prefix,
          userId,
          ...except,
        )) as string[];
      }
      // CK-6: every binding made before this call has its entry already (entries come first).
      const keep = new Set(except);
      const fields = await bounded('hkeys', client.hkeys(keys.user(userId)));
      const deleted = await Promise.all(
        fields.map(async (field) => {
          const { token, sessionId } = splitField(field);
          if (keep.has(sessionId)) return undefined;
          const [done] = (await run(
            'sessionspecDestroy',
            keys.record(sessionId),
            mode,
            prefix,
            sessionId,
            userId,
            token,
          )) as [number];
          if (done !== 1) return undefined;
          await unclaim(userId, token, sessionId);
          return sessionId;
        }),
      );
      return [...new Set(deleted.filter((id) => id !== undefined))];
    },

    async purgeExpired(now: number): Promise<number> {
      if (!cluster) {
        let total = 0;
        for (;;) {
          const [deleted, examined] = (await run(
            'sessionspecPurge',
            keys.expiry,
            now,
            prefix,
            purgeBatch,
          )) as [number, number];
          total += deleted;
          if (examined < purgeBatch) return total;
        }
      }
      // Cluster: correctness over speed. SCAN finds every record on every master; each is checked and
      // deleted by a script in its own slot, then its index entry goes.
      const found = (await scanAll()).map((key) => ({ key, parsed: keys.parse(key) }));
      let total = 0;
      const purgeOne = async ({ key, parsed }: (typeof found)[number]): Promise<void> => {
        if (parsed.kind === 'record') {
          const [deleted, userId = '', token = ''] = (await run('sessionspecPurgeOne', key, now)) as [
            number,
            string?,
            string?,
          ];
          total += deleted;
          if (userId !== '') await unclaim(userId, token, parsed.id);
        } else if (parsed.kind === 'lock') {
          await run('sessionspecPurgeLock', key, now);
        }
      };
      // A bounded number of keys in flight at a time: each is its own slot, so its own round trip.
      for (let i = 0; i < found.length; i += purgeBatch) {
        await Promise.all(found.slice(i, i + purgeBatch).map(purgeOne));
      }
      // Then what a crash between two steps left in the user index (ST-5).
      for (const { parsed } of found) {
        if (parsed.kind === 'user') await cleanIndex(parsed.id, await entriesOf(parsed.id), now);
      }
      return total;
    },

    locks: {
      async acquire(name: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
        const until = now + ttlMs;
        const taken = await run(
          'sessionspecAcquire',
          keys.lock(name),
          owner,
          until,
          now,
          ttlFor(until, now),
          mode,
          prefix,
          name,
        );
        return taken === 1;
      },
      async release(name: string, owner: string): Promise<boolean> {
        return (await run('sessionspecRelease', keys.lock(name), owner, mode, prefix, name)) === 1;
      },
    },

    inspection: {
      async contents(): Promise<StoreContents> {
        const all = await scanAll();
        const records: string[] = [];
        const userIndex: { [userId: string]: string[] } = {};
        let locks = 0;
        for (const key of all) {
          const parsed = keys.parse(key);
          if (parsed.kind === 'record') records.push(parsed.id);
          else if (parsed.kind === 'lock') locks += 1;
          else if (parsed.kind === 'user') {
            const fields = await bounded('hkeys', client.hkeys(key));
            // defineProperty: a user named `__proto__` is listed as data, not turned into a prototype.
            Object.defineProperty(userIndex, parsed.id, {
              value: [...new Set(fields.map((field) => splitField(field).sessionId))],
              enumerable: true,
              writable: true,
              configurable: true,
            });
          }
        }
        return { records, userIndex, locks, keys: all };
      },
    },

    async close(): Promise<void> {
      // The client is the application's: it stays open. The store holds no timers of its own.
    },
  };
  return store;
}
