/**
 * `sessionspec/adapters/memory`: the embedded default session store.
 *
 * @packageDocumentation
 * @module sessionspec/adapters/memory
 */
export type { MemoryStore, MemoryStoreOptions } from './store.js';
export { createMemoryStore } from './store.js';
