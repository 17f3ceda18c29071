/**
 * Stored measurements a BLE device sends again. A blood-pressure monitor or scale sends its stored
 * records on every connection until it has delivered them (BLS section 4.6, WSS section 4.6), and
 * neither profile numbers its records: a record is the same one when it carries the same time
 * stamp and the same values, i.e. the same bytes. Only time-stamped values are remembered; a value
 * without a time stamp is a live measurement and always new. Kept for the life of the station
 * process (glucose meters, which number their records, are asked only for the records after the
 * last sequence number instead: gatt/glucose.ts racpRequest).
 */
import { formatHex } from '../capture/format';
import type { GattRecord } from './gatt-frame';
import { UUID } from './profiles';

/** Characteristics whose flags bit 1 says "time stamp present" (BLS 3.1.1, WSS 3.2.1, HTS 3.1.1). */
const TIME_STAMPED: ReadonlySet<string> = new Set([UUID.bloodPressureMeasurement, UUID.weightMeasurement, UUID.temperatureMeasurement]);
const TIME_STAMP_FLAG = 0x02;
/** Enough for every record any of these devices stores (tens to a few hundred) many times over. */
const MAX_REMEMBERED_PER_DEVICE = 10_000;

export class StoredRecordLedger {
  readonly #seen = new Map<string, Set<string>>();

  /** True when this device already delivered this time-stamped record; remembers it otherwise. */
  isRepeat(deviceKey: string, record: GattRecord): boolean {
    if (!TIME_STAMPED.has(record.characteristic) || ((record.value[0] ?? 0) & TIME_STAMP_FLAG) === 0) return false;
    const identity = `${record.characteristic} ${formatHex(record.value)}`;
    let seen = this.#seen.get(deviceKey);
    if (seen === undefined) {
      seen = new Set();
      this.#seen.set(deviceKey, seen);
    }
    if (seen.has(identity)) return true;
    if (seen.size >= MAX_REMEMBERED_PER_DEVICE) seen.delete(seen.values().next().value ?? '');
    seen.add(identity);
    return false;
  }
}
