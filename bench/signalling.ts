/**
 * npm run bench:signalling [-- --visits N --messages M --no-redis --smoke]: N visits at once (2,500 by
 * default: a health system's load, 5,000 sockets) against the consultation server (in memory, then
 * two and four instances over a throwaway redis-server when it is installed, each visit's station
 * and clinician on different instances), each with a station and an auto-admitted clinician. Measures
 *   join:  clinician socket opened → welcome received (token check, seat claim, welcome)
 *   relay: station sends a signal → clinician receives it (M per visit, sequential per visit)
 * and the same two figures against a bare ws echo server in the same run (open → first echo;
 * send → echo back), printing p50/p99 and the ratios, the machine load, and the process's RSS
 * after each run. Clients share the process with the servers, and both runs use the same client
 * (SignalClient), so both pay the same client cost; the RSS is servers and clients together.
 * `--cpu-prof DIR` writes a CPU profile of each measured phase (echo-all, memory-join, memory-relay,
 * redis-2-join ... redis-4-relay .cpuprofile: servers, clients and Redis client, all in this process;
 * not redis-server) for `npx tsx bench/profile-summary.ts`.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { createConsultServer, LISTEN_BACKLOG, type ConsultServer } from '../src/node/consult/server';
import { SignalClient } from '../src/node/consult/test-client';
import { redisAvailability, startTestRedis, type TestRedis } from '../src/node/consult/test-redis';
import { startCpuProfile } from './cpu-profile';
import { smokeOr } from './smoke';

/** Runs one phase of a benchmark, under the CPU profiler as `name` when --cpu-prof was given. */
type Profiled = <T>(name: string, run: () => Promise<T>) => Promise<T>;

interface Figures {
  join: number[];
  relay: number[];
}

const SAMPLE_SDP = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n${'a=candidate:1 1 udp 2122260223 192.168.1.10 54321 typ host\r\n'.repeat(8)}`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Visit i's station joins instance i, its clinician the next one (round the list): with several instances every visit crosses them. */
async function benchConsult(instances: readonly ConsultServer[], visits: number, messages: number, profiled: Profiled = (_name, run) => run()): Promise<Figures> {
  const at = (index: number) => instances[index % instances.length]!;
  const created = await Promise.all(Array.from({ length: visits }, (_, index) => at(index).createVisit({ autoAdmit: true })));
  const stations = await Promise.all(created.map(async (visit, index) => (await SignalClient.join(at(index).url, visit.stationToken)).client));
  const figures: Figures = { join: [], relay: [] };
  const clinicians = await profiled('join', () => Promise.all(
    created.map(async (visit, index) => {
      const started = performance.now();
      const { client } = await SignalClient.join(at(index + 1).url, visit.clinicianToken);
      figures.join.push(performance.now() - started);
      return client;
    }),
  ));
  await Promise.all(stations.map((station) => station.next('peer')));
  await profiled('relay', () => Promise.all(
    stations.map(async (station, index) => {
      const clinician = clinicians[index] as SignalClient;
      for (let i = 0; i < messages; i++) {
        const started = performance.now();
        station.send({ type: 'signal', data: { type: 'offer', sdp: SAMPLE_SDP } });
        await clinician.next('signal');
        figures.relay.push(performance.now() - started);
      }
    }),
  ));
  await Promise.all([...stations, ...clinicians].map((client) => client.close()));
  return figures;
}

/**
 * The baseline: a bare ws server that sends every message back. Its clients are SignalClients
 * too, sending and awaiting signal messages (valid both ways), so they pay exactly the client cost
 * the consult clients pay (serialising each message, parsing and schema-checking each reply) and
 * the difference between the two runs is the server's.
 */
async function benchEcho(visits: number, messages: number): Promise<Figures> {
  // The consult server's listen backlog, so a connection storm costs both the same.
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, backlog: LISTEN_BACKLOG });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
  const figures: Figures = { join: [], relay: [] };
  const roundTrip = async (client: SignalClient, sdp: string) => {
    client.send({ type: 'signal', data: { type: 'offer', sdp } });
    await client.next('signal');
  };
  const clients = await Promise.all(
    Array.from({ length: visits }, async () => {
      const started = performance.now();
      const client = await SignalClient.connect(url);
      // A join-sized first message (a visit token is about 180 characters).
      await roundTrip(client, 'x'.repeat(180));
      figures.join.push(performance.now() - started);
      return client;
    }),
  );
  await Promise.all(
    clients.map(async (client) => {
      for (let i = 0; i < messages; i++) {
        const started = performance.now();
        await roundTrip(client, SAMPLE_SDP);
        figures.relay.push(performance.now() - started);
      }
      await client.close();
    }),
  );
  await new Promise((resolve) => server.close(resolve));
  return figures;
}

function report(label: string, figures: Figures, baseline: Figures): void {
  const row = (name: 'join' | 'relay') => {
    const p50 = percentile(figures[name], 50);
    const p99 = percentile(figures[name], 99);
    const ratio50 = p50 / percentile(baseline[name], 50);
    const ratio99 = p99 / percentile(baseline[name], 99);
    return `${label.padEnd(22)} ${name.padEnd(5)} p50 ${p50.toFixed(2).padStart(7)} ms  p99 ${p99.toFixed(2).padStart(7)} ms  (×${ratio50.toFixed(1)} / ×${ratio99.toFixed(1)} echo)  n=${figures[name].length}`;
  };
  console.log(row('join'));
  console.log(row('relay'));
  console.log(`${label.padEnd(22)} rss   ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB (servers and clients, one process)`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { visits: { type: 'string', default: smokeOr('2500', '10') }, messages: { type: 'string', default: smokeOr('10', '2') }, 'no-redis': { type: 'boolean' }, smoke: { type: 'boolean' }, 'cpu-prof': { type: 'string' } },
  });
  const visits = Number(values.visits);
  const messages = Number(values.messages);
  if (!Number.isInteger(visits) || visits < 1 || !Number.isInteger(messages) || messages < 1) throw new Error('--visits and --messages must be positive whole numbers');

  // Rate limits raised: the benchmark sends far faster than a real participant.
  const consult = await createConsultServer({ limits: { burst: 10_000, messagesPerSecond: 10_000 } });
  // Warm-up rounds (JIT, sockets), not counted.
  await benchEcho(20, 2);
  await benchConsult([consult], 20, 2);

  const profileDir = values['cpu-prof'];
  const profiledAs =
    (prefix: string): Profiled =>
    async (name, run) => {
      const stop = profileDir === undefined ? undefined : await startCpuProfile(profileDir, `${prefix}-${name}`);
      const result = await run();
      if (stop) console.error(`CPU profile: ${await stop()}`);
      return result;
    };
  const baseline = await profiledAs('echo')('all', () => benchEcho(visits, messages));
  const memory = await benchConsult([consult], visits, messages, profiledAs('memory'));
  await consult.close();

  console.log(`Signalling benchmark: ${visits} concurrent visits, ${messages} signals each (Node ${process.version}, ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  const p = (values: number[], q: number) => percentile(values, q).toFixed(2);
  console.log(`${'bare ws echo'.padEnd(22)} join  p50 ${p(baseline.join, 50).padStart(7)} ms  p99 ${p(baseline.join, 99).padStart(7)} ms`);
  console.log(`${'bare ws echo'.padEnd(22)} relay p50 ${p(baseline.relay, 50).padStart(7)} ms  p99 ${p(baseline.relay, 99).padStart(7)} ms`);
  report('consult (memory)', memory, baseline);

  if (values['no-redis']) return;
  const availability = redisAvailability();
  if (!availability.available) {
    console.log(`consult (Redis)        not measured: ${availability.reason}`);
    return;
  }
  for (const count of [2, 4]) {
    let redis: TestRedis | undefined;
    const instances: ConsultServer[] = [];
    try {
      redis = await startTestRedis();
      for (let i = 0; i < count; i++) instances.push(await createConsultServer({ redis: redis.url, limits: { burst: 10_000, messagesPerSecond: 10_000 } }));
      await benchConsult(instances, 20, 2);
      report(`consult (${count} × Redis)`, await benchConsult(instances, visits, messages, profiledAs(`redis-${count}`)), baseline);
    } finally {
      await Promise.all(instances.map((server) => server.close()));
      await redis?.stop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  // The servers and sockets of the failed run would keep the process alive: a refused join under load had it hang for minutes.
  process.exit(1);
});
