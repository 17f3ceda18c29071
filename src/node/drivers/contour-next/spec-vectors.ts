/**
 * Tests only: the frame vectors of ../shared/captures/contour-next-spec-frames.md (Bayer Computer
 * Interface Specification P/N 99993952 Rev. C), as the exact frame bytes. Not a capture.
 */

/** Section 1: printed frames whose checksum verifies; [page and section, frame text between STX and CR, ETB/ETX, checksum]. */
export const VERIFYING_FRAMES: readonly (readonly [string, string, 'ETB' | 'ETX', string])[] = [
  ['p.46 6.1.4.1 header 1 (BREEZE)', '1H|\\^&||-15013|Bayer6116^1.08\\0.01^6116-0000096|||||||P|1|200302031432', 'ETB', '7E'],
  ['p.47 6.1.4.1 header 2 (CONTOUR)', '1H|\\^&||27719|Bayer7150^1.05\\0.00^7150-0002193|||||||P|1|200302031412', 'ETB', '59'],
  ['p.48 6.1.4.1 header 5 (ELITE XL)', '1H|\\^&||7580|Bayer3883^1.06\\1.01^3899-3344530|||||||P|1|200302031353', 'ETB', '4A'],
  ['p.88 6.4.5 BREEZE header', '1H|\\^&||8974|Bayer6116^1.08\\0.01^6117-P996411|||||||P|1|200306111939', 'ETB', '72'],
  ['p.90 6.4.6 CONTOUR header', '1H|\\^&||-7880|Bayer7150^1.05\\0.00^7150-SAM2193|||||||P|1|200305121635', 'ETB', 'AE'],
  ['p.94 6.4.8 ELITE XL header', '1H|\\^&||-12397|Bayer3883^1.06\\1.01^3899-3344530|||||||P|1|200306121735', 'ETB', 'B1'],
  ['p.49 6.1.4.2 patient', '2P|1', 'ETB', '53'],
  ['p.50 6.1.4.3 order, blood', '3O|1', 'ETB', '53'],
  ['p.50 6.1.4.3 order, control solution', '5O|2||||||||||Q', 'ETB', '7F'],
  ['p.90 6.4.6 CONTOUR average', '4R|1|^^^GlucoseA|0|mg/dL^P', 'ETB', '89'],
  ['p.92 6.4.7 DEX average 1', '5R|2|^^^GlucoseA1|0|mg/dL^B|360|<', 'ETB', '7B'],
  ['p.92 6.4.7 DEX average 2', '6R|3|^^^GlucoseA2|0|mg/dL^B|720|<', 'ETB', '7E'],
  ['p.92 6.4.7 DEX average 3', '7R|4|^^^GlucoseA3|0|mg/dL^B|1080|<', 'ETB', 'B1'],
  ['p.92 6.4.7 DEX average 4, frame 0 after the wrap', '0R|5|^^^GlucoseA4|0|mg/dL^B|1260|<', 'ETB', 'AC'],
  ['p.94 6.4.8 ELITE XL average', '4R|1|^^^GlucoseA|0|mg/dL^C', 'ETB', '7C'],
  ['p.65 6.1.4.5 terminator', '3L|1|N', 'ETX', '06'],
  ['p.88 6.4.5 terminator', '5L|1|N', 'ETX', '08'],
  ['p.92 6.4.7 terminator after the wrap', '1L|1|N', 'ETX', '04'],
];

/** Section 2: as printed (one character lost in the PDF text) and as fixed; [as printed, fixed, checksum]. */
export const FIXED_FRAMES: readonly (readonly [string, string, string])[] = [
  ['4R|1|^^^GlucoseA|0|mg/dL^P||', '4R|1|^^^GlucoseA|0|mg/dL^P||<', 'BD'],
  ['4R|1|^^^GlucoseA|0|mg/dL^B||', '4R|1|^^^GlucoseA|0|mg/dL^B||<', 'AF'],
  ['4R|1|^^^GlucoseA|0mg/dL^P||<', '4R|1|^^^GlucoseA|0|mg/dL^P||<', 'BD'],
];

/** Section 3: printed frames whose checksum does not verify; [frame text, printed checksum, computed checksum]. */
export const NON_VERIFYING_FRAMES: readonly (readonly [string, string, string])[] = [
  ['1H|\\^&||-16638|Bayer7150^2.04\\0.02^7150A0001001|||||||P|1|200302031412', '2D', '8D'],
  ['1H|\\^&||10876|Bayer3950^3.08\\2.03^3952MA000461|||||||P|1|200302031501', '9A', '95'],
  ['1H|\\^&||8595|Bayer3950^3.08\\1.40^1031CA001259|||||||P|1|200306121101', '62', '58'],
  ['1H|\\^&||8595|Bayer3950^1.27\\1.01^1031CA001259|||||||P|1|199908311945', '62', '7E'],
  ['5R|2|^^^GlucoseA1|0|mg/dL^P|0|<', '89', '20'],
];

/** The bytes of a frame: STX, text, CR, ETB or ETX, checksum, CR, LF. */
export function frameBytes(text: string, end: 'ETB' | 'ETX', checksum: string): Uint8Array {
  return Uint8Array.from([0x02, ...ascii(text), 0x0d, end === 'ETB' ? 0x17 : 0x03, ...ascii(checksum), 0x0d, 0x0a]);
}

function ascii(text: string): number[] {
  return Array.from(text, (character) => character.charCodeAt(0));
}
