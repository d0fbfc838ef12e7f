/**
 * How reliably the concurrency rules catch each planted race (CK-5, CK-6): every race mutant, run under
 * its rule at the quick profile with `seeds` different seeds; prints, per mutant, on how many seeds it
 * was caught and at which run. `npx tsx test/race-detection.ts [seeds]` (default 100).
 *
 * @packageDocumentation
 */

import { runConformance } from '../conformance/run.js';
import { RACE_MUTANTS } from './mutants/races.js';

/** One mutant's detection over a range of seeds. @internal */
export interface Detection {
  mutant: string;
  rule: string;
  caught: number;
  seeds: number;
  /** The run at which each caught seed failed. */
  runs: number[];
}

/**
 * Run each race mutant under its rule once per seed.
 * @param seeds - the seeds to try.
 * @returns the detection per mutant.
 * @internal
 */
export async function measureRaceDetection(seeds: readonly number[]): Promise<Detection[]> {
  const detections: Detection[] = [];
  for (const mutant of RACE_MUTANTS) {
    const runs: number[] = [];
    for (const seed of seeds) {
      const report = await runConformance({
        name: mutant.name,
        factory: mutant.factory,
        seed,
        only: [mutant.breaks],
      });
      const result = report.rules[0]!;
      if (result.status === 'fail') runs.push(result.runs);
    }
    detections.push({
      mutant: mutant.name,
      rule: mutant.breaks,
      caught: runs.length,
      seeds: seeds.length,
      runs,
    });
  }
  return detections;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 100);
  const started = performance.now();
  const detections = await measureRaceDetection(Array.from({ length: count }, (_, i) => 1000 + i));
  for (const d of detections) {
    const sorted = [...d.runs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    process.stdout.write(
      `${d.rule.padEnd(18)} ${String(d.caught).padStart(3)}/${d.seeds} seeds  median run ${median}, worst ${sorted.at(-1) ?? '-'}  ${d.mutant}\n`,
    );
  }
  process.stdout.write(`${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
