/**
 * What a conformance rule is, and the context the runner gives it.
 *
 * @packageDocumentation
 */
import type { SessionStore, StoreSupports } from '../src/index.js';
import type { ConformanceProfile, ReplayToken } from './types.js';

/** A capability a rule needs from the manifest (ST-4). */
export type Capability = 'locks' | 'inspection' | 'corrupt';

/**
 * A store opened on a fresh namespace for one rule run (CK-8). `dispose` deletes what the run stored
 * (purge far in the future), then closes the handle.
 */
export interface OpenedStore {
  store: SessionStore;
  namespace: string;
  /** Clean up and close; safe to call once. */
  dispose(): Promise<void>;
}

/** What the runner hands to every rule. @internal */
export interface RuleContext {
  /** The effective manifest: the store's own, overridden by the caller's (ST-4). */
  supports: StoreSupports;
  /** The store offers `inspection.corrupt` (SEC-3). */
  corrupt: boolean;
  profile: ConformanceProfile;
  /** Property runs per rule for this profile (CK-10). */
  numRuns: number;
  /** Longest command sequence for model-based rules (CK-3). */
  maxCommands: number;
  /** The fast-check seed (CK-9). */
  seed: number;
  /**
   * When this rule's share of the time budget ends (`performance.now()` scale, CK-10): properties stop
   * starting new runs then, and the report shows how many ran.
   */
  deadline: number;
  /** Set when this run replays a failure of this rule (CK-9). */
  replay?: ReplayToken;
  /** Open the store under test on a fresh random namespace (CK-8). */
  open(): Promise<OpenedStore>;
  /**
   * Open `count` independent instances from the factory over one fresh namespace, as parallel clients
   * of a networked store (CK-5); `dispose` cleans the namespace once and closes them all.
   */
  openShared(count: number): Promise<{ stores: SessionStore[]; dispose(): Promise<void> }>;
}

/** What a rule run concluded. @internal */
export type RuleOutcome =
  | {
      status: 'pass';
      runs: number;
      coverage?: string;
      /** The time budget ended the property before the profile's runs (CK-10). */
      cutShort?: boolean;
    }
  | {
      status: 'fail';
      runs: number;
      message: string;
      coverage?: string;
      counterexample?: string[];
      seed?: number;
      path?: string;
      replayPath?: string;
    };

/** One conformance rule with a stable catalog id (CK-2). @internal */
export interface Rule {
  /** Catalog id, optionally with a suffix naming the check (`ST-2.purge`). */
  id: string;
  title: string;
  /** Capabilities without which the rule is reported `unsupported` (ST-4). */
  requires?: readonly Capability[];
  run(ctx: RuleContext): Promise<RuleOutcome>;
}

/** A named family of rules; the runner runs the groups in order. @internal */
export interface RuleGroup {
  name: string;
  rules: readonly Rule[];
}

/**
 * A broken contract rule found while checking: carries the rule's id in its message (CK-2).
 * @internal
 */
export class Violation extends Error {
  override name = 'Violation';
}

/**
 * Throw a {@link Violation} unless `condition` holds.
 * @param condition - what the contract requires.
 * @param message - what was observed, citing the rule id.
 * @throws Violation when `condition` is false.
 * @internal
 */
export function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Violation(message);
}
