import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Pothos, Yoga and our code must share one graphql module, or schemas from "another realm" are rejected.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
