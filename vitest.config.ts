import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    exclude: ['node_modules', 'e2e/**', 'dist/**', 'dist-electron/**'],
    // Real SQLite files and real sockets: give them room, but keep tests bounded.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Builds dist/ once when stale: some tests drive the bundles as shipped.
    globalSetup: ['test/build-once.ts'],
  },
});
