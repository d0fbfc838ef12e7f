/**
 * The client drivers against real Redis: every supported client (ioredis 5 and 6, node-redis 4, 5 and
 * 6), on a single node and on a 3-master cluster, is told apart and behaves the same through the
 * driver: commands, scripts (RESP2 and RESP3 replies alike, NOSCRIPT reloads), error replies and SCAN
 * on every master.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RESP_TYPES } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_KINDS, connectClient, type RedisTarget, type TestClient } from '../../test/redis-clients.js';
import { startRedisCluster } from '../../test/redis-cluster.js';
import { startRedisServer } from '../../test/redis-server.js';
import { driverFor, type RedisDriver, script } from './driver.js';

/** Replies of every Lua type, so RESP2 and RESP3 clients can be compared. */
const SHAPES = script(`
if ARGV[1] == 'table' then return { 'a', 1, { 'b' } } end
if ARGV[1] == 'nil' then return nil end
if ARGV[1] == 'number' then return 42 end
if ARGV[1] == 'fail' then return redis.error_reply('BOOM no such thing') end
redis.call('SET', KEYS[1], ARGV[2])
return redis.call('GET', KEYS[1])
`);

const topologies = [
  { name: 'single node', cluster: false },
  { name: '3-master cluster', cluster: true },
] as const;

describe.each(topologies)('Redis drivers on a $name', ({ cluster }) => {
  let target: RedisTarget;
  let stop: () => Promise<void>;
  let masterPorts: number[];
  beforeAll(async () => {
    if (cluster) {
      const servers = await startRedisCluster();
      target = { nodes: servers.nodes };
      masterPorts = servers.nodes.map((node) => node.port);
      stop = servers.stop;
    } else {
      const server = await startRedisServer();
      target = { port: server.port };
      masterPorts = [server.port];
      stop = server.stop;
    }
  });
  afterAll(async () => {
    await stop?.();
  });

  /** Run `body` on each master through a raw connection of its own. */
  const onEveryMaster = async (body: (node: Redis) => Promise<unknown>): Promise<void> => {
    for (const port of masterPorts) {
      const node = new Redis(port, '127.0.0.1');
      try {
        await body(node);
      } finally {
        node.disconnect();
      }
    }
  };

  describe.each(CLIENT_KINDS)('%s', (kind) => {
    let connected: TestClient;
    let driver: RedisDriver;
    const prefix = `drv-${kind.replace(/\W/g, '')}-${randomBytes(4).toString('hex')}`;
    beforeAll(async () => {
      connected = await connectClient(kind, target);
      driver = driverFor(connected.client);
    });
    afterAll(async () => {
      await connected?.close();
    });

    it('is told apart: its kind and its topology', () => {
      expect(driver.name).toBe(kind.split(' ')[0]);
      expect(driver.cluster).toBe(cluster);
    });

    it('sends commands to the master of their key, whichever slot it is in', async () => {
      const keys = Array.from({ length: 24 }, (_, i) => `${prefix}:k:{${i}}`);
      for (const key of keys) expect(await driver.command(key, 'SET', key, `v-${key}`)).toBe('OK');
      for (const key of keys) expect(await driver.command(key, 'GET', key)).toBe(`v-${key}`);
      const hash = `${prefix}:h`;
      expect(await driver.command(hash, 'HSET', hash, 'f', '1')).toBe(1);
      expect(await driver.command(hash, 'HKEYS', hash)).toEqual(['f']);
    });

    it('reaches the master Redis hashes a key to when its hash tag is empty (`{}`, an id starting with `}`)', async () => {
      for (const id of ['}', '} ', '}x', '}}{']) {
        const key = `${prefix}:u:{${id}}`;
        expect(await driver.command(key, 'SET', key, id)).toBe('OK');
        expect(await driver.eval(SHAPES, key, ['set', id])).toBe(id);
      }
    });

    it('PERF-2: decodes script replies alike over RESP2 and RESP3', async () => {
      const key = `${prefix}:s:{x}`;
      expect(await driver.eval(SHAPES, key, ['table'])).toEqual(['a', 1, ['b']]);
      expect(await driver.eval(SHAPES, key, ['nil'])).toBeNull();
      expect(await driver.eval(SHAPES, key, ['number'])).toBe(42);
      expect(await driver.eval(SHAPES, key, ['set', '{"a":[]}'])).toBe('{"a":[]}');
    });

    it('SEC-2: a script error rejects with the reply, never read as a value', async () => {
      await expect(driver.eval(SHAPES, `${prefix}:s:{y}`, ['fail'])).rejects.toThrow(/BOOM no such thing/);
    });

    it("rejects a command on a key of another type with Redis's WRONGTYPE reply, as the store reads it", async () => {
      const key = `${prefix}:w:{w}`;
      expect(await driver.command(key, 'HSET', key, 'f', '1')).toBe(1);
      await expect(driver.command(key, 'GET', key)).rejects.toThrow(/^WRONGTYPE /);
    });

    it('reloads a script the server no longer has (SCRIPT FLUSH, NOSCRIPT) and caches it again', async () => {
      const key = `${prefix}:s:{z}`;
      expect(await driver.eval(SHAPES, key, ['number'])).toBe(42);
      await onEveryMaster((node) => node.script('FLUSH'));
      expect(await driver.eval(SHAPES, key, ['number'])).toBe(42);
      const cached: unknown[] = [];
      await onEveryMaster(async (node) =>
        cached.push(...((await node.script('EXISTS', SHAPES.sha)) as number[])),
      );
      expect(cached).toContain(1);
    });

    it('ST-5: SCAN finds every key under a pattern on every master, each once, and nothing else', async () => {
      const scanPrefix = `${prefix}-scan`;
      const keys = Array.from({ length: 300 }, (_, i) => `${scanPrefix}:k:{${i}}`);
      for (const key of keys) await driver.command(key, 'SET', key, '1');
      await driver.command(`${prefix}-other`, 'SET', `${prefix}-other`, '1');
      expect((await driver.scan(`${scanPrefix}:*`)).sort()).toEqual([...keys].sort());
    });
  });

  it('node-redis: replies stay strings when the client maps strings to Buffers', async () => {
    const connected = await connectClient('node-redis 6', target);
    try {
      const buffers = (connected.client as unknown as { withTypeMapping(m: object): object }).withTypeMapping(
        {
          [RESP_TYPES.BLOB_STRING]: Buffer,
        },
      );
      const driver = driverFor(buffers);
      expect(await driver.eval(SHAPES, 'buf:{1}', ['set', 'text'])).toBe('text');
      expect(await driver.scan('buf:*')).toEqual(['buf:{1}']);
    } finally {
      await connected.close();
    }
  });
});

describe('driverFor', () => {
  it('rejects what is not a supported client with a TypeError naming the supported ones', () => {
    for (const client of [undefined, null, {}, 'redis://localhost', { call: () => {} }]) {
      expect(() => driverFor(client)).toThrow(TypeError);
    }
    expect(() => driverFor({})).toThrow(/ioredis .* node-redis/);
  });

  it('rejects an ioredis client with a keyPrefix, naming the store option to use instead', () => {
    const client = new Redis({ keyPrefix: 'app:', lazyConnect: true });
    expect(() => driverFor(client)).toThrow(/keyPrefix.*prefix/);
    client.disconnect();
  });
});
