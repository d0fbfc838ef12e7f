/**
 * The runner-agnostic entry point of the conformance kit (CK-1).
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import type { StoreSupports } from '../src/index.js';
import { kitVersion, machineHash, specHash } from './fingerprint.js';
import type { OpenedStore, Rule, RuleContext } from './rule.js';
import { RULE_GROUPS } from './rules/index.js';
import type {
  ConformanceOptions,
  ConformanceProfile,
  ConformanceReport,
  RuleResult,
  StoreFactory,
} from './types.js';

/** Runs per property and longest command sequence, per profile (CK-10). */
const PROFILES: Record<ConformanceProfile, { numRuns: number; maxCommands: number }> = {
  quick: { numRuns: 100, maxCommands: 30 },
  deep: { numRuns: 2000, maxCommands: 100 },
};

/**
 * Check a store adapter against the store contract: every rule, each run on fresh random namespaces
 * (CK-8), reported pass / fail / unsupported with a replayable counterexample for each failure
 * (CK-2, CK-9). Never throws for a failing adapter: failures are in the report.
 *
 * @param options - the adapter's name and factory, the profile, the seed, an optional replay token.
 * @returns the report; `failed === 0` means the adapter conforms.
 * @throws TypeError when `name` or `factory` is missing, or the profile is unknown.
 *
 * @example
 * ```ts
 * import { runConformance } from 'sessionspec/conformance';
 * import { createMemoryStore } from 'sessionspec/adapters/memory';
 *
 * const report = await runConformance({
 *   name: 'memory',
 *   factory: () => { const store = createMemoryStore(); return { store, close: () => store.close() }; },
 * });
 * if (report.failed > 0) process.exitCode = 1;
 * ```
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  if (typeof options?.name !== 'string' || typeof options.factory !== 'function') {
    throw new TypeError(
      'runConformance needs { name: string, factory: ({ namespace }) => ({ store, close }) }',
    );
  }
  const profile = options.profile ?? 'quick';
  const settings = PROFILES[profile];
  if (settings === undefined)
    throw new TypeError(`runConformance: unknown profile '${profile}', use 'quick' or 'deep'`);
  const seed = options.replay?.seed ?? options.seed ?? randomBytes(4).readInt32LE(0);
  const started = performance.now();
  const supports = await effectiveSupports(options.factory, options.supports);
  const base = { supports, profile, numRuns: settings.numRuns, maxCommands: settings.maxCommands, seed };
  const open = () => openStore(options.factory);
  const openShared = (count: number) => openSharedStores(options.factory, count);
  const results: RuleResult[] = [];
  for (const group of RULE_GROUPS) {
    for (const rule of group.rules) {
      if (options.replay !== undefined && options.replay.rule !== rule.id) continue;
      if (options.only !== undefined && !options.only.includes(rule.id)) continue;
      options.onProgress?.({ type: 'start', id: rule.id, title: rule.title });
      const ctx: RuleContext =
        options.replay === undefined
          ? { ...base, open, openShared }
          : { ...base, open, openShared, replay: options.replay };
      const result = await runRule(rule, ctx);
      results.push(result);
      options.onProgress?.({ type: 'done', result });
    }
  }
  if (options.replay !== undefined && results.length === 0) {
    throw new TypeError(`runConformance: the replay token names an unknown rule '${options.replay.rule}'`);
  }
  const count = (status: RuleResult['status']) => results.filter((r) => r.status === status).length;
  return {
    kit: { name: 'sessionspec', version: await kitVersion() },
    adapter: options.name,
    seed,
    profile,
    machineHash: machineHash(),
    specHash: await specHash(),
    supports,
    ...(options.replay === undefined ? {} : { replay: options.replay }),
    rules: results,
    passed: count('pass'),
    failed: count('fail'),
    unsupported: count('unsupported'),
    durationMs: Math.round(performance.now() - started),
  };
}

/** Run one rule; a rule needing a missing capability is `unsupported`, never passed (ST-4). */
async function runRule(rule: Rule, ctx: RuleContext): Promise<RuleResult> {
  const started = performance.now();
  const missing = (rule.requires ?? []).filter((capability) => !ctx.supports[capability]);
  const elapsed = () => Math.round(performance.now() - started);
  if (missing.length > 0) {
    return {
      id: rule.id,
      title: rule.title,
      status: 'unsupported',
      runs: 0,
      durationMs: 0,
      message: `ST-4: the manifest does not declare ${missing.join(' and ')}`,
    };
  }
  let outcome: Awaited<ReturnType<Rule['run']>>;
  try {
    outcome = await rule.run(ctx);
  } catch (error) {
    // A fault outside any property (the factory, a cleanup): the rule cannot pass.
    outcome = {
      status: 'fail',
      runs: 0,
      message: `${rule.id}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const coverage = outcome.coverage === undefined ? {} : { coverage: outcome.coverage };
  if (outcome.status === 'pass') {
    return {
      id: rule.id,
      title: rule.title,
      status: 'pass',
      runs: outcome.runs,
      durationMs: elapsed(),
      ...coverage,
    };
  }
  const result: RuleResult = {
    id: rule.id,
    title: rule.title,
    status: 'fail',
    runs: outcome.runs,
    durationMs: elapsed(),
    ...coverage,
    message: `[${rule.id}] ${outcome.message}`,
  };
  if (outcome.counterexample !== undefined) result.counterexample = outcome.counterexample;
  if (outcome.seed !== undefined) result.seed = outcome.seed;
  if (outcome.path !== undefined) {
    result.path = outcome.path;
    result.replay = {
      rule: rule.id,
      seed: outcome.seed ?? ctx.seed,
      path: outcome.path,
      ...(outcome.replayPath === undefined ? {} : { replayPath: outcome.replayPath }),
    };
  }
  return result;
}

/** The store's own manifest, overridden by the caller's (ST-4). */
async function effectiveSupports(
  factory: StoreFactory,
  override: Partial<StoreSupports> | undefined,
): Promise<StoreSupports> {
  const opened = await openStore(factory);
  try {
    const own = (opened.store.supports ?? {}) as Partial<StoreSupports>;
    return {
      locks: override?.locks ?? own.locks === true,
      inspection: override?.inspection ?? own.inspection === true,
      userIndex: override?.userIndex ?? own.userIndex ?? 'exact',
    };
  } finally {
    await opened.dispose();
  }
}

/** CK-5: `count` instances from the factory over one fresh namespace; the first one cleans up. */
async function openSharedStores(factory: StoreFactory, count: number) {
  const first = await openStore(factory);
  const others = await Promise.all(
    Array.from({ length: count - 1 }, () => factory({ namespace: first.namespace })),
  );
  return {
    stores: [first.store, ...others.map((handle) => handle.store)],
    async dispose() {
      for (const handle of others) await handle.close();
      await first.dispose();
    },
  };
}

/**
 * Open the store on a fresh random namespace (CK-8). `dispose` purges everything the run stored
 * (every record is expired at the largest safe time) and closes the handle.
 */
async function openStore(factory: StoreFactory): Promise<OpenedStore> {
  const namespace = `ssck-${randomBytes(6).toString('hex')}`;
  const handle = await factory({ namespace });
  let disposed = false;
  return {
    store: handle.store,
    namespace,
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        await handle.store.purgeExpired(Number.MAX_SAFE_INTEGER);
      } catch {
        // Best effort: the rule that ran has already reported what it found.
      }
      await handle.close();
    },
  };
}
