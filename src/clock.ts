/**
 * Time is injected: the manager and stores never read the wall clock directly, so tests drive time.
 *
 * @packageDocumentation
 */

/** A source of the current time in milliseconds since the epoch. */
export interface Clock {
  /** @returns the current time in milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: for tests and the conformance kit. */
export interface ManualClock extends Clock {
  /** Move time forward by `ms`. */
  advance(ms: number): void;
  /** Set the time (it may move backwards, as a skewed clock would). */
  set(time: number): void;
}

/**
 * Make a {@link ManualClock}.
 * @param start - the initial time.
 * @returns the clock.
 * @example
 * ```ts
 * const clock = createManualClock(0);
 * clock.advance(30 * 60_000);
 * ```
 */
export function createManualClock(start = 0): ManualClock {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
    set: (t) => {
      time = t;
    },
  };
}
