import { defineConfig } from '@playwright/test';

// E2E against browser mode (the same services as the Electron app, in Node)
// with Debian's Chromium. One worker: each test starts its own store, sandbox
// head-end and bridge, and the machine is small.
export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  // Playwright empties its outputDir at start: keep screenshots beside it, not in it.
  outputDir: 'test-results/playwright',
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1360, height: 860 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [
    { name: 'browser-mode', testIgnore: /electron\// },
    { name: 'electron', testMatch: /electron\/.*\.spec\.ts/ },
  ],
});
