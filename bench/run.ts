/**
 * `npm run bench`: every figure of the benchmark in one run, then the report.
 *
 *   npm run bench                 3 rounds x 5 s per HTTP figure; writes docs/benchmarks.md
 *   npm run bench -- --quick      a smoke test in a minute or two; prints only
 *
 * It starts its own Redis (redis-server from PATH), its own PostgreSQL (Debian's postgresql package)
 * and one server process per HTTP variant, and stops them all at the end. The exit code is 1 when a sessionspec variant lost an update or resurrected a
 * session: the only thing a quick run judges.
 *
 * @packageDocumentation
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { startPostgresServer } from '../test/postgres-server.js';
import { startRedisServer } from '../test/redis-server.js';
import { pgPool } from './http/backends.js';
import { countLostUpdates, countResurrections } from './http/contention.js';
import { load, type Scenario } from './http/load.js';
import { countBlockedLogins, countSharedIncrements } from './http/progress.js';
import { type RunningServer, startServer } from './http/spawn.js';
import { hasSessions, isSessionspec, VARIANTS, type Variant } from './http/variants.js';
import { machineFacts } from './machine.js';
import { runMemory } from './memory/index.js';
import { parseOptions } from './options.js';
import {
  type BenchResults,
  type ContentionFigure,
  type HttpFigure,
  type ProgressFigure,
  renderReport,
} from './report.js';
import { summarise } from './stats.js';
import { runStoreLevel } from './store-level.js';

const started = performance.now();
const options = parseOptions(process.argv.slice(2), process.env);
const progress = (line: string) => process.stderr.write(`${line}\n`);
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

  const http: HttpFigure[] = [];
  const contention: ContentionFigure[] = [];
  if (runs('http') || runs('contention')) {
    progress(`starting ${variants.length} server processes`);
    for (const variant of variants)
      servers.set(variant, await startServer(variant, redis.port, postgres.url, options.cpuProfDir));
  }
  if (runs('http')) {
    const monitor = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
    await monitor.connect();
    const redisCpuMicros = async () => {
      const info = await monitor.info('cpu');
      const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
      return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6;
    };
    type Sample = {
      rps: number[];
      cpu: number[];
      redisCpu: number[];
      non2xx: number;
      errors: number;
      misses: number;
    };
    const samples = new Map<string, Sample>();
    for (let round = 1; round <= options.rounds; round++) {
      for (const scenario of ['read', 'incr'] as Scenario[]) {
        for (const variant of variants) {
          const server = servers.get(variant)!;
          if (round === 1) await load(server.url, scenario, options.connections, options.warmupSeconds);
          const [cpuBefore, redisBefore] = [await server.cpuMicros(), await redisCpuMicros()];
          const result = await load(server.url, scenario, options.connections, options.seconds);
          const [cpuAfter, redisAfter] = [await server.cpuMicros(), await redisCpuMicros()];
          const key = `${variant} ${scenario}`;
          const sample = samples.get(key) ?? {
            rps: [],
            cpu: [],
            redisCpu: [],
            non2xx: 0,
            errors: 0,
            misses: 0,
          };
          sample.rps.push(result.requestsPerSecond);
          sample.cpu.push((cpuAfter - cpuBefore) / Math.max(1, result.requests));
          sample.redisCpu.push((redisAfter - redisBefore) / Math.max(1, result.requests));
          sample.non2xx += result.non2xx;
          sample.errors += result.errors;
          // The bare frameworks have no session to miss.
          if (hasSessions(variant)) sample.misses += result.misses;
          samples.set(key, sample);
          progress(
            `http round ${round}/${options.rounds} ${scenario.padEnd(4)} ${variant.padEnd(28)} ` +
              `${Math.round(result.requestsPerSecond)} req/s, ${Math.round(sample.cpu.at(-1)!)} us CPU/req` +
              (result.non2xx + result.errors > 0
                ? ` (${result.non2xx} non-2xx, ${result.errors} errors)`
                : ''),
          );
        }
      }
    }
    monitor.disconnect();
    for (const variant of variants) {
      for (const scenario of ['read', 'incr'] as Scenario[]) {
        const s = samples.get(`${variant} ${scenario}`)!;
        http.push({
          variant,
          scenario,
          requestsPerSecond: summarise(s.rps),
          serverCpuMicros: summarise(s.cpu),
          redisCpuMicros: summarise(s.redisCpu),
          non2xx: s.non2xx,
          errors: s.errors,
          misses: s.misses,
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
  const broken = [
    ...contention.filter((c) => isSessionspec(c.variant) && (c.lost.lost > 0 || c.races.resurrected > 0)),
    ...headway.filter((p) => p.increments.lost > 0),
  ];
  if (broken.length > 0) {
    progress(
      `FAIL: sessionspec lost updates or resurrected sessions in ${broken.map((c) => c.variant).join(', ')}`,
    );
    process.exitCode = 1;
  }
} finally {
  await stopAll();
}
