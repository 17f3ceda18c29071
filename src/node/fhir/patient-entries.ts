/**
 * A patient's bundle entries one at a time, straight from the records: the first entries, then
 * the readings' read a page at a time, then the panels still open and NEWS2. The file export
 * (PatientBundleText) and the `export` CLI verb (bundle or NDJSON) both write from it, so a long
 * record is never held whole.
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import type { PatientRecord, RecordStore, StoredReading } from '../records/store';
import { PatientBundleBuilder, type ExportContext } from './patient-bundle';

/** Readings read from the database at a time. */
const PAGE_READINGS = 200;

export type PatientEntriesStore = Pick<RecordStore, 'readingsPage' | 'news2Record' | 'news2InputReadings'>;

export class PatientEntries {
  readonly #builder: PatientBundleBuilder;
  /** Entries made and not yet taken: the first ones, a reading's, or the panels still open at the end. */
  readonly #ready: BundleEntry[];
  readonly #pending: StoredReading[] = [];
  #after: StoredReading | null = null;
  #readingsDone = 0;
  #readingsEnded = false;

  constructor(
    private readonly store: PatientEntriesStore,
    patient: PatientRecord,
    context: ExportContext,
  ) {
    this.#builder = new PatientBundleBuilder(patient, context);
    this.#ready = this.#builder.firstEntries();
  }

  /** The bundle's own fields, everything but the entries. */
  head(now: number): Bundle {
    return this.#builder.head(now);
  }

  /** How many of the patient's readings the entries taken so far have covered. */
  get readingsDone(): number {
    return this.#readingsDone;
  }

  /** The next entry, or null once the record has ended. */
  next(): BundleEntry | null {
    while (this.#ready.length === 0) {
      if (this.#readingsEnded) return null;
      const reading = this.#nextReading();
      if (reading === null) {
        this.#readingsEnded = true;
        // NEWS2 is a few entries an hour: read at once, after the readings.
        const news2 = this.store.news2Record(this.#builder.patient.id);
        this.#ready.push(...this.#builder.finish(), ...this.#builder.news2Entries(news2, this.store.news2InputReadings(news2.scores)));
      } else {
        this.#ready.push(...this.#builder.add(reading));
        this.#readingsDone++;
      }
    }
    return this.#ready.shift() ?? null;
  }

  #nextReading(): StoredReading | null {
    if (this.#pending.length === 0) {
      const page = this.store.readingsPage(this.#builder.patient.id, this.#after, PAGE_READINGS);
      this.#after = page.at(-1) ?? this.#after;
      this.#pending.push(...page);
    }
    return this.#pending.shift() ?? null;
  }
}
