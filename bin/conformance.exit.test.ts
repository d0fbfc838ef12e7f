import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RedisServer, startRedisServer } from '../test/redis-server.js';

/** Run the CLI in its own process, as a CI job would, and wait for it to end by itself. */
function cli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/sessionspec.ts', 'conformance', ...args], {
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

  test('--redis-url qualifies a server with the built-in Redis adapter, and exits', async () => {
    const run = await cli(['--redis-url', server.url, ...only], {});
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toContain(`redis (127.0.0.1:${server.port}): 3 passed, 0 failed`);
    expect(run.err).not.toContain('still open');
  });
});
