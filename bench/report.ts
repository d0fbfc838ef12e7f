/**
 * The report: Markdown tables of every figure, the ratios pair by pair, the targets, and the facts of
 * the machine that produced them.
 *
 * @packageDocumentation
 */

import type { FloorCosts } from './floors.js';
import type { LostUpdates, Resurrections } from './http/contention.js';
import type { Scenario } from './http/load.js';
import { paired, type Repetition } from './http/paired.js';
import { PEER_SETUP } from './http/peers.js';
import type { BlockedLogins, SharedIncrements } from './http/progress.js';
import { project, type ScaleFigure } from './http/scale-out.js';
import { DESCRIPTIONS, PAIRS, routesOf, type Variant } from './http/variants.js';
import type { MachineFacts } from './machine.js';
import type { MemoryFigure } from './memory/index.js';
import type { BenchOptions } from './options.js';
import { PAYLOAD_BYTES } from './payload.js';
import type { RedisCostFigure, RedisCostPair } from './redis-cost.js';
import { formatCount, formatRatio, formatRatioSummary, formatSummary, type Summary } from './stats.js';
import { STORE_OPS, type StoreFigure } from './store-level.js';
import { checkTargets } from './targets.js';

/** One HTTP figure: a variant under a scenario, over the rounds. */
export interface HttpFigure {
  variant: Variant;
  scenario: Scenario;
  requestsPerSecond: Summary;
  /** CPU time of the server process per request, in microseconds. */
  serverCpuMicros: Summary;
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
  /** The interleaved HTTP measurements, one element per repetition. */
  repetitions: Repetition[];
  redisCost: { figures: RedisCostFigure[]; pairs: RedisCostPair[] };
  scaleOut: ScaleFigure[];
  /** Component costs of the floors, when the store-level figures were measured. */
  floorCosts: FloorCosts | null;
  contention: ContentionFigure[];
  progress: ProgressFigure[];
  memory: MemoryFigure[];
  seconds: number;
}

const SCENARIOS: Record<Scenario, string> = { read: 'read-only', incr: 'read-increment-save' };

/** @internal */
function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
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
      'one machine (PERF-3). Every HTTP variant is measured many times for a few seconds, interleaved with the ' +
      'others; a ratio is taken within each repetition, between measurements seconds apart, and reported as ' +
      'the median of those paired ratios with its interquartile range and range. Absolute figures say more ' +
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
          `${options.repetitions} interleaved repetitions of ${options.seconds} s per HTTP figure, ` +
            `${options.connections} connections; ${options.redisRepetitions} x ${options.redisMs} ms per Redis ` +
            `cost figure; ${options.rounds} round(s) of ${options.storeMs} ms per store figure; ` +
            `${Math.round(results.seconds)} s in all`,
        ],
        ['payload', `${PAYLOAD_BYTES} bytes of JSON per session`],
      ],
    ),
  );
  out.push('');

  out.push(...targetsSection(results));
  out.push(...setupSection(results));
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
      `Requests per second, median (min-max) over all measurements, from autocannon with ` +
        `${options.connections} connections per variant on 127.0.0.1, each connection a browser with its own ` +
        'cookie jar (so each serves its own session). Every variant is a separate server process. The ' +
        `variants are measured in groups, ${options.repetitions} times ${options.seconds} s per group and ` +
        'scenario: each sessionspec variant side by side with its peer, its bare framework, the unsafe ' +
        'session and bare node:http, all loaded at the same time so that they share whatever else the ' +
        'machine does; the groups take turns. "read-only": `GET /read` answers the counter of an existing ' +
        'session; "read-increment-save": `POST /incr` increments it. Every session holds the payload. The ' +
        'peers run as set up above. Absolute rates are those of variants sharing the machine with their ' +
        'group; read the ratios.',
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
      'Server CPU time per request, median (min-max) over all measurements, in microseconds ' +
        "(`process.cpuUsage()` of the server process around each measurement). Redis' CPU per request cannot " +
        'be told apart while a group runs side by side: see "Redis cost", and "Scale-out" (one process, alone).',
    );
    out.push('');
    out.push(
      table(
        ['variant', 'server, read-only', 'server, read-increment-save'],
        variants.map((v) => {
          const cell = (s: Scenario) => {
            const found = results.http.find((x) => x.variant === v && x.scenario === s);
            return found === undefined ? '-' : formatSummary(found.serverCpuMicros);
          };
          return [`\`${v}\``, cell('read'), cell('incr')];
        }),
      ),
    );
    out.push('');
    out.push(...pairedSection(results, variants));
  }
  out.push(...redisCostSection(results));
  out.push(...scaleOutSection(results));

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
        'of `used_memory` divided by the sessions (it counts every key a session costs: its record, and the ' +
        "user index's entry of a bound one), and the mean `MEMORY USAGE` of a record key.",
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
      'and stops them all at the end. It exits 1 when a gated target is missed; `--quick` is a smoke run of ' +
      'about three minutes that prints the tables and exits 1 only if sessionspec lost an update or ' +
      'resurrected a session. `--only a,b` picks variants, `--skip store,http,redis,scale,contention,memory` ' +
      'drops parts, `--repetitions`, `--seconds`, `--rounds` and `--connections` change the load, and ' +
      '`--cpu-prof DIR` writes a CPU profile of every server process (one directory per variant) for ' +
      'finding where the time goes.',
  );
  out.push('');
  return out.join('\n');
}

/** @internal The targets, each with this run's figure, its floor and whether it is gated. */
function targetsSection(results: BenchResults): string[] {
  const floor = results.floorCosts;
  const node = results.http.find((f) => f.variant === 'node' && f.scenario === 'read')?.serverCpuMicros;
  return [
    '## Targets',
    '',
    'Checked from this run; `npm run bench` exits 1 when a target marked "full run" is missed, and any run ' +
      'when one marked "every run" is (a `--quick` run is a smoke test). "Server CPU added" is, within each ' +
      'group measurement (the variants loaded side by side, see "HTTP"), the server CPU ' +
      'per request of sessionspec on a framework minus that of the bare framework, over the same ' +
      'difference between the unsafe GET + SET session and bare node:http. The Redis rows come from ' +
      '"Redis cost" below. The floor is the best ratio the contract allows, from measured component ' +
      'costs: what the same unsafe session adds on the same framework (`unsafe-express-redis`, ' +
      '`unsafe-fastify-redis`: loaded by a middleware or hook, stored by the route), plus the hash of the token' +
      (floor === null
        ? ''
        : ` (${floor.hash.toFixed(1)} us) and, for an increment, a compare-and-set script instead of a blind ` +
          `\`SET\` on the client (${floor.casOverSet.toFixed(1)} us, store level)`) +
      '. Where the floor is above a target, the framework alone makes any session cost more than the ' +
      'target allows: that line is reported, and the line against the unsafe session on the same ' +
      'framework is gated instead.',
    '',
    ...(node === undefined
      ? []
      : [
          `How busy the machine was: bare node:http took a median ${node.median.toFixed(0)} us of CPU per ` +
            `read in this run (IQR ${node.q1.toFixed(0)}-${node.q3.toFixed(0)}; the lower, the quieter). On a ` +
            'busier machine the CPU per request of the heavier variants grows more than that of bare ' +
            'node:http, so the "server CPU added" ratios move with the load from one run to the next more ' +
            'than the ratios to the peers, which do the same kind of work, do.',
          '',
        ]),
    table(
      ['what', 'target', 'this run: median of paired ratios (IQR, range)', 'met', 'floor', 'fails'],
      checkTargets(results).map((t) => [
        t.what,
        t.target,
        t.measured,
        t.met === null ? '-' : t.met ? 'yes' : '**no**',
        t.floor ?? '-',
        t.gate,
      ]),
    ),
    '',
  ];
}

/** @internal Every peer's options and every variant's routes. */
function setupSection(results: BenchResults): string[] {
  const variants = [
    ...new Set([...results.http.map((f) => f.variant), ...results.contention.map((c) => c.variant)]),
  ];
  return [
    '## Setup',
    '',
    'Each peer as its documentation recommends, with the choices it leaves open made as noted. The options ' +
      'below are the objects the servers pass.',
    '',
    table(
      ['library', 'options', 'why'],
      PEER_SETUP.map((p) => [p.peer, `\`${p.options}\``, p.note]),
    ),
    '',
    "What moved the ratios between earlier runs: not the peers' options. express-session calls " +
      "connect-redis' `touch` (one `EXPIRE`) on every request that leaves the session unchanged, with or " +
      "without `cookie.maxAge`, which only sets the TTL; connect-redis' TTL (one day by default, 30 minutes " +
      'here) costs nothing either way. What moved them was measuring the variants one after another on a ' +
      'machine whose CPU per request moved several-fold within a minute (bare node:http from about 30 to ' +
      'over 300 us per request): a peer measured in a quiet second against sessionspec in a busy one. ' +
      "Measuring each group side by side, many times, cancels that. @fastify/session's `rolling` does " +
      'move them: its default writes the whole session on every read.',
    '',
    'Routes, the same in every variant: `GET /read` answers the counter of the session (`session.get`); ' +
      '`POST /incr` stores the payload on a new session and adds one to the counter (sessionspec with ' +
      '`update`, CC-3; the peers by assignment, as their users write it). The bare frameworks answer ' +
      'constants. `/slow-incr`, `/gated-incr`, `/logout` and `/login` serve the correctness figures only.',
    '',
    table(
      ['variant', 'what', 'routes'],
      variants.map((v) => [
        `\`${v}\``,
        DESCRIPTIONS[v],
        routesOf(v)
          .map((r) => `\`${r}\``)
          .join(', '),
      ]),
    ),
    '',
  ];
}

/** @internal The server CPU each session adds over its framework, and the ratios pair by pair. */
function pairedSection(results: BenchResults, variants: readonly Variant[]): string[] {
  const reps = results.repetitions;
  const added: [Variant, Variant][] = [
    ['unsafe-node-redis', 'node'],
    ['sessionspec-node-redis', 'node'],
    ['sessionspec-express-redis', 'express'],
    ['express-session-redis', 'express'],
    ['sessionspec-fastify-redis', 'fastify'],
    ['fastify-session-redis', 'fastify'],
  ];
  const addedCell = (v: Variant, base: Variant, s: Scenario) => {
    const d = paired(reps, s, (get) => get(v).serverCpuMicros - get(base).serverCpuMicros);
    return d === undefined ? '-' : `${d.median.toFixed(0)} (IQR ${d.q1.toFixed(0)}-${d.q3.toFixed(0)})`;
  };
  const ratioCell = (a: Variant, b: Variant, s: Scenario, by: 'rps' | 'cpu') => {
    const r = paired(reps, s, (get) =>
      by === 'rps'
        ? get(a).requestsPerSecond / get(b).requestsPerSecond
        : get(b).serverCpuMicros / get(a).serverCpuMicros,
    );
    return r === undefined ? '-' : formatRatioSummary(r);
  };
  const present = (v: Variant) => variants.includes(v);
  return [
    'Server CPU per request that each session adds over its bare framework, in microseconds: the median ' +
      '(and interquartile range) of the differences within each group measurement.',
    '',
    table(
      ['variant', 'over', 'read-only', 'read-increment-save'],
      added
        .filter(([v, base]) => present(v) && present(base))
        .map(([v, base]) => [
          `\`${v}\``,
          `\`${base}\``,
          addedCell(v, base, 'read'),
          addedCell(v, base, 'incr'),
        ]),
    ),
    '',
    'Ratios, each sessionspec variant to its peer, the median of the paired ratios (IQR, range): of ' +
      "requests per second, and of server CPU per request (the peer's over ours: how many more requests one " +
      'core serves when the server is the bottleneck).',
    '',
    table(
      [
        'sessionspec variant',
        'peer',
        'req/s, read-only',
        'req/s, increment',
        'by CPU, read-only',
        'by CPU, increment',
      ],
      PAIRS.filter((p) => present(p.ours) && present(p.peer)).map((p) => [
        `\`${p.ours}\``,
        `\`${p.peer}\``,
        ratioCell(p.ours, p.peer, 'read', 'rps'),
        ratioCell(p.ours, p.peer, 'incr', 'rps'),
        ratioCell(p.ours, p.peer, 'read', 'cpu'),
        ratioCell(p.ours, p.peer, 'incr', 'cpu'),
      ]),
    ),
    '',
  ];
}

/** @internal Redis' CPU per operation, sessionspec's beside the least the operation costs. */
function redisCostSection(results: BenchResults): string[] {
  const { figures, pairs } = results.redisCost;
  if (figures.length === 0) return [];
  const commands = (f: RedisCostFigure) =>
    [...f.commands]
      .sort((a, b) => b[1].calls - a[1].calls)
      .map(([name, c]) => `${name} ${c.calls.toFixed(2)} (${c.usec.toFixed(1)} us)`)
      .join(', ');
  return [
    '## Redis cost',
    '',
    "Redis' own CPU (`INFO cpu`: `used_cpu_user` + `used_cpu_sys`) per operation, from one ioredis client " +
      'of the benchmark process. "load + save" loads a session, increments its counter and commits; the ' +
      'floor beside it is a raw `GET` + one `EVALSHA` of a minimal compare-and-set script on a ' +
      '`<version>|<json>` string. "load only" loads and commits nothing; the floor beside it is a bare ' +
      "`GET` of the payload's JSON (the record is one string, so a `GET` is the least a read can be; " +
      'the target was first stated against an `HMGET` of the record when it was a hash). Each pair is measured ' +
      'back to back, the order alternating, and the ratio is taken within each pair. One at a time, every ' +
      'command pays Redis its full cost, and more the further apart commands come (between them Redis ' +
      'sleeps and its caches cool: a bare `GET` costs it about 15 us at 25,000 a second and 17 us at ' +
      "8,500), so both sides of a pair hold one rate, 85 % of what sessionspec's side reaches unpaced, " +
      'measured first; unpaced, the faster floor looked up to 20 % cheaper per command. At 50 concurrent ' +
      '(unpaced), Redis reads several commands per system call, and more so for the faster client. Commands per operation from `INFO commandstats` (commands run ' +
      'inside a script are counted too), with their execution time.',
    '',
    table(
      ['operation', 'concurrent', 'Redis CPU us/op, median (min-max)', 'commands per operation (us)'],
      figures.map((f) => [f.op, String(f.concurrency), formatSummary1(f.cpuMicros), commands(f)]),
    ),
    '',
    table(
      ['sessionspec', 'floor', 'concurrent', 'both at, ops/s', 'Redis CPU ratio, median (IQR, range)'],
      pairs.map((p) => [
        p.ours,
        p.floor,
        String(p.concurrency),
        p.pace === undefined ? 'unpaced' : Math.round(p.pace).toLocaleString('en-US'),
        formatRatioSummary(p.ratio),
      ]),
    ),
    '',
  ];
}

/** @internal A summary with one decimal. */
function formatSummary1(s: Summary): string {
  return s.n === 1 ? s.median.toFixed(1) : `${s.median.toFixed(1)} (${s.min.toFixed(1)}-${s.max.toFixed(1)})`;
}

/** @internal The scale-out table and the model beyond the machine. */
function scaleOutSection(results: BenchResults): string[] {
  const figures = results.scaleOut;
  if (figures.length === 0) return [];
  const most = Math.max(...figures.map((f) => f.processes));
  const variants = [...new Set(figures.map((f) => f.variant))];
  const rows = figures
    .slice()
    .sort(
      (a, b) =>
        Number(a.redis !== 'one Redis') - Number(b.redis !== 'one Redis') ||
        a.scenario.localeCompare(b.scenario) ||
        a.processes - b.processes,
    )
    .map((f) => [
      f.redis,
      `\`${f.variant}\``,
      SCENARIOS[f.scenario],
      String(f.processes),
      formatSummary(f.requestsPerSecond),
      f.serverCpuMicros.median.toFixed(0),
      f.redisCpuMicros.median.toFixed(1),
      formatCount(1e6 / f.redisCpuMicros.median),
      f.commands,
    ]);
  const cores = [1, 2, 4, 8, 16, 32, 64];
  const model: string[][] = [];
  for (const variant of variants)
    for (const scenario of ['incr', 'read'] as const) {
      const at = (redis: string) =>
        figures.find(
          (x) =>
            x.redis === redis && x.variant === variant && x.scenario === scenario && x.processes === most,
        );
      const single = at('one Redis');
      if (single === undefined) continue;
      for (const redisCores of [1, 3]) {
        // On a Cluster, the Redis CPU per request measured there (all masters together), if it was.
        const f = redisCores === 1 ? single : (at('Cluster, 3 masters') ?? single);
        model.push([
          `\`${variant}\``,
          SCENARIOS[scenario],
          redisCores === 1 ? 'one Redis' : 'Cluster, 3 masters',
          ...cores.map((c) => {
            const p = project(f.serverCpuMicros.median, f.redisCpuMicros.median, c, redisCores);
            return `${formatCount(p.requestsPerSecond)}${p.bound === 'Redis' ? ' R' : ''}`;
          }),
        ]);
      }
    }
  return [
    '## Scale-out',
    '',
    `1 to ${most} application processes of a variant against one Redis` +
      (figures.some((f) => f.redis !== 'one Redis') ? ' and against a Redis Cluster of 3 masters' : '') +
      `, ${results.options.connections} ` +
      'connections in all split evenly across them, each process measured with its own autocannon. On this ' +
      'machine the processes, the load generators and Redis share its cores, so requests per second do not ' +
      'grow with the processes; the CPU each request costs does not depend on that. Redis runs commands on ' +
      'one core: its CPU per request sets how many requests one Redis core serves however many application ' +
      'servers there are (`1e6 / Redis us per request`).',
    '',
    table(
      [
        'Redis',
        'variant',
        'scenario',
        'processes',
        'req/s, median (min-max)',
        'server CPU us/req',
        'Redis CPU us/req',
        'projected req/s per Redis core',
        'Redis commands per request',
      ],
      rows,
    ),
    '',
    `The model beyond this machine, from the per-request costs measured with ${most} processes (on the ` +
      'Cluster, its Redis CPU per request, all masters together): N application ' +
      'processes, each on a core of its own, against one Redis core or a Cluster of 3 masters (sessions ' +
      'spread evenly over the slots), each request costing the measured server and Redis CPU; the side ' +
      'that saturates first sets the rate (`R`: Redis is the bound). Network, kernel and load-generator ' +
      'costs outside both processes are not in it.',
    '',
    table(['variant', 'scenario', 'Redis', ...cores.map((c) => `${c} app core${c > 1 ? 's' : ''}`)], model),
    '',
  ];
}
