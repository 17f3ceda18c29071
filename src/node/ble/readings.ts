/**
 * Which decoded GATT values become readings. A value the device marks special (NaN, NRes, ±INF,
 * reserved), one outside the metric's physically possible range, a weight the scale reports as
 * unsuccessful or a heart rate without skin contact never becomes a reading; the measurement
 * status flags travel as device status.
 */
import type { DeviceStatus, DriverOutput, Observation } from '../../shared/readings';
import { toCanonicalUnit } from '../../shared/clinical/units';
import type { Metric, UcumUnit } from '../../shared/vitals';
import type { GattRecord } from './gatt-frame';
import type { MedFloat } from './gatt/ieee11073';
import { decodeBloodPressure, decodeHeartRate, decodeTemperature, decodeWeight, type BloodPressureStatus } from './gatt/measurements';
import { decodePlxContinuous, decodePlxSpotCheck, type PlxDeviceSensorStatus, type PlxMeasurementStatus } from './gatt/plx';
import type { Decoded } from './gatt/reader';
import { UUID } from './profiles';

const OK: DeviceStatus = { type: 'status', condition: 'ok' };

/** 1 kPa in mmHg: 760 mmHg = 101.325 kPa (ISO 80000-4; BLS section 3.1.1.1 allows either unit). */
const MMHG_PER_KPA = 760 / 101.325;

export interface GattOutputs {
  outputs: DriverOutput[];
  /** Why the value could not be read (malformed), for the log. */
  problem?: string;
}

/** What one notification, indication or read of a measurement characteristic means, numbered `measurement`. */
export function gattOutputs(record: GattRecord, measurement: number): GattOutputs {
  switch (record.characteristic) {
    case UUID.bloodPressureMeasurement:
      return fromDecoded(decodeBloodPressure(record.value), (bp) => {
        const pressure = (value: MedFloat): number | null => {
          const number = numberOf(value);
          return number === null || bp.unit === 'mmHg' ? number : Math.round(number * MMHG_PER_KPA);
        };
        const observations = [
          observation('systolic', pressure(bp.systolic), 'mm[Hg]', bp.time, measurement),
          observation('diastolic', pressure(bp.diastolic), 'mm[Hg]', bp.time, measurement),
          observation('meanArterialPressure', pressure(bp.meanArterialPressure), 'mm[Hg]', bp.time, measurement),
          observation('pulseRate', bp.pulseRate === null ? null : numberOf(bp.pulseRate), '/min', bp.time, measurement),
        ];
        return [cuffStatus(bp.status), ...observations.filter(isPresent)];
      });
    case UUID.heartRateMeasurement:
      return fromDecoded(decodeHeartRate(record.value), (hr) => {
        if (hr.sensorContact === 'not-detected') return [{ type: 'status', condition: 'probe-off', detail: 'the strap has no skin contact' }];
        return [OK, ...[observation('heartRate', hr.bpm, '/min', null)].filter(isPresent)];
      });
    case UUID.temperatureMeasurement:
      return fromDecoded(decodeTemperature(record.value), (t) => [OK, ...[observation('bodyTemperature', numberOf(t.temperature), t.unit === 'Cel' ? 'Cel' : '[degF]', t.time, measurement)].filter(isPresent)]);
    case UUID.weightMeasurement:
      return fromDecoded(decodeWeight(record.value), (w) => {
        if (w.weight === null) return [{ type: 'status', condition: 'device-fault', detail: 'the scale reports the measurement as unsuccessful' }];
        return [OK, ...[observation('bodyWeight', w.weight, w.unit === 'kg' ? 'kg' : '[lb_av]', w.time, measurement)].filter(isPresent)];
      });
    case UUID.plxSpotCheck:
      return fromDecoded(decodePlxSpotCheck(record.value), (spot) => plxOutputs(spot.reading, spot.measurementStatus, spot.deviceSensorStatus, spot.time, measurement));
    case UUID.plxContinuous:
      return fromDecoded(decodePlxContinuous(record.value), (continuous) => plxOutputs(continuous.normal, continuous.measurementStatus, continuous.deviceSensorStatus, null, undefined));
    default:
      return { outputs: [] };
  }
}

function plxOutputs(
  reading: { spo2: MedFloat; pulseRate: MedFloat },
  status: PlxMeasurementStatus | null,
  sensor: PlxDeviceSensorStatus | null,
  time: string | null,
  measurement: number | undefined,
): DriverOutput[] {
  if (sensor?.sensorDisconnected || sensor?.sensorUnconnectedToUser) return [{ type: 'status', condition: 'probe-off' }];
  // PLXS section 3.1.1.3: such values are not measurements of the patient.
  if (status?.invalidMeasurement || status?.measurementUnavailable || status?.demonstrationData || status?.testingData || status?.calibrationOngoing) {
    return [{ type: 'status', condition: 'searching', detail: 'the oximeter marks the value as not a valid measurement' }];
  }
  const weak = sensor !== null && (sensor.poorSignal || sensor.inadequateSignal || sensor.lowPerfusion);
  return [
    { type: 'status', condition: weak ? 'weak-signal' : 'ok' },
    ...[observation('spo2', numberOf(reading.spo2), '%', time, measurement), observation('pulseRate', numberOf(reading.pulseRate), '/min', time, measurement)].filter(isPresent),
  ];
}

function fromDecoded<T>(decoded: Decoded<T>, outputs: (value: T) => DriverOutput[]): GattOutputs {
  return decoded.ok ? { outputs: outputs(decoded.value) } : { outputs: [], problem: decoded.reason };
}

function numberOf(value: MedFloat): number | null {
  return value.kind === 'number' ? value.value : null;
}

/** An observation when the value is a possible one for the metric; null otherwise. */
function observation(metric: Metric, value: number | null, unit: UcumUnit, time: string | null, measurement?: number): Observation | null {
  if (value === null || !toCanonicalUnit(metric, value, unit).ok) return null;
  return { type: 'observation', metric, value, unit, time, ...(measurement === undefined ? {} : { measurement }) };
}

/** The cuff's measurement status (BLS section 3.1.1.6) as the device condition shown beside the reading. */
function cuffStatus(status: BloodPressureStatus | null): DeviceStatus {
  if (status === null) return OK;
  const notes = [
    status.bodyMovement && 'body movement',
    status.cuffTooLoose && 'cuff too loose',
    status.irregularPulse && 'irregular pulse',
    status.pulseRateRange === 'above-upper-limit' && 'pulse above the range',
    status.pulseRateRange === 'below-lower-limit' && 'pulse below the range',
    status.improperPosition && 'improper measurement position',
  ].filter((note): note is string => note !== false);
  const condition = status.bodyMovement ? 'motion' : 'ok';
  return notes.length === 0 ? { type: 'status', condition } : { type: 'status', condition, detail: `the cuff reports: ${notes.join(', ')}` };
}

function isPresent<T>(value: T | null): value is T {
  return value !== null;
}
