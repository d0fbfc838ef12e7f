/**
 * `sessionspec --version`: the version of the installed package, read from its own `package.json`.
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';

/**
 * The package's version: the nearest `package.json` named `sessionspec` above this module (the
 * sources in a clone, `dist/bin` in the installed package).
 * @returns the version, such as `0.1.0`.
 * @throws Error when no such `package.json` is found.
 */
export async function packageVersion(): Promise<string> {
  for (let up = new URL('../', import.meta.url), depth = 0; depth < 4; up = new URL('../', up), depth += 1) {
    const text = await readFile(new URL('package.json', up), 'utf8').catch(() => null);
    if (text === null) continue;
    const manifest = JSON.parse(text) as { name?: unknown; version?: unknown };
    if (manifest.name === 'sessionspec' && typeof manifest.version === 'string') return manifest.version;
  }
  throw new Error('sessionspec: its package.json was not found beside the program');
}
