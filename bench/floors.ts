/**
 * The least a safe session can add over the unsafe one, from measured component costs: what the
 * contract makes sessionspec do that the hand-rolled GET + SET session does not. A target below this
 * floor is beyond the physical limit of the design, and the report says so with the figure.
 *
 * @packageDocumentation
 */
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/**
 * CPU microseconds of hashing one session token (SHA-256 of a 43-character secret, base64url), the
 * one step every request with a cookie needs that the unsafe session skips (the store keeps only the
 * hash, SEC-3).
 * @returns microseconds per hash, the median of five batches.
 */
export function measureHashMicros(): number {
  const token = randomBytes(32).toString('base64url');
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) {
    const cpu = process.cpuUsage();
    const n = 20_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) createHash('sha256').update(token).digest('base64url');
    const used = process.cpuUsage(cpu);
    batches.push(Math.min((used.user + used.system) / n, ((performance.now() - start) * 1000) / n));
  }
  return batches.sort((a, b) => a - b)[2]!;
}

/** Component costs of the floor, in microseconds. */
export interface FloorCosts {
  /** One token hash. */
  hash: number;
  /** Client CPU of a `GET` + `EVALSHA` compare-and-set over a `GET` + `SET` (never below 0). */
  casOverSet: number;
}

/**
 * The smallest ratio "server CPU sessionspec adds over its framework" / "server CPU the unsafe session
 * adds over a baseline" the contract allows: what the unsafe session adds on the same framework, plus a
 * token hash, and for a write the client cost of a compare-and-set instead of a blind `SET`.
 * @param unsafeHere - server CPU per request the unsafe session adds over the bare framework.
 * @param unsafeBaseline - server CPU per request the unsafe session adds in the target's denominator
 *   (over node:http, or over the same framework).
 * @param writes - whether the request writes.
 * @param costs - the component costs.
 * @returns the floor ratio.
 */
export function serverFloor(
  unsafeHere: number,
  unsafeBaseline: number,
  writes: boolean,
  costs: FloorCosts,
): number {
  return (unsafeHere + costs.hash + (writes ? costs.casOverSet : 0)) / unsafeBaseline;
}
