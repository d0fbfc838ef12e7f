/**
 * Redis' own CPU per session operation, sessionspec's beside the least the same operation can cost:
 * a load + increment + save beside a raw `GET` + one `EVALSHA` of a minimal compare-and-set, and a
 * load beside a bare `GET` of a value of the record's size (the record is one string, so a bare `GET`
 * is the least a read can be). Each pair is measured back to back,
 * many times, from one ioredis client of this process, and the ratio is taken within each pair.
 *
 * @packageDocumentation
 */
import { Redis } from 'ioredis';
import { createSessionManager } from 'sessionspec';
import { createRedisStore } from 'sessionspec/adapters/redis';
import { type CommandCount, perOperation, redisCounters } from './redis-cpu.js';
import { type Summary, summarise } from './stats.js';
import { managerOps, type Op, rawOps, STORE_OPS, throughput } from './store-level.js';

/** The share of sessionspec's unpaced rate both sides of a pair hold to, one at a time. */
const PACE_SHARE = 0.85;

/** One operation's Redis cost, over the repetitions. */
export interface RedisCostFigure {
  op: string;
  concurrency: number;
  /** Redis CPU per operation, in microseconds. */
  cpuMicros: Summary;
  /** Calls and command microseconds per operation, by command, from the last repetition. */
  commands: Map<string, CommandCount>;
}

/** One pair: sessionspec's operation and its floor, and the paired ratio of their Redis CPU. */
export interface RedisCostPair {
  ours: string;
  floor: string;
  concurrency: number;
  /** Operations per second both sides held to (one at a time), or `undefined` when unpaced. */
  pace: number | undefined;
  /** Ours over the floor, within each repetition. */
  ratio: Summary;
}

/**
 * Measure the pairs.
 * @param options - the Redis port, milliseconds per measurement, repetitions, concurrencies, progress.
 * @returns each operation's cost and each pair's ratio.
 */
export async function runRedisCost(options: {
  redisPort: number;
  ms: number;
  repetitions: number;
  concurrencies: readonly number[];
  progress(line: string): void;
}): Promise<{ figures: RedisCostFigure[]; pairs: RedisCostPair[] }> {
  const client = new Redis({ port: options.redisPort, host: '127.0.0.1', lazyConnect: true });
  const monitor = new Redis({ port: options.redisPort, host: '127.0.0.1', lazyConnect: true });
  await Promise.all([client.connect(), monitor.connect()]);
  let prefix = 0;
  const [save, loadOnly] = managerOps('Redis', () =>
    createSessionManager({ store: createRedisStore({ client, prefix: `bench:cost:${++prefix}` }) }),
  );
  const raw = rawOps(client);
  const cas = raw.find((op) => op.name === STORE_OPS.rawCas)!;
  const pairs: [Op, Op][] = [
    [save!, cas],
    [loadOnly!, raw.find((op) => op.name === STORE_OPS.rawGet)!],
  ];
  const cpu = new Map<string, number[]>();
  const commands = new Map<string, Map<string, CommandCount>>();
  const ratios = new Map<string, number[]>();
  const measure = async (op: Op, concurrency: number, pace?: number) => {
    const prepared = await op.prepare(concurrency);
    let ops = 0;
    const counted = {
      async run(w: number) {
        await prepared.run(w);
        ops += 1;
      },
    };
    // The warm-up inside `throughput` is counted too: the counters span both.
    const before = await redisCounters(monitor);
    await throughput(counted, concurrency, options.ms, pace);
    const spent = perOperation(before, await redisCounters(monitor), ops);
    const k = `${op.name}\u0000${concurrency}`;
    cpu.set(k, [...(cpu.get(k) ?? []), spent.cpuMicros]);
    commands.set(k, spent.commands);
    return spent.cpuMicros;
  };
  // Redis spends more per command when commands come further apart (between them it sleeps, and its
  // caches cool): one at a time, a bare GET costs it about 15 us at 25,000 a second and 17 us at 8,500.
  // So both sides of a pair run one at a time at one rate: a little below the rate sessionspec's side
  // reaches unpaced, measured first.
  const paces = new Map<Op, number>();
  try {
    for (const [ours] of pairs) {
      const prepared = await ours.prepare(1);
      paces.set(ours, PACE_SHARE * (await throughput(prepared, 1, options.ms / 2)).rate);
    }
    for (let r = 0; r < options.repetitions; r++) {
      for (const concurrency of options.concurrencies) {
        for (const [ours, floor] of pairs) {
          // Alternate which side goes first, so a drift of the machine's load falls on both alike.
          const [a, b] = r % 2 === 0 ? [ours, floor] : [floor, ours];
          const pace = concurrency === 1 ? paces.get(ours) : undefined;
          const first = await measure(a, concurrency, pace);
          const second = await measure(b, concurrency, pace);
          const [o, f] = a === ours ? [first, second] : [second, first];
          const k = `${ours.name}\u0000${concurrency}`;
          ratios.set(k, [...(ratios.get(k) ?? []), o / f]);
          options.progress(
            `redis cost ${r + 1}/${options.repetitions} c${concurrency}${pace ? ` at ${Math.round(pace)}/s` : ''} ${ours.name}: ${o.toFixed(1)} us, ` +
              `${floor.name}: ${f.toFixed(1)} us (${(o / f).toFixed(2)}x)`,
          );
        }
      }
    }
  } finally {
    client.disconnect();
    monitor.disconnect();
  }
  const figures = [...cpu].map(([k, values]) => {
    const [op, concurrency] = k.split('\u0000') as [string, string];
    return { op, concurrency: Number(concurrency), cpuMicros: summarise(values), commands: commands.get(k)! };
  });
  const result: RedisCostPair[] = [];
  for (const [ours, floor] of pairs)
    for (const concurrency of options.concurrencies)
      result.push({
        ours: ours.name,
        floor: floor.name,
        concurrency,
        pace: concurrency === 1 ? paces.get(ours) : undefined,
        ratio: summarise(ratios.get(`${ours.name}\u0000${concurrency}`)!),
      });
  return { figures, pairs: result };
}
