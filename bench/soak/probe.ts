/**
 * Loaded into the station's own process by `npm run soak` only (`node --import tsx --import
 * bench/soak/probe.ts src/node/web/main.ts ...`; production never loads it): every `periodMs`
 * it appends one line of NDJSON to the file named by VITALBRIDGE_SOAK_PROBE, with the process's
 * memory, event-loop delay, open handles, the records' database and WAL sizes and the recorder's
 * queue; at exit, a last line with the readings the hub published by metric. Nothing is served:
 * the soak driver reads the file.
 */
import { subscribe } from 'node:diagnostics_channel';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { RECORDS_FILE_NAME } from '../../src/node/records/database';
import { hubReadingChannel, recorderQueueChannel } from '../../src/node/diagnostics/channels';
import { PROBE_ENV, type ProbeFinal, type ProbeSample, type ProbeSetup } from './probe-lines';

const setup = JSON.parse(process.env[PROBE_ENV] ?? 'null') as ProbeSetup | null;
if (setup) startProbe(setup);

function startProbe({ file, periodMs }: ProbeSetup): void {
  // The station's own arguments (main.ts parses them strictly); only its data folder matters here.
  const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { 'data-dir': { type: 'string' } } });
  const dataDir = values['data-dir'];
  if (typeof dataDir !== 'string') throw new Error('the soak probe needs the station started with --data-dir');
  const database = join(dataDir, RECORDS_FILE_NAME);
  const fd = openSync(file, 'a');
  const write = (line: ProbeSample | ProbeFinal) => writeSync(fd, `${JSON.stringify(line)}\n`);
  const produced: Record<string, number> = {};
  subscribe(hubReadingChannel.name, (message) => {
    const { metric } = message as { metric: string };
    produced[metric] = (produced[metric] ?? 0) + 1;
  });
  let recorderPending = 0;
  subscribe(recorderQueueChannel.name, (message) => (recorderPending = (message as { pending: number }).pending));
  // 1 ms resolution: a sample window of a simulated minute holds enough delay samples for a p99.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const sizeOf = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  const sample = () => {
    const memory = process.memoryUsage();
    const handles: Record<string, number> = {};
    for (const type of process.getActiveResourcesInfo()) handles[type] = (handles[type] ?? 0) + 1;
    write({
      kind: 'sample',
      at: Date.now(),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      loopP99Ms: loop.count === 0 ? 0 : loop.percentile(99) / 1e6,
      handles,
      dbBytes: sizeOf(database),
      walBytes: sizeOf(`${database}-wal`),
      recorderPending,
    });
    loop.reset();
  };
  const timer = setInterval(sample, periodMs);
  // The probe must never be what keeps the station running.
  timer.unref();
  process.once('exit', () => {
    write({ kind: 'final', at: Date.now(), produced });
    closeSync(fd);
  });
}
