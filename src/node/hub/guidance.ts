/**
 * Turns what went wrong with a device into a reason and a next step a nurse can act on. The
 * technical detail stays in the reason (support staff ask for it); the action never needs it.
 */
import type { SignalCondition } from '../../shared/readings';

export interface Guidance {
  reason: string;
  action: string;
}

export const UDEV_RULE_PATH = 'resources/udev/60-vitalbridge.rules';

const REASON_MAX_CHARS = 500;

export const UNPLUGGED: Guidance = {
  reason: 'The device was unplugged or switched off',
  action: 'Plug the device back in',
};

const RETRY_ACTION = 'VitalBridge keeps retrying; if this persists, unplug the device, wait five seconds and plug it back in';

/**
 * Why opening failed. node-hid reports a Linux permission problem only as "cannot open device", so
 * that message is read as a permission problem there; serialport passes errno codes through.
 */
export function openFailureGuidance(error: unknown, platform: NodeJS.Platform): Guidance {
  const detail = describeError(error);
  const code = errorCode(error);
  if (code === 'EACCES' || code === 'EPERM' || /permission denied|access denied|access is denied/i.test(detail) || (platform === 'linux' && /cannot open device/i.test(detail))) {
    return platform === 'linux'
      ? {
          reason: clip(`The computer did not allow VitalBridge to open the device (${detail})`),
          action: `Install the VitalBridge udev rule (${UDEV_RULE_PATH}) and re-plug the device`,
        }
      : {
          reason: clip(`The computer refused access to the device (${detail})`),
          action: 'Close the other program using the device, then re-plug the device',
        };
  }
  if (code === 'EBUSY' || /resource busy|device or resource busy|cannot lock port|resource temporarily unavailable/i.test(detail)) {
    return { reason: clip(`Another program is using the device (${detail})`), action: 'Close the other program using the device' };
  }
  if (code === 'ENOENT' || code === 'ENODEV' || /no such file|no such device|not found/i.test(detail)) {
    return { reason: clip(`The device is no longer there (${detail})`), action: UNPLUGGED.action };
  }
  return { reason: clip(`The device could not be opened (${detail})`), action: RETRY_ACTION };
}

export function driverFailureGuidance(driverName: string, error: unknown): Guidance {
  return { reason: clip(`The ${driverName} connection failed (${describeError(error)})`), action: RETRY_ACTION };
}

/** What each device-reported condition means for the person at the station; a new condition must be added here to compile. */
const CONDITION_GUIDANCE: Record<Exclude<SignalCondition, 'ok'>, Guidance> = {
  'probe-off': { reason: 'The finger is not in the oximeter', action: 'Put the finger fully into the oximeter' },
  'no-finger': { reason: 'The oximeter does not detect a finger', action: 'Put the finger fully into the oximeter' },
  searching: { reason: 'The oximeter is searching for a pulse', action: 'Keep the hand still and wait a few seconds' },
  'weak-signal': { reason: 'The pulse signal is too weak to measure', action: 'Warm the hand and reposition the finger in the oximeter' },
  motion: { reason: 'Movement disturbs the measurement', action: 'Keep the hand still and rest the arm' },
  'over-limit': { reason: 'The value is beyond what the device can measure', action: 'Check the device is used as intended, then measure again' },
  'low-battery': { reason: 'The device battery is low', action: 'Replace or charge the device batteries' },
  zero: { reason: 'Nothing is on the scale', action: 'Step onto the scale and stand still' },
  'under-zero': { reason: 'The scale reads below zero', action: 'Step off the scale, wait until it shows zero, then step on again' },
  'device-fault': { reason: 'The device reports a fault or needs calibration', action: 'Switch the device off and on again; if the fault stays, have the device serviced' },
};

/** None for 'ok'. */
export function conditionGuidance(condition: SignalCondition): Guidance | undefined {
  return condition === 'ok' ? undefined : CONDITION_GUIDANCE[condition];
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function clip(text: string): string {
  return text.length <= REASON_MAX_CHARS ? text : `${text.slice(0, REASON_MAX_CHARS - 1)}…`;
}
