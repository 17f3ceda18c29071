/**
 * The patient banner of every clinical screen: who the patient is (or "Anonymous patient" and a
 * way to name them), identifier, age and sex when known, when the encounter began and whether a
 * video visit is running. Its row keeps its height whether or not the details have arrived, so
 * nothing below it moves.
 */
import type { ReactNode } from 'react';
import type { CurrentPatient } from '../../shared/contract-records';
import { staffBannerFields, type BannerField } from './patient-banner';
import './patient.css';

export interface PatientBannerProps {
  patient: CurrentPatient | null;
  now: Date;
  /** Opens the naming form (the Records screen); absent for those who may not name patients. */
  onNamePatient?: () => void;
  /** Fields this screen says elsewhere (the clinician's page is the video visit). */
  hide?: readonly BannerField['field'][];
  /** Further controls about this patient's visit, at the banner's end (the station's link to the visit notes). */
  actions?: ReactNode;
}

export function PatientBanner({ patient, now, onNamePatient, hide = [], actions }: PatientBannerProps) {
  return (
    <section className="patient-banner" data-role="patient-banner" aria-label="Patient" aria-busy={patient === null}>
      {patient === null ? (
        <span className="patient-banner-waiting">Patient details…</span>
      ) : (
        <>
          <dl className="patient-banner-fields">
            {staffBannerFields(patient, now)
              .filter(({ field }) => !hide.includes(field))
              .map(({ field, label, value }) => (
                <div key={field} className="patient-banner-field" data-field={field}>
                  <dt className={field === 'name' ? 'visually-hidden' : undefined}>{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
          </dl>
          {patient.givenName === null && onNamePatient ? (
            <button type="button" className="patient-banner-action" data-action="open-patient-naming" onClick={onNamePatient}>
              Name patient
            </button>
          ) : null}
          {actions}
        </>
      )}
    </section>
  );
}
