/**
 * `sessionspec spec`: prints the lifecycle table computed from the machine, as Markdown or JSON.
 *
 * @packageDocumentation
 */
import { lifecycleTable, lifecycleTableMarkdown } from '../spec/table.js';
import { parseCommandArgs, UsageError } from './args.js';

/** What `sessionspec spec --help` prints. */
export const SPEC_HELP = `Usage: sessionspec spec [--format markdown|json]

  Print the lifecycle table (state, event, guard, next state, effects), computed from the machine.
  --format   markdown (default), or json: an array of { state, event, guard, next, effects }.
`;

/**
 * Runs `sessionspec spec`.
 * @param argv - the arguments after `spec`.
 * @returns the exit code: 0 on success, 2 on a usage error (unknown option or format).
 */
export function spec(argv: readonly string[]): number {
  let format: string;
  try {
    const args = parseCommandArgs(argv, ['format']);
    if (args.help) {
      process.stdout.write(SPEC_HELP);
      return 0;
    }
    format = args.options.format ?? 'markdown';
    if (format !== 'markdown' && format !== 'json')
      throw new UsageError(`unknown format '${format}' (expected markdown or json)`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sessionspec spec: ${error.message}\n\n${SPEC_HELP}`);
    return 2;
  }
  process.stdout.write(
    format === 'json' ? `${JSON.stringify(lifecycleTable(), null, 2)}\n` : lifecycleTableMarkdown(),
  );
  return 0;
}
