/**
 * The built-in stores of `sessionspec conformance --store <name>`, by name.
 *
 * @packageDocumentation
 */
import { memory } from './memory.js';
import { postgres } from './postgres.js';
import { redis } from './redis.js';
import { sqlite } from './sqlite.js';
import type { BuiltInStore, StoreOption } from './types.js';

/** Every built-in store, by the name `--store` takes. */
export const STORES: Readonly<Record<string, BuiltInStore>> = { memory, redis, postgres, sqlite };

/** Every option some built-in store reads (`--url`, `--file`). */
export const STORE_OPTIONS: readonly StoreOption[] = [
  ...new Set(Object.values(STORES).flatMap((store) => [...store.options, ...(store.optional ?? [])])),
];
