/**
 * The sessionspec command line: the one composition root that may import everything.
 *
 * Each command's module is loaded only when that command runs, so `help`, `spec` and `visualize` never
 * load the conformance kit, and its optional engine (fast-check) is needed by `conformance` alone.
 *
 * @packageDocumentation
 */
import { parseCommandArgs, UsageError } from './args.js';
import { packageVersion } from './version.js';

/** A command: its line in the usage, and its module, loaded on demand. */
interface Command {
  summary: string;
  load: () => Promise<{ help: string; run: (argv: readonly string[]) => number | Promise<number> }>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  spec: {
    summary: 'Print the lifecycle table computed from the machine (Markdown or JSON).',
    load: async () => {
      const { SPEC_HELP, spec } = await import('./spec.js');
      return { help: SPEC_HELP, run: spec };
    },
  },
  visualize: {
    summary: 'Draw the lifecycle machine (Mermaid, DOT, SVG or an HTML page).',
    load: async () => {
      const { VISUALIZE_HELP, visualize } = await import('./visualize/command.js');
      return { help: VISUALIZE_HELP, run: visualize };
    },
  },
  conformance: {
    summary: 'Check a store adapter against the store contract (default: the memory adapter).',
    load: async () => {
      const { CONFORMANCE_HELP, conformance } = await import('./conformance.js');
      return { help: CONFORMANCE_HELP, run: (argv) => conformance(argv) };
    },
  },
  'report-card': {
    summary: 'Grade an express-session store against the store contract (a report card).',
    load: async () => {
      const { REPORT_CARD_HELP, reportCardCommand } = await import('./report-card/command.js');
      return { help: REPORT_CARD_HELP, run: reportCardCommand };
    },
  },
};

const USAGE = `Usage: sessionspec <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(13)}${summary}`)
  .join('\n')}
  ${'help'.padEnd(13)}Show this message, or a command's options: sessionspec help <command>.

Every command answers --help; --version prints the version.
`;

/**
 * Run the CLI.
 * @param argv - the arguments after the program name.
 * @returns the process exit code: 0 on success, 1 when `conformance` finds a failing rule, 2 on a usage
 * error or a missing optional package.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [name = 'help', ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') return help(rest);
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${await packageVersion()}\n`);
    return 0;
  }
  const command = lookUp(name);
  if (command === undefined) return unknown('sessionspec', name);
  return (await command.load()).run(rest);
}

/** `sessionspec help [command]`: the usage, or a command's own help. */
async function help(argv: readonly string[]): Promise<number> {
  let topic: string | undefined;
  try {
    topic = parseCommandArgs(argv, [], 1).positionals[0];
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sessionspec help: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (topic === undefined) {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = lookUp(topic);
  if (command === undefined) return unknown('sessionspec help', topic);
  process.stdout.write((await command.load()).help);
  return 0;
}

/** @internal The command of that name, if there is one. */
function lookUp(name: string): Command | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** @internal A usage error for an unknown command (or an option where a command was expected). */
function unknown(prefix: string, name: string): number {
  const what = name.startsWith('-') ? 'option' : 'command';
  process.stderr.write(`${prefix}: unknown ${what} '${name}'\n\n${USAGE}`);
  return 2;
}
