/**
 * Test helper: every Redis client the store supports (ioredis 5 and 6, node-redis 4, 5 and 6),
 * connected to a test server or cluster with the settings `docs/redis.md` recommends (bounded command
 * timeout where the client has one, no offline queue, a bounded reconnect strategy).
 *
 * @packageDocumentation
 */
import * as ioredis5 from 'ioredis';
import * as ioredis6 from 'ioredis6';
import * as redis6 from 'redis';
import * as redis4 from 'redis4';
import * as redis5 from 'redis5';
import type { RedisClient } from '../adapters/redis/index.js';

/** The clients, by the name tests print. */
export const CLIENT_KINDS = [
  'ioredis 5',
  'ioredis 6',
  'node-redis 4',
  'node-redis 5',
  'node-redis 6',
] as const;

/** One of {@link CLIENT_KINDS}. */
export type ClientKind = (typeof CLIENT_KINDS)[number];

/**
 * The package each client is installed as in this repository (devDependencies, aliased for the older
 * majors), and the peer it stands for: what the tests run is what the peer ranges must accept.
 */
export const CLIENT_PACKAGES: Readonly<Record<ClientKind, { installed: string; peer: 'ioredis' | 'redis' }>> =
  {
    'ioredis 5': { installed: 'ioredis', peer: 'ioredis' },
    'ioredis 6': { installed: 'ioredis6', peer: 'ioredis' },
    'node-redis 4': { installed: 'redis4', peer: 'redis' },
    'node-redis 5': { installed: 'redis5', peer: 'redis' },
    'node-redis 6': { installed: 'redis', peer: 'redis' },
  };

/** The clients that connect through Sentinel: node-redis 4 has no Sentinel client. */
export const SENTINEL_CLIENT_KINDS = CLIENT_KINDS.filter((kind) => kind !== 'node-redis 4');

/** Where to connect: one server's port, the masters of a cluster, or a Sentinel and its master's name. */
export type RedisTarget =
  | { port: number }
  | { nodes: readonly { host: string; port: number }[] }
  | { sentinel: { host: string; port: number }; name: string };

/** A connected client and how to close it. */
export interface TestClient {
  readonly kind: ClientKind;
  readonly client: RedisClient;
  /** Close the connection(s); idempotent. */
  close(): Promise<void>;
}

/** SEC-2: no command waits longer than this. */
export const COMMAND_TIMEOUT_MS = 2000;

/** Back off 50 ms per attempt, up to 1 s. */
const backoff = (attempt: number): number => Math.min(attempt * 50, 1000);

/**
 * Connect a client of `kind` to `target`.
 * @param kind - which client.
 * @param target - a server port or a cluster's nodes.
 * @returns the connected client.
 */
export async function connectClient(kind: ClientKind, target: RedisTarget): Promise<TestClient> {
  switch (kind) {
    case 'ioredis 5':
      return connectIoredis(kind, target, ioredis5);
    case 'ioredis 6':
      return connectIoredis(kind, target, ioredis6);
    case 'node-redis 4':
      return connectNodeRedis4(kind, target);
    case 'node-redis 5':
      return connectNodeRedis(kind, target, redis5);
    case 'node-redis 6':
      return connectNodeRedis(kind, target, redis6);
  }
}

/** An ioredis `Redis` or `Cluster`, of either major version (their constructors share these options). */
async function connectIoredis(
  kind: ClientKind,
  target: RedisTarget,
  lib: typeof ioredis5 | typeof ioredis6,
): Promise<TestClient> {
  const { Redis, Cluster } = lib as typeof ioredis5;
  const redisOptions = {
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    retryStrategy: backoff,
    lazyConnect: true,
  };
  const client =
    'port' in target
      ? new Redis(target.port, '127.0.0.1', { ...redisOptions, enableOfflineQueue: false })
      : 'sentinel' in target
        ? new Redis({
            ...redisOptions,
            enableOfflineQueue: false,
            sentinels: [target.sentinel],
            name: target.name,
          })
        : new Cluster([...target.nodes], {
            redisOptions,
            enableOfflineQueue: false,
            clusterRetryStrategy: backoff,
            lazyConnect: true,
          });
  await client.connect();
  return { kind, client, close: async () => client.disconnect() };
}

/** A node-redis client or cluster, of either major version. */
async function connectNodeRedis(
  kind: ClientKind,
  target: RedisTarget,
  lib: typeof redis5 | typeof redis6,
): Promise<TestClient> {
  const { createClient, createCluster, createSentinel } = lib as typeof redis6;
  const defaults = {
    disableOfflineQueue: true,
    commandOptions: { timeout: COMMAND_TIMEOUT_MS },
    socket: { connectTimeout: COMMAND_TIMEOUT_MS, reconnectStrategy: backoff },
  };
  const client =
    'port' in target
      ? createClient({ ...defaults, url: `redis://127.0.0.1:${target.port}` })
      : 'sentinel' in target
        ? createSentinel({
            name: target.name,
            sentinelRootNodes: [target.sentinel],
            nodeClientOptions: defaults,
          })
        : createCluster({
            rootNodes: target.nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })),
            defaults,
          });
  // Errors reach the caller through the rejected command; the event only reports them.
  client.on('error', () => {});
  await client.connect();
  return { kind, client, close: async () => void (client.isOpen && client.destroy()) };
}

/**
 * A node-redis 4 client or cluster. It has no command timeout (the store's own `commandTimeoutMs`
 * bounds each call), no Sentinel client, and closes with `disconnect()`.
 */
async function connectNodeRedis4(kind: ClientKind, target: RedisTarget): Promise<TestClient> {
  if ('sentinel' in target) throw new Error('node-redis 4 has no Sentinel client');
  const defaults = {
    disableOfflineQueue: true,
    socket: { connectTimeout: COMMAND_TIMEOUT_MS, reconnectStrategy: backoff },
  };
  const client =
    'port' in target
      ? redis4.createClient({ ...defaults, url: `redis://127.0.0.1:${target.port}` })
      : redis4.createCluster({
          rootNodes: target.nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })),
          defaults,
        });
  client.on('error', () => {});
  await client.connect();
  return { kind, client, close: async () => void (client.isOpen && (await client.disconnect())) };
}

/** The topologies the Redis tests run on. */
export const TOPOLOGIES = ['single node', '3-master cluster'] as const;

/**
 * The one client and topology that runs the conformance kit's deep profile today (CK-10): each day
 * (UTC) the next of the ten, so every combination gets a deep run every ten days. Set
 * `SESSIONSPEC_REDIS_DEEP` to `off` for none, or to `<client>/<topology>` (e.g.
 * `node-redis 6/3-master cluster`) to choose.
 * @param now - the time that picks the day.
 * @returns the combination, or undefined for none.
 * @throws Error when the variable names no combination.
 */
export function redisDeepCombination(
  now = Date.now(),
): { kind: ClientKind; topology: (typeof TOPOLOGIES)[number] } | undefined {
  const combinations = TOPOLOGIES.flatMap((topology) => CLIENT_KINDS.map((kind) => ({ kind, topology })));
  const chosen = process.env.SESSIONSPEC_REDIS_DEEP;
  if (chosen === 'off') return undefined;
  if (chosen !== undefined && chosen !== '') {
    const found = combinations.find(({ kind, topology }) => `${kind}/${topology}` === chosen);
    if (found === undefined) {
      throw new Error(
        `SESSIONSPEC_REDIS_DEEP='${chosen}' names no combination; use off or <client>/<topology>`,
      );
    }
    return found;
  }
  return combinations[Math.floor(now / 86_400_000) % combinations.length];
}
