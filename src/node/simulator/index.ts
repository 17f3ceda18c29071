export { createSimulator, type Simulator, type SimulatorOptions } from './simulator';
export { SimulatedSource, type OpenedSimulatedDevice } from './source';
export { simulatedManifests } from './manifests';
export { listScenarios, isScenarioName, SCENARIO_NAMES, SIMULATED_DEVICE_IDS, type ScenarioName, type SimulatedDeviceId } from './scenarios';
export { systemClock, ManualClock, type Clock } from './clock';
export { SimulatedLinkError } from './wire';
