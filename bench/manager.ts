/**
 * Benchmark of the reference manager on the memory adapter (PERF-1, PERF-4). Not a test: it prints
 * figures for this machine.
 *
 *   npx tsx bench/manager.ts            (BENCH_MS=<ms per figure>, default 2000)
 *
 * - load+save ops/s: load a session with a 1 KiB JSON payload, change one key, commit (concurrency 1
 *   and 50, one session per worker);
 * - load-only ops/s: load and commit with nothing to write (no touch due);
 * - the cost of one xstate `transition()` step of the lifecycle machine, in microseconds;
 * - machine steps per request for read-only, touch and lifecycle requests.
 */
import { performance } from 'node:perf_hooks';
import { initialTransition, transition } from 'xstate';
import { createMemoryStore } from '../adapters/memory/index.js';
import { sessionMachine } from '../spec/index.js';
import { createManualClock, createSessionManager, type SessionManager } from '../src/index.js';
import { machineSteps } from '../src/lifecycle.js';

const MS = Number(process.env.BENCH_MS ?? 2_000);
const T0 = 1_700_000_000_000;

/** About 1 KiB of JSON. */
const PAYLOAD = {
  cart: Array.from({ length: 22 }, (_, i) => ({ sku: `sku-${1000 + i}`, qty: i % 3, price: 19.99 + i })),
  prefs: { theme: 'dark', lang: 'en-GB', tz: 'Europe/London' },
};

function newManager(): { manager: SessionManager; clock: ReturnType<typeof createManualClock> } {
  const clock = createManualClock(T0);
  const store = createMemoryStore({ clock: clock.now, sweepEvery: false });
  return { manager: createSessionManager({ store, clock }), clock };
}

async function tokenWithPayload(manager: SessionManager): Promise<string> {
  const s = await manager.load(undefined);
  s.set('payload', PAYLOAD);
  s.set('n', 0);
  const { cookie } = await s.commit();
  if (cookie.action !== 'set') throw new Error('no token');
  return cookie.token;
}

/** Run `op` from `concurrency` workers for about MS milliseconds; returns ops/s. */
async function throughput(
  concurrency: number,
  op: (manager: SessionManager, token: string, i: number) => Promise<void>,
): Promise<number> {
  const { manager } = newManager();
  const tokens = await Promise.all(Array.from({ length: concurrency }, () => tokenWithPayload(manager)));
  // Warm-up.
  for (let i = 0; i < 2_000; i++) await op(manager, tokens[i % concurrency]!, i);
  let done = 0;
  const start = performance.now();
  const end = start + MS;
  await Promise.all(
    tokens.map(async (token) => {
      while (performance.now() < end) {
        await op(manager, token, done);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

const loadSave = async (manager: SessionManager, token: string, i: number) => {
  const s = await manager.load(token);
  s.set('n', i);
  await s.commit();
};
const loadOnly = async (manager: SessionManager, token: string) => {
  const s = await manager.load(token);
  s.get('payload');
  await s.commit();
};

/** Microseconds per `transition()` of the machine (an access that touches: a context change). */
function transitionCost(): { touch: number; resolveAndTouch: number; readOnly: number } {
  const [s0] = initialTransition(sessionMachine, {
    now: T0,
    secretHash: 'h0',
    idleTimeout: 1_800_000,
    absoluteTimeout: 43_200_000,
    persistent: false,
  });
  const touching = {
    type: 'access' as const,
    now: T0 + 1_000,
    presented: 'current' as const,
    touchAfter: 0,
    endOnReuse: false,
  };
  const reading = { ...touching, touchAfter: 60_000 };
  const time = (fn: () => void) => {
    for (let i = 0; i < 5_000; i++) fn();
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < MS / 2) {
      for (let i = 0; i < 1_000; i++) fn();
      n += 1_000;
    }
    return ((performance.now() - start) * 1000) / n;
  };
  return {
    touch: time(() => transition(sessionMachine, s0, touching)),
    resolveAndTouch: time(() =>
      transition(
        sessionMachine,
        sessionMachine.resolveState({ value: 'anonymous', context: s0.context }),
        touching,
      ),
    ),
    readOnly: time(() => transition(sessionMachine, s0, reading)),
  };
}

/** Machine steps taken by one request of each kind. */
async function stepsPerRequest(): Promise<Record<string, number>> {
  const { manager, clock } = newManager();
  let token = await tokenWithPayload(manager);
  const count = async (fn: () => Promise<void>) => {
    const before = machineSteps.count;
    await fn();
    return machineSteps.count - before;
  };
  return {
    'read-only (no touch due)': await count(async () => {
      await (await manager.load(token)).commit();
    }),
    'data write (no touch due)': await count(() => loadSave(manager, token, 1)),
    touch: await count(async () => {
      clock.advance(10 * 60_000);
      await (await manager.load(token)).commit();
    }),
    'lifecycle (authenticate)': await count(async () => {
      const s = await manager.load(token);
      s.authenticate('u1');
      const { cookie } = await s.commit();
      if (cookie.action === 'set') token = cookie.token;
    }),
    'lifecycle (rotate)': await count(async () => {
      const s = await manager.load(token);
      s.rotate();
      await s.commit();
    }),
    'new session (create)': await count(async () => {
      await tokenWithPayload(manager);
    }),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`sessionspec manager benchmark (memory adapter, ${MS} ms per figure, Node ${process.version})`);
console.log(`payload: ${JSON.stringify(PAYLOAD).length} bytes of JSON`);
for (const concurrency of [1, 50]) {
  console.log(
    `load+save  concurrency ${String(concurrency).padStart(2)}: ${fmt(await throughput(concurrency, loadSave))} ops/s`,
  );
  console.log(
    `load only  concurrency ${String(concurrency).padStart(2)}: ${fmt(await throughput(concurrency, loadOnly))} ops/s`,
  );
}
const cost = transitionCost();
console.log(`machine transition() (access, touch):          ${cost.touch.toFixed(2)} us`);
console.log(`machine resolveState + transition() (touch):   ${cost.resolveAndTouch.toFixed(2)} us`);
console.log(`machine transition() (access, no-op):          ${cost.readOnly.toFixed(2)} us`);
console.log('machine steps per request:');
for (const [kind, steps] of Object.entries(await stepsPerRequest()))
  console.log(`  ${kind.padEnd(28)} ${steps}`);
