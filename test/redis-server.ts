/**
 * Test helper: a throwaway `redis-server` on a free loopback port, started from the binary on PATH and
 * stopped by its process id. Nothing is persisted (`--save ''`, `--appendonly no`) unless asked.
 *
 * @packageDocumentation
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running test server. */
export interface RedisServer {
  /** The loopback port it listens on. */
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Its process id, for fault tests that signal it (`SIGSTOP`, `SIGKILL`). */
  readonly pid: number;
  /** Stop it (SIGTERM, then SIGKILL if it lingers) and remove its directory. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. `['--appendonly', 'yes']`. */
  args?: readonly string[];
  /** Listen on this port instead of a free one (used to restart a killed server in place). */
  port?: number;
  /** Run in this directory (and keep it on stop) instead of a fresh temporary one. */
  dir?: string;
}

/**
 * Fail loudly when a binary is missing: a test that needs Redis must not pass by skipping.
 * @param binary - `redis-server` or `redis-cli`.
 * @throws Error naming the Debian package to install.
 * @internal
 */
export function requireBinary(binary: string): void {
  const found = spawnSync(binary, ['--version'], { stdio: 'ignore' });
  if (found.error !== undefined || found.status !== 0) {
    throw new Error(`${binary} is not on PATH: install it with \`apt-get install redis-server\``);
  }
}

/**
 * Whether nothing listens on `port` of the loopback interface.
 * @internal
 */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free loopback port below 55536, so that a cluster bus (port + 10000) fits as well.
 * @param withBus - also require `port + 10000` to be free (Redis Cluster).
 * @returns the port.
 * @internal
 */
export async function freePort(withBus = false): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 35_000);
    if ((await portIsFree(port)) && (!withBus || (await portIsFree(port + 10_000)))) return port;
  }
  throw new Error('no free loopback port found');
}

/**
 * Resolve once the server on `port` answers PING, or reject when the process exits first.
 * Polls the socket (not the clock): each attempt waits for the previous connection to fail.
 * @internal
 */
export async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (let attempt = 0; attempt < 500; attempt++) {
    if (exited) throw new Error(`redis-server on port ${port} exited before answering PING`);
    const answered = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      let reply = '';
      socket.setTimeout(1000, () => socket.destroy());
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(reply.startsWith('+PONG')));
      socket.on('data', (chunk) => {
        reply += chunk.toString();
        socket.end();
      });
      socket.on('connect', () => socket.write('PING\r\n'));
    });
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server on port ${port} did not answer PING`);
}

/**
 * Stop a child process by its id: `signal` (SIGTERM unless given), then SIGKILL after two seconds;
 * resumes it first in case a fault test left it stopped.
 * @internal
 */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGCONT');
    child.kill(signal);
  });
}

/**
 * Start `redis-server` from PATH on a free loopback port, in a temporary directory, and wait until it
 * answers PING.
 * @param options - extra arguments, a fixed port or directory.
 * @returns the running server.
 * @throws Error when `redis-server` is not installed or does not come up.
 *
 * @example
 * ```ts
 * const server = await startRedisServer();
 * const client = new Redis(server.url);
 * // ...
 * await server.stop();
 * ```
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  requireBinary('redis-server');
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sessionspec-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...(options.args ?? []),
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  await waitForPing(port, child);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      await stopProcess(child);
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
