import { describe, expect, it } from 'vitest';
import { frameChecksum, parseFrame, tokenizeMessage } from './astm-frames';
import { FIXED_FRAMES, NON_VERIFYING_FRAMES, VERIFYING_FRAMES, frameBytes } from './spec-vectors';

describe('ASTM E1381 frames against the Bayer specification vectors (contour-next-spec-frames.md)', () => {
  it.each(VERIFYING_FRAMES)('%s: checksum verifies and the frame parses', (_where, text, end, checksum) => {
    const parsed = parseFrame(frameBytes(text, end, checksum));
    expect(parsed).toEqual({ ok: true, frame: { number: Number(text[0]), text: text.slice(1), final: end === 'ETX' } });
  });

  it.each(FIXED_FRAMES)('%s as printed is rejected, fixed it verifies', (printed, fixed, checksum) => {
    expect(parseFrame(frameBytes(printed, 'ETB', checksum))).toMatchObject({ ok: false, reason: expect.stringMatching(/^checksum/) });
    expect(parseFrame(frameBytes(fixed, 'ETB', checksum))).toMatchObject({ ok: true, frame: { text: fixed.slice(1) } });
  });

  it.each(NON_VERIFYING_FRAMES)('%s: printed checksum %s is rejected, computed is %s', (text, printed, computed) => {
    expect(parseFrame(frameBytes(text, 'ETB', printed))).toEqual({ ok: false, reason: `checksum ${printed} does not match ${computed}` });
  });

  it('sums FN through ETB/ETX, CR included, STX excluded, as two upper-case hex digits', () => {
    expect(frameChecksum(Uint8Array.from([0x32, 0x50, 0x7c, 0x31, 0x0d, 0x17]))).toBe('53');
    expect(frameChecksum(Uint8Array.of(0x01))).toBe('01');
    expect(frameChecksum(Uint8Array.of(0xff, 0xff))).toBe('FE');
  });

  it('rejects lower-case checksum digits, a frame number outside 0-7, a record without its CR, a broken tail or a control character inside', () => {
    const aeFrame = frameBytes('1H|\\^&||-7880|Bayer7150^1.05\\0.00^7150-SAM2193|||||||P|1|200305121635', 'ETB', 'ae');
    expect(parseFrame(aeFrame)).toMatchObject({ ok: false, reason: 'checksum ae does not match AE' });
    const badNumber = frameBytes('8L|1|N', 'ETX', frameChecksum(Uint8Array.from([...'8L|1|N\r'].map((c) => c.charCodeAt(0)).concat(0x03))));
    expect(parseFrame(badNumber)).toMatchObject({ ok: false, reason: 'frame number is not a digit 0-7' });
    const withoutCr = Uint8Array.from([0x02, 0x35, 0x4c, 0x03, 0x38, 0x31, 0x0d, 0x0a]);
    expect(parseFrame(withoutCr)).toMatchObject({ ok: false });
    const good = frameBytes('5L|1|N', 'ETX', '08');
    expect(parseFrame(good.subarray(0, good.length - 1))).toEqual({ ok: false, reason: 'frame tail is not checksum, CR, LF' });
    const badTail = Uint8Array.from(good);
    badTail[badTail.length - 1] = 0x20;
    expect(parseFrame(badTail)).toEqual({ ok: false, reason: 'frame does not end with CR LF' });
    const tab = frameBytes('5L|1\tN', 'ETX', frameChecksum(Uint8Array.from([...'5L|1\tN\r'].map((c) => c.charCodeAt(0)).concat(0x03))));
    expect(parseFrame(tab)).toEqual({ ok: false, reason: 'control character inside the record' });
    expect(parseFrame(Uint8Array.of(0x41))).toEqual({ ok: false, reason: 'frame does not start with STX' });
    expect(parseFrame(Uint8Array.of(0x02, 0x31, 0x41))).toEqual({ ok: false, reason: 'frame has no ETB or ETX' });
  });
});

describe('tokenizeMessage', () => {
  it('splits the first USB message into EOT, the header frame and ENQ, ignoring bytes outside frames', () => {
    const header = frameBytes('1H|\\^&||27719|Bayer7150^1.05\\0.00^7150-0002193|||||||P|1|200302031412', 'ETB', '59');
    const tokens = tokenizeMessage(Uint8Array.from([0x04, 0x20, ...header, 0x41, 0x05]));
    expect(tokens).toEqual([
      { kind: 'control', code: 'EOT' },
      { kind: 'frame', frame: { number: 1, text: 'H|\\^&||27719|Bayer7150^1.05\\0.00^7150-0002193|||||||P|1|200302031412', final: false } },
      { kind: 'control', code: 'ENQ' },
    ]);
  });

  it('reports a damaged frame and goes on with what follows it', () => {
    const damaged = frameBytes('2P|1', 'ETB', '54');
    expect(tokenizeMessage(Uint8Array.from([...damaged, 0x06, 0x15]))).toEqual([
      { kind: 'bad-frame', reason: 'checksum 54 does not match 53' },
      { kind: 'control', code: 'ACK' },
      { kind: 'control', code: 'NAK' },
    ]);
    expect(tokenizeMessage(Uint8Array.of(0x02, 0x32, 0x50))).toEqual([{ kind: 'bad-frame', reason: 'frame has no ETB or ETX' }]);
  });
});
