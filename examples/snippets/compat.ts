/**
 * Code written for express-session (connect-flash here) through the compatibility surface. Shown in
 * docs/migrating-from-express-session.md (a test keeps the two identical).
 *
 * @packageDocumentation
 */
import flash from 'connect-flash';
import express from 'express';
import { createMemoryStore } from '../../adapters/memory/index.js';
import { sessionMiddleware } from '../../src/http/express/index.js';
import { createSessionManager } from '../../src/index.js';

const manager = createSessionManager({ store: createMemoryStore() });
const app = express();

app.use(sessionMiddleware({ manager, expressSessionCompat: true }));
app.use(flash());

export { app };
