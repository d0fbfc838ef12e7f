/**
 * `sessionspec/conformance`: the conformance kit store authors run to prove an adapter meets the
 * store contract (CK-1). fast-check (and vitest, for `describeConformance` from
 * `sessionspec/conformance/vitest`) are peer dependencies of this subpath only.
 *
 * @packageDocumentation
 * @module sessionspec/conformance
 */
export { kitVersion, machineHash, specHash } from './fingerprint.js';
export { parseReplayToken } from './replay.js';
export { formatFailure, formatReportTable, REPLAY_ENV } from './report.js';
export { runConformance } from './run.js';
export type {
  ConformanceOptions,
  ConformanceProfile,
  ConformanceProgress,
  ConformanceReport,
  ReplayToken,
  RuleResult,
  RuleStatus,
  StoreFactory,
  StoreHandle,
} from './types.js';
