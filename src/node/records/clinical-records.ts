/**
 * The guarded front door to the records: every call names a session, is checked against the
 * role matrix (and a kiosk's patient scope), and every view, change, export, erasure and alarm
 * acknowledgement leaves an audit entry in the same transaction as the change itself.
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { Authenticator } from '../identity/authenticator';
import type { AuditLog } from '../audit/audit-log';
import { DEFAULT_FHIR_SETTINGS, patientExportContext, type FhirSettings } from '../fhir/export-settings';
import { buildPatientBundle, type ExportContext } from '../fhir/patient-bundle';
import { PatientBundleText } from '../fhir/patient-bundle-text';
import type { PatientDetails, PatientOverview, PatientRecord, ReadingInput, RecordStore, RetentionPolicy, StoredReading, WaveformInput } from './store';
import { DEFAULT_RETENTION, RecordInputError } from './store';

export class ClinicalRecords {
  constructor(
    private readonly store: RecordStore,
    private readonly auth: Authenticator,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
    /** The settings' `records` section, which shapes the FHIR export. */
    private readonly fhirSettings: FhirSettings = DEFAULT_FHIR_SETTINGS,
  ) {}

  createPatient(sessionId: string, details: PatientDetails): PatientRecord {
    const session = this.auth.authorize(sessionId, 'patient.create');
    return this.audited(() => this.store.createPatient(details), (patient) => ({ actor: session.userId, role: session.role, action: 'patient.create', object: patient.id }));
  }

  updatePatient(sessionId: string, patientId: string, details: PatientDetails): PatientRecord {
    const session = this.auth.authorize(sessionId, 'patient.edit', patientId);
    return this.audited(() => this.store.updatePatient(patientId, details), () => ({ actor: session.userId, role: session.role, action: 'patient.edit', object: patientId }));
  }

  /** Every patient with how much is recorded about them (names included: the list is how a request finds its patient). */
  listPatients(sessionId: string): PatientOverview[] {
    const session = this.auth.authorize(sessionId, 'patient.list');
    return this.audited(() => this.store.patientOverviews(), () => ({ actor: session.userId, role: session.role, action: 'patient.list', object: null }));
  }

  viewPatient(sessionId: string, patientId: string): { patient: PatientRecord; readings: StoredReading[] } {
    const session = this.auth.authorize(sessionId, 'patient.view', patientId);
    return this.audited(
      () => ({ patient: this.store.requirePatient(patientId), readings: this.store.readings(patientId) }),
      () => ({ actor: session.userId, role: session.role, action: 'patient.view', object: patientId }),
    );
  }

  /**
   * A page of a visit's readings, newest first, for the screen's session history. Checked like any
   * view; the view itself is audited once per session by the caller (patient-views.ts), not per page.
   */
  visitReadingsPage(sessionId: string, patientId: string, visitId: string, before: Pick<StoredReading, 'receivedAt' | 'id'> | null, limit: number): StoredReading[] {
    this.auth.authorize(sessionId, 'patient.view', patientId);
    this.assertVisitOf(visitId, patientId);
    return this.store.visitReadingsNewestFirst(patientId, visitId, before, limit);
  }

  /** A screen showed the patient's live data (the monitor), which it reads from the hub, not from here: audited as a view. */
  recordPatientView(sessionId: string, patientId: string): void {
    const session = this.auth.authorize(sessionId, 'patient.view', patientId);
    this.audited(
      () => this.store.requirePatient(patientId),
      () => ({ actor: session.userId, role: session.role, action: 'patient.view', object: patientId }),
    );
  }

  /** One audit entry per batch: readings arrive every second or so, the trail records who recorded them. */
  recordReadings(sessionId: string, patientId: string, visitId: string | null, readings: readonly ReadingInput[]): StoredReading[] {
    const session = this.auth.authorize(sessionId, 'reading.record', patientId);
    this.assertVisitOf(visitId, patientId);
    return this.audited(
      () => readings.map((reading) => this.store.recordReading(patientId, visitId, reading)),
      () => ({ actor: session.userId, role: session.role, action: 'reading.record', object: patientId }),
    );
  }

  recordWaveform(sessionId: string, patientId: string, visitId: string | null, segment: WaveformInput): number {
    this.auth.authorize(sessionId, 'reading.record', patientId);
    this.assertVisitOf(visitId, patientId);
    return this.store.recordWaveform(patientId, visitId, segment);
  }

  acknowledgeAlarm(sessionId: string, alarmId: string): void {
    const patientId = this.store.alarmPatient(alarmId);
    if (patientId === null) throw new RecordInputError('no such alarm');
    const session = this.auth.authorize(sessionId, 'alarm.acknowledge', patientId);
    this.audited(() => this.store.acknowledgeAlarm(alarmId, session.userId), () => ({ actor: session.userId, role: session.role, action: 'alarm.acknowledge', object: alarmId }));
  }

  startVisit(sessionId: string, patientId: string): string {
    const session = this.auth.authorize(sessionId, 'visit.start', patientId);
    return this.audited(() => this.store.startVisit(patientId, session.userId).id, (visitId) => ({ actor: session.userId, role: session.role, action: 'visit.start', object: visitId }));
  }

  endVisit(sessionId: string, visitId: string): void {
    const patientId = this.store.visitPatient(visitId);
    if (patientId === null) throw new RecordInputError('no such visit');
    const session = this.auth.authorize(sessionId, 'visit.end', patientId);
    this.audited(() => this.store.endVisit(visitId), () => ({ actor: session.userId, role: session.role, action: 'visit.end', object: visitId }));
  }

  writeNote(sessionId: string, patientId: string, visitId: string | null, text: string): string {
    const session = this.auth.authorize(sessionId, 'note.write', patientId);
    this.assertVisitOf(visitId, patientId);
    return this.audited(() => this.store.addNote(patientId, visitId, session.userId, text), (id) => ({ actor: session.userId, role: session.role, action: 'note.write', object: id }));
  }

  recordConsent(sessionId: string, patientId: string, visitId: string | null, consent: { scope: string; granted: boolean }): string {
    const session = this.auth.authorize(sessionId, 'consent.record', patientId);
    this.assertVisitOf(visitId, patientId);
    return this.audited(
      () => this.store.recordConsent(patientId, visitId, consent, session.userId),
      (id) => ({ actor: session.userId, role: session.role, action: 'consent.record', object: id }),
    );
  }

  addAttachment(sessionId: string, patientId: string, visitId: string | null, attachment: { kind: string; mediaType: string; content: Buffer }): string {
    const session = this.auth.authorize(sessionId, 'attachment.capture', patientId);
    this.assertVisitOf(visitId, patientId);
    return this.audited(
      () => this.store.addAttachment(patientId, visitId, attachment, session.userId),
      (id) => ({ actor: session.userId, role: session.role, action: 'attachment.capture', object: id }),
    );
  }

  /** The patient's record as a FHIR R4 Bundle (Patient, Devices, Encounters, Observations). */
  exportPatient(sessionId: string, patientId: string): Bundle {
    const patient = this.exportedPatient(sessionId, patientId);
    return buildPatientBundle(patient, this.store.readings(patientId), this.store.news2Record(patientId), this.now(), this.exportContext(patientId));
  }

  /** The same bundle as JSON text to be written out a part at a time (a long record); audited once, here. */
  openPatientExport(sessionId: string, patientId: string): PatientBundleText {
    return new PatientBundleText(this.store, this.exportedPatient(sessionId, patientId), this.now(), this.exportContext(patientId));
  }

  private exportContext(patientId: string): ExportContext {
    return patientExportContext(this.store, patientId, this.fhirSettings);
  }

  /** Erasure on request: every row of the patient removed and checked gone, then the WAL emptied. */
  erasePatient(sessionId: string, patientId: string): Record<string, number> {
    const session = this.auth.authorize(sessionId, 'record.erase', patientId);
    const erased = this.audited(() => this.store.erasePatient(patientId), () => ({ actor: session.userId, role: session.role, action: 'record.erase', object: patientId }));
    this.store.checkpoint();
    return erased;
  }

  /** Prunes by age; run by the station itself (start-up, daily), recorded as a system action. */
  applyRetention(policy: RetentionPolicy = DEFAULT_RETENTION): ReturnType<RecordStore['applyRetention']> {
    return this.audited(() => this.store.applyRetention(policy), () => ({ actor: 'station', role: 'system', action: 'records.retention-prune', object: null }));
  }

  /** Checks the right to export and records the export. */
  private exportedPatient(sessionId: string, patientId: string): PatientRecord {
    const session = this.auth.authorize(sessionId, 'record.export', patientId);
    return this.audited(() => this.store.requirePatient(patientId), () => ({ actor: session.userId, role: session.role, action: 'record.export', object: patientId }));
  }

  private assertVisitOf(visitId: string | null, patientId: string): void {
    if (visitId !== null && this.store.visitPatient(visitId) !== patientId) throw new RecordInputError('that visit is not this patient’s');
  }

  /** Runs the change and appends its audit entry in one transaction: both happen, or neither. */
  private audited<T>(change: () => T, entry: (result: T) => Parameters<AuditLog['append']>[0]): T {
    return this.store.db
      .transaction(() => {
        const result = change();
        this.audit.append(entry(result));
        return result;
      })
      .immediate();
  }
}
