/**
 * The Contour Next session capture, replayed strictly through the real driver. It is ASSEMBLED,
 * not a live recording: its header frame is real (glucometerutils' Contour USB test data), the
 * other records come from the Bayer specification, framed into 64-byte HID reports by hand (see
 * the capture's own header). It proves the driver against the published framing, not against a
 * meter.
 */
import { describe, expect, it } from 'vitest';
import { expectation, readCapture, replayFile } from './replay-helpers';

const NAME = 'contour-next-session.cap';

describe(`Contour Next assembled session ${NAME}`, () => {
  it('is marked as assembled in its own header', () => {
    expect(readCapture(NAME).header.source).toMatch(/^assembled \(not a live capture\)/);
  });

  it('replays strictly: one patient reading with its markers, the E\\D result excluded as control, meter identity and clock', async () => {
    const line = expectation(NAME);
    expect(line).toContain('glucose=113 mg/dL time=2006-11-08T10:13 (record 1, whole blood, marker A post-meal)');
    expect(line).toContain('excluded control-solution time=2006-12-12T11:08');
    expect(line).toContain('header product Bayer7390 serial 7390-2336773 meter time 2019-09-22T13:04');
    const replay = await replayFile(NAME, { strict: true });
    expect(replay.mismatches).toEqual([]);
    expect(replay.observations).toEqual([
      { type: 'observation', metric: 'glucose', value: 113, unit: 'mg/dL', time: '2006-11-08T10:13', measurement: 0, glucose: { specimen: 'whole-blood', meal: 'after-meal' } },
    ]);
    expect(replay.outputs.filter((o) => o.type === 'excluded-result')).toEqual([{ type: 'excluded-result', metric: 'glucose', reason: 'control-solution', time: '2006-12-12T11:08' }]);
    expect(replay.statuses).toEqual([{ type: 'status', condition: 'ok', detail: expect.stringMatching(/^Bayer7390 serial 7390-2336773, meter clock 2019-09-22T13:04, -?\d+ min from the station's$/) }]);
  });
});
