import { describe, expect, it } from 'vitest';
import { parseStartArgs, START_WEB_USAGE, UsageError } from './start-options';

describe('parseStartArgs --replay', () => {
  it('collects every --replay in the order given, none by default', () => {
    expect(parseStartArgs(['--replay', 'a.cap', '--simulate', '--replay=b.cap'], 'web').replay).toEqual(['a.cap', 'b.cap']);
    expect(parseStartArgs([], 'web').replay).toEqual([]);
  });

  it('refuses a --replay without a file', () => {
    expect(() => parseStartArgs(['--replay', ''], 'web')).toThrow(UsageError);
    expect(() => parseStartArgs(['--replay'], 'web')).toThrow(UsageError);
  });

  it('documents the flag in --help', () => {
    expect(START_WEB_USAGE).toMatch(/\[--replay FILE\]\.\.\./);
    expect(START_WEB_USAGE).toMatch(/^ {2}--replay FILE {10}attach a device capture/m);
  });
});
