/**
 * Reading an otpauth:// enrolment URI for the screen: the base32 secret for typing into an
 * authenticator app by hand (grouped in fours, as apps show and ask for it) and the QR code's dark
 * modules as one SVG path.
 */
import { encode } from 'uqr';

/** The secret of an otpauth:// URI, or null when the URI carries none. */
export function enrolmentSecret(uri: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'otpauth:') return null;
  const secret = parsed.searchParams.get('secret')?.replace(/=+$/, '').toUpperCase() ?? '';
  return /^[A-Z2-7]+$/.test(secret) ? secret : null;
}

/** "JBSW Y3DP EHPK 3PXP": easier to read out and type than one long run. */
export function groupedForTyping(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * The URI cut after each of its separators (`/`, `:`, `?`, `&`, `=`), so the screen can let a long
 * line wrap there and never inside the label, the secret or the issuer.
 */
export function uriWrapSegments(uri: string): string[] {
  return uri.split(/(?<=[/:?&=])/);
}

/** The QR spec's quiet zone: four light modules around the code, or scanners miss it. */
const QUIET_ZONE_MODULES = 4;

/** The QR code of `text` (error correction M) as an SVG path of unit squares on a `size` × `size` grid, quiet zone included. */
export function qrPath(text: string): { size: number; path: string } {
  const { data, size } = encode(text, { ecc: 'M', border: QUIET_ZONE_MODULES });
  const squares: string[] = [];
  data.forEach((row, y) => row.forEach((dark, x) => dark && squares.push(`M${x} ${y}h1v1h-1z`)));
  return { size, path: squares.join('') };
}
