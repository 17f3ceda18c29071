import type { DriverManifest } from '../drivers/driver';
import { createSimulatedLinkDriver } from './link-driver';
import { SIMULATED_DEVICE_IDS, type SimulatedDeviceId } from './scenarios';

type SimulatedManifest = DriverManifest & { id: SimulatedDeviceId; transport: 'simulated' };

const common = { transport: 'simulated', matches: [], create: createSimulatedLinkDriver } as const;

const MANIFESTS: { [Id in SimulatedDeviceId]: SimulatedManifest & { id: Id } } = {
  'sim-oximeter': {
    ...common,
    id: 'sim-oximeter',
    source: 'pulse-oximeter',
    name: 'Simulated pulse oximeter',
    metrics: ['spo2', 'pulseRate', 'perfusionIndex'],
    canRequestMeasurement: false,
  },
  'sim-bp-cuff': {
    ...common,
    id: 'sim-bp-cuff',
    source: 'blood-pressure-cuff',
    name: 'Simulated blood-pressure cuff',
    metrics: ['systolic', 'diastolic', 'meanArterialPressure', 'pulseRate'],
    canRequestMeasurement: true,
  },
  'sim-thermometer': {
    ...common,
    id: 'sim-thermometer',
    source: 'thermometer',
    name: 'Simulated thermometer',
    metrics: ['bodyTemperature'],
    canRequestMeasurement: true,
  },
  'sim-scale': {
    ...common,
    id: 'sim-scale',
    source: 'scale',
    name: 'Simulated scale',
    metrics: ['bodyWeight'],
    canRequestMeasurement: true,
  },
  'sim-glucose': {
    ...common,
    id: 'sim-glucose',
    source: 'glucometer',
    name: 'Simulated glucose meter',
    metrics: ['glucose'],
    canRequestMeasurement: true,
  },
};

/** Driver manifests for the simulated peripherals, for the hub's driver list next to the hardware ones. */
export const simulatedManifests: readonly SimulatedManifest[] = SIMULATED_DEVICE_IDS.map((id) => MANIFESTS[id]);

export const simulatedManifest = (id: SimulatedDeviceId): SimulatedManifest => MANIFESTS[id];
