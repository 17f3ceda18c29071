/**
 * Response headers every page and API answer of web mode and the consultation server carries,
 * besides its Content Security Policy.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  // Station and clinician addresses carry tokens (query or fragment): never let them leave in a Referer.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(self), microphone=(self), geolocation=(), usb=(), serial=(), hid=()',
  'Cache-Control': 'no-store',
};
