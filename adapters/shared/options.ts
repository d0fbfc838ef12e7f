/**
 * A store's options are checked by name: one the store does not know (a typo, or an option of the
 * library it replaces, such as connect-pg-simple's `tableName`) is refused with what to write
 * instead, never ignored. Shared by every adapter.
 *
 * @packageDocumentation
 */

/** What to do with a time-to-live option of the library being replaced (`ttl`). @internal */
export const TTL_ADVICE =
  'lifetimes are `idleTimeout` and `absoluteTimeout` on createSessionManager, in milliseconds';

/**
 * Refuse any own key of `options` that is not in `known`.
 * @param caller - the factory, for the message (e.g. `'createPostgresStore'`).
 * @param options - what the application passed.
 * @param known - the option names the factory takes.
 * @param habits - options of the libraries people move from, and what to do instead.
 * @throws TypeError naming the first unknown option, the advice for it if any, and the known ones.
 * @internal
 */
export function refuseUnknownOptions(
  caller: string,
  options: object,
  known: readonly string[],
  habits: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const advice = Object.hasOwn(habits, key) ? `: ${habits[key]}` : '';
    throw new TypeError(
      `${caller}: unknown option \`${key}\`${advice} (its options are ${known.join(', ')})`,
    );
  }
}
