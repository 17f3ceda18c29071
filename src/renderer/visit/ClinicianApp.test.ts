import { describe, expect, it } from 'vitest';
import { parseVisitLink } from './ClinicianApp';

describe('visit links', () => {
  it('takes the token from the fragment and the server from the page that serves it', () => {
    expect(parseVisitLink('https://consult.example.org/clinician.html#token=abc.def')).toEqual({ token: 'abc.def', signallingUrl: 'wss://consult.example.org/signal' });
    expect(parseVisitLink('http://127.0.0.1:4100/clinician.html#token=t')).toEqual({ token: 't', signallingUrl: 'ws://127.0.0.1:4100/signal' });
  });

  it('lets only a page the server did not serve (app://) name the server', () => {
    expect(parseVisitLink('app://station/clinician.html#token=t&server=https%3A%2F%2Fconsult.example.org')?.signallingUrl).toBe('wss://consult.example.org/signal');
    expect(parseVisitLink('https://consult.example.org/clinician.html#token=t&server=https%3A%2F%2Fevil.example')?.signallingUrl).toBe('wss://consult.example.org/signal');
    expect(parseVisitLink('app://station/clinician.html#token=t&server=javascript%3Aalert(1)')).toBeNull();
  });

  it('refuses anything that is not a visit link', () => {
    for (const text of ['', 'hello', 'https://consult.example.org/clinician.html', 'app://station/clinician.html#token=t']) expect(parseVisitLink(text)).toBeNull();
  });
});
