/**
 * A patient's FHIR bundle as JSON text, written a part at a time straight from the records. A
 * day of continuous oximetry is about 130,000 readings and 110 MB of JSON, seven seconds of work
 * in one go: built whole, it would hold the station's event loop (alarms, live vitals) that long
 * and the memory twice over. Here each part reads the next readings page by page and stops once
 * it has about the size asked for, so each step is short and only one part exists at a time.
 */
import type { PatientRecord } from '../records/store';
import type { ExportContext } from './patient-bundle';
import { PatientEntries, type PatientEntriesStore } from './patient-entries';

export class PatientBundleText {
  readonly #entries: PatientEntries;
  #head: string | null;
  #first = true;
  #done = false;

  constructor(store: PatientEntriesStore, patient: PatientRecord, now: number, context: ExportContext) {
    this.#entries = new PatientEntries(store, patient, context);
    const head = JSON.stringify(this.#entries.head(now));
    this.#head = `${head.slice(0, -1)},"entry":[`;
  }

  get done(): boolean {
    return this.#done;
  }

  /** How many of the patient's readings the parts so far have covered. */
  get readingsDone(): number {
    return this.#entries.readingsDone;
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
      const entry = this.#entries.next();
      if (entry === null) {
        this.#done = true;
        return `${text}]}`;
      }
      text += `${this.#first ? '' : ','}${JSON.stringify(entry)}`;
      this.#first = false;
    }
    return text;
  }
}
