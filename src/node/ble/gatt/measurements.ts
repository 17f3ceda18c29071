/**
 * Heart Rate 0x2A37, Blood Pressure 0x2A35, Temperature 0x2A1C and Weight 0x2A9D measurement values
 * (GATT Specification Supplement sections 3.113, 3.31, 3.216 and 3.245; the field layouts match the
 * HRS, BLS, HTS and WSS service specifications). Pure: bytes in, fields out, nothing dropped; which
 * fields become readings is decided in ../readings.ts.
 */
import { readDateTime } from './date-time';
import type { MedFloat } from './ieee11073';
import { decodeWith, hasFlag, type Decoded } from './reader';

export interface HeartRateMeasurement {
  /** Beats per minute (uint8 or uint16 by flag bit 0). */
  bpm: number;
  /** 'unsupported' when the strap does not report skin contact (flag bit 2 clear). */
  sensorContact: 'detected' | 'not-detected' | 'unsupported';
  /** Kilojoules since the last reset, when flag bit 3 is set. */
  energyExpendedKj: number | null;
  /** RR intervals in seconds (sent in 1/1024 s), oldest first. */
  rrIntervalsS: number[];
}

export function decodeHeartRate(bytes: Uint8Array): Decoded<HeartRateMeasurement> {
  return decodeWith(bytes, (reader) => {
    const flags = reader.uint8('flags');
    const bpm = hasFlag(flags, 0x01) ? reader.uint16('heart rate') : reader.uint8('heart rate');
    const sensorContact = !hasFlag(flags, 0x04) ? 'unsupported' : hasFlag(flags, 0x02) ? 'detected' : 'not-detected';
    const energyExpendedKj = hasFlag(flags, 0x08) ? reader.uint16('energy expended') : null;
    const rrIntervalsS: number[] = [];
    if (hasFlag(flags, 0x10)) {
      // The RR field is "one or more" uint16 values filling the rest of the value.
      do rrIntervalsS.push(reader.uint16('RR interval') / 1024);
      while (reader.remaining >= 2);
    }
    return { bpm, sensorContact, energyExpendedKj, rrIntervalsS };
  });
}

export type PulseRateRange = 'within' | 'above-upper-limit' | 'below-lower-limit' | 'reserved';

export interface BloodPressureStatus {
  bodyMovement: boolean;
  cuffTooLoose: boolean;
  irregularPulse: boolean;
  pulseRateRange: PulseRateRange;
  improperPosition: boolean;
}

export interface BloodPressureMeasurement {
  unit: 'mmHg' | 'kPa';
  systolic: MedFloat;
  diastolic: MedFloat;
  meanArterialPressure: MedFloat;
  /** Device time of the measurement; null when absent or unknown. */
  time: string | null;
  pulseRate: MedFloat | null;
  /** 0xFF is "unknown user" (BLS section 3.1.1.5); null when absent. */
  userId: number | null;
  status: BloodPressureStatus | null;
}

const PULSE_RATE_RANGES: readonly PulseRateRange[] = ['within', 'above-upper-limit', 'below-lower-limit', 'reserved'];

export function decodeBloodPressure(bytes: Uint8Array): Decoded<BloodPressureMeasurement> {
  return decodeWith(bytes, (reader) => {
    const flags = reader.uint8('flags');
    const systolic = reader.sfloat('systolic');
    const diastolic = reader.sfloat('diastolic');
    const meanArterialPressure = reader.sfloat('mean arterial pressure');
    const time = hasFlag(flags, 0x02) ? readDateTime(reader) : null;
    const pulseRate = hasFlag(flags, 0x04) ? reader.sfloat('pulse rate') : null;
    const userId = hasFlag(flags, 0x08) ? reader.uint8('user id') : null;
    const status = hasFlag(flags, 0x10) ? bloodPressureStatus(reader.uint16('measurement status')) : null;
    return { unit: hasFlag(flags, 0x01) ? 'kPa' : 'mmHg', systolic, diastolic, meanArterialPressure, time, pulseRate, userId, status };
  });
}

function bloodPressureStatus(bits: number): BloodPressureStatus {
  return {
    bodyMovement: hasFlag(bits, 0x01),
    cuffTooLoose: hasFlag(bits, 0x02),
    irregularPulse: hasFlag(bits, 0x04),
    pulseRateRange: PULSE_RATE_RANGES[(bits >> 3) & 0x03] ?? 'reserved',
    improperPosition: hasFlag(bits, 0x20),
  };
}

/** Temperature Type 0x2A1D values (section 3.215). */
export const TEMPERATURE_TYPES = ['reserved', 'armpit', 'body', 'ear', 'finger', 'gastro-intestinal', 'mouth', 'rectum', 'toe', 'tympanum'] as const;
export type TemperatureType = (typeof TEMPERATURE_TYPES)[number];

export interface TemperatureMeasurement {
  unit: 'Cel' | 'degF';
  temperature: MedFloat;
  time: string | null;
  /** null when absent; 'reserved' for a code the spec does not define. */
  type: TemperatureType | null;
}

export function decodeTemperature(bytes: Uint8Array): Decoded<TemperatureMeasurement> {
  return decodeWith(bytes, (reader) => {
    const flags = reader.uint8('flags');
    const temperature = reader.float('temperature');
    const time = hasFlag(flags, 0x02) ? readDateTime(reader) : null;
    const type = hasFlag(flags, 0x04) ? (TEMPERATURE_TYPES[reader.uint8('temperature type')] ?? 'reserved') : null;
    return { unit: hasFlag(flags, 0x01) ? 'degF' : 'Cel', temperature, time, type };
  });
}

export interface WeightMeasurement {
  unit: 'kg' | 'lb';
  /** null when the scale sent 0xFFFF, "Measurement Unsuccessful" (WSS section 3.2.1.2). */
  weight: number | null;
  time: string | null;
  /** 0xFF is "unknown user"; null when absent. */
  userId: number | null;
  bmi: number | null;
  /** Metres (SI) or inches (imperial). */
  height: number | null;
}

const WEIGHT_UNSUCCESSFUL = 0xffff;

export function decodeWeight(bytes: Uint8Array): Decoded<WeightMeasurement> {
  return decodeWith(bytes, (reader) => {
    const flags = reader.uint8('flags');
    const imperial = hasFlag(flags, 0x01);
    const raw = reader.uint16('weight');
    // Resolution 0.005 kg or 0.01 lb; through decimal text so 0.005 × 14000 is exactly 70.
    const weight = raw === WEIGHT_UNSUCCESSFUL ? null : imperial ? Number(`${raw}e-2`) : Number(`${raw * 5}e-3`);
    const time = hasFlag(flags, 0x02) ? readDateTime(reader) : null;
    const userId = hasFlag(flags, 0x04) ? reader.uint8('user id') : null;
    let bmi: number | null = null;
    let height: number | null = null;
    if (hasFlag(flags, 0x08)) {
      bmi = Number(`${reader.uint16('BMI')}e-1`);
      const rawHeight = reader.uint16('height');
      height = imperial ? Number(`${rawHeight}e-1`) : Number(`${rawHeight}e-3`);
    }
    return { unit: imperial ? 'lb' : 'kg', weight, time, userId, bmi, height };
  });
}
