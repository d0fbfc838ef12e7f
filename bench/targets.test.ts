import { describe, expect, it } from 'vitest';
import type { Measurement, Repetition } from './http/paired.js';
import type { Variant } from './http/variants.js';
import type { BenchResults } from './report.js';
import { checkTargets, missed } from './targets.js';

/** One group measurement in which each variant took the given server CPU per request. */
function group(cpu: Partial<Record<Variant, number>>): Map<Variant, Measurement> {
  return new Map(
    Object.entries(cpu).map(([variant, serverCpuMicros]) => [
      variant as Variant,
      { requestsPerSecond: 1_000, serverCpuMicros, non2xx: 0, errors: 0, misses: 0 },
    ]),
  );
}

/** A run whose every repetition measured the same CPU: node:http, Express and Fastify side by side. */
function run(cpu: Partial<Record<Variant, number>>): BenchResults {
  const repetition: Repetition = { read: [group(cpu)], incr: [group(cpu)] };
  return {
    repetitions: [repetition, repetition, repetition],
    floorCosts: { hash: 2, casOverSet: 5 },
    redisCost: { figures: [], pairs: [] },
    contention: [],
    progress: [],
  } as unknown as BenchResults;
}

/** The read line of sessionspec on `framework` against the unsafe session on `baseline`. */
const line = (checks: ReturnType<typeof checkTargets>, framework: string, baseline: string) =>
  checks.find(
    (c) =>
      c.what ===
      `server CPU sessionspec adds over bare ${framework} / what the unsafe GET + SET adds over ${baseline}, read`,
  )!;

describe('the server CPU targets and their floors (PERF-3)', () => {
  // The unsafe session adds 50 us on node:http, 150 on Express and 55 on Fastify; sessionspec adds 60
  // on node:http, 180 on Express and 66 on Fastify: 1.2x the unsafe session on every framework.
  const checks = checkTargets(
    run({
      node: 50,
      'unsafe-node-redis': 100,
      'sessionspec-node-redis': 110,
      express: 200,
      'unsafe-express-redis': 350,
      'sessionspec-express-redis': 380,
      fastify: 60,
      'unsafe-fastify-redis': 115,
      'sessionspec-fastify-redis': 126,
    }),
  );

  it('PERF-3: the floor of a line is what the unsafe session adds on the same framework, plus the token hash', () => {
    expect(line(checks, 'node:http', 'node:http').floor).toBe('1.04x');
    // (150 + 2) / 50: the framework alone makes any session cost 3x what it does on node:http.
    expect(line(checks, 'express', 'node:http').floor).toBe('3.04x (above the target)');
  });

  it('PERF-3: a line whose floor is above its target is reported, and the same framework line is gated', () => {
    const overNode = line(checks, 'express', 'node:http');
    expect(overNode.met).toBe(false);
    expect(overNode.gate).toBe('reported');
    const overExpress = line(checks, 'express', 'bare express');
    expect(overExpress.measured).toBe('1.20x (IQR 1.20-1.20, 1.20-1.20)');
    expect(overExpress.met).toBe(true);
    expect(overExpress.gate).toBe('full run');
    // Fastify's floor, (55 + 2) / 50, is under the target: its line against node:http stays gated.
    const fastify = line(checks, 'fastify', 'node:http');
    expect(fastify.floor).toBe('1.14x');
    expect(fastify.gate).toBe('full run');
    expect(missed(checks, false).filter((c) => c.what.startsWith('server CPU'))).toEqual([]);
  });

  it('PERF-3: without the unsafe session on a framework, its floor falls back to the one on node:http', () => {
    const without = checkTargets(
      run({ node: 50, 'unsafe-node-redis': 100, express: 200, 'sessionspec-express-redis': 380 }),
    );
    const c = line(without, 'express', 'node:http');
    expect(c.floor).toBe('1.04x');
    expect(c.gate).toBe('full run');
    expect(c.met).toBe(false);
  });
});
