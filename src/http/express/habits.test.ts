/**
 * express-session habits in a JavaScript app: each one gets a clear error that names the sessionspec
 * way, never silence (a request that hangs, a value that is never saved, an option that is ignored).
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryStore } from '../../../adapters/memory/index.js';
import { createSessionManager } from '../../manager.js';
import { sessionMiddleware } from './index.js';

const manager = () => createSessionManager({ store: createMemoryStore({ sweepEvery: false }) });
const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

/** Serve one handler that reports what it caught; returns the JSON of one POST. */
async function caught(handler: (req: express.Request) => unknown): Promise<{ error: string | null }> {
  const app = express();
  app.use(sessionMiddleware({ manager: manager() }));
  app.post('/', (req, res) => {
    try {
      // What a JavaScript app would write: no types to stop it.
      handler(req);
      res.json({ error: null });
    } catch (error) {
      res.json({ error: (error as Error).message });
    }
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  closing.push(() => new Promise((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return (await (await fetch(url, { method: 'POST' })).json()) as { error: string | null };
}

/** A callback in express-session's style: the error it receives is thrown on, marked, for `caught`. */
const failWith = (error: unknown) => {
  if (error) throw new Error(`callback got: ${(error as Error).message}`);
};

/** `req.session` as a JavaScript app sees it: anything goes. */
// biome-ignore lint/suspicious/noExplicitAny: the point is to write what no type would allow.
const loose = (req: express.Request) => req.session as any;

describe('without the compatibility surface, express-session habits throw and name the sessionspec way', () => {
  test('req.session.foo = 1 throws, naming set()', async () => {
    const { error } = await caught((req) => {
      loose(req).foo = 1;
    });
    expect(error).toContain("req.session.set('foo', value)");
    expect(error).toContain('expressSessionCompat');
  });

  test('delete req.session.foo throws, naming delete()', async () => {
    const { error } = await caught((req) => {
      delete loose(req).foo;
    });
    expect(error).toContain("req.session.delete('foo')");
  });

  test('req.session.destroy(cb) hands cb the error instead of never calling it (a request that would hang)', async () => {
    const { error } = await caught((req) => loose(req).destroy(failWith));
    expect(error).toMatch(/^callback got: .*takes no callback/);
  });

  test('req.session.regenerate(cb) hands cb the error, naming authenticate() and passportSessions', async () => {
    const { error } = await caught((req) => loose(req).regenerate(failWith));
    expect(error).toMatch(/^callback got: .*req\.session\.authenticate\(userId\)/);
    expect(error).toContain('passportSessions(passport)');
  });

  test('req.session.save(cb) and reload(cb) hand cb the error, saying what happens instead', async () => {
    expect((await caught((req) => loose(req).save(failWith))).error).toMatch(
      /^callback got: .*committed before/,
    );
    expect((await caught((req) => loose(req).reload(failWith))).error).toMatch(/^callback got: .*read once/);
  });

  test('without a callback, regenerate() and save() throw', async () => {
    expect((await caught((req) => loose(req).regenerate())).error).toContain('authenticate(userId)');
    expect((await caught((req) => loose(req).save())).error).toContain('committed before');
  });

  test('req.session.cookie.maxAge = ... throws, naming setExpiry', async () => {
    const { error } = await caught((req) => {
      loose(req).cookie.maxAge = 1000;
    });
    expect(error).toContain('setExpiry({ persistent })');
  });

  test('the sessionspec API itself is untouched (update takes its function)', async () => {
    const { error } = await caught((req) => {
      req.session.set('a', 1);
      req.session.update('n', (n) => ((n as number | undefined) ?? 0) + 1);
      req.session.destroy();
    });
    expect(error).toBeNull();
  });
});

describe('express-session options are refused with the equivalent', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['secret', { secret: 'keyboard cat' }, 'remove `secret`'],
    ['resave', { resave: false }, 'remove `resave`'],
    ['saveUninitialized', { saveUninitialized: false }, 'remove `saveUninitialized`'],
    ['rolling', { rolling: true }, '`idleTimeout`'],
    ['store', { store: {} }, 'createSessionManager({ store })'],
    ['cookie.maxAge', { cookie: { maxAge: 60_000 } }, '{ persistent: true }'],
    ['cookie.httpOnly', { cookie: { httpOnly: true } }, 'always HttpOnly'],
  ];
  for (const [option, extra, equivalent] of cases) {
    test(`${option}`, () => {
      expect(() => sessionMiddleware({ manager: manager(), ...extra } as never)).toThrow(equivalent);
    });
  }
});
