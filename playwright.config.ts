import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, FAKE_MEDIA_ARGS } from './e2e/chromium-flags';

export default defineConfig({
  testDir: 'e2e',
  // Two cores: one worker keeps the station, the browser and the tests from starving each other.
  workers: 1,
  timeout: 60_000,
  // One retry, reported: a test that passes only on its retry is listed as "flaky" in the summary,
  // never silently green. consult-alarms.spec has failed that way about once in five full runs on this
  // 2-core host (the station page's connection did not come back within 15 s; under investigation,
  // see e2e/web/web-station.ts for the exit report added to find out whether the station died).
  retries: 1,
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
