import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{spec,src,adapters,conformance,bin,test,examples}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
