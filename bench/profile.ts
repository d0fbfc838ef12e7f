/**
 * Where a request's time goes: a CPU profile of the manager on the memory adapter, and the work each
 * request does counted by kind. Not a test: it prints figures for this machine.
 *
 * Run `npm run build` first: it profiles the built package, as an application runs it.
 *
 *   npx tsx bench/profile.ts                 both scenarios, 3 s each, the 15 costliest functions
 *   npx tsx bench/profile.ts --ms 5000 --top 20 --out DIR   (DIR keeps the .cpuprofile files)
 *   npx tsx bench/profile.ts DIR...          summarise profiles written by `npm run bench -- --cpu-prof DIR`
 *
 * Scenarios, 50 concurrent workers with a session each holding the 1 KiB payload: `increment` (load,
 * `update('n')`, commit), `read` (load, `get('n')`, commit with nothing to write) and `no cookie` (the
 * same without a token: a new session that is not kept). Per request it counts JSON encodes and
 * decodes, SHA-256 hashes, random identifiers drawn, promises created and store calls (over one round
 * of every worker, outside the profile) and estimates the bytes allocated; the table lists the
 * functions with the most self time (time spent in the function itself). Last, what the stored record's
 * JSON costs: decoding and encoding it whole, without its browser bucket, and the bucket alone (what a
 * request that never touched the bucket would save if the bucket stayed text until read).
 *
 * @packageDocumentation
 */
import { createHook } from 'node:async_hooks';
import crypto from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Session as Inspector } from 'node:inspector/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createManualClock,
  createSessionManager,
  decodeRecord,
  encodeRecord,
  type SessionRecord,
} from 'sessionspec';
import { createMemoryStore } from 'sessionspec/adapters/memory';
import { flagReader } from './flags.js';
import { seedSessions } from './payload.js';

/** A V8 CPU profile, as `--cpu-prof` and the inspector write it. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
}

/** One row of the summary: a function and its share of the samples. */
interface Row {
  name: string;
  selfPercent: number;
}

const args = process.argv.slice(2);
const flag = flagReader(args);
const MS = Number(flag('ms', '3000'));
const TOP = Number(flag('top', '15'));
const OUT = flag('out', '');
const WORKERS = 50;

/** @internal Self time per function (by name and place), as percentages of the busy samples. */
function summarise(profile: CpuProfile, top: number): Row[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const frame = byNode.get(profile.samples[i]!)!;
    // A server waiting for requests is not spending anything.
    if (frame.functionName === '(idle)') continue;
    const file = frame.url.replace(/^.*\/(node_modules\/|src\/|spec\/|adapters\/|bench\/)/, '$1');
    const name = `${frame.functionName || '(anonymous)'} ${file === '' ? '' : `${file}:${frame.lineNumber + 1}`}`;
    // Counted, not weighted by the time deltas: the last sample's delta covers stopping the profiler.
    self.set(name, (self.get(name) ?? 0) + 1);
    total += 1;
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, time]) => ({ name: name.trim(), selfPercent: (100 * time) / total }));
}

/** @internal A Markdown table of the rows. */
function table(rows: Row[]): string {
  const lines = ['| self % | function |', '| ---: | --- |'];
  for (const row of rows) lines.push(`| ${row.selfPercent.toFixed(1)} | \`${row.name}\` |`);
  return lines.join('\n');
}

/** @internal Every `.cpuprofile` under `dir`. */
function profilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return profilesUnder(path);
    return path.endsWith('.cpuprofile') ? [path] : [];
  });
}

if (args.length > 0) {
  for (const dir of args) {
    for (const path of profilesUnder(dir)) {
      const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
      console.log(`\n${path}\n\n${table(summarise(profile, TOP))}`);
    }
  }
  process.exit(0);
}

// Counters, swapped in for one round of requests only, so that the profile sees the plain functions.
const counts = { encodes: 0, decodes: 0, hashes: 0, draws: 0, promises: 0 };
const plain = {
  stringify: JSON.stringify,
  parse: JSON.parse,
  createHash: crypto.createHash,
  hash: crypto.hash,
  toString: Buffer.prototype.toString,
};
const counting = {
  stringify: ((...a: Parameters<typeof JSON.stringify>) => {
    counts.encodes++;
    return plain.stringify(...a);
  }) as typeof JSON.stringify,
  parse: ((...a: Parameters<typeof JSON.parse>) => {
    counts.decodes++;
    return plain.parse(...a);
  }) as typeof JSON.parse,
  createHash: ((...a: Parameters<typeof crypto.createHash>) => {
    if (a[0] === 'sha256') counts.hashes++;
    return plain.createHash(...a);
  }) as typeof crypto.createHash,
  hash: ((...a: Parameters<typeof crypto.hash>) => {
    if (a[0] === 'sha256') counts.hashes++;
    return plain.hash(...a);
  }) as typeof crypto.hash,
  // A random id is a slice of the pooled CSPRNG bytes written as base64url (src/random.ts).
  toString: function (this: Buffer, ...a: unknown[]) {
    if (a[0] === 'base64url') counts.draws++;
    return (plain.toString as (...b: unknown[]) => string).apply(this, a);
  } as typeof Buffer.prototype.toString,
};
const promiseHook = createHook({
  init(_id, type) {
    if (type === 'PROMISE') counts.promises++;
  },
});
/** @internal Swap the counting functions in or out (the library's bindings of node:crypto follow). */
function counted(on: boolean): void {
  const use = on ? counting : plain;
  JSON.stringify = use.stringify;
  JSON.parse = use.parse;
  crypto.createHash = use.createHash;
  crypto.hash = use.hash;
  Buffer.prototype.toString = use.toString;
  syncBuiltinESMExports();
  if (on) promiseHook.enable();
  else promiseHook.disable();
}

type Manager = ReturnType<typeof createSessionManager>;

/** @internal A manager over a memory store whose calls are counted, and a manual clock. */
function setUp() {
  const clock = createManualClock(1_700_000_000_000);
  const store = createMemoryStore({ clock: clock.now, sweepEvery: false });
  let storeCalls = 0;
  for (const name of ['create', 'read', 'write', 'destroy'] as const) {
    const original = store[name].bind(store) as (...a: unknown[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
      storeCalls++;
      return original(...a);
    };
  }
  return { manager: createSessionManager({ store, clock }), calls: () => storeCalls };
}

const increment = (n: unknown) => ((n as number | undefined) ?? 0) + 1;
const SCENARIOS: Record<string, (manager: Manager, token: string) => Promise<void>> = {
  increment: async (manager, token) => {
    const session = await manager.load(token);
    session.update('n', increment);
    await session.commit();
  },
  read: async (manager, token) => {
    const session = await manager.load(token);
    session.get('n');
    await session.commit();
  },
  // A request without a cookie: a new session, kept only if something is set (SEC-6); nothing is.
  'no cookie': async (manager) => {
    const session = await manager.load(undefined);
    session.get('n');
    await session.commit();
  },
};

/** @internal `op` from every worker until `until`; returns how many ran. */
async function drive(op: () => Promise<void>[], until: number): Promise<number> {
  let done = 0;
  while (performance.now() < until) {
    await Promise.all(op());
    done += WORKERS;
  }
  return done;
}

/** Rounds of every worker over which allocations are sampled. */
const ALLOCATION_ROUNDS = 40;

/**
 * @internal Bytes allocated per request, estimated by V8's sampling heap profiler over
 * {@link ALLOCATION_ROUNDS} rounds, counting what was collected meanwhile as well as what lives on.
 */
async function allocatedPerRequest(all: () => Promise<void>[]): Promise<number> {
  await inspector.post('HeapProfiler.enable');
  await inspector.post('HeapProfiler.startSampling', {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let round = 0; round < ALLOCATION_ROUNDS; round++) await Promise.all(all());
  const { profile } = await inspector.post('HeapProfiler.stopSampling');
  await inspector.post('HeapProfiler.disable');
  type Node = { selfSize: number; children: Node[] };
  const total = (node: Node): number =>
    node.children.reduce((sum, child) => sum + total(child), node.selfSize);
  return total(profile.head as Node) / (ALLOCATION_ROUNDS * WORKERS);
}

const inspector = new Inspector();
inspector.connect();
await inspector.post('Profiler.enable');
await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
if (OUT !== '') mkdirSync(OUT, { recursive: true });
console.log(
  `sessionspec request profile (memory adapter, ${WORKERS} workers, ${MS} ms, Node ${process.version})`,
);
/** The stored text of a record holding the payload, whole, without its browser data, and the bucket. */
const recordJson = await (async () => {
  const store = createMemoryStore({ sweepEvery: false });
  const seeded = createSessionManager({ store });
  const [token] = await seedSessions(seeded, 1);
  const record = (await store.read(token!.split('.')[0]!, Date.now())) as SessionRecord;
  await seeded.close();
  return {
    'the record': encodeRecord(record),
    'the record without its browser data': encodeRecord({ ...record, browser: {} }),
    'the browser bucket alone': JSON.stringify(record.browser),
  };
})();

for (const [scenario, op] of Object.entries(SCENARIOS)) {
  const { manager, calls } = setUp();
  const tokens = await seedSessions(manager, WORKERS);
  const all = () => tokens.map((token) => op(manager, token));
  await drive(all, performance.now() + 500);
  // One counted round, on its own so that the counters see whole requests.
  const before = { ...counts, calls: calls() };
  counted(true);
  await Promise.all(all());
  counted(false);
  const per = (key: keyof typeof counts) => (counts[key] - before[key]) / WORKERS;
  const storeCalls = (calls() - before.calls) / WORKERS;
  const bytes = await allocatedPerRequest(all);
  const line =
    `per request: ${per('encodes')} JSON encodes, ${per('decodes')} decodes, ${per('hashes')} SHA-256, ` +
    `${per('draws')} random ids, ${per('promises')} promises, ${storeCalls} store calls, ` +
    `about ${Math.round(bytes).toLocaleString('en-US')} bytes allocated`;
  await inspector.post('Profiler.start');
  const cpu = process.cpuUsage();
  const start = performance.now();
  const done = await drive(all, start + MS);
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const { profile } = await inspector.post('Profiler.stop');
  if (OUT !== '') writeFileSync(join(OUT, `${scenario}.cpuprofile`), JSON.stringify(profile));
  // CPU time per request holds up better than requests per second on a machine shared with other work.
  const micros = (used.user + used.system) / done;
  console.log(
    `\n## ${scenario}: ${Math.round(done / (elapsed / 1000)).toLocaleString('en-US')} ops/s, ${micros.toFixed(1)} us CPU per request (profiler on)\n`,
  );
  console.log(line);
  console.log(`\n${table(summarise(profile as unknown as CpuProfile, TOP))}`);
  await manager.close();
}
inspector.disconnect();
console.log("\n## the stored record's JSON, microseconds per call\n");
console.log(jsonCosts());

/** @internal Median microseconds per call of `fn` over 15 batches of 2,000 calls. */
function microsPerCall(fn: () => unknown): number {
  for (let i = 0; i < 2_000; i++) fn();
  const batches: number[] = [];
  for (let b = 0; b < 15; b++) {
    const start = performance.now();
    for (let i = 0; i < 2_000; i++) fn();
    batches.push(((performance.now() - start) * 1000) / 2_000);
  }
  return batches.sort((x, y) => x - y)[7]!;
}

/** @internal Decode and encode costs of the record, its header (no browser data) and the bucket. */
function jsonCosts(): string {
  const lines = ['| what | bytes | decode | encode |', '| --- | ---: | ---: | ---: |'];
  for (const [what, text] of Object.entries(recordJson)) {
    const bucket = what === 'the browser bucket alone';
    const decode = bucket ? () => JSON.parse(text) : () => decodeRecord(text);
    const value = decode();
    const encode = bucket ? () => JSON.stringify(value) : () => encodeRecord(value as SessionRecord);
    lines.push(
      `| ${what} | ${text.length} | ${microsPerCall(decode).toFixed(1)} | ${microsPerCall(encode).toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}
