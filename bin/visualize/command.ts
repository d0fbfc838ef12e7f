/**
 * `sessionspec visualize`: draws the lifecycle machine in one of four formats, offline (VIS-1).
 *
 * @packageDocumentation
 */
import { readFile, writeFile } from 'node:fs/promises';
import { type MachineGraph, machineGraph } from '../../spec/graph.js';
import { checkWritable, parseCommandArgs, UsageError } from '../args.js';
import { importPeer, MissingPeerError } from '../peer.js';
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

/** What `sessionspec visualize --help` prints. */
export const VISUALIZE_HELP = `Usage: ${VISUALIZE_SYNOPSIS}

  Draw the lifecycle machine, offline.
  --format   mermaid (default), dot, svg or html (a page with the diagram and the rules);
             svg and html need @viz-js/viz (npm install --save-dev @viz-js/viz).
  --out      the file to write (default: stdout).
  --trace    html only: step through a lifecycle failure of \`sessionspec conformance --json\`
             (needs fast-check, like the kit).
`;

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

/** @internal Reads `--format`, `--out` and `--trace` (`--name value` or `--name=value`). */
function parse(argv: readonly string[]): {
  help: boolean;
  format: Format;
  out: string | null;
  trace: string | null;
} {
  const { help, options } = parseCommandArgs(argv, ['format', 'out', 'trace']);
  const format = options.format ?? 'mermaid';
  if (!isFormat(format)) {
    throw new UsageError(`unknown format '${format}' (expected one of: ${FORMATS.join(', ')})`);
  }
  const trace = options.trace ?? null;
  if (trace !== null && format !== 'html') throw new UsageError('--trace needs --format html');
  return { help, format, out: options.out ?? null, trace };
}

/**
 * Runs `sessionspec visualize`: draws the machine and writes it to `--out` or to stdout.
 * @param argv - the arguments after `visualize`.
 * @returns the exit code: 0 on success, 1 when the `--trace` report cannot be read (the message says
 *   why), 2 on a usage error (unknown option or format, missing value, `--trace` without html) or when
 *   svg or html is asked for without @viz-js/viz installed, or when `--out` names a missing or
 *   read-only folder.
 * @example
 * ```sh
 * sessionspec visualize --format html --out machine.html
 * ```
 */
export async function visualize(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(argv);
    if (options.out !== null) await checkWritable('--out', options.out);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sessionspec visualize: ${error.message}\nUsage: ${VISUALIZE_SYNOPSIS}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(VISUALIZE_HELP);
    return 0;
  }
  let trace: SimTrace | undefined;
  if (options.trace !== null) {
    try {
      // Loaded only for --trace: it reads the kit's step format, and the kit needs fast-check.
      const { traceFromReport } = await importPeer('fast-check', '--trace', () => import('./trace.js'));
      trace = traceFromReport(JSON.parse(await readFile(options.trace, 'utf8')));
    } catch (error) {
      // Bad input, not a crash: an unreadable file, JSON that is not a report, a report without a
      // lifecycle failure. The message says which.
      process.stderr.write(`sessionspec visualize: --trace ${options.trace}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  let document: string;
  try {
    document = await render(machineGraph(), options.format, trace);
  } catch (error) {
    if (!(error instanceof MissingPeerError)) throw error;
    process.stderr.write(`sessionspec visualize: ${error.message}\n`);
    return 2;
  }
  if (options.out === null) process.stdout.write(document);
  else await writeFile(options.out, document);
  return 0;
}
