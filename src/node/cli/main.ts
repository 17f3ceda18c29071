/**
 * Entry point of `npm run -s cli -- <verb> ...`: wires the process (streams, signals, exit code)
 * to runCli.
 */
import { EXIT_OK } from './verb';
import { runCli } from './run-cli';

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
// A reader that goes away early (`| head`) is not a failure of the verb.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? EXIT_OK);
});
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  signal: stop.signal,
});
