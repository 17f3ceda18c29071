/**
 * The records screen in web mode: a physician names the station's anonymous current patient and
 * exports the record as a FHIR bundle (a real download); an administrator erases a patient from an
 * earlier launch, seeded into the data folder before the start, and checks the audit trail, which
 * holds every one of these acts under the person who did them.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { readAuditEntries, type AuditEntry } from '../../src/node/audit/audit-log';
import { UserDirectory } from '../../src/node/identity/users';
import { openRecordsDatabase } from '../../src/node/records/database';
import { FileKeyProvider } from '../../src/node/records/key-provider';
import { RecordStore } from '../../src/node/records/store';
import { expect, screenshot, seriousAxeViolations, test, tile, useWebStation } from './fixtures';
import { nameCurrentPatient } from './patient-naming';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const MDC = 'urn:iso:std:iso:11073:10101';

/** The patient of an earlier launch, as its records would hold them. */
let earlierPatientId = '';

async function openRecords<T>(dataDir: string, read: (db: Awaited<ReturnType<typeof openRecordsDatabase>>) => T): Promise<T> {
  const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const station = useWebStation([], {
  prepare: (dataDir) =>
    openRecords(dataDir, (db) => {
      // A launch of yesterday: its visit ended long before this start, so the station opens a new patient.
      const store = new RecordStore(db, () => Date.now() - 86_400_000);
      const patient = store.createPatient({ givenName: 'Erasmus', familyName: 'Earlier', birthDate: '1944-02-29', gender: 'male', identifier: 'MRN-OLD-1' });
      const visit = store.startVisit(patient.id, 'station');
      for (const [metric, value, unit] of [['spo2', 96, '%'], ['pulseRate', 71, '/min'], ['spo2', 95, '%']] as const) {
        store.recordReading(patient.id, visit.id, { deviceId: 'sim-oximeter', metric, value, unit, deviceTime: null, receivedAt: Date.now() - 86_400_000 });
      }
      store.endVisit(visit.id);
      earlierPatientId = patient.id;
    }),
});

const row = (page: Page, patientId: string) => page.locator(`[data-patient-id="${patientId}"]`);
const currentRow = (page: Page) => page.locator('[data-patient-id][data-current]');

async function auditTrail(): Promise<{ entries: AuditEntry[]; userId(username: string): string }> {
  return openRecords(station.dataDir, (db) => {
    const users = new UserDirectory(db);
    const ids = new Map(users.list().map((user) => [user.username, user.id]));
    return {
      entries: readAuditEntries(db, 0, 1_000_000),
      userId(username: string) {
        const id = ids.get(username);
        if (!id) throw new Error(`no user ${username}`);
        return id;
      },
    };
  });
}

type Resource = { resourceType: string; [key: string]: unknown };
type Coding = { system: string; code: string };

test('a physician names the current patient and exports the record as a FHIR bundle', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(station.url);
  const physician = await station.signIn(page, 'physician');
  // The simulated oximeter is recording under the current patient.
  await expect(tile(page, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  // One cuff measurement: its systolic, diastolic, mean and pulse arrive milliseconds apart.
  await page.locator('[data-device-id]').filter({ hasText: /pressure/i }).locator('[data-action="request-measurement"]').click();
  await expect(tile(page, 'systolic')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });

  await page.locator('[data-screen-link="records"]').click();
  await expect(currentRow(page)).toContainText('Unnamed patient');
  await expect(row(page, earlierPatientId)).toContainText('Erasmus Earlier');
  // A physician exports but never erases.
  await expect(page.locator('[data-action="erase-record"]')).toHaveCount(0);

  await nameCurrentPatient(page);
  await expect(currentRow(page)).toContainText('Zoë Okonkwo-Smith');
  const currentId = await currentRow(page).getAttribute('data-patient-id');
  // Readings are written once a second; the list shows them once asked again.
  await expect
    .poll(
      async () => {
        await page.locator('[data-action="refresh-records"]').click();
        return Number((await currentRow(page).locator('td').nth(1).innerText()).replace(/\D/g, ''));
      },
      { timeout: 15_000 },
    )
    .toBeGreaterThan(1);

  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, 'records-physician');

  // The cuff's readings are written with the next batch (once a second).
  await expect.poll(() => openRecords(station.dataDir, (db) => new RecordStore(db).readings(currentId ?? '').filter((r) => r.deviceId.includes('bp-cuff')).length), { timeout: 10_000 }).toBe(4);
  const downloading = page.waitForEvent('download');
  await currentRow(page).locator('[data-action="export-record"]').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^vitalbridge-patient-[0-9a-f]{8}-\d{4}-\d{2}-\d{2}\.fhir\.json$/);
  expect(download.suggestedFilename()).toContain(`vitalbridge-patient-${currentId?.slice(0, 8)}-`);
  await expect(page.locator('[data-role="records-notice"]')).toContainText(download.suggestedFilename());

  const bundle = JSON.parse(await readFile(await download.path(), 'utf8')) as { resourceType: string; type: string; entry: { resource: Resource }[] };
  expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
  const resources = bundle.entry.map((entry) => entry.resource);
  // The Patient's id is derived from the station and the record (stable across exports), not the record's own id.
  const patients = resources.filter((resource) => resource.resourceType === 'Patient');
  expect(patients).toEqual([
    expect.objectContaining({
      name: [{ family: 'Okonkwo-Smith', given: ['Zoë'] }],
      gender: 'female',
      birthDate: '1961-05-17',
      identifier: expect.arrayContaining([expect.objectContaining({ use: 'usual', value: 'MRN-4711', type: expect.objectContaining({ coding: [expect.objectContaining({ code: 'MR' })] }) })]),
    }),
  ]);
  const patientReference = { reference: `urn:uuid:${patients[0]!.id as string}`, type: 'Patient' };
  const observations = resources.filter((resource) => resource.resourceType === 'Observation') as (Resource & { code: { coding: Coding[] }; valueQuantity?: { system: string; code: string; value: number } })[];
  const oxygen = observations.filter((observation) => observation.code.coding.some((coding) => coding.system === LOINC && coding.code === '59408-5'));
  expect(oxygen.length).toBeGreaterThan(0);
  for (const observation of oxygen) {
    expect(observation.code.coding).toEqual(expect.arrayContaining([expect.objectContaining({ system: LOINC, code: '2708-6' })]));
    expect(observation.valueQuantity).toMatchObject({ system: UCUM, code: '%' });
    expect(observation.subject).toEqual(patientReference);
  }
  const pulse = observations.filter((observation) => observation.code.coding.some((coding) => coding.system === LOINC && coding.code === '8867-4'));
  expect(pulse.length).toBeGreaterThan(0);
  for (const observation of pulse) expect(observation.valueQuantity).toMatchObject({ system: UCUM, code: '/min' });
  // The cuff's measurement is exactly one panel with both components, and its pulse is coded as a cuff's.
  const panels = observations.filter((observation) => observation.code.coding.some((coding) => coding.system === LOINC && coding.code === '85354-9'));
  expect(panels).toHaveLength(1);
  const components = (panels[0] as unknown as { component: { code: { coding: Coding[] }; valueQuantity?: { value: number } }[] }).component;
  for (const part of ['8480-6', '8462-4']) {
    const component = components.find((c) => c.code.coding.some((coding) => coding.code === part));
    expect(component?.valueQuantity?.value, `component ${part}`).toEqual(expect.any(Number));
  }
  const mdcOfPulse = pulse.map((observation) => observation.code.coding.find((coding) => coding.system === MDC)?.code);
  expect(mdcOfPulse).toContain('149546');
  expect(mdcOfPulse).toContain('149530');

  const trail = await auditTrail();
  const mine = trail.entries.filter((entry) => entry.actor === trail.userId(physician.username));
  expect(mine.map((entry) => [entry.action, entry.object])).toEqual(
    expect.arrayContaining([
      ['patient.view', currentId],
      ['patient.list', null],
      ['patient.edit', currentId],
      ['record.export', currentId],
    ]),
  );
  // Viewed once for the session, however often the screen asked.
  expect(mine.filter((entry) => entry.action === 'patient.view')).toHaveLength(1);
  expect(JSON.stringify(trail.entries)).not.toMatch(/Zoë|Okonkwo|MRN-4711/);
});

test('an administrator erases a patient of an earlier launch, and the audit trail verifies', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(station.url);
  const administrator = await station.signIn(page, 'administrator');
  // Administrators see no clinical screens; the records screen is theirs for requests.
  await expect(page.locator('[data-screen-link="monitor"]')).toHaveCount(0);
  await page.locator('[data-screen-link="records"]').click();
  await expect(row(page, earlierPatientId)).toContainText('Erasmus Earlier');
  await expect(currentRow(page).locator('[data-action="erase-record"]')).toHaveCount(0);
  await expect(currentRow(page).locator('[data-role="erase-unavailable"]')).toHaveText('Recording now: end the visit first');

  await row(page, earlierPatientId).locator('[data-action="erase-record"]').click();
  const dialog = page.locator('[data-role="erase-dialog"]');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('3 readings');
  await expect(dialog.locator('[data-action="confirm-erase"]')).toBeDisabled();
  await dialog.getByLabel('Type ERASE to confirm').fill('erase');
  await expect(dialog.locator('[data-action="confirm-erase"]')).toBeDisabled();
  await dialog.getByLabel('Type ERASE to confirm').fill('ERASE');
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, 'records-erase-dialog');
  await dialog.locator('[data-action="confirm-erase"]').click();

  await expect(dialog).toHaveCount(0);
  await expect(row(page, earlierPatientId)).toHaveCount(0);
  // The queue held the patient, the visit, its readings and, since the visit ended, its summary.
  await expect(page.locator('[data-role="records-notice"]')).toHaveText("Erased Erasmus Earlier's record: removed 1 patient record, 7 FHIR sync queue entries, 3 readings, 1 visit.");
  await expect(currentRow(page)).toBeVisible();

  await page.locator('[data-action="verify-audit"]').click();
  const result = page.locator('[data-role="audit-result"]');
  await expect(result).toHaveAttribute('data-ok', 'true');
  await expect(result).toContainText('Intact');
  expect(Number((await result.locator('[data-role="audit-entries"]').innerText()).replace(/\D/g, ''))).toBeGreaterThan(5);
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, 'records-administrator');

  const trail = await auditTrail();
  const theirs = trail.entries.filter((entry) => entry.actor === trail.userId(administrator.username)).map((entry) => [entry.action, entry.object]);
  expect(theirs).toEqual(expect.arrayContaining([['record.erase', earlierPatientId], ['audit.view', null]]));
  expect(theirs.some(([action]) => action === 'patient.view')).toBe(false);
  await openRecords(station.dataDir, (db) => expect(new RecordStore(db).getPatient(earlierPatientId)).toBeNull());
});
