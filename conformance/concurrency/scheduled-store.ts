/**
 * A store whose calls and replies are ordered by `fc.scheduler` (CK-5): each call starts only when the
 * scheduler releases it, and its answer is delivered only when the scheduler releases that too. The
 * scheduler's order is printed with a failure and replays it (`fc.schedulerFor`).
 *
 * @packageDocumentation
 */
import type fc from 'fast-check';
import type { SessionStore } from '../../src/index.js';
import { relative, T0 } from '../arbitraries.js';
import { show } from '../json.js';

const CORE = ['create', 'read', 'write', 'destroy', 'listByUser', 'destroyByUser', 'purgeExpired'] as const;

/**
 * Wrap a store so the scheduler decides when each call starts and when its answer arrives.
 * @param store - the store under test.
 * @param scheduler - the run's scheduler.
 * @param client - the name shown in the scheduler's report.
 * @returns the scheduled store; locks and inspection pass through.
 * @internal
 */
export function scheduledStore(store: SessionStore, scheduler: fc.Scheduler, client: string): SessionStore {
  const wrapped: SessionStore = Object.create(store) as SessionStore;
  for (const method of CORE) {
    const original = store[method] as (...args: unknown[]) => Promise<unknown>;
    Object.defineProperty(wrapped, method, {
      value: async (...args: unknown[]) => {
        const label = `${client} ${method}(${brief(args)})`;
        await scheduler.schedule(Promise.resolve(), `${label} call`);
        const reply = original.apply(store, args);
        // A reply the scheduler never releases (the run ended first) has no reader: its late failure,
        // e.g. once the client is closed, is nobody's, and must not surface as an unhandled rejection.
        reply.catch(() => {});
        return scheduler.schedule(reply, `${label} reply`);
      },
    });
  }
  return wrapped;
}

/** Arguments in a few characters: record ids rather than whole records. */
function brief(args: unknown[]): string {
  return (
    args
      // The fourth argument of create and write is the encoded record: already shown by its id.
      .filter((arg, i) => !(i > 0 && typeof arg === 'string' && arg.startsWith('{')))
      .map((arg) =>
        typeof arg === 'object' && arg !== null && 'sessionId' in arg
          ? `${(arg as { sessionId: string }).sessionId} v${String((arg as { version?: unknown }).version)}`
          : typeof arg === 'number' && arg > T0 / 2
            ? relative(arg)
            : show(arg, 40),
      )
      .join(', ')
  );
}
