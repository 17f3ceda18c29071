import { describe, expect, it } from 'vitest';
import { installDecision, type StationActivity } from './update-policy';

const idleKiosk: StationActivity = { kiosk: true, visitInProgress: false, alarmActive: false };
const at = (hour: number, minute = 0) => new Date(2026, 11, 7, hour, minute);

describe('when a downloaded update is installed', () => {
  it('installs on an idle kiosk during its update hour, local time, and at no other hour', () => {
    expect(installDecision(idleKiosk, at(3), 3)).toEqual({ install: 'now' });
    expect(installDecision(idleKiosk, at(3, 59), 3)).toEqual({ install: 'now' });
    expect(installDecision(idleKiosk, at(4), 3)).toEqual({ install: 'later', waitingFor: "the kiosk's update hour (03:00)" });
    expect(installDecision(idleKiosk, at(2, 59), 3)).toMatchObject({ install: 'later' });
    expect(installDecision(idleKiosk, at(23), 23)).toEqual({ install: 'now' });
  });

  it('never restarts a kiosk during a visit or while an alarm is active, even in its update hour', () => {
    expect(installDecision({ ...idleKiosk, visitInProgress: true }, at(3), 3)).toEqual({ install: 'later', waitingFor: 'the visit in progress to end' });
    expect(installDecision({ ...idleKiosk, alarmActive: true }, at(3), 3)).toEqual({ install: 'later', waitingFor: 'the active alarms to end' });
  });

  it('leaves a staff station to install when it is next quit, whatever it is doing', () => {
    for (const visitInProgress of [false, true]) {
      for (const alarmActive of [false, true]) {
        expect(installDecision({ kiosk: false, visitInProgress, alarmActive }, at(3), 3)).toEqual({ install: 'on-quit' });
      }
    }
  });
});
