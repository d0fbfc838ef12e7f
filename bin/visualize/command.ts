/**
 * `sessionspec visualize`: draws the lifecycle machine in one of four formats, offline (VIS-1).
 *
 * @packageDocumentation
 */
import { readFile, writeFile } from 'node:fs/promises';
import { type MachineGraph, machineGraph } from '../../spec/graph.js';
import { toDot } from './dot.js';
import { toHtml } from './html.js';
import { toMermaid } from './mermaid.js';
import { toSvg } from './svg.js';
import type { SimTrace } from './trace.js';

/** The formats `sessionspec visualize` draws. */
export const FORMATS = ['mermaid', 'dot', 'svg', 'html'] as const;

/** One of {@link FORMATS}. */
export type Format = (typeof FORMATS)[number];

/** How the command is called. */
export const VISUALIZE_SYNOPSIS =
  'sessionspec visualize [--format mermaid|dot|svg|html] [--out file] [--trace report.json]';

/** The usage line of the command, for the CLI's help. */
export const VISUALIZE_USAGE =
  'visualize   Draw the lifecycle machine: [--format mermaid|dot|svg|html] (default mermaid) [--out file] (default stdout)\n' +
  '              [--trace report.json] (html: step through a lifecycle failure of `sessionspec conformance --json`).';

/**
 * Checks a format name.
 * @param name - the name given on the command line.
 * @returns whether it is one of {@link FORMATS}.
 */
export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

/**
 * Draws the machine's graph in a format.
 * @param graph - the machine's graph, from `machineGraph()`.
 * @param format - the format.
 * @param trace - for `html`: a reported lifecycle failure for the simulator to step through.
 * @returns the document: Mermaid or DOT source, an SVG document, or an HTML page.
 */
export async function render(graph: MachineGraph, format: Format, trace?: SimTrace): Promise<string> {
  switch (format) {
    case 'mermaid':
      return toMermaid(graph);
    case 'dot':
      return toDot(graph);
    case 'svg':
      return toSvg(graph);
    case 'html':
      return toHtml(graph, trace === undefined ? {} : { trace });
  }
}

/** @internal A usage error: the message goes to stderr and the exit code is 2. */
class UsageError extends Error {}

/** @internal `--name value` or `--name=value`. */
function parse(argv: readonly string[]): { format: Format; out: string | null; trace: string | null } {
  let format: string = 'mermaid';
  let out: string | null = null;
  let trace: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    if (name !== '--format' && name !== '--out' && name !== '--trace') {
      throw new UsageError(`unknown option '${arg}'`);
    }
    const value = eq !== -1 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    if (name === '--format') format = value;
    else if (name === '--out') out = value;
    else trace = value;
  }
  if (!isFormat(format)) {
    throw new UsageError(`unknown format '${format}' (expected one of: ${FORMATS.join(', ')})`);
  }
  if (trace !== null && format !== 'html') throw new UsageError('--trace needs --format html');
  return { format, out, trace };
}

/**
 * Runs `sessionspec visualize`: draws the machine and writes it to `--out` or to stdout.
 * @param argv - the arguments after `visualize`.
 * @returns the exit code: 0 on success, 1 when the `--trace` report cannot be read (the message says
 *   why), 2 on a usage error (unknown option or format, missing value, `--trace` without html).
 * @throws Error when the output file cannot be written.
 * @example
 * ```sh
 * sessionspec visualize --format html --out machine.html
 * ```
 */
export async function visualize(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sessionspec visualize: ${error.message}\nUsage: ${VISUALIZE_SYNOPSIS}\n`);
    return 2;
  }
  let trace: SimTrace | undefined;
  if (options.trace !== null) {
    try {
      // Loaded only for --trace: it reads the kit's step format, and the kit needs fast-check.
      const { traceFromReport } = await import('./trace.js');
      trace = traceFromReport(JSON.parse(await readFile(options.trace, 'utf8')));
    } catch (error) {
      // Bad input, not a crash: an unreadable file, JSON that is not a report, a report without a
      // lifecycle failure. The message says which.
      process.stderr.write(`sessionspec visualize: --trace ${options.trace}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  const document = await render(machineGraph(), options.format, trace);
  if (options.out === null) process.stdout.write(document);
  else await writeFile(options.out, document);
  return 0;
}
