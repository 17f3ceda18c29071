import { describe, expect, it } from 'vitest';
import { stationId } from '../../audit/audit-log';
import { StationIds } from '../../fhir/stable-ids';
import { checkPcd01 } from '../../hl7/pcd01-check';
import { checkPcd04 } from '../../hl7/pcd04-check';
import { auditTrail, openTestStation } from '../../records/test-support';
import { confSettingsStorage } from '../../settings/json-storage';
import { DEFAULT_SETTINGS } from '../../settings/schema';
import { saveSettings } from '../../settings/settings';
import { runCli } from '../run-cli';

const AT = Date.UTC(2026, 11, 7, 9, 0);

async function stationWithPatient() {
  const station = await openTestStation();
  saveSettings(confSettingsStorage(station.dataDir), { ...DEFAULT_SETTINGS, hl7Output: { ...DEFAULT_SETTINGS.hl7Output, batchReadings: 4 } });
  const patient = station.store.createPatient({ givenName: 'Imogen', familyName: 'Fair|weather', birthDate: '1950-07-21', gender: 'female', identifier: 'MRN-1' });
  station.db.transaction(() => {
    for (let minute = 0; minute < 6; minute++) station.store.recordReading(patient.id, null, { deviceId: 'ox', metric: 'spo2', unit: '%', value: 95, deviceTime: null, receivedAt: AT + minute * 60_000, source: 'pulse-oximeter' });
  })();
  station.db.close();
  return { dataDir: station.dataDir, patientId: patient.id };
}

async function hl7Cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['hl7', ...args], { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), signal: new AbortController().signal });
  return { code, stdout, stderr };
}

const messagesOf = (stdout: string) => stdout.split('\n\n').filter(Boolean).map((message) => message.split('\n').join('\r'));

describe('hl7 verb', { timeout: 60_000 }, () => {
  it('prints the patient\'s readings as checked PCD-01 messages in batches, audited as cli', async () => {
    const { dataDir, patientId } = await stationWithPatient();
    const result = await hl7Cli('--patient', patientId, '--data-dir', dataDir);
    expect(result).toMatchObject({ code: 0, stderr: 'hl7: 2 messages\n' });
    const messages = messagesOf(result.stdout);
    expect(messages.map((message) => message.split('\r').filter((line) => line.startsWith('OBX|')).length)).toEqual([4, 2]);
    for (const message of messages) expect(checkPcd01(message)).toEqual([]);
    expect(messages[0]).toContain('|PREVIEW-1|P|2.6|');
    expect(messages[0]).toContain('|Fair\\F\\weather^Imogen^^^^^L|');
    expect((await auditTrail(dataDir)).at(-1)).toEqual({ actor: 'cli', role: 'system', action: 'record.export', object: `hl7:${patientId}` });
  });

  it('prints only what was received at or after --since', async () => {
    const { dataDir, patientId } = await stationWithPatient();
    const result = await hl7Cli('--patient', patientId, '--since', new Date(AT + 4 * 60_000).toISOString(), '--data-dir', dataDir);
    expect(result.code).toBe(0);
    const obx = messagesOf(result.stdout).flatMap((message) => message.split('\r').filter((line) => line.startsWith('OBX|')));
    expect(obx.map((line) => line.split('|')[14])).toEqual(['20261207090400.000+0000', '20261207090500.000+0000']);
  });

  it('with --alarms also prints the alarms as checked PCD-04 reports: start, acknowledgement, end', async () => {
    const { dataDir, patientId } = await stationWithPatient();
    const station = await openTestStation(dataDir);
    station.clock.time = AT + 60_000; // the acknowledgement's time
    const ids = new StationIds(stationId(station.db));
    const source = { key: 'physiological:spo2:low', value: 87, unit: '%', limit: 90 };
    const alarm = station.store.raiseAlarm(patientId, null, { kind: 'physiological', priority: 'high', condition: 'SpO₂ low', source }, AT + 30_000);
    station.store.acknowledgeAlarm(alarm.id, 'nurse-1');
    station.store.setAlarmEnd(alarm.id, AT + 90_000);
    station.store.raiseAlarm(patientId, null, { kind: 'physiological', priority: 'high', condition: 'SpO₂ low, before --since', source }, AT - 60_000);
    station.store.raiseAlarm(patientId, null, { kind: 'technical', priority: 'medium', condition: 'recorded without its source' }, AT + 40_000);
    station.db.close();
    expect((await hl7Cli('--patient', patientId, '--data-dir', dataDir)).stdout).not.toContain('ORU^R40');
    const result = await hl7Cli('--patient', patientId, '--since', new Date(AT).toISOString(), '--alarms', '--data-dir', dataDir);
    expect(result).toMatchObject({ code: 0, stderr: 'hl7: 5 messages\n' });
    const reports = messagesOf(result.stdout).slice(2);
    for (const report of reports) expect(checkPcd04(report)).toEqual([]);
    const facet = (report: string, n: number) => report.split('\r').find((line) => line.startsWith(`OBX|${n}|`))!.split('|')[5];
    expect(reports.map((report) => [facet(report, 3), facet(report, 4), facet(report, 5)])).toEqual([
      ['start', 'active', 'enabled'],
      ['update', 'active', 'alert-acknowledged'],
      ['end', 'inactive', 'alert-acknowledged'],
    ]);
    expect(reports.map((report) => report.split('\r').find((line) => line.startsWith('OBR|'))!.split('|')[3])).toEqual(Array(3).fill(`${alarm.id}^VitalBridge^${ids.stationId}^L`));
    expect(reports[0]).toContain('|PREVIEW-3|P|2.6|');
  });

  it('refuses an unknown patient and a time it cannot read (exit 2)', async () => {
    const { dataDir, patientId } = await stationWithPatient();
    expect(await hl7Cli('--patient', 'nobody', '--data-dir', dataDir)).toMatchObject({ code: 2, stdout: '' });
    expect(await hl7Cli('--patient', patientId, '--since', 'yesterday', '--data-dir', dataDir)).toMatchObject({ code: 2, stdout: '' });
    expect(await hl7Cli('--data-dir', dataDir)).toMatchObject({ code: 2 });
  });
});
