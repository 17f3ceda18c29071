/**
 * The test FHIR server (test/fhir-server/) in a process of its own for bench:sync, so its work does
 * not count against the station's event loop. Prints its base URL; answers each "count" line on
 * stdin with one JSON line of stored resources per type; stops on SIGTERM.
 */
import { createInterface } from 'node:readline';
import { startFhirTestServer } from '../test/fhir-server/fhir-test-server';

const server = await startFhirTestServer();
process.stdout.write(`${server.baseUrl}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'count') return;
  void (async () => {
    const counts: Record<string, number> = {};
    for (const type of ['Patient', 'Encounter', 'Device', 'Observation', 'Provenance']) counts[type] = (await server.resources(type)).length;
    process.stdout.write(`${JSON.stringify(counts)}\n`);
  })();
});
process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
