/**
 * The HTTP behaviour suite on the `node:http` integration of node-http.ts, as
 * docs/guides/writing-an-integration.md shows it; node-http.test.ts registers it with vitest.
 *
 * @packageDocumentation
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore } from '../../adapters/memory/index.js';
import { describeHttpBehaviour } from '../../src/http/testing/index.js';
import { withSessions } from './node-http.js';

describeHttpBehaviour({
  name: 'node:http',
  store: () => createMemoryStore({ sweepEvery: false }),
  start: async ({ manager, options, trustProxy, handle }) => {
    const server = createServer(
      withSessions({ manager, ...options, trustProxy }, async (req, session) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const reply = await handle(url.pathname, session, url.searchParams);
        return {
          status: reply.status,
          headers: { 'content-type': 'application/json', ...reply.headers },
          body: JSON.stringify(reply.body),
        };
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
});
