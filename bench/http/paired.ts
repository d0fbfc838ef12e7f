/**
 * HTTP figures as many short measurements of groups of variants side by side: within a group, every
 * variant is loaded at the same time, each by its own autocannon, so they share whatever else the
 * machine is doing; the groups take turns, and the whole is repeated. A ratio is taken within each
 * group measurement and summarised over the repetitions: on a shared machine, where the CPU a
 * request costs moves several-fold from one second to the next, the median of ratios measured side
 * by side holds far steadier than a ratio of medians measured apart.
 *
 * @packageDocumentation
 */
import { type Summary, summarise } from '../stats.js';
import { load, type Scenario } from './load.js';
import type { RunningServer } from './spawn.js';
import { hasSessions, type Variant } from './variants.js';

/** One measurement of one variant under one scenario. */
export interface Measurement {
  requestsPerSecond: number;
  /** Server process CPU per request, in microseconds. */
  serverCpuMicros: number;
  non2xx: number;
  errors: number;
  misses: number;
}

/** One measurement of a group under a scenario: each variant's figures, taken at the same time. */
export type GroupMeasurement = ReadonlyMap<Variant, Measurement>;

/** One repetition: every group under every scenario. */
export interface Repetition {
  read: GroupMeasurement[];
  incr: GroupMeasurement[];
}

/** The scenarios, in the order each repetition runs them. */
export const SCENARIOS: readonly Scenario[] = ['read', 'incr'];

/**
 * Measure each group under both scenarios, `repetitions` times.
 * @param servers - the running server of each variant.
 * @param groups - the groups; a variant may be in several.
 * @param options - repetitions, seconds per measurement, warm-up seconds, connections per variant.
 * @param progress - receives a line per group measurement.
 * @returns one element per repetition.
 */
export async function measureGroups(
  servers: ReadonlyMap<Variant, RunningServer>,
  groups: readonly (readonly Variant[])[],
  options: { repetitions: number; seconds: number; warmupSeconds: number; connections: number },
  progress: (line: string) => void,
): Promise<Repetition[]> {
  const measure = async (group: readonly Variant[], scenario: Scenario, seconds: number) => {
    const running = group.map((v) => servers.get(v)!);
    const before = await Promise.all(running.map((s) => s.cpuMicros()));
    const results = await Promise.all(
      running.map((s) => load(s.url, scenario, options.connections, seconds)),
    );
    const after = await Promise.all(running.map((s) => s.cpuMicros()));
    return new Map(
      group.map((variant, i) => {
        const result = results[i]!;
        const m: Measurement = {
          requestsPerSecond: result.requestsPerSecond,
          serverCpuMicros: (after[i]! - before[i]!) / Math.max(1, result.requests),
          non2xx: result.non2xx,
          errors: result.errors,
          // The bare frameworks have no session to miss.
          misses: hasSessions(variant) ? result.misses : 0,
        };
        return [variant, m] as const;
      }),
    );
  };
  for (const scenario of SCENARIOS)
    for (const group of groups) await measure(group, scenario, options.warmupSeconds);
  const repetitions: Repetition[] = [];
  for (let r = 0; r < options.repetitions; r++) {
    const repetition: Repetition = { read: [], incr: [] };
    for (const scenario of SCENARIOS) {
      for (const group of groups) {
        const measured = await measure(group, scenario, options.seconds);
        repetition[scenario].push(measured);
        progress(
          `http ${r + 1}/${options.repetitions} ${scenario.padEnd(4)} ` +
            [...measured]
              .map(
                ([v, m]) => `${v} ${Math.round(m.requestsPerSecond)}/s ${Math.round(m.serverCpuMicros)} us`,
              )
              .join(', '),
        );
      }
    }
    repetitions.push(repetition);
  }
  return repetitions;
}

/**
 * A figure computed within one group measurement, in each repetition, summarised over the repetitions.
 * In each repetition the first group holding every variant the figure asks for gives its value.
 * @param repetitions - the repetitions.
 * @param scenario - the scenario.
 * @param figure - the figure from one group measurement (`get` throws a `RangeError` for a variant the
 *   group does not hold).
 * @returns the summary, or `undefined` when no group holds the variants or a figure is not finite.
 */
export function paired(
  repetitions: readonly Repetition[],
  scenario: Scenario,
  figure: (get: (variant: Variant) => Measurement) => number,
): Summary | undefined {
  const values: number[] = [];
  for (const repetition of repetitions) {
    for (const group of repetition[scenario]) {
      const get = (variant: Variant) => {
        const m = group.get(variant);
        if (m === undefined) throw new RangeError(`not in the group: ${variant}`);
        return m;
      };
      try {
        values.push(figure(get));
        break;
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
      }
    }
  }
  if (values.length === 0 || !values.every(Number.isFinite)) return undefined;
  return summarise(values);
}

/**
 * Every measurement of a variant under a scenario, from whichever groups hold it.
 * @param repetitions - the repetitions.
 * @param variant - the variant.
 * @param scenario - the scenario.
 * @returns the measurements.
 */
export function measurementsOf(
  repetitions: readonly Repetition[],
  variant: Variant,
  scenario: Scenario,
): Measurement[] {
  return repetitions.flatMap((r) => r[scenario].flatMap((g) => (g.has(variant) ? [g.get(variant)!] : [])));
}
