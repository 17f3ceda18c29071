/**
 * Pulse Oximeter Service values: PLX Spot-check Measurement 0x2A5E and PLX Continuous Measurement
 * 0x2A5F (GATT Specification Supplement sections 3.172 and 3.171; PLXS 1.0 section 3). SpO2 in %,
 * pulse rate in /min, both SFLOAT; the measurement status (16 bits) and device and sensor status
 * (24 bits) say whether the numbers can be trusted.
 */
import { readDateTime } from './date-time';
import type { MedFloat } from './ieee11073';
import { decodeWith, hasFlag, namedFlags, type Decoded, type FieldReader } from './reader';

export interface SpO2PulseRate {
  spo2: MedFloat;
  pulseRate: MedFloat;
}

/** PLX measurement status bits 5..15 (bits 0..4 reserved). */
export interface PlxMeasurementStatus {
  measurementOngoing: boolean;
  earlyEstimatedData: boolean;
  validatedData: boolean;
  fullyQualifiedData: boolean;
  fromMeasurementStorage: boolean;
  demonstrationData: boolean;
  testingData: boolean;
  calibrationOngoing: boolean;
  measurementUnavailable: boolean;
  questionableMeasurement: boolean;
  invalidMeasurement: boolean;
}

/** PLX device and sensor status bits 0..15 (16..23 reserved). */
export interface PlxDeviceSensorStatus {
  extendedDisplayUpdateOngoing: boolean;
  equipmentMalfunction: boolean;
  signalProcessingIrregularity: boolean;
  inadequateSignal: boolean;
  poorSignal: boolean;
  lowPerfusion: boolean;
  erraticSignal: boolean;
  nonpulsatileSignal: boolean;
  questionablePulse: boolean;
  signalAnalysisOngoing: boolean;
  sensorInterference: boolean;
  sensorUnconnectedToUser: boolean;
  unknownSensorConnected: boolean;
  sensorDisplaced: boolean;
  sensorMalfunctioning: boolean;
  sensorDisconnected: boolean;
}

export interface PlxSpotCheck {
  reading: SpO2PulseRate;
  time: string | null;
  measurementStatus: PlxMeasurementStatus | null;
  deviceSensorStatus: PlxDeviceSensorStatus | null;
  /** Pulse amplitude index, %. */
  pulseAmplitudeIndex: MedFloat | null;
  /** Flag bit 4: the device's clock is not set, so its time stamp means nothing. */
  deviceClockNotSet: boolean;
}

export interface PlxContinuous {
  normal: SpO2PulseRate;
  fast: SpO2PulseRate | null;
  slow: SpO2PulseRate | null;
  measurementStatus: PlxMeasurementStatus | null;
  deviceSensorStatus: PlxDeviceSensorStatus | null;
  pulseAmplitudeIndex: MedFloat | null;
}

export function decodePlxSpotCheck(bytes: Uint8Array): Decoded<PlxSpotCheck> {
  return decodeWith(bytes, (reader) => {
    const flags = reader.uint8('flags');
    const reading = readSpO2PulseRate(reader, 'spot-check');
    const stamped = hasFlag(flags, 0x01) ? readDateTime(reader) : null;
    const measurementStatus = hasFlag(flags, 0x02) ? measurementStatusOf(reader.uint16('measurement status')) : null;
    const deviceSensorStatus = hasFlag(flags, 0x04) ? deviceSensorStatusOf(reader.uint24('device and sensor status')) : null;
    const pulseAmplitudeIndex = hasFlag(flags, 0x08) ? reader.sfloat('pulse amplitude index') : null;
    const deviceClockNotSet = hasFlag(flags, 0x10);
    return { reading, time: deviceClockNotSet ? null : stamped, measurementStatus, deviceSensorStatus, pulseAmplitudeIndex, deviceClockNotSet };
  });
}

export function decodePlxContinuous(bytes: Uint8Array): Decoded<PlxContinuous> {
  return decodeWith(bytes, (reader) => {
    const flags = reader.uint8('flags');
    const normal = readSpO2PulseRate(reader, 'normal');
    const fast = hasFlag(flags, 0x01) ? readSpO2PulseRate(reader, 'fast') : null;
    const slow = hasFlag(flags, 0x02) ? readSpO2PulseRate(reader, 'slow') : null;
    const measurementStatus = hasFlag(flags, 0x04) ? measurementStatusOf(reader.uint16('measurement status')) : null;
    const deviceSensorStatus = hasFlag(flags, 0x08) ? deviceSensorStatusOf(reader.uint24('device and sensor status')) : null;
    const pulseAmplitudeIndex = hasFlag(flags, 0x10) ? reader.sfloat('pulse amplitude index') : null;
    return { normal, fast, slow, measurementStatus, deviceSensorStatus, pulseAmplitudeIndex };
  });
}

function readSpO2PulseRate(reader: FieldReader, which: string): SpO2PulseRate {
  return { spo2: reader.sfloat(`${which} SpO2`), pulseRate: reader.sfloat(`${which} pulse rate`) };
}

/** Measurement status bits 5..15, in bit order (bits 0..4 are reserved). */
const MEASUREMENT_STATUS_BITS = [
  'measurementOngoing',
  'earlyEstimatedData',
  'validatedData',
  'fullyQualifiedData',
  'fromMeasurementStorage',
  'demonstrationData',
  'testingData',
  'calibrationOngoing',
  'measurementUnavailable',
  'questionableMeasurement',
  'invalidMeasurement',
] as const satisfies ReadonlyArray<keyof PlxMeasurementStatus>;

/** Device and sensor status bits 0..15, in bit order (16..23 are reserved). */
const DEVICE_SENSOR_STATUS_BITS = [
  'extendedDisplayUpdateOngoing',
  'equipmentMalfunction',
  'signalProcessingIrregularity',
  'inadequateSignal',
  'poorSignal',
  'lowPerfusion',
  'erraticSignal',
  'nonpulsatileSignal',
  'questionablePulse',
  'signalAnalysisOngoing',
  'sensorInterference',
  'sensorUnconnectedToUser',
  'unknownSensorConnected',
  'sensorDisplaced',
  'sensorMalfunctioning',
  'sensorDisconnected',
] as const satisfies ReadonlyArray<keyof PlxDeviceSensorStatus>;

function measurementStatusOf(bits: number): PlxMeasurementStatus {
  return namedFlags(bits >> 5, MEASUREMENT_STATUS_BITS);
}

function deviceSensorStatusOf(bits: number): PlxDeviceSensorStatus {
  return namedFlags(bits, DEVICE_SENSOR_STATUS_BITS);
}
