/**
 * The report: Markdown tables of every figure, the ratios pair by pair, the targets, and the facts of
 * the machine that produced them.
 *
 * @packageDocumentation
 */
import type { LostUpdates, Resurrections } from './http/contention.js';
import type { Scenario } from './http/load.js';
import type { BlockedLogins, SharedIncrements } from './http/progress.js';
import { DESCRIPTIONS, isSessionspec, PAIRS, type Variant } from './http/variants.js';
import type { MachineFacts } from './machine.js';
import type { MemoryFigure } from './memory/index.js';
import type { BenchOptions } from './options.js';
import { PAYLOAD_BYTES } from './payload.js';
import { formatCount, formatRatio, formatSummary, type Summary } from './stats.js';
import { STORE_OPS, type StoreFigure } from './store-level.js';

/** One HTTP figure: a variant under a scenario, over the rounds. */
export interface HttpFigure {
  variant: Variant;
  scenario: Scenario;
  requestsPerSecond: Summary;
  /** CPU time of the server process per request, in microseconds. */
  serverCpuMicros: Summary;
  /** CPU time of Redis per request, in microseconds (about 0 for variants that do not use it). */
  redisCpuMicros: Summary;
  non2xx: number;
  errors: number;
  misses: number;
}

/** The correctness counts of one variant. */
export interface ContentionFigure {
  variant: Variant;
  lost: LostUpdates;
  races: Resurrections;
}

/** Progress under contention (CC-2): two processes of one variant on one Redis. */
export interface ProgressFigure {
  variant: Variant;
  logins: BlockedLogins;
  increments: SharedIncrements;
}

/** Everything one run measured. */
export interface BenchResults {
  options: BenchOptions;
  command: string;
  facts: MachineFacts;
  store: StoreFigure[];
  http: HttpFigure[];
  contention: ContentionFigure[];
  progress: ProgressFigure[];
  memory: MemoryFigure[];
  seconds: number;
}

/** A target and whether this run met it. */
export interface TargetCheck {
  what: string;
  target: string;
  measured: string;
  met: boolean | null;
  /** The same ratio from server CPU per request (peer's over ours), where it applies. */
  byCpu?: string;
}

const SCENARIOS: Record<Scenario, string> = { read: 'read-only', incr: 'read-increment-save' };

/** @internal */
function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** @internal */
function median(results: BenchResults, variant: Variant, scenario: Scenario): number | undefined {
  return results.http.find((f) => f.variant === variant && f.scenario === scenario)?.requestsPerSecond.median;
}

/** @internal */
function cpuMedian(results: BenchResults, variant: Variant, scenario: Scenario): number | undefined {
  return results.http.find((f) => f.variant === variant && f.scenario === scenario)?.serverCpuMicros.median;
}

/** @internal */
function storeMedian(results: BenchResults, op: string, concurrency: number): number | undefined {
  return results.store.find((f) => f.op === op && f.concurrency === concurrency)?.opsPerSecond.median;
}

/** @internal */
function storeCpu(results: BenchResults, op: string, concurrency: number): number | undefined {
  return results.store.find((f) => f.op === op && f.concurrency === concurrency)?.cpuMicrosPerOp.median;
}

/**
 * The targets of the issue, checked against this run's medians.
 * @param results - the run.
 * @returns one line per target; `met: null` when the figure was not measured.
 */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ratio = (what: string, a: number | undefined, b: number | undefined, min: number) => {
    const value = a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
    checks.push({
      what,
      target: `>= ${min.toFixed(2)}x`,
      measured: value === undefined ? 'not measured' : `${value.toFixed(2)}x`,
      met: value === undefined ? null : value >= min,
    });
  };
  for (const pair of PAIRS) {
    if (pair.target === undefined) continue;
    for (const scenario of ['incr', 'read'] as const) {
      ratio(
        `${pair.ours} / ${pair.peer}, ${SCENARIOS[scenario]}`,
        median(results, pair.ours, scenario),
        median(results, pair.peer, scenario),
        pair.target[scenario],
      );
      checks.at(-1)!.byCpu = formatRatio(
        cpuMedian(results, pair.peer, scenario),
        cpuMedian(results, pair.ours, scenario),
      );
    }
  }
  ratio(
    'manager load + save on Redis / raw GET + EVALSHA, concurrency 50',
    storeMedian(results, STORE_OPS.redisSave, 50),
    storeMedian(results, STORE_OPS.rawCas, 50),
    0.8,
  );
  checks.at(-1)!.byCpu = formatRatio(
    storeCpu(results, STORE_OPS.rawCas, 50),
    storeCpu(results, STORE_OPS.redisSave, 50),
  );
  const ours = results.contention.filter((c) => isSessionspec(c.variant));
  const lost = ours.reduce((n, c) => n + c.lost.lost, 0);
  const resurrected = ours.reduce((n, c) => n + c.races.resurrected, 0);
  checks.push({
    what: 'sessionspec lost updates and resurrected sessions, every variant',
    target: '0',
    measured: ours.length === 0 ? 'not measured' : `${lost} lost, ${resurrected} resurrected`,
    met: ours.length === 0 ? null : lost === 0 && resurrected === 0,
  });
  // CC-2: progress under contention, at most 1 of 20 logins and 1 of 10,000 increments refused.
  const headway = results.progress[0];
  checks.push({
    what: 'logins of a session another process keeps writing, answered CONFLICT',
    target: '<= 1 in 20',
    measured:
      headway === undefined ? 'not measured' : `${headway.logins.conflicts} of ${headway.logins.trials}`,
    met: headway === undefined ? null : headway.logins.conflicts * 20 <= headway.logins.trials,
  });
  checks.push({
    what: 'increments of one session through two processes, answered CONFLICT',
    target: '<= 1 in 10,000',
    measured:
      headway === undefined
        ? 'not measured'
        : `${headway.increments.conflicts} of ${formatCount(headway.increments.attempted)}`,
    met: headway === undefined ? null : headway.increments.conflicts * 10_000 <= headway.increments.attempted,
  });
  return checks;
}

/**
 * Render the report.
 * @param results - the run.
 * @returns Markdown.
 */
export function renderReport(results: BenchResults): string {
  const { facts, options } = results;
  const out: string[] = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(
    'sessionspec beside the session libraries a user would otherwise pick, measured side by side in one run on ' +
      'one machine (PERF-3). Ratios are taken between medians of the same run; absolute figures say more ' +
      'about the machine than about the libraries.',
  );
  out.push('');
  out.push(
    `> Figures from one run on a shared ${facts.cores}-core machine while other work was running ` +
      `(1-minute load average ${facts.loadAverage.toFixed(1)} at the start). The load generator, Redis and ` +
      'the server under test share those cores. Read the ratios, and expect several per cent of noise.',
  );
  out.push('');
  out.push('## Machine and command');
  out.push('');
  out.push(
    table(
      ['fact', 'value'],
      [
        ['date', facts.date],
        ['CPU', `${facts.cores} x ${facts.cpu}`],
        ['memory', `${facts.memoryGiB} GiB`],
        ['Node.js', facts.node],
        ['Redis', `${facts.redis} on 127.0.0.1, no persistence`],
        ['PostgreSQL', `${facts.postgres} on 127.0.0.1, fsync and synchronous_commit off`],
        ...Object.entries(facts.packages).map(([name, version]) => [name, version]),
        ['command', `\`${results.command}\``],
        [
          'settings',
          `${options.rounds} round(s), ${options.seconds} s per HTTP figure, ${options.connections} connections, ` +
            `${options.storeMs} ms per store figure; ${Math.round(results.seconds)} s in all`,
        ],
        ['payload', `${PAYLOAD_BYTES} bytes of JSON per session`],
      ],
    ),
  );
  out.push('');

  const targets = checkTargets(results);
  out.push('## Targets');
  out.push('');
  out.push(
    table(
      ['what', 'target', 'this run', 'met', 'same ratio by server CPU per request'],
      targets.map((t) => [
        t.what,
        t.target,
        t.measured,
        t.met === null ? '-' : t.met ? 'yes' : '**no**',
        t.byCpu ?? '-',
      ]),
    ),
  );
  out.push('');

  if (results.store.length > 0) {
    out.push('## Store level');
    out.push('');
    out.push(
      'Operations per second, median (min-max) over the rounds. One session (or key) per concurrent caller, ' +
        'each holding the payload. "load + save" loads a session, increments a counter with `update` and ' +
        'commits (two round trips on Redis: a read script and a compare-and-set script); "load only" loads ' +
        'and commits nothing (one round trip). The raw ioredis rows are the ceiling on the same Redis, ' +
        'including the JSON decode and encode any session needs: `GET` + `SET`, `GET` + one `EVALSHA` of a ' +
        'minimal compare-and-set script (the least a safe write costs), and a bare `GET`. On PostgreSQL ' +
        '"load + save" is a read and one compare-and-set statement; the peer row is connect-pg-simple\'s ' +
        '`get` + `set` (no condition: last writer wins), the raw row a `SELECT` + `UPDATE` of a JSON text ' +
        'column on node-postgres, the same pool settings for all three. On SQLite "load + save" is a read ' +
        "and one `BEGIN IMMEDIATE` compare-and-set; the peer row is connect-sqlite3's `get` + `set` (last " +
        'writer wins), the raw row a `SELECT` + `UPDATE` on better-sqlite3, each in a WAL file of its own on ' +
        "the temporary disk with every commit synced (`synchronous = FULL`, the default of both stores, set on the raw one); the `synchronous 'normal'` row syncs only at checkpoints. CPU is this " +
        "process's time per operation (Redis' own is not counted); \"by CPU\" ratios are the raw row's CPU " +
        "over the manager's.",
    );
    out.push('');
    const ops = Object.values(STORE_OPS);
    out.push(
      table(
        ['operation', 'ops/s, concurrency 1', 'ops/s, concurrency 50', 'CPU us/op, c1', 'CPU us/op, c50'],
        ops.map((op) => {
          const f = (c: number) => results.store.find((s) => s.op === op && s.concurrency === c);
          return [
            op,
            ...[1, 50].map((c) => (f(c) === undefined ? '-' : formatSummary(f(c)!.opsPerSecond))),
            ...[1, 50].map((c) => (f(c) === undefined ? '-' : f(c)!.cpuMicrosPerOp.median.toFixed(1))),
          ];
        }),
      ),
    );
    out.push('');
    out.push(
      table(
        ['ratio (medians)', 'concurrency 1', 'concurrency 50', 'by CPU, c1', 'by CPU, c50'],
        [
          [`${STORE_OPS.redisSave} / ${STORE_OPS.rawCas}`, STORE_OPS.redisSave, STORE_OPS.rawCas],
          [`${STORE_OPS.redisSave} / ${STORE_OPS.rawGetSet}`, STORE_OPS.redisSave, STORE_OPS.rawGetSet],
          [`${STORE_OPS.redisLoad} / ${STORE_OPS.rawGet}`, STORE_OPS.redisLoad, STORE_OPS.rawGet],
          [`${STORE_OPS.postgresSave} / ${STORE_OPS.pgSimple}`, STORE_OPS.postgresSave, STORE_OPS.pgSimple],
          [`${STORE_OPS.postgresSave} / ${STORE_OPS.rawPg}`, STORE_OPS.postgresSave, STORE_OPS.rawPg],
          [
            `${STORE_OPS.sqliteSave} / ${STORE_OPS.sqlite3Store}`,
            STORE_OPS.sqliteSave,
            STORE_OPS.sqlite3Store,
          ],
          [`${STORE_OPS.sqliteSave} / ${STORE_OPS.rawSqlite}`, STORE_OPS.sqliteSave, STORE_OPS.rawSqlite],
          [
            `${STORE_OPS.sqliteNormalSave} / ${STORE_OPS.sqliteSave}`,
            STORE_OPS.sqliteNormalSave,
            STORE_OPS.sqliteSave,
          ],
        ].map(([label, a, b]) => [
          label!,
          ...[1, 50].map((c) => formatRatio(storeMedian(results, a!, c), storeMedian(results, b!, c))),
          ...[1, 50].map((c) => formatRatio(storeCpu(results, b!, c), storeCpu(results, a!, c))),
        ]),
      ),
    );
    out.push('');
  }

  if (results.http.length > 0) {
    out.push('## HTTP');
    out.push('');
    out.push(
      `Requests per second, median (min-max) over the rounds, from autocannon with ${options.connections} ` +
        'connections on 127.0.0.1, each connection a browser with its own cookie jar (so each serves its own ' +
        'session). Every variant is a separate server process; the variants are interleaved within each round. ' +
        '"read-only": `GET /read` answers the counter of an existing session; "read-increment-save": ' +
        '`POST /incr` increments it. Every session holds the payload. Peers run with the options their ' +
        'documentation recommends (`resave: false`, `saveUninitialized: false`, non-secure cookie on plain ' +
        'HTTP); @fastify/session with `rolling: false`, its best case (its default rewrites the session on ' +
        'every response).',
    );
    out.push('');
    const variants = [...new Set(results.http.map((f) => f.variant))];
    out.push(
      table(
        ['variant', 'what', 'read-only', 'read-increment-save', 'problems'],
        variants.map((v) => {
          const cells = (['read', 'incr'] as const).map((s) => {
            const f = results.http.find((x) => x.variant === v && x.scenario === s);
            return f === undefined ? '-' : formatSummary(f.requestsPerSecond);
          });
          const problems = results.http
            .filter((x) => x.variant === v)
            .flatMap((x) =>
              [
                x.non2xx > 0 ? `${x.non2xx} non-2xx` : '',
                x.errors > 0 ? `${x.errors} errors` : '',
                x.misses > 0 ? `${x.misses} reads without the session` : '',
              ]
                .filter((p) => p !== '')
                .map((p) => `${SCENARIOS[x.scenario]}: ${p}`),
            );
          return [`\`${v}\``, DESCRIPTIONS[v], ...cells, problems.join('; ') || '-'];
        }),
      ),
    );
    out.push('');
    out.push(
      'CPU time per request, median (min-max) over the rounds, in microseconds: of the server process ' +
        '(`process.cpuUsage()` around each measurement), and of Redis (`INFO cpu`). On a shared machine ' +
        'these hold steadier than requests per second, which also depend on what else runs.',
    );
    out.push('');
    out.push(
      table(
        [
          'variant',
          'server, read-only',
          'server, read-increment-save',
          'Redis, read-only',
          'Redis, read-increment-save',
        ],
        variants.map((v) => {
          const f = (s: Scenario) => results.http.find((x) => x.variant === v && x.scenario === s);
          const cell = (s: Scenario, which: 'serverCpuMicros' | 'redisCpuMicros') => {
            const found = f(s);
            return found === undefined ? '-' : formatSummary(found[which]);
          };
          return [
            `\`${v}\``,
            cell('read', 'serverCpuMicros'),
            cell('incr', 'serverCpuMicros'),
            cell('read', 'redisCpuMicros'),
            cell('incr', 'redisCpuMicros'),
          ];
        }),
      ),
    );
    out.push('');
    out.push(
      'Ratios, each sessionspec variant to its peer: of requests per second (medians), and of server CPU per ' +
        "request (the peer's over ours: how many more requests one core serves when the server is the bottleneck):",
    );
    out.push('');
    out.push(
      table(
        [
          'sessionspec variant',
          'peer',
          'read-only',
          'read-increment-save',
          'by CPU, read-only',
          'by CPU, read-increment-save',
          'target',
        ],
        PAIRS.filter((p) => variants.includes(p.ours) && variants.includes(p.peer)).map((p) => [
          `\`${p.ours}\``,
          `\`${p.peer}\``,
          formatRatio(median(results, p.ours, 'read'), median(results, p.peer, 'read')),
          formatRatio(median(results, p.ours, 'incr'), median(results, p.peer, 'incr')),
          formatRatio(cpuMedian(results, p.peer, 'read'), cpuMedian(results, p.ours, 'read')),
          formatRatio(cpuMedian(results, p.peer, 'incr'), cpuMedian(results, p.ours, 'incr')),
          p.target === undefined
            ? '-'
            : p.target.read === p.target.incr
              ? `>= ${p.target.read}x`
              : `>= ${p.target.read}x read, ${p.target.incr}x incr`,
        ]),
      ),
    );
    out.push('');
  }

  if (results.contention.length > 0) {
    const first = results.contention[0]!;
    out.push('## Correctness under load');
    out.push('');
    out.push(
      `Lost updates: ${options.contentionSessions} sessions one after another, each receiving ` +
        `${options.contentionRequests} concurrent increments on ${options.contentionRequests} connections ` +
        `sharing its cookie; the handler reads the counter, pauses ${options.contentionDelayMs} ms (a stand-in ` +
        'for a database call) and writes it. Lost = increments answered 2xx that the final counter does not ' +
        'hold. sessionspec changes the counter with `update` (CC-3); the peers with `session.n = n + 1`, as ' +
        'their users do.',
    );
    out.push('');
    out.push(
      `Resurrections: ${first.races.trials} races per variant. A request reads the session; a logout on ` +
        'the same cookie ends it and answers; then the first request writes. The server orders the three ' +
        'steps so this worst interleaving happens every time. Afterwards the old cookie is presented: a ' +
        'session that still answers has come back.',
    );
    out.push('');
    out.push(
      table(
        [
          'variant',
          'lost updates',
          'median lost per session',
          'refused (non-2xx)',
          'resurrected',
          'in-flight write after logout answered 2xx',
        ],
        results.contention.map((c) => {
          const per = [...c.lost.lostPerSession].sort((a, b) => a - b);
          return [
            `\`${c.variant}\``,
            `${c.lost.lost} of ${c.lost.succeeded}`,
            `${per[Math.floor(per.length / 2)] ?? 0} of ${options.contentionRequests}`,
            String(c.lost.refused),
            `${c.races.resurrected} of ${c.races.trials}`,
            `${c.races.inFlightAccepted} of ${c.races.trials}`,
          ];
        }),
      ),
    );
    out.push('');
  }

  if (results.progress.length > 0) {
    out.push('## Progress under contention');
    out.push('');
    out.push(
      `Two processes of one variant on one Redis (CC-2). Logins: ${options.loginTrials} times, a new ` +
        `session whose cookie ${options.loginWriters} connections keep sending increments with to the ` +
        'first process (each sends its next as soon as the previous is answered); once they are under ' +
        'way, a login with the same cookie goes to the second process. Increments: one session, ' +
        `${formatCount(options.sharedIncrements)} increments over ${options.sharedConnections} connections ` +
        'to each process. CONFLICT = answered 409 because the compare-and-set attempts ran out.',
    );
    out.push('');
    out.push(
      table(
        [
          'variant',
          'logins CONFLICT',
          'login median / slowest',
          'increments CONFLICT',
          'increments lost',
          'increments/s',
        ],
        results.progress.map((p) => [
          `\`${p.variant}\``,
          `${p.logins.conflicts} of ${p.logins.trials}${p.logins.failed > 0 ? ` (${p.logins.failed} failed)` : ''}`,
          `${p.logins.medianMs} ms / ${p.logins.maxMs} ms`,
          `${p.increments.conflicts} of ${formatCount(p.increments.attempted)}` +
            (p.increments.failed > 0 ? ` (${p.increments.failed} failed)` : ''),
          `${p.increments.lost} of ${formatCount(p.increments.succeeded)}`,
          formatCount(p.increments.perSecond),
        ]),
      ),
    );
    out.push('');
  }

  if (results.memory.length > 0) {
    out.push('## Memory per session');
    out.push('');
    out.push(
      `${formatCount(options.memorySessions)} sessions per store, each with the payload and a counter. Heap: ` +
        'growth of the V8 heap after full collections (`--expose-gc`), divided by the sessions. Redis: growth ' +
        "of `used_memory` divided by the sessions (it counts every key: records, and sessionspec's expiry " +
        'index), and the mean `MEMORY USAGE` of a record key.',
    );
    out.push('');
    out.push(
      table(
        ['store', 'where', 'bytes per session', 'MEMORY USAGE of a record'],
        results.memory.map((m) => [
          m.store,
          m.where === 'heap' ? 'Node.js heap' : 'Redis',
          formatCount(m.bytesPerSession),
          m.keyBytes === undefined ? '-' : formatCount(m.keyBytes),
        ]),
      ),
    );
    out.push('');
  }
  out.push('## Reproduce');
  out.push('');
  out.push(
    "`npm run bench` starts its own Redis (`redis-server` from PATH), its own PostgreSQL (Debian's " +
      '`postgresql` package) and one server process per variant, ' +
      'and stops them all at the end; `--quick` is a smoke run of a minute or two that prints the tables ' +
      'and exits 1 if sessionspec lost an update or resurrected a session. `--only a,b` picks variants, ' +
      '`--skip store,http,contention,memory` drops parts, `--rounds`, `--seconds` and `--connections` ' +
      'change the load, and `--cpu-prof DIR` writes a CPU profile of every server process (one directory ' +
      'per variant) for finding where the time goes.',
  );
  out.push('');
  return out.join('\n');
}
