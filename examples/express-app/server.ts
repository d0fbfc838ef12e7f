/**
 * Start the example: `PORT=3000 npx tsx examples/express-app/server.ts`, then open http://localhost:3000.
 * Memory store, plain HTTP: the development cookie (`sid`, without Secure) is asked for explicitly.
 *
 * @packageDocumentation
 */
import { createMemoryStore } from '../../adapters/memory/index.js';
import { createSessionManager } from '../../src/index.js';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const manager = createSessionManager({ store: createMemoryStore() });
const app = createApp({ manager, insecureDevelopmentCookie: true });
app.listen(port, () => {
  console.log(`example shop on http://localhost:${port}`);
});
