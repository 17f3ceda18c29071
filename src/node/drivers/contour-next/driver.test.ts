import { describe, expect, it } from 'vitest';
import type { DriverOutput } from '../../../shared/readings';
import { ACK, EOT, NAK } from './astm-frames';
import { ContourNextDriver, clockOffsetMinutes, describeMeter } from './driver';
import { FakeContourMeter, type FakeMeterBehaviour } from './fake-meter';
import { ContourProtocolError } from './link';

const HEADER = 'H|\\^&||7w3LBL|Bayer7410^01.24\\01.04\\09.02.20^7410-1234567^7403-|A=1^C=63^G=1^I=0200^R=0^S=1^U=0^V=10600^Z=1|6||||||1|202405011200';
const RECORDS = [
  HEADER,
  'P|1',
  'R|1|^^^Glucose|93|mg/dL^P||B/M0/T1||202404300715',
  'R|2|^^^Glucose|180|mg/dL^P||A/M0/T1||202404300915',
  'R|3|^^^Glucose|110|mg/dL^P||C/M0/T1||202404301000',
  'R|4|^^^Glucose|9|mg/dL^P||</M0/T1||202404301100',
  'R|5|^^^Glucose|601|mg/dL^P||>/M0/T1||202404301200',
  'R|6|^^^Glucose|64|mg/dL^P||M0/T1||202404301300',
  'L|1|N',
];

async function download(behaviour: FakeMeterBehaviour): Promise<{ outputs: DriverOutput[]; error: unknown; meter: FakeContourMeter }> {
  const meter = new FakeContourMeter(behaviour);
  const outputs: DriverOutput[] = [];
  let error: unknown = null;
  const driver = new ContourNextDriver({}, () => Date.UTC(2024, 4, 1, 12, 0));
  // Each further session the meter serves is downloaded on the station's request once idle.
  let requests = (behaviour.sessions ?? 1) - 1;
  const setActivity = (activity: string) => {
    if (activity === 'idle' && requests-- > 0) driver.requestMeasurement();
  };
  try {
    await driver.run({ io: meter, emit: (o) => outputs.push(o), setActivity, signal: new AbortController().signal });
  } catch (caught) {
    error = caught;
  }
  return { outputs, error, meter };
}

const glucoseValues = (outputs: DriverOutput[]) => outputs.flatMap((o) => (o.type === 'observation' ? [o.value] : []));

describe('ContourNextDriver against a fake meter', () => {
  it('downloads every patient result with its unit, time and markers; control and HI/LO are excluded results', async () => {
    const { outputs, error, meter } = await download({ records: RECORDS });
    expect(error).toBeNull();
    expect(outputs.filter((o) => o.type !== 'status')).toEqual([
      { type: 'observation', metric: 'glucose', value: 93, unit: 'mg/dL', time: '2024-04-30T07:15', measurement: 0, glucose: { specimen: 'plasma', meal: 'before-meal' } },
      { type: 'observation', metric: 'glucose', value: 180, unit: 'mg/dL', time: '2024-04-30T09:15', measurement: 1, glucose: { specimen: 'plasma', meal: 'after-meal' } },
      { type: 'excluded-result', metric: 'glucose', reason: 'control-solution', time: '2024-04-30T10:00' },
      { type: 'excluded-result', metric: 'glucose', reason: 'below-range', time: '2024-04-30T11:00' },
      { type: 'excluded-result', metric: 'glucose', reason: 'above-range', time: '2024-04-30T12:00' },
      { type: 'observation', metric: 'glucose', value: 64, unit: 'mg/dL', time: '2024-04-30T13:00', measurement: 2, glucose: { specimen: 'plasma', meal: null } },
    ]);
    expect(outputs[0]).toEqual({ type: 'status', condition: 'ok', detail: expect.stringMatching(/^Bayer7410 serial 7410-1234567, meter clock 2024-05-01T12:00, -?\d+ min from the station's$/) });
    // EOT to start, then one ACK per message the meter sent (the first answers its ENQ).
    expect(meter.hostSignals).toEqual([EOT, ...RECORDS.map(() => ACK)]);
  });

  it('a second download while plugged in files nothing twice: the meter sends its whole memory again', async () => {
    const { outputs, error, meter } = await download({ records: RECORDS, sessions: 2 });
    expect(error).toBeNull();
    expect(meter.hostSignals.filter((s) => s === EOT)).toHaveLength(2);
    expect(glucoseValues(outputs)).toEqual([93, 180, 64]);
    expect(outputs.filter((o) => o.type === 'excluded-result')).toHaveLength(3);
    expect(outputs.filter((o) => o.type === 'status')).toHaveLength(2);
  });

  it('asks again with NAK for a damaged frame and keeps the resent one once', async () => {
    const damageOnce = (message: Uint8Array, ordinal: number) => (ordinal === 3 ? message.map((byte, i) => (i === 5 ? byte ^ 0x01 : byte)) : message);
    const { outputs, meter } = await download({ records: RECORDS, tamper: damageOnce });
    expect(glucoseValues(outputs)).toEqual([93, 180, 64]);
    expect(meter.hostSignals.filter((s) => s === NAK)).toHaveLength(1);
  });

  it('follows frame numbers across the 7 → 0 wrap', async () => {
    const many = [HEADER, 'P|1', ...Array.from({ length: 12 }, (_, i) => `R|${i + 1}|^^^Glucose|${100 + i}|mg/dL^B||||||2024043007${String(10 + i)}`), 'L|1|N'];
    const { outputs, error } = await download({ records: many });
    expect(error).toBeNull();
    expect(glucoseValues(outputs)).toEqual(Array.from({ length: 12 }, (_, i) => 100 + i));
  });

  it('accepts a repeated frame once and refuses a frame out of sequence', async () => {
    // The meter's second record arrives twice (an ACK it missed): kept once.
    const repeat = (message: Uint8Array, ordinal: number) => (ordinal === 2 ? Uint8Array.from([...message, ...message]) : message);
    expect(glucoseValues((await download({ records: RECORDS, tamper: repeat })).outputs)).toEqual([93, 180, 64]);
    // A frame that skips a number is answered NAK; the meter's resend, numbered right, is kept.
    const skip = (message: Uint8Array, ordinal: number) => (ordinal === 2 ? message.map((byte, i) => (i === 1 ? 0x37 : byte)) : message);
    const skipped = await download({ records: RECORDS, tamper: skip });
    expect(skipped.meter.hostSignals.filter((s) => s === NAK)).toHaveLength(1);
    expect(glucoseValues(skipped.outputs)).toEqual([93, 180, 64]);
  });

  it('gives up after six damaged sends and keeps nothing', async () => {
    const { outputs, error } = await download({ records: RECORDS, tamper: (m, ordinal) => (ordinal >= 2 ? m.map((b, i) => (i === 4 ? b ^ 1 : b)) : m) });
    expect(error).toBeInstanceOf(ContourProtocolError);
    expect((error as Error).message).toBe('6 damaged frames in a row');
    expect(outputs).toEqual([]);
  });

  it('keeps nothing when the meter ends the transfer before its terminator', async () => {
    const { outputs, error } = await download({ records: RECORDS, abortAtRecord: 5 });
    expect((error as Error).message).toBe('the meter ended the transfer before its terminator record');
    expect(outputs).toEqual([]);
  });

  it('reports a silent meter as a protocol error, not a hang', async () => {
    const { error } = await download({ records: RECORDS, silent: true });
    expect((error as Error).message).toBe('the meter stopped answering');
  });

  it('accepts whatever frame number follows the ENQ, as glucometerutils does', async () => {
    const { outputs, error } = await download({ records: RECORDS, firstFrameNumber: 6 });
    expect(error).toBeNull();
    expect(glucoseValues(outputs)).toEqual([93, 180, 64]);
  });
});

describe('meter clock', () => {
  it('is the meter wall clock minus the station wall clock, in whole minutes', () => {
    const hostNow = new Date(2024, 4, 1, 12, 0, 30).getTime();
    expect(clockOffsetMinutes('2024-05-01T12:07', hostNow)).toBe(7);
    expect(clockOffsetMinutes('2024-05-01T11:00', hostNow)).toBe(-60);
    expect(clockOffsetMinutes('2024-05-01T12:00:45', hostNow)).toBe(0);
  });

  it('is described with model and serial, or as unknown without a header time', () => {
    const header = { product: 'Bayer7350', versions: [], serial: '7358-1611135', unit: null, storedResults: null, meterTime: null, delimiters: { field: '|', repeat: '\\', component: '^', escape: '&' } };
    expect(describeMeter(header, 0)).toBe('Bayer7350 serial 7358-1611135, meter clock unknown');
    expect(describeMeter({ ...header, meterTime: '2024-05-01T12:10' }, new Date(2024, 4, 1, 12, 0).getTime())).toBe("Bayer7350 serial 7358-1611135, meter clock 2024-05-01T12:10, 10 min from the station's");
  });
});
