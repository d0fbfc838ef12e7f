/**
 * `--store memory` (the default): the built-in memory adapter, one store per namespace.
 *
 * @packageDocumentation
 */
import { createMemoryStore } from '../../adapters/memory/index.js';
import type { BuiltInStore } from './types.js';

/** The memory store of the command. */
export const memory: BuiltInStore = {
  help: ['the built-in memory adapter (the default)'],
  options: [],
  async open() {
    return {
      name: 'memory',
      factory: ({ namespace }) => {
        const store = createMemoryStore({ namespace });
        return { store, close: () => store.close() };
      },
    };
  },
};
