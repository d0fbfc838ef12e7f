/**
 * Start and stop server variants, each in its own process.
 *
 * @packageDocumentation
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedisAddress } from './backends.js';
import type { Variant } from './variants.js';

/** A running server variant. */
export interface RunningServer {
  variant: Variant;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  pid: number;
  /** CPU time (user + system) the process has used so far, in microseconds. */
  cpuMicros(): Promise<number>;
  /** SIGTERM, then SIGKILL after five seconds. */
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./server.ts', import.meta.url));

/**
 * Fork the server script for `variant` and wait for its port.
 * @param variant - the variant.
 * @param redisPort - the Redis it uses (one server, or a Cluster).
 * @param postgresUrl - the PostgreSQL it uses.
 * @param cpuProfDir - write a CPU profile of the process there, or `null`.
 * @returns the running server.
 * @throws Error when the process exits or stays silent for 30 seconds before reporting its port.
 */
export async function startServer(
  variant: Variant,
  redisPort: RedisAddress,
  postgresUrl: string,
  cpuProfDir: string | null,
): Promise<RunningServer> {
  const execArgv = ['--import', 'tsx'];
  // One directory per variant: the loader's worker thread writes a profile of its own beside the main one.
  if (cpuProfDir !== null) execArgv.push('--cpu-prof', '--cpu-prof-dir', join(cpuProfDir, variant));
  const child = fork(SCRIPT, [], {
    execArgv,
    env: {
      ...process.env,
      BENCH_VARIANT: variant,
      BENCH_REDIS_PORT: typeof redisPort === 'number' ? String(redisPort) : redisPort.join(','),
      BENCH_POSTGRES_URL: postgresUrl,
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${variant}: no port within 30 s`)), 30_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve((message as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${variant}: server exited with ${code} before listening`));
    });
  });
  return {
    variant,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    cpuMicros: () => cpuMicros(child),
    stop: () => stop(child),
  };
}

/** @internal Ask the server for its CPU time over the IPC channel. */
function cpuMicros(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not report its CPU time')), 10_000);
    const onMessage = (message: unknown) => {
      const cpu = (message as { cpu?: NodeJS.CpuUsage }).cpu;
      if (cpu === undefined) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(cpu.user + cpu.system);
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

/** @internal */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
