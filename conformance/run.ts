/**
 * The runner-agnostic entry point of the conformance kit (CK-1).
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { STORE_CONTRACT, type StoreSupports } from '../src/index.js';
import { kitVersion, machineHash, specHash } from './fingerprint.js';
import type { Capability, OpenedStore, Rule, RuleContext } from './rule.js';
import { RULE_GROUPS } from './rules/index.js';
import type {
  ConformanceOptions,
  ConformanceProfile,
  ConformanceReport,
  RuleResult,
  StoreFactory,
  StoreHandle,
} from './types.js';

/**
 * Runs per property, longest command sequence and default time budget, per profile (CK-10). The
 * memory adapter finishes the quick profile in about 10 s; the budget lets a slow store end in time
 * with fewer runs, and the report says how many it reached.
 */
export const PROFILES: Record<
  ConformanceProfile,
  { numRuns: number; maxCommands: number; budgetMs: number }
> = {
  quick: { numRuns: 100, maxCommands: 30, budgetMs: 60_000 },
  deep: { numRuns: 2000, maxCommands: 100, budgetMs: 600_000 },
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
  // CK-9: a replay runs with the profile of the run that printed it, so it generates the same values.
  const profile = options.replay?.profile ?? options.profile ?? 'quick';
  const settings = PROFILES[profile];
  if (settings === undefined)
    throw new TypeError(`runConformance: unknown profile '${profile}', use 'quick' or 'deep'`);
  const budgetMs = options.budgetMs ?? settings.budgetMs;
  if (!(budgetMs > 0))
    throw new TypeError(`runConformance: budgetMs must be a positive number of milliseconds`);
  const seed = options.replay?.seed ?? options.seed ?? randomBytes(4).readInt32LE(0);
  const started = performance.now();
  const { supports, lies, contract, corrupt } = await effectiveSupports(options.factory, options.supports);
  const base = {
    supports,
    corrupt,
    profile,
    numRuns: settings.numRuns,
    maxCommands: settings.maxCommands,
    seed,
  };
  const open = () => openStore(options.factory);
  const openShared = (count: number) => openSharedStores(options.factory, count);
  const selected = RULE_GROUPS.flatMap((group) => group.rules).filter(
    (rule) =>
      (options.replay === undefined || options.replay.rule === rule.id) &&
      (options.only === undefined || options.only.includes(rule.id)),
  );
  if (options.replay !== undefined && selected.length === 0) {
    throw new TypeError(`runConformance: the replay token names an unknown rule '${options.replay.rule}'`);
  }
  const results: RuleResult[] = [];
  for (const [index, rule] of selected.entries()) {
    options.onProgress?.({ type: 'start', id: rule.id, title: rule.title });
    // CK-10: a rule may use up to three even shares of what is left (rules differ in cost, and time a
    // fast rule leaves goes to the rest); a floor keeps a rule from getting nothing when others overran.
    const left = budgetMs - (performance.now() - started);
    const share = Math.max(
      Math.min(left, (3 * left) / (selected.length - index)),
      budgetMs / selected.length / 4,
    );
    const deadline = performance.now() + share;
    const ctx: RuleContext =
      options.replay === undefined
        ? { ...base, deadline, open, openShared }
        : { ...base, deadline, open, openShared, replay: options.replay };
    const result = await runRule(rule, ctx, lies);
    results.push(result);
    options.onProgress?.({ type: 'done', result });
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
    budgetMs,
    contract,
    ...(options.replay === undefined ? {} : { replay: options.replay }),
    rules: results,
    passed: count('pass'),
    failed: count('fail'),
    unsupported: count('unsupported'),
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Run one rule; a rule needing a missing capability is `unsupported`, never passed (ST-4), and one
 * needing a capability the manifest claims but the store lacks fails as a lying manifest.
 */
async function runRule(rule: Rule, ctx: RuleContext, lies: readonly Capability[]): Promise<RuleResult> {
  const started = performance.now();
  const requires = rule.requires ?? [];
  const elapsed = () => Math.round(performance.now() - started);
  const lied = requires.filter((capability) => lies.includes(capability));
  const missing = requires.filter((capability) =>
    capability === 'corrupt' ? !ctx.corrupt : !ctx.supports[capability],
  );
  if (lied.length > 0 || missing.length > 0) {
    // Not run: a lie fails (the store claims what it lacks), a capability not declared is unsupported.
    return {
      id: rule.id,
      title: rule.title,
      status: lied.length > 0 ? 'fail' : 'unsupported',
      runs: 0,
      durationMs: 0,
      message:
        lied.length > 0
          ? `[${rule.id}] ST-4: the manifest lies: it declares ${lied.map((c) => `${c}: true`).join(' and ')} but store.${lied.join(' and store.')} is missing, so this rule cannot run. Declare false, or implement the interface.`
          : missing.includes('corrupt')
            ? 'ST-4: the store offers no inspection.corrupt hook to plant undecodable bytes'
            : `ST-4: the manifest does not declare ${missing.join(' and ')}`,
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
      ...(outcome.cutShort === true ? { planned: ctx.numRuns } : {}),
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
      profile: ctx.profile,
      ...(outcome.replayPath === undefined ? {} : { replayPath: outcome.replayPath }),
    };
  }
  return result;
}

/**
 * The store's own manifest, overridden by the caller's (ST-4). A capability declared without its
 * interface is a lie: the rules branch as if it were off, and those that need it fail. Also the contract
 * the store declares (a store without `supports.contract` is a contract-1 store) and whether it can plant
 * corrupt bytes (SEC-3).
 */
async function effectiveSupports(
  factory: StoreFactory,
  override: Partial<StoreSupports> | undefined,
): Promise<{ supports: StoreSupports; lies: Capability[]; contract: number; corrupt: boolean }> {
  const opened = await openStore(factory);
  try {
    const own = (opened.store.supports ?? {}) as Partial<Omit<StoreSupports, 'contract'>> & {
      contract?: unknown;
    };
    const declared = {
      locks: override?.locks ?? own.locks === true,
      inspection: override?.inspection ?? own.inspection === true,
    };
    const present = {
      locks: typeof opened.store.locks?.acquire === 'function',
      inspection: typeof opened.store.inspection?.contents === 'function',
    };
    const lies = (['locks', 'inspection'] as const).filter((c) => declared[c] && !present[c]);
    const supports: StoreSupports = {
      contract: STORE_CONTRACT,
      locks: declared.locks && present.locks,
      inspection: declared.inspection && present.inspection,
      userIndex: override?.userIndex ?? own.userIndex ?? 'exact',
    };
    const contract = typeof own.contract === 'number' ? own.contract : 1;
    const corrupt = supports.inspection && typeof opened.store.inspection?.corrupt === 'function';
    return { supports, lies, contract, corrupt };
  } finally {
    await opened.dispose();
  }
}

/** CK-5: `count` instances from the factory over one fresh namespace; the first one cleans up. */
async function openSharedStores(factory: StoreFactory, count: number) {
  const first = await openStore(factory);
  const others = await Promise.all(
    Array.from({ length: count - 1 }, async () => checkHandle(await factory({ namespace: first.namespace }))),
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
  const handle = checkHandle(await factory({ namespace }));
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

/** The operations every store has (ST-1). */
const OPERATIONS = ['create', 'read', 'write', 'destroy', 'listByUser', 'destroyByUser', 'purgeExpired'];

/**
 * What the factory returned must be `{ store, close }`; anything else is the caller's mistake, named
 * with what was expected.
 * @throws TypeError saying what the factory returned and what it should.
 */
function checkHandle(handle: unknown): StoreHandle {
  const expected =
    'the factory must return { store, close }, e.g. ({ namespace }) => { const store = makeStore(namespace); return { store, close: () => store.close() }; }';
  if (typeof handle !== 'object' || handle === null) {
    throw new TypeError(`runConformance: the factory returned ${String(handle)}; ${expected}`);
  }
  const { store, close } = handle as Partial<StoreHandle>;
  if (store === undefined && typeof (handle as { read?: unknown }).read === 'function') {
    throw new TypeError(`runConformance: the factory returned the store itself; ${expected}`);
  }
  if (typeof store !== 'object' || store === null) {
    throw new TypeError(`runConformance: the factory returned { store: ${String(store)} }; ${expected}`);
  }
  const absent = OPERATIONS.filter(
    (name) => typeof (store as unknown as Record<string, unknown>)[name] !== 'function',
  );
  if (absent.length > 0) {
    throw new TypeError(
      `runConformance: the factory's store has no ${absent.join(', ')} method${absent.length > 1 ? 's' : ''}; a store implements SessionStore (ST-1)`,
    );
  }
  if (typeof close !== 'function') {
    throw new TypeError(
      `runConformance: the factory returned { store } without close; add close: () => store.close() (or () => {} when the store holds nothing of its own)`,
    );
  }
  return handle as StoreHandle;
}
