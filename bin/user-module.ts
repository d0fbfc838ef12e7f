/**
 * The module a command is given (`sessionspec conformance ./my-store.mjs`, `sessionspec report-card
 * ./my-store.mjs`), loaded from the current directory.
 *
 * @packageDocumentation
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The given module could not be loaded. The arguments were right, so the command prints this one line
 * without its usage, and exits with code 2.
 */
export class ModuleLoadError extends Error {}

/**
 * Import the module at `path`.
 * @param path - as given on the command line, relative to the current directory.
 * @param command - the command line to show in the hint for a TypeScript module, with `<module>` for
 *   the path (e.g. `conformance <module>`).
 * @returns the module's namespace.
 * @throws ModuleLoadError when it cannot be loaded: its message names the path and the cause; for a
 *   TypeScript module Node cannot load, how to run the command under tsx.
 */
export async function importUserModule(path: string, command: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    const typescript = code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[cm]?tsx?$/.test(path);
    const hint = typescript
      ? `. Node loads TypeScript only through a loader: npx tsx node_modules/sessionspec/dist/bin/sessionspec.js ${command.replace('<module>', path)} (or compile the module to .js)`
      : '';
    throw new ModuleLoadError(`cannot load '${path}': ${String(message)}${hint}`, { cause: error });
  }
}
