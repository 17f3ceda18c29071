/**
 * When a reading was measured, in station time: a stored reading (a meter or cuff download) carries
 * its device's clock and may be hours old when it arrives; a live one was measured on arrival.
 * The screen and the alarm engine both judge a value's age by this, never by its arrival alone.
 */
import type { StationReading } from './contract';

/** Station time the value was measured: the device's own time for stored readings, if earlier than its arrival. */
export function measuredAtOf(reading: Pick<StationReading, 'deviceTime' | 'receivedAt'>): number {
  const deviceTime = reading.deviceTime === null ? null : parseDeviceTime(reading.deviceTime);
  return deviceTime === null ? reading.receivedAt : Math.min(deviceTime, reading.receivedAt);
}

/**
 * Parses a device timestamp (ISO 8601, zone-less ones being the device's local time) to epoch ms,
 * or null when it is not a usable date.
 */
export function parseDeviceTime(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) return null;
  const millis = Date.parse(text.replace(' ', 'T'));
  return Number.isFinite(millis) ? millis : null;
}
