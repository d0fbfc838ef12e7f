/**
 * Habits of express-session (and @fastify/session) that would fail silently in JavaScript: options that
 * do not exist here, properties assigned to the session, callbacks passed to its methods. Each is turned
 * into a `TypeError` that names the sessionspec way, unless the application opts into the compatibility
 * surface (`expressSessionCompat`). A call that passes a callback gets the error through it, as
 * express-session reports its errors: the caller's `next(err)` answers 500, where a throw from inside a
 * promise chain (Passport's `req.login` under an async verify function) would end the process.
 *
 * @packageDocumentation
 */
import type { Session } from '../session.js';

const COMPAT = ' (code written for express-session can run unchanged with `expressSessionCompat: true`)';

/** express-session options and what to do instead. */
const OPTIONS: Record<string, string> = {
  secret: 'tokens are random and only their hash is stored, so there is nothing to sign: remove `secret`',
  resave: 'only changes are written, as compare-and-set patches: remove `resave`',
  saveUninitialized: 'an untouched new session is never stored: remove `saveUninitialized`',
  rolling:
    'every access moves the idle deadline (touches are throttled): set `idleTimeout` on createSessionManager',
  store: 'the store belongs to the manager: createSessionManager({ store })',
  genid: 'session ids are random 128-bit values: remove `genid`',
  name: 'the cookie name is `cookie: { name }`',
  proxy: "the framework's trust-proxy setting applies (Express: app.set('trust proxy', 1))",
  unset: 'req.session.delete(key) removes a value and destroy() ends the session: remove `unset`',
};

/** express-session cookie options and what to do instead. */
const COOKIE_OPTIONS: Record<string, string> = {
  maxAge:
    'lifetimes are `idleTimeout` and `absoluteTimeout` on createSessionManager; a "remember me" cookie is ' +
    '`authenticate(userId, { persistent: true })` or `setExpiry({ persistent: true })`',
  expires: 'lifetimes are `idleTimeout` and `absoluteTimeout` on createSessionManager',
  httpOnly: 'the session cookie is always HttpOnly: remove `httpOnly`',
  priority: 'remove `priority`',
  partitioned: 'remove `partitioned`',
  signed: 'tokens are random and only their hash is stored: remove `signed`',
};

/**
 * @internal Refuse express-session options with the equivalent, instead of ignoring them.
 * @param options - the integration's options.
 * @throws TypeError naming the equivalent.
 */
export function rejectForeignOptions(options: object): void {
  for (const [key, advice] of Object.entries(OPTIONS)) {
    if (key in options) throw new TypeError(`sessionspec has no \`${key}\` option: ${advice}`);
  }
  const cookie = (options as { cookie?: unknown }).cookie;
  if (typeof cookie !== 'object' || cookie === null) return;
  for (const [key, advice] of Object.entries(COOKIE_OPTIONS)) {
    if (key in cookie) throw new TypeError(`sessionspec has no \`cookie.${key}\` option: ${advice}`);
  }
}

/** express-session members a session handle does not have, and the sessionspec way. */
const MISSING: Record<string, string> = {
  regenerate:
    'req.session.regenerate() does not exist: at login call req.session.authenticate(userId), which ' +
    'rotates the token (req.session.rotate() rotates without a login); with Passport, install ' +
    "app.use(passportSessions(passport)) from 'sessionspec/express' before passport.initialize()",
  save: 'req.session.save() does not exist: changes are committed before the response goes out',
  reload: 'req.session.reload() does not exist: the session is read once per request',
  resetMaxAge: 'req.session.resetMaxAge() does not exist: every access moves the idle deadline',
  cookie:
    'req.session.cookie does not exist: the cookie is configured once (`cookie` option); per session, use ' +
    'setExpiry({ persistent }) or authenticate(userId, { persistent: true })',
};

/** Methods whose function argument is legitimate. */
const TAKES_FUNCTION = new Set(['update']);

/**
 * @internal A member of the session handle, with methods bound to the handle itself (a proxy must not
 * stand in for `this`, or private fields would fail).
 */
export function member(
  target: Session,
  prop: string | symbol,
  bound: Map<string | symbol, unknown>,
): unknown {
  const value: unknown = Reflect.get(target, prop, target);
  if (typeof value !== 'function') return value;
  let fn = bound.get(prop);
  if (fn === undefined) {
    fn = (value as (...args: unknown[]) => unknown).bind(target);
    bound.set(prop, fn);
  }
  return fn;
}

/** The methods each guarded handle has handed out, made on first use. */
const guardedMethods = new WeakMap<Session, Map<string | symbol, unknown>>();

/**
 * The one handler of every guarded view: it keeps nothing per request, so a request pays for its
 * proxy and for the methods it reads, not for a handler of its own.
 */
const GUARD: ProxyHandler<Session> = {
  get(target, prop) {
    if (typeof prop === 'string' && Object.hasOwn(MISSING, prop) && !(prop in target)) {
      if (prop === 'cookie') throw new TypeError(MISSING[prop] + COMPAT);
      return (...args: unknown[]) => refuse(MISSING[prop] + COMPAT, args);
    }
    const value: unknown = Reflect.get(target, prop, target);
    if (typeof value !== 'function') return value;
    let methods = guardedMethods.get(target);
    if (methods === undefined) {
      methods = new Map();
      guardedMethods.set(target, methods);
    }
    let fn = methods.get(prop);
    if (fn === undefined) {
      const method = value as (...args: unknown[]) => unknown;
      fn =
        typeof prop !== 'string' || TAKES_FUNCTION.has(prop)
          ? method.bind(target)
          : refusingCallbacks(target, prop, method);
      methods.set(prop, fn);
    }
    return fn;
  },
  set(_target, prop) {
    throw new TypeError(assignment(String(prop)));
  },
  defineProperty(_target, prop) {
    throw new TypeError(assignment(String(prop)));
  },
  deleteProperty(_target, prop) {
    throw new TypeError(
      `delete req.session.${String(prop)} is not saved: use req.session.delete('${String(prop)}')${COMPAT}`,
    );
  },
};

/**
 * @internal The session as `req.session` shows it without the compatibility surface: the handle itself,
 * except that assigning or deleting a property, calling an express-session method, or passing a callback
 * throws a `TypeError` that names the sessionspec way, instead of failing silently.
 * @param session - the request's session.
 * @returns the guarded view.
 */
export function guardSession(session: Session): Session {
  return new Proxy(session, GUARD);
}

/**
 * @internal A method of the handle, called on the handle itself (a proxy must not stand in for `this`,
 * or private fields would fail), that refuses a callback argument.
 */
function refusingCallbacks(
  target: Session,
  prop: string,
  method: (...args: unknown[]) => unknown,
): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    if (args.some((arg) => typeof arg === 'function')) {
      return refuse(
        `req.session.${prop}() takes no callback: it applies at once and is committed before the ` +
          `response goes out, so call it and then respond${COMPAT}`,
        args,
      );
    }
    return method.apply(target, args);
  };
}

/**
 * @internal Refuse a call: through its callback (the last argument, when it is a function), as
 * express-session reports errors, so `next(err)` answers the request; otherwise by throwing. Nothing is
 * done either way.
 * @param message - what to do instead.
 * @param args - the call's arguments.
 * @throws TypeError when the call has no callback.
 */
function refuse(message: string, args: readonly unknown[]): undefined {
  const callback = args.at(-1);
  if (typeof callback !== 'function') throw new TypeError(message);
  callback(new TypeError(message));
  return undefined;
}

/** @internal */
function assignment(prop: string): string {
  return (
    `req.session.${prop} = ... would not be saved: use req.session.set('${prop}', value) (kept across ` +
    `login and logout) or req.session.user.set('${prop}', value) (the logged-in user's data)${COMPAT}`
  );
}
