/**
 * npm run bench:summary [-- --smoke]: what building a visit summary costs (issue 14's figure: a
 * 30-minute visit with 1 Hz oximetry, goal under 1 s and under 1 MB). Records such a visit in a
 * fresh encrypted database (SpO2 and pulse every second as a slow random walk with one
 * desaturation, a cuff measurement, NEWS2 every 5 minutes, an alarm, a signed note, two 640×480
 * snapshots), then builds the whole document (gather, PDF, FHIR document with the PDF in its
 * DocumentReference) RUNS times, and, as the baseline in the same run, the same document without
 * the trend charts. Prints the median and the slowest build, the PDF's and the FHIR document's
 * size, and the machine's load.
 */
import { cpus, loadavg } from 'node:os';
import { rmSync } from 'node:fs';
import { STATION_SOFTWARE_VERSION } from '../src/node/fhir/export-settings';
import { openTestStation } from '../src/node/records/test-support';
import { VisitNotes } from '../src/node/records/visit-notes';
import { buildSummaryDocument } from '../src/node/summary/summary-document';
import { gradientPng } from '../src/node/summary/test-visit';
import type { SummarySources } from '../src/node/summary/visit-summary';
import { percentile } from './chromium';
import { smokeOr } from './smoke';

const VISIT_MINUTES = 30;
const RUNS = smokeOr(10, 1);

/** A deterministic pseudo-random sequence (mulberry32), so every run measures the same visit. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function recordVisit() {
  const station = await openTestStation();
  const { store, users, clock, db, audit } = station;
  const { user: nurse } = await users.create({ username: 'nurse.bench', role: 'nurse', password: 'correct horse battery' });
  const patient = store.createPatient({ givenName: 'Bench', familyName: 'Patient', birthDate: '1948-03-02', gender: 'male', identifier: 'MRN-BENCH' });
  const visit = store.startVisit(patient.id, nurse.id);
  const start = clock.time;
  store.recordConsent(patient.id, visit.id, { scope: 'video-visit/2026-01', granted: true }, nurse.id);
  const next = random(14);
  let spo2 = 96;
  let pulse = 78;
  db.transaction(() => {
    for (let second = 0; second < VISIT_MINUTES * 60; second++) {
      const desaturating = second >= 600 && second < 690;
      spo2 = Math.min(100, Math.max(desaturating ? 85 : 92, Math.round(spo2 + (next() - (desaturating ? 0.7 : 0.5)) * 2)));
      pulse = Math.min(130, Math.max(55, Math.round(pulse + (next() - 0.5) * 3)));
      const at = start + second * 1000;
      store.recordReading(patient.id, visit.id, { deviceId: 'oximeter-1', metric: 'spo2', value: spo2, unit: '%', deviceTime: null, receivedAt: at, source: 'pulse-oximeter' });
      store.recordReading(patient.id, visit.id, { deviceId: 'oximeter-1', metric: 'pulseRate', value: pulse, unit: '/min', deviceTime: null, receivedAt: at, source: 'pulse-oximeter' });
    }
    for (const [metric, value] of [['systolic', 134], ['diastolic', 86]] as const) {
      store.recordReading(patient.id, visit.id, { deviceId: 'cuff-1', metric, value, unit: 'mm[Hg]', deviceTime: null, receivedAt: start + 300_000, source: 'blood-pressure-cuff', measurementId: 'bench-bp' });
    }
    for (let minute = 5; minute <= VISIT_MINUTES; minute += 5) {
      store.recordNews2Score(patient.id, visit.id, { id: crypto.randomUUID(), scoredAt: start + minute * 60_000, total: 2, risk: 'low', scores: { spo2: 1, pulse: 1 }, chartedInputs: [], deviceInputs: [] });
    }
  })();
  const alarm = store.raiseAlarm(patient.id, visit.id, { kind: 'physiological', priority: 'medium', condition: 'SpO₂ low' }, start + 640_000);
  clock.time = start + 650_000;
  store.acknowledgeAlarm(alarm.id, nurse.id);
  store.setAlarmEnd(alarm.id, start + 690_000);
  for (const offset of [700_000, 1_200_000]) {
    clock.time = start + offset;
    store.addAttachment(patient.id, visit.id, { kind: 'visit-snapshot', mediaType: 'image/png', content: gradientPng(640, 480) }, nurse.id);
  }
  const notes = new VisitNotes(db, audit, clock.now);
  const author = { id: nurse.id, name: nurse.username, role: 'nurse' } as const;
  const draft = notes.saveDraft(visit.id, author, { reason: 'Routine review', findings: 'Brief desaturation to 85 % at 09:10', assessment: 'Stable', plan: 'Continue home oximetry', followUp: '1 week' }, 1);
  notes.sign(draft.note.id, author, 1);
  clock.time = start + VISIT_MINUTES * 60_000;
  store.endVisit(visit.id);
  const sources: SummarySources = { store, users, notes, stationId: 'station-bench', careSetting: 'home' };
  return { station, sources, visitId: visit.id };
}

async function measure(sources: SummarySources, visitId: string, now: number, charts: boolean) {
  const times: number[] = [];
  let pdfBytes = 0;
  let fhirBytes = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const document = await buildSummaryDocument(sources, visitId, now, { locale: 'en-GB', patientIdentifierSystem: null, softwareVersion: STATION_SOFTWARE_VERSION, charts });
    times.push(performance.now() - started);
    pdfBytes = document.pdf.length;
    fhirBytes = Buffer.byteLength(JSON.stringify(document.fhir.document));
  }
  return { times, pdfBytes, fhirBytes };
}

const { station, sources, visitId } = await recordVisit();
try {
  const now = station.clock.time;
  const loadBefore = loadavg()[0]!;
  const withCharts = await measure(sources, visitId, now, true);
  const baseline = await measure(sources, visitId, now, false);
  const loadAfter = loadavg()[0]!;
  const line = (name: string, result: typeof withCharts) =>
    `${name}: median ${percentile(result.times, 50).toFixed(0)} ms, slowest ${Math.max(...result.times).toFixed(0)} ms (first ${result.times[0]!.toFixed(0)} ms), PDF ${(result.pdfBytes / 1024).toFixed(0)} KiB, FHIR document ${(result.fhirBytes / 1024).toFixed(0)} KiB`;
  console.log(`Visit summary of a ${VISIT_MINUTES}-minute visit with 1 Hz SpO₂ and pulse (${2 * VISIT_MINUTES * 60} readings), ${RUNS} builds each (goal: under 1 s, PDF under 1 MB)`);
  console.log(line('whole document (records, PDF with trend charts, FHIR document)', withCharts));
  console.log(line('baseline: the same without the trend charts', baseline));
  console.log(`Machine load (1-minute average) ${loadBefore.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end, on ${cpus().length} cores.`);
} finally {
  station.db.close();
  rmSync(station.dataDir, { recursive: true, force: true });
}
