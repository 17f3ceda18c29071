import type { Bundle, Resource } from '@medplum/fhirtypes';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleProblems } from '../../../../test/fhir/fhir-validation';
import { stationId } from '../../audit/audit-log';
import { StationIds } from '../../fhir/stable-ids';
import { auditTrail, openTestStation } from '../../records/test-support';
import { confSettingsStorage } from '../../settings/json-storage';
import { DEFAULT_SETTINGS } from '../../settings/schema';
import { saveSettings } from '../../settings/settings';
import { runCli } from '../run-cli';

const AT = Date.UTC(2025, 0, 15, 9, 0);

/** A station's data folder with one patient: a visit, oximetry, a blood-pressure measurement and a charted NEWS2 input. */
async function stationWithPatient() {
  const station = await openTestStation();
  saveSettings(confSettingsStorage(station.dataDir), { ...DEFAULT_SETTINGS, records: { patientIdentifierSystem: 'https://clinic.example/mrn', careSetting: 'station' } });
  const patient = station.store.createPatient({ givenName: 'Imogen', familyName: 'Fairweather', birthDate: '1950-07-21', gender: 'female', identifier: 'MRN-1' });
  const visit = station.store.startVisit(patient.id, 'station');
  station.db.transaction(() => {
    for (let minute = 0; minute < 30; minute++) station.store.recordReading(patient.id, visit.id, { deviceId: 'ox', metric: 'spo2', unit: '%', value: 95 + (minute % 3), deviceTime: null, receivedAt: AT + minute * 60_000 });
    for (const [metric, value] of [['systolic', 128], ['diastolic', 82]] as const) {
      station.store.recordReading(patient.id, visit.id, { deviceId: 'cuff', metric, unit: 'mm[Hg]', value, deviceTime: null, receivedAt: AT, measurementId: 'm1', source: 'blood-pressure-cuff' });
    }
  })();
  const ids = new StationIds(stationId(station.db));
  station.db.close();
  return { dataDir: station.dataDir, patientId: patient.id, ids };
}

async function exportCli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['export', ...args], { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), signal: new AbortController().signal });
  return { code, stdout, stderr };
}

describe('export verb', { timeout: 60_000 }, () => {
  it('writes the patient as a valid collection Bundle, owner-only, with the settings’ identifier system, audited as cli', async () => {
    const { dataDir, patientId, ids } = await stationWithPatient();
    const out = join(dataDir, 'patient.fhir.json');
    const result = await exportCli('--patient', patientId, '--out', out, '--data-dir', dataDir);
    expect(result).toEqual({ code: 0, stdout: `exported patient ${patientId} to ${out} (bundle)\n`, stderr: '' });
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as Bundle;
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const types = (bundle.entry ?? []).map((entry) => entry.resource?.resourceType);
    // Patient, the station's Device, the visit's Encounter, the oximeter's Device, 30 SpO2, the cuff's Device, one BP panel.
    expect(types.filter((type) => type === 'Observation')).toHaveLength(31);
    expect(new Set(types)).toEqual(new Set(['Patient', 'Device', 'Encounter', 'Observation']));
    expect(bundle.entry?.[0]?.resource).toMatchObject({ id: ids.uuid('patient', patientId), identifier: [{ system: 'https://clinic.example/mrn', value: 'MRN-1' }, {}] });
    expect(bundleProblems(bundle)).toEqual([]);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect((await auditTrail(dataDir)).at(-1)).toEqual({ actor: 'cli', role: 'system', action: 'record.export', object: patientId });
  });

  it('writes NDJSON: one resource a line, the same resources with the same ids as the Bundle', async () => {
    const { dataDir, patientId } = await stationWithPatient();
    const bundleFile = join(dataDir, 'patient.json');
    const ndjsonFile = join(dataDir, 'patient.ndjson');
    expect((await exportCli('--patient', patientId, '--out', bundleFile, '--data-dir', dataDir)).code).toBe(0);
    expect((await exportCli('--patient', patientId, '--out', ndjsonFile, '--format', 'ndjson', '--data-dir', dataDir)).code).toBe(0);
    const text = readFileSync(ndjsonFile, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as Resource);
    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8')) as Bundle;
    expect(lines).toEqual(bundle.entry?.map((entry) => entry.resource));
  });

  it('refuses bad input with exit 2, writing nothing and overwriting nothing', async () => {
    const { dataDir, patientId } = await stationWithPatient();
    const existing = join(dataDir, 'existing.json');
    writeFileSync(existing, 'keep me');
    const before = (await auditTrail(dataDir)).length;
    const refusals = [
      [['--patient', patientId, '--out', existing], 'already exists'],
      [['--patient', 'no-such-patient', '--out', join(dataDir, 'a.json')], 'no patient has the id no-such-patient'],
      [['--patient', patientId, '--out', join(dataDir, 'b.json'), '--format', 'csv'], '--format must be bundle or ndjson, not csv'],
      [['--out', join(dataDir, 'c.json')], '--patient ID is required'],
      [['--patient', patientId], '--out FILE is required'],
    ] as const;
    for (const [args, message] of refusals) {
      const result = await exportCli(...args, '--data-dir', dataDir);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
    }
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    for (const name of ['a.json', 'b.json', 'c.json']) expect(existsSync(join(dataDir, name))).toBe(false);
    expect(readdirSync(dataDir).filter((name) => name.endsWith('.partial'))).toEqual([]);
    // Nothing was exported, so nothing was audited.
    expect(await auditTrail(dataDir)).toHaveLength(before);
  });

  it('prints its usage with --help and exits 0', async () => {
    const result = await exportCli('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: npm run -s cli -- export --patient ID --out FILE [--format bundle|ndjson]');
  });
});
