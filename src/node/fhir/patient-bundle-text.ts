/**
 * A patient's FHIR bundle as JSON text, written a part at a time straight from the records. A
 * day of continuous oximetry is about 130,000 readings and 110 MB of JSON, seven seconds of work
 * in one go: built whole, it would hold the station's event loop (alarms, live vitals) that long
 * and the memory twice over. Here each part reads the next readings page by page and stops once
 * it has about the size asked for, so each step is short and only one part exists at a time.
 */
import type { PatientRecord, RecordStore, StoredReading } from '../records/store';
import { PatientBundleBuilder, type ExportContext } from './patient-bundle';

/** Readings read from the database at a time. */
const PAGE_READINGS = 200;

export class PatientBundleText {
  readonly #builder: PatientBundleBuilder;
  /** Entries made and not yet written: a reading's, or the panels still open at the end. */
  readonly #ready: object[] = [];
  readonly #pending: StoredReading[] = [];
  #after: StoredReading | null = null;
  #head: string | null;
  #readingsDone = 0;
  #readingsEnded = false;
  #done = false;

  constructor(
    private readonly store: Pick<RecordStore, 'readingsPage' | 'news2Record'>,
    patient: PatientRecord,
    now: number,
    context: ExportContext,
  ) {
    this.#builder = new PatientBundleBuilder(patient, context);
    const head = JSON.stringify(this.#builder.head(now));
    this.#head = `${head.slice(0, -1)},"entry":[${this.#builder.firstEntries().map((entry) => JSON.stringify(entry)).join(',')}`;
  }

  get done(): boolean {
    return this.#done;
  }

  /** How many of the patient's readings the parts so far have covered. */
  get readingsDone(): number {
    return this.#readingsDone;
  }

  /**
   * The next part: about `targetChars` of text (it ends after the entry that reaches the target),
   * or less when the record ends; the parts joined are the bundle's JSON.
   */
  next(targetChars: number): string {
    if (this.#done) throw new Error('the export is complete');
    let text = this.#head ?? '';
    this.#head = null;
    while (text.length < targetChars) {
      const entry = this.#nextEntry();
      if (entry === null) {
        this.#done = true;
        return `${text}]}`;
      }
      text += `,${JSON.stringify(entry)}`;
    }
    return text;
  }

  #nextEntry(): object | null {
    while (this.#ready.length === 0) {
      if (this.#readingsEnded) return null;
      const reading = this.#nextReading();
      if (reading === null) {
        this.#readingsEnded = true;
        // NEWS2 is a few entries an hour: read at once, after the readings.
        this.#ready.push(...this.#builder.finish(), ...this.#builder.news2Entries(this.store.news2Record(this.#builder.patient.id)));
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
