import type { DriverManifest } from '../drivers/driver';
import { createOximeterDriver } from './oximeter';
import { SIMULATED_DEVICE_IDS, type SimulatedDeviceId } from './scenarios';
import { bloodPressureCuff, createSpotCheckDriver, scale, thermometer } from './spot-check';

type SimulatedManifest = DriverManifest & { id: SimulatedDeviceId; transport: 'simulated' };

const MANIFESTS: { [Id in SimulatedDeviceId]: SimulatedManifest & { id: Id } } = {
  'sim-oximeter': {
    id: 'sim-oximeter',
    name: 'Simulated pulse oximeter',
    transport: 'simulated',
    matches: [],
    metrics: ['spo2', 'pulseRate', 'perfusionIndex'],
    canRequestMeasurement: false,
    create: createOximeterDriver,
  },
  'sim-bp-cuff': {
    id: 'sim-bp-cuff',
    name: 'Simulated blood-pressure cuff',
    transport: 'simulated',
    matches: [],
    metrics: ['systolic', 'diastolic', 'meanArterialPressure', 'pulseRate'],
    canRequestMeasurement: true,
    create: () => createSpotCheckDriver(bloodPressureCuff),
  },
  'sim-thermometer': {
    id: 'sim-thermometer',
    name: 'Simulated thermometer',
    transport: 'simulated',
    matches: [],
    metrics: ['bodyTemperature'],
    canRequestMeasurement: true,
    create: () => createSpotCheckDriver(thermometer),
  },
  'sim-scale': {
    id: 'sim-scale',
    name: 'Simulated scale',
    transport: 'simulated',
    matches: [],
    metrics: ['bodyWeight'],
    canRequestMeasurement: true,
    create: () => createSpotCheckDriver(scale),
  },
};

/** Driver manifests for the simulated peripherals; their drivers run only on a SimulatedSource's devices. */
export const simulatedManifests: readonly SimulatedManifest[] = SIMULATED_DEVICE_IDS.map((id) => MANIFESTS[id]);

export const simulatedManifest = (id: SimulatedDeviceId): SimulatedManifest => MANIFESTS[id];
