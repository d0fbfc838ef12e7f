/**
 * Progress under contention (CC-2), measured from outside with two server processes on one Redis: a
 * login of a session that another process keeps writing, and two processes incrementing one session.
 * Counts of requests refused with 409 `CONFLICT`, not timings: a request that is retried until its
 * attempts run out is one a user sees fail.
 *
 * @packageDocumentation
 */
import { cookieHeader, keepCookies } from './load.js';

/** Logins of a session another process keeps writing. */
export interface BlockedLogins {
  trials: number;
  /** Logins answered 409 (`CONFLICT`: the attempts ran out). */
  conflicts: number;
  /** Logins answered otherwise than 200 or 409. */
  failed: number;
  /** Writes the other process made to the session while the logins ran. */
  writes: number;
  /** Milliseconds from sending a login to its answer, median and largest. */
  medianMs: number;
  maxMs: number;
}

/** Increments of one session through two processes. */
export interface SharedIncrements {
  attempted: number;
  succeeded: number;
  /** Answered 409 (`CONFLICT`). */
  conflicts: number;
  /** Answered otherwise than 2xx or 409, or not answered. */
  failed: number;
  /** Answered 2xx and not in the final counter. */
  lost: number;
  /** Increments per second over both processes. */
  perSecond: number;
}

/** @internal One request; the response's cookies go into `jar` when given. */
async function send(
  url: string,
  method: 'GET' | 'POST',
  cookie: string | undefined,
  jar?: Map<string, string>,
): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(url, {
      method,
      headers: cookie === undefined ? {} : { cookie },
      signal: AbortSignal.timeout(10_000),
    });
    if (jar !== undefined) keepCookies(jar, { 'set-cookie': response.headers.getSetCookie() });
    return { status: response.status, body: await response.text() };
  } catch {
    return { status: 0, body: '' };
  }
}

/** @internal A new session on `base` with the counter at 1; its cookie header. */
async function newSession(base: string): Promise<string> {
  const jar = new Map<string, string>();
  const created = await send(`${base}/incr`, 'POST', undefined, jar);
  const cookie = cookieHeader(jar);
  if (created.status !== 200 || cookie === undefined) {
    throw new Error(`${base}: POST /incr gave ${created.status} ${created.body} and no cookie`);
  }
  return cookie;
}

/**
 * `trials` times: a new session; `writers` connections keep sending increments with its cookie to
 * `writer` (each sends its next as soon as the previous is answered); once they are under way, a login
 * with the same cookie goes to `login`, a second process on the same store. The writers stop when the
 * login has answered.
 * @param writer - the base URL of the process that keeps writing.
 * @param login - the base URL of the process that logs in.
 * @param options - trials and writer connections.
 * @returns the counts.
 */
export async function countBlockedLogins(
  writer: string,
  login: string,
  options: { trials: number; writers: number },
): Promise<BlockedLogins> {
  const outcome: BlockedLogins = {
    trials: options.trials,
    conflicts: 0,
    failed: 0,
    writes: 0,
    medianMs: 0,
    maxMs: 0,
  };
  const times: number[] = [];
  for (let t = 0; t < options.trials; t++) {
    const cookie = await newSession(writer);
    let running = true;
    let written = 0;
    const loops = Array.from({ length: options.writers }, async () => {
      while (running) {
        const { status } = await send(`${writer}/incr`, 'POST', cookie);
        if (status === 200) written += 1;
      }
    });
    // The login goes out once the writer's queue is busy with this session.
    while (written < 2 * options.writers) await new Promise((resolve) => setTimeout(resolve, 1));
    const started = performance.now();
    const answer = await send(`${login}/login`, 'POST', cookie);
    times.push(performance.now() - started);
    running = false;
    await Promise.all(loops);
    outcome.writes += written;
    if (answer.status === 409) outcome.conflicts += 1;
    else if (answer.status !== 200) outcome.failed += 1;
  }
  times.sort((a, b) => a - b);
  outcome.medianMs = Math.round(times[Math.floor(times.length / 2)] ?? 0);
  outcome.maxMs = Math.round(times.at(-1) ?? 0);
  return outcome;
}

/**
 * One session, `total` increments sent over `connections` connections to each of the two processes
 * (each connection sends its next as soon as the previous is answered); then the counter is read and
 * compared with the increments answered 2xx.
 * @param bases - the two processes' base URLs.
 * @param options - increments in all, connections per process.
 * @returns the counts.
 */
export async function countSharedIncrements(
  bases: readonly [string, string],
  options: { total: number; connections: number },
): Promise<SharedIncrements> {
  const cookie = await newSession(bases[0]);
  const outcome: SharedIncrements = {
    attempted: 0,
    succeeded: 0,
    conflicts: 0,
    failed: 0,
    lost: 0,
    perSecond: 0,
  };
  const started = performance.now();
  const loops = bases.flatMap((base) =>
    Array.from({ length: options.connections }, async () => {
      while (outcome.attempted < options.total) {
        outcome.attempted += 1;
        const { status } = await send(`${base}/incr`, 'POST', cookie);
        if (status >= 200 && status < 300) outcome.succeeded += 1;
        else if (status === 409) outcome.conflicts += 1;
        else outcome.failed += 1;
      }
    }),
  );
  await Promise.all(loops);
  outcome.perSecond = Math.round(outcome.attempted / ((performance.now() - started) / 1000));
  const final = await send(`${bases[1]}/read`, 'GET', cookie);
  // The session was created with the counter at 1.
  outcome.lost = Math.max(0, 1 + outcome.succeeded - Number(final.body));
  return outcome;
}
