// StrykerJS mutation testing of the safety-critical modules (README "Tests and benchmarks").
// `npm run test:mutation` mutates every module below; `-- --mutate <file>` narrows a run to one
// file. The module list is shared with scripts/mutation-sample.ts (the fast seeded sample in CI).
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
  // A static mutant (one only run while a module loads) reloads the test environment and runs all
  // the module's tests: about half the run time for a sixth of the mutants. The modules that are
  // tables (roles, method-access) score theirs; see mutation-modules.json.
  ignoreStatic: true,
  // The machine has two cores shared with the rest of the team.
  concurrency: 2,
  timeoutMS: 10_000,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 90, low: 80, break: null },
};
