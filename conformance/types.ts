/**
 * The public types of the conformance kit: what a store author passes in and what the kit reports.
 *
 * @packageDocumentation
 */
import type { SessionStore, StoreSupports } from '../src/index.js';

/** What a {@link StoreFactory} returns: a store over a fresh namespace and a way to release it. */
export interface StoreHandle {
  /** The store under test, scoped to the namespace it was made for. */
  store: SessionStore;
  /** Release the namespace's resources (connections, timers). Called once per handle by the kit. */
  close: () => void | Promise<void>;
}

/**
 * Makes a store over a namespace the kit chooses (CK-8): a random string, fresh for every run, so one
 * Redis or SQL database can be shared by concurrent runs.
 */
export type StoreFactory = (options: { namespace: string }) => StoreHandle | Promise<StoreHandle>;

/** `quick` (CI, under 60 s on the memory adapter) or `deep` (many more runs) (CK-10). */
export type ConformanceProfile = 'quick' | 'deep';

/**
 * What replays one failure (CK-9): the rule, fast-check's seed and path, and for command sequences the
 * replay path of `fc.commands`. Printed by the kit as JSON for every failure.
 */
export interface ReplayToken {
  /** The rule id, e.g. `CK-3`. Only this rule runs when replaying. */
  rule: string;
  /** The fast-check seed of the failing run. */
  seed: number;
  /** The fast-check counterexample path. */
  path: string;
  /** The `fc.commands` replay path, for model-based rules. */
  replayPath?: string;
  /** The profile of the run that failed: a replay generates with the same sizes (CK-9). */
  profile?: ConformanceProfile;
}

/** A progress notification while the kit runs (CK-9). */
export type ConformanceProgress =
  | { type: 'start'; id: string; title: string }
  | { type: 'done'; result: RuleResult };

/** Options of {@link runConformance} (CK-1). */
export interface ConformanceOptions {
  /** The adapter's name, shown in the report. */
  name: string;
  /** Makes a store over a fresh namespace; called once per rule run (CK-8). */
  factory: StoreFactory;
  /**
   * Overrides or complements the store's own `supports` manifest (ST-4), e.g. `{ locks: false }` to skip
   * the lock rules. Rules for a capability that ends up unsupported are reported `unsupported`.
   */
  supports?: Partial<StoreSupports>;
  /** `quick` (default) or `deep` (CK-10). */
  profile?: ConformanceProfile;
  /**
   * The time budget of the whole run in milliseconds (CK-10); defaults to the profile's (60 s quick,
   * 600 s deep). Each rule may use up to three even shares of what is left; a property stops starting new runs when
   * its share is spent, and the report shows the runs reached against the runs planned.
   */
  budgetMs?: number;
  /** The fast-check seed for every property; a fresh one is drawn when absent (and reported). */
  seed?: number;
  /** Run only the rules with these ids (e.g. `['ST-6']`); every rule when absent. */
  only?: readonly string[];
  /** Replay one failure (CK-9): only that rule runs, at that seed and path. */
  replay?: ReplayToken;
  /** Called when a rule starts and when it ends (CK-9). */
  onProgress?: (event: ConformanceProgress) => void;
}

/** The outcome of one rule (CK-2). */
export type RuleStatus = 'pass' | 'fail' | 'unsupported';

/** One rule's line of the report (CK-2, CK-9). */
export interface RuleResult {
  /** Stable id from the requirements catalog, with a suffix where one rule has several checks (`ST-2.read`). */
  id: string;
  /** What the rule checks, in one line. */
  title: string;
  status: RuleStatus;
  /** Property runs executed (1 for deterministic rules). */
  runs: number;
  /** Set when the time budget cut the rule short: the runs the profile planned (CK-10). */
  planned?: number;
  /** Wall time of the rule in milliseconds. */
  durationMs: number;
  /** What the rule covered, when it measures it: e.g. `37/37 transitions` for CK-4. */
  coverage?: string;
  /** For `fail` and `unsupported`: what went wrong, or which capability is missing. */
  message?: string;
  /** For `fail`: the shrunk counterexample, one readable step per line. */
  counterexample?: string[];
  /** For `fail` of a property: the seed of the failing run (CK-9). */
  seed?: number;
  /** For `fail` of a property: fast-check's counterexample path (CK-9). */
  path?: string;
  /** For `fail` of a property: the token that replays it (`--replay` / `SESSIONSPEC_REPLAY`). */
  replay?: ReplayToken;
}

/** The machine-readable report of a run (CK-9). */
export interface ConformanceReport {
  kit: { name: 'sessionspec'; version: string };
  /** The adapter name passed in. */
  adapter: string;
  /** The base seed of the run. */
  seed: number;
  profile: ConformanceProfile;
  /** SHA-256 (hex) of the lifecycle machine's definition and lifecycle table. */
  machineHash: string;
  /** SHA-256 (hex) of `spec/SPEC.md`, or `null` when the package does not ship it. */
  specHash: string | null;
  /** The effective capability manifest the rules branched on (ST-4). */
  supports: StoreSupports;
  /** The time budget the run had, in milliseconds (CK-10). */
  budgetMs: number;
  /**
   * The store contract the store declares (`supports.contract`; `1` when absent). The kit checks
   * contract 2: a contract-1 store fails ST-4 and the write rules contract 2 adds (CC-1).
   */
  contract: number;
  /** Set when this run replayed one failure. */
  replay?: ReplayToken;
  rules: RuleResult[];
  passed: number;
  failed: number;
  unsupported: number;
  /** Wall time of the whole run in milliseconds. */
  durationMs: number;
}
