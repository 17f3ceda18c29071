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

describe('parseStartArgs --watch-mounts', () => {
  it('takes the folder a watch drive is looked for in, none by default, and refuses an empty one', () => {
    expect(parseStartArgs(['--watch-mounts', '/tmp/mounts'], 'web').watchMounts).toBe('/tmp/mounts');
    expect(parseStartArgs([], 'web')).not.toHaveProperty('watchMounts');
    expect(() => parseStartArgs(['--watch-mounts', ''], 'web')).toThrow(new UsageError('--watch-mounts needs a folder'));
    expect(START_WEB_USAGE).toMatch(/^ {2}--watch-mounts DIR {5}look for a Garmin watch/m);
  });
});
