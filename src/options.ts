/**
 * Validation of the manager's options: programmer misuse throws a `TypeError` that says what to do.
 *
 * @packageDocumentation
 */

/** @internal A positive, finite number, or a TypeError naming the option. */
export function positive(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive, finite number`);
  }
  return value;
}

/** @internal A non-negative, finite number, or a TypeError naming the option. */
export function nonNegative(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative, finite number`);
  }
  return value;
}

/** @internal A non-empty user id, or a TypeError. */
export function requireUserId(userId: unknown): asserts userId is string {
  if (typeof userId !== 'string' || userId.length === 0)
    throw new TypeError('userId must be a non-empty string');
}

/** @internal LC-12: the cap as the committer uses it, or `null` when turned off (`false`). */
export function userCap(
  option: number | { max: number; onExceed?: 'end-oldest' | 'refuse' } | false | undefined,
  byDefault: number,
): { max: number; onExceed: 'end-oldest' | 'refuse' } | null {
  if (option === false) return null;
  const { max, onExceed = 'end-oldest' } =
    option === undefined ? { max: byDefault } : typeof option === 'number' ? { max: option } : option;
  if (!Number.isInteger(max) || max < 1)
    throw new TypeError('maxSessionsPerUser must be a positive integer, or false for no cap');
  if (onExceed !== 'end-oldest' && onExceed !== 'refuse') {
    throw new TypeError("maxSessionsPerUser.onExceed must be 'end-oldest' or 'refuse'");
  }
  return { max, onExceed };
}

/** The options `createSessionManager` takes. */
const MANAGER_OPTIONS: readonly string[] = [
  'store',
  'idleTimeout',
  'absoluteTimeout',
  'freshFor',
  'rotationGrace',
  'endOnReuse',
  'reuseMargin',
  'touchEvery',
  'maxSessionsPerUser',
  'clock',
  'onEvent',
  'maxSize',
  'storeTimeout',
  'userPageSize',
  'attempts',
  'backoffMs',
];

/** express-session's options, which belong elsewhere or nowhere. */
const EXPRESS_SESSION: Readonly<Record<string, string>> = {
  secret: 'tokens are random and only their hash is stored, so there is nothing to sign: remove `secret`',
  cookie: 'the cookie is configured on the HTTP integration (sessionMiddleware({ manager, cookie }))',
  name: 'the cookie name is `cookie: { name }` on the HTTP integration',
  resave: 'only changes are written: remove `resave`',
  saveUninitialized: 'an untouched new session is never stored: remove `saveUninitialized`',
  rolling: 'every access moves the idle deadline: `idleTimeout`',
  genid: 'session ids are random 128-bit values: remove `genid`',
  ttl: 'lifetimes are `idleTimeout` and `absoluteTimeout`, in milliseconds',
};

/**
 * @internal Refuse an option `createSessionManager` does not take (a typo, or express-session's),
 * naming what to do instead: an ignored option would leave the application believing it applies.
 * @throws TypeError naming the option.
 */
export function refuseUnknownOptions(options: object | undefined): void {
  if (typeof options !== 'object' || options === null) return;
  for (const key of Object.keys(options)) {
    if (MANAGER_OPTIONS.includes(key)) continue;
    const advice = Object.hasOwn(EXPRESS_SESSION, key)
      ? `: ${EXPRESS_SESSION[key]}`
      : ` (its options are ${MANAGER_OPTIONS.join(', ')})`;
    throw new TypeError(`createSessionManager: unknown option \`${key}\`${advice}`);
  }
}
