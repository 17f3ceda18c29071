/**
 * A screen that shows the current patient's live data has viewed the patient; the audit trail
 * says so once per session and patient. Not per call: a screen asks for a snapshot at every
 * (re)connect, and a trail full of repeats hides the entries that matter.
 */
import type { ClinicalRecords } from '../../records/clinical-records';
import type { ScreenAccess } from '../access/station-access';

export interface PatientViewAuditOptions {
  clinical: Pick<ClinicalRecords, 'recordPatientView'>;
  /** The station's current patient, asked at every view: a kiosk visit may switch it. */
  currentPatientId: () => string;
}

export interface PatientViewAudit {
  /** The screen is about to show the current patient's data (its session was authorised for patient.view). */
  viewed(screen: ScreenAccess): void;
}

export function createPatientViewAudit(options: PatientViewAuditOptions): PatientViewAudit {
  // Per screen, since a screen has one session at a time: forgotten with the screen, and a new
  // sign-in (a new session id) starts a new set.
  const seen = new WeakMap<ScreenAccess, { sessionId: string; patients: Set<string> }>();
  return {
    viewed(screen) {
      const sessionId = screen.sessionId();
      const patientId = options.currentPatientId();
      let views = seen.get(screen);
      if (views?.sessionId !== sessionId) {
        views = { sessionId, patients: new Set() };
        seen.set(screen, views);
      }
      if (views.patients.has(patientId)) return;
      options.clinical.recordPatientView(sessionId, patientId);
      views.patients.add(patientId);
    },
  };
}
