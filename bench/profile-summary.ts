/**
 * npx tsx bench/profile-summary.ts FILE.cpuprofile... [--top N]: prints where each profile's self
 * time went, by source module and by function, with shares of the profile's sampled time.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { summariseCpuProfile, type CpuProfile, type SelfTime } from './cpu-profile';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '20' } } });
const top = Number(values.top);
if (positionals.length === 0 || !Number.isInteger(top) || top < 1) {
  console.error('Usage: npx tsx bench/profile-summary.ts FILE.cpuprofile... [--top N]');
  process.exit(2);
}
const rows = (title: string, entries: SelfTime[]) => {
  console.log(`  ${title}`);
  for (const entry of entries) console.log(`  ${(entry.share * 100).toFixed(1).padStart(5)} %  ${entry.ms.toFixed(0).padStart(6)} ms  ${entry.name}`);
};
for (const file of positionals) {
  const summary = summariseCpuProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, top);
  console.log(`${file}: ${summary.totalMs.toFixed(0)} ms sampled`);
  rows('self time by module', summary.modules);
  rows('self time by module, native code and node: internals charged to their caller', summary.callers);
  rows('self time by function', summary.functions);
}
