/**
 * Property-based fuzzing of the CMS50 decoder and the live output policy with fast-check. Run
 * counts are set per property; CMS50_FUZZ_RUNS multiplies them for a longer soak.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DriverOutput } from '../../../shared/readings';
import { Cms50Decoder, type DecoderEvent, type LiveFrame } from './decoder';
import { Cms50LiveReadings } from './live-readings';
import { DEVICE_PACKAGE_LENGTHS, PACKAGE_TYPE, packPackage } from './protocol';
import { liveWire, type RawLiveFields } from './test-bytes';

const SCALE = Number(process.env.CMS50_FUZZ_RUNS ?? 1);
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * SCALE)) });

function decodeInChunks(bytes: Uint8Array, cuts: readonly number[]): DecoderEvent[] {
  const decoder = new Cms50Decoder();
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const events: DecoderEvent[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    events.push(...decoder.push(bytes.subarray(start, point)));
    start = Math.max(start, point);
  }
  return [...events, ...decoder.finish()];
}

const liveFrames = (events: DecoderEvent[]): LiveFrame[] => events.flatMap((e) => (e.kind === 'package' && e.package.kind === 'live' ? [e.package.frame] : []));

function expectFrameInRange(frame: LiveFrame): void {
  expect(frame.signalStrength).toBeGreaterThanOrEqual(0);
  expect(frame.signalStrength).toBeLessThanOrEqual(8);
  expect(frame.pleth).toBeGreaterThanOrEqual(0);
  expect(frame.pleth).toBeLessThanOrEqual(127);
  expect(frame.bargraph).toBeLessThanOrEqual(15);
  if (frame.spo2 !== null) expect(Number.isInteger(frame.spo2) && frame.spo2 >= 1 && frame.spo2 <= 100).toBe(true);
  if (frame.pulseRate !== null) expect(Number.isInteger(frame.pulseRate) && frame.pulseRate >= 1 && frame.pulseRate <= 254).toBe(true);
  if (frame.perfusionIndex !== null) expect(frame.perfusionIndex >= 0.01 && frame.perfusionIndex <= 22 && !frame.piFlaggedInvalid).toBe(true);
}

function expectOutputsValid(outputs: readonly DriverOutput[]): void {
  let condition: string | null = null;
  for (const output of outputs) {
    if (output.type === 'status') condition = output.condition;
    if (output.type === 'observation') {
      expect(condition).toBe('ok');
      const limits = { spo2: [1, 100], pulseRate: [1, 254], perfusionIndex: [0.01, 22] }[output.metric as 'spo2' | 'pulseRate' | 'perfusionIndex'];
      expect(limits).toBeDefined();
      expect(output.value).toBeGreaterThanOrEqual(limits![0]!);
      expect(output.value).toBeLessThanOrEqual(limits![1]!);
      expect(output.time).toBeNull();
    }
    if (output.type === 'waveform') output.samples.forEach((sample) => expect(sample >= 0 && sample <= 127).toBe(true));
  }
}

/** Raw device fields, deliberately including the invalid markers and out-of-range values. */
const rawLiveFields: fc.Arbitrary<RawLiveFields> = fc.record({
  status: fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 15 })).map(([signal, flags]) => signal | (flags << 4)),
  pleth: fc.integer({ min: 0, max: 255 }),
  bargraph: fc.integer({ min: 0, max: 255 }),
  pulse: fc.oneof(fc.constant(0xff), fc.integer({ min: 0, max: 255 })),
  spo2: fc.oneof(fc.constant(0x7f), fc.integer({ min: 0, max: 255 })),
  piHundredths: fc.oneof(fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })),
});

/** Non-live device packages of any known type with random data, as a clean stream may contain. */
const otherPackage = fc
  .constantFrom(...[...DEVICE_PACKAGE_LENGTHS.keys()].filter((type) => type !== PACKAGE_TYPE.live && type !== PACKAGE_TYPE.piIdentifier))
  .chain((type) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: DEVICE_PACKAGE_LENGTHS.get(type)! - 2, maxLength: DEVICE_PACKAGE_LENGTHS.get(type)! - 2 }).map((data) => packPackage(type, data)));

const cleanStream = fc.array(fc.oneof({ arbitrary: rawLiveFields.map((fields) => ({ fields, wire: liveWire(fields) })), weight: 4 }, { arbitrary: otherPackage.map((wire) => ({ fields: null, wire })), weight: 1 }), {
  maxLength: 60,
});

const concat = (parts: readonly Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => Array.from(part)));
const cuts = fc.array(fc.nat(), { maxLength: 40 });

describe('CMS50 decoder fuzzing', () => {
  it('never throws and never yields an out-of-range or invalid value on random bytes in random chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), cuts, (bytes, cutPoints) => {
        const events = decodeInChunks(bytes, cutPoints);
        liveFrames(events).forEach(expectFrameInRange);
        // Every input byte is accounted for exactly once and in order, as a package or a discard.
        expect(events.flatMap((e) => e.bytes)).toEqual(Array.from(bytes));
      }),
      runs(10_000),
    );
  });

  it('biased towards real framing: type bytes followed by mostly high-bit bytes, still safe', () => {
    // Type bytes each followed by 0..10 random bytes with bit 7 set: many complete packages with
    // arbitrary content, plus truncated and overlong ones.
    const framedNoise = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 0x16 }), fc.array(fc.integer({ min: 0x80, max: 0xff }), { maxLength: 10 })), { maxLength: 40 })
      .map((parts) => Uint8Array.from(parts.flatMap(([type, rest]) => [type, ...rest])));
    fc.assert(
      fc.property(framedNoise, cuts, (bytes, cutPoints) => {
        liveFrames(decodeInChunks(bytes, cutPoints)).forEach(expectFrameInRange);
      }),
      runs(10_000),
    );
  });

  it('decodes a clean stream in any chunking to exactly the device pleth sequence', () => {
    fc.assert(
      fc.property(cleanStream, cuts, (packages, cutPoints) => {
        const bytes = concat(packages.map((p) => p.wire));
        const expectedPleth = packages.flatMap((p) => (p.fields ? [p.fields.pleth & 0x7f] : []));
        const clean = liveFrames(decodeInChunks(bytes, []));
        const chunked = decodeInChunks(bytes, cutPoints);
        expect(clean.map((f) => f.pleth)).toEqual(expectedPleth);
        expect(liveFrames(chunked)).toEqual(clean);
        expect(chunked.filter((e) => e.kind === 'discarded')).toEqual([]);
      }),
      runs(5_000),
    );
  });

  it('round-trips every field of a packed real-time package', () => {
    fc.assert(
      fc.property(rawLiveFields, (fields) => {
        const [frame] = liveFrames(decodeInChunks(liveWire(fields), []));
        expect(frame).toBeDefined();
        expect(frame!.pleth).toBe(fields.pleth & 0x7f);
        expect(frame!.searching).toBe(fields.pleth >= 0x80);
        expect(frame!.probeError).toBe(fields.status >= 0x80);
        expect(frame!.bargraph).toBe(fields.bargraph & 0x0f);
        expect(frame!.spo2).toBe(fields.spo2 >= 1 && fields.spo2 <= 100 ? fields.spo2 : null);
        expect(frame!.pulseRate).toBe(fields.pulse >= 1 && fields.pulse <= 254 ? fields.pulse : null);
        const piValid = (fields.bargraph & 0x10) === 0 && fields.piHundredths >= 1 && fields.piHundredths <= 2200;
        expect(frame!.perfusionIndex).toBe(piValid ? fields.piHundredths / 100 : null);
      }),
      runs(5_000),
    );
  });

  it('keeps every real package when garbage is inserted between packages', () => {
    const garbage = fc.uint8Array({ maxLength: 20 });
    fc.assert(
      fc.property(fc.array(fc.tuple(rawLiveFields, garbage), { maxLength: 40 }), cuts, (items, cutPoints) => {
        const bytes = concat(items.flatMap(([fields, noise]) => [noise, liveWire(fields)]));
        const decoded = liveFrames(decodeInChunks(bytes, cutPoints)).map((f) => f.pleth);
        // Garbage can form packages of its own, but never destroys a real one that follows it.
        const expected = items.map(([fields]) => fields.pleth & 0x7f);
        expect(isSubsequence(expected, decoded)).toBe(true);
        const highBitOnly = concat(items.flatMap(([fields, noise]) => [noise.map((b) => b | 0x80), liveWire(fields)]));
        expect(liveFrames(decodeInChunks(highBitOnly, cutPoints)).map((f) => f.pleth)).toEqual(expected);
      }),
      runs(5_000),
    );
  });

  it('live outputs from any decoded stream: valid values only, pleth complete and in order', () => {
    fc.assert(
      fc.property(fc.array(rawLiveFields, { maxLength: 120 }), fc.uint8Array({ maxLength: 100 }), cuts, (fieldsList, noise, cutPoints) => {
        const readings = new Cms50LiveReadings();
        const bytes = concat([noise, ...fieldsList.map(liveWire)]);
        const frames = liveFrames(decodeInChunks(bytes, cutPoints));
        const outputs = frames.flatMap((frame, index) => readings.accept(frame, index * (1000 / 60)) ?? []);
        outputs.push(...readings.flush());
        expectOutputsValid(outputs);
        const pleth = outputs.flatMap((o) => (o.type === 'waveform' ? o.samples : []));
        expect(pleth).toEqual(frames.map((f) => f.pleth));
      }),
      runs(3_000),
    );
  });
});

function isSubsequence(needle: readonly number[], haystack: readonly number[]): boolean {
  let at = 0;
  for (const value of haystack) if (at < needle.length && value === needle[at]) at++;
  return at === needle.length;
}
