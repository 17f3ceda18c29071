import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, FAKE_MEDIA_ARGS } from './e2e/chromium-flags';

export default defineConfig({
  testDir: 'e2e',
  // Two cores: one worker keeps the station, the browser and the tests from starving each other.
  workers: 1,
  timeout: 60_000,
  // No retry: a test that fails once has found a race to fix (consult-call.spec's "visit has ended or
  // expired" was one: a clinician rejoining as the station ended the visit). Should anyone add a retry,
  // a test that passes only on it still fails the run.
  retries: 0,
  failOnFlakyTests: true,
  reporter: [['list']],
  projects: [
    {
      name: 'web',
      testDir: 'e2e/web',
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...FAKE_MEDIA_ARGS] },
        permissions: ['camera', 'microphone'],
      },
    },
    { name: 'electron', testDir: 'e2e/electron' },
  ],
});
