/**
 * The Redis session store, on the application's client (ioredis or node-redis): one Lua script per
 * operation, a user index kept exactly on a single node and as a superset on Redis Cluster. This file
 * holds what is the same everywhere (options, the record operations and their outcomes, locks,
 * inspection); `single-node.ts` and `cluster.ts` hold what differs, `driver.ts` what differs by client.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { startupSnapshot } from 'node:v8';
import type {
  CreateResult,
  PageRequest,
  ReadResult,
  SessionLocks,
  SessionRecord,
  SessionStore,
  StoreContents,
  StoreInspection,
  UserPage,
  UserStep,
  WriteResult,
} from '../../spec/contract.js';
import { decodeRecord, encodeRecord, readResultOf, STORE_CONTRACT, writeIdOf } from '../../spec/contract.js';
import { refuseUnknownOptions, TTL_ADVICE } from '../shared/options.js';
import { cluster, splitField } from './cluster.js';
import { type CoreSettings, redisCore, scanStepOf } from './core.js';
import { driverFor, type RedisClient } from './driver.js';
import { isValidPrefix, keyLayout } from './keys.js';
import { singleNode } from './single-node.js';
import { jsonOf, recordValue, TOKEN_LENGTH } from './value.js';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /**
   * The application's client: an ioredis 5.x or 6.x `Redis` (single node, Sentinel) or `Cluster`, or a
   * node-redis 4.x, 5.x or 6.x client or cluster (`createClient`, `createCluster`), or a 5.x or 6.x pool
   * or Sentinel client (`createClientPool`, `createSentinel`), connected. Connection, TLS, ACL and retry
   * settings stay the application's; the store never closes it. Give it a bounded command timeout and
   * no offline queue so that an outage fails fast (SEC-2; `docs/redis.md` shows each client's
   * settings). An ioredis `keyPrefix` must be unset: use {@link RedisStoreOptions.prefix} instead.
   */
  client: RedisClient;
  /** Prefix of every key the store writes; no `{` or `}`. Defaults to `'sessionspec'`. */
  prefix?: string;
  /**
   * The shortest garbage-collection TTL Redis is given, in milliseconds (ST-3). Expiry is decided
   * against the `now` passed in; the TTL only lets Redis drop what nobody purged, so it must outlast any
   * clock skew between application instances. Defaults to 3 600 000 (one hour).
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
    readonly contract: 2;
    readonly locks: true;
    readonly inspection: true;
    readonly userIndex: 'exact' | 'superset';
  };
  /** Pessimistic locks with an owner token and a TTL (CC-5). */
  readonly locks: SessionLocks;
  /** Every key under the prefix, found by SCAN on every master (ST-5); planting corrupt bytes (SEC-3). */
  readonly inspection: Required<StoreInspection>;
}

const DEFAULTS = {
  prefix: 'sessionspec',
  // ST-3: at least an hour, so clock skew between application servers never lets Redis collect a
  // record another server still considers live.
  ttlFloorMs: 3_600_000,
  ttlSlackMs: 60_000,
  commandTimeoutMs: 5_000,
  claimGraceMs: 30_000,
  purgeBatch: 500,
} as const;

/**
 * This process's part of the user-index tokens: 72 random bits, base64url (no `:`), drawn on first use
 * and drawn again after a startup snapshot is written, so processes started from one snapshot never
 * share it. @internal
 */
let tokenPrefix: string | undefined;
let tokenCount = 0;
if (startupSnapshot?.isBuildingSnapshot()) {
  startupSnapshot.addSerializeCallback(() => {
    tokenPrefix = undefined;
  });
}

/**
 * A fresh user-index token, unique across processes (the random prefix) and within one (the counter),
 * without a CSPRNG call per write: it only tells two bindings of one session apart, it is no secret.
 * Always {@link TOKEN_LENGTH} characters, so a write keeping the stored token patches it in place.
 * @internal
 */
function newToken(): string {
  tokenCount += 1;
  tokenPrefix ??= randomBytes(9).toString('base64url');
  return `${tokenPrefix}${tokenCount.toString(36).padStart(TOKEN_LENGTH - tokenPrefix.length, '0')}`;
}

/** The options {@link createRedisStore} takes. @internal */
const STORE_OPTIONS = [
  'client',
  'prefix',
  'ttlFloorMs',
  'ttlSlackMs',
  'commandTimeoutMs',
  'claimGraceMs',
  'purgeBatch',
] as const;

/** connect-redis' options, and what to write instead. @internal */
const CONNECT_REDIS: Readonly<Record<string, string>> = {
  ttl: TTL_ADVICE,
  disableTouch: 'touches are throttled already (`touchEvery` on createSessionManager)',
  disableTTL: "every key has a TTL from the record's own deadline (ST-3)",
  scanCount: 'remove it: the user index answers per-user listing, no SCAN runs',
  serializer: 'records are JSON, encoded by sessionspec: remove `serializer`',
};

/**
 * Whether `error` is Redis's WRONGTYPE reply, as either client reports it: the key holds another type.
 * @internal
 */
function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('WRONGTYPE');
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
 * The options with their defaults, checked.
 * @throws TypeError when one is out of range.
 * @internal
 */
function settingsOf(options: RedisStoreOptions): CoreSettings {
  const settings = {
    prefix: options.prefix ?? DEFAULTS.prefix,
    ttlFloorMs: options.ttlFloorMs ?? DEFAULTS.ttlFloorMs,
    ttlSlackMs: options.ttlSlackMs ?? DEFAULTS.ttlSlackMs,
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs,
    claimGraceMs: options.claimGraceMs ?? DEFAULTS.claimGraceMs,
    purgeBatch: options.purgeBatch ?? DEFAULTS.purgeBatch,
  };
  if (!isValidPrefix(settings.prefix)) {
    throw new TypeError('createRedisStore: `prefix` must be a non-empty string without `{` or `}`');
  }
  checkMs('ttlFloorMs', settings.ttlFloorMs, 1);
  checkMs('ttlSlackMs', settings.ttlSlackMs, 0);
  if (settings.commandTimeoutMs !== false) checkMs('commandTimeoutMs', settings.commandTimeoutMs, 1);
  checkMs('claimGraceMs', settings.claimGraceMs, 0);
  checkMs('purgeBatch', settings.purgeBatch, 1);
  return settings;
}

/**
 * Create a session store on the application's Redis client. Every core operation is one Lua script,
 * one round trip, atomic on the server; on Redis Cluster an operation that changes which user a
 * session is filed under also touches the user's slot, in a second step (see `docs/redis.md`).
 *
 * @param options - the client and the key layout; see {@link RedisStoreOptions}.
 * @returns a store with locks and inspection; its user index is exact on a single node and a superset
 *   on Cluster.
 * @throws TypeError when the client is none of the supported ones, is an ioredis client with a
 *   `keyPrefix`, or an option is out of range.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createRedisStore } from 'sessionspec/adapters/redis';
 *
 * const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true, commandOptions: { timeout: 2000 } });
 * await client.connect();
 * const store = createRedisStore({ client, prefix: 'myapp:sess' });
 * await store.create(record, Date.now()); // 'ok'
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const driver = driverFor(options?.client);
  refuseUnknownOptions('createRedisStore', options, STORE_OPTIONS, CONNECT_REDIS);
  const settings = settingsOf(options);
  const { prefix } = settings;
  const core = redisCore(driver, keyLayout(prefix), settings);
  const { keys } = core;
  const topology = driver.cluster ? cluster(core) : singleNode(core);
  const { mode } = topology;

  const store: RedisStore = {
    supports: {
      contract: STORE_CONTRACT,
      locks: true,
      inspection: true,
      userIndex: topology.userIndex,
    },

    async create(record: SessionRecord, now: number, encoded?: string): Promise<CreateResult> {
      const userId = typeof record.userId === 'string' ? record.userId : '';
      const token = userId === '' ? '' : newToken();
      const key = keys.record(record.sessionId);
      const ttl = core.ttlFor(record.expiresAt, now);
      const value = recordValue(
        encoded ?? encodeRecord(record),
        record.expiresAt,
        Math.floor(now + ttl),
        writeIdOf(record),
        token,
        userId,
      );
      // Cluster: the index entry comes first, so the index is a superset at every instant.
      if (userId !== '') await topology.claim(userId, token, record.sessionId, now);
      // An anonymous session, and any on Cluster, is the record alone: one plain command. A single node
      // files a bound one under its user in the same step.
      const created =
        mode === '0' || userId === ''
          ? (await core.command(key, 'SET', key, value, 'NX', 'PX', String(ttl))) !== null
          : (await core.run('create', key, value, userId, token, ttl, prefix, record.sessionId, now)) === 1;
      if (created) return 'ok';
      // ID-4: a collision never overwrites; the entry claimed for it goes again (ST-5).
      if (userId !== '') await topology.unclaim(userId, token, record.sessionId);
      return 'exists';
    },

    async read(sessionId: string, now: number): Promise<ReadResult> {
      const key = keys.record(sessionId);
      let value: unknown;
      try {
        value = await core.command(key, 'GET', key);
      } catch (error) {
        // A hash stored by an earlier version, or a key of another type (SEC-3): the script tells them apart.
        if (!isWrongType(error)) throw error;
        const found = await core.run('read', key);
        if (found === null) return null;
        return Array.isArray(found) ? readResultOf(String(found[0]), now) : 'corrupt';
      }
      if (value === null) return null;
      const json = jsonOf(String(value));
      return json === undefined ? 'corrupt' : readResultOf(json, now);
    },

    async write(
      record: SessionRecord,
      expected: string,
      now: number,
      encoded?: string,
    ): Promise<WriteResult> {
      const userId = typeof record.userId === 'string' ? record.userId : '';
      const token = newToken();
      const json = encoded ?? encodeRecord(record);
      // ST-3: the TTL is extended to a coarse instant, so most writes find it far enough already.
      const collectAt = core.collectAt(record.expiresAt, now);
      const attempt = (claimed: boolean) =>
        core
          .run(
            'write',
            keys.record(record.sessionId),
            recordValue(
              json,
              record.expiresAt,
              collectAt,
              writeIdOf(record),
              userId === '' ? '' : token,
              userId,
            ),
            expected,
            now,
            record.version,
            userId,
            token,
            // The topology's mode, or 'c' once the entry is claimed in the user's slot (Cluster).
            claimed ? 'c' : mode,
            collectAt,
          )
          .then((reply) => (Array.isArray(reply) ? reply : [reply]) as [string, string?, string?]);
      let [outcome, releaseUser = '', releaseToken = ''] = await attempt(false);
      if (outcome === 'claim') {
        // Cluster, binding or switching the user: file the session under the new user first, then
        // commit; a commit that fails takes its entry back.
        await topology.claim(userId, token, record.sessionId, now);
        [outcome, releaseUser = '', releaseToken = ''] = await attempt(true);
        if (outcome !== 'ok') await topology.unclaim(userId, token, record.sessionId);
      }
      // Cluster: the previous user's entry goes right after the commit, within this call (ST-5).
      if (outcome === 'ok' && releaseUser !== '') {
        await topology.unclaim(releaseUser, releaseToken, record.sessionId);
      }
      return outcome as WriteResult;
    },

    async destroy(sessionId: string): Promise<boolean> {
      const [deleted, userId = '', token = ''] = (await core.run(
        'destroy',
        keys.record(sessionId),
        mode,
        prefix,
        sessionId,
      )) as [number, string?, string?];
      if (userId !== '') await topology.unclaim(userId, token, sessionId);
      return deleted === 1;
    },

    async listByUser(userId: string, now: number, page?: PageRequest): Promise<UserPage> {
      const { json, cursor } = await topology.listByUser(userId, now, scanStepOf(page));
      const records: SessionRecord[] = [];
      for (const bytes of json) {
        const record = decodeRecord(bytes);
        // The manager upgrades a previous-format record when it loads it (ST-7); the store only decodes.
        if (record !== undefined && now < record.expiresAt) records.push(record as SessionRecord);
      }
      return { records, cursor };
    },

    async destroyByUser(userId: string, except: readonly string[], page?: PageRequest): Promise<UserStep> {
      return topology.destroyByUser(userId, except, scanStepOf(page));
    },

    purgeExpired: (now: number): Promise<number> => topology.purgeExpired(now),

    locks: {
      async acquire(name: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
        const until = now + ttlMs;
        const taken = await core.run(
          'acquire',
          keys.lock(name),
          owner,
          until,
          now,
          core.ttlFor(until, now),
          mode,
          prefix,
          name,
        );
        return taken === 1;
      },
      async release(name: string, owner: string): Promise<boolean> {
        return (await core.run('release', keys.lock(name), owner, mode, prefix, name)) === 1;
      },
    },

    inspection: {
      async contents(): Promise<StoreContents> {
        const all = await core.scan();
        const records: string[] = [];
        const userIndex: { [userId: string]: string[] } = {};
        let locks = 0;
        for (const key of all) {
          const parsed = keys.parse(key);
          if (parsed.kind === 'record') records.push(parsed.id);
          else if (parsed.kind === 'lock') locks += 1;
          else if (parsed.kind === 'user') {
            const fields = (await core.command(key, 'HKEYS', key)) as string[];
            // defineProperty: a user named `__proto__` is listed as data, not turned into a prototype.
            Object.defineProperty(userIndex, parsed.id, {
              value: [...new Set(fields.map((field) => splitField(String(field)).sessionId))],
              enumerable: true,
              writable: true,
              configurable: true,
            });
          }
        }
        return { records, userIndex, locks, keys: all };
      },
      async corrupt(sessionId: string): Promise<void> {
        // SEC-3: the JSON no longer decodes; the fields after it, and so the index entry, stay.
        const key = keys.record(sessionId);
        const bad = '{"format":3,"sessionId":';
        let value: unknown;
        try {
          value = await core.command(key, 'GET', key);
        } catch (error) {
          if (!isWrongType(error)) throw error;
          await core.command(key, 'HSET', key, 'r', bad);
          return;
        }
        const text = String(value ?? '');
        await core.command(key, 'SET', key, bad + text.slice(Math.max(0, text.indexOf('\n'))), 'KEEPTTL');
      },
    },

    async close(): Promise<void> {
      // The client is the application's: it stays open. The store holds no timers of its own.
    },
  };
  return store;
}
