/**
 * A visit's summary, gathered from the records when the visit ends (issue 14): the patient and the
 * encounter, who took part, every reading of the visit by metric, the alarms and how they were
 * handled, the NEWS2 scores, the measurements the clinician asked for (and what answered them),
 * the snapshots the clinician took and the consent given. It holds the
 * records' own values; ./summary-lines.ts turns them into the words the screen uses, and
 * ./summary-pdf.ts and ./summary-fhir.ts into the document. The signed notes and addenda are
 * part of it; drafts are not. Medication adherence is not recorded by the station yet: the summary
 * has no section for it.
 */
import type { UserDirectory } from '../identity/users';
import type { VisitNotes } from '../records/visit-notes';
import type { SignedVisitNote } from '../../shared/visit-notes';
import { visitMeasurementRequests, type MeasurementRequestRecord } from '../records/measurement-requests';
import { isContinuous } from '../records/minute-summaries';
import type { PatientRecord, RecordStore, StoredAlarm, StoredNews2Charted, StoredNews2Score, StoredReading } from '../records/store';
import { visitRecord, type VisitRecord, type VisitSetting } from '../fhir/encounter';
import type { Metric, UcumUnit } from '../../shared/vitals';
import { METRICS } from '../../shared/vitals';
import { visitActors, visitAlarms, visitConsents, visitSnapshots, type VisitConsent, type VisitSnapshot } from './visit-records';

export interface SummaryParticipant {
  id: string;
  name: string;
  role: string;
}

/** One metric's readings of the visit in one unit, oldest first. */
export interface MetricSeries {
  metric: Metric;
  unit: UcumUnit;
  /** Live readings of a monitoring device (about one a second), shown a minute at a time. */
  continuous: boolean;
  readings: Pick<StoredReading, 'receivedAt' | 'value' | 'deviceTime'>[];
}

export interface VisitSummary {
  stationId: string;
  generatedAt: number;
  patient: PatientRecord;
  visit: VisitRecord;
  participants: SummaryParticipant[];
  /** Every reading of the visit as recorded, oldest first (the FHIR document's Observations). */
  readings: StoredReading[];
  series: MetricSeries[];
  alarms: StoredAlarm[];
  news2: StoredNews2Score[];
  news2Charted: StoredNews2Charted[];
  /** The device readings the NEWS2 scores used, with the other parts of their measurements (RecordStore.news2InputReadings). */
  news2Inputs: StoredReading[];
  consents: VisitConsent[];
  /** The measurements the remote clinician asked for, in the order asked, each with its outcome and answer. */
  measurementRequests: MeasurementRequestRecord[];
  snapshots: VisitSnapshot[];
  /** Signed notes and addenda, in signing order. */
  notes: SignedVisitNote[];
}

export interface SummarySources {
  store: RecordStore;
  users: Pick<UserDirectory, 'get'>;
  notes: Pick<VisitNotes, 'signedNotes'>;
  stationId: string;
  /** Where the station's visits take place (settings `records.careSetting`); a video visit is one whatever this says. */
  careSetting: VisitSetting;
}

/** The actor the station records for what it does on its own (persistence/encounter.ts STATION_ACTOR). */
const STATION_ACTOR_ID = 'station';
/** How the clinical core names the remote physician of a video visit (clinical/clinical-station.ts). */
const REMOTE_CLINICIAN_PREFIX = 'remote-clinician:';

/** A visit's readings are read a page at a time, newest first (the readings_by_patient index). */
const READING_PAGE = 5_000;

function visitReadings(store: RecordStore, patientId: string, visitId: string): StoredReading[] {
  const pages: StoredReading[][] = [];
  let before: StoredReading | null = null;
  for (;;) {
    const page = store.visitReadingsNewestFirst(patientId, visitId, before, READING_PAGE);
    pages.push(page);
    if (page.length < READING_PAGE) break;
    before = page[page.length - 1]!;
  }
  return pages.flat().reverse();
}

/** Series in the catalogue's order of metrics, one per metric and unit (a scale may switch from kg to lb). */
export function metricSeries(readings: readonly StoredReading[]): MetricSeries[] {
  const byKey = new Map<string, MetricSeries>();
  for (const reading of readings) {
    const key = `${reading.metric}|${reading.unit}`;
    let series = byKey.get(key);
    if (!series) {
      series = { metric: reading.metric, unit: reading.unit, continuous: isContinuous(reading), readings: [] };
      byKey.set(key, series);
    }
    series.readings.push({ receivedAt: reading.receivedAt, value: reading.value, deviceTime: reading.deviceTime });
  }
  return [...byKey.values()].sort((a, b) => METRICS.indexOf(a.metric) - METRICS.indexOf(b.metric));
}

/** The name and role of whoever an id in the records stands for; an account removed since keeps its id. */
function participant(users: SummarySources['users'], id: string, recorded: { role?: string; name?: string | null } = {}): SummaryParticipant {
  if (id.startsWith(REMOTE_CLINICIAN_PREFIX)) return { id, name: recorded.name || 'Remote clinician (video visit)', role: 'physician' };
  const account = users.get(id);
  if (account) return { id, name: account.username, role: account.role };
  return { id, name: recorded.name ?? id, role: recorded.role ?? 'unknown' };
}

export function gatherVisitSummary(sources: SummarySources, visitId: string, generatedAt: number): VisitSummary {
  const { store, users } = sources;
  const [visit] = store.visitsByIds([visitId]);
  if (!visit) throw new Error('no such visit');
  const patient = store.requirePatient(visit.patientId);
  const alarms = visitAlarms(store.db, patient.id, visit.id);
  const consents = visitConsents(store.db, patient.id, visit.id);
  const snapshots = visitSnapshots(store.db, patient.id, visit.id);
  const measurementRequests = visitMeasurementRequests(store.db, patient.id, visit.id);
  const named = new Map<string, SummaryParticipant>();
  const take = (id: string | null, recorded?: { role?: string; name?: string | null }) => {
    if (id !== null && id !== STATION_ACTOR_ID && !named.has(id)) named.set(id, participant(users, id, recorded));
  };
  const notes = sources.notes.signedNotes(visit.id);
  // Note authors first: their rows carry the name they signed with (a remote clinician has no account here).
  take(visit.startedBy);
  for (const note of notes) take(note.author.id, note.author);
  for (const consent of consents) take(consent.recordedBy);
  for (const alarm of alarms) take(alarm.acknowledgedBy);
  for (const actor of visitActors(store.db, patient.id, visit.id)) take(actor.id, actor);
  for (const snapshot of snapshots) take(snapshot.capturedBy);
  for (const request of measurementRequests) {
    take(request.requestedBy);
    take(request.settledBy);
  }
  const readings = visitReadings(store, patient.id, visit.id);
  const news2 = store.news2Record(patient.id);
  const scores = news2.scores.filter((score) => score.visitId === visit.id);
  return {
    stationId: sources.stationId,
    generatedAt,
    patient,
    visit: visitRecord(visit, sources.careSetting),
    participants: [...named.values()],
    readings,
    series: metricSeries(readings),
    alarms,
    news2: scores,
    news2Charted: news2.charted.filter((charted) => charted.visitId === visit.id),
    news2Inputs: store.news2InputReadings(scores),
    consents,
    measurementRequests,
    snapshots,
    notes,
  };
}
