/**
 * The FHIR server bench:sync flushes to, in a process of its own so its work does not count
 * against the station's event loop: the test FHIR server (test/fhir-server/), or with `--sink` the
 * identifier-keeping sink (./fhir-sink.ts). Prints its base URL; answers each "count" line on
 * stdin with one JSON line of stored resources per type; stops on SIGTERM.
 */
import { createInterface } from 'node:readline';
import { startFhirTestServer } from '../test/fhir-server/fhir-test-server';
import { startFhirSink } from './fhir-sink';

const TYPES = ['Patient', 'Encounter', 'Device', 'Observation', 'Provenance'];

async function start(): Promise<{ baseUrl: string; counts(): Promise<Record<string, number>>; stop(): Promise<void> }> {
  if (process.argv.includes('--sink')) {
    const sink = await startFhirSink();
    return { baseUrl: sink.baseUrl, counts: async () => sink.counts(), stop: () => sink.stop() };
  }
  const server = await startFhirTestServer();
  return {
    baseUrl: server.baseUrl,
    counts: async () => Object.fromEntries(await Promise.all(TYPES.map(async (type) => [type, (await server.resources(type)).length]))),
    stop: () => server.stop(),
  };
}

const server = await start();
process.stdout.write(`${server.baseUrl}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'count') void server.counts().then((counts) => process.stdout.write(`${JSON.stringify(counts)}\n`));
});
process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
