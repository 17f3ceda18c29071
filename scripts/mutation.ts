/**
 * Mutation testing of the safety-critical modules with StrykerJS (settings in stryker.config.mjs;
 * the modules and the tests dedicated to each in scripts/mutation-modules.json).
 *
 *   tsx scripts/mutation.ts [module...]
 *     Every mutant of each module (all modules by default), one module at a time, incremental: a
 *     module's results are kept in reports/stryker-incremental/<module>.json and only mutants whose
 *     code or covering tests changed are run again. Reports: reports/mutation/<module>.html|json.
 *   tsx scripts/mutation.ts --sample N [--seed S] [--threshold P] [module...]
 *     N mutation sites per module, drawn by a seeded hash (the same sites on every run of the
 *     same code), every mutant at those sites run; exits 1 when a module's score is under P
 *     (default 90). Without the TypeScript checker, whose start-up alone takes minutes here.
 *   --skip-type-check: a full run without the checker (much faster; mutants that would not
 *     compile then run too, so a survivor may be one the compiler would have refused).
 *
 * Each module is scored against its own tests only, so a module's tests have to catch its bugs
 * themselves, and a run stays small enough for the two shared cores.
 * Prints one Markdown row per module: mutants, killed, timeout, survived, no coverage, score,
 * whether the TypeScript checker ran, wall time and date (the README table's columns).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Stryker } from '@stryker-mutator/core';
import type { MutantResult, PartialStrykerOptions } from '@stryker-mutator/api/core';
import type { Logger } from '@stryker-mutator/api/logging';
import { Instrumenter } from '@stryker-mutator/instrumenter';

interface CriticalModule {
  mutate: string[];
  tests: string[];
}

const MODULES: Record<string, CriticalModule> = JSON.parse(
  readFileSync(new URL('./mutation-modules.json', import.meta.url), 'utf8'),
);

export interface ModuleScore {
  module: string;
  /** Mutants that compiled and ran (or had no test): the score's denominator. */
  mutants: number;
  /** Killed by a failing test. */
  killed: number;
  /** Ran into the time limit: an endless loop the tests notice, counted as detected. */
  timeout: number;
  /** Ran the tests that cover it and none failed. */
  survived: number;
  /** No test executes its code, counted as undetected. */
  noCoverage: number;
  /** Null when nothing was scored: every mutant drawn was static (module-level data, ignoreStatic). */
  score: number | null;
}

export function scoreOf(module: string, results: readonly MutantResult[]): ModuleScore {
  const count = (status: MutantResult['status']): number => results.filter((r) => r.status === status).length;
  const [killed, timeout, survived, noCoverage] = [count('Killed'), count('Timeout'), count('Survived'), count('NoCoverage')];
  const mutants = killed + timeout + survived + noCoverage;
  const detected = killed + timeout;
  return { module, mutants, killed, timeout, survived, noCoverage, score: mutants === 0 ? null : (100 * detected) / mutants };
}

const silent: Logger = {
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
  isWarnEnabled: () => false,
  isErrorEnabled: () => false,
  isFatalEnabled: () => false,
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  fatal: () => {},
};

/**
 * `count` mutation sites of the module as Stryker mutation ranges (`file:line:column-line:column`,
 * lines from 1, columns from 0). A site is a span of source; every mutant of that exact span runs.
 */
export async function sampleSites(module: CriticalModule, count: number, seed: number): Promise<string[]> {
  const files = module.mutate.map((name) => ({ name, content: readFileSync(name, 'utf8'), mutate: true as const }));
  const { mutants } = await new Instrumenter(silent).instrument(files, { plugins: null, excludedMutations: [], ignorers: [] });
  const sites = new Set(
    mutants.map(({ fileName, location: { start, end } }) => `${fileName}:${start.line + 1}:${start.column}-${end.line + 1}:${end.column}`),
  );
  // Ordered by a hash of seed and site, so the same seed on the same code draws the same sites.
  const rank = (site: string): string => createHash('sha256').update(`${seed}:${site}`).digest('hex');
  return [...sites].sort((a, b) => rank(a).localeCompare(rank(b))).slice(0, count);
}

async function runModule(
  name: string,
  module: CriticalModule,
  sample: { count: number; seed: number } | null,
  typeCheck: boolean,
): Promise<ModuleScore> {
  const reportDir = sample ? 'reports/mutation-sample' : 'reports/mutation';
  const options: PartialStrykerOptions = {
    mutate: sample ? await sampleSites(module, sample.count, sample.seed) : module.mutate,
    testFiles: module.tests,
    ...(typeCheck ? {} : { checkers: [] }),
    htmlReporter: { fileName: `${reportDir}/${name}.html` },
    jsonReporter: { fileName: `${reportDir}/${name}.json` },
    // A sample is a different, small set of mutants each time the code changes: nothing to keep.
    ...(sample ? { incremental: false, reporters: ['json', 'clear-text'] } : { incrementalFile: `reports/stryker-incremental/${name}.json` }),
  };
  return scoreOf(name, await new Stryker(options).runMutationTest());
}

interface RunFacts {
  typeCheck: boolean;
  wallSeconds: number;
  date: string;
}

const percent = (score: number | null): string => (score === null ? 'n/a' : `${score.toFixed(1)} %`);

const row = (s: ModuleScore, run: RunFacts): string =>
  `| ${s.module} | ${s.mutants} | ${s.killed} | ${s.timeout} | ${s.survived} | ${s.noCoverage} | ${percent(s.score)} | ` +
  `${run.typeCheck ? 'on' : 'off'} | ${Math.floor(run.wallSeconds / 60)} min ${Math.round(run.wallSeconds % 60)} s | ${run.date} |`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      sample: { type: 'string' },
      seed: { type: 'string', default: '21' },
      threshold: { type: 'string', default: '90' },
      'skip-type-check': { type: 'boolean', default: false },
    },
  });
  const unknown = positionals.filter((name) => !(name in MODULES));
  if (unknown.length > 0) {
    process.stderr.write(`unknown module ${unknown.join(', ')}; modules: ${Object.keys(MODULES).join(', ')}\n`);
    return 2;
  }
  const sample = values.sample === undefined ? null : { count: Number(values.sample), seed: Number(values.seed) };
  const threshold = Number(values.threshold);
  if ((sample && !(Number.isInteger(sample.count) && sample.count > 0 && Number.isInteger(sample.seed))) || !(threshold >= 0 && threshold <= 100)) {
    process.stderr.write('--sample needs a positive whole number, --seed a whole number, --threshold 0..100\n');
    return 2;
  }
  const names = positionals.length > 0 ? positionals : Object.keys(MODULES);
  const date = new Date().toISOString().slice(0, 10);
  const typeCheck = !sample && !values['skip-type-check'];
  const scores: { score: ModuleScore; run: RunFacts }[] = [];
  const broken: string[] = [];
  for (const name of names) {
    const started = Date.now();
    try {
      const score = await runModule(name, MODULES[name]!, sample, typeCheck);
      const wallSeconds = (Date.now() - started) / 1000;
      scores.push({ score, run: { typeCheck, wallSeconds, date } });
      process.stdout.write(`${name}: ${percent(score.score)} in ${wallSeconds.toFixed(0)} s\n`);
    } catch (error) {
      // A module whose tests fail unmutated has no score; the others still get theirs.
      broken.push(name);
      process.stderr.write(`${name}: no score, ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  process.stdout.write(
    '\n| Module | Mutants | Killed | Timeout | Survived | No coverage | Score | Checker | Wall time | Date |\n' +
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |\n',
  );
  for (const { score, run } of scores) process.stdout.write(`${row(score, run)}\n`);
  const failing = sample ? scores.map(({ score }) => score).filter((s) => s.score !== null && s.score < threshold) : [];
  for (const s of failing) process.stderr.write(`${s.module}: sampled mutation score ${percent(s.score)} is under ${threshold} %\n`);
  // Said, not hidden behind a 100 %: such a module's sample tested nothing this time.
  for (const { score } of scores) if (sample && score.score === null) process.stdout.write(`${score.module}: every sampled mutant was static data, which Stryker does not score; its full run is in the README\n`);
  return failing.length > 0 || broken.length > 0 ? 1 : 0;
}

process.exitCode = await main();
