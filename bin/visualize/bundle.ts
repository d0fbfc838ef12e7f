/**
 * The HTML page's script: `simulator-ui` with the lifecycle machine and xstate, bundled into one
 * browser script so the page stays one offline file. A built package ships it prebuilt
 * (`simulator.bundle.js`, written by `npm run build` from the built JavaScript); from the sources it is
 * bundled on demand with esbuild, a development dependency.
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The file name of the prebuilt script, next to this module in the built package. */
export const BUNDLE_FILE = 'simulator.bundle.js';

/**
 * Bundles the page's script with esbuild, from this module's own folder: the built JavaScript in a
 * built package, the TypeScript sources otherwise.
 * @returns the script, an IIFE with everything it needs.
 * @throws Error when esbuild is not installed (it is a development dependency), or the bundle fails.
 */
export async function bundleSimulator(): Promise<string> {
  const { build } = await import('esbuild');
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./simulator-ui${extension}`, import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error('bundleSimulator: esbuild wrote no output');
  return text;
}

let cached: Promise<string> | undefined;

/**
 * The page's script: the prebuilt bundle when there is one, else bundled now.
 * @returns the script.
 * @throws Error when there is no prebuilt bundle and esbuild is not installed.
 */
export function simulatorScript(): Promise<string> {
  cached ??= readFile(new URL(`./${BUNDLE_FILE}`, import.meta.url), 'utf8').catch((error: unknown) => {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    return bundleSimulator();
  });
  return cached;
}
