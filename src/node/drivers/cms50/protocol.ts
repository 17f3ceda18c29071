/**
 * Contec pulse-oximeter communication protocol V7 (CMS50D+/E/F): package framing and the host
 * commands the live session needs. Facts from ../../../../shared/docs/device-protocols.md section 1
 * (the V7 document, headrotor/contec_data, MarkMLl/Contec_cms50dplus).
 */

/** Fixed length of every device-to-host package type (V7 Table 2 plus the undocumented sniffed ones). */
export const DEVICE_PACKAGE_LENGTHS: ReadonlyMap<number, number> = new Map([
  [0x01, 9], // real-time data
  [0x02, 9], // reply to A8 (undocumented, ASCII)
  [0x03, 9], // reply to A9 (undocumented)
  [0x04, 9], // device identifier
  [0x05, 9], // user information
  [0x06, 4], // reply to A0 (undocumented)
  [0x07, 8], // storage start date
  [0x08, 8], // storage length
  [0x09, 6], // stored sample with PI
  [0x0a, 4], // number of segments
  [0x0b, 4], // command feedback
  [0x0c, 2], // free feedback: device idle
  [0x0d, 3], // disconnect notice
  [0x0e, 3], // PI identifier
  [0x0f, 8], // stored samples without PI
  [0x10, 3], // number of users
  [0x11, 9], // device notice
  [0x12, 8], // storage start time
  [0x13, 9], // reply to B3 (undocumented)
  [0x14, 9], // reply to B3 (undocumented)
  [0x15, 9], // storage data identifiers of one segment
]);

export const PACKAGE_TYPE = {
  live: 0x01,
  deviceId: 0x04,
  commandFeedback: 0x0b,
  free: 0x0c,
  disconnect: 0x0d,
  piIdentifier: 0x0e,
  storedWithPi: 0x09,
  storedWithoutPi: 0x0f,
  deviceNotice: 0x11,
} as const;

export const COMMAND = {
  startLive: 0xa1,
  stopLive: 0xa2,
  stopStorage: 0xa7,
  askPiSupport: 0xac,
  keepAlive: 0xaf,
} as const;

/** The PC software sends the keep-alive once every 5 s (V7 section 3.4). */
export const KEEP_ALIVE_INTERVAL_MS = 5_000;

/** Real-time packages arrive at 60 per second, one pleth sample each. */
export const LIVE_PACKAGES_PER_SECOND = 60;

export const CONTROL_PACKAGE_TYPE = 0x7d;
const CONTROL_PACKAGE_LENGTH = 9;

/**
 * A parameterless control command (package 0x7D). Command codes are ≥ 0x80, so their bit 7 travels
 * in bit 0 of the high byte; unused parameters are zeros, which read 0x80 once packed.
 */
export function controlCommand(code: number): Uint8Array {
  const data = new Array<number>(CONTROL_PACKAGE_LENGTH - 2).fill(0);
  data[0] = code;
  return packPackage(CONTROL_PACKAGE_TYPE, data);
}

/** Packs data bytes behind a type byte: bit 7 of data byte k moves to bit k−2 of the high byte. */
export function packPackage(type: number, data: readonly number[]): Uint8Array {
  if (type < 0 || type > 0x7f) throw new RangeError(`package type 0x${type.toString(16)} must have bit 7 clear`);
  if (data.length > 7) throw new RangeError('a package carries at most 7 data bytes');
  let high = 0x80;
  const wire = [type, 0];
  data.forEach((byte, index) => {
    if (!Number.isInteger(byte) || byte < 0 || byte > 0xff) throw new RangeError(`data byte ${byte} is not a byte`);
    high |= ((byte >> 7) & 1) << index;
    wire.push(0x80 | (byte & 0x7f));
  });
  wire[1] = high;
  return Uint8Array.from(wire);
}

/** Restores the real data bytes of a complete wire package (type and high byte removed). */
export function unpackData(wire: readonly number[]): number[] {
  const high = wire[1] ?? 0;
  return wire.slice(2).map((byte, index) => (byte & 0x7f) | (((high >> index) & 1) << 7));
}
