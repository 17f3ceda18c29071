/**
 * The records screen: every patient the station holds, with the FHIR export and the request to
 * send a visit's pleth to the FHIR server (physicians and administrators) and erasure on request
 * (administrators); naming the anonymous current patient (nurses and physicians); the FHIR sync
 * (administrators: the Sync panel; nurses: one line); and checking the audit trail
 * (administrators). The core checks every one of these again and audits it; the screen only
 * offers what the role may do.
 */
import { useCallback, useEffect, useState } from 'react';
import type { StationApi } from '../../shared/contract';
import type { SignedInUser } from '../../shared/contract-access';
import type { PatientSummary } from '../../shared/contract-records';
import { can } from '../../shared/roles';
import { failureText, isForbidden } from '../access/failure-text';
import { ActionsColumnHeading, FormProblem } from '../access/FormParts';
import { formatDateTime } from '../format/display-format';
import { AuditTrailPanel } from './AuditTrailPanel';
import { PlethPanel } from './PlethPanel';
import { VisitSummaryPanel } from './VisitSummaryPanel';
import { SyncPanel, SyncStatusLine } from './SyncPanel';
import { Hl7Status } from './Hl7Status';
import { CurrentPatientForm } from './CurrentPatientForm';
import { EraseDialog, erasedSummary } from './EraseDialog';
import { fetchPatientRecord, saveFile, type ExportProgress } from './record-export';
import '../access/access.css';
import './records.css';

export function RecordsScreen({ api, user }: { api: StationApi; user: SignedInUser }) {
  const [patients, setPatients] = useState<readonly PatientSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [exporting, setExporting] = useState<{ patientId: string; progress: ExportProgress | null } | null>(null);
  const [erasing, setErasing] = useState<PatientSummary | null>(null);
  /** The patient whose visits' pleth is shown, to send it to the FHIR server. */
  const [plethOf, setPlethOf] = useState<PatientSummary | null>(null);
  /** The patient whose visits' summaries are offered. */
  const [visitsOf, setVisitsOf] = useState<PatientSummary | null>(null);
  /** Bumped after every change, to list the patients again. */
  const [listing, setListing] = useState(0);
  const listAgain = useCallback(() => setListing((count) => count + 1), []);

  useEffect(() => {
    let live = true;
    api.invoke('listPatients', undefined).then(
      (list) => {
        if (!live) return;
        setPatients(list);
        setError(null);
      },
      (failure: unknown) => {
        // Locked meanwhile: the lock screen is on its way with the access event.
        if (live && !isForbidden(failure)) setError(`The patient list could not be loaded: ${failureText(failure)}.`);
      },
    );
    return () => {
      live = false;
    };
  }, [api, listing]);

  const exportRecord = async (patient: PatientSummary) => {
    if (exporting) return;
    setNotice(null);
    setError(null);
    setExporting({ patientId: patient.id, progress: null });
    try {
      const exported = await fetchPatientRecord(api, patient.id, (progress) => setExporting({ patientId: patient.id, progress }));
      saveFile(exported);
      setNotice(`Exported ${patient.displayName}'s record as ${exported.fileName}.`);
    } catch (failure) {
      setError(`The record was not exported: ${failureText(failure)}.`);
    } finally {
      setExporting(null);
    }
  };

  const eraseRecord = async (patient: PatientSummary) => {
    const result = await api.invoke('erasePatientRecord', { patientId: patient.id });
    setErasing(null);
    // Their visits are gone with them.
    setPlethOf((shown) => (shown?.id === patient.id ? null : shown));
    setVisitsOf((shown) => (shown?.id === patient.id ? null : shown));
    setNotice(`Erased ${patient.displayName}'s record: ${erasedSummary(result.removed)}.`);
    listAgain();
  };

  const current = patients?.find((patient) => patient.current) ?? null;
  const mayName = can(user.role, 'patient.edit');
  const mayVerify = can(user.role, 'audit.view');
  const mayManageSync = can(user.role, 'sync.manage');
  const maySeeSyncLine = can(user.role, 'sync.status');
  const mayExport = can(user.role, 'record.export');

  return (
    <div className="records-screen">
      <section className="panel records-list" aria-labelledby="records-title">
        <div className="records-list-heading">
          <h2 id="records-title" className="panel-heading">
            Patients
          </h2>
          {/* The current patient's readings keep arriving; the list is read when asked. */}
          <button type="button" className="access-button" data-action="refresh-records" onClick={listAgain}>
            Refresh
          </button>
        </div>
        <FormProblem problem={error} role="records-error" />
        {notice && (
          <p className="records-notice" role="status" data-role="records-notice">
            {notice}
          </p>
        )}
        {patients === null ? (
          <p className="panel-empty">Loading the patients…</p>
        ) : (
          <PatientTable
            patients={patients}
            mayExport={mayExport}
            mayErase={can(user.role, 'record.erase')}
            exporting={exporting}
            onExport={(patient) => void exportRecord(patient)}
            onErase={(patient) => {
              setNotice(null);
              setErasing(patient);
            }}
            onShowPleth={setPlethOf}
            onShowVisits={setVisitsOf}
          />
        )}
      </section>
      {(mayName || mayVerify || mayManageSync || maySeeSyncLine || plethOf || visitsOf) && (
        <div className="records-side">
          {visitsOf && <VisitSummaryPanel key={visitsOf.id} api={api} patient={visitsOf} onClose={() => setVisitsOf(null)} />}
          {plethOf && <PlethPanel key={plethOf.id} api={api} patient={plethOf} onClose={() => setPlethOf(null)} />}
          {maySeeSyncLine && <SyncStatusLine api={api} />}
          {mayName && <CurrentPatientForm api={api} current={current} onNamed={listAgain} />}
          {mayManageSync && <SyncPanel api={api} />}
          {mayManageSync && <Hl7Status api={api} />}
          {mayVerify && <AuditTrailPanel api={api} />}
        </div>
      )}
      {erasing && <EraseDialog patient={erasing} onErase={() => eraseRecord(erasing)} onCancel={() => setErasing(null)} />}
    </div>
  );
}

interface PatientTableProps {
  patients: readonly PatientSummary[];
  mayExport: boolean;
  mayErase: boolean;
  exporting: { patientId: string; progress: ExportProgress | null } | null;
  onExport(patient: PatientSummary): void;
  onErase(patient: PatientSummary): void;
  onShowPleth(patient: PatientSummary): void;
  onShowVisits(patient: PatientSummary): void;
}

function PatientTable({ patients, mayExport, mayErase, exporting, onExport, onErase, onShowPleth, onShowVisits }: PatientTableProps) {
  if (patients.length === 0) return <p className="panel-empty">No patient records on this station.</p>;
  return (
    <div className="table-scroll">
      <table className="clinical-table records-table">
        <thead>
          <tr>
            <th scope="col">Patient</th>
            <th scope="col">Created</th>
            <th scope="col">Readings</th>
            <th scope="col">Last reading</th>
            {(mayExport || mayErase) && (
              <ActionsColumnHeading />
            )}
          </tr>
        </thead>
        <tbody>
          {patients.map((patient) => {
            const busy = exporting?.patientId === patient.id;
            return (
              <tr key={patient.id} data-patient-id={patient.id} data-current={patient.current || undefined}>
                <th scope="row" className={patient.named ? 'records-name' : 'records-name records-unnamed'}>
                  {patient.displayName}
                  {patient.current && <span className="records-current">Current patient</span>}
                </th>
                <td className="records-time">{formatDateTime(patient.createdAt)}</td>
                <td>{patient.readingCount.toLocaleString()}</td>
                <td className="records-time">{patient.lastReadingAt === null ? '—' : formatDateTime(patient.lastReadingAt)}</td>
                {(mayExport || mayErase) && (
                  <td>
                    <div className="records-actions">
                    {mayExport && (
                      <button
                        type="button"
                        className="access-button"
                        data-action="export-record"
                        aria-label={`Export ${patient.displayName}'s record`}
                        aria-busy={busy}
                        disabled={exporting !== null}
                        onClick={() => onExport(patient)}
                      >
                        {busy ? exportLabel(exporting.progress) : 'Export'}
                      </button>
                    )}
                    {mayExport && (
                      <button type="button" className="access-button" data-action="show-pleth" aria-label={`Pleth of ${patient.displayName}'s visits`} onClick={() => onShowPleth(patient)}>
                        Pleth
                      </button>
                    )}
                    {mayExport && (
                      <button type="button" className="access-button" data-action="show-visits" aria-label={`Visit summaries of ${patient.displayName}`} onClick={() => onShowVisits(patient)}>
                        Visits
                      </button>
                    )}
                    {mayErase &&
                      (patient.current ? (
                        <span className="records-in-use" data-role="erase-unavailable">
                          Recording now: end the visit first
                        </span>
                      ) : (
                        <button type="button" className="access-button access-button-danger" data-action="erase-record" aria-label={`Erase ${patient.displayName}'s record`} onClick={() => onErase(patient)}>
                          Erase
                        </button>
                      ))}
                    </div>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function exportLabel(progress: ExportProgress | null): string {
  if (!progress || progress.total === 0) return 'Preparing…';
  return `Preparing… ${Math.min(100, Math.round((100 * progress.readingsDone) / progress.total))}%`;
}
