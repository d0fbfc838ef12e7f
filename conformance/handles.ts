/**
 * Handles that keep the process alive (referenced timers, sockets, servers), so the kit can tell
 * whether a store's `close()` released what it opened (CK-8) and the CLI can name what is left.
 *
 * @packageDocumentation
 */
import { createHook } from 'node:async_hooks';

/** How many live handles of each kind (`Timeout`, `TCPSocketWrap`, ...) the process holds. @internal */
export type HandleCounts = ReadonlyMap<string, number>;

/** Kinds the process holds for its own standard streams and file reads: never a store's. */
const IGNORED = new Set(['TTYWrap', 'PipeWrap', 'FSReqCallback', 'CloseReq']);

/** async_hooks resource types that keep the event loop alive while referenced. */
const HANDLE_TYPES = new Set([
  'Timeout',
  'TCPWRAP',
  'TCPSERVERWRAP',
  'PIPEWRAP',
  'PIPESERVERWRAP',
  'UDPWRAP',
  'PROCESSWRAP',
  'FSEVENTWRAP',
  'STATWATCHER',
]);

/** What the kit's own waiting creates, never counted against a store. */
const ownTimers = new Set<number>();

/**
 * Count the process's live resources by kind (`process.getActiveResourcesInfo`): what would keep it
 * from exiting. Unreferenced timers are not counted, as they do not.
 * @returns the counts.
 * @internal
 */
export function activeHandles(): HandleCounts {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (!IGNORED.has(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

/**
 * The handles held now beyond `baseline`, waiting up to `graceMs` for sockets that are closing to
 * finish (a client's `quit()` resolves before its socket is gone).
 * @param baseline - the counts before the module was loaded.
 * @param graceMs - how long closing handles may take.
 * @returns the surviving kinds with their excess count, e.g. `['1 TCPSocketWrap']`; empty when none.
 * @internal
 */
export async function survivingHandles(baseline: HandleCounts, graceMs = 1000): Promise<string[]> {
  return settle(() => {
    const excess: string[] = [];
    for (const [kind, count] of activeHandles()) {
      const extra = count - (baseline.get(kind) ?? 0);
      if (extra > 0) excess.push(`${extra} ${kind}`);
    }
    return excess;
  }, graceMs);
}

/** A record of the handles created while it is on, by identity (async id). @internal */
export interface HandleTracker {
  /**
   * Stop tracking, waiting up to `graceMs` for closing handles to finish.
   * @returns the referenced handles created while tracking that are still open, e.g. `['1 Timeout']`.
   */
  stop(graceMs?: number): Promise<string[]>;
}

/**
 * Track every handle created from now on (async_hooks), by identity, so that a handle of someone
 * else ending meanwhile cannot hide one of the store's that survives (CK-8).
 * @returns the tracker.
 * @internal
 */
export function trackHandles(): HandleTracker {
  const live = new Map<number, { type: string; resource: { hasRef?: () => boolean } }>();
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      if (HANDLE_TYPES.has(type)) live.set(asyncId, { type, resource: resource as never });
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  hook.enable();
  return {
    async stop(graceMs = 1000) {
      try {
        return await settle(() => {
          const counts = new Map<string, number>();
          for (const [id, { type, resource }] of live) {
            if (ownTimers.has(id) || resource.hasRef?.() === false) continue;
            counts.set(type, (counts.get(type) ?? 0) + 1);
          }
          return [...counts].map(([type, count]) => `${count} ${type}`);
        }, graceMs);
      } finally {
        hook.disable();
        ownTimers.clear();
      }
    },
  };
}

/** Re-check `surviving` until it is empty or `graceMs` has passed; the last answer. */
async function settle(surviving: () => string[], graceMs: number): Promise<string[]> {
  const deadline = performance.now() + graceMs;
  for (;;) {
    const found = surviving();
    if (found.length === 0 || performance.now() >= deadline) return found;
    // A real wait: closing sockets finish on the event loop, not on the kit's simulated clock.
    await new Promise<void>((resolve) => {
      // Kept in the set after firing: a fired timer's destroy hook comes later.
      ownTimers.add(Number(setTimeout(resolve, 20)));
    });
  }
}
