/**
 * A store wrapper that counts round trips and can be told to fail (SEC-2) or to keep
 * conflicting (CC-2). It wraps a real store; it does not imitate one.
 *
 * @packageDocumentation
 */
import type { SessionStore } from '../../../spec/index.js';

/** The seven core operations of the store contract. */
const CORE = ['create', 'read', 'write', 'destroy', 'listByUser', 'destroyByUser', 'purgeExpired'] as const;
type CoreOperation = (typeof CORE)[number];
const WRITES: ReadonlySet<CoreOperation> = new Set([
  'create',
  'write',
  'destroy',
  'destroyByUser',
  'purgeExpired',
]);

/** A counting store and its controls. */
export interface CountingStore {
  store: SessionStore;
  /** Every call, in order, by operation name. */
  calls: CoreOperation[];
  /** Forget the calls so far. */
  reset(): void;
  /** How many calls wrote (or deleted). */
  writes(): number;
  /**
   * `'all'`: every call rejects; `'write'`: the store goes down at the first write (that write and every
   * call after it reject), as an outage starting between a request's read and its write; `null`: normal.
   */
  failing: 'all' | 'write' | null;
  /** Every `write` answers `'conflict'` (as if another process always wrote first). */
  conflicting: boolean;
}

/**
 * Wrap a store so that tests can count its round trips and break it on demand.
 * @param inner - the real store.
 * @returns the wrapper and its controls.
 */
export function countingStore(inner: SessionStore): CountingStore {
  const control: CountingStore = {
    store: inner,
    calls: [],
    reset: () => {
      control.calls.length = 0;
    },
    writes: () => control.calls.filter((c) => WRITES.has(c)).length,
    failing: null,
    conflicting: false,
  };
  const wrapped: Record<string, unknown> = {
    supports: inner.supports,
    locks: inner.locks,
    inspection: inner.inspection,
    close: () => inner.close(),
  };
  for (const name of CORE) {
    wrapped[name] = async (...args: unknown[]) => {
      control.calls.push(name);
      if (control.failing === 'write' && WRITES.has(name)) control.failing = 'all';
      if (control.failing === 'all') throw new Error(`store is down (${name})`);
      if (name === 'write' && control.conflicting) return 'conflict';
      return (inner[name] as (...a: unknown[]) => Promise<unknown>).apply(inner, args);
    };
  }
  control.store = wrapped as unknown as SessionStore;
  return control;
}
