/**
 * What a device's state is called on every screen (station monitor, kiosk, the clinician's page),
 * so the physician reads the same word the nurse sees: "Ready", not the protocol's "idle".
 */
import type { DEVICE_STATES } from './contract';

type DeviceState = (typeof DEVICE_STATES)[number];

const DEVICE_STATE_WORDS: Record<DeviceState, string> = {
  connecting: 'Connecting',
  streaming: 'Streaming',
  measuring: 'Measuring',
  idle: 'Ready',
  'probe-off': 'Probe off',
  disconnected: 'Disconnected',
  error: 'Error',
};

export function deviceStateWords(state: DeviceState): string {
  return DEVICE_STATE_WORDS[state];
}

/** States in which a measurement cannot be started, whoever asks for it. */
const CANNOT_MEASURE: ReadonlySet<DeviceState> = new Set(['connecting', 'measuring', 'disconnected', 'error']);

export function canStartMeasurement(state: DeviceState): boolean {
  return !CANNOT_MEASURE.has(state);
}
