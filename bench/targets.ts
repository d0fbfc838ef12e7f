/**
 * The targets, each checked against one run: server CPU that sessionspec adds over its bare framework
 * against what the unsafe GET + SET session adds over bare node:http; Redis CPU per operation against
 * the least the operation can cost; no lost update and no resurrected session. Beside them, not gated,
 * the request-rate ratios to the peers.
 *
 * @packageDocumentation
 */
import { serverFloor } from './floors.js';
import type { Scenario } from './http/load.js';
import { type Measurement, paired } from './http/paired.js';
import { isSessionspec, type Variant } from './http/variants.js';
import type { BenchResults } from './report.js';
import { formatRatioSummary, type Summary } from './stats.js';
import { STORE_OPS } from './store-level.js';

/** Which runs a missed target fails. */
export type Gate = 'every run' | 'full run' | 'reported';

/** A target and whether this run met it. */
export interface TargetCheck {
  what: string;
  target: string;
  /** The measured figure, e.g. the median of the paired ratios with its spread. */
  measured: string;
  /** `null` when not measured. */
  met: boolean | null;
  /** Which runs a miss fails: every run (correctness), a full run only (speed), or none (reported). */
  gate: Gate;
  /** The floor from measured component costs, where one applies. */
  floor?: string;
}

/**
 * Server CPU the session adds: sessionspec on each framework, against the unsafe session on node:http
 * and, for the floor, the same unsafe session on that framework.
 */
const ADDED: ReadonlyArray<{ framework: Variant; ours: Variant; unsafe: Variant }> = [
  { framework: 'node', ours: 'sessionspec-node-redis', unsafe: 'unsafe-node-redis' },
  { framework: 'express', ours: 'sessionspec-express-redis', unsafe: 'unsafe-express-redis' },
  { framework: 'fastify', ours: 'sessionspec-fastify-redis', unsafe: 'unsafe-fastify-redis' },
];

/** The server CPU target: what sessionspec adds over what the unsafe session adds. */
const SERVER_TARGET = 1.33;

/** The request-rate ratios reported beside the targets. */
export const PEER_RATIOS: ReadonlyArray<{ ours: Variant; peer: Variant }> = [
  { ours: 'sessionspec-express-redis', peer: 'express-session-redis' },
  { ours: 'sessionspec-fastify-redis', peer: 'fastify-session-redis' },
  { ours: 'sessionspec-express-postgres', peer: 'express-session-postgres' },
  { ours: 'sessionspec-node-redis', peer: 'unsafe-node-redis' },
];

const NAMES: Record<Scenario, string> = { read: 'read', incr: 'increment' };

/** @internal */
function check(what: string, s: Summary | undefined, max: number, gate: Gate): TargetCheck {
  return {
    what,
    target: `<= ${max.toFixed(2)}x`,
    measured: s === undefined ? 'not measured' : formatRatioSummary(s),
    met: s === undefined ? null : s.median <= max,
    gate,
  };
}

/**
 * Check every target against the run.
 * @param results - the run.
 * @returns one line per target.
 */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const reps = results.repetitions;
  const cpu = (m: Measurement) => m.serverCpuMicros;
  for (const scenario of ['read', 'incr'] as const) {
    for (const { framework, ours, unsafe } of ADDED) {
      const added = (v: Variant, bare: Variant) => (get: (v: Variant) => Measurement) =>
        cpu(get(v)) - cpu(get(bare));
      const unsafeAdded = paired(reps, scenario, added('unsafe-node-redis', 'node'));
      // What the unsafe session adds on this framework: the least any session costs there.
      const unsafeHere = paired(reps, scenario, added(unsafe, framework));
      const ratio = paired(
        reps,
        scenario,
        (get) => added(ours, framework)(get) / added('unsafe-node-redis', 'node')(get),
      );
      const name = framework === 'node' ? 'node:http' : framework;
      const c = check(
        `server CPU sessionspec adds over bare ${name} / what the unsafe GET + SET adds over node:http, ${NAMES[scenario]}`,
        ratio,
        SERVER_TARGET,
        'full run',
      );
      const floor =
        results.floorCosts !== null && unsafeAdded !== undefined && unsafeAdded.median > 0
          ? serverFloor(
              unsafeHere?.median ?? unsafeAdded.median,
              unsafeAdded.median,
              scenario === 'incr',
              results.floorCosts,
            )
          : undefined;
      if (floor !== undefined) c.floor = `${floor.toFixed(2)}x`;
      // PERF-3: a target below the floor is beyond the physical limit: the framework's own cost of any
      // session already exceeds it. The line is reported, and the one against the unsafe session on the
      // same framework, below, is gated instead.
      if (floor !== undefined && floor > SERVER_TARGET && framework !== 'node') {
        c.gate = 'reported';
        c.floor = `${c.floor} (above the target)`;
      }
      checks.push(c);
      if (framework === 'node') continue;
      const here = check(
        `server CPU sessionspec adds over bare ${name} / what the unsafe GET + SET adds over bare ${name}, ${NAMES[scenario]}`,
        paired(reps, scenario, (get) => added(ours, framework)(get) / added(unsafe, framework)(get)),
        SERVER_TARGET,
        'full run',
      );
      if (results.floorCosts !== null && unsafeHere !== undefined && unsafeHere.median > 0)
        here.floor = `${serverFloor(unsafeHere.median, unsafeHere.median, scenario === 'incr', results.floorCosts).toFixed(2)}x`;
      checks.push(here);
    }
  }
  const cost = (ours: string, concurrency: number) =>
    results.redisCost.pairs.find((p) => p.ours === ours && p.concurrency === concurrency)?.ratio;
  checks.push(
    check(
      'Redis CPU per increment / raw GET + minimal EVALSHA compare-and-set, one at a time',
      cost(STORE_OPS.redisSave, 1),
      1.15,
      'full run',
    ),
    check(
      'Redis CPU per read / bare GET of the record, one at a time',
      cost(STORE_OPS.redisLoad, 1),
      1.1,
      'full run',
    ),
    check(
      'the same, increment, 50 concurrent (batching helps the faster client)',
      cost(STORE_OPS.redisSave, 50),
      1.15,
      'reported',
    ),
    check('the same, read, 50 concurrent', cost(STORE_OPS.redisLoad, 50), 1.1, 'reported'),
  );
  const ours = results.contention.filter((c) => isSessionspec(c.variant));
  const lost = ours.reduce((n, c) => n + c.lost.lost, 0);
  const resurrected = ours.reduce((n, c) => n + c.races.resurrected, 0);
  const headwayLost = results.progress.reduce((n, p) => n + p.increments.lost, 0);
  checks.push({
    what: 'lost updates and resurrected sessions, every sessionspec variant (and two processes on one session)',
    target: '0',
    measured: ours.length === 0 ? 'not measured' : `${lost + headwayLost} lost, ${resurrected} resurrected`,
    met: ours.length === 0 ? null : lost + headwayLost === 0 && resurrected === 0,
    gate: 'every run',
  });
  for (const scenario of ['read', 'incr'] as const)
    for (const { ours: o, peer } of PEER_RATIOS) {
      const rps = paired(reps, scenario, (get) => get(o).requestsPerSecond / get(peer).requestsPerSecond);
      checks.push({
        what: `req/s ${o} / ${peer}, ${NAMES[scenario]}`,
        target: 'reported',
        measured: rps === undefined ? 'not measured' : formatRatioSummary(rps),
        met: null,
        gate: 'reported',
      });
    }
  return checks;
}

/**
 * The checks that fail the run: every gated target missed, or in a quick run (a smoke test whose
 * timings mean nothing) only the correctness one.
 * @param checks - from {@link checkTargets}.
 * @param quick - whether the run was a quick one.
 * @returns the missed checks.
 */
export function missed(checks: readonly TargetCheck[], quick: boolean): TargetCheck[] {
  return checks.filter(
    (c) => c.met === false && (c.gate === 'every run' || (c.gate === 'full run' && !quick)),
  );
}
