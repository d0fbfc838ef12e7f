/**
 * What Redis itself spends: its CPU time (`INFO cpu`, `used_cpu_user` + `used_cpu_sys`, every thread)
 * and its per-command counts and times (`INFO commandstats`).
 *
 * @packageDocumentation
 */
import type { Redis } from 'ioredis';

/** Calls and microseconds of one command, as `INFO commandstats` counts them. */
export interface CommandCount {
  calls: number;
  usec: number;
}

/** A snapshot of Redis' counters. */
export interface RedisCounters {
  /** CPU time Redis has used so far, in microseconds. */
  cpuMicros: number;
  /** By command name (lower case, e.g. `evalsha`, `hmget`). */
  commands: Map<string, CommandCount>;
}

/**
 * Read the counters of one Redis.
 * @param client - a connection to it.
 * @returns the snapshot.
 */
export async function redisCounters(client: Redis): Promise<RedisCounters> {
  const [cpu, stats] = [await client.info('cpu'), await client.info('commandstats')];
  const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1] ?? 0);
  const commands = new Map<string, CommandCount>();
  for (const match of stats.matchAll(/cmdstat_([\w|]+):calls=(\d+),usec=(\d+)/g))
    commands.set(match[1]!, { calls: Number(match[2]), usec: Number(match[3]) });
  return { cpuMicros: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6, commands };
}

/**
 * What Redis spent between two snapshots, per operation.
 * @param before - the first snapshot.
 * @param after - the second.
 * @param ops - operations done in between (requests, store calls).
 * @returns CPU microseconds per operation, and calls and command microseconds per operation by command
 *   (the `info` and `ping` of the measurement itself left out).
 */
export function perOperation(
  before: RedisCounters,
  after: RedisCounters,
  ops: number,
): { cpuMicros: number; commands: Map<string, CommandCount> } {
  const n = Math.max(1, ops);
  const commands = new Map<string, CommandCount>();
  for (const [name, count] of after.commands) {
    if (name === 'info' || name === 'ping') continue;
    const was = before.commands.get(name) ?? { calls: 0, usec: 0 };
    if (count.calls === was.calls) continue;
    commands.set(name, { calls: (count.calls - was.calls) / n, usec: (count.usec - was.usec) / n });
  }
  return { cpuMicros: (after.cpuMicros - before.cpuMicros) / n, commands };
}

/**
 * The counters of several Redis servers (a Cluster's masters) added up.
 * @param snapshots - one snapshot per server.
 * @returns their sum.
 */
export function addCounters(snapshots: readonly RedisCounters[]): RedisCounters {
  const commands = new Map<string, CommandCount>();
  for (const snapshot of snapshots)
    for (const [name, count] of snapshot.commands) {
      const was = commands.get(name) ?? { calls: 0, usec: 0 };
      commands.set(name, { calls: was.calls + count.calls, usec: was.usec + count.usec });
    }
  return { cpuMicros: snapshots.reduce((n, s) => n + s.cpuMicros, 0), commands };
}
