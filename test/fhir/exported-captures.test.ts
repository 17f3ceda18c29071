/**
 * Every real device capture (resources/captures/), replayed through its driver, recorded as the
 * hub records readings and exported: the exported Bundle passes the FHIR validation of
 * ./fhir-validation.ts, and so do the sync's transaction entries for the same records.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findDriver } from '../../src/node/drivers/registry';
import { patientExportContext } from '../../src/node/fhir/export-settings';
import { buildPatientBundle } from '../../src/node/fhir/patient-bundle';
import { transactionEntries } from '../../src/node/fhir/transaction-entries';
import { openTestStation } from '../../src/node/records/test-support';
import { CAPTURES_DIR, readCapture, replayFile } from '../replay-helpers';
import { bundleProblems } from './fhir-validation';

const AT = Date.UTC(2025, 0, 15, 9, 0);
const SETTINGS = { patientIdentifierSystem: 'https://clinic.example/mrn', careSetting: 'station' } as const;
const captures = readdirSync(CAPTURES_DIR).filter((name) => name.endsWith('.cap'));

describe('FHIR export of the real captures', { timeout: 60_000 }, () => {
  it.each(captures)('%s: the exported Bundle and the transaction entries pass every FHIR check', async (name) => {
    const manifest = findDriver(readCapture(name).header.device ?? '');
    if (!manifest) throw new Error(`no driver for ${name}`);
    const { observations } = await replayFile(name);
    expect(observations.length).toBeGreaterThan(0);

    const station = await openTestStation();
    try {
      const patient = station.store.createPatient({ givenName: 'Imogen', familyName: 'Fairweather', birthDate: '1950-07-21', gender: 'female', identifier: 'MRN-1' });
      const visit = station.store.startVisit(patient.id, 'station');
      // As the hub records them (hub.ts publishReading): the driver's source and measurement number.
      station.db.transaction(() =>
        observations.forEach((observation, index) =>
          station.store.recordReading(patient.id, visit.id, {
            deviceId: `usb-${name}`,
            source: manifest.source,
            measurementId: observation.measurement === undefined ? null : `session-1:${observation.measurement}`,
            metric: observation.metric,
            value: observation.value,
            unit: observation.unit,
            deviceTime: observation.time,
            receivedAt: AT + index * 1_000,
          }),
        ),
      )();
      const readings = station.store.readings(patient.id);
      const context = patientExportContext(station.store, patient.id, SETTINGS);
      const bundle = buildPatientBundle(patient, readings, station.store.news2Record(patient.id), AT, context);
      expect(bundle.entry?.filter((entry) => entry.resource?.resourceType === 'Observation').length).toBeGreaterThan(0);
      expect(bundleProblems(bundle)).toEqual([]);

      const entries = transactionEntries(context.stationId, { patients: [patient], visits: context.visits.map((v) => ({ ...v, setting: 'station' as const })), devices: [], readings, summaries: [], pleth: [], news2: { charted: [], scores: [], inputReadings: [] } }, { ...SETTINGS, softwareVersion: context.softwareVersion, recordedAt: AT });
      const transaction: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: entries };
      expect(bundleProblems(transaction)).toEqual([]);
    } finally {
      station.db.close();
    }
  });
});
