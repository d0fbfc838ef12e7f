/**
 * Option parsing shared by every command, on Node's `util.parseArgs` tokenizer: `--name value`,
 * `--name=value`, `--help` / `-h`, `--` before a positional that starts with a dash. Anything else that
 * looks like an option is a usage error, never silently ignored.
 *
 * @packageDocumentation
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** A usage error: the command prints the message and its usage, and exits with code 2. */
export class UsageError extends Error {}

/** What {@link parseCommandArgs} read. */
export interface CommandArgs<Name extends string> {
  /** `--help` or `-h` was given. */
  help: boolean;
  /** The value of each option given (the last one when repeated). */
  options: Partial<Record<Name, string>>;
  /** The arguments that are not options, in order. */
  positionals: string[];
}

/**
 * Reads a command's arguments.
 * @param argv - the arguments after the command's name.
 * @param names - the command's options, each taking a value (`--help` is always accepted).
 * @param positionals - how many positional arguments the command takes.
 * @returns the options and positionals.
 * @throws UsageError on an unknown option, an option without its value, `--help` with a value, or one
 * positional argument too many.
 */
export function parseCommandArgs<Name extends string>(
  argv: readonly string[],
  names: readonly Name[],
  positionals = 0,
): CommandArgs<Name> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of names) options[name] = { type: 'string' };
  // Not strict: the tokens carry unknown options too, so the message can name them plainly.
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const args: CommandArgs<Name> = { help: false, options: {}, positionals: [] };
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (args.positionals.length === positionals)
        throw new UsageError(`unexpected argument '${token.value}'`);
      args.positionals.push(token.value);
    } else if (token.name === 'help') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
      args.help = true;
    } else if (!(names as readonly string[]).includes(token.name)) {
      throw new UsageError(`unknown option '${token.rawName}'`);
    } else {
      if (token.value === undefined || token.value === '')
        throw new UsageError(`${token.rawName} needs a value`);
      args.options[token.name as Name] = token.value;
    }
  }
  return args;
}

/**
 * Fail before the work, not after it, when an output file cannot be written.
 * @param flag - the option that names the file (`--json`, `--out`).
 * @param file - the file.
 * @throws UsageError when its folder is missing or not writable, or the file is a folder.
 */
export async function checkWritable(flag: string, file: string): Promise<void> {
  const folder = dirname(resolve(file));
  try {
    if (!(await stat(folder)).isDirectory()) throw new Error('not a folder');
    await access(folder, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${file}: the folder ${folder} does not exist or is not writable`);
  }
  if (
    await stat(resolve(file)).then(
      (s) => s.isDirectory(),
      () => false,
    )
  )
    throw new UsageError(`${flag} ${file}: that is a folder, give a file name`);
}
