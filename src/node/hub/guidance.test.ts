import { describe, expect, it } from 'vitest';
import { SIGNAL_CONDITIONS } from '../../shared/readings';
import { conditionGuidance, openFailureGuidance } from './guidance';

const errno = (message: string, code: string) => Object.assign(new Error(message), { code });
const UDEV = 'Install the VitalBridge udev rule (resources/udev/60-vitalbridge.rules) and re-plug the device';

describe('openFailureGuidance', () => {
  it('points Linux permission failures at the udev rule, whichever library reported them', () => {
    expect(openFailureGuidance(errno('Error: Permission denied, cannot open /dev/ttyUSB0', 'EACCES'), 'linux').action).toBe(UDEV);
    expect(openFailureGuidance(new Error('cannot open device with path /dev/hidraw3'), 'linux').action).toBe(UDEV);
    expect(openFailureGuidance(errno('access denied', 'EACCES'), 'win32').action).toBe('Close the other program using the device, then re-plug the device');
  });

  it('asks to close the other program when the device is busy', () => {
    expect(openFailureGuidance(errno('Error: Resource temporarily unavailable Cannot lock port', 'EAGAIN'), 'linux').action).toBe('Close the other program using the device');
    expect(openFailureGuidance(errno('EBUSY', 'EBUSY'), 'darwin').action).toBe('Close the other program using the device');
  });

  it('asks to plug the device back in when it vanished, and keeps the detail in the reason', () => {
    const guidance = openFailureGuidance(errno('Error: No such file or directory, cannot open /dev/ttyUSB0', 'ENOENT'), 'linux');
    expect(guidance.action).toBe('Plug the device back in');
    expect(guidance.reason).toContain('/dev/ttyUSB0');
  });

  it('keeps reasons within the contract length however long the library message is', () => {
    expect(openFailureGuidance(new Error('x'.repeat(5_000)), 'linux').reason.length).toBeLessThanOrEqual(500);
    expect(openFailureGuidance('not even an Error', 'linux').reason).toContain('not even an Error');
  });
});

describe('conditionGuidance', () => {
  it('gives every device condition but ok a reason and an action', () => {
    for (const condition of SIGNAL_CONDITIONS) {
      const guidance = conditionGuidance(condition);
      if (condition === 'ok') expect(guidance).toBeUndefined();
      else expect(guidance?.action.length).toBeGreaterThan(10);
    }
    expect(conditionGuidance('probe-off')?.action).toBe('Put the finger fully into the oximeter');
  });
});
