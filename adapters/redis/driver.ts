/**
 * The clients the Redis store accepts, and the one narrow interface it talks to them through: a
 * command routed by key, a script run by its SHA-1 (loaded on NOSCRIPT), and SCAN on every master.
 * Everything else (key layout, scripts, outcomes, the Cluster claim protocol) is the same for every
 * client; a driver only turns these three operations into the client's own calls.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { ioredisDriver, isIoredis } from './drivers/ioredis.js';
import { isNodeRedis, nodeRedisDriver } from './drivers/node-redis.js';

/**
 * An ioredis 5.x or 6.x `Redis` (single node, Sentinel) or `Cluster`: the part the store uses.
 * Declared here rather than imported, so the store's types never require a client the application
 * did not install.
 */
export interface IoredisClient {
  /** Send a command by name (ioredis routes it by its key on Cluster). */
  call(command: string, ...args: string[]): Promise<unknown>;
  /** Present on every ioredis client; tells it apart from node-redis. */
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
  /** The client's options (the store refuses a `keyPrefix`). */
  readonly options: object;
}

/**
 * A node-redis 4.x, 5.x or 6.x client made by `createClient` (or a 5.x/6.x pool from
 * `createClientPool`).
 */
export interface NodeRedisClient {
  /** Send a command. */
  sendCommand(args: string[], options?: object): Promise<unknown>;
}

/** A node-redis 4.x, 5.x or 6.x cluster made by `createCluster`. */
export interface NodeRedisCluster {
  /** Send a command to the master of `firstKey`'s slot. */
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
    options?: object,
  ): Promise<unknown>;
  /** The masters, one per shard. */
  readonly masters: readonly unknown[];
  /** A connected client for one node of {@link NodeRedisCluster.masters}. */
  nodeClient(node: unknown): NodeRedisClient | Promise<NodeRedisClient>;
}

/** A node-redis 5.x or 6.x Sentinel client made by `createSentinel`. */
export interface NodeRedisSentinel {
  /** Send a command to the current master (`isReadonly` false). */
  sendCommand(isReadonly: boolean | undefined, args: string[], options?: object): Promise<unknown>;
  /** Present on every node-redis Sentinel client; tells it apart from a plain client. */
  getMasterNode(): unknown;
}

/** Any client {@link createRedisStore} accepts. */
export type RedisClient = IoredisClient | NodeRedisClient | NodeRedisCluster | NodeRedisSentinel;

/** A Lua script and its SHA-1, as EVALSHA wants it. @internal */
export interface Script {
  readonly lua: string;
  readonly sha: string;
}

/**
 * A script with its SHA-1 computed once.
 * @internal
 */
export function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/**
 * How a driver sends: one command to the master serving `key` (any master when `key` is undefined),
 * and the senders of every master, for SCAN. Replies are the client's (RESP2 or RESP3, strings).
 * @internal
 */
export interface Transport {
  /** `'ioredis'` or `'node-redis'`, for messages. */
  readonly name: string;
  /** Whether the client is a Redis Cluster client. */
  readonly cluster: boolean;
  send(key: string | undefined, args: readonly string[]): Promise<unknown>;
  masters(): Promise<Array<(args: readonly string[]) => Promise<unknown>>>;
}

/**
 * What the store needs of a client, whichever it is.
 * @internal
 */
export interface RedisDriver {
  /** `'ioredis'` or `'node-redis'`, for messages. */
  readonly name: string;
  /** Whether the client is a Redis Cluster client. */
  readonly cluster: boolean;
  /** One command, on the master serving `key`. */
  command(key: string, ...args: string[]): Promise<unknown>;
  /**
   * Run `script` with the single key `key`: by EVAL the first time, by EVALSHA after that; on NOSCRIPT
   * (a restarted or flushed server, a fail-over to a replica that never saw it, another Cluster master)
   * by EVAL again, which caches it there.
   */
  eval(script: Script, key: string, args: readonly string[]): Promise<unknown>;
  /**
   * Every key matching the SCAN `MATCH` pattern, on every master, each once.
   * @param each - wraps each SCAN call (the store bounds each one, SEC-2).
   */
  scan(pattern: string, each?: (call: Promise<unknown>) => Promise<unknown>): Promise<string[]>;
}

/** Keys SCAN is asked to look at per call. @internal */
const SCAN_COUNT = '1000';

/**
 * Whether `error` is Redis's NOSCRIPT reply, as either client reports it.
 * @internal
 */
function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * The text of a reply element: node-redis hands out Buffers when the client maps strings so.
 * @internal
 */
function text(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

/**
 * The driver over a transport: EVALSHA with its fallback and SCAN, the same for every client.
 * @internal
 */
export function driverOf(transport: Transport): RedisDriver {
  /** Scripts sent once with EVAL through this driver (on Cluster, to one master at least). */
  const sent = new Set<string>();
  return {
    name: transport.name,
    cluster: transport.cluster,
    command: (key, ...args) => transport.send(key, args),
    async eval({ lua, sha }, key, args) {
      // The first call of a script is EVAL, which caches it on the server: one round trip (PERF-2).
      if (!sent.has(sha)) {
        const reply = await transport.send(key, ['EVAL', lua, '1', key, ...args]);
        sent.add(sha);
        return reply;
      }
      try {
        return await transport.send(key, ['EVALSHA', sha, '1', key, ...args]);
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return transport.send(key, ['EVAL', lua, '1', key, ...args]);
      }
    },
    async scan(pattern, each = (call) => call) {
      const found = new Set<string>();
      for (const send of await transport.masters()) {
        let cursor = '0';
        do {
          const reply = (await each(send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT]))) as [
            unknown,
            unknown[],
          ];
          for (const key of reply[1]) found.add(text(key));
          cursor = text(reply[0]);
        } while (cursor !== '0');
      }
      return [...found];
    },
  };
}

/**
 * The driver for `client`, told apart by shape: ioredis (`call` and `defineCommand`), node-redis
 * Sentinel (`getMasterNode`), node-redis cluster (`masters` and `nodeClient`), node-redis client or
 * pool (`sendCommand`).
 * @param client - what the application passed as `client`.
 * @returns the driver.
 * @throws TypeError when `client` is none of them, or is an ioredis client with a `keyPrefix`.
 * @internal
 */
export function driverFor(client: unknown): RedisDriver {
  if (isIoredis(client)) return driverOf(ioredisDriver(client));
  if (isNodeRedis(client)) return driverOf(nodeRedisDriver(client));
  throw new TypeError(
    'createRedisStore: `client` must be an ioredis Redis or Cluster (5.x, 6.x), or a node-redis client, ' +
      'cluster (4.x, 5.x, 6.x: createClient, createCluster) or Sentinel (5.x, 6.x: createSentinel)',
  );
}
