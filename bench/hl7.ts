/**
 * npm run bench:hl7 [-- --smoke]: HL7 v2 PCD-01 messages per second over MLLP with ACKs, to
 * node-hl7-server on loopback (src/node/hl7/test-engine.ts, a third-party MLLP server that parses
 * every message and builds every ACK), one message a minute of 1 Hz oximetry (SpO2 and pulse,
 * 120 OBX), sent one after another as the station does:
 *   station:  the HL7 output's whole step (form the batch in the encrypted records, claim it, build,
 *             check, send, wait for the ACK, mark it sent)
 *   client:   the same message sent by sendOverMllp alone (a connection per message, ACK awaited)
 * and, in the same run, the baseline: the same bytes as a raw MLLP frame to a plain net server
 * that answers a fixed ACK frame, once over a new connection per message (what the client does)
 * and once over one kept connection. Prints messages/s, p50/p99 per message and the machine load.
 */
import { once } from 'node:events';
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { stationId } from '../src/node/audit/audit-log';
import { StationIds } from '../src/node/fhir/stable-ids';
import { Hl7Outbox } from '../src/node/hl7/hl7-outbox';
import { Hl7Pusher } from '../src/node/hl7/hl7-push';
import { sendOverMllp, type MllpTarget } from '../src/node/hl7/mllp-client';
import { pcd01Message } from '../src/node/hl7/pcd01-message';
import { startTestEngine } from '../src/node/hl7/test-engine';
import { openTestStation, removeTrackedTempDirs, trackedTempDir } from '../src/node/records/test-support';
import { smokeOr } from './smoke';

const MESSAGES = smokeOr(500, 5);
const READINGS_PER_MESSAGE = 120;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function report(name: string, times: number[], totalMs: number): number {
  const perSecond = (times.length / totalMs) * 1_000;
  console.log(`${name.padEnd(34)} ${perSecond.toFixed(0).padStart(6)} messages/s   p50 ${percentile(times, 50).toFixed(2)} ms   p99 ${percentile(times, 99).toFixed(2)} ms`);
  return perSecond;
}

async function timed(count: number, one: (index: number) => Promise<void>): Promise<{ times: number[]; totalMs: number }> {
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const at = performance.now();
    await one(i);
    times.push(performance.now() - at);
  }
  return { times, totalMs: performance.now() - started };
}

/** A plain net server that answers each MLLP frame with a fixed ACK frame: the floor of any MLLP exchange. */
async function startEchoServer(ack: Buffer): Promise<{ port: number; close: () => void }> {
  const server = net.createServer((socket) => {
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      let end: number;
      while ((end = pending.indexOf('\x1c\r')) !== -1) {
        pending = pending.subarray(end + 2);
        socket.write(ack);
      }
    });
    socket.on('error', () => socket.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

/** Sends `frame` and resolves at the end of the answer frame. */
function exchange(socket: net.Socket, frame: Buffer): Promise<void> {
  return new Promise((resolve) => {
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      if (seen.includes('\x1c\r')) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
    socket.write(frame);
  });
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  return socket;
}

async function main(): Promise<void> {
  const cores = os.cpus().length;
  const [load1, load5, load15] = os.loadavg().map((value) => value.toFixed(2));
  console.log(`machine: ${cores} cores, load average ${load1} / ${load5} / ${load15} (1 / 5 / 15 min) before the run`);
  console.log(`${MESSAGES} messages of ${READINGS_PER_MESSAGE} readings each, one after another, ACK awaited\n`);

  const station = await openTestStation(trackedTempDir());
  const outbox = new Hl7Outbox(station.db, station.store);
  outbox.setOutputOn(true);
  const patient = station.store.createPatient({ givenName: 'Bench', familyName: 'Patient', birthDate: '1950-01-01', gender: 'female', identifier: 'MRN-BENCH' });
  const start = Date.UTC(2026, 11, 7, 9, 0);
  station.db.transaction(() => {
    for (let second = 0; second < (MESSAGES * READINGS_PER_MESSAGE) / 2; second++) {
      const receivedAt = start + second * 1_000;
      station.store.recordReading(patient.id, null, { deviceId: 'oxi-1', metric: 'spo2', value: 95 + (second % 4), unit: '%', deviceTime: null, receivedAt, source: 'pulse-oximeter' });
      station.store.recordReading(patient.id, null, { deviceId: 'oxi-1', metric: 'pulseRate', value: 70 + (second % 9), unit: '/min', deviceTime: null, receivedAt, source: 'pulse-oximeter' });
    }
  })();

  const engine = await startTestEngine(() => 'AA');
  const target: MllpTarget = { host: '127.0.0.1', port: engine.port, tls: false, connectTimeoutMs: 5_000, ackTimeoutMs: 10_000 };
  const options = { ids: new StationIds(stationId(station.db)), patientIdentifierSystem: null };
  const pusher = new Hl7Pusher(outbox, { ...options, target, batchReadings: READINGS_PER_MESSAGE, now: Date.now });

  const stationRun = await timed(MESSAGES, async () => {
    const result = await pusher.push();
    if (result.answer !== 'AA') throw new Error(`the engine answered ${result.answer}`);
  });
  const sample = pcd01Message({ controlId: 'BENCH', formedAt: start, patient, readings: station.store.readingsPage(patient.id, null, READINGS_PER_MESSAGE) }, options)!;
  const clientRun = await timed(MESSAGES, async () => {
    await sendOverMllp(sample, target);
  });
  await engine.close();

  const frame = Buffer.from(`\x0b${sample.toString()}\x1c\r`, 'utf8');
  const ackText = `MSH|^~\\&|||VitalBridge||20261207090000||ACK^R01^ACK|1|P|2.6\rMSA|AA|BENCH`;
  const echo = await startEchoServer(Buffer.from(`\x0b${ackText}\x1c\r`, 'utf8'));
  const rawPerConnection = await timed(MESSAGES, async () => {
    const socket = await connect(echo.port);
    await exchange(socket, frame);
    socket.destroy();
  });
  const kept = await connect(echo.port);
  const rawKept = await timed(MESSAGES, () => exchange(kept, frame));
  kept.destroy();
  echo.close();

  console.log(`message size: ${frame.length} bytes\n`);
  const stationRate = report('station step -> node-hl7-server', stationRun.times, stationRun.totalMs);
  const clientRate = report('sendOverMllp -> node-hl7-server', clientRun.times, clientRun.totalMs);
  const rawRate = report('baseline: raw frame, new connection', rawPerConnection.times, rawPerConnection.totalMs);
  const keptRate = report('baseline: raw frame, kept connection', rawKept.times, rawKept.totalMs);
  console.log(
    `\nper message: the station step costs ${(1_000 / stationRate).toFixed(2)} ms, the client alone ${(1_000 / clientRate).toFixed(2)} ms, a raw frame on a new connection ${(1_000 / rawRate).toFixed(2)} ms, on a kept one ${(1_000 / keptRate).toFixed(2)} ms`,
  );
  const [after1] = os.loadavg().map((value) => value.toFixed(2));
  console.log(`load average after the run: ${after1} (1 min)`);
  station.db.close();
  removeTrackedTempDirs();
}

await main();
