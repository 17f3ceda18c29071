import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StationCallError, type EventPayload, type MethodInput, type StationApi, type StationEventName, type StationMethodName } from '../../shared/contract';
import { bytesToBase64 } from '../../shared/consult/waveform-codec';
import { device, fakePng, reading } from '../../shared/consult/test-fixtures';
import { parseStationMessage, type StationMessage } from '../../shared/consult/vitals-protocol';
import type { CallDataChannel } from './peer-data-channel';
import { VitalsPublisher } from './vitals-publisher';

/** A StationApi whose events the test fires and whose invokes it records. */
function fakeApi(answers: Partial<Record<StationMethodName, (input: unknown) => unknown>> = {}) {
  const listeners = new Map<StationEventName, Set<(payload: unknown) => void>>();
  const invoked: { method: StationMethodName; input: unknown }[] = [];
  const api: StationApi = {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    async invoke(method, input) {
      invoked.push({ method, input });
      const answer = answers[method];
      if (!answer) throw new StationCallError({ code: 'unknown-method', message: `${method} not here` });
      return answer(input) as never;
    },
  };
  const emit = <E extends StationEventName>(event: E, payload: EventPayload<E>) => listeners.get(event)?.forEach((listener) => listener(payload));
  return { api, emit, invoked };
}

function fakeChannel() {
  const sent: StationMessage[] = [];
  let onMessage: (text: string) => void = () => undefined;
  let onOpen: () => void = () => undefined;
  const channel: CallDataChannel = {
    isOpen: false,
    send(text) {
      const parsed = parseStationMessage(text);
      if (!parsed.ok) throw new Error(parsed.error);
      sent.push(parsed.message);
      return true;
    },
    bufferedAmount: () => 0,
    onMessage: (listener) => ((onMessage = listener), () => undefined),
    onOpen: (listener) => ((onOpen = listener), () => undefined),
    onClose: () => () => undefined,
  };
  const items = () => sent.flatMap((message) => (message.type === 'item' ? [message.body] : []));
  return { channel, sent, items, open: () => onOpen(), receive: (message: object) => onMessage(JSON.stringify(message)) };
}

const cuff = device('sim-cuff', { name: 'Simulated blood-pressure cuff', state: 'idle', canRequestMeasurement: true });
const oximeter = device();

beforeEach(() => vi.stubGlobal('window', {}));
afterEach(() => vi.unstubAllGlobals());

async function started(answers: Parameters<typeof fakeApi>[0] = {}) {
  const station = fakeApi({ getSnapshot: () => ({ devices: [oximeter, cuff], latest: [reading(1)], now: 0 }), ...answers });
  const link = fakeChannel();
  const publisher = new VitalsPublisher(station.api, link.channel, 'visit-1', () => undefined);
  await publisher.start();
  link.open();
  link.receive({ type: 'hello', versions: [1], resume: null, sentAt: 0 });
  return { ...station, ...link, publisher };
}

describe('VitalsPublisher', () => {
  it('gives the clinician the snapshot and then what the station core pushes', async () => {
    const run = await started();
    expect(run.items().map((body) => body.kind)).toEqual(['devices', 'readings']);
    run.emit('frame', { readings: [reading(2)], waveforms: [{ deviceId: oximeter.id, metric: 'pleth', rateHz: 60, startedAt: 5, samples: [1, 2, 3] }] });
    expect(run.items().at(-1)).toMatchObject({ kind: 'readings', readings: [{ seq: 2 }] });
    expect(run.sent.at(-1)).toMatchObject({ type: 'waveform', count: 3 });
  });

  it('tells the clinician who the patient is, and again after every change at the station', async () => {
    const patients = [
      { givenName: 'Ada', familyName: 'Lovelace', identifier: 'MRN-1', birthDate: '1950-12-10', gender: 'female', encounterStartedAt: 1, videoVisit: true },
      { givenName: null, familyName: null, identifier: null, birthDate: null, gender: null, encounterStartedAt: 2, videoVisit: true },
    ];
    let answer = 0;
    const run = await started({ getCurrentPatient: () => patients[answer] });
    await vi.waitFor(() => expect(run.items().filter((body) => body.kind === 'patient')).toEqual([{ kind: 'patient', patient: patients[0] }]));
    answer = 1;
    run.emit('patientChanged', {});
    await vi.waitFor(() =>
      expect(run.items().filter((body) => body.kind === 'patient')).toEqual([
        { kind: 'patient', patient: patients[0] },
        // Unknown at once: the clinician must not go on reading the previous patient's name.
        { kind: 'patient', patient: null },
        { kind: 'patient', patient: patients[1] },
      ]),
    );
  });

  it('shows a measurement request for confirmation and starts it only when confirmed', async () => {
    const run = await started({ requestMeasurement: () => undefined });
    run.receive({ type: 'request-measurement', requestId: 'r1', deviceId: cuff.id });
    expect(run.publisher.getView().requests).toMatchObject([{ deviceName: cuff.name, instruction: expect.stringContaining('upper arm'), state: 'waiting' }]);
    expect(run.invoked.some(({ method }) => method === 'requestMeasurement')).toBe(false);
    expect(run.items().at(-1)).toMatchObject({ kind: 'measurement', requestId: 'r1', status: 'awaiting-confirmation' });
    await run.publisher.confirmRequest('r1');
    expect(run.invoked.filter(({ method }) => method === 'requestMeasurement')).toEqual([{ method: 'requestMeasurement', input: { deviceId: cuff.id } satisfies MethodInput<'requestMeasurement'> }]);
    expect(run.items().at(-1)).toMatchObject({ kind: 'measurement', requestId: 'r1', status: 'started' });
    expect(run.publisher.getView().requests).toEqual([]);
  });

  it('refuses a request for a device that cannot be started remotely, and reports a failed start', async () => {
    const run = await started({ requestMeasurement: () => Promise.reject(new Error('cuff not connected')) });
    run.receive({ type: 'request-measurement', requestId: 'r1', deviceId: oximeter.id });
    expect(run.items().at(-1)).toMatchObject({ kind: 'measurement', status: 'failed', detail: expect.stringContaining('cannot be started') });
    run.receive({ type: 'request-measurement', requestId: 'r2', deviceId: cuff.id });
    await run.publisher.confirmRequest('r2');
    expect(run.items().at(-1)).toMatchObject({ kind: 'measurement', requestId: 'r2', status: 'failed', detail: 'cuff not connected' });
    expect(run.publisher.getView().requests).toMatchObject([{ state: 'failed', error: 'cuff not connected' }]);
    run.publisher.declineRequest('r2');
    expect(run.publisher.getView().requests).toEqual([]);
  });

  it('tells the core each request and what became of it, in order, for the visit summary', async () => {
    const problems: string[] = [];
    const run = await started({ requestMeasurement: () => undefined, recordMeasurementRequest: () => undefined });
    run.receive({ type: 'request-measurement', requestId: 'r1', deviceId: cuff.id });
    await run.publisher.confirmRequest('r1');
    run.receive({ type: 'request-measurement', requestId: 'r2', deviceId: 'unplugged' });
    run.receive({ type: 'request-measurement', requestId: 'r3', deviceId: cuff.id });
    run.publisher.declineRequest('r3');
    const recorded = () => run.invoked.filter(({ method }) => method === 'recordMeasurementRequest').map(({ input }) => input);
    await vi.waitFor(() => expect(recorded()).toHaveLength(6));
    expect(recorded()).toEqual([
      { visitId: 'visit-1', requestId: 'r1', deviceId: cuff.id, event: 'requested' },
      { visitId: 'visit-1', requestId: 'r1', deviceId: cuff.id, event: 'started' },
      { visitId: 'visit-1', requestId: 'r2', deviceId: 'unplugged', event: 'requested' },
      { visitId: 'visit-1', requestId: 'r2', deviceId: 'unplugged', event: 'failed', reason: 'That device is not connected to the station' },
      { visitId: 'visit-1', requestId: 'r3', deviceId: cuff.id, event: 'requested' },
      { visitId: 'visit-1', requestId: 'r3', deviceId: cuff.id, event: 'declined', reason: 'Declined at the station' },
    ] satisfies MethodInput<'recordMeasurementRequest'>[]);
    // A core that cannot keep them is reported; the request itself goes on.
    const station = fakeApi({ getSnapshot: () => ({ devices: [cuff], latest: [], now: 0 }), requestMeasurement: () => undefined });
    const link = fakeChannel();
    const publisher = new VitalsPublisher(station.api, link.channel, 'visit-1', (message) => problems.push(message));
    await publisher.start();
    link.open();
    link.receive({ type: 'hello', versions: [1], resume: null, sentAt: 0 });
    link.receive({ type: 'request-measurement', requestId: 'r4', deviceId: cuff.id });
    await publisher.confirmRequest('r4');
    expect(link.items().at(-1)).toMatchObject({ kind: 'measurement', requestId: 'r4', status: 'started' });
    await vi.waitFor(() => expect(problems).toEqual([expect.stringContaining('not kept for the visit summary'), expect.stringContaining('not kept for the visit summary')]));
  });

  it('shows chat both ways', async () => {
    const run = await started();
    run.receive({ type: 'chat', id: 'c1', text: 'Hello from the clinician' });
    run.publisher.sendChat('  Hello from the station ');
    expect(run.publisher.getView().chat.map(({ from, text }) => [from, text])).toEqual([
      ['clinician', 'Hello from the clinician'],
      ['station', 'Hello from the station'],
    ]);
    expect(run.items().filter((body) => body.kind === 'chat').map((body) => body.kind === 'chat' && body.from)).toEqual(['clinician', 'station']);
  });

  it('hands snapshot chunks to the core in order and confirms the saved still', async () => {
    const chunks: unknown[] = [];
    const run = await started({
      saveVisitSnapshot: (input) => {
        chunks.push(input);
        return chunks.length < 2 ? { complete: false, received: 1, count: 2 } : { complete: true, attachmentId: 'attachment-1', bytes: 10, width: 2, height: 2 };
      },
    });
    const png = fakePng(2, 2, 20);
    for (const index of [0, 1]) run.receive({ type: 'snapshot-chunk', snapshotId: 's1', takenAt: 1, index, count: 2, data: bytesToBase64(png.subarray(index * 30, (index + 1) * 30)) });
    await vi.waitFor(() => expect(run.items().at(-1)).toMatchObject({ kind: 'snapshot-saved', snapshotId: 's1', ok: true }));
    expect(chunks).toMatchObject([{ index: 0 }, { index: 1 }]);
    expect(run.publisher.getView().chat.at(-1)).toMatchObject({ from: 'notice' });
  });

  it("forwards the clinician's acknowledgement as the remote physician's, once per request, and answers a refusal without crashing", async () => {
    const acknowledged: unknown[] = [];
    const run = await started({
      acknowledgeAlarm: (input) => {
        const { alarmId } = input as MethodInput<'acknowledgeAlarm'>;
        if (alarmId !== 'A1') throw new StationCallError({ code: 'failed', message: `no active alarm ${alarmId}` });
        acknowledged.push(input);
        return {};
      },
    });
    run.receive({ type: 'acknowledge-alarm', requestId: 'k1', alarmId: 'A1' });
    // Resent after a reconnect: handled once.
    run.receive({ type: 'acknowledge-alarm', requestId: 'k1', alarmId: 'A1' });
    await vi.waitFor(() => expect(run.items().at(-1)).toMatchObject({ kind: 'alarm-acknowledged', requestId: 'k1', alarmId: 'A1', ok: true, detail: null }));
    expect(acknowledged).toEqual([{ alarmId: 'A1', forRemoteClinician: { visitId: 'visit-1' } } satisfies MethodInput<'acknowledgeAlarm'>]);

    run.receive({ type: 'acknowledge-alarm', requestId: 'k2', alarmId: 'A999' });
    await vi.waitFor(() => expect(run.items().at(-1)).toMatchObject({ kind: 'alarm-acknowledged', requestId: 'k2', ok: false, detail: 'no active alarm A999' }));

    // A hostile id never reaches the core: the message is rejected and answered with an error.
    const before = run.invoked.length;
    run.receive({ type: 'acknowledge-alarm', requestId: 'k3', alarmId: 'x'.repeat(5_000) });
    run.receive({ type: 'acknowledge-alarm', requestId: 'k4', alarmId: { $gt: '' } });
    expect(run.invoked.length).toBe(before);
    expect(run.sent.filter((message) => message.type === 'error')).toHaveLength(2);
  });
});
