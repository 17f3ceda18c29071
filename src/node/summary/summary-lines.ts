/**
 * A visit summary in words: every name, date, value and unit as the station's screens show them
 * (../../shared/display-format.ts, ../../shared/clinical-words.ts), in sections of table rows.
 * The PDF lays these out and the tests read them back from it, so what is printed is decided here.
 */
import { isAnonymousPatient } from '../records/anonymous-patient';
import { minuteStartOf, minuteStatistics, MINUTE_MS } from '../records/minute-summaries';
import type { VisitSetting } from '../fhir/encounter';
import { ANONYMOUS_PATIENT_LABEL, PRIORITY_WORDS, RISK_WORDS, SEX_WORDS } from '../../shared/clinical-words';
import type { News2Risk } from '../../shared/clinical/news2';
import { dateTimeFormats, displayUnit, formatDeviceTime, formatValue, type DateTimeFormats } from '../../shared/display-format';
import { VIDEO_VISIT_CONSENT_SCOPE } from '../records/store';
import { METRIC_DEFINITIONS } from '../../shared/vitals';
import { NOTE_SECTION_LABELS, NOTE_SECTIONS, type SignedVisitNote } from '../../shared/visit-notes';
import type { MeasurementRequestRecord } from '../records/measurement-requests';
import type { MetricSeries, VisitSummary } from './visit-summary';

export interface SummaryTable {
  heading: string;
  columns: string[];
  rows: string[][];
  /** Said instead of an empty table. */
  empty: string;
}

/** A signed note or addendum: who signed it when, then its sections (label and text) in the editor's order. */
export interface SummaryNote {
  heading: string;
  parts: { label: string | null; text: string }[];
}

export interface SummaryLines {
  title: string;
  /** The patient banner, repeated at the top of every page. */
  banner: string;
  /** The encounter's facts, "label: value". */
  encounter: [string, string][];
  tables: SummaryTable[];
  notesHeading: string;
  notes: SummaryNote[];
  /** Said when no note was signed. */
  noNotes: string;
  /** The bottom line of every page besides its number. */
  footer: string;
}

const SETTING_WORDS: Record<VisitSetting, string> = { station: 'Visit at the station', home: 'Home visit', video: 'Video visit' };

function bornOn(birthDate: string, formats: DateTimeFormats): string {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  // The local calendar day, as the records screen shows it (not UTC midnight, a day earlier west of Greenwich).
  return formats.date(new Date(year, month - 1, day).getTime());
}

export function patientBanner(patient: VisitSummary['patient'], formats: DateTimeFormats): string {
  const name = isAnonymousPatient(patient) ? ANONYMOUS_PATIENT_LABEL : `${patient.givenName} ${patient.familyName}`;
  const fields = [`Patient: ${name}`];
  if (patient.identifier !== null) fields.push(`ID: ${patient.identifier}`);
  if (patient.birthDate !== null) fields.push(`Born: ${bornOn(patient.birthDate, formats)}`);
  fields.push(`Sex: ${SEX_WORDS[patient.gender]}`);
  return fields.join('   ');
}

function durationWords(ms: number): string {
  const minutes = Math.round(ms / MINUTE_MS);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * A continuous series a minute a row (median, range and count, as the FHIR minute summaries),
 * a spot measurement a reading a row, with the device's own time when it gave one.
 */
function seriesRows(series: MetricSeries, formats: DateTimeFormats): string[][] {
  const { metric, unit } = series;
  const label = METRIC_DEFINITIONS[metric].label;
  const symbol = displayUnit(metric, unit);
  const shown = (value: number) => formatValue(metric, value, unit);
  if (!series.continuous) {
    return series.readings.map((reading) => [
      formats.clock(reading.receivedAt),
      label,
      shown(reading.value),
      symbol,
      reading.deviceTime === null ? '' : `device time ${formatDeviceTime(reading.deviceTime)}`,
    ]);
  }
  const minutes = new Map<number, { value: number; unit: typeof unit }[]>();
  for (const reading of series.readings) {
    const start = minuteStartOf(reading.receivedAt);
    minutes.set(start, [...(minutes.get(start) ?? []), { value: reading.value, unit }]);
  }
  return [...minutes].map(([start, readings]) => {
    const stats = minuteStatistics(readings);
    return [formats.minutes(start), label, shown(stats.median), symbol, `median of ${stats.count}, ${shown(stats.min)}–${shown(stats.max)}`];
  });
}

/** What became of a request at the station, with who and when. */
function requestOutcome(request: MeasurementRequestRecord, formats: DateTimeFormats, nameOf: (id: string | null) => string): string {
  const when = request.settledAt === null ? '' : `${formats.clock(request.settledAt)} by ${nameOf(request.settledBy)}`;
  switch (request.state) {
    case 'awaiting-confirmation':
      return 'not started at the station';
    case 'started':
      return `started ${when}`;
    case 'declined':
      return `declined ${when}`;
    case 'failed':
      return `failed: ${request.reason ?? 'no reason given'}`;
  }
}

/** The measurement that answered a request, each part as the vital-signs table shows it; what a started request without one says. */
function requestAnswer(request: MeasurementRequestRecord, formats: DateTimeFormats): string {
  const [first] = request.answer;
  if (first === undefined) return request.state === 'started' ? 'no reading came' : '';
  const parts = request.answer.map((reading) => `${METRIC_DEFINITIONS[reading.metric].label} ${formatValue(reading.metric, reading.value, reading.unit)} ${displayUnit(reading.metric, reading.unit)}`);
  return `${formats.clock(first.receivedAt)}: ${parts.join(', ')}`;
}

function consentWords(scope: string): string {
  const [kind, version] = scope.split('/');
  return kind === VIDEO_VISIT_CONSENT_SCOPE ? `Video visit (statement ${version ?? '?'})` : scope;
}

function noteLines(note: SignedVisitNote, notes: readonly SignedVisitNote[], formats: DateTimeFormats): SummaryNote {
  const signer = `${note.author.name} (${note.author.role}), signed ${formats.dateTime(note.signedAt)}`;
  if (note.kind === 'addendum') {
    const original = notes.find((candidate) => candidate.id === note.addendumTo);
    const to = original ? ` to the note of ${original.author.name}` : '';
    return { heading: `Addendum${to} by ${signer}`, parts: [{ label: null, text: note.text }] };
  }
  return {
    heading: `Note by ${signer}`,
    parts: NOTE_SECTIONS.filter((section) => note.sections[section].trim() !== '').map((section) => ({ label: NOTE_SECTION_LABELS[section], text: note.sections[section] })),
  };
}

export function summaryLines(summary: VisitSummary, locale: string | undefined): SummaryLines {
  const formats = dateTimeFormats(locale);
  const { visit } = summary;
  const nameOf = (id: string | null) => (id === null ? '' : (summary.participants.find((person) => person.id === id)?.name ?? id));
  const end = visit.endedAt === null ? 'still open' : `${formats.dateTime(visit.endedAt)} (${durationWords(visit.endedAt - visit.startedAt)})`;
  const vitals = summary.series.flatMap((series) => seriesRows(series, formats));
  return {
    title: 'Visit summary',
    banner: patientBanner(summary.patient, formats),
    encounter: [
      ['Visit', SETTING_WORDS[visit.setting]],
      ['Started', formats.dateTime(visit.startedAt)],
      ['Ended', end],
    ],
    tables: [
      { heading: 'Who took part', columns: ['Name', 'Role'], rows: summary.participants.map((person) => [person.name, person.role]), empty: 'Nobody signed in took part; the station recorded on its own.' },
      { heading: 'Vital signs', columns: ['Time', 'Measurement', 'Value', 'Unit', ''], rows: vitals, empty: 'No readings were recorded during this visit.' },
      {
        heading: 'Alarms',
        columns: ['Raised', 'Priority', 'Condition', 'Acknowledged', 'Ended'],
        rows: summary.alarms.map((alarm) => [
          formats.clock(alarm.raisedAt),
          PRIORITY_WORDS[alarm.priority],
          alarm.condition,
          alarm.acknowledgedAt === null ? 'not acknowledged' : `${formats.clock(alarm.acknowledgedAt)} by ${nameOf(alarm.acknowledgedBy)}`,
          alarm.endedAt === null ? 'not ended' : formats.clock(alarm.endedAt),
        ]),
        empty: 'No alarms were raised.',
      },
      {
        heading: 'NEWS2',
        columns: ['Time', 'Score', 'Risk'],
        rows: summary.news2.map((score) => [formats.clock(score.scoredAt), String(score.total), RISK_WORDS[score.risk as News2Risk] ?? score.risk]),
        empty: 'No NEWS2 score was recorded.',
      },
      {
        heading: 'Measurement requests',
        columns: ['Asked', 'Measurement', 'Asked by', 'At the station', 'Answered'],
        rows: summary.measurementRequests.map((request) => [
          formats.clock(request.requestedAt),
          request.deviceName ?? `device ${request.deviceId} (not connected)`,
          nameOf(request.requestedBy),
          requestOutcome(request, formats, nameOf),
          requestAnswer(request, formats),
        ]),
        empty: 'No measurement was requested during this visit.',
      },
      {
        heading: 'Consent',
        columns: ['Given', 'To', 'Recorded by'],
        rows: summary.consents.map((consent) => [`${formats.dateTime(consent.recordedAt)}${consent.granted ? '' : ' (refused)'}`, consentWords(consent.scope), nameOf(consent.recordedBy)]),
        empty: 'No consent was recorded for this visit.',
      },
    ],
    notesHeading: 'Signed notes',
    notes: summary.notes.map((note) => noteLines(note, summary.notes, formats)),
    noNotes: 'No note was signed for this visit.',
    footer: `Generated ${formats.dateTime(summary.generatedAt)} by VitalBridge station ${summary.stationId}`,
  };
}
