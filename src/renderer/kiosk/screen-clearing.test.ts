import { describe, expect, it } from 'vitest';
import { KIOSK_CLEAR_QUERY } from '../../shared/contract-kiosk';
import { clearPageAndReload, forgetClearingMarker, type ClearablePage } from './screen-clearing';

function fakePage(href: string) {
  const calls: string[] = [];
  const page: ClearablePage = {
    sessionStorage: { clear: () => void calls.push('session storage cleared') },
    localStorage: { clear: () => void calls.push('local storage cleared') },
    location: { href, replace: (to: string | URL) => void calls.push(`replace ${String(to)}`) },
    history: { replaceState: (_data: unknown, _unused: string, to?: string | URL | null) => void calls.push(`address ${String(to)}`) },
  };
  return { page, calls };
}

describe('kiosk screen clearing', () => {
  it('clears both storages before it reloads, keeping the launch token in the address', () => {
    const { page, calls } = fakePage('http://127.0.0.1:4000/?token=abc');
    clearPageAndReload(page);
    expect(calls).toEqual(['session storage cleared', 'local storage cleared', `replace http://127.0.0.1:4000/?token=abc&${KIOSK_CLEAR_QUERY}=1`]);
  });

  it('reloads the desktop app page at its own address', () => {
    const { page, calls } = fakePage('app://station/index.html');
    clearPageAndReload(page);
    expect(calls.at(-1)).toBe(`replace app://station/index.html?${KIOSK_CLEAR_QUERY}=1`);
  });

  it('takes the marker out of the address once the cleared page has loaded, and leaves other addresses alone', () => {
    const cleared = fakePage(`http://127.0.0.1:4000/?token=abc&${KIOSK_CLEAR_QUERY}=1`);
    forgetClearingMarker(cleared.page);
    expect(cleared.calls).toEqual(['address http://127.0.0.1:4000/?token=abc']);
    const plain = fakePage('http://127.0.0.1:4000/?token=abc');
    forgetClearingMarker(plain.page);
    expect(plain.calls).toEqual([]);
  });
});
