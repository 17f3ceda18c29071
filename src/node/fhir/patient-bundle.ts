/**
 * A patient's record as a FHIR R4 `collection` Bundle, for the records screen's file export and
 * the `export` CLI verb: the Patient, the station's Device, then each reading's Observation
 * preceded by the first appearance of its visit's Encounter and its peripheral's Device, the
 * blood-pressure panels, and NEWS2. Resource ids are the stable ones of ./stable-ids.ts, so the
 * same record exported twice gives the same ids.
 */
import type { Bundle, BundleEntry, Observation, Resource } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import type { PatientRecord, StoredNews2Charted, StoredNews2Score, StoredReading, Visit } from '../records/store';
import { peripheralDevice, stationDevice } from './devices';
import { encounterResource, visitRecord, type VisitSetting } from './encounter';
import { bundleLinks, type ResourceLinks } from './links';
import { chartedObservation, news2ScoreObservation, type News2InputRefs } from './news2';
import { patientResource } from './patient';
import { observationKeys, ReadingObservations } from './reading-observations';
import { StationIds } from './stable-ids';

/** What an export needs beyond the patient's rows. */
export interface ExportContext {
  stationId: string;
  /** The `records.patientIdentifierSystem` setting. */
  patientIdentifierSystem: string | null;
  /** Where this station's visits take place (`records.careSetting`). */
  careSetting: VisitSetting;
  softwareVersion: string;
  /** The patient's visits (few: read at once). */
  visits: readonly Visit[];
}

export interface News2Rows {
  charted: readonly StoredNews2Charted[];
  scores: readonly StoredNews2Score[];
}

const entryOf = (resource: Resource & { id: string }): BundleEntry => ({ fullUrl: `urn:uuid:${resource.id}`, resource });

/**
 * A patient's bundle, built reading by reading so a long record can be written out a page at a
 * time: `add` gives the entries a reading completes, `finish` the blood-pressure panels still
 * open at the end. Fed every reading in order, it makes exactly the entries of buildPatientBundle.
 */
export class PatientBundleBuilder {
  readonly #ids: StationIds;
  readonly #links: ResourceLinks;
  readonly #observations: ReadingObservations;
  readonly #visits: Map<string, Visit>;
  readonly #written = new Set<string>();

  constructor(
    readonly patient: PatientRecord,
    private readonly context: ExportContext,
  ) {
    this.#ids = new StationIds(context.stationId);
    this.#visits = new Map(context.visits.map((visit) => [visit.id, visit]));
    this.#links = bundleLinks(this.#ids, new Set(this.#visits.keys()));
    this.#observations = new ReadingObservations(this.#links);
  }

  /** The bundle's own fields, everything but the entries. */
  head(now: number): Bundle {
    return { resourceType: 'Bundle', id: randomUUID(), type: 'collection', timestamp: new Date(now).toISOString() };
  }

  /** The Patient and the station's Device, the bundle's first entries. */
  firstEntries(): BundleEntry[] {
    return [entryOf(patientResource(this.patient, this.#ids, this.context.patientIdentifierSystem)), entryOf(stationDevice(this.#ids, this.context.softwareVersion))];
  }

  /** The entries this reading completes (none while it waits for the rest of its panel), after its Encounter and Device when they are new. */
  add(reading: StoredReading): BundleEntry[] {
    if (reading.patientId !== this.patient.id) throw new Error('a reading of another patient reached the export');
    return [...this.#encounterOnce(reading.visitId), ...this.#deviceOnce(reading), ...this.#observations.add(reading).map(entryOf)];
  }

  /**
   * The charted NEWS2 observations and the scores derived from them and from device readings;
   * `inputReadings` holds those readings with the other parts of their measurements
   * (RecordStore.news2InputReadings), to name the Observation each became.
   */
  news2Entries(record: News2Rows, inputReadings: readonly StoredReading[]): BundleEntry[] {
    const readingKeys = observationKeys(inputReadings, this.#links);
    const inputs: News2InputRefs = {
      charted: (chartedId) => this.#ids.reference('Observation', 'news2-charted', chartedId),
      reading: (readingId) => {
        const key = readingKeys.get(readingId);
        return key && this.#ids.reference<Observation>('Observation', key.kind, key.recordId);
      },
    };
    return [
      ...[...record.charted, ...record.scores].flatMap((row) => this.#encounterOnce(row.visitId)),
      ...record.charted.map((charted) => entryOf(chartedObservation(charted, this.#links))),
      ...record.scores.map((score) => entryOf(news2ScoreObservation(score, this.#links, inputs))),
    ];
  }

  /** The panels still open: the last reading entries. */
  finish(): BundleEntry[] {
    return this.#observations.finish().map(entryOf);
  }

  #encounterOnce(visitId: string | null): BundleEntry[] {
    const visit = visitId === null ? undefined : this.#visits.get(visitId);
    if (!visit || this.#written.has(`visit/${visit.id}`)) return [];
    this.#written.add(`visit/${visit.id}`);
    return [entryOf(encounterResource(visitRecord(visit, this.context.careSetting), this.#ids))];
  }

  #deviceOnce(reading: StoredReading): BundleEntry[] {
    if (this.#written.has(`device/${reading.deviceId}`)) return [];
    this.#written.add(`device/${reading.deviceId}`);
    return [entryOf(peripheralDevice({ deviceId: reading.deviceId, source: reading.source }, this.#ids))];
  }
}

export function buildPatientBundle(patient: PatientRecord, readings: readonly StoredReading[], news2: News2Rows, now: number, context: ExportContext): Bundle {
  const builder = new PatientBundleBuilder(patient, context);
  return {
    ...builder.head(now),
    entry: [...builder.firstEntries(), ...readings.flatMap((reading) => builder.add(reading)), ...builder.finish(), ...builder.news2Entries(news2, readings)],
  };
}
