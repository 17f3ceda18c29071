// StrykerJS mutation testing of the safety-critical modules (README "Tests and benchmarks").
// `npm run test:mutation` (scripts/mutation.ts) uses these settings one module of
// scripts/mutation-modules.json at a time, with that module's tests, incremental file and reports;
// `npx stryker run` on its own mutates every module at once against all their tests.
import { readFileSync } from 'node:fs';

const modules = JSON.parse(readFileSync(new URL('./scripts/mutation-modules.json', import.meta.url), 'utf8'));

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.config.ts', related: true },
  // Each mutant runs only the tests that executed its code in the dry run.
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: Object.values(modules).flatMap((m) => m.mutate),
  // Each module is scored against its own tests (scripts/mutation.ts runs one module at a time).
  testFiles: [...new Set(Object.values(modules).flatMap((m) => m.tests))],
  // Static mutants (run only while a module loads) are not scored: with testFiles, Stryker 9.6.1
  // activates them after the module has loaded, so they survive tests that kill them
  // (stryker-js#6144; seen here on roles.ts, whose matrix test kills the mutant when applied by
  // hand). The tables they would cover (roles, method requirements) are pinned by tests against
  // independently written tables instead.
  ignoreStatic: true,
  // The machine has two cores shared with the rest of the team.
  concurrency: 2,
  timeoutMS: 10_000,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Build output and other runs' results are not sources: a Playwright run rewriting test-results
  // while the sandbox is copied would fail the copy.
  ignorePatterns: ['out', 'test-results', 'reports'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 90, low: 80, break: null },
};
