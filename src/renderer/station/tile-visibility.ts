/**
 * Which numerics the monitor shows, and where: a tile appears for a parameter that a connected or
 * configured device measures, that has a value in this encounter, or that the station always shows
 * (settings `display.alwaysShowMetrics`); nothing else takes a tile, so no "No reading yet" stays
 * on screen for a parameter nothing measures. Once shown, a tile keeps its place: parameters that
 * appear later (a device plugged in) are placed after every tile already shown, so nothing moves.
 */
import type { DeviceInfo } from '../../shared/contract';
import { isBloodPressurePart } from '../../shared/blood-pressure';
import { METRICS, type Metric } from '../../shared/vitals';

/** The blood pressure's parts share one tile group; `summary` is the NEWS2 summary beside the tiles. */
export type TileSlot = Metric | 'bloodPressure' | 'summary';

/** The order a monitor starts in: SpO₂ and pulse first, the blood pressure group, then the catalogue's order. */
const FIRST: readonly TileSlot[] = ['spo2', 'pulseRate', 'bloodPressure'];
const CANONICAL_SLOTS: readonly TileSlot[] = [...FIRST, ...METRICS.filter((metric) => !FIRST.includes(metric) && !isBloodPressurePart(metric))];

export interface MeasurableInputs {
  /** The station's device list: connected, and configured ones it still lists while unplugged. */
  devices: readonly Pick<DeviceInfo, 'metrics'>[];
  /** Parameters with a value in this encounter. */
  withValue: Iterable<Metric>;
  /** The station's setting: parameters shown whether or not anything measures them. */
  alwaysShow: Iterable<Metric>;
}

/** The parameters that get a tile. */
export function measurableMetrics({ devices, withValue, alwaysShow }: MeasurableInputs): Set<Metric> {
  return new Set([...devices.flatMap((device) => device.metrics), ...withValue, ...alwaysShow]);
}

export const slotOf = (metric: Metric): TileSlot => (isBloodPressurePart(metric) ? 'bloodPressure' : metric);

/** The monitor's tile order for one screen, stable while it lives (see the file comment). */
export class TileLayout {
  #order: TileSlot[] | null = null;

  arrange(shown: ReadonlySet<Metric>): readonly TileSlot[] {
    const slots = new Set([...shown].map(slotOf));
    // Nothing known yet (the snapshot is on its way): nothing is placed for good.
    if (slots.size === 0 && this.#order === null) return ['summary'];
    const kept = (this.#order ?? []).filter((slot) => slot === 'summary' || slots.has(slot));
    const added = CANONICAL_SLOTS.filter((slot) => slots.has(slot) && !kept.includes(slot));
    // The first arrangement puts the summary after the tiles shown from the start, so later ones go after it and it never moves.
    this.#order = this.#order === null ? [...added, 'summary'] : [...kept, ...added];
    return this.#order;
  }
}
