/**
 * Command-line flags and environment of `npm run bench`.
 *
 * @packageDocumentation
 */

/** How long and how much the benchmark runs. */
export interface BenchOptions {
  /** A smoke run: seconds in all, no figure to trust, the correctness checks still judged. */
  quick: boolean;
  /** Rounds of the store-level figures; the operations are interleaved within a round. */
  rounds: number;
  /** Repetitions of the interleaved HTTP measurements: each gives one paired ratio per pair. */
  repetitions: number;
  /** Seconds of each HTTP measurement. */
  seconds: number;
  /** Seconds of warm-up before the first measurement of each HTTP variant and scenario. */
  warmupSeconds: number;
  /** Repetitions of the Redis cost pairs. */
  redisRepetitions: number;
  /** Milliseconds of each Redis cost measurement. */
  redisMs: number;
  /** Numbers of application processes of the scale-out figures. */
  scaleCounts: number[];
  /** Seconds of each scale-out measurement. */
  scaleSeconds: number;
  /** Repetitions of the scale-out measurements. */
  scaleRepetitions: number;
  /** Whether the scale-out figures include a Redis Cluster of three masters. */
  scaleCluster: boolean;
  /** Concurrent HTTP connections, each with its own cookie. */
  connections: number;
  /** Milliseconds of each store-level figure. */
  storeMs: number;
  /** Sessions of the contention scenario, one after another. */
  contentionSessions: number;
  /** Concurrent increments on each of those sessions (one connection each, all sharing the cookie). */
  contentionRequests: number;
  /** The handler's pause between reading and writing the counter, in milliseconds. */
  contentionDelayMs: number;
  /** Logout-versus-in-flight trials per variant. */
  raceTrials: number;
  /** Logins of a session another process keeps writing (progress under contention). */
  loginTrials: number;
  /** Connections writing that session meanwhile. */
  loginWriters: number;
  /** Increments of one session through two processes. */
  sharedIncrements: number;
  /** Connections per process sending them. */
  sharedConnections: number;
  /** Sessions created for the memory figures. */
  memorySessions: number;
  /** Only these HTTP variants (all when empty). */
  only: string[];
  /** Skip these parts: `store`, `http`, `redis`, `scale`, `contention`, `memory`. */
  skip: string[];
  /** Where the Markdown report goes; `null` prints only. */
  out: string | null;
  /** Directory for `--cpu-prof` of every server process, or `null`. */
  cpuProfDir: string | null;
}

const USAGE = `usage: npm run bench -- [--quick] [--repetitions N] [--seconds S] [--rounds N] [--connections C]
  [--only variant,variant] [--skip store,http,redis,scale,contention,memory] [--out FILE | --no-out]
  [--cpu-prof DIR]
Environment: BENCH_REPETITIONS, BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS override the defaults the
same way.`;

/**
 * Read the flags (then the environment, then the defaults).
 * @param argv - the arguments after the script name.
 * @param env - the environment.
 * @returns the options.
 * @throws TypeError on an unknown flag or a value that is not a positive number.
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new TypeError(`unexpected argument ${arg}\n${USAGE}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (['quick', 'no-out', 'help'].includes(name)) flags.set(name, true);
    else if (inline !== undefined) flags.set(name, inline);
    else if (i + 1 < argv.length) flags.set(name, argv[++i]!);
    else throw new TypeError(`--${name} needs a value\n${USAGE}`);
  }
  const known = [
    'quick',
    'no-out',
    'help',
    'rounds',
    'repetitions',
    'seconds',
    'connections',
    'only',
    'skip',
    'out',
    'cpu-prof',
  ];
  for (const name of flags.keys()) {
    if (!known.includes(name)) throw new TypeError(`unknown flag --${name}\n${USAGE}`);
  }
  if (flags.has('help')) throw new TypeError(USAGE);
  const quick = flags.has('quick');
  const number = (flag: string, envName: string, full: number, short: number): number => {
    const raw = flags.get(flag) ?? env[envName];
    if (raw === undefined || raw === true) return quick ? short : full;
    const value = Number(raw);
    if (!(value > 0) || !Number.isFinite(value)) throw new TypeError(`--${flag} must be a positive number`);
    return value;
  };
  const list = (flag: string): string[] => {
    const raw = flags.get(flag);
    return typeof raw === 'string' ? raw.split(',').filter((s) => s !== '') : [];
  };
  const out = flags.get('out');
  return {
    quick,
    rounds: Math.round(number('rounds', 'BENCH_ROUNDS', 3, 1)),
    repetitions: Math.round(number('repetitions', 'BENCH_REPETITIONS', 12, 1)),
    seconds: number('seconds', 'BENCH_SECONDS', 2, 1),
    warmupSeconds: quick ? 0.3 : 1,
    redisRepetitions: quick ? 1 : 8,
    redisMs: quick ? 100 : 1_000,
    scaleCounts: quick ? [1, 2] : [1, 2, 4],
    scaleSeconds: quick ? 1 : 3,
    scaleRepetitions: 1,
    scaleCluster: !quick,
    connections: Math.round(number('connections', 'BENCH_CONNECTIONS', 50, 10)),
    storeMs: quick ? 300 : 1_000,
    contentionSessions: quick ? 3 : 10,
    contentionRequests: 20,
    contentionDelayMs: 5,
    raceTrials: quick ? 3 : 10,
    loginTrials: quick ? 5 : 20,
    loginWriters: 16,
    sharedIncrements: quick ? 1_000 : 10_000,
    sharedConnections: 10,
    memorySessions: quick ? 1_000 : 10_000,
    only: list('only'),
    skip: list('skip'),
    // A quick run is a smoke test: it writes no report unless told where.
    out: flags.has('no-out') ? null : typeof out === 'string' ? out : quick ? null : 'docs/benchmarks.md',
    cpuProfDir: typeof flags.get('cpu-prof') === 'string' ? (flags.get('cpu-prof') as string) : null,
  };
}
