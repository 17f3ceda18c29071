// The summary shows station-local times; these tests pin the zone (before any formatter exists).
process.env.TZ = 'UTC';

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStation, type TestStation } from '../records/test-support';
import { dateTimeFormats } from '../../shared/display-format';
import { renderSummaryPdf } from './summary-pdf';
import { recordKnownVisit, summarySources, type KnownVisit } from './test-visit';
import { gatherVisitSummary, type VisitSummary } from './visit-summary';

const LOCALE = 'en-GB';
let station: TestStation;
let visit: KnownVisit;
let summary: VisitSummary;
let dir: string;
let pdfPath: string;

/** poppler's text of the PDF, one line per printed line, runs of spaces made one. */
function pdfText(path: string): string[] {
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().replace(/\s{2,}/g, ' '))
    .filter((line) => line !== '');
}

function pdfInfo(path: string): Record<string, string> {
  const text = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
  return Object.fromEntries(text.split('\n').flatMap((line) => (/^([^:]+):\s*(.*)$/.exec(line) ? [[RegExp.$1.trim(), RegExp.$2.trim()]] : [])));
}

beforeAll(async () => {
  station = await openTestStation();
  visit = await recordKnownVisit(station);
  summary = gatherVisitSummary(summarySources(station), visit.visitId, station.clock.time + 5_000);
  dir = mkdtempSync(join(tmpdir(), 'vb-summary-'));
  pdfPath = join(dir, 'summary.pdf');
  writeFileSync(pdfPath, await renderSummaryPdf(summary, { locale: LOCALE }));
});

afterAll(() => {
  station.db.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(station.dataDir, { recursive: true, force: true });
});

describe('the visit summary PDF of a known visit', () => {
  it('prints the patient, the visit, who took part and every section with names, dates and units as on screen', () => {
    const lines = pdfText(pdfPath);
    const expected = [
      'Visit summary',
      'Patient: Imogen Fairweather ID: MRN-1 Born: 21 Jul 1950 Sex: Female',
      'Visit: Video visit',
      'Started: 15 Jan 2025, 09:00',
      'Ended: 15 Jan 2025, 09:03 (3 min)',
      'Who took part',
      'Name Role',
      'nurse.okafor nurse',
      'Dr Amara Osei physician',
      'Signed notes',
      'Note by Dr Amara Osei (physician), signed 15 Jan 2025, 09:02',
      'Reason for visit: Breathless on exertion',
      'Findings: SpO₂ dipped to 88 % for 30 s at rest',
      'Plan: Repeat oximetry tomorrow',
      'Addendum to the note of Dr Amara Osei by nurse.okafor (nurse), signed 15 Jan 2025, 09:02',
      'Patient given the oximeter to take home.',
      'Trends during the visit',
      'Vital signs',
      'Time Measurement Value Unit',
      '09:00 SpO₂ 97 % median of 60, 96–97',
      '09:01 SpO₂ 92 % median of 60, 88–97',
      '09:02 SpO₂ 97 % median of 60, 96–97',
      '09:00 Pulse 74 bpm median of 60, 72–76',
      '09:01:40 Systolic 128 mmHg device time 2025-01-15 09:01:38',
      '09:01:40 Diastolic 82 mmHg device time 2025-01-15 09:01:38',
      'Alarms',
      'Raised Priority Condition Acknowledged Ended',
      '09:01:02 Medium SpO₂ low 09:01:10 by Dr Amara Osei 09:01:31',
      'NEWS2',
      '09:02:00 3 Low',
      'Measurement requests',
      'Asked Measurement Asked by At the station Answered',
      '09:01:30 Omron HEM-790IT Dr Amara Osei started 09:01:35 by 09:01:40: Systolic 128 mmHg,',
      'nurse.okafor Diastolic 82 mmHg',
      '09:01:36 device scale-1 Dr Amara Osei failed: That device is not',
      '(not connected) connected to the station',
      'Consent',
      '15 Jan 2025, 09:00 Video visit (statement 2026-01) nurse.okafor',
      'Snapshots taken during the visit',
      '09:02:10, kept by nurse.okafor',
    ];
    // In this order, each a whole printed line.
    let from = 0;
    for (const line of expected) {
      const at = lines.indexOf(line, from);
      expect(at, `"${line}" after line ${from} of:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
      from = at + 1;
    }
  });

  it('writes times with the formats the station screen binds to its locale (renderer/format/display-format.ts)', () => {
    const { clock: formatClock, dateTime: formatDateTime } = dateTimeFormats(LOCALE);
    const text = pdfText(pdfPath).join('\n');
    const alarm = summary.alarms[0]!;
    expect(text).toContain(`${formatClock(alarm.raisedAt)} Medium`);
    expect(text).toContain(`Started: ${formatDateTime(summary.visit.startedAt)}`);
  });

  it('repeats the patient banner and "Page n of m" with the generated-at time and station on every page', () => {
    const pages = Number(pdfInfo(pdfPath).Pages);
    expect(pages).toBeGreaterThanOrEqual(1);
    for (let page = 1; page <= pages; page++) {
      const lines = execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), pdfPath, '-'], { encoding: 'utf8' }).replace(/[ ]{2,}/g, ' ');
      expect(lines).toContain('Patient: Imogen Fairweather ID: MRN-1 Born: 21 Jul 1950 Sex: Female');
      expect(lines).toContain(`Page ${page} of ${pages}`);
      expect(lines).not.toContain('unsigned draft text');
      expect(lines).toContain('Generated 15 Jan 2025, 09:03 by VitalBridge station station-0001');
    }
  });

  it('is a tagged A4 PDF 1.7 with a title, PDF/A-2b identification and only embedded fonts', () => {
    const info = pdfInfo(pdfPath);
    expect(info.Tagged).toBe('yes');
    expect(info['Page size']).toContain('(A4)');
    expect(info['PDF version']).toBe('1.7');
    expect(info.Title).toBe('Visit summary: Patient: Imogen Fairweather   ID: MRN-1   Born: 21 Jul 1950   Sex: Female');
    const metadata = execFileSync('pdfinfo', ['-meta', pdfPath], { encoding: 'utf8' });
    expect(metadata).toMatch(/<pdfaid:part>2<\/pdfaid:part>\s*<pdfaid:conformance>B<\/pdfaid:conformance>/);
    const fonts = execFileSync('pdffonts', [pdfPath], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font, font).toMatch(/DejaVuSans\S*\s+CID TrueType\s+Identity-H\s+yes yes yes/);
  });

  it('says so, instead of showing empty tables, for a visit with nothing recorded', async () => {
    const patient = station.store.createPatient({ givenName: 'Unnamed', familyName: 'patient', birthDate: null, gender: 'unknown', identifier: null });
    const empty = station.store.startVisit(patient.id, 'station');
    const path = join(dir, 'empty.pdf');
    writeFileSync(path, await renderSummaryPdf(gatherVisitSummary(summarySources(station, 'home'), empty.id, station.clock.time), { locale: LOCALE }));
    const text = pdfText(path).join('\n');
    expect(text).toContain('Patient: Anonymous patient Sex: Unknown');
    expect(text).toContain('Visit: Home visit');
    expect(text).toContain('Ended: still open');
    for (const sentence of ['Nobody signed in took part; the station recorded on its own.', 'No note was signed for this visit.', 'No readings were recorded during this visit.', 'No alarms were raised.', 'No NEWS2 score was recorded.', 'No measurement was requested during this visit.', 'No consent was recorded for this visit.']) {
      expect(text).toContain(sentence);
    }
    expect(text).not.toContain('Trends during the visit');
    expect(text).not.toContain('Snapshots');
  });

  it('never shows an alarm as handled or over when it was not: not acknowledged, not ended', async () => {
    const patient = station.store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: null, gender: 'female', identifier: null });
    const open = station.store.startVisit(patient.id, 'station');
    station.store.raiseAlarm(patient.id, open.id, { kind: 'technical', priority: 'low', condition: 'Oximeter probe off' }, station.clock.time);
    const path = join(dir, 'open-alarm.pdf');
    writeFileSync(path, await renderSummaryPdf(gatherVisitSummary(summarySources(station), open.id, station.clock.time), { locale: LOCALE }));
    expect(pdfText(path)).toContain('09:03:00 Low Oximeter probe off not acknowledged not ended');
  });
});
