import { defineConfig } from '@playwright/test';

/** Debian's Chromium on this headless host; the fake devices let WebRTC specs run without hardware. */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

export default defineConfig({
  testDir: 'e2e',
  // Two cores: one worker keeps the station, the browser and the tests from starving each other.
  workers: 1,
  timeout: 60_000,
  reporter: [['list']],
  projects: [
    {
      name: 'web',
      testDir: 'e2e/web',
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
        permissions: ['camera', 'microphone'],
      },
    },
    { name: 'electron', testDir: 'e2e/electron' },
  ],
});
