import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{spec,src,adapters,conformance,bin,test,examples,bench}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The plain closing line (`N passed, N failed, N skipped`) comes after vitest's own summary.
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
