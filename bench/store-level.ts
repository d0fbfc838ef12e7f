/**
 * Store-level figures (PERF-2, PERF-3): sessions loaded and saved through the manager on the memory,
 * Redis and PostgreSQL adapters, beside the physical ceiling measured in the same run on the same
 * servers: raw ioredis `GET` + `SET`, `GET` + one `EVALSHA` compare-and-set, a bare `GET`; raw
 * node-postgres `SELECT` + `UPDATE`; and the peer, connect-pg-simple's `get` + `set`. On SQLite, the
 * manager beside connect-sqlite3's `get` + `set` and raw better-sqlite3 `SELECT` + `UPDATE`, each in a
 * WAL file of its own. Every figure holds a 1 KiB JSON payload per session, one session (or key) per
 * concurrent worker.
 *
 * @packageDocumentation
 */
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type session from 'express-session';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { createSessionManager, type SessionManager } from 'sessionspec';
import { createMemoryStore } from 'sessionspec/adapters/memory';
import { createRedisStore } from 'sessionspec/adapters/redis';
import {
  connectPgStore,
  connectSqliteStore,
  pgPool,
  postgresStore,
  sqliteFile,
  sqliteManager,
} from './http/backends.js';
import { PAYLOAD, seedSessions } from './payload.js';
import { type Summary, summarise } from './stats.js';

/** One store-level figure: operations per second over the rounds. */
export interface StoreFigure {
  op: string;
  concurrency: number;
  opsPerSecond: Summary;
  /** CPU time of this process per operation, in microseconds (Redis' own time not included). */
  cpuMicrosPerOp: Summary;
}

/** An operation under test, prepared for `concurrency` workers; `run(w)` is one operation of worker `w`. @internal */
export type Prepared = { run(worker: number): Promise<void> };
/** An operation under test. @internal */
export type Op = { name: string; prepare(concurrency: number): Promise<Prepared> };

/** The names of the operations, in report order. */
export const STORE_OPS = {
  memorySave: 'manager, memory: load + save',
  memoryLoad: 'manager, memory: load only',
  redisSave: 'manager, Redis: load + save',
  redisLoad: 'manager, Redis: load only',
  rawGetSet: 'raw ioredis GET + SET',
  rawCas: 'raw ioredis GET + EVALSHA CAS',
  rawGet: 'raw ioredis GET',
  postgresSave: 'manager, PostgreSQL: load + save',
  postgresLoad: 'manager, PostgreSQL: load only',
  pgSimple: 'connect-pg-simple get + set',
  rawPg: 'raw node-postgres SELECT + UPDATE',
  sqliteSave: 'manager, SQLite: load + save',
  sqliteLoad: 'manager, SQLite: load only',
  sqliteNormalSave: "manager, SQLite synchronous 'normal': load + save",
  sqlite3Store: 'connect-sqlite3 get + set',
  rawSqlite: 'raw better-sqlite3 SELECT + UPDATE',
} as const;

/** A compare-and-set on a `<version>|<json>` string: the least a safe write can cost in one round trip. */
const CAS_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if string.match(cur, '^(%d+)|') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2] .. '|' .. ARGV[3], 'PX', ARGV[4])
return 1`;

const TTL_MS = 30 * 60_000;

/** @internal The manager's two request shapes on one store. */
export function managerOps(
  label: 'memory' | 'Redis' | 'PostgreSQL' | 'SQLite',
  makeManager: () => SessionManager | Promise<SessionManager>,
): Op[] {
  const save = async (manager: SessionManager, token: string) => {
    const session = await manager.load(token);
    session.update('n', (n) => ((n as number | undefined) ?? 0) + 1);
    const { wrote } = await session.commit();
    if (!wrote) throw new Error('bench: load + save wrote nothing');
  };
  const load = async (manager: SessionManager, token: string) => {
    const session = await manager.load(token);
    if (session.get('payload') === undefined) throw new Error('bench: session lost its payload');
    await session.commit();
  };
  const op = (name: string, fn: typeof save): Op => ({
    name,
    async prepare(concurrency) {
      const manager = await makeManager();
      const tokens = await seedSessions(manager, concurrency);
      return { run: (w) => fn(manager, tokens[w]!) };
    },
  });
  const names: Record<typeof label, readonly [string, string]> = {
    memory: [STORE_OPS.memorySave, STORE_OPS.memoryLoad],
    Redis: [STORE_OPS.redisSave, STORE_OPS.redisLoad],
    PostgreSQL: [STORE_OPS.postgresSave, STORE_OPS.postgresLoad],
    SQLite: [STORE_OPS.sqliteSave, STORE_OPS.sqliteLoad],
  };
  const [saveName, loadName] = names[label];
  return [op(saveName, save), op(loadName, load)];
}

/** Distinct session ids across every peer figure of the run. @internal */
let peerGeneration = 0;

/**
 * @internal A peer store's `get` + `set` (what express-session does for a request that changes the
 * session; no condition: last writer wins), on a store made for each figure.
 */
function peerOp(name: string, makeStore: () => Promise<session.Store>): Op {
  const cookie = () => ({ originalMaxAge: TTL_MS, expires: new Date(Date.now() + TTL_MS), httpOnly: true });
  const call = <T>(run: (done: (error: unknown, value?: T) => void) => void) =>
    new Promise<T | undefined>((resolve, reject) =>
      run((error, value) => (error ? reject(error) : resolve(value))),
    );
  return {
    name,
    async prepare(concurrency) {
      peerGeneration += 1;
      const store = await makeStore();
      const ids = Array.from({ length: concurrency }, (_, w) => `bench-${peerGeneration}-${w}`);
      for (const id of ids)
        await call((done) => store.set(id, { cookie: cookie(), payload: PAYLOAD, n: 0 } as never, done));
      return {
        async run(w) {
          const id = ids[w]!;
          const data = (await call<{ n: number }>((done) => store.get(id, done as never)))!;
          data.n += 1;
          await call((done) => store.set(id, data as never, done));
        },
      };
    },
  };
}

/**
 * @internal The PostgreSQL peer and ceiling on the same server: connect-pg-simple's `get` + `set` (what
 * express-session does for a request that changes the session), and raw node-postgres `SELECT` +
 * `UPDATE` of a JSON text column (two round trips, no condition: the least any session can cost).
 */
function postgresOps(pool: pg.Pool): Op[] {
  let generation = 0;
  return [
    peerOp(STORE_OPS.pgSimple, async () => connectPgStore(pool)),
    {
      name: STORE_OPS.rawPg,
      async prepare(concurrency) {
        generation += 1;
        const table = `bench_raw_${generation}`;
        await pool.query(`CREATE TABLE "${table}" (id text PRIMARY KEY, data text NOT NULL)`);
        const value = JSON.stringify({ payload: PAYLOAD, n: 0 });
        const ids = Array.from({ length: concurrency }, (_, w) => `raw-${w}`);
        for (const id of ids) await pool.query(`INSERT INTO "${table}" VALUES ($1, $2)`, [id, value]);
        return {
          async run(w) {
            const id = ids[w]!;
            const { rows } = await pool.query(`SELECT data FROM "${table}" WHERE id = $1`, [id]);
            const data = JSON.parse(rows[0].data) as { n: number };
            data.n += 1;
            await pool.query(`UPDATE "${table}" SET data = $2 WHERE id = $1`, [id, JSON.stringify(data)]);
          },
        };
      },
    },
  ];
}

/**
 * @internal The SQLite peer and ceiling, each in a WAL file of its own with every commit synced:
 * connect-sqlite3's `get` + `set` (no condition: last writer wins), and raw better-sqlite3 `SELECT` +
 * `UPDATE` of a JSON text column (no condition, no transaction: the least any session can cost).
 */
function sqliteOps(): Op[] {
  let generation = 0;
  return [
    peerOp(STORE_OPS.sqlite3Store, () => connectSqliteStore(`connect-sqlite3-${++generation}`)),
    {
      name: STORE_OPS.rawSqlite,
      async prepare(concurrency) {
        generation += 1;
        const db = new Database(sqliteFile(`raw-${generation}`));
        db.pragma('journal_mode = WAL');
        // better-sqlite3 runs WAL with `synchronous = NORMAL` unless told: the same durability as the
        // store's default and connect-sqlite3's (sqlite3 keeps FULL in WAL) makes this the ceiling.
        db.pragma('synchronous = FULL');
        db.exec('CREATE TABLE raw (id TEXT PRIMARY KEY, data TEXT NOT NULL)');
        const select = db.prepare<[string], { data: string }>('SELECT data FROM raw WHERE id = ?');
        const update = db.prepare('UPDATE raw SET data = ? WHERE id = ?');
        const value = JSON.stringify({ payload: PAYLOAD, n: 0 });
        const ids = Array.from({ length: concurrency }, (_, w) => `raw-${w}`);
        for (const id of ids) db.prepare('INSERT INTO raw VALUES (?, ?)').run(id, value);
        return {
          async run(w) {
            const id = ids[w]!;
            const data = JSON.parse(select.get(id)!.data) as { n: number };
            data.n += 1;
            update.run(JSON.stringify(data), id);
          },
        };
      },
    },
  ];
}

/** @internal The raw ioredis ceiling: what any Redis-backed session must at least do. */
export function rawOps(client: Redis): Op[] {
  client.defineCommand('benchCas', { numberOfKeys: 1, lua: CAS_SCRIPT });
  const cas = (
    client as unknown as { benchCas: (...args: (string | number)[]) => Promise<number> }
  ).benchCas.bind(client);
  let generation = 0;
  const keysFor = async (concurrency: number, versioned: boolean) => {
    generation += 1;
    const keys = Array.from({ length: concurrency }, (_, w) => `bench:raw:${generation}:${w}`);
    const value = JSON.stringify({ payload: PAYLOAD, n: 0 });
    for (const key of keys) await client.set(key, versioned ? `1|${value}` : value, 'PX', TTL_MS);
    return keys;
  };
  return [
    {
      name: STORE_OPS.rawGetSet,
      async prepare(concurrency) {
        const keys = await keysFor(concurrency, false);
        return {
          async run(w) {
            const key = keys[w]!;
            const value = JSON.parse((await client.get(key))!) as { n: number };
            value.n += 1;
            await client.set(key, JSON.stringify(value), 'PX', TTL_MS);
          },
        };
      },
    },
    {
      name: STORE_OPS.rawCas,
      async prepare(concurrency) {
        const keys = await keysFor(concurrency, true);
        return {
          async run(w) {
            const key = keys[w]!;
            const raw = (await client.get(key))!;
            const bar = raw.indexOf('|');
            const version = Number(raw.slice(0, bar));
            const value = JSON.parse(raw.slice(bar + 1)) as { n: number };
            value.n += 1;
            const ok = await cas(key, String(version), String(version + 1), JSON.stringify(value), TTL_MS);
            if (ok !== 1) throw new Error('bench: raw compare-and-set lost its own key');
          },
        };
      },
    },
    {
      name: STORE_OPS.rawGet,
      async prepare(concurrency) {
        const keys = await keysFor(concurrency, false);
        return {
          async run(w) {
            const value = JSON.parse((await client.get(keys[w]!))!) as { payload?: unknown };
            if (value.payload === undefined) throw new Error('bench: raw key lost its payload');
          },
        };
      },
    },
  ];
}

/**
 * Run `prepared` from `concurrency` workers for `ms` milliseconds after a warm-up of a fifth of that.
 * @param pace - one at a time only: operations per second to hold to (each starts no earlier than its
 *   turn, the wait spent spinning so the process stays as busy as an unpaced one); unpaced when absent.
 * @returns operations per second and CPU microseconds of this process per operation.
 * @internal
 */
export async function throughput(
  prepared: Prepared,
  concurrency: number,
  ms: number,
  pace?: number,
): Promise<{ rate: number; cpu: number }> {
  if (pace !== undefined && concurrency !== 1) throw new RangeError('bench: only one worker can be paced');
  const drive = async (until: number, count: { n: number }) => {
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, w) => {
        for (let i = 1; performance.now() < until; i++) {
          await prepared.run(w);
          count.n += 1;
          if (pace !== undefined) while (performance.now() < start + (i * 1000) / pace);
        }
      }),
    );
  };
  await drive(performance.now() + ms / 5, { n: 0 });
  const count = { n: 0 };
  const cpu = process.cpuUsage();
  const start = performance.now();
  await drive(start + ms, count);
  const used = process.cpuUsage(cpu);
  return {
    rate: count.n / ((performance.now() - start) / 1000),
    cpu: (used.user + used.system) / Math.max(1, count.n),
  };
}

/**
 * Measure every store-level figure, the operations interleaved within each round.
 * @param options - the Redis port, milliseconds per figure, rounds, and a progress callback.
 * @returns one figure per operation and concurrency.
 */
export async function runStoreLevel(options: {
  redisPort: number;
  postgresUrl: string;
  ms: number;
  rounds: number;
  progress(line: string): void;
}): Promise<StoreFigure[]> {
  const client = new Redis({ port: options.redisPort, host: '127.0.0.1', lazyConnect: true });
  await client.connect();
  // One pool for every PostgreSQL figure, sessionspec's, the peer's and the raw one alike.
  const pool = pgPool(options.postgresUrl);
  let prefix = 0;
  const ops: Op[] = [
    ...managerOps('memory', () => createSessionManager({ store: createMemoryStore() })),
    ...managerOps('Redis', () =>
      createSessionManager({ store: createRedisStore({ client, prefix: `bench:store:${++prefix}` }) }),
    ),
    ...rawOps(client),
    ...managerOps('PostgreSQL', async () =>
      createSessionManager({ store: await postgresStore(pool, `bench_store_${++prefix}`) }),
    ),
    ...postgresOps(pool),
    ...managerOps('SQLite', () => sqliteManager(`store-${++prefix}`)),
    {
      name: STORE_OPS.sqliteNormalSave,
      prepare: managerOps('SQLite', () => sqliteManager(`store-${++prefix}`, 'normal'))[0]!.prepare,
    },
    ...sqliteOps(),
  ];
  const samples = new Map<string, { rate: number[]; cpu: number[] }>();
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const concurrency of [1, 50]) {
        for (const op of ops) {
          const prepared = await op.prepare(concurrency);
          const { rate, cpu } = await throughput(prepared, concurrency, options.ms);
          const key = `${op.name}\u0000${concurrency}`;
          const sample = samples.get(key) ?? { rate: [], cpu: [] };
          sample.rate.push(rate);
          sample.cpu.push(cpu);
          samples.set(key, sample);
          options.progress(
            `store round ${round}/${options.rounds} c${concurrency} ${op.name}: ${Math.round(rate)} ops/s, ` +
              `${cpu.toFixed(1)} us CPU/op`,
          );
        }
      }
    }
  } finally {
    client.disconnect();
    await pool.end();
  }
  return [...samples].map(([key, sample]) => {
    const [op, concurrency] = key.split('\u0000') as [string, string];
    return {
      op,
      concurrency: Number(concurrency),
      opsPerSecond: summarise(sample.rate),
      cpuMicrosPerOp: summarise(sample.cpu),
    };
  });
}
