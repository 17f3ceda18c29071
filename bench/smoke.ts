/**
 * `--smoke`: a benchmark runs in seconds instead of minutes, so `npm run bench:smoke` (part of
 * `npm test`) proves every benchmark still starts, measures and prints. Its figures mean nothing.
 */
export const SMOKE = process.argv.includes('--smoke');

/** The full run's value, or the smoke run's. */
export const smokeOr = <T>(full: T, smoke: T): T => (SMOKE ? smoke : full);
