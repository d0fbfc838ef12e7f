/**
 * SEC-3: a corrupt record reads as absent, raises a security event and crashes nothing; checked on
 * every store that can plant undecodable bytes (`inspection.corrupt`).
 *
 * @packageDocumentation
 */
import {
  createManualClock,
  createSessionManager,
  type SessionAuditEvent,
  type StoreInspection,
} from '../../src/index.js';
import { T0 } from '../arbitraries.js';
import { login } from '../concurrency/managers.js';
import { show } from '../json.js';
import { errorMessage } from '../property.js';
import { expect, type Rule } from '../rule.js';

/** The scenario, one line per step, as the counterexample. */
const STEPS = [
  'alice logs in through the reference manager, with { plan: 1 } in her browser bucket',
  "inspection.corrupt(alice's session id)",
  "read answers 'corrupt'; loading alice's token gives a new session and a 'tampered' event",
  'listByUser leaves it out; destroy deletes it with its index entry (ST-5)',
];

/** SEC-3: planted undecodable bytes read as `'corrupt'`, load as no session, and are cleaned up. @internal */
export const corruptRule: Rule = {
  id: 'SEC-3',
  title:
    "a corrupt record reads as 'corrupt', loads as no session with a 'tampered' event, and is deleted cleanly",
  requires: ['corrupt'],
  async run(ctx) {
    const opened = await ctx.open();
    const events: SessionAuditEvent[] = [];
    const manager = createSessionManager({
      store: opened.store,
      clock: createManualClock(T0),
      onEvent: (event) => events.push(event),
    });
    try {
      const { token, sessionId } = await login(manager, 'alice', { plan: 1 });
      const inspection = opened.store.inspection as Required<StoreInspection>;
      await inspection.corrupt(sessionId);
      const read = await opened.store.read(sessionId, T0);
      expect(
        read === 'corrupt',
        `SEC-3: read of planted bytes answered ${show(read, 200)}, expected 'corrupt'`,
      );
      const session = await manager.load(token);
      expect(session.isNew, 'SEC-3: a token of a corrupt record loaded a stored session');
      expect(
        events.some((e) => e.type === 'tampered' && e.sessionId === sessionId),
        `SEC-3: loading a corrupt record raised ${show(events.map((e) => e.type))}, no 'tampered' event`,
      );
      const listed = (await opened.store.listByUser('alice', T0)).records;
      expect(
        !listed.some((r) => r.sessionId === sessionId),
        `SEC-3: listByUser answered the corrupt record: ${show(listed, 200)}`,
      );
      expect(
        (await opened.store.destroy(sessionId)) === true,
        'SEC-3: destroy of a corrupt record answered false',
      );
      const contents = await inspection.contents();
      const left = [...contents.records, ...(contents.userIndex.alice ?? [])].filter(
        (id) => id === sessionId,
      );
      expect(
        left.length === 0,
        `ST-5: after destroying a corrupt record the store still holds ${show(contents)}`,
      );
      return { status: 'pass', runs: 1 };
    } catch (error) {
      return {
        status: 'fail',
        runs: 1,
        message: errorMessage(error),
        counterexample: STEPS.map((line, i) => `step ${i + 1}: ${line}`),
      };
    } finally {
      await opened.dispose();
    }
  },
};
