/**
 * The ioredis driver (5.x and 6.x, single node, Sentinel or Cluster). ioredis routes a command sent
 * with `call` by its key, EVALSHA's included, so one path serves every topology.
 *
 * @packageDocumentation
 */
import type { IoredisClient, Transport } from '../driver.js';

/** The part of an ioredis `Cluster` the driver uses beyond {@link IoredisClient}. @internal */
interface IoredisCluster extends IoredisClient {
  readonly isCluster: true;
  readonly options: { redisOptions?: { keyPrefix?: string } };
  nodes(role: 'master'): IoredisClient[];
}

/**
 * Whether `client` is an ioredis client. ioredis has a `sendCommand` too, so this is asked first.
 * @internal
 */
export function isIoredis(client: unknown): client is IoredisClient {
  const candidate = client as Partial<IoredisClient> | null | undefined;
  return typeof candidate?.call === 'function' && typeof candidate.defineCommand === 'function';
}

/**
 * The transport over an ioredis client.
 * @throws TypeError when the client (or a Cluster's `redisOptions`) has a `keyPrefix`: the scripts
 *   build key names themselves, which ioredis would not prefix.
 * @internal
 */
export function ioredisDriver(client: IoredisClient): Transport {
  const cluster = (client as Partial<IoredisCluster>).isCluster === true;
  const options = client.options as { keyPrefix?: string; redisOptions?: { keyPrefix?: string } };
  if (options.keyPrefix || options.redisOptions?.keyPrefix) {
    throw new TypeError(
      'createRedisStore: the client has a `keyPrefix`; remove it and pass `prefix` to the store instead',
    );
  }
  const sender = (node: IoredisClient) => (args: readonly string[]) => node.call(args[0]!, ...args.slice(1));
  return {
    name: 'ioredis',
    cluster,
    send: (_key, args) => sender(client)(args),
    masters: async () => (cluster ? (client as IoredisCluster).nodes('master') : [client]).map(sender),
  };
}
