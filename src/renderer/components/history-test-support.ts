/** Readings for the history tests, as the screen holds them. */
import { stationReading } from '../../shared/contract';
import type { MeasurementSource, Metric, UcumUnit } from '../../shared/vitals';
import type { ReadingEntry } from '../station/station-model';

export const entryOf = (metric: Metric, measuredAt: number, value: number, unit: UcumUnit, source: MeasurementSource, measurementId: string | null = null): ReadingEntry => ({
  reading: { ...stationReading({ source, deviceId: source, metric, value, unit, deviceTime: null, receivedAt: measuredAt, seq: 1 }), measurementId },
  measuredAt,
  continuous: false,
});
