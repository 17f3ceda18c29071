/**
 * A watch as the records name it. Its readings carry a device id that spells out who made it, the
 * model and the serial number, so the FHIR export can describe the Device from the reading alone
 * (src/node/fhir/devices.ts), as it does for every other peripheral.
 */
export interface WatchIdentity {
  manufacturer: string | null;
  model: string | null;
  /** Garmin: the unit id of GarminDevice.xml, the same number as the FIT files' serial_number. */
  serialNumber: string;
}

const PREFIX = 'wearable:';

export function watchDeviceId(watch: WatchIdentity): string {
  return PREFIX + [watch.manufacturer ?? '', watch.model ?? '', watch.serialNumber].map(encodeURIComponent).join(':');
}

/** The watch a device id names; null for any other device id. */
export function watchOfDeviceId(deviceId: string): WatchIdentity | null {
  if (!deviceId.startsWith(PREFIX)) return null;
  const parts = deviceId.slice(PREFIX.length).split(':');
  if (parts.length !== 3) return null;
  try {
    const [manufacturer, model, serialNumber] = parts.map((part) => decodeURIComponent(part)) as [string, string, string];
    return serialNumber === '' ? null : { manufacturer: manufacturer || null, model: model || null, serialNumber };
  } catch {
    return null; // not an id this module wrote (a stray '%')
  }
}
