/**
 * Keeps the screen's patient data in step with who may see it: loaded afresh the moment someone
 * who may see the patient signs in or unlocks (the core sent nothing while nobody could), and
 * cleared the moment the screen locks or signs out, so no value stays behind in the page.
 */
import { gateFor, seesPatientData } from './access-gate';
import type { AccessStore } from './access-store';

/** A store holding patient data: the station store (devices, readings, waveforms), the clinical store (NEWS2). */
export interface PatientDataHolder {
  reload(): void;
  clearPatientData(): void;
}

/** Follows `access` from now on; returns the unsubscribe. Acts on changes only: each store loads once at its own start. */
export function followPatientAccess(access: Pick<AccessStore, 'subscribe' | 'getView'>, holders: readonly PatientDataHolder[]): () => void {
  let permitted = seesPatientData(gateFor(access.getView()));
  return access.subscribe(() => {
    const now = seesPatientData(gateFor(access.getView()));
    if (now === permitted) return;
    permitted = now;
    for (const holder of holders) {
      if (now) holder.reload();
      else holder.clearPatientData();
    }
  });
}
