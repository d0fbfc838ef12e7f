/**
 * Test helper: a real conformance report with a lifecycle failure (CK-4), from the kit run against a
 * store that keeps the old secret on write (a CK-11 mutant), with a fixed seed.
 *
 * @packageDocumentation
 */

import { runConformance } from '../../conformance/run.js';
import type { ConformanceReport } from '../../conformance/types.js';
import { LIFECYCLE_MUTANTS } from '../mutants/lifecycle.js';

/**
 * Runs the CK-4 rules against the lifecycle mutant.
 * @returns the report, as `sessionspec conformance --json` writes it.
 */
export async function lifecycleFailureReport(): Promise<ConformanceReport> {
  const mutant = LIFECYCLE_MUTANTS[0];
  if (mutant === undefined) throw new Error('no lifecycle mutant');
  return runConformance({
    name: mutant.name,
    factory: mutant.factory,
    seed: 20_240_601,
    only: ['CK-4.walks'],
  });
}
