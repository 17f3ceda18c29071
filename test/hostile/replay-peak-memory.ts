/**
 * Runs the `replay` verb on one capture in a process of its own and prints, as one JSON line, its
 * exit code, how many output lines it wrote, the last of them and the process's peak resident
 * memory (the output itself is counted, not kept, so it does not add to the peak):
 *   node --import tsx test/hostile/replay-peak-memory.ts <capture>
 */
import { runCli } from '../../src/node/cli/run-cli';

const file = process.argv[2] ?? '';
let lines = 0;
let lastLine = '';
let stderr = '';
const code = await runCli(['replay', file], {
  stdout: (text) => {
    lines += text.split('\n').length - 1;
    lastLine = text.trimEnd();
  },
  stderr: (text) => (stderr += text),
  signal: new AbortController().signal,
});
// resourceUsage().maxRSS is in kilobytes.
process.stdout.write(`${JSON.stringify({ code, lines, lastLine, stderr, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
