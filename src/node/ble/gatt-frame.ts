/**
 * One GATT operation as the bytes a BLE DeviceIo carries: the hub, the recorder and the replay all
 * move opaque byte records, so a BLE device's traffic travels through them as these frames, and
 * the capture format writes each one as `notify|indicate|read|write <service>/<characteristic>
 * <hex>` (docs/capture-format-gatt.md). Layout: op (1 byte), service UUID length and ASCII,
 * characteristic UUID length and ASCII, then the characteristic value.
 */

export const GATT_OPS = ['notify', 'indicate', 'read', 'write'] as const;
export type GattOp = (typeof GATT_OPS)[number];

export interface GattRecord {
  op: GattOp;
  /** Lowercase hex without dashes, 4 digits for a Bluetooth SIG UUID, 32 otherwise (noble's form). */
  service: string;
  characteristic: string;
  value: Uint8Array;
}

const UUID = /^(?:[0-9a-f]{4}|[0-9a-f]{32})$/;
const BASE_UUID_TAIL = '00001000800000805f9b34fb';

/**
 * The canonical form of a UUID as noble and the capture format write it: lowercase, no dashes,
 * and a SIG UUID in the Bluetooth base (0000xxxx-0000-1000-8000-00805f9b34fb) shortened to 4
 * digits. Null for anything else.
 */
export function normaliseUuid(text: string): string | null {
  const bare = text.trim().toLowerCase().replace(/-/g, '').replace(/^0x/, '');
  if (!UUID.test(bare)) return null;
  if (bare.length === 32 && bare.startsWith('0000') && bare.endsWith(BASE_UUID_TAIL)) return bare.slice(4, 8);
  return bare;
}

export function encodeGattFrame(record: GattRecord): Uint8Array {
  const service = ascii(record.service);
  const characteristic = ascii(record.characteristic);
  return Uint8Array.from([GATT_OPS.indexOf(record.op), service.length, ...service, characteristic.length, ...characteristic, ...record.value]);
}

/** Null for bytes that are not a frame (a driver writing something else to a BLE io). */
export function decodeGattFrame(frame: Uint8Array): GattRecord | null {
  const op = GATT_OPS[frame[0] ?? -1];
  const serviceLength = frame[1] ?? 0;
  const characteristicAt = 2 + serviceLength;
  const characteristicLength = frame[characteristicAt] ?? 0;
  const valueAt = characteristicAt + 1 + characteristicLength;
  if (op === undefined || valueAt > frame.length) return null;
  const service = normaliseUuid(text(frame.subarray(2, characteristicAt)));
  const characteristic = normaliseUuid(text(frame.subarray(characteristicAt + 1, valueAt)));
  if (service === null || characteristic === null) return null;
  return { op, service, characteristic, value: frame.slice(valueAt) };
}

function ascii(uuid: string): number[] {
  return Array.from(uuid, (c) => c.charCodeAt(0));
}

function text(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
