import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBoundedJson, structuredValueProblem } from './bounded-json';

const bounds = { maxChars: 64 * 1024, maxDepth: 32 };
const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('parseBoundedJson', () => {
  it('parses JSON within the bounds exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
        const text = JSON.stringify(value);
        expect(parseBoundedJson(text, bounds)).toEqual({ ok: true, value: JSON.parse(text) });
      }),
    );
  });

  it('accepts nesting up to the limit and refuses one level more, before parsing', () => {
    expect(parseBoundedJson(nestedArrays(32), bounds).ok).toBe(true);
    expect(parseBoundedJson(nestedArrays(33), bounds)).toEqual({ ok: false, error: 'message nested deeper than 32 levels' });
    expect(parseBoundedJson(`{"a":${'{"a":'.repeat(40)}1${'}'.repeat(41)}`, bounds).ok).toBe(false);
  });

  it('refuses the 12 KB reproduction and a million unclosed brackets without throwing', () => {
    expect(parseBoundedJson(`{"type":"app","payload":${nestedArrays(6000)}}`, bounds).ok).toBe(false);
    expect(parseBoundedJson('['.repeat(1_000_000), { maxChars: 2_000_000, maxDepth: 32 }).ok).toBe(false);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ text: `${'['.repeat(100)}\\"${'{'.repeat(100)}"` });
    expect(parseBoundedJson(text, bounds)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it('refuses text longer than the limit before scanning it', () => {
    expect(parseBoundedJson(`"${'x'.repeat(100)}"`, { maxChars: 50, maxDepth: 32 })).toEqual({ ok: false, error: 'message of 102 characters exceeds 50' });
  });

  it('refuses malformed text with an error instead of throwing', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(() => parseBoundedJson(text, bounds)).not.toThrow();
      }),
    );
    expect(parseBoundedJson('{"a":', bounds)).toEqual({ ok: false, error: 'message is not JSON' });
  });
});

describe('structuredValueProblem', () => {
  const valueBounds = { maxDepth: 32, maxNodes: 1_000 };
  const deepValue = (depth: number): unknown => {
    let value: unknown = 0;
    for (let level = 0; level < depth; level++) value = [value];
    return value;
  };

  it('accepts ordinary values', () => {
    expect(structuredValueProblem({ username: 'nurse', password: 'x', totp: '123456' }, valueBounds)).toBeNull();
    expect(structuredValueProblem(undefined, valueBounds)).toBeNull();
    expect(structuredValueProblem(deepValue(32), valueBounds)).toBeNull();
  });

  it('refuses values nested too deep, even 100,000 levels, without overflowing', () => {
    expect(structuredValueProblem(deepValue(33), valueBounds)).toBe('value nested deeper than 32 levels');
    expect(structuredValueProblem(deepValue(100_000), valueBounds)).toBe('value nested deeper than 32 levels');
  });

  it('refuses cyclic values (as Electron structured clones them) as too deep', () => {
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(structuredValueProblem(cyclic, valueBounds)).toBe('value nested deeper than 32 levels');
  });

  it('refuses values with more elements than the limit', () => {
    expect(structuredValueProblem(new Array(2_000).fill(1), valueBounds)).toBe('value has more than 1000 elements');
  });
});
