/**
 * The Bluetooth SIG health profiles the station speaks: which service a device advertises, which
 * characteristic carries its measurements and how (notify or indicate), whether it needs a bond,
 * and what kind of device it is for the MDC codes (vitals.ts). UUIDs from the Bluetooth SIG
 * Assigned Numbers document (sections 3.4.2 services, 3.8.1 characteristics).
 */
import type { MeasurementSource, Metric } from '../../shared/vitals';

export const UUID = {
  bloodPressureService: '1810',
  bloodPressureMeasurement: '2a35',
  heartRateService: '180d',
  heartRateMeasurement: '2a37',
  healthThermometerService: '1809',
  temperatureMeasurement: '2a1c',
  weightScaleService: '181d',
  weightMeasurement: '2a9d',
  pulseOximeterService: '1822',
  plxSpotCheck: '2a5e',
  plxContinuous: '2a5f',
  glucoseService: '1808',
  glucoseMeasurement: '2a18',
  glucoseContext: '2a34',
  recordAccessControlPoint: '2a52',
  batteryService: '180f',
  batteryLevel: '2a19',
  currentTimeService: '1805',
  currentTime: '2a2b',
  dateTime: '2a08',
} as const;

export interface BleProfile {
  /** Driver id, as in capture headers. */
  id: string;
  name: string;
  service: string;
  /** Measurement characteristics to subscribe to. */
  measurements: readonly string[];
  /**
   * Indications need an encrypted link on devices that keep stored records (BLS section 4.2,
   * WSS section 4.2): the source asks the OS to pair before subscribing.
   */
  bond: boolean;
  source: MeasurementSource;
  metrics: readonly Metric[];
}

export const BLE_PROFILES: readonly BleProfile[] = [
  {
    id: 'ble-blood-pressure',
    name: 'Bluetooth blood-pressure monitor',
    service: UUID.bloodPressureService,
    measurements: [UUID.bloodPressureMeasurement],
    bond: true,
    source: 'blood-pressure-cuff',
    metrics: ['systolic', 'diastolic', 'meanArterialPressure', 'pulseRate'],
  },
  {
    id: 'ble-thermometer',
    name: 'Bluetooth thermometer',
    service: UUID.healthThermometerService,
    measurements: [UUID.temperatureMeasurement],
    bond: false,
    source: 'thermometer',
    metrics: ['bodyTemperature'],
  },
  {
    id: 'ble-weight-scale',
    name: 'Bluetooth scale',
    service: UUID.weightScaleService,
    measurements: [UUID.weightMeasurement],
    bond: true,
    source: 'scale',
    metrics: ['bodyWeight'],
  },
  {
    id: 'ble-pulse-oximeter',
    name: 'Bluetooth pulse oximeter',
    service: UUID.pulseOximeterService,
    measurements: [UUID.plxSpotCheck, UUID.plxContinuous],
    bond: false,
    source: 'pulse-oximeter',
    metrics: ['spo2', 'pulseRate'],
  },
  {
    id: 'ble-heart-rate',
    name: 'Bluetooth heart-rate strap',
    service: UUID.heartRateService,
    measurements: [UUID.heartRateMeasurement],
    bond: false,
    // A chest strap senses the ECG's R waves (HRS section 1): MDC_ECG_HEART_RATE.
    source: 'ecg',
    metrics: ['heartRate'],
  },
];

export function profileById(id: string): BleProfile | undefined {
  return BLE_PROFILES.find((profile) => profile.id === id);
}

/** The profile whose service a device advertises; the first listed wins for a device with several. */
export function profileForServices(serviceUuids: readonly string[]): BleProfile | undefined {
  return BLE_PROFILES.find((profile) => serviceUuids.includes(profile.service));
}
