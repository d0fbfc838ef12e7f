/**
 * Test helper: a Redis master watched by one Sentinel (`redis-server --sentinel`), both on free
 * loopback ports, started from the binary on PATH and stopped by process id.
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireBinary, startRedisServer, stopProcess, waitForPing } from './redis-server.js';

/** A running master and its Sentinel. */
export interface RedisSentinel {
  /** The Sentinel's address. */
  readonly sentinel: { host: string; port: number };
  /** The name the Sentinel knows the master by. */
  readonly name: string;
  /** Stop both and remove their directories. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Start a master and a Sentinel monitoring it (quorum 1), and wait until both answer PING.
 * @returns the running pair.
 * @throws Error when `redis-server` is missing or does not come up.
 */
export async function startRedisSentinel(): Promise<RedisSentinel> {
  requireBinary('redis-server');
  const master = await startRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'sessionspec-sentinel-'));
  const port = await freePort();
  const name = 'sessionspec';
  // Sentinel rewrites its configuration file, so it gets one of its own.
  const config = join(dir, 'sentinel.conf');
  writeFileSync(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
      `sentinel down-after-milliseconds ${name} 5000`,
    ].join('\n'),
  );
  const child = spawn('redis-server', [config, '--sentinel'], { cwd: dir, stdio: 'ignore' });
  try {
    await waitForPing(port, child);
  } catch (error) {
    await master.stop();
    throw error;
  }
  return {
    sentinel: { host: '127.0.0.1', port },
    name,
    async stop() {
      await stopProcess(child);
      await master.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
