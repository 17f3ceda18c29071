/**
 * Every HID POS scale capture in resources/captures, replayed through the driver registry, must
 * reproduce its `# expect:` values. (CMS50 and Omron captures: captures-cms50.test.ts and
 * captures-omron.test.ts.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDriver } from '../src/node/drivers/registry';
import { CAPTURES_DIR, expectation, readCapture, replayFile } from './replay-helpers';

describe('the captures of the supported devices', () => {
  const captures = readdirSync(CAPTURES_DIR).filter((name) => name.endsWith('.cap'));
  const replayTests = readdirSync(import.meta.dirname)
    .filter((name) => /^captures.*\.test\.ts$/.test(name))
    .map((name) => readFileSync(join(import.meta.dirname, name), 'utf8'))
    .join('\n');

  it.each(captures)('%s has a registered driver and a test that replays it against its # expect: line', (name) => {
    const device = readCapture(name).header.device;
    expect(device && findDriver(device), `no driver for ${device}`).toBeTruthy();
    expect(expectation(name)).not.toBe('');
    expect(replayTests).toContain(`'${name}'`);
  });
});

describe('HID POS scale captures', () => {
  const scaleCaptures = readdirSync(CAPTURES_DIR).filter((name) => name.endsWith('.cap') && readCapture(name).header.device === 'hid-pos-scale');

  it('has a registered driver for every scale capture', () => {
    expect(scaleCaptures).toContain('hid-pos-scale-dymo.cap');
    expect(findDriver('hid-pos-scale')?.transport).toBe('hid');
  });

  it('hid-pos-scale-dymo.cap: stale zero report dropped, then 0.2 and 35.6 [oz_av] stable', async () => {
    expect(expectation('hid-pos-scale-dymo.cap')).toContain('report 2 bodyWeight=0.2 [oz_av] stable; report 3 bodyWeight=35.6 [oz_av] stable');
    const replay = await replayFile('hid-pos-scale-dymo.cap', { strict: true });
    expect(replay.outputs).toEqual([
      { type: 'status', condition: 'ok', detail: 'stable' },
      { type: 'observation', metric: 'bodyWeight', value: 0.2, unit: '[oz_av]', time: null },
      { type: 'observation', metric: 'bodyWeight', value: 35.6, unit: '[oz_av]', time: null },
    ]);
    expect(replay.mismatches).toEqual([]);
  });
});
