/**
 * Per-minute summaries of continuous readings (issue 12, "Volume"): a pulse oximeter gives SpO2,
 * pulse rate and perfusion index about once a second, 86,400 readings a day each. With the sync
 * setting `fhirServer.volume` at 'minute-summaries' the server gets one Observation per device,
 * metric and clock minute (median, with min and max), plus every reading taken during a
 * physiological alarm and every reading a NEWS2 score used; spot measurements go one by one.
 *
 * The outbox holds one 'reading-summary' row per minute instead of one row per reading, whatever
 * the setting: the setting is applied when the row is sent (push.ts), so a change of setting also
 * applies to the backlog, and the thread that records readings needs no settings.
 */
import type { MeasurementSource, Metric, UcumUnit } from '../../shared/vitals';

export const SYNC_VOLUMES = ['minute-summaries', 'all-readings'] as const;
export type SyncVolume = (typeof SYNC_VOLUMES)[number];

export const MINUTE_MS = 60_000;

/**
 * How long after its minute's end a summary falls due. The recorder writes a batch every second,
 * and a reading that arrives after its minute's summary was taken is queued on its own instead
 * (RecordStore.recordReading), so a late reading is never lost; the grace only keeps that rare.
 */
export const SUMMARY_GRACE_MS = 15_000;

/**
 * The kinds of device that monitor continuously, at about one reading a second: an oximeter's
 * SpO2, pulse rate and perfusion index, an ECG's heart rate. Every other source measures on demand
 * (a cuff, a thermometer, a scale, a glucometer): its readings are spot measurements. A reading
 * without a source (recorded before it was kept) counts as a spot measurement, sent on its own.
 */
const CONTINUOUS_SOURCES: ReadonlySet<MeasurementSource> = new Set(['pulse-oximeter', 'ecg']);

/**
 * Summarised: live readings of a continuous source. A reading with the device's own time was
 * downloaded from the device's memory, later and in a burst, so its clock minute is not its
 * arrival's; it goes out on its own like a spot measurement.
 */
export function isContinuous(reading: { source: MeasurementSource | null; deviceTime: string | null }): boolean {
  return reading.source !== null && CONTINUOUS_SOURCES.has(reading.source) && reading.deviceTime === null;
}

/** What names one summary: the patient's readings of one device and metric in one clock minute of one visit. */
export interface SummaryKey {
  patientId: string;
  visitId: string | null;
  deviceId: string;
  metric: Metric;
  /** The minute's start, ms since epoch (UTC, a multiple of 60,000). */
  minuteStart: number;
}

export function minuteStartOf(receivedAt: number): number {
  return Math.floor(receivedAt / MINUTE_MS) * MINUTE_MS;
}

/** When a minute's summary falls due: the minute has closed and its last readings had time to arrive. */
export function summaryDueAt(minuteStart: number): number {
  return minuteStart + MINUTE_MS + SUMMARY_GRACE_MS;
}

/** The outbox record id of a summary (and the name its stable FHIR ids are made from). */
export function summaryRecordId(key: SummaryKey): string {
  return JSON.stringify([key.patientId, key.visitId, key.deviceId, key.metric, key.minuteStart]);
}

/**
 * summaryDueAt in SQL over an outbox row's record_id: "Send now" brings a summary forward no
 * further than this, so a minute still going is never sent as if it were whole.
 */
export const SUMMARY_DUE_AT_SQL = `(json_extract(record_id, '$[4]') + ${MINUTE_MS + SUMMARY_GRACE_MS})`;

export function parseSummaryRecordId(recordId: string): SummaryKey {
  const [patientId, visitId, deviceId, metric, minuteStart] = JSON.parse(recordId) as [string, string | null, string, Metric, number];
  return { patientId, visitId, deviceId, metric, minuteStart };
}

export interface MinuteStatistics {
  median: number;
  min: number;
  max: number;
  count: number;
  unit: UcumUnit;
}

/** Decimal places of a value as the device gave it (97 -> 0, 1.35 -> 2). */
function decimalsOf(value: number): number {
  const text = String(value);
  if (text.includes('e')) return 6;
  return text.split('.')[1]?.length ?? 0;
}

/** Rounds to `decimals` places, a tie to the even neighbour: a run of x.5 medians is not biased upwards. */
function roundHalfEven(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  const scaled = value * scale;
  const floor = Math.floor(scaled);
  const fraction = scaled - floor;
  const tie = Math.abs(fraction - 0.5) < 1e-9;
  const rounded = tie ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(scaled);
  return rounded / scale;
}

/**
 * Median, min and max of one minute's readings. The median of an even count is the mean of the two
 * middle values, given at the resolution of the source (the most decimals its values carry), so
 * a summary never claims more precision than the oximeter has. A continuous metric has one unit
 * (the catalogue's), so the readings of a summary share it.
 */
export function minuteStatistics(readings: readonly { value: number; unit: UcumUnit }[]): MinuteStatistics {
  const first = readings[0];
  if (!first) throw new Error('a minute summary needs at least one reading');
  if (readings.some((reading) => reading.unit !== first.unit)) throw new Error('the readings of a minute summary must share one unit');
  const values = readings.map((reading) => reading.value).sort((a, b) => a - b);
  const middle = Math.floor(values.length / 2);
  const median = values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
  const resolution = Math.max(...values.map(decimalsOf));
  return { median: roundHalfEven(median, resolution), min: values[0]!, max: values[values.length - 1]!, count: values.length, unit: first.unit };
}
