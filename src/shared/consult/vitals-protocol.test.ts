import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSamples, encodeSamples, WaveformDecodeError } from './waveform-codec';
import {
  MAX_VITALS_MESSAGE_CHARS,
  negotiateVersion,
  parseClinicianMessage,
  parseStationMessage,
  VITALS_PROTOCOL_VERSION,
} from './vitals-protocol';
import { reading } from './test-fixtures';

describe('waveform codec', () => {
  it('delta-encodes 7-bit pleth into Int8 at under half the JSON array size', () => {
    const pleth = Array.from({ length: 60 }, (_, i) => Math.round(60 + 50 * Math.sin(i / 4)));
    const encoded = encodeSamples(pleth);
    expect(encoded.encoding).toBe('delta8');
    expect(decodeSamples(encoded)).toEqual(pleth);
    const jsonChars = JSON.stringify(pleth).length;
    expect(encoded.data.length).toBeLessThan(jsonChars / 2);
  });

  it('uses Int16 deltas for integer signals with large steps and Float32 for fractional ones', () => {
    const ecg = [0, 900, -1_200, 30_000, -2_000];
    expect(encodeSamples(ecg).encoding).toBe('delta16');
    expect(decodeSamples(encodeSamples(ecg))).toEqual(ecg);
    const fractional = [0.25, -1.5, 3.125];
    expect(encodeSamples(fractional).encoding).toBe('f32');
    expect(decodeSamples(encodeSamples(fractional))).toEqual(fractional);
  });

  it('round-trips any integer signal exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20_000, max: 20_000 }), { maxLength: 300 }), (samples) => {
        expect(decodeSamples(encodeSamples(samples))).toEqual(samples);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects data that does not hold the stated number of samples', () => {
    const encoded = encodeSamples([1, 2, 3, 4]);
    expect(() => decodeSamples({ ...encoded, count: 9 })).toThrow(WaveformDecodeError);
    expect(() => decodeSamples({ ...encoded, data: '***' })).toThrow(/not base64/);
    const nan = encodeSamples([0.5, 1.5]);
    const bytes = new Uint8Array(new Float32Array([Number.NaN, 1]).buffer);
    expect(() => decodeSamples({ ...nan, data: btoa(String.fromCharCode(...bytes)) })).toThrow(/non-finite/);
  });
});

describe('vitals protocol messages', () => {
  it('accepts a well-formed item with a full StationReading', () => {
    const result = parseStationMessage(JSON.stringify({ type: 'item', seq: 1, body: { kind: 'readings', readings: [reading(5)] } }));
    expect(result.ok).toBe(true);
  });

  it('rejects a reading whose codes do not belong to its metric', () => {
    const wrong = { ...reading(5), loinc: ['8867-4'] };
    const result = parseStationMessage(JSON.stringify({ type: 'item', seq: 1, body: { kind: 'readings', readings: [wrong] } }));
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/codes of spo2/) });
  });

  it.each([
    ['not text', 42],
    ['not JSON', '{"type":'],
    ['unknown type', JSON.stringify({ type: 'shell', command: 'rm -rf /' })],
    ['oversized', 'x'.repeat(MAX_VITALS_MESSAGE_CHARS + 1)],
    ['chat too long', JSON.stringify({ type: 'chat', id: 'a', text: 'x'.repeat(1_001) })],
    ['empty chat', JSON.stringify({ type: 'chat', id: 'a', text: '' })],
    ['negative ack', JSON.stringify({ type: 'ack', seq: -1 })],
    ['fractional ack', JSON.stringify({ type: 'ack', seq: 1.5 })],
    ['huge id', JSON.stringify({ type: 'request-measurement', requestId: 'x'.repeat(65), deviceId: 'cuff' })],
    ['chunk index beyond count', JSON.stringify({ type: 'snapshot-chunk', snapshotId: 's', takenAt: 1, index: 999, count: 2, data: 'AA==' })],
    ['proto pollution', '{"__proto__":{"type":"ack"},"seq":1}'],
    ['hello without versions', JSON.stringify({ type: 'hello', versions: [], resume: null, sentAt: 1 })],
  ])('rejects a hostile clinician message (%s) with an error', (_label, text) => {
    const result = parseClinicianMessage(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.anything()), (value) => {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        expect(() => parseClinicianMessage(text)).not.toThrow();
        expect(() => parseStationMessage(text)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('negotiates the newest common version and refuses none', () => {
    expect(negotiateVersion([VITALS_PROTOCOL_VERSION, 99])).toBe(VITALS_PROTOCOL_VERSION);
    expect(negotiateVersion([99])).toBeNull();
  });
});
