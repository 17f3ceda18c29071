/**
 * What a watch's FIT files say, as readings: each with its metric and UCUM unit (codes from the
 * catalogue, src/shared/vitals.ts), the watch's time with its UTC offset, and a key unique within
 * the watch, so the records can refuse the same reading twice (wearable-records.ts).
 *
 * Sources, all in the FIT profile of @garmin/fitsdk 21.217 (messages and fields named as the SDK
 * names them):
 * - heart rate over the day: monitoring.heartRate (bpm), an optical pulse: metric pulseRate;
 * - resting heart rate: monitoring_hr_data.currentDayRestingHeartRate (the day's own value; its
 *   restingHeartRate is a rolling average and is not imported);
 * - steps: monitoring.steps (the steps sub-field of cycles for walking and running). The watch
 *   counts them cumulatively per activity type since the local midnight (FIT SDK "Monitoring file"
 *   documentation), so a day's total is the sum over its activity types of each one's last count.
 *   Only complete days are filed (a sample after the day's local midnight exists), so a day is
 *   never filed with a partial count and then again;
 * - sleep: sleep_level (unmeasurable, awake, light, deep, rem), each level lasting until the next
 *   message; the last message ends the night. Light, deep and REM add up to the sleep duration;
 * - HRV: hrv_status_summary.lastNightAverage, the overnight average RMSSD in ms;
 * - SpO₂: spo2_data.readingSpo2 (%), except off-wrist readings.
 */
import type { Metric, UcumUnit } from '../../shared/vitals';
import type { FitFile, FitMessage } from './fit-file';

export interface WearableReading {
  metric: Metric;
  value: number;
  unit: UcumUnit;
  /** When it was measured (for a summary: when its span ended), ms since the Unix epoch. */
  at: number;
  /** The same instant as the watch's local time with its offset ("2026-12-06T09:00:00+01:00"), or UTC when the file gives no offset. */
  deviceTime: string;
  /** Unique within the watch: the same key is the same reading, however often the files are read. */
  key: string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** `at` as ISO 8601 in the watch's local time. */
export function localIso(at: number, offsetS: number | null): string {
  if (offsetS === null) return new Date(at).toISOString().replace('.000Z', 'Z');
  const sign = offsetS < 0 ? '-' : '+';
  const abs = Math.abs(Math.round(offsetS / 60));
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${new Date(at + offsetS * 1000).toISOString().slice(0, 19)}${zone}`;
}

const numberField = (message: FitMessage, field: string): number | null => {
  const value = message.fields[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

function reading(metric: Metric, value: number, unit: UcumUnit, at: number, offsetS: number | null, key: string): WearableReading {
  return { metric, value, unit, at, deviceTime: localIso(at, offsetS), key };
}

/** Point samples: one reading per message carrying the field. */
function samples(file: FitFile): WearableReading[] {
  const out: WearableReading[] = [];
  for (const message of file.messages) {
    if (message.at === null) continue;
    const atS = Math.round(message.at / 1000);
    if (message.name === 'monitoring') {
      const bpm = numberField(message, 'heartRate');
      // 0 is "no reading" (watch off the wrist); the SDK already drops the invalid 0xFF.
      if (bpm !== null && bpm > 0) out.push(reading('pulseRate', bpm, '/min', message.at, file.utcOffsetS, `hr:${atS}`));
    } else if (message.name === 'monitoringHrData') {
      const bpm = numberField(message, 'currentDayRestingHeartRate');
      if (bpm !== null && bpm > 0) out.push(reading('restingHeartRate', bpm, '/min', message.at, file.utcOffsetS, `rhr:${atS}`));
    } else if (message.name === 'spo2Data') {
      const percent = numberField(message, 'readingSpo2');
      if (percent !== null && percent > 0 && message.fields.mode !== 'offWrist') out.push(reading('spo2', percent, '%', message.at, file.utcOffsetS, `spo2:${atS}`));
    } else if (message.name === 'hrvStatusSummary') {
      const rmssd = numberField(message, 'lastNightAverage');
      if (rmssd !== null && rmssd > 0) out.push(reading('hrvRmssd', rmssd, 'ms', message.at, file.utcOffsetS, `hrv:${atS}`));
    }
  }
  return out;
}

const SLEEP_METRICS: Partial<Record<string, Metric>> = { light: 'lightSleepDuration', deep: 'deepSleepDuration', rem: 'remSleepDuration' };

/** One night per sleep file: minutes in each stage and asleep in all, filed at the night's end. */
function sleep(file: FitFile): WearableReading[] {
  const levels = file.messages.filter((message) => message.name === 'sleepLevel' && message.at !== null) as (FitMessage & { at: number })[];
  if (levels.length < 2) return [];
  const minutes = new Map<Metric, number>();
  for (let index = 0; index + 1 < levels.length; index += 1) {
    const metric = SLEEP_METRICS[String(levels[index]!.fields.sleepLevel)];
    if (metric) minutes.set(metric, (minutes.get(metric) ?? 0) + (levels[index + 1]!.at - levels[index]!.at) / MINUTE_MS);
  }
  const startS = Math.round(levels[0]!.at / 1000);
  const end = levels[levels.length - 1]!.at;
  const asleep = [...minutes.values()].reduce((sum, value) => sum + value, 0);
  return [
    reading('sleepDuration', Math.round(asleep), 'min', end, file.utcOffsetS, `sleep:${startS}:total`),
    ...[...minutes].map(([metric, value]) => reading(metric, Math.round(value), 'min', end, file.utcOffsetS, `sleep:${startS}:${metric}`)),
  ];
}

interface StepSample {
  at: number;
  offsetS: number;
  activity: string;
  steps: number;
}

/**
 * Daily step totals of complete days, across all monitoring files (a day's samples may be spread
 * over several). A file without a UTC offset cannot place local midnight, so its steps are not filed.
 */
function dailySteps(files: readonly FitFile[]): WearableReading[] {
  const stepSamples: StepSample[] = [];
  for (const file of files) {
    if (file.utcOffsetS === null) continue;
    let activity: string | null = null;
    for (const message of file.messages) {
      if (message.name !== 'monitoring' || message.at === null) continue;
      // A sample without an activity type continues the last one named in the file.
      if (typeof message.fields.activityType === 'string') activity = message.fields.activityType;
      const steps = numberField(message, 'steps');
      if (steps !== null && activity !== null) stepSamples.push({ at: message.at, offsetS: file.utcOffsetS, activity, steps });
    }
  }
  if (stepSamples.length === 0) return [];
  const dayOf = (sample: StepSample) => Math.floor((sample.at + sample.offsetS * 1000) / DAY_MS);
  const newest = Math.max(...stepSamples.map(dayOf));
  const days = new Map<number, { last: Map<string, StepSample>; offsetS: number }>();
  for (const sample of stepSamples) {
    const day = dayOf(sample);
    if (day >= newest) continue; // today, or the newest day the files reach: not complete yet
    const entry = days.get(day) ?? { last: new Map<string, StepSample>(), offsetS: sample.offsetS };
    const previous = entry.last.get(sample.activity);
    if (!previous || sample.at >= previous.at) entry.last.set(sample.activity, sample);
    days.set(day, entry);
  }
  return [...days].map(([day, { last, offsetS }]) => {
    const total = [...last.values()].reduce((sum, sample) => sum + sample.steps, 0);
    // Filed at the day's local end (23:59:59), the end of the 24 hours it counts.
    const end = (day + 1) * DAY_MS - offsetS * 1000 - 1000;
    const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    return reading('steps', total, '/d', end, offsetS, `steps:${date}`);
  });
}

/** Every reading the files hold, in time order. */
export function wearableReadings(files: readonly FitFile[]): WearableReading[] {
  return [...files.flatMap((file) => [...samples(file), ...sleep(file)]), ...dailySteps(files)].sort((a, b) => a.at - b.at || a.key.localeCompare(b.key));
}
