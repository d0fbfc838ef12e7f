/**
 * Test helper: the memory adapter behind a network-like latency on every call, to show the kit
 * behaves on a slow store (a real database) as it does on a fast one.
 *
 * @packageDocumentation
 */
import { createMemoryStore } from '../adapters/memory/index.js';
import type { StoreFactory } from '../conformance/types.js';
import type { SessionStore } from '../src/index.js';

/** A real wait, as a round trip to a database server is: it is I/O latency, not simulated time. */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A factory of memory stores whose every operation answers after `latencyMs`.
 * @param latencyMs - the delay before each call is made.
 * @returns the factory.
 * @internal
 */
export function slowMemoryFactory(latencyMs: number): StoreFactory {
  return ({ namespace }) => {
    const inner = createMemoryStore({ namespace });
    const slow =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        await pause(latencyMs);
        return call(...args);
      };
    const store: SessionStore = {
      supports: inner.supports,
      create: slow(inner.create.bind(inner)),
      read: slow(inner.read.bind(inner)),
      write: slow(inner.write.bind(inner)),
      destroy: slow(inner.destroy.bind(inner)),
      listByUser: slow(inner.listByUser.bind(inner)),
      destroyByUser: slow(inner.destroyByUser.bind(inner)),
      purgeExpired: slow(inner.purgeExpired.bind(inner)),
      ...(inner.locks === undefined
        ? {}
        : {
            locks: {
              acquire: slow(inner.locks.acquire.bind(inner.locks)),
              release: slow(inner.locks.release.bind(inner.locks)),
            },
          }),
      ...(inner.inspection === undefined
        ? {}
        : { inspection: { contents: slow(inner.inspection.contents.bind(inner.inspection)) } }),
      close: () => inner.close(),
    };
    return { store, close: () => store.close() };
  };
}
