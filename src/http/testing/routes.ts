/**
 * The test app of the HTTP behaviour suite: one route per lifecycle call of the session handle and the
 * manager, the same code behind every integration, each answering the session as the client sees it.
 *
 * @packageDocumentation
 */
import type { JsonValue } from '../../../spec/index.js';
import type { SessionManager } from '../../manager.js';
import type { Session } from '../../session.js';

/** A route's answer when it needs a status or headers of its own (default 200, none). */
export class RouteReply {
  /**
   * @param status - the status.
   * @param body - the JSON body.
   * @param headers - headers of its own.
   */
  constructor(
    readonly status: number,
    readonly body: JsonValue,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** A route of the test app: the same code behind every integration. */
export type Route = (
  session: Session,
  query: URLSearchParams,
  manager: SessionManager,
) => Promise<JsonValue | RouteReply>;

/**
 * @internal The test app's view of a session, returned by every route. The cart is stored under
 * `basket`, a key applications are unlikely to declare in `SessionData`, so the suite typechecks beside
 * their declarations.
 */
function view(session: Session): JsonValue {
  return {
    id: session.id,
    isNew: session.isNew,
    status: session.status,
    userId: session.userId,
    cart: session.get('basket') ?? [],
    count: session.get('count') ?? 0,
    profile: session.isAuthenticated ? (session.user.get('profile') ?? null) : null,
    persistent: session.persistent,
    labels: session.labels,
  };
}

/** @internal */
const push =
  (item: string) =>
  (cart: JsonValue | undefined): JsonValue => [...((cart as string[] | undefined) ?? []), item];

/** Every lifecycle call of the session handle and the manager, one route each. */
export const ROUTES: Record<string, Route> = {
  '/read': async (s) => view(s),
  '/cart': async (s, q) => {
    s.update('basket', push(q.get('item') ?? 'item'));
    return view(s);
  },
  '/count': async (s) => {
    s.update('count', (n) => ((n as number | undefined) ?? 0) + 1);
    return view(s);
  },
  '/login': async (s, q) => {
    s.authenticate(q.get('user') ?? 'alice', { persistent: q.get('persistent') === '1' });
    return view(s);
  },
  '/profile': async (s, q) => {
    s.user.set('profile', { name: q.get('name') ?? 'Alice' });
    return view(s);
  },
  '/logout': async (s, q) => {
    s.logout({ destroy: q.get('destroy') === '1' });
    return view(s);
  },
  '/destroy': async (s) => {
    s.destroy();
    return view(s);
  },
  '/rotate': async (s) => {
    s.rotate();
    return view(s);
  },
  '/reauthenticate': async (s) => {
    s.reauthenticate();
    return view(s);
  },
  '/credential': async (s) => {
    s.changeCredential();
    return view(s);
  },
  '/expiry': async (s, q) => {
    s.setExpiry({ persistent: q.get('persistent') === '1' });
    return view(s);
  },
  '/label': async (s, q) => {
    s.setLabel('device', q.get('device'));
    return view(s);
  },
  '/touch': async (s) => {
    s.touch();
    return view(s);
  },
  '/late': async (s) => view(s),
  '/cached': async (s) => new RouteReply(200, view(s), { 'cache-control': 'private, max-age=60' }),
  '/broken': async (s, q) => {
    s.update('basket', push(q.get('item') ?? 'lost'));
    return new RouteReply(500, 'the handler failed after a change');
  },
  '/user-write': async (s) => {
    s.user.set('profile', { name: 'nobody' });
    return view(s);
  },
  '/huge': async (s) => {
    s.set('huge', 'x'.repeat(100_000));
    return view(s);
  },
  '/csrf': async (s) => ({ token: s.csrfToken() }),
  '/csrf-check': async (s, q) => ({ valid: s.verifyCsrfToken(q.get('token')) }),
  '/sessions': async (s, _q, m) => (await m.listSessions(s.userId!)).map((x) => x.sessionId),
  '/revoke-others': async (s) => s.revokeOthers(),
  '/revoke': async (s, q) => s.revokeSession(q.get('id')!),
};
