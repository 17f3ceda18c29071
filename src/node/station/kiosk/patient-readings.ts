/**
 * The hub's latest readings as the current patient's: the hub keeps the last value of every device
 * and metric for as long as it runs, so after a kiosk visit ends the next patient would otherwise be
 * shown (and scored on) the previous patient's SpO₂ until their own first reading replaced it.
 * Readings are told apart by the hub's sequence number, which only grows: whatever the hub had
 * delivered when the new patient began is not theirs.
 */
import type { StationReading } from '../../../shared/contract';
import type { ClinicalHub } from '../clinical/clinical-station';

export class PatientReadings implements ClinicalHub {
  /** Readings with a seq at or below this belong to an earlier patient. */
  #lastSeqBefore = -1;

  constructor(private readonly hub: ClinicalHub) {}

  on: ClinicalHub['on'] = (event, listener) => this.hub.on(event, listener);

  devices: ClinicalHub['devices'] = () => this.hub.devices();

  latest(): StationReading[] {
    return this.hub.latest().filter((reading) => reading.seq > this.#lastSeqBefore);
  }

  /** A new patient begins: nothing delivered so far is theirs. */
  startNewPatient(): void {
    this.#lastSeqBefore = Math.max(this.#lastSeqBefore, ...this.hub.latest().map((reading) => reading.seq));
  }
}
