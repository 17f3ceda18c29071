import { describe, expect, it } from 'vitest';
import { credentialsFrom, problemOf, problemText } from './sign-in-words';

const T0 = 1_764_000_000_000;

describe('sign-in refusals', () => {
  it('never say which detail was wrong, and say what to do', () => {
    const text = problemText(problemOf({ ok: false, reason: 'invalid-credentials' }, T0), T0);
    expect(text).toBe('The user name, password or authenticator code is not right. Check them and try again.');
  });

  it('send kiosk accounts to the kiosk', () => {
    expect(problemText(problemOf({ ok: false, reason: 'patient-required' }, T0), T0)).toMatch(/^Kiosk accounts are used by the kiosk itself/);
  });

  it('count a throttle down in whole seconds, rounded up, to "try again now"', () => {
    const problem = problemOf({ ok: false, reason: 'throttled', retryAfterMs: 29_200 }, T0);
    expect(problemText(problem, T0)).toBe('Too many failed attempts for this account. Try again in 30 s.');
    expect(problemText(problem, T0 + 1_000)).toBe('Too many failed attempts for this account. Try again in 29 s.');
    expect(problemText(problem, T0 + 29_100)).toBe('Too many failed attempts for this account. Try again in 1 s.');
    expect(problemText(problem, T0 + 29_200)).toBe('You can try again now.');
  });
});

describe('the typed credentials', () => {
  it('go out trimmed, with the spaces an app shows inside the code dropped', () => {
    expect(credentialsFrom({ username: ' nurse1 ', password: ' pass word ', code: '123 456' })).toEqual({ ok: true, credentials: { username: 'nurse1', password: ' pass word ', totp: '123456' } });
  });

  it('are held back, with what to fix, when a field is missing or the code is not 6 digits', () => {
    expect(credentialsFrom({ username: ' ', password: 'x', code: '123456' })).toEqual({ ok: false, text: 'Enter your user name.' });
    expect(credentialsFrom({ username: 'a', password: '', code: '123456' })).toEqual({ ok: false, text: 'Enter your password.' });
    for (const code of ['', '12345', '1234567', '12a456']) {
      expect(credentialsFrom({ username: 'a', password: 'x', code })).toEqual({ ok: false, text: 'Enter the 6-digit code your authenticator app shows now.' });
    }
  });
});
