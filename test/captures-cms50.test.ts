/**
 * Replays the three shared CMS50 captures through the real driver and checks each `# expect:`
 * value. Frame-level fields the station does not emit (signal strength, bargraph, beat marker,
 * identifier, notices) are checked on the driver's own decoder over the capture's `in` records.
 */
import { describe, expect, it } from 'vitest';
import type { DriverOutput } from '../src/shared/readings';
import type { Capture } from '../src/node/capture/format';
import { ReplayIo } from '../src/node/capture/replay-io';
import type { DeviceActivity } from '../src/node/drivers/driver';
import { Cms50Decoder, type Cms50Package, type DecoderEvent, type LiveFrame } from '../src/node/drivers/cms50/decoder';
import { cms50Manifest } from '../src/node/drivers/cms50/manifest';
import { expectation, readCapture, replayFile, type ReplayedCapture } from './replay-helpers';

interface Replayed extends ReplayedCapture {
  capture: Capture;
  expectLine: string;
  events: DecoderEvent[];
  frames: LiveFrame[];
  packages: Cms50Package[];
}

async function replay(name: string): Promise<Replayed> {
  const capture = readCapture(name);
  const decoder = new Cms50Decoder();
  const events = [...capture.records.filter((record) => record.direction === 'in').flatMap((record) => decoder.push(record.bytes)), ...decoder.finish()];
  const packages = events.flatMap((event) => (event.kind === 'package' ? [event.package] : []));
  return {
    ...(await replayFile(name)),
    capture,
    expectLine: expectation(name),
    events,
    packages,
    frames: packages.flatMap((pkg) => (pkg.kind === 'live' ? [pkg.frame] : [])),
  };
}

const observed = (r: Replayed, metric: string) => r.observations.filter((o) => o.metric === metric);
const pleth = (r: Replayed) => r.waveforms.flatMap((chunk) => chunk.samples);
const writes = (r: Replayed) => r.mismatches.map((m) => [m.write, m.expected, m.actual]);
const column = <K extends keyof LiveFrame>(frames: readonly LiveFrame[], key: K) => frames.map((frame) => frame[key]);
const writeOf = (code: string) => `out 7d 81 ${code} 80 80 80 80 80 80`;

/** Each live value is emitted when it first appears and then only on change or once a second. */
function expectSteadyLiveValue(r: Replayed, metric: string, value: number, unit: string): void {
  const readings = observed(r, metric);
  expect(readings.length).toBeGreaterThan(0);
  for (const reading of readings) expect(reading).toEqual({ type: 'observation', metric, value, unit, time: null });
}

describe('CMS50D+ live sniff (headrotor/contec_data)', async () => {
  const r = await replay('cms50dplus-live-sniff.cap');

  it('is the capture these expectations were written for', () => {
    expect(r.expectLine).toBe(
      'live frames=7 spo2=97 pulseRate=65 (every frame) pleth=51,48,46,44,43,42,42 signal=5 bargraph=6,6,5,5,5,5,5 probeError=false searching=false pulseBeep=false perfusionIndex=invalid (0xFFFF, PI unsupported per the 0x0E reply); device id string "user   "; stored data present (0x11 notice)',
    );
  });

  it('decodes every frame as the expectations describe', () => {
    expect(r.frames).toHaveLength(7);
    expect(column(r.frames, 'spo2')).toEqual(Array(7).fill(97));
    expect(column(r.frames, 'pulseRate')).toEqual(Array(7).fill(65));
    expect(column(r.frames, 'pleth')).toEqual([51, 48, 46, 44, 43, 42, 42]);
    expect(column(r.frames, 'signalStrength')).toEqual(Array(7).fill(5));
    expect(column(r.frames, 'bargraph')).toEqual([6, 6, 5, 5, 5, 5, 5]);
    expect(column(r.frames, 'probeError')).toEqual(Array(7).fill(false));
    expect(column(r.frames, 'searching')).toEqual(Array(7).fill(false));
    expect(column(r.frames, 'pulseBeep')).toEqual(Array(7).fill(false));
    expect(column(r.frames, 'perfusionIndex')).toEqual(Array(7).fill(null));
    expect(column(r.frames, 'piFlaggedInvalid')).toEqual(Array(7).fill(true));
    expect(r.packages).toContainEqual({ kind: 'pi-identifier', piValid: false });
    expect(r.packages).toContainEqual({ kind: 'device-id', id: 'user   ' });
    const notice = r.packages.find((pkg) => pkg.kind === 'device-notice');
    expect(notice).toMatchObject({ noticeType: 0x01, info: [0x01, 0, 0, 0, 0, 0] });
    expect(r.events.filter((event) => event.kind === 'discarded')).toEqual([]);
  });

  it('streams the numbers, the whole pleth sequence and no PI through the driver', () => {
    expectSteadyLiveValue(r, 'spo2', 97, '%');
    expectSteadyLiveValue(r, 'pulseRate', 65, '/min');
    expect(observed(r, 'perfusionIndex')).toEqual([]);
    expect(pleth(r)).toEqual([51, 48, 46, 44, 43, 42, 42]);
    expect(r.statuses).toEqual([{ type: 'status', condition: 'ok' }]);
  });

  it('differs from the vendor software only in its handshake, which it does not replay', () => {
    // The sniffed PC software sends nine queries before A1; the driver starts at once, asks for PI
    // support, and re-sends A1 once per silent keep-alive interval until the device streams.
    expect(writes(r)).toEqual([
      [1, writeOf('a7'), writeOf('a1')],
      [2, writeOf('a2'), writeOf('ac')],
      ...['a0', 'b0', 'ac', 'b3', 'a8', 'aa', 'a9'].map((code, i) => [i + 3, writeOf(code), writeOf('a1')]),
    ]);
  });
});

describe('CMS50D+ v4.6 frame (MarkMLl/Contec_cms50dplus)', async () => {
  const r = await replay('cms50dplus-markmll-frame.cap');

  it('is the capture these expectations were written for', () => {
    expect(r.expectLine).toBe('live frames=1 spo2=99 pulseRate=61 pleth=85 signal=5 bargraph=10 perfusionIndex=invalid (0xFFFF) probeError=false pulseBeep=false');
  });

  it('decodes the frame as the expectations describe', () => {
    expect(r.frames).toEqual([expect.objectContaining({ spo2: 99, pulseRate: 61, pleth: 85, signalStrength: 5, bargraph: 10, perfusionIndex: null, probeError: false, pulseBeep: false })]);
  });

  it('emits the frame through the driver after its recorded start command', () => {
    expect(r.outputs.filter((o) => o.type !== 'mismatch')).toEqual<DriverOutput[]>([
      { type: 'status', condition: 'ok' },
      { type: 'observation', metric: 'spo2', value: 99, unit: '%', time: null },
      { type: 'observation', metric: 'pulseRate', value: 61, unit: '/min', time: null },
      { type: 'waveform', metric: 'pleth', rateHz: 60, samples: [85] },
    ]);
    // The first write is the recorded A1; the PI question follows beyond the recording.
    expect(writes(r)).toEqual([[2, null, writeOf('ac')]]);
  });
});

describe('CMS50E live (titinho11/CMS50E-raw-ppg-data)', async () => {
  const r = await replay('cms50e-titinho-live.cap');

  it('is the capture these expectations were written for', () => {
    expect(r.expectLine).toBe(
      'live frames=102 spo2=99 pulseRate=60 (every frame) pleth min=8 max=77 pulseBeep frames=4 (frames 35,36,95,96, 1-based) signal=4 bargraph=1..9 perfusionIndex=invalid (0xFFFF) probeError=false; the trailing 4-byte partial package yields nothing',
    );
  });

  it('decodes every frame as the expectations describe', () => {
    expect(r.frames).toHaveLength(102);
    expect(new Set(column(r.frames, 'spo2'))).toEqual(new Set([99]));
    expect(new Set(column(r.frames, 'pulseRate'))).toEqual(new Set([60]));
    const plethValues = column(r.frames, 'pleth');
    expect([Math.min(...plethValues), Math.max(...plethValues)]).toEqual([8, 77]);
    const beats = r.frames.flatMap((frame, index) => (frame.pulseBeep ? [index + 1] : []));
    expect(beats).toEqual([35, 36, 95, 96]);
    expect(new Set(column(r.frames, 'signalStrength'))).toEqual(new Set([4]));
    const bargraph = column(r.frames, 'bargraph');
    expect([Math.min(...bargraph), Math.max(...bargraph)]).toEqual([1, 9]);
    expect(new Set(column(r.frames, 'perfusionIndex'))).toEqual(new Set([null]));
    expect(new Set(column(r.frames, 'probeError'))).toEqual(new Set([false]));
  });

  it('drops the trailing partial package and nothing else', () => {
    expect(r.events.filter((event) => event.kind === 'discarded')).toEqual([{ kind: 'discarded', reason: 'truncated', bytes: [0x01, 0xe0, 0x84, 0xac] }]);
  });

  it('streams the numbers and all 102 pleth samples in device order through the driver', () => {
    expectSteadyLiveValue(r, 'spo2', 99, '%');
    expectSteadyLiveValue(r, 'pulseRate', 60, '/min');
    expect(observed(r, 'perfusionIndex')).toEqual([]);
    expect(pleth(r)).toEqual(column(r.frames, 'pleth'));
    expect(r.statuses).toEqual([{ type: 'status', condition: 'ok' }]);
    expect(writes(r)).toEqual([[2, null, writeOf('ac')]]);
  });

  it('tells the hub it is streaming once live data flows', async () => {
    const activities: DeviceActivity[] = [];
    const io = new ReplayIo(r.capture, { transport: 'serial' });
    await cms50Manifest
      .create()
      .run({ io, emit: () => undefined, setActivity: (activity) => activities.push(activity), signal: new AbortController().signal });
    expect(activities).toEqual(['streaming', 'idle']);
  });
});
