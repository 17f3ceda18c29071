import { describe, expect, it } from 'vitest';
import { enrolmentSecret, groupedForTyping, qrPath, uriWrapSegments } from './totp-enrolment';

const URI = 'otpauth://totp/VitalBridge:nurse1?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=VitalBridge&algorithm=SHA1&digits=6&period=30';

describe('the enrolment key for typing', () => {
  it('is the URI’s base32 secret, grouped in fours', () => {
    expect(enrolmentSecret(URI)).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(groupedForTyping('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    expect(groupedForTyping('ABCDEF')).toBe('ABCD EF');
  });

  it('is absent from anything that is not an otpauth URI with a base32 secret', () => {
    for (const uri of ['', 'not a uri', 'https://example.org/?secret=JBSWY3DP', 'otpauth://totp/x', 'otpauth://totp/x?secret=not-base32!']) {
      expect(enrolmentSecret(uri)).toBeNull();
    }
  });
});

describe('the enrolment QR code', () => {
  it('is a square of whole modules with a 4-module quiet zone and the three finder patterns', () => {
    const { size, path } = qrPath(URI);
    // Version v has 17 + 4v modules a side; 8 more for the quiet zone.
    expect((size - 8 - 17) % 4).toBe(0);
    const dark = new Set(path.match(/M\d+ \d+/g)?.map((move) => move.slice(1)));
    const finderCorners = [
      [4, 4],
      [size - 11, 4],
      [4, size - 11],
    ];
    for (const [x, y] of finderCorners) {
      // A finder's outer ring is dark, the ring inside it light, its 3×3 centre dark.
      expect(dark.has(`${x} ${y}`)).toBe(true);
      expect(dark.has(`${x! + 6} ${y! + 6}`)).toBe(true);
      expect(dark.has(`${x! + 1} ${y! + 1}`)).toBe(false);
      expect(dark.has(`${x! + 3} ${y! + 3}`)).toBe(true);
    }
    for (let i = 0; i < size; i++) {
      expect(dark.has(`${i} 0`)).toBe(false);
      expect(dark.has(`0 ${i}`)).toBe(false);
      expect(dark.has(`${i} 3`)).toBe(false);
    }
  });
});

describe('where the enrolment address may wrap', () => {
  it('is after each separator only, so the label, secret and issuer stay whole', () => {
    const uri = 'otpauth://totp/VitalBridge:nurse.first?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=VitalBridge';
    expect(uriWrapSegments(uri)).toEqual(['otpauth:', '/', '/', 'totp/', 'VitalBridge:', 'nurse.first?', 'secret=', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&', 'issuer=', 'VitalBridge']);
    expect(uriWrapSegments(uri).join('')).toBe(uri);
  });
});
