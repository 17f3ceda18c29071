/**
 * Naming the current patient as the FHIR server knows them: the station's settings point at a real
 * FHIR test server (test/fhir-server, loopback, no authentication) holding one Patient; a nurse
 * searches it by identifier from the Records screen, chooses the match, which fills the form, and
 * names the patient, whose record keeps the server's id. The search is audited under the nurse.
 */
import { readAuditEntries } from '../../src/node/audit/audit-log';
import { openRecordsDatabase } from '../../src/node/records/database';
import { FileKeyProvider } from '../../src/node/records/key-provider';
import { RecordStore } from '../../src/node/records/store';
import { confSettingsStorage } from '../../src/node/settings/json-storage';
import { saveSettings } from '../../src/node/settings/settings';
import { noAuthorization } from '../../src/node/sync/access-token';
import { FhirClient } from '../../src/node/sync/fhir-client';
import { createTransport } from '../../src/node/sync/https-transport';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from '../../test/fhir-server/fhir-test-server';
import { VIEWPORTS, expect, screenshot, seriousAxeViolations, test, useWebStation } from './fixtures';

const MRN = 'urn:oid:1.2.36.146.595.217.0.1';
let fhir: FhirTestServer | undefined;

const station = useWebStation([], {
  prepare: async (dataDir) => {
    await indexFhirDefinitions();
    fhir = await startFhirTestServer();
    const client = new FhirClient({ baseUrl: fhir.baseUrl, authorization: noAuthorization, transport: createTransport() });
    const seeded = await client.transaction({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: { resourceType: 'Patient', identifier: [{ system: MRN, value: 'MRN-2042' }], name: [{ family: 'Hopper', given: ['Grace', 'Brewster'] }], birthDate: '1906-12-09', gender: 'female' },
          request: { method: 'POST', url: 'Patient' },
        },
      ],
    });
    if (seeded.status !== 200) throw new Error(`seeding the FHIR test server answered ${seeded.status}`);
    saveSettings(confSettingsStorage(dataDir), { fhirServer: { baseUrl: fhir.baseUrl, auth: 'none' } });
  },
});
test.afterAll(async () => {
  await fhir?.stop();
});

test('a nurse finds the current patient on the FHIR server and names them as the server knows them', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(station.url);
  await station.signIn(page, 'nurse');
  await page.locator('[data-screen-link="records"]').click();
  const form = page.locator('section[aria-labelledby="current-patient-title"]');

  await form.locator('[data-action="find-server-patient"]').click();
  await expect(form.locator('[data-role="server-patient-error"]')).toHaveText('Enter an identifier, or a family name and birth date, to search the FHIR server.');

  await form.getByLabel('Given name').fill('Someone');
  await form.getByLabel('Family name').fill('Nobody');
  await form.getByLabel('Birth date (optional)').fill('1950-01-01');
  await form.locator('[data-action="find-server-patient"]').click();
  await expect(form.locator('[data-role="server-patients"]')).toHaveText('No patient on the FHIR server matches.');

  await form.getByLabel('Identifier (optional, e.g. MRN)').fill(`${MRN}|MRN-2042`);
  await form.locator('[data-action="find-server-patient"]').click();
  const match = form.locator('[data-action="use-server-patient"]');
  await expect(match).toHaveText('Grace Brewster Hopper, born 1906-12-09, MRN-2042');
  const [stored] = await fhir!.resources('Patient');
  await expect(match).toHaveAttribute('data-server-id', stored!.id!);
  for (const [name, size] of [['1024', { width: 1024, height: 768 }], ['laptop', VIEWPORTS.laptop], ['kiosk', VIEWPORTS.kiosk]] as const) {
    await page.setViewportSize(size);
    await screenshot(page, `patient-lookup-${name}`);
  }
  expect(await seriousAxeViolations(page)).toEqual([]);

  await match.click();
  await expect(form.getByLabel('Given name')).toHaveValue('Grace Brewster');
  await expect(form.getByLabel('Family name')).toHaveValue('Hopper');
  await expect(form.getByLabel('Birth date (optional)')).toHaveValue('1906-12-09');
  await expect(form.getByLabel('Gender')).toHaveValue('female');
  await expect(form.getByLabel('Identifier (optional, e.g. MRN)')).toHaveValue('MRN-2042');
  await form.locator('[data-action="name-patient"]').click();
  await expect(form.locator('[data-role="name-patient-done"]')).toHaveText('The current patient is now Grace Brewster Hopper.');

  const db = await openRecordsDatabase({ dataDir: station.dataDir, keyProvider: new FileKeyProvider(station.dataDir) });
  try {
    const searches = readAuditEntries(db, 0, 1_000_000).filter((entry) => entry.action === 'patient.server-search');
    // The refused query never reached the server; the two sent searches did.
    expect(searches.map((entry) => [entry.role, entry.object])).toEqual([
      ['nurse', null],
      ['nurse', null],
    ]);
    // The record keeps the server's Patient, for the sync to send to it.
    const store = new RecordStore(db);
    const named = store.listPatientIds().map((id) => store.getPatient(id)).find((patient) => patient?.familyName === 'Hopper');
    expect(named).toMatchObject({ identifier: 'MRN-2042', serverPatient: { serverId: stored!.id, identifierSystem: MRN } });
  } finally {
    db.close();
  }
});
