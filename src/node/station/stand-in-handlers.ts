/**
 * The handlers every contract host must have, answering as a station with no devices and an empty
 * encounter: for hosts without a station behind them (transport tests, benchmarks), which override
 * only what they exercise. The station itself never uses them.
 */
import type { ContractHandlers } from './contract-session';

export function standInHandlers(overrides: Partial<ContractHandlers> = {}, now: () => number = () => 0): ContractHandlers {
  return {
    getSnapshot: () => ({ devices: [], latest: [], now: now() }),
    getEncounterHistory: () => ({ readings: [], next: null }),
    requestMeasurement: () => undefined,
    ...overrides,
  };
}
