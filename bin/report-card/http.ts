/**
 * The HTTP consequences of a store, measured through express-session itself on a real HTTP server:
 * lost updates out of 20 overlapping increments, and sessions resurrected by a save or a touch in
 * flight while the session is destroyed (logout). Each scenario orders its requests explicitly (a
 * request waits for a signal after express-session has loaded its session), so the figures do not
 * depend on timing and the card is byte-stable.
 *
 * @packageDocumentation
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExpressStore } from './bridge.js';

/** The figures of the card's HTTP section. */
export interface HttpConsequences {
  /** Of `increments` overlapping `count += 1` requests on one session, how many were lost. */
  lostUpdates: number;
  increments: number;
  /** Of `trials` logouts during a request that modifies the session, how many left it alive. */
  resurrectedBySave: number;
  /** Of `trials` logouts during a request that only reads it (express-session then calls touch()), how many left it alive. */
  resurrectedByTouch: number;
  trials: number;
}

/** The express-session middleware factory (`require('express-session')`). */
export type ExpressSessionFactory = (options: {
  store: ExpressStore;
  secret: string;
  resave: boolean;
  saveUninitialized: boolean;
}) => (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** What a handler sees of express-session's `req.session`. */
interface SessionRequest extends IncomingMessage {
  sessionID: string;
  session: { [key: string]: unknown; destroy(callback: (error?: unknown) => void): void };
}

/**
 * Measure the consequences of `store` through `expressSession`.
 * @param expressSession - express-session's default export.
 * @param store - the store under test.
 * @returns lost updates and resurrections.
 */
export async function measureHttp(
  expressSession: ExpressSessionFactory,
  store: ExpressStore,
  increments = 20,
  trials = 20,
): Promise<HttpConsequences> {
  const middleware = expressSession({
    store,
    secret: 'report-card',
    resave: false,
    saveUninitialized: false,
  });
  // Every session express-session handed out, removed at the end: the card leaves nothing in the store.
  const seen = new Set<string>();
  // A request to /hold/<name> waits, after its session is loaded, until `release(name)`.
  const held = new Map<string, { arrived: () => void; go: Promise<void> }>();
  const hold = (name: string) => {
    let arrived!: () => void;
    let go!: () => void;
    const entry = {
      arrived: new Promise<void>((resolve) => {
        arrived = resolve;
      }),
      go: new Promise<void>((resolve) => {
        go = resolve;
      }),
    };
    held.set(name, { arrived, go: entry.go });
    return { arrived: entry.arrived, release: go };
  };
  const server = createServer((req, res) => {
    middleware(req, res, async (error) => {
      if (error) {
        res.statusCode = 500;
        res.end(String(error));
        return;
      }
      const session = (req as SessionRequest).session;
      seen.add((req as SessionRequest).sessionID);
      const [, action, name = ''] = (req.url ?? '/').split('/');
      if (action === 'start') session.count = 0;
      if (action === 'logout') {
        session.destroy(() => res.end('ended'));
        return;
      }
      const wait = held.get(name);
      if (wait !== undefined) {
        wait.arrived();
        await wait.go;
      }
      if (action === 'increment' || action === 'save') session.count = Number(session.count) + 1;
      res.end(String(session.count ?? 'none'));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string, cookie?: string) => {
    const response = await fetch(`${base}${path}`, cookie === undefined ? {} : { headers: { cookie } });
    return { body: await response.text(), cookie: response.headers.get('set-cookie')?.split(';')[0] };
  };
  try {
    // Lost updates: every increment has loaded the session before any saves it.
    const { cookie } = await get('/start');
    const increments_ = Array.from({ length: increments }, (_, i) => hold(`i${i}`));
    const requests = increments_.map((_, i) => get(`/increment/i${i}`, cookie));
    await Promise.all(increments_.map((h) => h.arrived));
    for (const h of increments_) h.release();
    await Promise.all(requests);
    const count = Number((await get('/read', cookie)).body);
    // Resurrection: a logout completes while a request that loaded the session is still running.
    const resurrections = async (action: 'save' | 'read') => {
      let alive = 0;
      for (let trial = 0; trial < trials; trial += 1) {
        const started = await get('/start');
        const name = `${action}${trial}`;
        const h = hold(name);
        const inFlight = get(`/${action}/${name}`, started.cookie);
        await h.arrived;
        await get('/logout', started.cookie);
        h.release();
        await inFlight;
        if ((await get('/read', started.cookie)).body !== 'none') alive += 1;
      }
      return alive;
    };
    return {
      lostUpdates: increments - count,
      increments,
      resurrectedBySave: await resurrections('save'),
      resurrectedByTouch: await resurrections('read'),
      trials,
    };
  } finally {
    server.closeAllConnections();
    server.close();
    for (const id of seen) await new Promise<void>((resolve) => store.destroy(id, () => resolve()));
  }
}
