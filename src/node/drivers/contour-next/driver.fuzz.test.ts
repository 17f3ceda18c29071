/**
 * Property-based fuzzing: whatever the meter (or a broken cable) sends, the driver ends with at
 * most a clear ContourProtocolError, never an exception of another kind, and never reports a
 * glucose the meter did not send as a patient result or one outside the measuring range.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DriverOutput } from '../../../shared/readings';
import type { DeviceIo } from '../driver';
import { ScriptedIo } from '../scripted-io';
import { parseFrame, tokenizeMessage } from './astm-frames';
import { ContourNextDriver } from './driver';
import { FakeContourMeter } from './fake-meter';
import { decodeInputReport } from './hid-reports';
import { ContourProtocolError } from './link';
import { decodeTransfer } from './records';

const HEADER = 'H|\\^&||x|Bayer7410^01.24^7410-1234567|U=0|3||||||1|202405011200';
const RECORDS = [HEADER, 'P|1', 'R|1|^^^Glucose|93|mg/dL^P||B||202404300715', 'R|2|^^^Glucose|110|mg/dL^P||C||202404301000', 'R|3|^^^Glucose|601|mg/dL^P||>||202404301200', 'L|1|N'];

async function run(io: DeviceIo): Promise<{ outputs: DriverOutput[]; error: unknown }> {
  const outputs: DriverOutput[] = [];
  let error: unknown = null;
  try {
    await new ContourNextDriver({ messageTimeoutMs: 100 }, () => 0).run({ io, emit: (o) => outputs.push(o), setActivity: () => {}, signal: new AbortController().signal });
  } catch (caught) {
    error = caught;
  }
  return { outputs, error };
}

const reportArbitrary = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 80 }),
  // Well-prefixed reports with random payloads: these reach the ASTM layer.
  fc.uint8Array({ minLength: 0, maxLength: 60 }).map((payload) => Uint8Array.from([0x41, 0x42, 0x43, payload.length, ...payload, ...new Uint8Array(60 - payload.length)])),
);

describe('Contour driver fuzzing', () => {
  it('random reports: no exception but ContourProtocolError escapes, and no reading comes of them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(reportArbitrary, { nil: null }), { maxLength: 30 }), async (script) => {
        const { outputs, error } = await run(new ScriptedIo(script));
        if (error !== null) expect(error).toBeInstanceOf(ContourProtocolError);
        // Random bytes cannot carry a header and a terminator with valid checksums.
        expect(outputs.filter((o) => o.type === 'observation')).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('a session with bytes flipped: either the exact patient result or nothing, never another value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(8), fc.nat(200), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }), async (flips) => {
        const meter = new FakeContourMeter({
          records: RECORDS,
          tamper: (message, ordinal) => message.map((byte, index) => flips.reduce((b, [o, i, x]) => (o === ordinal && i === index ? b ^ x : b), byte)),
        });
        const { outputs, error } = await run(meter);
        if (error !== null) expect(error).toBeInstanceOf(ContourProtocolError);
        const readings = outputs.filter((o) => o.type === 'observation');
        // A flip a checksum cannot see is possible in principle (two flips cancelling); the parser
        // still refuses any value outside the measuring range.
        for (const reading of readings) expect(reading.value >= 10 && reading.value <= 600).toBe(true);
        if (error === null && flips.every(([ordinal]) => ordinal > 5)) expect(readings.map((r) => r.value)).toEqual([93]);
      }),
      { numRuns: 300 },
    );
  });

  it('the pure decoders never throw on arbitrary input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.string({ maxLength: 80 }), { maxLength: 8 }), (bytes, texts) => {
        decodeInputReport(bytes);
        parseFrame(bytes);
        tokenizeMessage(bytes);
        const transfer = decodeTransfer(texts);
        if (transfer.ok) for (const r of transfer.results) if (r.kind === 'reading') expect(r.value >= 0.6 && r.value <= 600).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
