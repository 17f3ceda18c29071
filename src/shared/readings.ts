/**
 * What drivers produce and what travels from the station core to every screen: one vocabulary,
 * matching the NDJSON replay output of ../shared/docs/capture-format.md.
 */
import type { Metric, UcumUnit } from './vitals';

export interface Observation {
  type: 'observation';
  metric: Metric;
  value: number;
  unit: UcumUnit;
  /** The device's own timestamp for stored readings (ISO 8601, no zone when the device has none); null for live ones. */
  time: string | null;
  /**
   * The driver's number for the measurement this value is part of: values sharing it were taken
   * together (a cuff's systolic, diastolic, mean and pulse), however far apart they are emitted.
   * Absent for a value that stands alone (a streaming oximeter's).
   */
  measurement?: number;
  /** Glucose only: how the meter says the sample was taken and marked. */
  glucose?: GlucoseContext;
}

/** What a glucose meter records about a result besides its value (device-protocols.md section 4). */
export interface GlucoseContext {
  /** The meter's reference method for the result; null when the meter names none the station knows. */
  specimen: 'whole-blood' | 'plasma' | 'capillary' | null;
  /** The user's meal marker; null when the result carries none. */
  meal: 'before-meal' | 'after-meal' | null;
}

/**
 * A stored result the device itself marks as no patient value: a control-solution test, or a
 * result beyond the measuring range (HI / LO, whose number is a placeholder). Replays and logs show
 * it; it never becomes a reading.
 */
export interface ExcludedResult {
  type: 'excluded-result';
  metric: Metric;
  reason: 'control-solution' | 'below-range' | 'above-range';
  /** The device's own timestamp, as for stored observations. */
  time: string | null;
}

export interface WaveformChunk {
  type: 'waveform';
  metric: 'pleth' | 'ecg';
  rateHz: number;
  /** The device's own sample values, in device order. */
  samples: number[];
  /** The range the device's raw samples span (a pleth has no physical unit): exports scale by it. */
  scale?: RawScale;
}

/** A device's raw sample range, e.g. the CMS50 pleth's 7 bits, 0..127 (device-protocols.md, package 0x01 byte 3). */
export interface RawScale {
  min: number;
  max: number;
}

/** Device-reported conditions that decide whether its numbers can be trusted right now. */
export const SIGNAL_CONDITIONS = [
  'ok',
  'probe-off',
  'searching',
  'no-finger',
  'weak-signal',
  'motion',
  'over-limit',
  'low-battery',
  // Scales: nothing on the platform, a reading below the tare, a fault or calibration request.
  'zero',
  'under-zero',
  'device-fault',
] as const;
export type SignalCondition = (typeof SIGNAL_CONDITIONS)[number];

export interface DeviceStatus {
  type: 'status';
  condition: SignalCondition;
  detail?: string;
}

/** Everything a driver may emit, in device order. */
export type DriverOutput = Observation | WaveformChunk | DeviceStatus | ExcludedResult;
