import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { Observation } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingInput } from '../records/store';
import { openTestStation, type TestStation } from '../records/test-support';
import { buildPatientBundle, type ExportContext } from './patient-bundle';
import { PatientBundleText } from './patient-bundle-text';

let station: TestStation;
beforeAll(async () => {
  station = await openTestStation();
});
afterAll(() => station.db.close());

/** Readings of several kinds, some of them parts of blood-pressure panels (same device and time). */
const KINDS = [
  ['spo2', '%', 96],
  ['pulseRate', '/min', 72],
  ['systolic', 'mm[Hg]', 121],
  ['diastolic', 'mm[Hg]', 79],
  ['meanArterialPressure', 'mm[Hg]', 93],
  ['bodyTemperature', 'Cel', 36.8],
  ['perfusionIndex', '%', 3.1],
] as const;
const readings = fc.array(
  fc.record({ kind: fc.integer({ min: 0, max: KINDS.length - 1 }), device: fc.constantFrom('cuff', 'ox'), second: fc.integer({ min: 0, max: 20 }), stored: fc.boolean(), scored: fc.boolean() }),
  { maxLength: 60 },
);

const CONTEXT: ExportContext = { stationId: 'station-0001', patientIdentifierSystem: null, careSetting: 'station', softwareVersion: '1.0.0', visits: [] };

/** The bundle with its random id replaced: every resource id is stable, only the bundle's own is new each time. */
function withoutBundleId(bundle: object): unknown {
  return { ...bundle, id: 'bundle' };
}

describe('a bundle written a part at a time', () => {
  it('joins to the same bundle as the one built whole, for any readings and any part size', async () => {
    await fc.assert(
      fc.asyncProperty(readings, fc.integer({ min: 1, max: 3_000 }), async (drawn, partChars) => {
        const patient = station.store.createPatient({ givenName: 'Ünal', familyName: 'O’Brien 😀', birthDate: null, gender: 'other', identifier: null });
        const inputs: ReadingInput[] = drawn.map(({ kind, device, second, stored }) => {
          const [metric, unit, value] = KINDS[kind]!;
          const at = Date.UTC(2025, 0, 15, 9, 0, second);
          return { deviceId: device, metric, unit, value, deviceTime: stored ? new Date(at).toISOString().slice(0, 19) : null, receivedAt: at };
        });
        station.db.transaction(() => inputs.forEach((input) => station.store.recordReading(patient.id, null, input)))();
        // A NEWS2 score derived from up to five of the readings: the bundle names the Observation each became.
        const deviceInputs = inputs.filter((_, index) => drawn[index]!.scored).slice(0, 5);
        station.store.recordNews2Score(patient.id, null, { id: randomUUID(), scoredAt: Date.UTC(2025, 0, 15, 9, 1), total: 0, risk: 'low', scores: {}, chartedInputs: [], deviceInputs });

        const text = new PatientBundleText(station.store, patient, station.clock.now(), CONTEXT);
        const parts: string[] = [];
        while (!text.done) parts.push(text.next(partChars));
        expect(text.readingsDone).toBe(inputs.length);
        const whole = buildPatientBundle(patient, station.store.readings(patient.id), station.store.news2Record(patient.id), station.clock.now(), CONTEXT);
        expect(withoutBundleId(JSON.parse(parts.join('')) as object)).toEqual(withoutBundleId(whole));
        const score = whole.entry?.find((entry) => entry.resource?.resourceType === 'Observation' && entry.resource.code?.text === 'NEWS2 total score')?.resource as Observation;
        const entryUrls = new Set(whole.entry?.map((entry) => entry.fullUrl));
        expect(score.derivedFrom ?? []).toHaveLength(deviceInputs.length);
        for (const input of score.derivedFrom ?? []) expect(entryUrls).toContain(input.reference);
        // Every part but the last reaches the size asked for, and none runs over by more than an entry.
        for (const part of parts.slice(0, -1)) expect(part.length).toBeGreaterThanOrEqual(partChars);
        for (const part of parts) expect(part.length).toBeLessThan(partChars + 2_000);
      }),
      { numRuns: 60 },
    );
  });

  it('reads the record a page at a time and takes in readings recorded while it is being written', () => {
    const patient = station.store.createPatient({ givenName: 'Live', familyName: 'Patient', birthDate: null, gender: 'unknown', identifier: null });
    const record = (second: number) => station.store.recordReading(patient.id, null, { deviceId: 'ox', metric: 'spo2', unit: '%', value: 97, deviceTime: null, receivedAt: Date.UTC(2025, 0, 15, 10, 0, second) });
    station.db.transaction(() => Array.from({ length: 450 }, (_, second) => record(second)))();
    const pages: number[] = [];
    const store = {
      readingsPage(...args: Parameters<typeof station.store.readingsPage>) {
        const page = station.store.readingsPage(...args);
        pages.push(page.length);
        return page;
      },
      news2Record: (patientId: string) => station.store.news2Record(patientId),
      news2InputReadings: (scores: Parameters<typeof station.store.news2InputReadings>[0]) => station.store.news2InputReadings(scores),
    };
    const text = new PatientBundleText(store, patient, station.clock.now(), CONTEXT);
    const parts = [text.next(10_000)];
    record(500);
    while (!text.done) parts.push(text.next(10_000));
    // The reading recorded meanwhile comes with the third page; an empty page ends the record.
    expect(pages).toEqual([200, 200, 51, 0]);
    expect(text.readingsDone).toBe(451);
    // The Patient, the station's Device, the oximeter's Device and the 451 Observations.
    expect((JSON.parse(parts.join('')) as { entry: unknown[] }).entry).toHaveLength(454);
    expect(() => text.next(10_000)).toThrow('the export is complete');
  });
});
