/**
 * `sessionspec conformance [module]`: run the conformance kit from the command line (CK-1, CK-9).
 *
 * The module (`.js` / `.mjs`; a `.ts` module when node runs under a TypeScript loader such as
 * `tsx`: `npx tsx node_modules/sessionspec/dist/bin/sessionspec.js conformance ./store.ts`) exports
 * `factory({ namespace })` returning `{ store, close }`, and optionally `supports` (a manifest
 * override) and `name`. Without a module the kit runs against the built-in memory adapter.
 *
 * @packageDocumentation
 */
import { writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMemoryStore } from '../adapters/memory/index.js';
import { parseReplayToken } from '../conformance/replay.js';
import { formatFailure, formatReportTable, REPLAY_ENV } from '../conformance/report.js';
import { runConformance } from '../conformance/run.js';
import type {
  ConformanceOptions,
  ConformanceProfile,
  ReplayToken,
  StoreFactory,
} from '../conformance/types.js';
import type { StoreSupports } from '../src/index.js';

/** The usage line of `sessionspec help`. */
export const CONFORMANCE_USAGE =
  'conformance Check a store adapter against the store contract (default: the memory adapter):' +
  ' [module] [--profile quick|deep] [--seed N] [--replay <json>] [--json file].';

const HELP = `Usage: sessionspec conformance [module] [--profile quick|deep] [--seed N] [--replay <json>] [--json file]

  module            a .js/.mjs file exporting factory({ namespace }) => { store, close },
                    and optionally supports and name (.ts under a loader such as tsx).
                    Default: the built-in memory adapter.
  --profile         quick (default, for CI) or deep (many more runs).
  --seed N          the fast-check seed (default: fresh, printed).
  --replay <json>   replay one failure with the token the report printed (or set ${REPLAY_ENV}).
  --json file       also write the machine-readable report to file.

Exit code: 0 when no rule fails (UNSUPPORTED rules are listed, not failed), 1 when a rule fails,
2 on a usage error.
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

/** A usage error: exit code 2. */
class UsageError extends Error {}

interface Args {
  module?: string;
  profile: ConformanceProfile;
  seed?: number;
  replay?: ReplayToken;
  json?: string;
  help: boolean;
}

/** Parse the arguments after `conformance`. */
function parseArgs(argv: readonly string[]): Args {
  const args: Args = { profile: 'quick', help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--profile') {
      const profile = value();
      if (profile !== 'quick' && profile !== 'deep')
        throw new UsageError(`--profile is quick or deep, not '${profile}'`);
      args.profile = profile;
    } else if (arg === '--seed') {
      const text = value();
      const seed = Number(text);
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(seed))
        throw new UsageError(`--seed needs an integer, not '${text}'`);
      args.seed = seed;
    } else if (arg === '--replay') {
      try {
        args.replay = parseReplayToken(value());
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    } else if (arg === '--json') args.json = value();
    else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    else if (args.module === undefined) args.module = arg;
    else throw new UsageError(`one module only, got '${args.module}' and '${arg}'`);
  }
  return args;
}

/** The built-in memory adapter, one store per namespace. */
const memoryFactory: StoreFactory = ({ namespace }) => {
  const store = createMemoryStore({ namespace });
  return { store, close: () => store.close() };
};

/** Load the adapter module: its `factory`, and optional `supports` and `name`. */
async function loadModule(path: string): Promise<Pick<ConformanceOptions, 'name' | 'factory' | 'supports'>> {
  let mod: { factory?: unknown; supports?: unknown; name?: unknown };
  try {
    mod = (await import(pathToFileURL(resolve(path)).href)) as typeof mod;
  } catch (error) {
    throw new UsageError(`cannot load '${path}': ${(error as Error).message}`);
  }
  if (typeof mod.factory !== 'function') {
    throw new UsageError(`'${path}' must export factory({ namespace }) returning { store, close }`);
  }
  if (mod.supports !== undefined && (typeof mod.supports !== 'object' || mod.supports === null)) {
    throw new UsageError(`'${path}' exports supports, which must be an object like { locks: false }`);
  }
  return {
    name: typeof mod.name === 'string' ? mod.name : basename(path),
    factory: mod.factory as StoreFactory,
    ...(mod.supports === undefined ? {} : { supports: mod.supports as Partial<StoreSupports> }),
  };
}

/**
 * Run `sessionspec conformance`: progress on stderr, the table and each failure (counterexample, seed,
 * path, replay command) on stdout, optionally the JSON report to a file.
 * @param argv - the arguments after `conformance`.
 * @param io - where to write (the process's streams by default).
 * @returns 0 when no rule fails, 1 when one does, 2 on a usage error.
 */
export async function conformance(argv: readonly string[], io: ConformanceIo = PROCESS_IO): Promise<number> {
  let args: Args;
  let adapter: Pick<ConformanceOptions, 'name' | 'factory' | 'supports'>;
  try {
    args = parseArgs(argv);
    if (args.help) {
      io.stdout(HELP);
      return 0;
    }
    if (args.replay === undefined && process.env[REPLAY_ENV])
      args.replay = parseReplayToken(process.env[REPLAY_ENV]);
    adapter =
      args.module === undefined ? { name: 'memory', factory: memoryFactory } : await loadModule(args.module);
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError) {
      io.stderr(`sessionspec conformance: ${error.message}\n\n${HELP}`);
      return 2;
    }
    throw error;
  }
  const options: ConformanceOptions = {
    ...adapter,
    profile: args.profile,
    onProgress: (event) => {
      if (event.type === 'start') return;
      const { id, status, runs, durationMs } = event.result;
      io.stderr(
        `  ${status === 'pass' ? 'pass' : status === 'fail' ? 'FAIL' : 'unsupported'}  ${id}  (${runs} runs, ${durationMs} ms)\n`,
      );
    },
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    ...(args.replay === undefined ? {} : { replay: args.replay }),
  };
  io.stderr(
    `sessionspec conformance: ${adapter.name}, profile ${args.profile}${args.replay ? `, replaying ${args.replay.rule}` : ''}\n`,
  );
  let report: Awaited<ReturnType<typeof runConformance>>;
  try {
    report = await runConformance(options);
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
    args.profile === 'deep' ? '--profile deep' : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  for (const result of report.rules)
    if (result.status === 'fail') io.stdout(`\n${formatFailure(result, command)}`);
  if (args.json !== undefined) await writeFile(args.json, `${JSON.stringify(report, null, 2)}\n`);
  return report.failed > 0 ? 1 : 0;
}
