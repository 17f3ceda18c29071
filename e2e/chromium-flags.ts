/**
 * Debian's Chromium on this headless host and the flags it needs, in one place for the Playwright
 * config, the web specs and the benchmarks.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
/** A fake camera and microphone, granted without a prompt, so WebRTC runs without hardware. */
export const FAKE_MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];
