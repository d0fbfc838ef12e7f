import { slowMemoryFactory } from '../test/slow-store.js';
import { describeConformance } from './vitest.js';

// CK-1, CK-10: on a store that answers each call after 2 ms, the way a database server does, every
// rule is its own test with its own timeout from the budget: none is cut off by a hook timeout, and
// the whole suite ends within the (here shortened) budget with the runs it reached.
describeConformance({ name: 'memory behind 2 ms latency', factory: slowMemoryFactory(2), budgetMs: 8_000 });
