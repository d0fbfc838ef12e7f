/**
 * Test helper: a throwaway PostgreSQL server from Debian's `postgresql` package, made by `initdb` in a
 * temporary folder and run as a child process on a free loopback port (TCP only, no Unix socket), then
 * stopped by its process id. PostgreSQL refuses to run as root: under root it runs as the `postgres`
 * user the package creates. Durability is off (`fsync`, `synchronous_commit`) unless a test turns it
 * on: a test server loses nothing it acknowledged unless it crashes, and a crash test turns it on.
 *
 * @packageDocumentation
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, stopProcess } from './redis-server.js';

/** A running test server. */
export interface PostgresServer {
  /** The loopback port it listens on. */
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  /** Its process id, for fault tests that signal it (`SIGSTOP`, `SIGKILL`). */
  readonly pid: number;
  /** The data folder, to start it again in place after a fault test stopped it. */
  readonly dir: string;
  /**
   * Stop it and keep the data folder. Idempotent. `SIGINT` (the default) is a fast shutdown;
   * `SIGQUIT` an immediate one, as a crash: the next start replays the write-ahead log. SIGKILL if
   * it lingers.
   */
  halt(signal?: 'SIGINT' | 'SIGQUIT'): Promise<void>;
  /** Freeze the server and every backend it forked (SIGSTOP), as a stalled host would. */
  pause(): void;
  /** Let a paused server go on (SIGCONT). */
  resume(): void;
  /** Stop it and remove its data folder. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startPostgresServer}. */
export interface PostgresServerOptions {
  /** Listen on this port instead of a free one (to start a stopped server again in place). */
  port?: number;
  /** Run on this data folder, made by an earlier call, instead of a fresh one (kept on stop). */
  dir?: string;
  /** Extra `-c name=value` settings, e.g. `{ max_connections: '20' }`. */
  settings?: Readonly<Record<string, string>>;
}

/**
 * The folder of PostgreSQL's server binaries: Debian keeps them out of PATH, in
 * `/usr/lib/postgresql/<major>/bin`; the newest major wins. Falls back to PATH.
 * @throws Error naming the Debian package to install when `initdb` is nowhere.
 * @internal
 */
function binaries(): { initdb: string; postgres: string } {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors[0] !== undefined) {
    const bin = join(root, majors[0], 'bin');
    return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
  }
  try {
    execFileSync('initdb', ['--version'], { stdio: 'ignore' });
    return { initdb: 'initdb', postgres: 'postgres' };
  } catch {
    throw new Error('initdb is not installed: install it with `apt-get install postgresql`');
  }
}

/**
 * Who runs the server: the current user, or under root the `postgres` account (PostgreSQL refuses
 * root), whose ids are read with `id`.
 * @internal
 */
function runAs(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'PostgreSQL will not run as root and there is no `postgres` user: install `postgresql`, or run the tests as another user',
    );
  }
}

/**
 * The ids of the processes whose parent is `pid`, read from `/proc` (Linux).
 * @internal
 */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // `pid (comm) state ppid ...`: the command may hold spaces and parentheses, so read after the last `)`.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return children;
}

/**
 * Resolve once the server on `port` answers `SELECT 1`, or reject when the process exits first.
 * Each attempt waits for the previous connection to fail.
 * @internal
 */
async function waitForServer(url: string, child: ChildProcess, log: () => string): Promise<void> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (let attempt = 0; attempt < 500; attempt++) {
    if (exited) throw new Error(`postgres exited before accepting connections:\n${log()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`postgres on ${url} did not accept connections:\n${log()}`);
}

/**
 * Start a private PostgreSQL on a free loopback port, in a temporary data folder (or `options.dir`),
 * and wait until it accepts connections. User `postgres`, trust authentication, loopback only.
 * @param options - a fixed port or data folder, extra settings.
 * @returns the running server.
 * @throws Error when PostgreSQL is not installed or does not come up.
 *
 * @example
 * ```ts
 * const server = await startPostgresServer();
 * const pool = new pg.Pool({ connectionString: server.url });
 * // ...
 * await pool.end();
 * await server.stop();
 * ```
 */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = binaries();
  const user = runAs();
  const owner = user === undefined ? {} : { uid: user.uid, gid: user.gid };
  let dir = options.dir;
  if (dir === undefined) {
    dir = mkdtempSync(join(tmpdir(), 'sessionspec-postgres-'));
    if (user !== undefined) chownSync(dir, user.uid, user.gid);
    execFileSync(
      bin.initdb,
      ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      { stdio: 'pipe', ...owner },
    );
  }
  const port = options.port ?? (await freePort());
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: '',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    ...options.settings,
  };
  const args = [
    '-D',
    dir,
    ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ];
  const child = spawn(bin.postgres, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], ...owner });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitForServer(url, child, () => log);
  // Each backend makes itself a session leader, so a signal to the server's process group misses
  // them: the server and each of its children are signalled by id.
  const group = (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    for (const pid of [child.pid!, ...childrenOf(child.pid!)]) {
      try {
        process.kill(pid, signal);
      } catch (error) {
        // A backend that ended since it was listed.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
  };
  const halt = async (signal: 'SIGINT' | 'SIGQUIT' = 'SIGINT') => {
    group('SIGCONT');
    await stopProcess(child, signal);
  };
  return {
    port,
    url,
    pid: child.pid!,
    dir,
    halt,
    pause: () => group('SIGSTOP'),
    resume: () => group('SIGCONT'),
    async stop() {
      await halt();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
