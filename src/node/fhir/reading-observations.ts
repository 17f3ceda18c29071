/**
 * Readings in, Observations out, in order: a reading on its own becomes its Observation at once;
 * the parts of a blood-pressure measurement wait for each other, whatever comes between them, and
 * leave as one panel. The measurement id says what belongs together; rows recorded before it was
 * kept fall back to the same device and time.
 */
import type { Observation } from '@medplum/fhirtypes';
import type { StoredReading } from '../records/store';
import { bloodPressurePanel, isBpPart, type BpParts } from './blood-pressure';
import type { ResourceLinks } from './links';
import { readingObservation } from './observations';

export class ReadingObservations {
  readonly #panels = new Map<string, BpParts>();

  constructor(private readonly links: ResourceLinks) {}

  /** The Observations this reading completes (none while it waits for the rest of its panel). */
  add(reading: StoredReading): Observation[] {
    const part = reading.metric;
    if (!isBpPart(part)) return [readingObservation(reading, this.links)];
    const key = reading.measurementId ?? `${reading.deviceId}\u0000${reading.deviceTime ?? reading.receivedAt}`;
    const panel = this.#panels.get(key) ?? {};
    // The same part twice is a second measurement, not part of this panel.
    if (panel[part]) return [bloodPressurePanel({ [part]: reading }, this.links)];
    this.#panels.set(key, { ...panel, [part]: reading });
    return [];
  }

  /** The panels still open. A mean pressure without systolic or diastolic is no panel: it goes out on its own (8478-0). */
  finish(): Observation[] {
    const observations: Observation[] = [];
    for (const parts of this.#panels.values()) {
      if (parts.systolic || parts.diastolic) observations.push(bloodPressurePanel(parts, this.links));
      else if (parts.meanArterialPressure) observations.push(readingObservation(parts.meanArterialPressure, this.links));
    }
    this.#panels.clear();
    return observations;
  }
}
