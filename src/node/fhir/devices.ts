/**
 * Devices: one per peripheral (what the station knows of it: manufacturer, model, serial number,
 * USB ids, driver and its version; Device.type the IEEE 11073-20601 specialization code of its
 * kind, clinical-references.md section 4) and one for the station itself.
 */
import type { CodeableConcept, Device } from '@medplum/fhirtypes';
import { MDC_SYSTEM, type MeasurementSource } from '../../shared/vitals';
import { watchOfDeviceId } from '../wearables/watch-identity';
import type { StationIds } from './stable-ids';

/** What the station knows of a peripheral; only `deviceId` (the hub's device key) is certain. */
export interface PeripheralRecord {
  deviceId: string;
  source?: MeasurementSource | null;
  manufacturer?: string;
  model?: string;
  serialNumber?: string;
  vendorId?: number;
  productId?: number;
  driverId?: string;
  driverVersion?: string;
}

/** Partition 8 (INFRA) specialization codes, 32-bit; ECG has none among the PHD specializations. */
const SPECIALIZATION: Partial<Record<MeasurementSource, { code: string; display: string }>> = {
  'pulse-oximeter': { code: '528388', display: 'MDC_DEV_SPEC_PROFILE_PULS_OXIM' },
  'blood-pressure-cuff': { code: '528391', display: 'MDC_DEV_SPEC_PROFILE_BPM' },
  thermometer: { code: '528392', display: 'MDC_DEV_SPEC_PROFILE_TEMP' },
  scale: { code: '528399', display: 'MDC_DEV_SPEC_PROFILE_SCALE' },
  glucometer: { code: '528401', display: 'MDC_DEV_SPEC_PROFILE_GLUCOSE' },
};

const SOURCE_TEXT: Record<MeasurementSource, string> = {
  'pulse-oximeter': 'Pulse oximeter',
  'blood-pressure-cuff': 'Blood pressure monitor',
  ecg: 'ECG',
  thermometer: 'Thermometer',
  scale: 'Weighing scale',
  glucometer: 'Blood glucose meter',
  wearable: 'Wearable (smartwatch)',
};

function deviceType(source: MeasurementSource | null | undefined): CodeableConcept | undefined {
  if (!source) return undefined;
  const code = SPECIALIZATION[source];
  return { ...(code ? { coding: [{ system: MDC_SYSTEM, ...code }] } : {}), text: SOURCE_TEXT[source] };
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** A watch's make, model and serial number are spelled out in its device id (../wearables/watch-identity.ts). */
function withWatchIdentity(peripheral: PeripheralRecord): PeripheralRecord {
  const watch = peripheral.source === 'wearable' ? watchOfDeviceId(peripheral.deviceId) : null;
  if (!watch) return peripheral;
  return { manufacturer: watch.manufacturer ?? undefined, model: watch.model ?? undefined, serialNumber: watch.serialNumber, ...peripheral };
}

export function peripheralDevice(known: PeripheralRecord, ids: StationIds): Device & { id: string } {
  const peripheral = withWatchIdentity(known);
  const type = deviceType(peripheral.source);
  const usb = peripheral.vendorId !== undefined && peripheral.productId !== undefined ? `${hex4(peripheral.vendorId)}:${hex4(peripheral.productId)}` : null;
  const properties = [
    ...(usb ? [{ type: { text: 'USB vendor:product id' }, valueCode: [{ text: usb }] }] : []),
  ];
  return {
    resourceType: 'Device',
    id: ids.uuid('device', peripheral.deviceId),
    identifier: [ids.identifier('device', peripheral.deviceId)],
    status: 'active',
    ...(peripheral.manufacturer ? { manufacturer: peripheral.manufacturer } : {}),
    ...(peripheral.serialNumber ? { serialNumber: peripheral.serialNumber } : {}),
    ...(peripheral.model ? { modelNumber: peripheral.model } : {}),
    deviceName: [{ name: peripheral.model ?? peripheral.deviceId, type: peripheral.model ? 'model-name' : 'other' }],
    ...(type ? { type } : {}),
    ...(peripheral.driverId ? { version: [{ type: { text: `driver ${peripheral.driverId}` }, value: peripheral.driverVersion ?? 'unknown' }] } : {}),
    ...(properties.length > 0 ? { property: properties } : {}),
    parent: ids.reference<Device>('Device', 'station', ids.stationId),
  };
}

/** The station: the Device every peripheral hangs off and the agent of every Provenance. */
export function stationDevice(ids: StationIds, softwareVersion: string): Device & { id: string } {
  return {
    resourceType: 'Device',
    id: ids.uuid('station', ids.stationId),
    identifier: [ids.identifier('station', ids.stationId)],
    status: 'active',
    manufacturer: 'VitalBridge (open source)',
    deviceName: [{ name: 'VitalBridge station', type: 'user-friendly-name' }],
    // No MDC code for a telehealth gateway could be verified, so the type is text.
    type: { text: 'Telehealth and monitoring station' },
    version: [{ type: { text: 'software' }, value: softwareVersion }],
  };
}
