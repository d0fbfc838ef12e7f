import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The public surface, as published: the names each entry point of the built package exports, from its
 * `.d.ts` (with `@internal` stripped) and from its JavaScript. A name that appears or disappears fails
 * here until the list below (and the CHANGELOG) says so.
 */
const ROOT = resolve(import.meta.dirname, '..');
/** An `exports` target: `{ types, default }`, or per condition with the ES module under `import`. */
type Target = { types: string; default: string };
type Entry = string | Target | { import: Target; require?: Target };
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, Entry>;
};

/** The names each entry point exports (types and values), sorted. */
const EXPECTED: Record<string, string[]> = {
  '.': [
    'AuditListener',
    'AuthenticateOptions',
    'Bucket',
    'BucketName',
    'BucketView',
    'Clock',
    'CommitResult',
    'CookieInstruction',
    'CreateResult',
    'DataValue',
    'ExpiryOptions',
    'HTTP_STATUS',
    'JsonValue',
    'LockOptions',
    'ManualClock',
    'PageRequest',
    'ParsedToken',
    'RECORD_FORMAT',
    'ReadResult',
    'RetireReason',
    'STORE_CONTRACT',
    'Session',
    'SessionAuditEvent',
    'SessionData',
    'SessionError',
    'SessionErrorCode',
    'SessionLocks',
    'SessionManager',
    'SessionManagerOptions',
    'SessionPage',
    'SessionRecord',
    'SessionRecordV1',
    'SessionRecordV2',
    'SessionStore',
    'SessionSummary',
    'StoreContents',
    'StoreInspection',
    'StoreSupports',
    'StoredSessionRecord',
    'Updater',
    'UserData',
    'UserPage',
    'UserStep',
    'WRITE_ID_HISTORY',
    'WriteResult',
    'createManualClock',
    'createSessionManager',
    'decodeRecord',
    'encodeRecord',
    'formatToken',
    'isSessionError',
    'parseToken',
    'readResultOf',
    'systemClock',
    'upgradeRecord',
    'writeIdOf',
  ],
  './spec': [
    'ALWAYS_EVENT',
    'AUDIT_EVENT_TYPES',
    'AccessEvent',
    'AuditEventType',
    'AuditParams',
    'AuthenticateEvent',
    'Bucket',
    'CREATE_EVENT',
    'CallDecision',
    'ChangeCredentialEvent',
    'CookieLifetime',
    'CreateInput',
    'CreateResult',
    'DeclaredAction',
    'DeclaredState',
    'DeclaredTransition',
    'DestroyEvent',
    'EFFECT_TYPES',
    'HashEquals',
    'JsonValue',
    'LifecycleRow',
    'LiveState',
    'LogoutEvent',
    'MachineAction',
    'MachineDefinition',
    'PageRequest',
    'Presented',
    'RECORD_FORMAT',
    'RETIRED_HASH_CHARS',
    'RETIRED_SECRETS',
    'REUSE_RACE_MARGIN',
    'ReadResult',
    'ReauthenticateEvent',
    'RetireReason',
    'RetiredSecret',
    'Retirement',
    'RevokeEvent',
    'RotateEvent',
    'STORE_CONTRACT',
    'SecretFields',
    'SessionContext',
    'SessionEffect',
    'SessionEffectType',
    'SessionEvent',
    'SessionEventType',
    'SessionLocks',
    'SessionMachine',
    'SessionRecord',
    'SessionRecordV1',
    'SessionRecordV2',
    'SessionState',
    'SessionStore',
    'SetExpiryEvent',
    'StoreContents',
    'StoreInspection',
    'StoreSupports',
    'StoredSessionRecord',
    'TERMINAL_STATES',
    'TerminalState',
    'TouchEvent',
    'UserPage',
    'UserStep',
    'WRITE_ID_HISTORY',
    'WriteResult',
    'callDecision',
    'candidatesOf',
    'cookieMaxAge',
    'cookieResent',
    'credentialAccepted',
    'decodeRecord',
    'encodeRecord',
    'expiresAtOf',
    'graceOpen',
    'hasEnded',
    'idleDeadline',
    'lifecycleTable',
    'lifecycleTableMarkdown',
    'parseRetired',
    'presentedSecret',
    'readMachine',
    'readResultOf',
    'retiredEntry',
    'retirementOf',
    'reuseMayEnd',
    'sessionDefinition',
    'sessionEffects',
    'sessionMachine',
    'upgradeRecord',
    'writeIdOf',
  ],
  './store': [
    'Bucket',
    'CreateResult',
    'JsonValue',
    'LiveState',
    'PageRequest',
    'RECORD_FORMAT',
    'RETIRED_SECRETS',
    'ReadResult',
    'RetireReason',
    'STORE_CONTRACT',
    'SessionLocks',
    'SessionRecord',
    'SessionRecordV1',
    'SessionRecordV2',
    'SessionState',
    'SessionStore',
    'StoreContents',
    'StoreInspection',
    'StoreSupports',
    'StoredSessionRecord',
    'TerminalState',
    'UserPage',
    'UserStep',
    'WRITE_ID_HISTORY',
    'WriteResult',
    'decodeRecord',
    'encodeRecord',
    'readResultOf',
    'upgradeRecord',
    'writeIdOf',
  ],
  './conformance': [
    'ConformanceOptions',
    'ConformanceProfile',
    'ConformanceProgress',
    'ConformanceReport',
    'REPLAY_ENV',
    'ReplayToken',
    'RuleResult',
    'RuleStatus',
    'StoreFactory',
    'StoreHandle',
    'formatFailure',
    'formatReportTable',
    'kitVersion',
    'machineHash',
    'parseReplayToken',
    'runConformance',
    'specHash',
  ],
  './conformance/vitest': ['DescribeConformanceOptions', 'describeConformance'],
  './adapters/memory': ['MemoryStore', 'MemoryStoreOptions', 'createMemoryStore'],
  './adapters/redis': [
    'IoredisClient',
    'NodeRedisClient',
    'NodeRedisCluster',
    'NodeRedisSentinel',
    'RedisClient',
    'RedisStore',
    'RedisStoreOptions',
    'createRedisStore',
  ],
  './adapters/sqlite': [
    'SqliteConnectionOptions',
    'SqliteDatabase',
    'SqliteFileOptions',
    'SqliteStatement',
    'SqliteStore',
    'SqliteStoreOptions',
    'createSqliteStore',
    'sqliteSchemaSql',
  ],
  './adapters/postgres': [
    'DEFAULT_TABLE',
    'PgClient',
    'PostgresClient',
    'PostgresJsClient',
    'PostgresSchemaOptions',
    'PostgresStore',
    'PostgresStoreOptions',
    'createPostgresSchema',
    'createPostgresStore',
    'dropPostgresSchema',
    'postgresSchemaSql',
  ],
  './express': [
    'CrossSiteOptions',
    'CrossSiteRequestError',
    'ErrorResponse',
    'ExpressSessionOptions',
    'HttpSessionOptions',
    'LogFields',
    'PassportLike',
    'SessionCookieOptions',
    'SessionLogger',
    'defaultErrorResponse',
    'passportSessions',
    'sessionMiddleware',
    'sessionOf',
  ],
  './fastify': [
    'CrossSiteOptions',
    'CrossSiteRequestError',
    'ErrorResponse',
    'FastifySessionOptions',
    'HttpSessionOptions',
    'LogFields',
    'SessionCookieOptions',
    'SessionLogger',
    'defaultErrorResponse',
    'sessionOf',
    'sessionPlugin',
  ],
  './web': [
    'CrossSiteOptions',
    'CrossSiteRequestError',
    'ErrorResponse',
    'HttpSessionOptions',
    'LogFields',
    'SessionCookieOptions',
    'SessionLogger',
    'WebSessionBegin',
    'WebSessionOptions',
    'WebSessions',
    'createWebSessions',
    'defaultErrorResponse',
  ],
  './hono': [
    'CrossSiteOptions',
    'CrossSiteRequestError',
    'ErrorResponse',
    'HonoSessionOptions',
    'HttpSessionOptions',
    'LogFields',
    'SessionCookieOptions',
    'SessionEnv',
    'SessionLogger',
    'defaultErrorResponse',
    'sessionMiddleware',
    'sessionOf',
  ],
  './http': [
    'CrossSiteOptions',
    'CrossSiteRequestError',
    'ErrorResponse',
    'HttpCore',
    'HttpSessionOptions',
    'HttpStep',
    'LogFields',
    'OriginFacts',
    'RequestFacts',
    'SessionCookieOptions',
    'SessionHeaders',
    'SessionLogger',
    'createHttpCore',
    'defaultErrorResponse',
    'errorHeaders',
  ],
  './http/testing': [
    'HttpBehaviourOptions',
    'RouteReply',
    'RunningServer',
    'ServerSetup',
    'StartServer',
    'describeHttpBehaviour',
  ],
};

/** Each entry point with its ES module target (the `.d.ts` and the JavaScript a consumer imports). */
const entries: [string, Target][] = Object.entries(pkg.exports).flatMap(([entry, target]) =>
  typeof target === 'string'
    ? []
    : [[entry, 'import' in target ? target.import : target] as [string, Target]],
);

/** One program over every entry point's `.d.ts`, as a consumer's compiler would see the package. */
let program: ts.Program | undefined;
function published(): ts.Program {
  program ??= ts.createProgram(
    entries.map(([, target]) => join(ROOT, target.types)),
    {
      noEmit: true,
      strict: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
    },
  );
  return program;
}

/** @returns the export names of a `.d.ts` file, with whether each is a value. */
function declared(file: string): { name: string; value: boolean }[] {
  const checker = published().getTypeChecker();
  const symbol = checker.getSymbolAtLocation(published().getSourceFile(file)!)!;
  return checker.getExportsOfModule(symbol).map((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    // `export type { AClass }` re-exports a class as a type only: no value at run time.
    const typeOnly = (s.declarations ?? []).some(
      (d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly),
    );
    return { name: s.name, value: !typeOnly && (target.flags & ts.SymbolFlags.Value) !== 0 };
  });
}

describe('the published entry points export exactly the listed names', () => {
  it('the package is built (npm run build) and every entry point is listed here', () => {
    for (const [, target] of entries) expect(existsSync(join(ROOT, target.types)), target.types).toBe(true);
    expect(Object.keys(EXPECTED).sort()).toEqual(entries.map(([entry]) => entry).sort());
  });

  it('the published declarations typecheck with @internal stripped (nothing public names a stripped type)', () => {
    const errors = ts
      .getPreEmitDiagnostics(published())
      .filter((d) => d.file?.fileName.startsWith(join(ROOT, 'dist')))
      .map((d) => `${d.file!.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    expect(errors).toEqual([]);
  });

  it.each(entries)(
    '%s: the .d.ts and the JavaScript export the listed names, no other',
    async (entry, target) => {
      const names = declared(join(ROOT, target.types));
      expect(names.map((n) => n.name).sort(), `${entry} (.d.ts)`).toEqual(EXPECTED[entry]);
      const runtime = Object.keys(await import(join(ROOT, target.default))).sort();
      const values = names
        .filter((n) => n.value)
        .map((n) => n.name)
        .sort();
      expect(runtime, `${entry} (JavaScript)`).toEqual(values);
    },
  );
});
