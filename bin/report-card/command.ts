/**
 * `sessionspec report-card <module>`: the conformance kit against an express-session store, through
 * the bridge (`bridge.ts`), with a fixed seed; prints the store's card as Markdown.
 *
 * @packageDocumentation
 */
import { basename } from 'node:path';
import { parseCommandArgs, UsageError } from '../args.js';
import { importPeer, MissingPeerError } from '../peer.js';
import { importUserModule, ModuleLoadError } from '../user-module.js';
import type { ExpressStore } from './bridge.js';
import type { ExpressSessionFactory } from './http.js';

/** What `sessionspec report-card --help` prints. */
export const REPORT_CARD_HELP = `Usage: sessionspec report-card <module> [--name name]

  module       a .js/.mjs file exporting createStore() (by name or as export default) that
               returns an express-session Store (or a promise of one), and optionally
               close(store) to close what it opened (a client, a pool) and name.
  --name name  the store's name on the card (default: the module's name export, or file name).

Runs the conformance kit through a bridge that uses only the Store API (get, set, destroy,
touch, all), with a fixed seed, and measures through express-session: lost updates out of 20
overlapping increments, sessions resurrected after a logout. Each rule is pass, fail, or not
expressible through the Store API (with the reason). See docs/report-card.md.

Needs express-session and fast-check (npm install --save-dev express-session fast-check).

Exit code: 0 when the card was printed (failing rules included), 2 on a usage error or when a
package is missing.
`;

/** What a store module exports. */
interface StoreModule {
  createStore?: unknown;
  close?: unknown;
  name?: unknown;
  default?: unknown;
}

/**
 * Run `sessionspec report-card`: the card on stdout, errors on stderr.
 * @param argv - the arguments after `report-card`.
 * @returns 0 when the card was printed, 2 on a usage error or a missing package.
 */
export async function reportCardCommand(argv: readonly string[]): Promise<number> {
  let path: string;
  let mod: StoreModule;
  let name: string;
  let card: typeof import('./card.js');
  let expressSession: ExpressSessionFactory;
  try {
    const { help, options, positionals } = parseCommandArgs(argv, ['name'], 1);
    if (help) {
      process.stdout.write(REPORT_CARD_HELP);
      return 0;
    }
    if (positionals[0] === undefined) throw new UsageError('give the module that exports createStore()');
    path = positionals[0];
    card = await importPeer('fast-check', 'the conformance kit', () => import('./card.js'));
    expressSession = (
      await importPeer('express-session', 'report-card', () => import('express-session' as string))
    ).default as ExpressSessionFactory;
    mod = (await importUserModule(path, 'report-card <module>')) as StoreModule;
    if (typeof mod.createStore !== 'function' && typeof mod.default === 'function')
      mod = { ...mod, createStore: mod.default };
    if (typeof mod.createStore !== 'function')
      throw new UsageError(
        `'${path}' must export createStore() returning an express-session Store (export function createStore, or export default)`,
      );
    if (mod.close !== undefined && typeof mod.close !== 'function')
      throw new UsageError(`'${path}' exports close, which must be a function close(store)`);
    name = options.name ?? (typeof mod.name === 'string' ? mod.name : basename(path));
  } catch (error) {
    // The arguments were right: the message alone, without the usage.
    if (error instanceof ModuleLoadError || error instanceof MissingPeerError) {
      process.stderr.write(`sessionspec report-card: ${error.message}\n`);
      return 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`sessionspec report-card: ${error.message}\n\n${REPORT_CARD_HELP}`);
      return 2;
    }
    throw error;
  }
  const store = (await (mod.createStore as () => unknown)()) as ExpressStore;
  if (
    typeof store?.get !== 'function' ||
    typeof store.set !== 'function' ||
    typeof store.destroy !== 'function'
  ) {
    process.stderr.write(
      `sessionspec report-card: createStore() of '${path}' returned no express-session Store (get, set, destroy)\n`,
    );
    await (mod.close as ((s: unknown) => unknown) | undefined)?.(store);
    return 2;
  }
  try {
    process.stdout.write(card.formatCard(await card.reportCard(name, store, expressSession)));
  } finally {
    await (mod.close as ((s: unknown) => unknown) | undefined)?.(store);
  }
  return 0;
}
