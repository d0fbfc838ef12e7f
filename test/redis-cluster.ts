/**
 * Test helper: a throwaway Redis Cluster of three masters (no replicas) on loopback, started from the
 * binaries on PATH and stopped by process id.
 *
 * @packageDocumentation
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, type RedisServer, requireBinary, startRedisServer } from './redis-server.js';

const run = promisify(execFile);

/** A running test cluster. */
export interface RedisCluster {
  /** The masters, as ioredis `Cluster` startup nodes. */
  readonly nodes: { host: string; port: number }[];
  /** The process id of each master, by port, for fault tests that signal one (`SIGSTOP`). */
  readonly pids: ReadonlyMap<number, number>;
  /** Stop every node and remove their directories. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Wait until `CLUSTER INFO` on `port` reports `cluster_state:ok`, polling after each answer.
 * @internal
 */
async function waitForClusterOk(port: number): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
    if (stdout.includes('cluster_state:ok')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`cluster node on port ${port} never reached cluster_state:ok`);
}

/**
 * Start three `redis-server --cluster-enabled yes` on free loopback ports, join them with
 * `redis-cli --cluster create ... --cluster-replicas 0 --cluster-yes`, and wait until every node
 * reports `cluster_state:ok`.
 * @returns the running cluster.
 * @throws Error when the binaries are missing or the cluster does not form.
 *
 * @example
 * ```ts
 * const cluster = await startRedisCluster();
 * const client = new Cluster(cluster.nodes);
 * // ...
 * await cluster.stop();
 * ```
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  requireBinary('redis-server');
  requireBinary('redis-cli');
  const servers: RedisServer[] = [];
  const dirs: string[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i++) {
      let port = await freePort(true);
      while (servers.some((server) => server.port === port)) port = await freePort(true);
      const dir = mkdtempSync(join(tmpdir(), 'sessionspec-cluster-'));
      dirs.push(dir);
      const args = ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`];
      servers.push(await startRedisServer({ port, dir, args }));
    }
    const ports = servers.map((server) => server.port);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const port of ports) await waitForClusterOk(port);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes: servers.map(({ port }) => ({ host: '127.0.0.1', port })),
    pids: new Map(servers.map(({ port, pid }) => [port, pid])),
    stop,
  };
}
