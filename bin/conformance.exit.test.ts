import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type PostgresServer, startPostgresServer } from '../test/postgres-server.js';
import { freePort, type RedisServer, startRedisServer } from '../test/redis-server.js';

/**
 * Run the CLI in its own process, as a CI job would, and wait for it to end by itself.
 * @param imports - modules node loads first (after tsx), e.g. a resolver that hides a client.
 */
function cli(args: string[], env: Record<string, string>, imports: string[] = []) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const preload = ['tsx', ...imports].flatMap((module) => ['--import', module]);
    const child = spawn(process.execPath, [...preload, 'bin/sessionspec.ts', 'conformance', ...args], {
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('the CLI ends after the report (CK-8)', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const module = 'test/fixtures/module-level-redis.ts';
  const only = ['--only', 'ST-1,ST-2.read,CK-8.close', '--seed', '5'];

  test('a module with a module-level ioredis client and teardown(): exits 0 by itself, nothing left open', async () => {
    const run = await cli([module, ...only], { REDIS_URL: server.url });
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toMatch(/CK-8\.close\s+PASS/);
    expect(run.err).not.toContain('still open');
  });

  test('without teardown(): still exits with the report code, and names the socket left open', async () => {
    const run = await cli([module, ...only], { REDIS_URL: server.url, KEEP_CLIENT_OPEN: '1' });
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.err).toMatch(/still open after the report: 1 TCPSocketWrap\. Export teardown\(\)/);
  });

  test.each([
    ['--redis-url', (url: string) => ['--redis-url', url]],
    ['--store redis --url', (url: string) => ['--store', 'redis', '--url', url]],
  ])('%s qualifies a server with the built-in Redis adapter, and exits', async (_label, flags) => {
    const run = await cli([...flags(server.url), ...only], {});
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toContain(`redis (127.0.0.1:${server.port}): 3 passed, 0 failed`);
    expect(run.err).not.toContain('still open');
  });

  test('--store redis on node-redis 4 alone (no ioredis): the kit passes, the client closes, exit 0', async () => {
    const run = await cli(['--store', 'redis', '--url', server.url, ...only], {}, [
      './test/fixtures/node-redis-4-only.mjs',
    ]);
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toContain(`redis (127.0.0.1:${server.port}): 3 passed, 0 failed`);
    expect(run.err).not.toMatch(/still open|TypeError/);
  });

  test('a Redis that does not answer: one line naming the url on stderr, exit 2, no client noise, no usage', async () => {
    const url = `redis://127.0.0.1:${await freePort()}/0`;
    const run = await cli(['--store', 'redis', '--url', url], {});
    expect(run.code, run.out + run.err).toBe(2);
    expect(run.err).toMatch(
      new RegExp(`^sessionspec conformance: cannot connect to ${url}: .*ECONNREFUSED.*\\n$`),
    );
    expect(run.err.trim().split('\n')).toHaveLength(1);
    expect(run.out).toBe('');
  });
});

describe('sessionspec conformance --store postgres', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('qualifies a database with the built-in PostgreSQL adapter, drops its tables, and exits', async () => {
    const run = await cli(
      [
        '--store',
        'postgres',
        '--url',
        server.url,
        '--only',
        'ST-1,ST-2.write,CC-5,CK-8.close',
        '--seed',
        '5',
      ],
      {},
    );
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toContain(`postgres (127.0.0.1:${server.port}): 4 passed, 0 failed`);
    expect(run.err).not.toContain('still open');
    const pool = new pg.Pool({ connectionString: server.url });
    try {
      const { rows } = await pool.query(
        "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'",
      );
      expect(rows[0].n).toBe(0);
    } finally {
      await pool.end();
    }
  });

  test('a database that does not answer: exit 2 naming the host, no report', async () => {
    const run = await cli(
      ['--store', 'postgres', '--url', `postgres://postgres@127.0.0.1:${server.port + 1}/postgres`],
      {},
    );
    expect(run.code, run.out + run.err).toBe(2);
    expect(run.err).toContain(`cannot connect to 127.0.0.1:${server.port + 1}`);
    expect(run.err).not.toContain('Usage:');
  });
});
