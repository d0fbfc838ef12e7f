/**
 * The README's usage example, run as a user runs it: its own process, its own port, a browser's cookie.
 * A cart kept across login and logout (LC-2, LC-5), the user's sessions listed (LC-9).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../test/redis-server.js';

let server: ChildProcess;
let base: string;
let cookie: string | undefined;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['--import', 'tsx', 'examples/snippets/readme.ts'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let tries = 0; ; tries += 1) {
    try {
      await fetch(base);
      return;
    } catch (error) {
      if (tries > 200 || server.exitCode !== null) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}, 30_000);

afterAll(() => {
  server.kill();
});

/** One request with the cookie so far; the next cookie is kept as a browser would. */
async function send(method: 'GET' | 'POST', path: string, form?: Record<string, string>) {
  const response = await fetch(base + path, {
    method,
    redirect: 'manual',
    headers: cookie === undefined ? {} : { cookie },
    ...(form === undefined ? {} : { body: new URLSearchParams(form) }),
  });
  for (const set of response.headers.getSetCookie()) cookie = set.split(';', 1)[0];
  const body = response.status === 200 ? await response.json() : await response.text();
  return { status: response.status, body };
}

it('runs as written: a cart kept across login and logout, the user data gone at logout', async () => {
  expect((await send('GET', '/')).body).toEqual({ userId: null, cart: [] });
  expect((await send('POST', '/cart', { item: 'book' })).status).toBe(303);
  expect(cookie).toMatch(/^__Host-sid=/);
  expect((await send('POST', '/login', { userId: 'ann' })).status).toBe(303);
  expect((await send('GET', '/')).body).toEqual({ userId: 'ann', cart: ['book'] });
  const sessions = (await send('GET', '/sessions')).body as unknown[];
  expect(sessions).toHaveLength(1);
  expect((await send('POST', '/sessions/end-others')).status).toBe(303);
  expect((await send('POST', '/logout')).status).toBe(303);
  expect((await send('GET', '/')).body).toEqual({ userId: null, cart: ['book'] });
  expect((await send('GET', '/sessions')).body).toEqual([]);
});

it('typechecks on its own, without the type declarations the other snippets share', () => {
  const config = ts.getParsedCommandLineOfConfigFile(
    fileURLToPath(new URL('tsconfig.json', import.meta.url)),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  const program = ts.createProgram([fileURLToPath(new URL('readme.ts', import.meta.url))], {
    ...config?.options,
    noEmit: true,
  });
  const errors = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(errors).toEqual([]);
}, 60_000);
