// The file name gives the visit's local start; these tests pin the zone.
process.env.TZ = 'UTC';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StationMethodName } from '../../../shared/contract';
import { EXPORT_CHUNK_CHARS } from '../../../shared/contract-records';
import type { StationRole } from '../../../shared/roles';
import { ClinicalRecords } from '../../records/clinical-records';
import { recordKnownVisit, summarySources, type KnownVisit } from '../../summary/test-visit';
import { auditHead, openAccessBench, type AccessBench } from '../access/access-test-support';
import type { ScreenAccess } from '../access/station-access';
import { invokeContract, type ContractHandlers } from '../contract-session';
import { callThroughGate } from '../contract-test-support';
import { standInHandlers } from '../stand-in-handlers';
import { PendingExports } from './patient-exports';
import { createRecordsHandlers } from './records-handlers';
import { createSummaryHandlers } from './summary-handlers';

let bench: AccessBench;
let handlers: ContractHandlers;
let visit: KnownVisit;
/** What the stand-in recorder commits when flushed (a reading still queued when the summary is asked for). */
let queued: (() => void) | null = null;

beforeEach(async () => {
  bench = await openAccessBench();
  const { store, audit, auth, clock } = bench.station;
  visit = await recordKnownVisit(bench.station);
  // The screens' gate checks a kiosk session against the station's current patient: this visit's.
  bench.patient.id = visit.patientId;
  const exports = new PendingExports(clock.now);
  const clinical = new ClinicalRecords(store, auth, audit, clock.now);
  handlers = standInHandlers(
    {
      ...createRecordsHandlers({ store, clinical, audit, encounter: () => ({ patientId: 'not-this-one', namePatient: () => { throw new Error('not used'); } }), now: clock.now, exports }),
      ...createSummaryHandlers({ sources: summarySources(bench.station), encounter: () => ({ patientId: visit.patientId, visitId: visit.visitId }), flushRecorder: async () => queued?.(), authenticator: auth, audit, exports, document: { locale: 'en-GB', patientIdentifierSystem: null, softwareVersion: '1.0.0' }, now: clock.now }),
    },
    clock.now,
  );
});
afterEach(() => {
  queued = null;
  return bench.close();
});

async function signedIn(role: StationRole): Promise<ScreenAccess> {
  const screen = bench.screen().access;
  const outcome = await screen.signIn((await bench.account(role)).credentials());
  if (!outcome.ok) throw new Error(`sign-in as ${role} failed: ${outcome.reason}`);
  return screen;
}

/** Through the contract gate, as a screen's invoke arrives; throws unless the call succeeded. */
const call = <M extends StationMethodName>(screen: ScreenAccess, method: M, input: unknown) => callThroughGate(handlers, screen, method, input);

/** The whole file, read part after part as the Records screen does. */
async function download(screen: ScreenAccess, format: 'pdf' | 'fhir') {
  const started = await call(screen, 'exportVisitSummary', { visitId: visit.visitId, format });
  const parts = [started.first.text];
  let part = started.first;
  while (!part.done) {
    part = await call(screen, 'readPatientExportChunk', { exportId: started.exportId, index: part.index + 1 });
    parts.push(part.text);
  }
  return { started, text: parts.join(''), parts: parts.length };
}

describe('downloading a visit summary from the Records screen', () => {
  it('gives the PDF as base64 in parts, named by the visit start and nobody’s name, audited as an export of the visit', async () => {
    const screen = await signedIn('physician');
    const from = auditHead(bench);
    const { started, text, parts } = await download(screen, 'pdf');
    expect(started).toMatchObject({ fileName: 'visit-summary-2025-01-15-0900.pdf', mediaType: 'application/pdf', encoding: 'base64' });
    const pdf = Buffer.from(text, 'base64');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(parts).toBe(Math.ceil(text.length / EXPORT_CHUNK_CHARS));
    const trail = bench.auditSince(from).map(({ role, action, object }) => ({ role, action, object }));
    expect(trail).toEqual([{ role: 'physician', action: 'record.export', object: `summary:${visit.visitId}` }]);
  });

  it('gives the FHIR document as JSON text', async () => {
    const { started, text } = await download(await signedIn('administrator'), 'fhir');
    expect(started).toMatchObject({ fileName: 'visit-summary-2025-01-15-0900.fhir.json', mediaType: 'application/fhir+json', encoding: 'text' });
    const bundle = JSON.parse(text) as { resourceType: string; type: string; entry: { resource: { resourceType: string } }[] };
    expect([bundle.resourceType, bundle.type, bundle.entry[0]?.resource.resourceType]).toEqual(['Bundle', 'document', 'Composition']);
  });

  it('refuses a nurse (no record.export) and an unknown visit, and audits nothing then', async () => {
    const from = auditHead(bench);
    const nurse = await invokeContract(handlers, await signedIn('nurse'), 'exportVisitSummary', { visitId: visit.visitId, format: 'pdf' });
    expect(nurse.ok ? 'accepted' : nurse.error.code).toBe('forbidden');
    const unknown = await invokeContract(handlers, await signedIn('physician'), 'exportVisitSummary', { visitId: 'no-such-visit', format: 'pdf' });
    expect(unknown.ok ? 'accepted' : unknown.error.message).toMatch(/No such visit/);
    expect(bench.auditSince(from).filter((entry) => entry.action === 'record.export')).toEqual([]);
  });
});

describe('the current visit’s summary on screen', () => {
  it('gives staff the whole banner and the kiosk patient their first name only, audited as a view of the patient', async () => {
    const physician = await signedIn('physician');
    const staff = await call(physician, 'getCurrentVisitSummary', undefined);
    expect(staff.banner).toBe('Patient: Imogen Fairweather   ID: MRN-1   Born: 21 Jul 1950   Sex: Female');
    expect(staff.tables.map((table) => table.heading)).toEqual(['Who took part', 'Vital signs', 'Alarms', 'NEWS2', 'Measurement requests', 'Consent']);

    const kiosk = bench.screen().access;
    const opened = await bench.station.auth.signIn((await bench.account('kiosk')).credentials(), visit.patientId);
    if (!opened.ok) throw new Error(`kiosk session refused: ${opened.reason}`);
    kiosk.adopt(opened.session);
    const from = auditHead(bench);
    const own = await call(kiosk, 'getCurrentVisitSummary', undefined);
    expect(own.banner).toBe('Your visit, Imogen');
    expect(JSON.stringify(own)).not.toContain('Fairweather');
    expect(bench.auditSince(from).map(({ role, action, object }) => ({ role, action, object }))).toEqual([{ role: 'kiosk', action: 'patient.view', object: visit.patientId }]);
  });

  it('waits for the recorder first: a reading still queued when the patient presses Finish is in their summary', async () => {
    const { store, clock } = bench.station;
    queued = () => store.recordReading(visit.patientId, visit.visitId, { deviceId: 'thermo-1', metric: 'bodyTemperature', value: 37.2, unit: 'Cel', deviceTime: null, receivedAt: clock.time, source: 'thermometer' });
    const summary = await call(await signedIn('nurse'), 'getCurrentVisitSummary', undefined);
    expect(summary.tables.find((table) => table.heading === 'Vital signs')?.rows.some((row) => row[1] === 'Temperature' && row[2] === '37.2' && row[3] === '°C')).toBe(true);
  });
});

describe("printing a visit's summary on the station's printer", () => {
  const printHandlers = (printPdf?: (pdf: Buffer, title: string) => Promise<void>) => {
    const { audit, auth, clock } = bench.station;
    return standInHandlers(
      createSummaryHandlers({
        sources: summarySources(bench.station),
        encounter: () => ({ patientId: visit.patientId, visitId: visit.visitId }),
        flushRecorder: async () => queued?.(),
        authenticator: auth,
        audit,
        exports: new PendingExports(clock.now),
        document: { locale: 'en-GB', patientIdentifierSystem: null, softwareVersion: '1.0.0' },
        printPdf,
        now: clock.now,
      }),
      clock.now,
    );
  };

  it('prints the named visit for a physician and the current visit for the kiosk, each PDF whole and audited as leaving on paper', async () => {
    const printed: { pdf: Buffer; title: string }[] = [];
    const station = printHandlers(async (pdf, title) => void printed.push({ pdf, title }));
    const physician = await signedIn('physician');
    const from = auditHead(bench);
    expect(await callThroughGate(station, physician, 'printVisitSummary', { visitId: visit.visitId })).toEqual({ printed: true });
    const kiosk = bench.screen().access;
    const opened = await bench.station.auth.signIn((await bench.account('kiosk')).credentials(), visit.patientId);
    if (!opened.ok) throw new Error(`kiosk session refused: ${opened.reason}`);
    kiosk.adopt(opened.session);
    expect(await callThroughGate(station, kiosk, 'printVisitSummary', {})).toEqual({ printed: true });
    expect(printed.map(({ title }) => title)).toEqual(['visit-summary-2025-01-15-0900.pdf', 'visit-summary-2025-01-15-0900.pdf']);
    for (const { pdf } of printed) {
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    }
    expect(bench.auditSince(from).filter((entry) => entry.action === 'record.export').map(({ role, object }) => [role, object])).toEqual([
      ['physician', `print:${visit.visitId}`],
      ['kiosk', `print:${visit.visitId}`],
    ]);
  });

  it('answers printed: false where the station has no printer (web mode), builds and audits nothing; refuses a nurse a named visit and a printer failure is an error', async () => {
    const physician = await signedIn('physician');
    const from = auditHead(bench);
    expect(await callThroughGate(printHandlers(), physician, 'printVisitSummary', { visitId: visit.visitId })).toEqual({ printed: false });
    expect(bench.auditSince(from).filter((entry) => entry.action === 'record.export')).toEqual([]);
    const nurse = await signedIn('nurse');
    expect(await invokeContract(printHandlers(async () => undefined), nurse, 'printVisitSummary', { visitId: visit.visitId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invokeContract(printHandlers(() => Promise.reject(new Error('printing failed: out of paper'))), physician, 'printVisitSummary', { visitId: visit.visitId })).toEqual({
      ok: false,
      error: { code: 'failed', message: 'printing failed: out of paper' },
    });
  });
});
