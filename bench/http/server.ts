/**
 * One server variant in its own process, forked by the benchmark: `BENCH_VARIANT` names the variant,
 * `BENCH_REDIS_PORT` the Redis to use (a port, or the comma-separated ports of a Cluster's masters), `BENCH_POSTGRES_URL` the PostgreSQL. It listens on a free port of 127.0.0.1 and reports it to the
 * parent (`{ port }` over the IPC channel, and `port=<n>` on stdout); SIGTERM ends it cleanly, so a
 * `--cpu-prof` profile is written.
 *
 * @packageDocumentation
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressApp } from './apps/express.js';
import { fastifyServer } from './apps/fastify.js';
import { plainNode, sessionspecNode, unsafeNode } from './apps/node.js';
import { sessionspecWeb } from './apps/web.js';
import { parseRedisAddress } from './backends.js';
import { Gates, logoutGate } from './routes.js';
import { VARIANTS, type Variant } from './variants.js';

const variant = process.env.BENCH_VARIANT as Variant;
const redis = parseRedisAddress(process.env.BENCH_REDIS_PORT ?? '');
// Only the Express and Fastify variants run on a Cluster (the scale-out figures).
const port = typeof redis === 'number' ? redis : Number.NaN;
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? '';
if (!VARIANTS.includes(variant)) throw new TypeError(`BENCH_VARIANT must be one of ${VARIANTS.join(', ')}`);

const gates = new Gates();

async function build(): Promise<Server> {
  const serve = (listener: Promise<RequestListener> | RequestListener) =>
    Promise.resolve(listener).then((l) => createServer(l));
  switch (variant) {
    case 'node':
      return serve(plainNode());
    case 'unsafe-node-redis':
      return serve(unsafeNode(port, gates));
    case 'sessionspec-node-redis':
      return serve(sessionspecNode(port, gates));
    case 'sessionspec-web-redis':
      return serve(sessionspecWeb(port, gates));
    case 'express':
    case 'unsafe-express-redis':
    case 'express-session-memory':
    case 'express-session-redis':
    case 'sessionspec-express-memory':
    case 'sessionspec-express-redis':
    case 'express-session-postgres':
    case 'sessionspec-express-postgres':
    case 'express-session-sqlite':
    case 'sessionspec-express-sqlite':
      return serve(expressApp(variant, { redisPort: redis, postgresUrl }, gates));
    default:
      return fastifyServer(variant, redis, gates);
  }
}

const server = await build();
// The logout race: release the in-flight request once the logout's response has gone out, whichever
// framework wrote it (every variant has run its store calls by then).
server.prependListener('request', (req, res) => {
  const gate = logoutGate(req.url);
  if (gate !== null) res.once('finish', () => gates.release(gate));
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port: listening } = server.address() as AddressInfo;
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
// The parent asks for this process's CPU time around each measurement: CPU per request holds steadier
// than requests per second on a machine that other work shares.
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});
console.log(`port=${listening}`);
process.send?.({ port: listening });
