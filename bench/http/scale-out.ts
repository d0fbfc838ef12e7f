/**
 * Scale-out: 1, 2 and 4 application processes of one variant against one Redis, the load split across
 * them, with what each request costs the servers and Redis. Redis runs commands on one core, so its CPU
 * per request says how many requests one Redis core can serve however many servers there are.
 *
 * @packageDocumentation
 */
import { perOperation, type RedisCounters } from '../redis-cpu.js';
import { type Summary, summarise } from '../stats.js';
import { load, type Scenario } from './load.js';
import type { RunningServer } from './spawn.js';
import type { Variant } from './variants.js';

/** One variant at one number of processes under one scenario, over the repetitions. */
export interface ScaleFigure {
  /** `one Redis`, or `Cluster, 3 masters`. */
  redis: string;
  variant: Variant;
  processes: number;
  scenario: Scenario;
  /** All processes together. */
  requestsPerSecond: Summary;
  /** CPU of the server processes per request, in microseconds. */
  serverCpuMicros: Summary;
  /** Redis CPU per request, in microseconds. */
  redisCpuMicros: Summary;
  /** Redis commands per request (top-level and those run inside scripts), from the last repetition. */
  commands: string;
}

/**
 * Measure each variant with 1, 2, 4... processes, interleaved.
 * @param redis - what the processes use, for the report.
 * @param fleets - each variant's processes (as many as the largest count).
 * @param counts - the numbers of processes, e.g. `[1, 2, 4]`.
 * @param options - seconds per measurement, repetitions, connections in all.
 * @param counters - reads the counters of that Redis (every master of a Cluster, added up).
 * @param progress - receives a line per measurement.
 * @returns one figure per variant, count and scenario.
 */
export async function measureScaleOut(
  redis: string,
  fleets: ReadonlyMap<Variant, readonly RunningServer[]>,
  counts: readonly number[],
  options: { seconds: number; repetitions: number; connections: number; scenarios: readonly Scenario[] },
  counters: () => Promise<RedisCounters>,
  progress: (line: string) => void,
): Promise<ScaleFigure[]> {
  type Sample = { rps: number[]; cpu: number[]; redis: number[]; commands: string };
  const samples = new Map<string, Sample>();
  for (let r = 0; r < options.repetitions; r++) {
    for (const scenario of options.scenarios) {
      for (const processes of counts) {
        for (const [variant, fleet] of fleets) {
          const servers = fleet.slice(0, processes);
          const each = Math.max(1, Math.round(options.connections / processes));
          const cpu = async () =>
            (await Promise.all(servers.map((s) => s.cpuMicros()))).reduce((a, b) => a + b);
          const [cpuBefore, redisBefore] = [await cpu(), await counters()];
          const results = await Promise.all(servers.map((s) => load(s.url, scenario, each, options.seconds)));
          const [cpuAfter, redisAfter] = [await cpu(), await counters()];
          const requests = results.reduce((n, x) => n + x.requests, 0);
          const rps = results.reduce((n, x) => n + x.requestsPerSecond, 0);
          const spent = perOperation(redisBefore, redisAfter, requests);
          const k = `${variant}\u0000${processes}\u0000${scenario}`;
          const sample = samples.get(k) ?? { rps: [], cpu: [], redis: [], commands: '' };
          sample.rps.push(rps);
          sample.cpu.push((cpuAfter - cpuBefore) / Math.max(1, requests));
          sample.redis.push(spent.cpuMicros);
          sample.commands = [...spent.commands]
            .filter(([, c]) => c.calls >= 0.05)
            .sort((a, b) => b[1].calls - a[1].calls)
            .map(([name, c]) => `${name} ${c.calls.toFixed(2)}`)
            .join(', ');
          samples.set(k, sample);
          progress(
            `scale-out ${redis} ${r + 1}/${options.repetitions} ${scenario.padEnd(4)} ${processes} x ${variant.padEnd(24)} ` +
              `${Math.round(rps)} req/s, Redis ${spent.cpuMicros.toFixed(1)} us/req`,
          );
        }
      }
    }
  }
  return [...samples].map(([k, s]) => {
    const [variant, processes, scenario] = k.split('\u0000') as [Variant, string, Scenario];
    return {
      redis,
      variant,
      processes: Number(processes),
      scenario,
      requestsPerSecond: summarise(s.rps),
      serverCpuMicros: summarise(s.cpu),
      redisCpuMicros: summarise(s.redis),
      commands: s.commands,
    };
  });
}

/** A projection of the model for some application cores and Redis cores. */
export interface Projection {
  appCores: number;
  redisCores: number;
  requestsPerSecond: number;
  /** Which side saturates first. */
  bound: 'application' | 'Redis';
}

/**
 * The throughput model: `appCores` application processes, each on a core of its own, and `redisCores`
 * Redis cores (one per Cluster master, sessions spread evenly over the slots); each request costs the
 * measured CPU on each side, and the side that saturates first sets the rate.
 * @param serverCpuMicros - server CPU per request.
 * @param redisCpuMicros - Redis CPU per request.
 * @param appCores - application cores.
 * @param redisCores - Redis cores.
 * @returns the projected rate.
 */
export function project(
  serverCpuMicros: number,
  redisCpuMicros: number,
  appCores: number,
  redisCores: number,
): Projection {
  const app = (appCores * 1e6) / serverCpuMicros;
  const redis = (redisCores * 1e6) / redisCpuMicros;
  return {
    appCores,
    redisCores,
    requestsPerSecond: Math.min(app, redis),
    bound: app <= redis ? 'application' : 'Redis',
  };
}
