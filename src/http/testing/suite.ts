/**
 * `describeHttpBehaviour`: the behaviour every HTTP integration of sessionspec passes, as vitest tests.
 * The integration serves the suite's test app on a real server on 127.0.0.1; real clients (`fetch`,
 * `node:http`, raw sockets for bytes `fetch` refuses to send) check the cookie policy (SEC-1), the
 * cross-site check (SEC-7), load before the handler and commit before the headers (PERF-1, PERF-2),
 * the lifecycle calls (LC-*), fail-closed errors (SEC-2) and hostile cookies (SEC-5).
 *
 * @packageDocumentation
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import type { SessionStore } from '../../../spec/index.js';
import { createManualClock, type ManualClock } from '../../clock.js';
import { isSessionError } from '../../errors.js';
import { createSessionManager, type SessionManager, type SessionManagerOptions } from '../../manager.js';
import type { Session } from '../../session.js';
import type { ErrorResponse, HttpSessionOptions } from '../core.js';
import type { LogFields, SessionLogger } from '../log.js';
import { Client, nodeRequest, rawRequest } from './client.js';
import { type CountingStore, countingStore } from './counting-store.js';
import { ROUTES, RouteReply } from './routes.js';

/** What the integration's server is given for one test. */
export interface ServerSetup {
  /** The manager to pass to the integration. */
  manager: SessionManager;
  /** Integration options besides `manager`, to pass on as they are. */
  options: Omit<HttpSessionOptions<never>, 'manager' | 'onError'> & {
    /** The error hook; it reads only the error, so it fits every request type. */
    onError?: (error: unknown) => ErrorResponse;
  };
  /**
   * Whether the framework trusts `X-Forwarded-Proto` (its trust-proxy setting, or the integration's
   * `trustProxy` option).
   */
  trustProxy: boolean;
  /**
   * The test app. Call it with the request path (no query), the request's session and the query, and
   * answer with the reply's status, its headers, and its body as JSON. A `SessionError` it throws must
   * get the status the integration gives such errors (`error.status`, or its `fail`).
   */
  handle(path: string, session: Session, query: URLSearchParams): Promise<RouteReply>;
}

/** A server started for one test. */
export interface RunningServer {
  /** Its base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** Stop it (the suite calls this after the test). */
  close(): Promise<void>;
}

/**
 * Start the integration's server for one test, on 127.0.0.1 and a free port, every route of every
 * method answered by `setup.handle`. It rejects with whatever the integration throws for the options
 * (the suite checks `INSECURE_COOKIE`).
 */
export type StartServer = (setup: ServerSetup) => Promise<RunningServer>;

/** Options of {@link describeHttpBehaviour}. */
export interface HttpBehaviourOptions {
  /** The integration's name, in the test names. */
  name: string;
  /** Starts the integration's server for one test. */
  start: StartServer;
  /**
   * A new store for one test. It must offer `inspection` (LC-6 checks that nothing is left), and the
   * memory adapter is the usual choice: `() => createMemoryStore({ sweepEvery: false })`.
   */
  store: () => SessionStore;
  /**
   * The status a platform answers a TRACE request with before any code of the integration runs, for
   * platforms whose `Request` refuses the method (the web-standard one does: 400 on most Node
   * adapters). Default: the request reaches the integration, whose cross-site check answers 403.
   */
  traceRefusedWith?: number;
  /** The seed of the property test (SEC-5). Default `SEED` from the environment, else a fixed one. */
  seed?: number;
}

/**
 * Register the HTTP behaviour suite for one integration: about 70 vitest tests, each on its own server
 * and store. The seed of the property test is printed; `SEED=<n>` replays it.
 * @param suite - the integration's name, how to start its server, and the store.
 * @throws TypeError when an option is missing.
 * @example
 * ```ts
 * // my-framework.test.ts
 * import { createMemoryStore } from 'sessionspec/adapters/memory';
 * import { describeHttpBehaviour } from 'sessionspec/http/testing';
 *
 * describeHttpBehaviour({
 *   name: 'my-framework',
 *   store: () => createMemoryStore({ sweepEvery: false }),
 *   start: async ({ manager, options, trustProxy, handle }) => {
 *     const app = myFramework({ trustProxy });
 *     app.use(mySessions({ manager, ...options }));
 *     app.all('*', async (req) => {
 *       const url = new URL(req.url);
 *       const reply = await handle(url.pathname, req.session, url.searchParams);
 *       return json(reply.body, reply.status, reply.headers);
 *     });
 *     return listen(app, { host: '127.0.0.1', port: 0 }); // { url, close }
 *   },
 * });
 * ```
 */
export function describeHttpBehaviour(suite: HttpBehaviourOptions): void {
  const { name, start, store } = suite ?? {};
  if (typeof name !== 'string' || typeof start !== 'function' || typeof store !== 'function') {
    throw new TypeError('describeHttpBehaviour needs { name, start, store }: see its documentation');
  }
  const seed = suite.seed ?? Number(process.env.SEED ?? 20240607);
  describe(`${name}: shared HTTP behaviour`, () => {
    const running: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const close of running.splice(0)) await close();
      logs = [];
    });

    interface App {
      url: string;
      counting: CountingStore;
      clock: ManualClock;
      manager: SessionManager;
      handled: string[];
      /** The sessions the routes were given, in order. */
      kept: Session[];
      client(): Client;
    }

    /** Log lines of the current test's apps. */
    let logs: Array<{ level: 'error' | 'warn'; message: string; fields: LogFields }> = [];
    const capture = (into: typeof logs): SessionLogger => ({
      error: (message, fields) => into.push({ level: 'error', message, fields }),
      warn: (message, fields) => into.push({ level: 'warn', message, fields }),
    });

    const app = async (
      options: ServerSetup['options'] = {},
      managerOptions: Partial<SessionManagerOptions> = {},
      trustProxy = false,
    ): Promise<App> => {
      const clock = createManualClock(1_700_000_000_000);
      const inner = store();
      if (inner.inspection === undefined) {
        throw new TypeError(
          'describeHttpBehaviour: the store must offer inspection (the memory adapter does)',
        );
      }
      const counting = countingStore(inner);
      const manager = createSessionManager({ store: counting.store, clock, ...managerOptions });
      const handled: string[] = [];
      const kept: Session[] = [];
      const server = await start({
        manager,
        // Every app logs into `logs` unless a test asks otherwise, so no test writes to the console.
        options: { logger: capture(logs), ...options },
        trustProxy,
        handle: async (path, session, query) => {
          handled.push(path);
          kept.push(session);
          const route = ROUTES[path];
          if (route === undefined) throw new Error(`no route ${path}`);
          const out = await route(session, query, manager);
          return out instanceof RouteReply ? out : new RouteReply(200, out);
        },
      });
      running.push(async () => {
        await server.close();
        await manager.close();
      });
      const cookieName = options.insecureDevelopmentCookie ? 'sid' : '__Host-sid';
      return {
        url: server.url,
        counting,
        clock,
        manager,
        handled,
        kept,
        client: () => new Client(server.url, cookieName),
      };
    };

    test('SEC-6: a visitor who stores nothing gets no cookie and costs no store call', async () => {
      const { client, counting } = await app();
      const reply = await client().get('/read');
      expect(reply.status).toBe(200);
      expect(reply.json.isNew).toBe(true);
      expect(reply.cookies).toEqual([]);
      expect(counting.calls).toEqual([]);
    });

    test('SEC-1: the first write sets __Host-sid; Secure; HttpOnly; SameSite=Lax; Path=/, browser-session, uncacheable', async () => {
      const { client, counting } = await app();
      const reply = await client().post('/cart?item=apple');
      expect(reply.status).toBe(200);
      expect(counting.calls).toEqual(['create']);
      expect(reply.cookies).toHaveLength(1);
      const cookie = reply.cookies[0]!;
      expect(cookie).toMatchObject({
        name: '__Host-sid',
        path: '/',
        httpOnly: true,
        secure: true,
        sameSite: 'lax',
      });
      expect(cookie.maxAge).toBeUndefined();
      expect(cookie.expires).toBeUndefined();
      expect(cookie.domain).toBeUndefined();
      expect(reply.headers.get('cache-control')).toBe('private, no-store');
    });

    test('SEC-1: development mode names the cookie sid and drops Secure, only when asked explicitly', async () => {
      const { client } = await app({ insecureDevelopmentCookie: true });
      const reply = await client().post('/cart');
      expect(reply.cookies[0]).toMatchObject({ name: 'sid', httpOnly: true, sameSite: 'lax', path: '/' });
      expect(reply.cookies[0]!.secure).toBeUndefined();
      const refused = await app({ cookie: { secure: false } }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isSessionError(refused, 'INSECURE_COOKIE')).toBe(true);
      expect((refused as Error).message).toContain('insecureDevelopmentCookie: true');
    });

    test('PERF-1: a read-only request makes one store round trip and no write, and sends no cookie', async () => {
      const { client, counting } = await app();
      const c = client();
      await c.post('/cart?item=apple');
      counting.reset();
      const reply = await c.get('/read');
      expect(reply.json.cart).toEqual(['apple']);
      expect(counting.calls).toEqual(['read']);
      expect(reply.cookies).toEqual([]);
      expect(reply.headers.get('cache-control')).toBeNull();
    });

    test('PERF-2: a modifying request makes two store round trips (read, write) and keeps the cookie', async () => {
      const { client, counting } = await app();
      const c = client();
      await c.post('/cart?item=apple');
      counting.reset();
      const reply = await c.post('/cart?item=pear');
      expect(reply.json.cart).toEqual(['apple', 'pear']);
      expect(counting.calls).toEqual(['read', 'write']);
      expect(reply.cookies).toEqual([]);
    });

    test('PERF-1: a due touch is one write; on a persistent session it moves the cookie lifetime', async () => {
      const { client, counting, clock } = await app();
      const c = client();
      await c.post('/login?persistent=1');
      clock.advance(60_000);
      counting.reset();
      expect((await c.get('/read')).cookies).toEqual([]);
      expect(counting.calls).toEqual(['read']);
      clock.advance(10 * 60_000);
      counting.reset();
      const touched = await c.get('/read');
      expect(counting.calls).toEqual(['read', 'write']);
      expect(touched.cookies[0]!.maxAge).toBeGreaterThan(0);
      counting.reset();
      const forced = await c.post('/touch');
      expect(forced.status).toBe(200);
      expect(counting.calls).toEqual(['read', 'write']);
    });

    test('LC-2, LC-5: login rotates the token and keeps the cart; logout keeps the cart and drops the profile', async () => {
      const { client } = await app();
      const c = client();
      await c.post('/cart?item=apple');
      const anonymous = c.token;
      const login = await c.post('/login?user=alice');
      expect(login.json).toMatchObject({ userId: 'alice', cart: ['apple'], status: 'authenticated' });
      expect(c.token).toBeDefined();
      expect(c.token).not.toBe(anonymous);
      expect(login.headers.get('cache-control')).toBe('private, no-store');
      await c.post('/profile?name=Alice');
      expect((await c.get('/read')).json.profile).toEqual({ name: 'Alice' });
      // ID-5: the pre-login token is not adopted any more.
      const stale = new Client(c.url);
      stale.token = anonymous;
      expect((await stale.get('/read')).json).toMatchObject({ isNew: true, userId: null });
      const loggedIn = c.token;
      const logout = await c.post('/logout');
      expect(logout.json).toMatchObject({ userId: null, cart: ['apple'], profile: null });
      expect(c.token).not.toBe(loggedIn);
      expect((await c.get('/read')).json).toMatchObject({
        isNew: false,
        userId: null,
        cart: ['apple'],
        profile: null,
      });
    });

    test('LC-7: a persistent login sets Max-Age; a browser-session login does not', async () => {
      const { client } = await app({}, { absoluteTimeout: 3_600_000 });
      const persistent = await client().post('/login?persistent=1');
      expect(persistent.cookies[0]!.maxAge).toBe(1800);
      const browser = await client().post('/login');
      expect(browser.cookies[0]!.maxAge).toBeUndefined();
      const c = client();
      await c.post('/login');
      const made = await c.post('/expiry?persistent=1');
      expect(made.cookies[0]!.maxAge).toBeGreaterThan(0);
    });

    test('LC-6: logout({ destroy }) and destroy clear the cookie with Max-Age=0 and leave nothing stored', async () => {
      for (const path of ['/logout?destroy=1', '/destroy']) {
        const { client, counting } = await app();
        const c = client();
        await c.post('/login');
        const token = c.token;
        const reply = await c.post(path);
        expect(reply.status).toBe(200);
        expect(reply.cookies[0]).toMatchObject({ name: '__Host-sid', value: '', maxAge: 0 });
        expect(reply.headers.get('cache-control')).toBe('private, no-store');
        expect(c.token).toBeUndefined();
        expect((await counting.store.inspection!.contents()).records).toEqual([]);
        const again = new Client(c.url);
        again.token = token;
        expect((await again.get('/read')).json.isNew).toBe(true);
      }
    });

    test('LC-4, LC-8: rotate and reauthenticate send a new token; the old one stops working', async () => {
      const { client } = await app();
      const c = client();
      await c.post('/login');
      for (const path of ['/rotate', '/reauthenticate']) {
        const before = c.token;
        const reply = await c.post(path);
        expect(reply.cookies).toHaveLength(1);
        expect(c.token).not.toBe(before);
        expect((await c.get('/read')).json.userId).toBe('alice');
        const old = new Client(c.url);
        old.token = before;
        expect((await old.get('/read')).json.isNew).toBe(true);
      }
    });

    test('ID-3: a malformed token costs no store call and is cleared', async () => {
      const { client, counting } = await app();
      const c = client();
      c.token = 'not-a-token';
      const reply = await c.get('/read');
      expect(reply.json.isNew).toBe(true);
      expect(reply.cookies[0]).toMatchObject({ value: '', maxAge: 0 });
      expect(counting.calls).toEqual([]);
    });

    test('ID-3: a stale token is not adopted, its cookie is cleared, and nothing is written', async () => {
      const { client, counting } = await app();
      const c = client();
      await c.post('/cart');
      await c.post('/destroy');
      c.token = 'AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      counting.reset();
      const reply = await c.get('/read');
      expect(reply.json.isNew).toBe(true);
      expect(reply.cookies[0]).toMatchObject({ value: '', maxAge: 0 });
      expect(counting.writes()).toBe(0);
    });

    test('LC-9, LC-10: list sessions, end one, end all others, and a credential change ends the rest', async () => {
      const { client } = await app();
      const [a, b, d] = [client(), client(), client()];
      for (const c of [a, b, d]) await c.post('/login?user=alice');
      await a.post('/label?device=laptop');
      expect((await a.get('/read')).json.labels).toEqual({ device: 'laptop' });
      const ids = (await a.get('/sessions')).json as unknown as string[];
      expect(ids).toHaveLength(3);
      const bId = (await b.get('/read')).json.id as string;
      expect((await a.post(`/revoke?id=${bId}`)).body).toBe('true');
      expect((await b.get('/read')).json.isNew).toBe(true);
      expect((await a.post('/revoke-others')).json).toHaveLength(1);
      expect((await d.get('/read')).json.isNew).toBe(true);
      await d.post('/login?user=alice');
      const credential = await a.post('/credential');
      expect(credential.cookies).toHaveLength(1);
      expect((await d.get('/read')).json.userId).toBe(null);
      expect((await a.get('/read')).json.userId).toBe('alice');
    });

    test('SEC-2: a store that fails answers 503 before the handler runs, never with an anonymous session', async () => {
      const { client, counting, handled } = await app();
      const c = client();
      await c.post('/cart?item=apple');
      const token = c.token;
      counting.failing = 'all';
      handled.length = 0;
      const reply = await c.post('/cart?item=pear');
      expect(reply.status).toBe(503);
      expect(reply.headers.get('retry-after')).toBe('1');
      expect(reply.cookies).toEqual([]);
      expect(handled).toEqual([]);
      expect(c.token).toBe(token);
      counting.failing = null;
      expect((await c.get('/read')).json.cart).toEqual(['apple']);
    });

    test('SEC-2: a commit that fails replaces the handler response with 503 and saves nothing', async () => {
      const { client, counting } = await app();
      const c = client();
      await c.post('/cart?item=apple');
      counting.failing = 'write';
      const reply = await c.post('/cart?item=pear');
      expect(reply.status).toBe(503);
      expect(reply.body).not.toContain('pear');
      expect(reply.headers.get('content-type')).toContain('text/plain');
      expect(reply.cookies).toEqual([]);
      counting.failing = null;
      expect((await c.get('/read')).json.cart).toEqual(['apple']);
    });

    test('CC-2: a conflict that outlasts the retries answers 409 and saves nothing', async () => {
      const { client, counting } = await app({}, { attempts: 3, backoffMs: 0 });
      const c = client();
      await c.post('/cart?item=apple');
      counting.conflicting = true;
      const reply = await c.post('/cart?item=pear');
      expect(reply.status).toBe(409);
      expect(reply.body).not.toContain('pear');
      counting.conflicting = false;
      expect((await c.get('/read')).json.cart).toEqual(['apple']);
    });

    test('SEC-2: onError decides the failure response', async () => {
      const { client, counting } = await app({
        onError: (error) => ({
          status: 599,
          body: `custom ${isSessionError(error) ? error.code : 'other'}`,
          headers: { 'x-why': 'store' },
        }),
      });
      const c = client();
      await c.post('/cart');
      counting.failing = 'all';
      const reply = await c.get('/read');
      expect(reply.status).toBe(599);
      expect(reply.body).toBe('custom STORE_UNAVAILABLE');
      expect(reply.headers.get('x-why')).toBe('store');
    });

    test('CC-3: 200 concurrent requests incrementing one counter end at 200', async () => {
      const { client } = await app();
      const c = client();
      await c.post('/count');
      const replies = await Promise.all(Array.from({ length: 199 }, () => c.post('/count')));
      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
      expect((await c.get('/read')).json.count).toBe(200);
    });

    describe('SEC-7: cross-site check on unsafe methods', () => {
      const allowed = 'https://app.example';
      const cases: Array<[string, string, Record<string, string>, number]> = [
        [
          'POST',
          'Sec-Fetch-Site cross-site',
          { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
          403,
        ],
        ['POST', 'Sec-Fetch-Site same-site', { 'sec-fetch-site': 'same-site' }, 403],
        ['PUT', 'Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }, 403],
        ['PATCH', 'Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }, 403],
        ['DELETE', 'Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }, 403],
        ['POST', 'a foreign Origin without Sec-Fetch-Site', { origin: 'https://evil.example' }, 403],
        ['POST', 'Origin null', { origin: 'null' }, 403],
        ['POST', 'Sec-Fetch-Site same-origin', { 'sec-fetch-site': 'same-origin' }, 200],
        ['POST', 'Sec-Fetch-Site none (typed address)', { 'sec-fetch-site': 'none' }, 200],
        ['POST', 'an allowed Origin', { 'sec-fetch-site': 'cross-site', origin: allowed }, 200],
        ['POST', 'neither header (not a browser)', {}, 200],
        ['GET', 'a safe method from another site', { 'sec-fetch-site': 'cross-site' }, 200],
      ];
      for (const [method, what, headers, status] of cases) {
        test(`${method} with ${what} answers ${status}`, async () => {
          const { url, counting, handled } = await app({ crossSiteCheck: { allowedOrigins: [allowed] } });
          const reply = await new Client(url).send(method, '/cart', headers);
          expect(reply.status).toBe(status);
          if (status === 403) {
            expect(handled).toEqual([]);
            expect(counting.calls).toEqual([]);
            expect(reply.cookies).toEqual([]);
          }
        });
      }

      test('the Origin of the server itself is accepted', async () => {
        const { url } = await app({ crossSiteCheck: true });
        const reply = await new Client(url).post('/cart', { origin: url });
        expect(reply.status).toBe(200);
      });

      test('on by default: login CSRF (a cross-site form logging the victim into another account) fails', async () => {
        const { url, counting, handled } = await app();
        const victim = new Client(url);
        const forged = await victim.post('/login?user=mallory', {
          'sec-fetch-site': 'cross-site',
          origin: 'https://evil.example',
          'content-type': 'application/x-www-form-urlencoded',
        });
        expect(forged.status).toBe(403);
        // The body names the option a developer reaches for when a legitimate flow is refused.
        expect(forged.body).toContain('crossSiteCheck: { exempt: [path] }');
        expect(forged.cookies).toEqual([]);
        expect(victim.token).toBeUndefined();
        expect(handled).toEqual([]);
        expect(counting.calls).toEqual([]);
        // Without Fetch Metadata (an older browser), a foreign Origin is refused the same way.
        expect((await victim.post('/login?user=mallory', { origin: 'https://evil.example' })).status).toBe(
          403,
        );
        expect((await victim.post('/login?user=alice', { 'sec-fetch-site': 'same-origin' })).status).toBe(
          200,
        );
      });

      test('exempt routes (OIDC form_post, SAML, payment returns) accept cross-site posts; others stay refused', async () => {
        const { url } = await app({ crossSiteCheck: { exempt: ['/login', /^\/saml\//] } });
        const c = new Client(url);
        expect((await c.post('/login', { 'sec-fetch-site': 'cross-site' })).status).toBe(200);
        expect((await c.post('/cart', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
      });

      test('crossSiteCheck: false turns it off', async () => {
        const { url } = await app({ crossSiteCheck: false });
        const reply = await new Client(url).post('/cart', { 'sec-fetch-site': 'cross-site' });
        expect(reply.status).toBe(200);
      });

      test('TRACE is not a safe method', async () => {
        const { url, handled } = await app();
        const reply = await nodeRequest(url, 'TRACE', '/read', { 'sec-fetch-site': 'cross-site' });
        // A platform whose `Request` refuses TRACE answers before the integration; otherwise SEC-7 does.
        expect(reply.status).toBe(suite.traceRefusedWith ?? 403);
        expect(handled).toEqual([]);
      });
    });

    describe('SEC-1: plain HTTP to a remote host', () => {
      const remote = { host: 'app.example' };

      test('outside production it fails with INSECURE_COOKIE and says how to fix it', async () => {
        const { url, handled, counting } = await app();
        const reply = await nodeRequest(url, 'POST', '/cart', remote);
        expect(reply.status).toBe(500);
        expect(reply.body).toContain('plain HTTP');
        expect(reply.body).toContain('trust proxy');
        expect(reply.body).toContain('insecureDevelopmentCookie: true');
        expect(reply.setCookie).toEqual([]);
        expect(handled).toEqual([]);
        expect(counting.calls).toEqual([]);
        expect(logs.map((l) => l.fields.code)).toEqual(['INSECURE_COOKIE']);
        // localhost over plain HTTP is fine: browsers keep Secure cookies there.
        expect((await nodeRequest(url, 'POST', '/cart', { host: 'localhost' })).status).toBe(200);
      });

      test("the framework's trust-proxy setting is honoured (X-Forwarded-Proto: https)", async () => {
        const trusted = await app({}, {}, true);
        const forwarded = { ...remote, 'x-forwarded-proto': 'https' };
        expect((await nodeRequest(trusted.url, 'POST', '/cart', forwarded)).status).toBe(200);
        const untrusted = await app();
        expect((await nodeRequest(untrusted.url, 'POST', '/cart', forwarded)).status).toBe(500);
      });

      test('in production it warns once and serves (a TLS proxy without trust-proxy looks the same)', async () => {
        const before = process.env.NODE_ENV;
        process.env.NODE_ENV = 'production';
        try {
          const { url } = await app();
          expect((await nodeRequest(url, 'POST', '/cart', remote)).status).toBe(200);
          expect((await nodeRequest(url, 'POST', '/cart', remote)).status).toBe(200);
          expect(logs).toHaveLength(1);
          expect(logs[0]).toMatchObject({ level: 'warn', fields: { code: 'INSECURE_COOKIE' } });
          const refused = await app({ insecureDevelopmentCookie: true }).then(
            () => null,
            (error: unknown) => error,
          );
          expect(isSessionError(refused, 'INSECURE_COOKIE')).toBe(true);
          expect((refused as Error).message).toContain('NODE_ENV is production');
        } finally {
          process.env.NODE_ENV = before;
        }
      });
    });

    describe('errors thrown in a handler keep the status docs/errors.md lists', () => {
      test('NOT_AUTHENTICATED answers 401', async () => {
        const { client } = await app();
        expect((await client().post('/user-write')).status).toBe(401);
      });

      test('PAYLOAD_TOO_LARGE answers 413', async () => {
        const { client } = await app({}, { maxSize: 1024 });
        expect((await client().post('/huge')).status).toBe(413);
      });

      test('GRACE_CREDENTIAL answers 409', async () => {
        const { client } = await app({}, { rotationGrace: 10_000 });
        const c = client();
        await c.post('/login');
        const previous = c.token;
        await c.post('/rotate');
        const late = client();
        late.token = previous;
        expect((await late.get('/read')).json.userId).toBe('alice');
        expect((await late.post('/logout')).status).toBe(409);
      });
    });

    test('a 5xx response does not commit its changes by default; commitServerErrors: true commits them', async () => {
      const safe = await app();
      const c = safe.client();
      await c.post('/cart?item=apple');
      const failed = await c.post('/broken?item=lost');
      expect(failed.status).toBe(500);
      expect(failed.cookies).toEqual([]);
      expect((await c.get('/read')).json.cart).toEqual(['apple']);
      const committing = await app({ commitServerErrors: true });
      const d = committing.client();
      await d.post('/cart?item=apple');
      expect((await d.post('/broken?item=kept')).status).toBe(500);
      expect((await d.get('/read')).json.cart).toEqual(['apple', 'kept']);
    });

    test('a session change after the response started throws instead of vanishing', async () => {
      const { client, kept } = await app();
      const c = client();
      await c.post('/late');
      const late = kept.at(-1)!;
      expect(() => late.set('late', 1)).toThrow(/response has already started/);
      expect(() => late.authenticate('alice')).toThrow(TypeError);
    });

    test('ASVS 14.3.2: authenticated responses are private, no-store unless the handler chose its own', async () => {
      const { client } = await app();
      const c = client();
      await c.post('/login');
      expect((await c.get('/read')).headers.get('cache-control')).toBe('private, no-store');
      expect((await c.get('/cached')).headers.get('cache-control')).toBe('private, max-age=60');
      const anonymous = client();
      await anonymous.post('/cart');
      expect((await anonymous.get('/read')).headers.get('cache-control')).toBeNull();
      const off = await app({ authenticatedCacheControl: false });
      const d = off.client();
      await d.post('/login');
      expect((await d.get('/read')).headers.get('cache-control')).toBeNull();
    });

    test('SEC-7: session.csrfToken() is bound to the session and its current secret', async () => {
      const { client } = await app();
      const c = client();
      const { token } = (await c.get('/csrf')).json as { token: string };
      // A new visitor's session is kept, so the token can be verified on the next request.
      expect(c.token).toBeDefined();
      expect((await c.post(`/csrf-check?token=${token}`)).json).toEqual({ valid: true });
      const other = client();
      const { token: foreign } = (await other.get('/csrf')).json as { token: string };
      expect((await c.post(`/csrf-check?token=${foreign}`)).json).toEqual({ valid: false });
      expect((await c.post('/csrf-check?token=garbage')).json).toEqual({ valid: false });
      await c.post('/login');
      expect((await c.post(`/csrf-check?token=${token}`)).json).toEqual({ valid: false });
    });

    test('SEC-2, ID-2: a failed request is logged once, with the code and session id, never the token', async () => {
      const { client, counting } = await app({}, { attempts: 2, backoffMs: 0 });
      const c = client();
      const view = (await c.post('/cart?item=apple')).json;
      logs.length = 0;
      counting.failing = 'all';
      expect((await c.get('/read')).status).toBe(503);
      counting.failing = null;
      counting.conflicting = true;
      expect((await c.post('/cart?item=pear')).status).toBe(409);
      expect(logs.map((l) => [l.level, l.fields])).toEqual([
        ['error', { code: 'STORE_UNAVAILABLE', sessionId: view.id }],
        ['error', { code: 'CONFLICT', sessionId: view.id }],
      ]);
      const secret = c.token!.split('.')[1]!;
      expect(inspect(logs, { depth: 10 })).not.toContain(secret);
      expect(inspect(logs, { depth: 10 })).not.toContain('apple');
    });

    test('SEC-5: hostile Cookie headers never crash, never write, are never adopted', async () => {
      const { url, counting, client } = await app();
      const owner = client();
      await owner.post('/cart?item=mine');
      const live = owner.token!;
      const b64 = '[A-Za-z0-9_-]';
      const flip = (s: string, i: number) => {
        const at = i % s.length;
        return s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
      };
      const value = fc.oneof(
        fc.stringMatching(new RegExp(`^${b64}{22}\\.${b64}{43}$`)),
        fc.stringMatching(new RegExp(`^${b64}{0,30}\\.?${b64}{0,60}$`)),
        fc.nat().map((i) => flip(live, i)),
        fc.constantFrom(`${live}x`, `"${live}"`, live.slice(0, 22), `${live.slice(0, 23)}${'A'.repeat(43)}`),
        // Percent-encoded: the token alphabet needs no decoding, so an encoded token is malformed.
        fc.constant(`%${live.charCodeAt(0).toString(16).toUpperCase()}${live.slice(1)}`),
        fc
          .uint8Array({ maxLength: 80 })
          .map((bytes) => Buffer.from(bytes.filter((b) => b !== 13 && b !== 10))),
        fc.integer({ min: 1000, max: 12_000 }).map((n) => 'A'.repeat(n)),
      );
      const names = fc.constantFrom(
        '__Host-sid',
        '__Host-sid',
        'sid',
        '__host-sid',
        ' __Host-sid',
        'other',
        '',
      );
      const pair = fc
        .tuple(names, value)
        .map(([n, v]) => Buffer.concat([Buffer.from(`${n}=`), Buffer.from(v)]));
      const header = fc
        .tuple(fc.array(pair, { minLength: 1, maxLength: 8 }), fc.constantFrom('; ', ';', ', ', ' ;; '))
        .map(([pairs, sep]) =>
          Buffer.concat(pairs.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from(sep), p]))),
        );
      const host = new URL(url).host;
      console.log(`SEC-5 ${name}: seed ${seed} (replay with SEED=${seed})`);
      await fc.assert(
        fc.asyncProperty(header, async (cookie) => {
          counting.reset();
          const head = Buffer.concat([
            Buffer.from(`GET /read HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\nCookie: `),
            cookie,
            Buffer.from('\r\n\r\n'),
          ]);
          const { status, text } = await rawRequest(url, head);
          expect(status).toBeGreaterThan(0);
          expect(status).toBeLessThan(500);
          expect(counting.writes()).toBe(0);
          if (status === 200) {
            const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as {
              isNew: boolean;
              cart: unknown;
            };
            expect(body.isNew).toBe(true);
            expect(body.cart).toEqual([]);
            // Only a clearing Set-Cookie, never a token.
            for (const line of text.split('\r\n').filter((l) => /^set-cookie:/i.test(l))) {
              expect(line).toMatch(/Max-Age=0/);
            }
          }
        }),
        { seed, numRuns: 150 },
      );
      // The real session survived all of it.
      expect((await owner.get('/read')).json.cart).toEqual(['mine']);
    });
  });
}
