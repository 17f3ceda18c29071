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
import { KEEP_ALIVE_INTERVAL_MS } from '../src/node/drivers/cms50/protocol';
import { expectation, readCapture, replayFile, type ReplayedCapture } from './replay-helpers';

interface Replayed extends ReplayedCapture {
  capture: Capture;
  expectLine: string;
  events: DecoderEvent[];
  frames: LiveFrame[];
  packages: Cms50Package[];
}

/**
 * Replays a capture and, as the suite's first test, pins its `# expect:` line, so a changed
 * capture fails there before any value checked against it.
 */
async function replayExpecting(name: string, expectLine: string): Promise<Replayed> {
  const r = await replay(name);
  it('is the capture these expectations were written for', () => expect(r.expectLine).toBe(expectLine));
  return r;
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

/** The driver's activity changes over a replay of the capture, each with the virtual time it happened. */
async function activityTimeline(capture: Capture): Promise<[DeviceActivity, number][]> {
  const timeline: [DeviceActivity, number][] = [];
  const io = new ReplayIo(capture, { transport: 'serial' });
  await cms50Manifest.create().run({ io, emit: () => undefined, setActivity: (activity) => timeline.push([activity, io.now()]), signal: new AbortController().signal });
  return timeline;
}

/** The number of live frames, and the fields the expectations give one value for in every frame. */
function expectFrames(r: Replayed, count: number, inEveryFrame: Partial<LiveFrame>): void {
  expect(r.frames).toHaveLength(count);
  r.frames.forEach((frame, index) => expect(frame, `frame ${index + 1}`).toMatchObject(inEveryFrame));
}

/** Each live value is emitted when it first appears and then only on change or once a second. */
function expectSteadyLiveValue(r: Replayed, metric: string, value: number, unit: string): void {
  const readings = observed(r, metric);
  expect(readings.length).toBeGreaterThan(0);
  for (const reading of readings) expect(reading).toEqual({ type: 'observation', metric, value, unit, time: null });
}

describe('CMS50D+ live sniff (headrotor/contec_data)', async () => {
  const r = await replayExpecting(
    'cms50dplus-live-sniff.cap',
    'live frames=7 spo2=97 pulseRate=65 (every frame) pleth=51,48,46,44,43,42,42 signal=5 bargraph=6,6,5,5,5,5,5 probeError=false searching=false pulseBeep=false perfusionIndex=invalid (0xFFFF, PI unsupported per the 0x0E reply); device id string "user   "; stored data present (0x11 notice)',
  );

  it('decodes every frame as the expectations describe', () => {
    expectFrames(r, 7, { spo2: 97, pulseRate: 65, signalStrength: 5, probeError: false, searching: false, pulseBeep: false, perfusionIndex: null, piFlaggedInvalid: true });
    expect(column(r.frames, 'pleth')).toEqual([51, 48, 46, 44, 43, 42, 42]);
    expect(column(r.frames, 'bargraph')).toEqual([6, 6, 5, 5, 5, 5, 5]);
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

  it('opens like the vendor software, then differs only in the queries it does not make', () => {
    // Both stop a download and a stream first (A7, A2). The sniffed PC software then sends seven
    // queries before A1; the driver starts at once, asks for PI support, and re-sends A1 once per
    // silent keep-alive interval until the replay releases the live data.
    expect(writes(r)).toEqual([
      [3, writeOf('a0'), writeOf('a1')],
      [4, writeOf('b0'), writeOf('ac')],
      ...['ac', 'b3', 'a8', 'aa', 'a9'].map((code, i) => [i + 5, writeOf(code), writeOf('a1')]),
    ]);
  });

  it('streams after one silent keep-alive interval per recorded query it did not match', async () => {
    // Writes 5 to 10 are the re-sent A1s; the tenth is the recorded A1 that releases the live data.
    expect(await activityTimeline(r.capture)).toEqual([
      ['streaming', 6 * KEEP_ALIVE_INTERVAL_MS],
      ['idle', 6 * KEEP_ALIVE_INTERVAL_MS],
    ]);
  });
});

describe('CMS50D+ v4.6 frame (MarkMLl/Contec_cms50dplus)', async () => {
  const r = await replayExpecting(
    'cms50dplus-markmll-frame.cap',
    'live frames=1 spo2=99 pulseRate=61 pleth=85 signal=5 bargraph=10 perfusionIndex=invalid (0xFFFF) probeError=false pulseBeep=false',
  );

  it('decodes the frame as the expectations describe', () => {
    expectFrames(r, 1, { spo2: 99, pulseRate: 61, pleth: 85, signalStrength: 5, bargraph: 10, perfusionIndex: null, probeError: false, pulseBeep: false });
  });

  it('emits the frame through the driver while it waits for its first stop to be acknowledged', () => {
    expect(r.outputs.filter((o) => o.type !== 'mismatch')).toEqual<DriverOutput[]>([
      { type: 'status', condition: 'ok' },
      { type: 'observation', metric: 'spo2', value: 99, unit: '%', time: null },
      { type: 'observation', metric: 'pulseRate', value: 61, unit: '/min', time: null },
      { type: 'waveform', metric: 'pleth', rateHz: 60, samples: [85], scale: { min: 0, max: 127 } },
    ]);
    // The driver's first write, A7, stands where the recording has A1, so the replay releases the
    // frame then. It arrives while the driver awaits the 0x0C for A7 and is shown as live data; the
    // capture ends within that reply window, before A2, A1 and the PI question are written.
    expect(writes(r)).toEqual([[1, writeOf('a1'), writeOf('a7')]]);
  });
});

describe('CMS50E live (titinho11/CMS50E-raw-ppg-data)', async () => {
  const r = await replayExpecting(
    'cms50e-titinho-live.cap',
    'live frames=102 spo2=99 pulseRate=60 (every frame) pleth min=8 max=77 pulseBeep frames=4 (frames 35,36,95,96, 1-based) signal=4 bargraph=1..9 perfusionIndex=invalid (0xFFFF) probeError=false; the trailing 4-byte partial package yields nothing',
  );

  it('decodes every frame as the expectations describe', () => {
    expectFrames(r, 102, { spo2: 99, pulseRate: 60, signalStrength: 4, perfusionIndex: null, probeError: false });
    const plethValues = column(r.frames, 'pleth');
    expect([Math.min(...plethValues), Math.max(...plethValues)]).toEqual([8, 77]);
    const beats = r.frames.flatMap((frame, index) => (frame.pulseBeep ? [index + 1] : []));
    expect(beats).toEqual([35, 36, 95, 96]);
    const bargraph = column(r.frames, 'bargraph');
    expect([Math.min(...bargraph), Math.max(...bargraph)]).toEqual([1, 9]);
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
    // As in the MarkMLl capture: all of it arrives in the reply window of A7, written where A1 was.
    expect(writes(r)).toEqual([[1, writeOf('a1'), writeOf('a7')]]);
  });

  it('tells the hub it is streaming once live data flows', async () => {
    expect(await activityTimeline(r.capture)).toEqual([
      ['streaming', 0],
      ['idle', 0],
    ]);
  });
});
