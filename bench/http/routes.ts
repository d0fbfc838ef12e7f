/**
 * The routes every server variant answers, written once for the sessionspec API and once for the
 * express-session / @fastify/session API, so that the frameworks differ only in what they are.
 *
 * @packageDocumentation
 */
import type { Session } from 'sessionspec';
import { PAYLOAD } from '../payload.js';

/** What a peer library's session offers, reduced to what the routes use. */
export interface PeerSession {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  /** Delete the session from the store (and resolve once it is gone). */
  destroy(): Promise<void>;
}

/**
 * Rendezvous points of the logout race: the in-flight request announces it has read the session, the
 * logout waits for that, ends the session, and once its response has gone out releases the in-flight
 * request, which then writes. This orders the race the worst way every time instead of by luck. Each
 * wait gives up after two seconds, so a variant that never reaches a point cannot hang the benchmark.
 */
export class Gates {
  private readonly points = new Map<string, { arrived: Deferred; released: Deferred }>();

  private point(id: string) {
    let found = this.points.get(id);
    if (found === undefined) {
      found = { arrived: deferred(), released: deferred() };
      this.points.set(id, found);
    }
    return found;
  }
  /** The in-flight request has read the session. */
  arrive(id: string): void {
    this.point(id).arrived.resolve();
  }
  /** Resolves once the in-flight request has read the session. */
  arrived(id: string): Promise<void> {
    return this.point(id).arrived.promise;
  }
  /** The logout's response has gone out. */
  release(id: string): void {
    this.point(id).released.resolve();
    // Both sides are past the gate once it is released; keep the map small.
    setTimeout(() => this.points.delete(id), 5_000).unref();
  }
  /** Resolves once the logout's response has gone out. */
  released(id: string): Promise<void> {
    return this.point(id).released.promise;
  }
}

type Deferred = { promise: Promise<void>; resolve(): void };

/** @internal A promise resolved by hand, or after two seconds at the latest. */
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  setTimeout(() => resolve(), 2_000).unref();
  return { promise, resolve };
}

/**
 * A pause standing for a database call between reading and writing.
 * @param ms - milliseconds.
 * @returns a promise resolved after them.
 */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A request's path and the one query parameter the routes use (`ms` or `gate`). */
export interface Target {
  path: string;
  param: string;
}

/**
 * Split a request URL without the cost of `new URL` (the plain-node ceiling should not pay for it).
 * @param url - e.g. `/slow-incr?ms=5`.
 * @returns the path and the value of the first query parameter.
 */
export function target(url: string | undefined): Target {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  if (q < 0) return { path: raw, param: '' };
  const eq = raw.indexOf('=', q);
  return { path: raw.slice(0, q), param: eq < 0 ? '' : raw.slice(eq + 1) };
}

/**
 * The logout route's gate, for the server to release once the logout's response has gone out.
 * @param url - the request URL.
 * @returns the gate id, or `null` for another route.
 */
export function logoutGate(url: string | undefined): string | null {
  const { path, param } = target(url);
  return path === '/logout' && param !== '' ? param : null;
}

/** Thrown for a route the server does not have: answered 404. */
export class NotFound extends Error {}

/**
 * The routes on a sessionspec session. The counter is changed with `update` (CC-3), the call the library
 * offers for a read-modify-write.
 * @param to - path and parameter.
 * @param session - the request's session.
 * @param gates - the logout race's rendezvous points.
 * @returns the response body.
 * @throws NotFound for an unknown path.
 */
export async function sessionspecRoute(to: Target, session: Session, gates: Gates): Promise<string> {
  const increment = (n: unknown) => ((n as number | undefined) ?? 0) + 1;
  switch (to.path) {
    case '/read':
      return String(session.get('n') ?? 'none');
    case '/incr':
      if (!session.browser.has('payload')) session.set('payload', PAYLOAD);
      session.update('n', increment);
      return String(session.get('n'));
    case '/slow-incr':
      session.get('n');
      await pause(Number(to.param));
      session.update('n', increment);
      return String(session.get('n'));
    case '/gated-incr':
      session.get('n');
      gates.arrive(to.param);
      await gates.released(to.param);
      session.update('n', increment);
      return String(session.get('n'));
    case '/logout':
      await gates.arrived(to.param);
      session.destroy();
      return 'bye';
    case '/login':
      session.authenticate('bench-user');
      return 'welcome';
    default:
      throw new NotFound(to.path);
  }
}

/**
 * The same routes on a peer library's session, written as its users write them: read the counter, then
 * assign the new value.
 * @param to - path and parameter.
 * @param session - the request's session.
 * @param gates - the logout race's rendezvous points.
 * @returns the response body.
 * @throws NotFound for an unknown path.
 */
export async function peerRoute(to: Target, session: PeerSession, gates: Gates): Promise<string> {
  const counter = () => (session.get('n') as number | undefined) ?? 0;
  switch (to.path) {
    case '/read':
      return String(session.get('n') ?? 'none');
    case '/incr': {
      if (session.get('payload') === undefined) session.set('payload', PAYLOAD);
      const n = counter() + 1;
      session.set('n', n);
      return String(n);
    }
    case '/slow-incr': {
      const n = counter();
      await pause(Number(to.param));
      session.set('n', n + 1);
      return String(n + 1);
    }
    case '/gated-incr': {
      const n = counter();
      gates.arrive(to.param);
      await gates.released(to.param);
      session.set('n', n + 1);
      return String(n + 1);
    }
    case '/logout':
      await gates.arrived(to.param);
      await session.destroy();
      return 'bye';
    default:
      throw new NotFound(to.path);
  }
}

/**
 * The routes without any session (the bare frameworks).
 * @param to - path and parameter.
 * @returns the response body.
 * @throws NotFound for an unknown path.
 */
export function statelessRoute(to: Target): string {
  if (to.path === '/read') return 'none';
  if (to.path === '/incr') return '1';
  throw new NotFound(to.path);
}
