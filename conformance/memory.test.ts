import { createMemoryStore } from '../adapters/memory/index.js';
import { describeConformance } from './vitest.js';

// CK-1, CK-11: the built-in memory adapter passes every rule. A fresh seed each run (printed by the
// helper): a failure here is a real bug, replayable with SESSIONSPEC_REPLAY.
describeConformance({
  name: 'memory',
  factory: ({ namespace }) => {
    const store = createMemoryStore({ namespace });
    return { store, close: () => store.close() };
  },
});
