/**
 * Getting started: running the conformance kit from code. Shown in docs/getting-started.md (a test
 * keeps the two identical).
 *
 * @packageDocumentation
 */
import { createMemoryStore } from '../../adapters/memory/index.js';
import { formatReportTable, runConformance } from '../../conformance/index.js';

const report = await runConformance({
  name: 'memory',
  factory: ({ namespace }) => {
    const store = createMemoryStore({ namespace, sweepEvery: false });
    return { store, close: () => store.close() };
  },
  profile: 'quick',
});
console.log(formatReportTable(report));
process.exitCode = report.failed === 0 ? 0 : 1;
