/**
 * Which conformance rules the express-session Store API can express, and why the others cannot: a
 * rule that can never pass through `get` / `set` / `destroy` / `all` is reported "not expressible" with
 * its reason, never failed because of the bridge (docs/report-card.md).
 *
 * @packageDocumentation
 */

/** Why a rule can never be measured through the Store API, by rule id. */
export const NEVER: Readonly<Record<string, string>> = {
  'ST-3':
    'the store expires sessions by its own clock (from cookie.expires); the Store API takes no "now", so expiry at a given instant cannot be asked',
  'ST-2.purge': 'the Store API has no purge at a given time; the store purges by its own clock',
  'ST-4': 'the Store API has no capability manifest; the one checked would be the bridge’s',
  'ST-5': 'the Store API has no user index; one derived from all() is always in step',
  'CC-1':
    'set() replaces whatever is stored: the Store API has no compare-and-set, so a write cannot be conditioned on the one it replaces',
  'CC-1.failover': 'no conditional write (see CC-1), so no write id to lose in a fail-over',
  'CC-7': 'no conditional write (see CC-1): a retried set() is applied again',
  'CC-8':
    'concurrent operations cannot be linearizable without an atomic insert-if-absent and compare-and-set; the HTTP consequences above measure what this costs',
  'CK-5.parallel': 'as CC-8, between parallel clients',
  'CK-7': 'as CC-8, with faults injected',
  'CK-6.rotation': 'as CC-8: two rotations both win without a compare-and-set',
  'CK-6.increment': 'as CC-8: measured through express-session above (lost updates)',
  'CK-6.resurrection': 'as CC-8: measured through express-session above (resurrections)',
  'CK-6.revoke-all': 'as CC-8, between a revoke-all and a login',
  'CC-5': 'the Store API has no locks',
  'SEC-3': 'the Store API cannot plant undecodable bytes',
  'SEC-2': 'measures the session manager with faults the kit injects, not the store',
  'CK-8.close': 'the Store API has no close(); the module closes its own client',
};

/**
 * The rules that need the store's optional `all()`: the user index, and the rules that check it along
 * with each record (ST-1, ST-6, ST-7, ID-4 and CC-4 list the user's sessions after each step).
 */
export const NEEDS_ALL: readonly string[] = [
  'ST-1',
  'ST-6',
  'ST-7',
  'ID-4',
  'CC-4',
  'ST-2.list',
  'ST-2.destroy-by-user',
  'ST-2.pages',
  'CK-3',
  'CK-8.teardown',
  'CK-8.isolation',
  'CK-4.paths',
  'CK-4.walks',
];

/**
 * Why the rule cannot be measured on this store, or `undefined` when it can.
 * @param id - a rule id of the kit.
 * @param hasAll - the store implements `all()`.
 * @returns the reason, or `undefined`.
 */
export function notExpressible(id: string, hasAll: boolean): string | undefined {
  if (Object.hasOwn(NEVER, id)) return NEVER[id];
  if (!hasAll && NEEDS_ALL.includes(id))
    return 'the store has no all(), the Store API’s only way to list sessions, and this rule lists a user’s sessions';
  return undefined;
}
