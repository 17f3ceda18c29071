import { describe, expect, it } from 'vitest';
import { Cms50Decoder, decodePackage, type Cms50Package, type DecoderEvent, type LiveFrame } from './decoder';
import { controlCommand, packPackage } from './protocol';
import { goodFrame, hex, liveWire } from './test-bytes';

const decodeAll = (...chunks: Uint8Array[]): DecoderEvent[] => {
  const decoder = new Cms50Decoder();
  return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.finish()];
};
const packages = (events: DecoderEvent[]): Cms50Package[] => events.flatMap((event) => (event.kind === 'package' ? [event.package] : []));
const frames = (events: DecoderEvent[]): LiveFrame[] => packages(events).flatMap((pkg) => (pkg.kind === 'live' ? [pkg.frame] : []));
const discards = (events: DecoderEvent[]) => events.flatMap((event) => (event.kind === 'discarded' ? [{ reason: event.reason, bytes: event.bytes }] : []));
const onlyFrame = (wire: Uint8Array): LiveFrame => {
  const decoded = frames(decodeAll(wire));
  expect(decoded).toHaveLength(1);
  return decoded[0]!;
};

// The in records of shared/captures/cms50dplus-live-sniff.cap, in file order.
const LIVE_SNIFF_IN = [
  '0c 80',
  '0c 80',
  '06 80 80 87',
  '11 80 81 81 80 80 80 80 80',
  '0e 80 81',
  '13 80 a0 a0 a0 a0 a0 a0 a0',
  '14 80 a0 a0 a0 a0 a0 80 80',
  '02 80 80 a0 a0 a0 a0 a0 a0',
  '02 81 ff a0 a0 a0 a0 a0 a0',
  '04 80 f5 f3 e5 f2 a0 a0 a0',
  '03 80 a0 a0 a0 a0 a0 a0 a0',
  '01 e0 85 b3 96 c1 e1 ff ff',
  '01 e0 85 b0 96 c1 e1 ff ff',
  '01 e0 85 ae 95 c1 e1 ff ff',
  '01 e0 85 ac 95 c1 e1 ff ff',
  '01 e0 85 ab 95 c1 e1 ff ff',
  '01 e0 85 aa 95 c1 e1 ff ff',
  '01 e0 85 aa 95 c1 e1 ff ff',
].map(hex);

describe('CMS50 real-time package', () => {
  it('decodes the worked example of the protocol reference', () => {
    expect(onlyFrame(hex('01 E0 85 B3 96 C1 E1 FF FF'))).toEqual(goodFrame());
  });

  it('decodes the MarkMLl frame, whose pulse byte 0xbd is 61', () => {
    expect(onlyFrame(hex('01 e0 85 d5 9a bd e3 ff ff'))).toMatchObject({ signalStrength: 5, pleth: 85, bargraph: 10, pulseRate: 61, spo2: 99, perfusionIndex: null, pulseBeep: false });
  });

  it('reads the beat marker of the titinho CMS50E capture', () => {
    expect(onlyFrame(hex('01 e0 c4 c4 98 bc e3 ff ff'))).toMatchObject({ pulseBeep: true, signalStrength: 4, pleth: 68, bargraph: 8, pulseRate: 60, spo2: 99 });
  });

  it('restores bit 7 from the high byte, so a pulse above 127 is the plain byte value', () => {
    const wire = liveWire({ status: 0x07, pleth: 100, bargraph: 0x03, pulse: 200, spo2: 95, piHundredths: 0x0123 });
    expect(Array.from(wire)).toEqual([0x01, 0x88, 0x87, 0xe4, 0x83, 0xc8, 0xdf, 0xa3, 0x81]);
    expect(onlyFrame(wire)).toMatchObject({ pulseRate: 200, spo2: 95, pleth: 100, perfusionIndex: 2.91, piFlaggedInvalid: false });
  });

  it('turns the invalid markers of a probe-off package into nulls', () => {
    // high byte E9: probe error (bit 7 of byte 2), pulse 0xFF and PI 0xFFFF restored; SpO2 0x7F.
    expect(onlyFrame(hex('01 e9 80 c0 80 ff ff ff ff'))).toMatchObject({ probeError: true, pleth: 0x40, pulseRate: null, spo2: null, perfusionIndex: null });
  });

  it('reads each status flag from its own bit', () => {
    const flags = (status: number) => {
      const frame = onlyFrame(liveWire({ status, pleth: 40, bargraph: 2, pulse: 70, spo2: 96, piHundredths: 300 }));
      return [frame.searchingTooLong, frame.lowSpo2, frame.pulseBeep, frame.probeError];
    };
    expect(flags(0x05)).toEqual([false, false, false, false]);
    expect(flags(0x15)).toEqual([true, false, false, false]);
    expect(flags(0x25)).toEqual([false, true, false, false]);
    expect(flags(0x45)).toEqual([false, false, true, false]);
    expect(flags(0x85)).toEqual([false, false, false, true]);
  });

  it('flags searching from bit 7 of the pleth byte and keeps the sample', () => {
    expect(onlyFrame(liveWire({ status: 0x10, pleth: 0x80 | 33, bargraph: 0x10, pulse: 0xff, spo2: 0x7f, piHundredths: 0xffff }))).toMatchObject({
      searching: true,
      searchingTooLong: true,
      pleth: 33,
      pulseRate: null,
      spo2: null,
    });
  });

  it.each([
    ['SpO2 100', { spo2: 100 }, { spo2: 100 }],
    ['SpO2 101 (out of range)', { spo2: 101 }, { spo2: null }],
    ['SpO2 0', { spo2: 0 }, { spo2: null }],
    ['SpO2 0x7F', { spo2: 0x7f }, { spo2: null }],
    ['pulse 254', { pulse: 254 }, { pulseRate: 254 }],
    ['pulse 0', { pulse: 0 }, { pulseRate: null }],
    ['pulse 0xFF', { pulse: 0xff }, { pulseRate: null }],
    ['PI 22.00', { piHundredths: 2200 }, { perfusionIndex: 22 }],
    ['PI 0.01', { piHundredths: 1 }, { perfusionIndex: 0.01 }],
    ['PI 22.01', { piHundredths: 2201 }, { perfusionIndex: null }],
    ['PI 0.00', { piHundredths: 0 }, { perfusionIndex: null }],
    ['PI 0xFFFF', { piHundredths: 0xffff }, { perfusionIndex: null }],
    ['PI in range but flagged invalid', { piHundredths: 150, bargraph: 0x10 }, { perfusionIndex: null, piFlaggedInvalid: true }],
  ])('applies the valid range to %s', (_name, fields, expected) => {
    const wire = liveWire({ status: 5, pleth: 40, bargraph: 2, pulse: 70, spo2: 96, piHundredths: 300, ...fields });
    expect(onlyFrame(wire)).toMatchObject(expected);
  });

  it('discards a package whose signal strength exceeds 8 as malformed', () => {
    const wire = liveWire({ status: 0x09, pleth: 40, bargraph: 2, pulse: 70, spo2: 96, piHundredths: 300 });
    expect(discards(decodeAll(wire))).toEqual([{ reason: 'malformed', bytes: Array.from(wire) }]);
  });
});

describe('CMS50 stream decoding', () => {
  it('decodes every package of the CMS50D+ live sniff', () => {
    const decoded = packages(decodeAll(...LIVE_SNIFF_IN));
    expect(decoded.map((pkg) => (pkg.kind === 'other' ? `other-${pkg.type}` : pkg.kind))).toEqual([
      'free',
      'free',
      'other-6',
      'device-notice',
      'pi-identifier',
      'other-19',
      'other-20',
      'other-2',
      'other-2',
      'device-id',
      'other-3',
      ...Array<string>(7).fill('live'),
    ]);
    expect(decoded).toContainEqual({ kind: 'device-id', id: 'user   ' });
    expect(decoded).toContainEqual({ kind: 'pi-identifier', piValid: false });
    // Notice type 0x01 (storage identifiers), first info byte 0x01: stored data present.
    expect(decoded).toContainEqual({ kind: 'device-notice', noticeType: 1, info: [1, 0, 0, 0, 0, 0] });
    expect(frames(decodeAll(...LIVE_SNIFF_IN)).map((frame) => frame.pleth)).toEqual([51, 48, 46, 44, 43, 42, 42]);
  });

  it('decodes the same packages whether bytes come one at a time or all at once', () => {
    const whole = Uint8Array.from(LIVE_SNIFF_IN.flatMap((chunk) => Array.from(chunk)));
    const byteWise = Array.from(whole, (byte) => Uint8Array.of(byte));
    expect(decodeAll(...byteWise)).toEqual(decodeAll(whole));
    expect(discards(decodeAll(whole))).toEqual([]);
  });

  it('joins a package split across chunks at any point', () => {
    const wire = hex('01 e0 85 b3 96 c1 e1 ff ff');
    for (let cut = 1; cut < wire.length; cut++) {
      expect(frames(decodeAll(wire.subarray(0, cut), wire.subarray(cut)))).toEqual(frames(decodeAll(wire)));
    }
  });

  it('skips garbage between packages and reports it', () => {
    const events = decodeAll(hex('01 e0 85 b3 96 c1 e1 ff ff'), hex('ff 93 a0'), hex('01 e0 85 b0 96 c1 e1 ff ff'));
    expect(frames(events).map((frame) => frame.pleth)).toEqual([51, 48]);
    expect(discards(events)).toEqual([{ reason: 'stray-bytes', bytes: [0xff, 0x93, 0xa0] }]);
  });

  it('ignores bytes before the first package (joining a stream mid-package)', () => {
    const events = decodeAll(hex('96 c1 e1 ff ff 01 e0 85 b0 96 c1 e1 ff ff'));
    expect(frames(events).map((frame) => frame.pleth)).toEqual([48]);
    expect(discards(events)).toEqual([{ reason: 'stray-bytes', bytes: [0x96, 0xc1, 0xe1, 0xff, 0xff] }]);
  });

  it('drops a truncated package and resynchronises on the next type byte', () => {
    const events = decodeAll(hex('01 e0 85 b3'), hex('01 e0 85 b0 96 c1 e1 ff ff'));
    expect(frames(events).map((frame) => frame.pleth)).toEqual([48]);
    expect(discards(events)).toEqual([{ reason: 'truncated', bytes: [0x01, 0xe0, 0x85, 0xb3] }]);
  });

  it('reports a package still incomplete when the stream ends (the titinho tail)', () => {
    expect(discards(decodeAll(hex('01 e0 84 ac')))).toEqual([{ reason: 'truncated', bytes: [0x01, 0xe0, 0x84, 0xac] }]);
  });

  it('treats a byte with bit 7 clear inside a package as the end of that package', () => {
    const events = decodeAll(hex('01 e0 85 b3 33 c1 e1 ff ff 01 e0 85 b0 96 c1 e1 ff ff'));
    expect(frames(events).map((frame) => frame.pleth)).toEqual([48]);
    expect(discards(events).map((discard) => discard.reason)).toEqual(['truncated', 'unknown-type', 'stray-bytes']);
  });

  it('rejects unknown package types, including host-to-device ones echoed back', () => {
    const events = decodeAll(controlCommand(0xa1), hex('01 e0 85 b0 96 c1 e1 ff ff'));
    expect(discards(events)).toEqual([
      { reason: 'unknown-type', bytes: [0x7d] },
      { reason: 'stray-bytes', bytes: [0x81, 0xa1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80] },
    ]);
    expect(frames(events)).toHaveLength(1);
  });

  it('rejects a PI identifier other than 0x00 or 0x01', () => {
    expect(discards(decodeAll(packPackage(0x0e, [0x05])))).toEqual([{ reason: 'malformed', bytes: [0x0e, 0x80, 0x85] }]);
    expect(packages(decodeAll(packPackage(0x0e, [0x00])))).toEqual([{ kind: 'pi-identifier', piValid: true }]);
  });

  it('decodes feedback and disconnect packages', () => {
    expect(packages(decodeAll(packPackage(0x0b, [0xa1, 0x05]), packPackage(0x0d, [0x01])))).toEqual([
      { kind: 'command-feedback', command: 0xa1, reason: 0x05 },
      { kind: 'disconnect', reason: 0x01 },
    ]);
  });

  it('refuses to decode a package of the wrong length', () => {
    expect(decodePackage([0x01, 0xe0, 0x85])).toBeNull();
    expect(decodePackage([])).toBeNull();
  });
});

describe('CMS50 host commands', () => {
  it('packs a parameterless command as the captures show it', () => {
    expect(Array.from(controlCommand(0xa1))).toEqual(Array.from(hex('7d 81 a1 80 80 80 80 80 80')));
    expect(Array.from(controlCommand(0xaf))).toEqual(Array.from(hex('7d 81 af 80 80 80 80 80 80')));
  });

  it('refuses to pack what the framing cannot carry', () => {
    expect(() => packPackage(0x80, [])).toThrow(RangeError);
    expect(() => packPackage(0x01, [1, 2, 3, 4, 5, 6, 7, 8])).toThrow(RangeError);
    expect(() => packPackage(0x01, [256])).toThrow(RangeError);
  });
});
