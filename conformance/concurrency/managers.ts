/**
 * Several reference managers over one store, as several processes would be (CK-6): each manager's
 * store calls and replies are ordered by `fc.scheduler`; time is simulated.
 *
 * @packageDocumentation
 */
import type fc from 'fast-check';
import {
  createManualClock,
  createSessionManager,
  type ManualClock,
  type SessionManager,
  type SessionStore,
} from '../../src/index.js';
import { T0 } from '../arbitraries.js';
import { expect } from '../rule.js';
import type { Recorder } from './history.js';
import { scheduledStore } from './scheduled-store.js';

/** Managers over one store, plus one unscheduled manager to set up and observe. @internal */
export interface Processes {
  /** The racing managers: `m0`, `m1`, ... */
  managers: SessionManager[];
  /** An unscheduled manager for setting up and checking outside the race. */
  observer: SessionManager;
  clock: ManualClock;
}

/**
 * @param store - the store under test.
 * @param scheduler - orders every store call and reply of the racing managers.
 * @param count - how many managers race.
 * @param recorder - records every store call of the racing managers, for the failure's timeline.
 * @returns the managers; retries have no backoff (CC-2) so the scheduler alone orders them.
 * @internal
 */
export function processes(
  store: SessionStore,
  scheduler: fc.Scheduler,
  count: number,
  recorder: Recorder,
): Processes {
  const clock = createManualClock(T0);
  // Per-user operations one session per store call, so the scheduler interleaves their steps (CK-6).
  // No per-user cap (LC-12, a manager policy): the programs race exactly the store calls they name.
  const options = {
    clock,
    backoffMs: 0,
    storeTimeout: 60_000,
    userPageSize: 1,
    maxSessionsPerUser: false as const,
  };
  const managers = Array.from({ length: count }, (_, i) =>
    createSessionManager({
      store: scheduledStore(recorder.wrap(store, `m${i}`), scheduler, `m${i}`),
      ...options,
    }),
  );
  return { managers, observer: createSessionManager({ store, ...options }), clock };
}

/**
 * Log `userId` in on a new session and keep `data` in it.
 * @returns the token and the session id.
 * @throws Violation when the login is not stored.
 * @internal
 */
export async function login(
  manager: SessionManager,
  userId: string,
  data: Record<string, number> = {},
): Promise<{ token: string; sessionId: string }> {
  const session = await manager.load(undefined);
  session.authenticate(userId);
  for (const [key, value] of Object.entries(data)) session.set(key, value);
  const { cookie } = await session.commit();
  expect(cookie.action === 'set', `LC-2: a login did not issue a cookie (${cookie.action})`);
  return { token: cookie.action === 'set' ? cookie.token : '', sessionId: session.id };
}

/**
 * Whether a token authenticates: it loads a stored session, not a new one (ID-3, ID-5).
 * @internal
 */
export async function authenticates(manager: SessionManager, token: string): Promise<boolean> {
  return !(await manager.load(token)).isNew;
}
