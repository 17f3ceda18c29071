import { describe, expect, it } from 'vitest';
import { decodeFitFile, FitFileError } from './fit-file';
import { wearableReadings } from './fit-readings';
import { encodeWatchFile, minutes, TEST_WATCH } from './fit-test-files';

const CET = 3600;
/** 6 Dec 2026, 08:00 in Berlin (UTC+1). */
const morning = new Date('2026-12-06T07:00:00Z');

const readingsOf = (...files: Uint8Array[]) => wearableReadings(files.map(decodeFitFile));

describe('FIT files decoded with @garmin/fitsdk', () => {
  it("names the watch from file_id and takes the file's UTC offset from monitoring_info", () => {
    const file = decodeFitFile(encodeWatchFile(morning, CET, [{ kind: 'heartRate', at: morning, bpm: 61 }]));
    expect(file.device).toEqual({ manufacturer: 'garmin', product: TEST_WATCH.productName, serialNumber: String(TEST_WATCH.serialNumber) });
    expect(file.utcOffsetS).toBe(CET);
  });

  it('places timestamp_16 samples after the last full timestamp, across a 16-bit rollover', () => {
    // The start is 1,165,474,800 FIT s, low 16 bits 48,112: 17 h (61,200 s) later they have wrapped past 65,535.
    const later = new Date(morning.getTime() + 17 * 3600_000);
    const bytes = encodeWatchFile(morning, CET, [
      { kind: 'heartRate', at: morning, bpm: 60 },
      { kind: 'heartRate', at: minutes(morning, 1), bpm: 62, short: true },
      { kind: 'heartRate', at: later, bpm: 64, short: true },
    ]);
    const heart = readingsOf(bytes).filter((reading) => reading.metric === 'pulseRate');
    expect(heart.map((reading) => [reading.value, reading.deviceTime])).toEqual([
      [60, '2026-12-06T08:00:00+01:00'],
      [62, '2026-12-06T08:01:00+01:00'],
      [64, '2026-12-07T01:00:00+01:00'],
    ]);
    expect(heart.map((reading) => reading.at)).toEqual([morning.getTime(), morning.getTime() + 60_000, later.getTime()]);
  });

  it('refuses a truncated file and a file with one byte changed, naming the damage', () => {
    const bytes = encodeWatchFile(morning, CET, [{ kind: 'heartRate', at: morning, bpm: 61 }]);
    expect(() => decodeFitFile(bytes.slice(0, bytes.length - 5))).toThrow(new FitFileError('damaged FIT file: its size or checksum does not match its header (truncated or corrupted)'));
    const flipped = bytes.slice();
    flipped[bytes.length - 6] = flipped[bytes.length - 6]! ^ 0x40;
    expect(() => decodeFitFile(flipped)).toThrow(FitFileError);
    expect(() => decodeFitFile(new TextEncoder().encode('<GarminDevice/>'))).toThrow('not a FIT file');
  });
});

describe('readings from a watch', () => {
  it('totals a day of steps as the sum over activity types of each one\'s last cumulative count', () => {
    const day2 = new Date('2026-12-07T07:00:00Z');
    const readings = readingsOf(
      encodeWatchFile(morning, CET, [
        { kind: 'steps', at: morning, activity: 'walking', steps: 1200 },
        { kind: 'steps', at: minutes(morning, 30), activity: 'running', steps: 3000 },
        { kind: 'steps', at: minutes(morning, 60), activity: 'walking', steps: 2400, short: true },
        { kind: 'steps', at: minutes(morning, 600), activity: 'walking', steps: 5000 },
      ]),
      // The next day's file: its counts started again at midnight and its day is not complete.
      encodeWatchFile(day2, CET, [{ kind: 'steps', at: day2, activity: 'walking', steps: 800 }]),
    );
    const steps = readings.filter((reading) => reading.metric === 'steps');
    // 5000 walking (last of 1200, 2400, 5000) + 3000 running; not 1200+2400+5000+3000, and no total for 7 Dec yet.
    expect(steps).toEqual([{ metric: 'steps', value: 8000, unit: '/d', at: new Date('2026-12-06T22:59:59Z').getTime(), deviceTime: '2026-12-06T23:59:59+01:00', key: 'steps:2026-12-06' }]);
  });

  it('files no step total for a day the files do not reach past', () => {
    const readings = readingsOf(encodeWatchFile(morning, CET, [{ kind: 'steps', at: morning, activity: 'walking', steps: 1200 }]));
    expect(readings.filter((reading) => reading.metric === 'steps')).toEqual([]);
  });

  it('adds up a night of sleep levels into minutes per stage and asleep in all, filed at its end', () => {
    const bed = new Date('2026-12-05T22:30:00Z');
    const levels = [
      ['awake', 0],
      ['light', 10],
      ['deep', 70],
      ['rem', 160],
      ['light', 200],
      ['awake', 470],
      ['unmeasurable', 480],
    ] as const;
    const readings = readingsOf(encodeWatchFile(bed, CET, levels.map(([level, at]) => ({ kind: 'sleepLevel' as const, at: minutes(bed, at), level }))));
    const byMetric = Object.fromEntries(readings.map((reading) => [reading.metric, reading.value]));
    expect(byMetric).toEqual({ lightSleepDuration: 60 + 270, deepSleepDuration: 90, remSleepDuration: 40, sleepDuration: 460 });
    expect(new Set(readings.map((reading) => reading.deviceTime))).toEqual(new Set(['2026-12-06T07:30:00+01:00']));
    expect(readings.every((reading) => reading.unit === 'min')).toBe(true);
  });

  it("takes the overnight RMSSD, the day's resting heart rate and SpO2, but no off-wrist SpO2 and no zero heart rate", () => {
    const readings = readingsOf(
      encodeWatchFile(morning, CET, [
        { kind: 'hrv', at: morning, rmssdMs: 42.5 },
        { kind: 'restingHeartRate', at: morning, bpm: 54 },
        { kind: 'spo2', at: minutes(morning, 1), percent: 95 },
        { kind: 'spo2', at: minutes(morning, 2), percent: 80, mode: 'offWrist' },
        { kind: 'heartRate', at: minutes(morning, 3), bpm: 0 },
      ]),
    );
    expect(readings.map(({ metric, value, unit }) => ({ metric, value, unit }))).toEqual([
      { metric: 'hrvRmssd', value: 42.5, unit: 'ms' },
      { metric: 'restingHeartRate', value: 54, unit: '/min' },
      { metric: 'spo2', value: 95, unit: '%' },
    ]);
  });
});
