/**
 * Correctness under load, per variant: lost updates when several connections share a cookie and the
 * handler pauses between reading and writing, and sessions resurrected by a request in flight across
 * a logout. Counts, not timings: a correct library scores zero on both whatever the machine.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { cookieHeader, keepCookies } from './load.js';

/** Lost updates over several sessions. */
export interface LostUpdates {
  /** Increments sent (sessions x concurrent requests). */
  attempted: number;
  /** Increments answered 2xx: each promised the client its change was kept. */
  succeeded: number;
  /** Increments answered otherwise (a conflict the library reported instead of losing it). */
  refused: number;
  /** Answered 2xx and not in the final counter. */
  lost: number;
  /** `lost` of each session. */
  lostPerSession: number[];
}

/** Outcome of the logout races. */
export interface Resurrections {
  trials: number;
  /** Sessions readable with the old cookie after the logout had answered. */
  resurrected: number;
  /** In-flight requests answered 2xx, i.e. told the client their write after the logout was kept. */
  inFlightAccepted: number;
}

/** @internal One request with a cookie jar. */
async function send(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  jar: Map<string, string>,
  keep = true,
): Promise<{ status: number; body: string }> {
  const cookie = cookieHeader(jar);
  const response = await fetch(base + path, {
    method,
    headers: cookie === undefined ? {} : { cookie },
    signal: AbortSignal.timeout(10_000),
  });
  if (keep) {
    const headers: Record<string, string[]> = { 'set-cookie': response.headers.getSetCookie() };
    keepCookies(jar, headers);
  }
  return { status: response.status, body: await response.text() };
}

/** @internal A new session with the counter at 1; returns its cookie jar. */
async function newSession(base: string): Promise<Map<string, string>> {
  const jar = new Map<string, string>();
  const created = await send(base, 'POST', '/incr', jar);
  if (created.status !== 200 || created.body !== '1' || jar.size === 0) {
    throw new Error(`${base}: POST /incr gave ${created.status} ${created.body} and no cookie`);
  }
  return jar;
}

/**
 * For each of `sessions` sessions, one after another: `requests` concurrent increments on one cookie,
 * each on its own connection, the handler pausing `delayMs` between reading and writing; then the
 * final counter is read and compared with the increments answered 2xx.
 * @param base - the server's base URL.
 * @param options - sessions, requests per session, pause.
 * @returns the counts.
 */
export async function countLostUpdates(
  base: string,
  options: { sessions: number; requests: number; delayMs: number },
): Promise<LostUpdates> {
  const outcome: LostUpdates = { attempted: 0, succeeded: 0, refused: 0, lost: 0, lostPerSession: [] };
  for (let s = 0; s < options.sessions; s++) {
    const jar = await newSession(base);
    const answers = await Promise.all(
      Array.from({ length: options.requests }, () =>
        send(base, 'POST', `/slow-incr?ms=${options.delayMs}`, jar, false).catch(() => ({
          status: 0,
          body: '',
        })),
      ),
    );
    const succeeded = answers.filter((a) => a.status >= 200 && a.status < 300).length;
    const final = await send(base, 'GET', '/read', jar, false);
    const counter = final.body === 'none' ? 0 : Number(final.body);
    const lost = Math.max(0, 1 + succeeded - counter);
    outcome.attempted += options.requests;
    outcome.succeeded += succeeded;
    outcome.refused += options.requests - succeeded;
    outcome.lost += lost;
    outcome.lostPerSession.push(lost);
  }
  return outcome;
}

/**
 * Logout versus a request in flight, `trials` times: the in-flight request reads the session, the
 * logout ends it and answers, then the in-flight request writes (the server orders the two with
 * rendezvous points, so the worst interleaving happens every time). Afterwards the old cookie is
 * presented: a session that answers with its counter has come back from the dead.
 * @param base - the server's base URL.
 * @param trials - how many races.
 * @returns the counts.
 */
export async function countResurrections(base: string, trials: number): Promise<Resurrections> {
  const outcome: Resurrections = { trials, resurrected: 0, inFlightAccepted: 0 };
  for (let t = 0; t < trials; t++) {
    const jar = await newSession(base);
    const gate = randomBytes(8).toString('hex');
    const [inFlight, logout] = await Promise.all([
      send(base, 'POST', `/gated-incr?gate=${gate}`, new Map(jar), false),
      send(base, 'POST', `/logout?gate=${gate}`, new Map(jar), false),
    ]);
    if (logout.status !== 200) throw new Error(`${base}: logout answered ${logout.status} ${logout.body}`);
    if (inFlight.status >= 200 && inFlight.status < 300) outcome.inFlightAccepted += 1;
    const after = await send(base, 'GET', '/read', jar, false);
    if (after.body !== 'none') outcome.resurrected += 1;
  }
  return outcome;
}
