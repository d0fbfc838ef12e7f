/**
 * Node-style callbacks for the express-session and Passport surfaces, which call them after the current
 * step, with the error of the step.
 *
 * @packageDocumentation
 */

/**
 * @internal Run `step`, then call `callback` (when it is a function) after the current step with the
 * error `step` threw; without a callback the error is thrown.
 */
export function settle(callback: unknown, step: () => void): void {
  let failure: unknown;
  try {
    step();
  } catch (error) {
    failure = error;
  }
  if (typeof callback === 'function') queueMicrotask(() => (callback as (e?: unknown) => void)(failure));
  else if (failure !== undefined) throw failure;
}
