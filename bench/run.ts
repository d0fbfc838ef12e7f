/**
 * `npm run bench`: every figure of the benchmark in one run, then the report.
 *
 *   npm run bench                 12 repetitions x 2 s of each group side by side; writes docs/benchmarks.md
 *   npm run bench -- --quick      a smoke test in about three minutes; prints only
 *
 * It starts its own Redis (redis-server from PATH), its own PostgreSQL (Debian's postgresql package)
 * and one server process per HTTP variant, and stops them all at the end. The exit code is 1 when a
 * target is missed (`targets.ts`); a quick run judges only that no sessionspec variant lost an update
 * or resurrected a session.
 *
 * @packageDocumentation
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { startPostgresServer } from '../test/postgres-server.js';
import { startRedisCluster } from '../test/redis-cluster.js';
import { startRedisServer } from '../test/redis-server.js';
import { type FloorCosts, measureHashMicros } from './floors.js';
import { pgPool, type RedisAddress } from './http/backends.js';
import { countLostUpdates, countResurrections } from './http/contention.js';
import { load } from './http/load.js';
import {
  type Measurement,
  measureGroups,
  measurementsOf,
  type Repetition,
  SCENARIOS,
} from './http/paired.js';
import { countBlockedLogins, countSharedIncrements } from './http/progress.js';
import { measureScaleOut, type ScaleFigure } from './http/scale-out.js';
import { type RunningServer, startServer } from './http/spawn.js';
import { groupsFor, hasSessions, SCALE_OUT, VARIANTS, type Variant } from './http/variants.js';
import { machineFacts } from './machine.js';
import { runMemory } from './memory/index.js';
import { parseOptions } from './options.js';
import { runRedisCost } from './redis-cost.js';
import { addCounters, type RedisCounters, redisCounters } from './redis-cpu.js';
import {
  type BenchResults,
  type ContentionFigure,
  type HttpFigure,
  type ProgressFigure,
  renderReport,
} from './report.js';
import { summarise } from './stats.js';
import { runStoreLevel, STORE_OPS, type StoreFigure } from './store-level.js';
import { checkTargets, missed } from './targets.js';

const started = performance.now();
const options = parseOptions(process.argv.slice(2), process.env);
const progress = (line: string) =>
  process.stderr.write(`[${Math.round((performance.now() - started) / 1000)} s] ${line}\n`);
const variants: Variant[] = VARIANTS.filter((v) => options.only.length === 0 || options.only.includes(v));
const unknown = options.only.filter((v) => !(VARIANTS as readonly string[]).includes(v));
if (unknown.length > 0)
  throw new TypeError(`unknown variant(s) ${unknown.join(', ')}; known: ${VARIANTS.join(', ')}`);
const runs = (part: string) => !options.skip.includes(part);

const redis = await startRedisServer();
const postgres = await startPostgresServer();
const servers = new Map<Variant, RunningServer>();
// Whatever happens, no server, Redis or PostgreSQL outlives the run.
const stopAll = async () => {
  await Promise.allSettled([...servers.values()].map((s) => s.stop()));
  servers.clear();
  await Promise.allSettled([redis.stop(), postgres.stop()]);
};
process.once('SIGINT', () => {
  void stopAll().then(() => process.exit(130));
});

try {
  const client = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
  await client.connect();
  const pool = pgPool(postgres.url);
  const { rows } = await pool.query('SHOW server_version');
  await pool.end();
  const facts = await machineFacts(client, String(rows[0]?.server_version ?? '?'));
  client.disconnect();
  progress(
    `sessionspec benchmark: ${facts.cores} x ${facts.cpu}, Node ${facts.node}, Redis ${facts.redis}, PostgreSQL ${facts.postgres}`,
  );

  const store = runs('store')
    ? await runStoreLevel({
        redisPort: redis.port,
        postgresUrl: postgres.url,
        ms: options.storeMs,
        rounds: options.rounds,
        progress,
      })
    : [];

  const floorCosts = floorCostsOf(store);
  const redisCost = runs('redis')
    ? await runRedisCost({
        redisPort: redis.port,
        ms: options.redisMs,
        repetitions: options.redisRepetitions,
        concurrencies: [1, 50],
        progress,
      })
    : { figures: [], pairs: [] };

  const http: HttpFigure[] = [];
  let repetitions: Repetition[] = [];
  const contention: ContentionFigure[] = [];
  const groups = groupsFor(options.only.length > 0 ? variants : []);
  const measured = [...new Set(groups.flat())];
  const needed = variants.filter(
    (v) => (runs('contention') && hasSessions(v)) || (runs('http') && measured.includes(v)),
  );
  if (needed.length > 0) progress(`starting ${needed.length} server processes`);
  for (const variant of needed)
    servers.set(variant, await startServer(variant, redis.port, postgres.url, options.cpuProfDir));
  const monitor = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
  await monitor.connect();
  if (runs('http')) {
    repetitions = await measureGroups(servers, groups, options, progress);
    for (const variant of measured) {
      for (const scenario of SCENARIOS) {
        const all = measurementsOf(repetitions, variant, scenario);
        const sum = (f: (m: Measurement) => number) => all.reduce((n, m) => n + f(m), 0);
        http.push({
          variant,
          scenario,
          requestsPerSecond: summarise(all.map((m) => m.requestsPerSecond)),
          serverCpuMicros: summarise(all.map((m) => m.serverCpuMicros)),
          non2xx: sum((m) => m.non2xx),
          errors: sum((m) => m.errors),
          misses: sum((m) => m.misses),
        });
      }
    }
  }
  if (runs('contention')) {
    for (const variant of variants.filter(hasSessions)) {
      const { url } = servers.get(variant)!;
      const lost = await countLostUpdates(url, {
        sessions: options.contentionSessions,
        requests: options.contentionRequests,
        delayMs: options.contentionDelayMs,
      });
      const races = await countResurrections(url, options.raceTrials);
      contention.push({ variant, lost, races });
      progress(
        `contention ${variant.padEnd(28)} lost ${lost.lost} of ${lost.succeeded}, ` +
          `resurrected ${races.resurrected} of ${races.trials}`,
      );
    }
  }
  const headway: ProgressFigure[] = [];
  const twice: Variant = 'sessionspec-node-redis';
  if (runs('contention') && servers.has(twice)) {
    // CC-2: two processes of one variant on one Redis, the second started for these figures only.
    const began = performance.now();
    const second = await startServer(twice, redis.port, postgres.url, options.cpuProfDir);
    try {
      const urls = [servers.get(twice)!.url, second.url] as const;
      const logins = await countBlockedLogins(urls[0], urls[1], {
        trials: options.loginTrials,
        writers: options.loginWriters,
      });
      const increments = await countSharedIncrements(urls, {
        total: options.sharedIncrements,
        connections: options.sharedConnections,
      });
      headway.push({ variant: twice, logins, increments });
      progress(
        `progress ${twice}: ${logins.conflicts} of ${logins.trials} logins CONFLICT ` +
          `(median ${logins.medianMs} ms), ${increments.conflicts} of ${increments.attempted} ` +
          `increments CONFLICT, ${increments.lost} lost, in ${((performance.now() - began) / 1000).toFixed(1)} s`,
      );
    } finally {
      await second.stop();
    }
  }
  const scaleOut = runs('scale') ? await scaleOutFigures(monitor) : [];
  monitor.disconnect();
  await Promise.allSettled([...servers.values()].map((s) => s.stop()));
  servers.clear();

  const memory = runs('memory') ? await runMemory(redis.port, options.memorySessions) : [];
  if (memory.length > 0) progress('memory figures done');

  const results: BenchResults = {
    options,
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(
      ' ',
    ),
    facts,
    store,
    http,
    repetitions,
    redisCost,
    scaleOut,
    floorCosts,
    contention,
    progress: headway,
    memory,
    seconds: (performance.now() - started) / 1000,
  };
  const report = renderReport(results);
  console.log(report);
  if (options.out !== null) {
    writeFileSync(options.out, `${report}\n`);
    progress(`written to ${options.out}`);
  }
  const failed = missed(checkTargets(results), options.quick);
  for (const check of failed) progress(`FAIL: ${check.what}: ${check.measured}, target ${check.target}`);
  if (failed.length > 0) process.exitCode = 1;
} finally {
  await stopAll();
}

/**
 * The scale-out figures: the first process of each variant is the one already measured, the others
 * start (and warm up) for these figures only.
 */
async function scaleOutFigures(monitor: Redis): Promise<ScaleFigure[]> {
  const figures = await scaleOutOn('one Redis', redis.port, () => redisCounters(monitor));
  if (!options.scaleCluster) return figures;
  const cluster = await startRedisCluster();
  const masters = cluster.nodes.map((n) => new Redis({ ...n, lazyConnect: true }));
  try {
    await Promise.all(masters.map((m) => m.connect()));
    const ports = cluster.nodes.map((n) => n.port);
    const counters = async () => addCounters(await Promise.all(masters.map(redisCounters)));
    return [...figures, ...(await scaleOutOn('Cluster, 3 masters', ports, counters))];
  } finally {
    for (const m of masters) m.disconnect();
    await cluster.stop();
  }
}

/**
 * The scale-out figures on one Redis or Cluster: on the single Redis the first process of each variant
 * is the one already measured; the others start (and warm up) for these figures only.
 */
async function scaleOutOn(
  label: string,
  at: RedisAddress,
  counters: () => Promise<RedisCounters>,
): Promise<ScaleFigure[]> {
  const most = Math.max(...options.scaleCounts);
  const fleets = new Map<Variant, RunningServer[]>();
  const extra: RunningServer[] = [];
  try {
    for (const variant of SCALE_OUT) {
      const known = at === redis.port ? servers.get(variant) : undefined;
      const fleet = known === undefined ? [] : [known];
      while (fleet.length < most) {
        const server = await startServer(variant, at, postgres.url, null);
        fleet.push(server);
        extra.push(server);
      }
      fleets.set(variant, fleet);
    }
    for (const scenario of SCENARIOS)
      await Promise.all(extra.map((s) => load(s.url, scenario, 10, options.warmupSeconds)));
    return await measureScaleOut(
      label,
      fleets,
      options.scaleCounts,
      {
        seconds: options.scaleSeconds,
        repetitions: options.scaleRepetitions,
        connections: options.connections,
        scenarios: SCENARIOS,
      },
      counters,
      progress,
    );
  } finally {
    await Promise.allSettled(extra.map((s) => s.stop()));
  }
}

/** The component costs of the floors, from the store-level figures, when they were measured. */
function floorCostsOf(store: readonly StoreFigure[]): FloorCosts | null {
  const cpu = (op: string) => store.find((f) => f.op === op && f.concurrency === 50)?.cpuMicrosPerOp.median;
  const [cas, set] = [cpu(STORE_OPS.rawCas), cpu(STORE_OPS.rawGetSet)];
  if (cas === undefined || set === undefined) return null;
  return { hash: measureHashMicros(), casOverSet: Math.max(0, cas - set) };
}
