/**
 * The opt-in compatibility surface for code written for express-session (`expressSessionCompat: true`):
 * properties of `req.session` are keys of the browser bucket, in-place changes to their values are found
 * at commit by deep comparison, and `regenerate`, `save`, `destroy` and `reload` take callbacks.
 *
 * What stays safe: each key changed is written as a compare-and-set patch, so requests that change
 * different keys never lose each other's changes (CC-2). What does not: a key changed through a property
 * is written whole, so two requests changing the same key are last-writer-wins for that key (`update`
 * stays atomic, CC-3).
 *
 * @packageDocumentation
 */
import type { JsonValue } from '../../spec/index.js';
import type { Session } from '../session.js';
import { settle } from './callback.js';
import { member } from './habits.js';

/** A cached property: its value as the handler sees it, and its encoding when read (`null`: assigned). */
interface Entry {
  value: JsonValue;
  encoded: string | null;
}

/** @internal The compatible view of a session and the function that writes its changes. */
export interface CompatView {
  session: Session;
  /** Write the properties changed in place into the session's patch; before the commit. */
  flush(): void;
}

/**
 * @internal Make the compatible view of a session.
 * @param session - the request's session.
 * @returns the view and its flush.
 */
export function compatSession(session: Session): CompatView {
  const cache = new Map<string, Entry>();
  const bound = new Map<string | symbol, unknown>();
  const flush = () => {
    for (const [key, entry] of cache) {
      const encoded = JSON.stringify(entry.value);
      if (entry.encoded === encoded) continue;
      session.set(key, entry.value);
      entry.encoded = encoded;
    }
  };
  const methods: Record<string, (done?: unknown) => void> = {
    // express-session starts an empty session with a new id; here the token rotates (a logged-in user is
    // logged out, as the old session would be gone) and the browser bucket is emptied.
    regenerate: (done) =>
      settle(done, () => {
        if (session.isAuthenticated) session.logout();
        else session.rotate();
        cache.clear();
        for (const key of session.browser.keys()) session.delete(key);
      }),
    // The commit runs before the response goes out, so a save cannot be outrun by the next request.
    save: (done) => settle(done, flush),
    destroy: (done) =>
      settle(done, () => {
        cache.clear();
        session.destroy();
      }),
    // The request's own view is read again; the store is not (concurrent changes merge at commit).
    reload: (done) => settle(done, () => cache.clear()),
    resetMaxAge: () => undefined,
  };

  const read = (key: string): unknown => {
    const cached = cache.get(key);
    if (cached !== undefined) return cached.value;
    if (!session.browser.has(key)) return undefined;
    const value = session.get(key)!;
    cache.set(key, { value, encoded: JSON.stringify(value) });
    return value;
  };

  const view = new Proxy(session, {
    get(target, prop) {
      if (typeof prop === 'symbol') return member(target, prop, bound);
      if (Object.hasOwn(methods, prop)) return methods[prop];
      if (cache.has(prop) || target.browser.has(prop)) return read(prop);
      return prop in target ? member(target, prop, bound) : undefined;
    },
    set(target, prop, value) {
      if (typeof prop === 'symbol') return false;
      if (value === undefined) {
        cache.delete(prop);
        target.delete(prop);
        return true;
      }
      // Validated (ST-6) and applied now, so the handler reads its own write; kept for in-place changes.
      target.set(prop, value as JsonValue);
      cache.set(prop, { value: value as JsonValue, encoded: JSON.stringify(value) });
      return true;
    },
    deleteProperty(target, prop) {
      if (typeof prop === 'symbol') return false;
      cache.delete(prop);
      target.delete(prop);
      return true;
    },
    has(target, prop) {
      return typeof prop === 'string' && (cache.has(prop) || target.browser.has(prop) || prop in methods)
        ? true
        : prop in target;
    },
    ownKeys(target) {
      return [...new Set([...target.browser.keys(), ...cache.keys()])];
    },
    getOwnPropertyDescriptor(target, prop) {
      if (typeof prop === 'symbol' || !(cache.has(prop) || target.browser.has(prop))) return undefined;
      return { value: read(prop), writable: true, enumerable: true, configurable: true };
    },
  });
  return { session: view, flush };
}
