/**
 * The sessionspec command line: the one composition root that may import everything.
 *
 * @packageDocumentation
 */
import { lifecycleTableMarkdown } from '../spec/index.js';
import { CONFORMANCE_USAGE, conformance } from './conformance.js';
import { VISUALIZE_USAGE, visualize } from './visualize/command.js';

const USAGE = `Usage: sessionspec <command>

Commands:
  spec        Print the lifecycle table (state, event, guard, next state, effects), computed from the machine.
  ${VISUALIZE_USAGE}
  ${CONFORMANCE_USAGE}
  help        Show this message.
`;

/**
 * Run the CLI.
 * @param argv - the arguments after the program name.
 * @returns the process exit code: 0 on success, 2 on a usage error.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [command = 'help'] = argv;
  switch (command) {
    case 'spec':
      process.stdout.write(lifecycleTableMarkdown());
      return 0;
    case 'visualize':
      return visualize(argv.slice(1));
    case 'conformance':
      return conformance(argv.slice(1));
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`sessionspec: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}
