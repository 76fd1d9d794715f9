import {defineConfig} from '@playwright/test';
import {CHROMIUM_ARGS, CHROMIUM_PATH} from './e2e/chromium';

/**
 * Browser tests: Debian's Chromium (Playwright cannot download browsers here),
 * the production build served by the real companion server, which drives the
 * real engine and registry from scripts/lab-engine.sh (npm test starts them).
 */
const port = Number(process.env.LAB_E2E_PORT ?? 3100);

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 180_000,
  expect: {timeout: 15_000},
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: {width: 1280, height: 900},
    launchOptions: {executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS},
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: 'npx tsx server/src/main.ts',
    url: `http://127.0.0.1:${port}/companion/status`,
    env: {
      ...(process.env as Record<string, string>),
      LAB_PORT: String(port),
      // Every log line, kept for the secrets test to search.
      LAB_LOG_LEVEL: 'debug',
      LAB_LOG_FILE: 'e2e/.output/server.log',
      // Another lab server (npm start) may share the engine: leave its sessions' images alone.
      LAB_CLEAN_ON_START: 'false',
      // Every test's browser is the one loopback client: its lab names are not one classroom's.
      LAB_NAMES_PER_ADDRESS_PER_HOUR: '1000',
      // The cohort view's test (e2e/progress.spec.ts) signs in with it.
      LAB_ADMIN_TOKEN: process.env.LAB_ADMIN_TOKEN || 'e2e-admin-token-for-the-cohort-view',
    },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
