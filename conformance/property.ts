/**
 * Running a fast-check property as a rule, and turning its failure into a readable, replayable
 * outcome (CK-9).
 *
 * @packageDocumentation
 */
import fc from 'fast-check';
import type { RuleContext, RuleOutcome } from './rule.js';

/**
 * Check `property` with the context's seed, run count and replay token.
 * @param ctx - the rule context.
 * @param property - the property; a thrown error or rejection is a failure.
 * @param lastFailure - the description of the last failing run, when the property records it.
 * @returns `pass`, or `fail` with the shrunk counterexample as readable steps, the seed and the path.
 * @internal
 */
export async function checkProperty<Ts extends unknown[]>(
  ctx: RuleContext,
  property: fc.IAsyncProperty<Ts>,
  lastFailure?: () => Counterexample | undefined,
): Promise<RuleOutcome> {
  // CK-10: stop starting runs when the rule's share of the budget is spent; not a failure.
  const budget = {
    interruptAfterTimeLimit: Math.max(Math.round(ctx.deadline - performance.now()), 1),
    markInterruptAsFailure: false,
  };
  const params: fc.Parameters<Ts> =
    ctx.replay === undefined
      ? { numRuns: ctx.numRuns, seed: ctx.seed, ...budget }
      : { numRuns: ctx.numRuns, seed: ctx.replay.seed, path: ctx.replay.path };
  let details = await fc.check(property, params);
  // CK-10: a rule is never reported as passed without one completed run: when the budget ran out before
  // the first, that one run is made anyway (the budget is exceeded, never the honesty of the report).
  const none = details.interrupted && details.numRuns === 0 && details.counterexample === null;
  if (none) details = await fc.check(property, { numRuns: 1, seed: params.seed ?? ctx.seed });
  // CK-10: the budget ran out before a failure was found: what ran passed; the report shows how much.
  if (!details.failed || (details.interrupted && details.counterexample === null)) {
    return details.interrupted || none
      ? { status: 'pass', runs: details.numRuns, cutShort: true }
      : { status: 'pass', runs: details.numRuns };
  }
  if (details.counterexample === null) {
    return {
      status: 'fail',
      runs: details.numRuns,
      message: details.interrupted ? 'the run was interrupted' : 'too many generated values were skipped',
      seed: details.seed,
    };
  }
  // fast-check reports a fresh clone of a command sequence, without the marks of what ran; the
  // caller may know the last failing run, which is the shrunk counterexample.
  const { steps, replayPath } =
    lastFailure?.() ?? describeCounterexample(details.counterexample, PARAMETER_NAMES.get(property));
  return {
    status: 'fail',
    runs: details.numRuns,
    message: errorMessage(details.errorInstance),
    counterexample: steps,
    seed: details.seed,
    ...(details.counterexamplePath === null ? {} : { path: details.counterexamplePath }),
    ...(replayPath === undefined ? {} : { replayPath }),
  };
}

/** A counterexample as readable steps, with the `fc.commands` replay path when there is one. @internal */
export interface Counterexample {
  steps: string[];
  replayPath?: string;
}

/**
 * Render a counterexample: a command sequence as one line per step that ran, anything else with
 * `fc.stringify`, each value named after the property's parameter (`sessionId: "sid-A"`); also extract
 * the `fc.commands` replay path when there is one.
 * @param values - the generated values.
 * @param names - the property's parameter names, in order (see {@link namedProperty}).
 * @internal
 */
export function describeCounterexample(
  values: readonly unknown[],
  names: readonly string[] = [],
): Counterexample {
  const steps: string[] = [];
  let replayPath: string | undefined;
  for (const [index, value] of values.entries()) {
    if (isCommandSequence(value)) {
      for (const step of value) {
        // fast-check flags the commands of the sequence that actually ran (`hasRan`).
        if ((step as { hasRan?: boolean }).hasRan !== false) steps.push(String(step));
      }
      replayPath = /\/\*replayPath="(.*)"\*\/$/.exec(String(value))?.[1] ?? replayPath;
    } else {
      const name = names[index];
      steps.push(name === undefined ? fc.stringify(value) : `${name}: ${fc.stringify(value)}`);
    }
  }
  return replayPath === undefined ? { steps } : { steps, replayPath };
}

/** The parameter names of each property made with {@link namedProperty}. */
const PARAMETER_NAMES = new WeakMap<object, readonly string[]>();

/**
 * `fc.asyncProperty`, remembering the predicate's parameter names, so that a counterexample names each
 * generated value (CK-9): `sessionId: "sid-A"`, not a bare `"sid-A"`.
 * @internal
 */
export const namedProperty: typeof fc.asyncProperty = (...args) => {
  const property = fc.asyncProperty(...args);
  PARAMETER_NAMES.set(property, parameterNames(args[args.length - 1] as (...a: never[]) => unknown));
  return property;
};

/**
 * The parameter names of a function, as written (a destructuring pattern as its text).
 * @param fn - an arrow function or a function.
 * @returns the names, in order; empty when the source cannot be read.
 * @internal
 */
export function parameterNames(fn: (...args: never[]) => unknown): string[] {
  const source = Function.prototype.toString.call(fn);
  const single = /^(?:async\s+)?([\w$]+)\s*=>/.exec(source);
  if (single !== null) return [single[1]!];
  const open = source.indexOf('(');
  if (open === -1) return [];
  const names: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of source.slice(open + 1)) {
    if (depth === 0 && (char === ',' || char === ')')) {
      const name = current.split('=')[0]!.replace(/\s+/g, ' ').trim();
      if (name !== '') names.push(name);
      current = '';
      if (char === ')') break;
      continue;
    }
    if ('([{'.includes(char)) depth += 1;
    if (')]}'.includes(char)) depth -= 1;
    current += char;
  }
  return names;
}

/** A generated `fc.commands` value: iterable, not an array or a string. */
function isCommandSequence(value: unknown): value is Iterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

/**
 * The message of what a failing run threw; a store fault (a throw where a value was expected) is
 * named as such (ST-1).
 * @internal
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'Violation') return error.message;
    const where = kitFrame(error);
    return where === undefined
      ? `ST-1: the store threw ${error.name}: ${error.message}`
      : `the conformance kit itself failed (${error.name}: ${error.message}, at ${where}); this is a sessionspec bug unless the store answered something of the wrong type, please report it with the replay token`;
  }
  return `ST-1: the store threw ${String(error)}`;
}

/** The kit's own folder, as it appears in stack traces. */
const KIT_FOLDER = new URL('.', import.meta.url).href.replace(/^file:\/\//, '');

/** The first stack frame, when it is in the kit's own code (not a store's, not a test's). */
function kitFrame(error: Error): string | undefined {
  const first = error.stack?.split('\n').find((line) => line.trimStart().startsWith('at '));
  if (first === undefined || !first.includes(KIT_FOLDER) || /\/(mutants|test)\//.test(first))
    return undefined;
  return first.trim().replace(/^at /, '').replace(KIT_FOLDER, 'sessionspec/conformance/');
}
