/**
 * The HL7 output end to end against node-hl7-server (test-engine.ts): batches formed from the
 * records, sent over MLLP, settled from the engine's ACK; and what survives a station restart.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Hl7Message } from '@medplum/core';
import { stationId } from '../audit/audit-log';
import { StationIds } from '../fhir/stable-ids';
import { openTestStation, removeTrackedTempDirs, trackedTempDir, type TestStation } from '../records/test-support';
import { Hl7Outbox } from './hl7-outbox';
import { pushHl7UntilNothingDue } from './hl7-loop';
import { Hl7Pusher, MAX_REASON_CHARS } from './hl7-push';
import { checkPcd01 } from './pcd01-check';
import { checkPcd04 } from './pcd04-check';
import { writeBatch, type RecordedWrite } from '../station/persistence/recorder-batch';
import { Hl7OutputSchema, mllpTargetOf } from './hl7-settings';
import { startTestEngine, type EngineAnswer, type TestEngine } from './test-engine';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
  removeTrackedTempDirs();
});

async function engine(answers: EngineAnswer[], then: EngineAnswer = 'AA'): Promise<TestEngine> {
  const started = await startTestEngine(() => answers.shift() ?? then);
  open.push(started);
  return started;
}

interface Bench {
  station: TestStation;
  outbox: Hl7Outbox;
  patientId: string;
  pusher: (port: number, ackTimeoutMs?: number) => Hl7Pusher;
  record: (count: number) => void;
}

async function bench(dataDir = trackedTempDir()): Promise<Bench> {
  const station = await openTestStation(dataDir);
  open.push(station.db);
  const outbox = new Hl7Outbox(station.db, station.store, station.clock.now);
  outbox.setOutputOn(true);
  const patientId = station.store.listPatientIds()[0] ?? station.store.createPatient({ givenName: 'Ann', familyName: "O'Brien|Lee", birthDate: '1950-03-04', gender: 'female', identifier: 'MRN-1' }).id;
  const ids = new StationIds(stationId(station.db));
  let n = 0;
  return {
    station,
    outbox,
    patientId,
    pusher: (port, ackTimeoutMs = 5_000) =>
      new Hl7Pusher(outbox, {
        ids,
        patientIdentifierSystem: 'urn:oid:1.2.3',
        target: { host: '127.0.0.1', port, tls: false, connectTimeoutMs: 5_000, ackTimeoutMs },
        batchReadings: 4,
        now: station.clock.now,
        random: () => 0.5,
      }),
    record: (count) => {
      for (let i = 0; i < count; i++) {
        station.clock.advance(1_000);
        station.store.recordReading(patientId, null, { deviceId: 'oxi-1', metric: 'spo2', value: 90 + (n++ % 10), unit: '%', deviceTime: null, receivedAt: station.clock.time, source: 'pulse-oximeter' });
      }
    },
  };
}

const state = (b: Bench) => b.station.db.prepare('SELECT seq, state, attempts, outcome FROM hl7_outbox ORDER BY seq').all() as { seq: number; state: string; attempts: number; outcome: string | null }[];
const run = (pusher: Hl7Pusher) => pushHl7UntilNothingDue({ pusher, signal: new AbortController().signal });

describe('HL7 output over MLLP to node-hl7-server', () => {
  it('sends every batch as a valid PCD-01 message the engine parses and acknowledges AA, once', async () => {
    const b = await bench();
    const server = await engine([]);
    b.record(10);
    const reports = await run(b.pusher(server.port));
    expect(reports.map((r) => r.answer)).toEqual(['AA', 'AA', 'AA', null]);
    expect(state(b).map((row) => row.state)).toEqual(['sent', 'sent', 'sent']);
    // The engine's parser saw each message, with the control ids of the outbox rows and all ten readings.
    expect(server.received.map((m) => m.controlId)).toEqual(state(b).map((row) => String(row.seq)));
    const texts = server.received.map((m) => m.text.replaceAll('\n', '\r'));
    for (const text of texts) expect(checkPcd01(text)).toEqual([]);
    expect(texts.flatMap((text) => Hl7Message.parse(text).getAllSegments('OBX'))).toHaveLength(10);
    expect(Hl7Message.parse(texts[0]!).getSegment('PID')!.getField(5).toString()).toBe("O'Brien\\F\\Lee^Ann^^^^^L");
    // Nothing is sent twice once acknowledged.
    expect((await run(b.pusher(server.port))).map((r) => r.answer)).toEqual([null]);
    expect(server.received).toHaveLength(3);
  });

  it('parks a batch the engine answers AE, with its reason, and goes on with the next', async () => {
    const b = await bench();
    const server = await engine([{ ae: 'Unknown patient identifier' }]);
    b.record(5);
    const reports = await run(b.pusher(server.port));
    expect(reports.map((r) => r.answer)).toEqual(['AE', 'AA', null]);
    expect(state(b)).toEqual([
      { seq: 1, state: 'parked', attempts: 1, outcome: 'AE: Unknown patient identifier: 207^Application internal error^HL70357 Unknown patient identifier' },
      { seq: 2, state: 'sent', attempts: 0, outcome: null },
    ]);
    expect(b.outbox.items.parked().map((p) => p.seq)).toEqual([1]);
    // Staff's retry sends it again, the same message.
    expect(b.outbox.items.retryParked()).toBe(1);
    expect((await run(b.pusher(server.port))).map((r) => r.answer)).toEqual(['AA', null]);
    expect(server.received.map((m) => m.controlId)).toEqual(['1', '2', '1']);
    expect(server.received[2]!.text).toBe(server.received[0]!.text);
  });

  it('parks a batch the engine answers AR (node-hl7-server\'s own reject)', async () => {
    const b = await bench();
    const server = await engine(['AR']);
    b.record(2);
    expect((await run(b.pusher(server.port))).map((r) => r.answer)).toEqual(['AR', null]);
    expect(state(b)).toEqual([{ seq: 1, state: 'parked', attempts: 1, outcome: 'AR' }]);
  });

  it('retries with backoff when the engine drops the connection as the message arrives, and sends it once acknowledged', async () => {
    const b = await bench();
    const server = await engine(['drop']);
    b.record(2);
    expect((await run(b.pusher(server.port))).map((r) => r.answer)).toEqual(['network']);
    const [row] = state(b);
    expect(row).toMatchObject({ state: 'waiting', attempts: 1 });
    // Not before its backoff: base 1 s * 0.5 (the test's jitter).
    expect(b.outbox.items.nextDueAt()).toBe(b.station.clock.time + 500);
    expect((await run(b.pusher(server.port))).map((r) => r.answer)).toEqual([null]);
    b.station.clock.advance(500);
    expect((await run(b.pusher(server.port))).map((r) => r.answer)).toEqual(['AA', null]);
    expect(state(b)).toEqual([{ seq: 1, state: 'sent', attempts: 1, outcome: null }]);
  });

  it('retries when the engine never answers (ACK timeout)', async () => {
    const b = await bench();
    const server = await engine(['silent']);
    b.record(1);
    expect((await run(b.pusher(server.port, 300))).map((r) => r.answer)).toEqual(['timeout']);
    expect(state(b)).toEqual([{ seq: 1, state: 'waiting', attempts: 1, outcome: null }]);
    b.station.clock.advance(60_000);
    expect((await run(b.pusher(server.port, 300))).map((r) => r.answer)).toEqual(['AA', null]);
    expect(server.received.map((m) => m.controlId)).toEqual(['1', '1']);
  });

  it('retries when nothing listens (connection refused)', async () => {
    const b = await bench();
    const server = await engine([]);
    const port = server.port;
    await server.close();
    b.record(1);
    expect((await run(b.pusher(port))).map((r) => r.answer)).toEqual(['network']);
    expect(state(b)).toEqual([{ seq: 1, state: 'waiting', attempts: 1, outcome: null }]);
  });

  it('loses nothing and duplicates nothing acknowledged when the station restarts between send and ACK', async () => {
    const dataDir = trackedTempDir();
    const first = await bench(dataDir);
    const server = await engine(['silent']);
    first.record(6);
    // The station stops (its process ends) while the engine holds the first message unanswered.
    const stop = new AbortController();
    const pushing = first.pusher(server.port).push(stop.signal);
    await server.receivedCount(1);
    const stoppedAt = first.station.clock.time;
    first.station.db.close();
    stop.abort();
    await pushing.catch(() => undefined);
    // The station starts again on the same data folder, after the claim's lease ran out.
    const second = await bench(dataDir);
    second.station.clock.time = stoppedAt + 60_000;
    const reports = await run(second.pusher(server.port));
    expect(reports.map((r) => r.answer)).toEqual(['AA', 'AA', null]);
    expect(state(second).map((row) => row.state)).toEqual(['sent', 'sent']);
    // The unanswered message came again with the same control id (the engine may drop the copy);
    // after the ACKs, nothing goes again.
    expect(server.received.map((m) => m.controlId)).toEqual(['1', '1', '2']);
    expect((await run(second.pusher(server.port))).map((r) => r.answer)).toEqual([null]);
    const obx = server.received.slice(1).flatMap((m) => Hl7Message.parse(m.text.replaceAll('\n', '\r')).getAllSegments('OBX'));
    expect(obx).toHaveLength(6);
  });
});

describe('HL7 output over MLLP with TLS', () => {
  it('sends to an engine certified by the extra CA file, and not to one it cannot verify', async () => {
    const dir = trackedTempDir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const server = await startTestEngine(() => 'AA', { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') });
    open.push(server);
    const b = await bench();
    b.record(1);
    const untrusting = (await mllpTargetOf(Hl7OutputSchema.parse({ host: '127.0.0.1', port: server.port, tls: true })))!;
    const refused = new Hl7Pusher(b.outbox, { ids: new StationIds(stationId(b.station.db)), patientIdentifierSystem: null, target: untrusting, batchReadings: 10, now: b.station.clock.now, random: () => 0 });
    const [report] = await run(refused);
    expect(report).toMatchObject({ answer: 'network', retrying: 1 });
    expect(report!.detail).toMatch(/^cannot connect to 127\.0\.0\.1:\d+: self[- ]signed certificate/);
    expect(server.received).toHaveLength(0);
    const trusting = (await mllpTargetOf(Hl7OutputSchema.parse({ host: '127.0.0.1', port: server.port, tls: true, extraCaFile: join(dir, 'cert.pem') })))!;
    const accepted = new Hl7Pusher(b.outbox, { ids: new StationIds(stationId(b.station.db)), patientIdentifierSystem: null, target: trusting, batchReadings: 10, now: b.station.clock.now, random: () => 0 });
    expect((await run(accepted)).map((r) => r.answer)).toEqual(['AA', null]);
    expect(server.received.map((m) => m.controlId)).toEqual(['1']);
  });
});

describe('HL7 output against a misbehaving engine', () => {
  it('cuts off an engine that floods the connection without ending a frame, and retries', async () => {
    const flood = net.createServer((socket) => {
      socket.on('error', () => undefined);
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      const pour = () => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once('drain', pour);
      };
      socket.once('data', pour);
    });
    flood.listen(0, '127.0.0.1');
    await once(flood, 'listening');
    open.push({ close: () => flood.close() });
    const b = await bench();
    b.record(1);
    const [report] = await run(b.pusher((flood.address() as net.AddressInfo).port, 30_000));
    expect(report).toMatchObject({ answer: 'network', retrying: 1 });
    expect(report!.detail).toBe('the connection closed before the ACK');
  });

  it('keeps a bounded, unescaped reason from a refusal however long the engine\'s text', async () => {
    const b = await bench();
    const long = `Bad \\T\\ worse ${'x'.repeat(3_000)}`;
    const server = await engine([{ ae: long }]);
    b.record(1);
    await run(b.pusher(server.port));
    const [row] = state(b);
    expect(row!.outcome).toHaveLength(MAX_REASON_CHARS);
    expect(row!.outcome!.startsWith('AE: Bad & worse xxx')).toBe(true);
  });
});

describe('alarm reports (PCD-04) over MLLP to node-hl7-server', () => {
  /** The recorder's own batch writer, as the station records an alarm's changes. */
  function write(b: Bench, writes: RecordedWrite[]): string[] {
    const outcome = writeBatch(b.station.store, writes);
    if (!outcome.committed) throw new Error(outcome.reason);
    return outcome.storedAlarms.map(([, storedId]) => storedId);
  }
  const raised = (b: Bench, at: number): RecordedWrite => ({
    kind: 'alarm-raised',
    encounter: { patientId: b.patientId, visitId: b.station.store.startVisit(b.patientId, 'nurse-1').id },
    alarmId: 'engine-alarm-1',
    alarmKind: 'physiological',
    priority: 'high',
    condition: 'SpO₂ low',
    source: { key: 'physiological:spo2:low', value: 84, unit: '%', limit: 90 },
    raisedAt: at,
    clearedAt: null,
    acknowledgedBy: null,
  });
  const facets = (text: string) => {
    const message = Hl7Message.parse(text);
    return [message.getSegment('OBR')!.getField(3).getComponent(1), ...message.getAllSegments('OBX').slice(2).map((obx) => obx.getField(5).toString())];
  };

  it('sends an alarm raised, acknowledged and ended as three R40s with one alert identifier, each parsed and acknowledged', async () => {
    const b = await bench();
    b.outbox.setOutputOn(true, true);
    const server = await engine([]);
    b.record(1);
    const t = b.station.clock.time;
    const [storedId] = write(b, [raised(b, t + 500)]);
    write(b, [{ kind: 'alarm-acknowledged', alarmId: 'engine-alarm-1', storedId: storedId!, by: 'nurse-1' }]);
    write(b, [{ kind: 'alarm-cleared', alarmId: 'engine-alarm-1', storedId: storedId!, clearedAt: t + 30_000 }]);
    const reports = await run(b.pusher(server.port));
    expect(reports.map((r) => r.answer)).toEqual(['AA', 'AA', 'AA', 'AA', null]);
    const texts = server.received.map((m) => m.text.replaceAll('\n', '\r'));
    // An alarm's change joins the queue at once; a reading waits for the next batch to be formed.
    expect(texts.map((text) => Hl7Message.parse(text).getSegment('MSH')!.getField(9).toString())).toEqual(['ORU^R40^ORU_R40', 'ORU^R40^ORU_R40', 'ORU^R40^ORU_R40', 'ORU^R01^ORU_R01']);
    const alarms = texts.slice(0, 3);
    for (const text of alarms) expect(checkPcd04(text)).toEqual([]);
    expect(alarms.map(facets)).toEqual([
      [storedId, 'start', 'active', 'enabled'],
      [storedId, 'update', 'active', 'alert-acknowledged'],
      [storedId, 'end', 'inactive', 'alert-acknowledged'],
    ]);
    // MSH-10 is each report's outbox number, and an acknowledged report is not sent again.
    expect(server.received.map((m) => m.controlId)).toEqual(state(b).map((row) => String(row.seq)));
    expect((await run(b.pusher(server.port))).map((r) => r.answer)).toEqual([null]);
  });

  it('reports an alarm that began and ended within one recorder flush as a start and an end', async () => {
    const b = await bench();
    b.outbox.setOutputOn(true, true);
    const server = await engine([]);
    write(b, [{ ...raised(b, b.station.clock.time), clearedAt: b.station.clock.time + 2_000 } as RecordedWrite]);
    expect((await run(b.pusher(server.port))).map((r) => r.answer)).toEqual(['AA', 'AA', null]);
    expect(server.received.map((m) => facets(m.text.replaceAll('\n', '\r')).slice(1))).toEqual([
      ['start', 'active', 'enabled'],
      ['end', 'inactive', 'enabled'],
    ]);
  });

  it('parks an alarm report the engine refuses, with its reason, and resends the same message on retry', async () => {
    const b = await bench();
    b.outbox.setOutputOn(true, true);
    const server = await engine([{ ae: 'No such bed' }]);
    write(b, [raised(b, b.station.clock.time)]);
    expect((await run(b.pusher(server.port))).map((r) => r.answer)).toEqual(['AE', null]);
    expect(b.outbox.items.parked().map((p) => [p.seq, p.outcome.startsWith('AE: No such bed')])).toEqual([[1, true]]);
    b.outbox.items.retryParked();
    expect((await run(b.pusher(server.port))).map((r) => r.answer)).toEqual(['AA', null]);
    expect(server.received[1]!.text).toBe(server.received[0]!.text);
  });

  it('sends no alarm report while hl7Output.alarms is off', async () => {
    const b = await bench();
    const server = await engine([]);
    write(b, [raised(b, b.station.clock.time)]);
    expect((await run(b.pusher(server.port))).map((r) => r.answer)).toEqual([null]);
    expect(server.received).toHaveLength(0);
  });
});

