/**
 * The node-redis driver (the `redis` package, 4.x, 5.x and 6.x): a client or pool (`createClient`,
 * `createClientPool`), a cluster (`createCluster`) or a Sentinel client (`createSentinel`, 5.x and
 * 6.x). The three majors share the calls used here: `sendCommand` with the raw arguments (4.x ignores
 * the type mapping option and always replies RESP2), a cluster's `masters` and `nodeClient`.
 *
 * @packageDocumentation
 */
import type { NodeRedisClient, NodeRedisCluster, NodeRedisSentinel, Transport } from '../driver.js';
import { routingKey } from './slot.js';

/**
 * Options of every command the store sends: no type mapping, whatever the client's defaults, so that
 * replies are strings and numbers as the store decodes them.
 * @internal
 */
const COMMAND_OPTIONS = { typeMapping: {} };

/** @internal */
function isSentinel(client: object): client is NodeRedisSentinel {
  return typeof (client as Partial<NodeRedisSentinel>).getMasterNode === 'function';
}

/** @internal */
function isCluster(client: object): client is NodeRedisCluster {
  return typeof (client as Partial<NodeRedisCluster>).nodeClient === 'function' && 'masters' in client;
}

/**
 * Whether `client` is a node-redis client, pool, cluster or Sentinel client (asked after ioredis).
 * @internal
 */
export function isNodeRedis(
  client: unknown,
): client is NodeRedisClient | NodeRedisCluster | NodeRedisSentinel {
  return typeof (client as { sendCommand?: unknown } | null | undefined)?.sendCommand === 'function';
}

/**
 * The transport over a node-redis client.
 * @internal
 */
export function nodeRedisDriver(client: NodeRedisClient | NodeRedisCluster | NodeRedisSentinel): Transport {
  if (isSentinel(client)) {
    // isReadonly false: the master, never a replica that may lag behind it.
    const send = (args: readonly string[]) => client.sendCommand(false, [...args], COMMAND_OPTIONS);
    return {
      name: 'node-redis',
      cluster: false,
      send: (_key, args) => send(args),
      masters: async () => [send],
    };
  }
  if (isCluster(client)) {
    return {
      name: 'node-redis',
      cluster: true,
      send: (key, args) =>
        client.sendCommand(key === undefined ? key : routingKey(key), false, [...args], COMMAND_OPTIONS),
      masters: () =>
        Promise.all(
          client.masters.map(async (master) => {
            const node = await client.nodeClient(master);
            return (args: readonly string[]) => node.sendCommand([...args], COMMAND_OPTIONS);
          }),
        ),
    };
  }
  const plain = client as NodeRedisClient;
  const send = (args: readonly string[]) => plain.sendCommand([...args], COMMAND_OPTIONS);
  return {
    name: 'node-redis',
    cluster: false,
    send: (_key, args) => send(args),
    masters: async () => [send],
  };
}
