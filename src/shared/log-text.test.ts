import { describe, expect, it } from 'vitest';
import { logError, logText } from './log-text';

describe('logText', () => {
  it('keeps a value on one line: newlines, carriage returns, NEL and line separators are escaped', () => {
    const forged = 'desaturation\n[station] administrator signed in\r\u0085\u2028\u2029';
    const logged = logText(forged);
    expect(logged).not.toMatch(/[\n\r\u0085\u2028\u2029]/);
    expect(logged).toBe('"desaturation\\n[station] administrator signed in\\r\\u0085\\u2028\\u2029"');
  });

  it('quotes the value so its end is visible, and escapes quotes inside it', () => {
    expect(logText('a "b"')).toBe('"a \\"b\\""');
  });

  it('cuts long values', () => {
    expect(logText('x'.repeat(10_000))).toBe(`"${'x'.repeat(500)}…"`);
  });

  it('shows values that are not strings, even one whose toString throws', () => {
    expect(logText(42)).toBe('"42"');
    expect(logText({ toString: () => { throw new Error('no'); } })).toBe('"(a object that cannot be shown)"');
  });
});

describe('logError', () => {
  it('logs an error message escaped', () => {
    expect(logError(new Error('bad\nline'))).toBe('"bad\\nline"');
    expect(logError('thrown text')).toBe('"thrown text"');
  });
});
