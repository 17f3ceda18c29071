import { describe, expect, it } from 'vitest';
import { clinicianModeFrom } from './clinician-mode';

describe('clinician mode of the desktop app', () => {
  it('opens the clinician page with the link token and its server', () => {
    const mode = clinicianModeFrom(['.', '--clinician', 'https://consult.example.org/clinician.html#token=abc.def']);
    expect(mode?.serverOrigin).toBe('https://consult.example.org');
    const page = new URL(mode!.pageUrl);
    expect(`${page.protocol}//${page.host}${page.pathname}`).toBe('app://station/clinician.html');
    expect(Object.fromEntries(new URLSearchParams(page.hash.slice(1)))).toEqual({ token: 'abc.def', server: 'https://consult.example.org' });
  });

  it('shows the paste screen without a link, and is off without the switch', () => {
    expect(clinicianModeFrom(['.', '--clinician', '--data-dir', '/tmp/x'])).toEqual({ pageUrl: 'app://station/clinician.html', serverOrigin: null });
    expect(clinicianModeFrom(['.', '--simulate'])).toBeNull();
  });

  it.each(['not a link', 'https://consult.example.org/clinician.html', 'file:///etc/passwd#token=x'])('refuses %s', (value) => {
    expect(() => clinicianModeFrom(['--clinician', value])).toThrow(/--clinician needs/);
  });
});
