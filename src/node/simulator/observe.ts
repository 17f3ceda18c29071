import type { Observation } from '../../shared/readings';
import { METRIC_DEFINITIONS, type Metric } from '../../shared/vitals';

/** A live reading in the metric's display unit (the simulator models everything in those units). */
export function observe(metric: Metric, value: number): Observation {
  return { type: 'observation', metric, value, unit: METRIC_DEFINITIONS[metric].units[0]!, time: null };
}

export const roundTo = (value: number, decimals: number): number => Math.round(value * 10 ** decimals) / 10 ** decimals;
