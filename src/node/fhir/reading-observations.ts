/**
 * Readings in, Observations out, in order: a reading on its own becomes its Observation at once;
 * the parts of a blood-pressure measurement wait for each other, whatever comes between them, and
 * leave as one panel. The measurement id says what belongs together; rows recorded before it was
 * kept fall back to the same device and time.
 */
import type { Observation } from '@medplum/fhirtypes';
import type { StoredReading } from '../records/store';
import { isBloodPressurePart } from '../../shared/blood-pressure';
import { bloodPressurePanel, panelRecordId, type BpParts } from './blood-pressure';
import type { ResourceLinks } from './links';
import { readingObservation } from './observations';

/** The record an Observation is named after: a reading of its own, or the first part of a blood-pressure panel. */
export interface ObservationKey {
  kind: 'reading' | 'bp-panel';
  recordId: number;
}

export class ReadingObservations {
  readonly #panels = new Map<string, BpParts>();

  /** `became`, when given, hears which Observation each reading became as it leaves. */
  constructor(
    private readonly links: ResourceLinks,
    private readonly became?: (readingId: number, key: ObservationKey) => void,
  ) {}

  /** The Observations this reading completes (none while it waits for the rest of its panel). */
  add(reading: StoredReading): (Observation & { id: string })[] {
    const part = reading.metric;
    if (!isBloodPressurePart(part)) return [this.#single(reading)];
    const key = reading.measurementId ?? `${reading.deviceId}\u0000${reading.deviceTime ?? reading.receivedAt}`;
    const panel = this.#panels.get(key) ?? {};
    // The same part twice is a second measurement, not part of this panel.
    if (panel[part]) return [this.#panel({ [part]: reading })];
    this.#panels.set(key, { ...panel, [part]: reading });
    return [];
  }

  /** The panels still open. A mean pressure without systolic or diastolic is no panel: it goes out on its own (8478-0). */
  finish(): (Observation & { id: string })[] {
    const observations: (Observation & { id: string })[] = [];
    for (const parts of this.#panels.values()) {
      if (parts.systolic || parts.diastolic) observations.push(this.#panel(parts));
      else if (parts.meanArterialPressure) observations.push(this.#single(parts.meanArterialPressure));
    }
    this.#panels.clear();
    return observations;
  }

  #single(reading: StoredReading): Observation & { id: string } {
    this.became?.(reading.id, { kind: 'reading', recordId: reading.id });
    return readingObservation(reading, this.links);
  }

  #panel(parts: BpParts): Observation & { id: string } {
    const key: ObservationKey = { kind: 'bp-panel', recordId: panelRecordId(parts) };
    for (const reading of Object.values(parts)) if (reading) this.became?.(reading.id, key);
    return bloodPressurePanel(parts, this.links);
  }
}

/**
 * Which Observation each of `readings` becomes, grouped as an export groups them. Give a blood
 * pressure part together with the other parts of its measurement: the panel is named after the
 * first of them.
 */
export function observationKeys(readings: readonly StoredReading[], links: ResourceLinks): Map<number, ObservationKey> {
  const keys = new Map<number, ObservationKey>();
  const observations = new ReadingObservations(links, (readingId, key) => keys.set(readingId, key));
  for (const reading of [...readings].sort((a, b) => a.receivedAt - b.receivedAt || a.id - b.id)) observations.add(reading);
  observations.finish();
  return keys;
}
