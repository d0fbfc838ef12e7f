/**
 * Recording histories of store operations for the linearizability checker (CK-5, CK-7): each call's
 * interval on a clock, its input and its answer, or an unknown outcome when the answer never came.
 *
 * @packageDocumentation
 */
import type { SessionStore } from '../../src/index.js';
import { jsonRoundTrip } from '../json.js';
import { type Operation, UNKNOWN } from '../linearizability.js';

/** The store methods a history records (the core, ST-1, without `purgeExpired`). @internal */
export const RECORDED_METHODS = [
  'create',
  'read',
  'write',
  'destroy',
  'listByUser',
  'destroyByUser',
] as const;

/** One of {@link RECORDED_METHODS}. @internal */
export type RecordedMethod = (typeof RECORDED_METHODS)[number];

/** A recorded store operation: its input is the method's arguments. @internal */
export type StoreOperation = Operation<unknown[], unknown>;

/**
 * A logical clock for in-process runs: every reading is later than the previous one, so the order of
 * events is exactly the order JavaScript ran them in.
 * @returns the clock.
 * @internal
 */
export function logicalClock(): () => number {
  let tick = 0;
  return () => ++tick;
}

/** Collects the operations of every client of one run. @internal */
export class Recorder {
  readonly operations: StoreOperation[] = [];

  /** @param clock - a monotonic clock: logical in-process, `performance.now()` across processes. */
  constructor(readonly clock: () => number) {}

  /**
   * Wrap a store so each core call is recorded as an operation of `client`. A rejection (a fault,
   * ST-1), or no answer within `timeoutMs`, is recorded as an unknown outcome (CK-7) and reaches the
   * caller as a rejection.
   * @param store - the store the client calls.
   * @param client - the client's name in the history.
   * @param timeoutMs - how long the client waits for an answer; forever when absent.
   * @returns a store for this client.
   */
  wrap(store: SessionStore, client: string, timeoutMs?: number): SessionStore {
    const wrapped: SessionStore = Object.create(store) as SessionStore;
    for (const method of RECORDED_METHODS) {
      const original = store[method] as (...args: unknown[]) => Promise<unknown>;
      Object.defineProperty(wrapped, method, {
        value: (...args: unknown[]) =>
          this.call(client, method, args, () => original.apply(store, args), timeoutMs),
      });
    }
    return wrapped;
  }

  /** Run one call and record it. */
  private async call(
    client: string,
    method: RecordedMethod,
    args: unknown[],
    run: () => Promise<unknown>,
    timeoutMs: number | undefined,
  ): Promise<unknown> {
    const operation: StoreOperation = {
      client,
      op: method,
      input: jsonRoundTrip(args),
      call: this.clock(),
      return: Infinity,
      output: UNKNOWN,
    };
    this.operations.push(operation);
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = run();
      const output =
        timeoutMs === undefined
          ? await answer
          : await Promise.race([
              answer,
              new Promise<never>((_, reject) => {
                timer = setTimeout(
                  () => reject(new CallTimeout(`${method}: no answer in ${timeoutMs} ms`)),
                  timeoutMs,
                );
              }),
            ]);
      operation.return = this.clock();
      operation.output = jsonRoundTrip(output);
      return output;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The client stopped waiting for an answer (CK-7). @internal */
export class CallTimeout extends Error {
  override name = 'CallTimeout';
}
