/**
 * `sessionspec conformance [module]`: run the conformance kit from the command line (CK-1, CK-9).
 *
 * The module (`.js` / `.mjs`; a `.ts` module when node runs under a TypeScript loader such as
 * `tsx`: `npx tsx node_modules/sessionspec/dist/bin/sessionspec.js conformance ./store.ts`) exports
 * `factory({ namespace })` returning `{ store, close }` (by name or as `export default`), and
 * optionally `supports` (a manifest override), `name`, and `teardown()` to close what it holds at
 * module level. Without a module the kit runs against a built-in store (`bin/stores/`): the memory
 * adapter by default, `--store redis|postgres --url ...` against that server (`--redis-url url` is
 * `--store redis --url url`), or `--store sqlite [--file path]` on a database file.
 *
 * @packageDocumentation
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { activeHandles, survivingHandles } from '../conformance/handles.js';
import { parseReplayToken } from '../conformance/replay.js';
import { formatFailure, formatReportTable, REPLAY_ENV } from '../conformance/report.js';
import type {
  ConformanceOptions,
  ConformanceProfile,
  ConformanceReport,
  ReplayToken,
  StoreFactory,
} from '../conformance/types.js';
import type { StoreSupports } from '../src/index.js';
import { checkWritable, parseCommandArgs, UsageError } from './args.js';
import { importPeer, MissingPeerError } from './peer.js';
import { STORE_OPTIONS, STORES } from './stores/index.js';
import { type Adapter, type StoreArgs, StoreUnreachableError } from './stores/types.js';
import { importUserModule, ModuleLoadError } from './user-module.js';

/** What `sessionspec conformance --help` prints. */
export const CONFORMANCE_HELP = `Usage: sessionspec conformance [module | --store name [--url url | --file path]] [--profile quick|deep]
                                [--budget seconds] [--seed N] [--only ids] [--replay <json>] [--json file]

  module            a .js/.mjs file exporting factory({ namespace }) => { store, close }
                    (by name or as export default), and optionally supports, name, and
                    teardown() to close what it holds at module level (a client, a pool).
                    .ts under a loader such as tsx.
  --store name      a built-in store instead of a module:
${Object.entries(STORES)
  .flatMap(([name, store]) =>
    store.help.map((line, i) => `${' '.repeat(20)}${(i === 0 ? name : '').padEnd(10)}${line}`),
  )
  .join('\n')}
  --url url         where the store's server is, e.g. redis://localhost:6379/0 or
                    postgres://postgres@localhost:5432/postgres.
  --file path       the database file of --store sqlite (default: a new temporary file).
  --redis-url url   the same as --store redis --url url.
  --profile         quick (default, for CI) or deep (many more runs).
  --budget seconds  the time budget of the run (default: 60 quick, 600 deep); a rule that
                    runs out stops early and the report shows the runs it reached.
  --seed N          the fast-check seed (default: fresh, printed).
  --only ids        run only these rules, comma-separated, e.g. ST-6,CK-3.
  --replay <json>   replay one failure with the token the report printed (or set ${REPLAY_ENV}).
  --json file       also write the machine-readable report to file (its folder must exist).

The kit runs on fast-check (npm install --save-dev fast-check).

Exit code: 0 when no rule fails (UNSUPPORTED rules are listed, not failed), 1 when a rule fails,
2 on a usage error, when fast-check or the store's client is not installed, or when the store's
server cannot be reached. The process ends after the report; a timer or socket still open then is named.
`;

/** Where the command writes: stdout for the report, stderr for progress and errors. */
export interface ConformanceIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const PROCESS_IO: ConformanceIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

interface Args {
  module?: string;
  /** A built-in store's name, and its options. */
  store?: string;
  storeArgs: StoreArgs;
  profile: ConformanceProfile;
  budgetMs?: number;
  seed?: number;
  only?: string[];
  replay?: ReplayToken;
  json?: string;
  help: boolean;
}

/** Parse the arguments after `conformance`; `--only` is checked against the kit's rules once it is loaded. */
function parseConformanceArgs(argv: readonly string[]): Args {
  const { help, options, positionals } = parseCommandArgs(
    argv,
    ['store', ...STORE_OPTIONS, 'redis-url', 'profile', 'budget', 'seed', 'only', 'replay', 'json'],
    1,
  );
  const args: Args = { profile: 'quick', help, storeArgs: {} };
  if (positionals[0] !== undefined) args.module = positionals[0];
  const { profile, budget, seed, only, replay, json } = options;
  const redisUrl = options['redis-url'];
  if (profile !== undefined) {
    if (profile !== 'quick' && profile !== 'deep')
      throw new UsageError(`--profile is quick or deep, not '${profile}'`);
    args.profile = profile;
  }
  if (seed !== undefined) {
    if (!/^-?\d+$/.test(seed) || !Number.isSafeInteger(Number(seed)))
      throw new UsageError(`--seed needs an integer, not '${seed}'`);
    args.seed = Number(seed);
  }
  if (replay !== undefined) {
    try {
      args.replay = parseReplayToken(replay);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  if (budget !== undefined) {
    const seconds = Number(budget);
    if (!(seconds > 0) || !Number.isFinite(seconds))
      throw new UsageError(`--budget needs a positive number of seconds, not '${budget}'`);
    args.budgetMs = seconds * 1000;
  }
  if (only !== undefined) args.only = only.split(',').filter(Boolean);
  if (json !== undefined) args.json = json;
  parseStore(args, options.store, redisUrl, options);
  return args;
}

/**
 * Read `--store` and its options into `args` (`--redis-url url` is `--store redis --url url`).
 * @throws UsageError on an unknown store, a store with a module, an option the store does not read, or
 *   a missing one.
 */
function parseStore(
  args: Args,
  store: string | undefined,
  redisUrl: string | undefined,
  options: Partial<Record<string, string>>,
): void {
  const given = STORE_OPTIONS.filter((name) => options[name] !== undefined);
  if (redisUrl !== undefined) {
    if (store !== undefined && store !== 'redis')
      throw new UsageError(`--redis-url is --store redis --url; it cannot go with --store ${store}`);
    if (options.url !== undefined) throw new UsageError('--redis-url or --url, not both');
    if (args.module !== undefined) throw new UsageError('a module or --redis-url, not both');
    args.store = 'redis';
    args.storeArgs = { url: redisUrl };
    return;
  }
  if (store === undefined) {
    if (given.length > 0) throw new UsageError(`--${given[0]} needs --store`);
    return;
  }
  const builtIn = Object.hasOwn(STORES, store) ? STORES[store] : undefined;
  if (builtIn === undefined)
    throw new UsageError(`--store is ${Object.keys(STORES).join(', ')}, not '${store}'`);
  if (args.module !== undefined) throw new UsageError('a module or --store, not both');
  const reads = [...builtIn.options, ...(builtIn.optional ?? [])];
  for (const name of given)
    if (!reads.includes(name)) throw new UsageError(`--store ${store} takes no --${name}`);
  for (const name of builtIn.options)
    if (options[name] === undefined) throw new UsageError(`--store ${store} needs --${name}`);
  args.store = store;
  for (const name of given) args.storeArgs[name] = options[name]!;
}

/** The kit, loaded on demand: it runs on fast-check, an optional peer, never loaded for `--help`. */
type Kit = typeof import('../conformance/run.js') & typeof import('../conformance/rules/index.js');

/**
 * Loads the kit and checks `--only` against its rules.
 * @throws MissingPeerError without fast-check; UsageError when `--only` names an unknown rule.
 */
async function loadKit(args: Args): Promise<Kit> {
  const [run, rules] = await importPeer('fast-check', 'the conformance kit', () =>
    Promise.all([import('../conformance/run.js'), import('../conformance/rules/index.js')]),
  );
  if (args.only !== undefined) {
    const known = rules.RULE_GROUPS.flatMap((group) => group.rules.map((rule) => rule.id));
    const unknown = args.only.filter((id) => !known.includes(id));
    if (unknown.length > 0 || args.only.length === 0)
      throw new UsageError(
        `--only names unknown rules '${unknown.join(',')}'; the rules are ${known.join(', ')}`,
      );
  }
  return { ...run, ...rules };
}

/** What an adapter module exports, by name or on its default export. */
interface AdapterModule {
  factory?: unknown;
  supports?: unknown;
  name?: unknown;
  teardown?: unknown;
  default?: unknown;
}

/**
 * Load the adapter module: its `factory`, and optional `supports`, `name` and `teardown`, exported by
 * name, or as `export default factory` or `export default { factory, ... }`.
 */
async function loadModule(path: string): Promise<Adapter> {
  const loaded = (await importUserModule(path, 'conformance <module>')) as AdapterModule;
  const fallback = loaded.default;
  const mod: AdapterModule =
    typeof loaded.factory === 'function' || fallback === undefined || fallback === null
      ? loaded
      : typeof fallback === 'function'
        ? { ...loaded, factory: fallback }
        : { ...(fallback as AdapterModule), ...loaded, factory: (fallback as AdapterModule).factory };
  if (typeof mod.factory !== 'function') {
    throw new UsageError(
      `'${path}' must export factory({ namespace }) returning { store, close } (export function factory, or export default factory); it exports ${Object.keys(loaded).join(', ') || 'nothing'}`,
    );
  }
  if (mod.supports !== undefined && (typeof mod.supports !== 'object' || mod.supports === null)) {
    throw new UsageError(`'${path}' exports supports, which must be an object like { locks: false }`);
  }
  if (mod.teardown !== undefined && typeof mod.teardown !== 'function') {
    throw new UsageError(
      `'${path}' exports teardown, which must be a function closing what the module holds`,
    );
  }
  return {
    name: typeof mod.name === 'string' ? mod.name : basename(path),
    factory: mod.factory as StoreFactory,
    ...(mod.supports === undefined ? {} : { supports: mod.supports as Partial<StoreSupports> }),
    ...(mod.teardown === undefined ? {} : { teardown: mod.teardown as () => unknown }),
  };
}

/**
 * Run `sessionspec conformance`: progress on stderr, the table and each failure (counterexample, seed,
 * path, replay command) on stdout, optionally the JSON report to a file.
 * @param argv - the arguments after `conformance`.
 * @param io - where to write (the process's streams by default).
 * @returns 0 when no rule fails, 1 when one does, 2 on a usage error, without fast-check or the store's
 *   client, or when the store's server cannot be reached.
 */
export async function conformance(argv: readonly string[], io: ConformanceIo = PROCESS_IO): Promise<number> {
  const baseline = activeHandles();
  let args: Args;
  let adapter: Adapter;
  let kit: Kit;
  try {
    args = parseConformanceArgs(argv);
    if (args.help) {
      io.stdout(CONFORMANCE_HELP);
      return 0;
    }
    kit = await loadKit(args);
    if (args.replay === undefined && process.env[REPLAY_ENV])
      args.replay = parseReplayToken(process.env[REPLAY_ENV]);
    if (args.json !== undefined) await checkWritable('--json', args.json);
    adapter =
      args.module === undefined
        ? await STORES[args.store ?? 'memory']!.open(args.storeArgs)
        : await loadModule(args.module);
  } catch (error) {
    // The arguments were right: the message alone, without the usage.
    if (
      error instanceof MissingPeerError ||
      error instanceof StoreUnreachableError ||
      error instanceof ModuleLoadError
    ) {
      io.stderr(`sessionspec conformance: ${error.message}\n`);
      return 2;
    }
    if (error instanceof UsageError || error instanceof TypeError) {
      io.stderr(`sessionspec conformance: ${error.message}\n\n${CONFORMANCE_HELP}`);
      return 2;
    }
    throw error;
  }
  try {
    return await run(kit, args, adapter, io);
  } finally {
    await adapter.teardown?.();
    const open = await survivingHandles(baseline);
    if (open.length > 0) {
      io.stderr(
        `sessionspec conformance: still open after the report${adapter.teardown === undefined ? '' : ' and teardown()'}: ${open.join(', ')}. ` +
          `${adapter.teardown === undefined ? 'Export teardown() from the module to close the clients or pools it holds at module level' : 'teardown() should close them'}; exiting anyway.\n`,
      );
    }
  }
}

/** Run the kit with the parsed arguments and print the report. */
async function run(kit: Kit, args: Args, adapter: Adapter, io: ConformanceIo): Promise<number> {
  const { teardown: _teardown, ...identity } = adapter;
  const options: ConformanceOptions = {
    ...identity,
    profile: args.profile,
    ...(args.budgetMs === undefined ? {} : { budgetMs: args.budgetMs }),
    ...(args.only === undefined ? {} : { only: args.only }),
    onProgress: (event) => {
      if (event.type === 'start') return;
      const { id, status, runs, planned, durationMs } = event.result;
      io.stderr(
        `  ${status === 'pass' ? 'pass' : status === 'fail' ? 'FAIL' : 'unsupported'}  ${id}  (${runs}${planned === undefined ? '' : `/${planned}`} runs, ${durationMs} ms)\n`,
      );
    },
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    ...(args.replay === undefined ? {} : { replay: args.replay }),
  };
  io.stderr(
    `sessionspec conformance: ${adapter.name}, profile ${args.profile}${args.replay ? `, replaying ${args.replay.rule}` : ''}\n`,
  );
  let report: ConformanceReport;
  try {
    report = await kit.runConformance(options);
  } catch (error) {
    if (error instanceof TypeError) {
      io.stderr(`sessionspec conformance: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  io.stdout(formatReportTable(report));
  const command = [
    'npx sessionspec conformance',
    args.module,
    args.store === undefined ? undefined : `--store ${args.store}`,
    ...Object.entries(args.storeArgs).map(([name, value]) => `--${name} ${value}`),
  ]
    .filter(Boolean)
    .join(' ');
  for (const result of report.rules)
    if (result.status === 'fail') io.stdout(`\n${formatFailure(result, command)}`);
  if (args.json !== undefined) await writeFile(args.json, `${JSON.stringify(report, null, 2)}\n`);
  return report.failed > 0 ? 1 : 0;
}
