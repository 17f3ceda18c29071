/**
 * Sending a visit's pleth to the FHIR server from the Records screen, against the validating FHIR
 * test server (test/fhir-server, loopback, no authentication): a physician opens a patient's visits,
 * sends one visit's pleth and reads the result line; the server then holds one SampledData
 * Observation per 10 s segment, and a second request queues nothing twice. A nurse is not offered it.
 */
import type { Observation } from '@medplum/fhirtypes';
import type { Page } from '@playwright/test';
import { openRecordsDatabase } from '../../src/node/records/database';
import { FileKeyProvider } from '../../src/node/records/key-provider';
import { RecordStore } from '../../src/node/records/store';
import { confSettingsStorage } from '../../src/node/settings/json-storage';
import { saveSettings } from '../../src/node/settings/settings';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from '../../test/fhir-server/fhir-test-server';
import { VIEWPORTS, expect, screenshotsAt, test, useWebStation } from './fixtures';

const SEGMENTS = 2;
const SIZES = [['1024', { width: 1024, height: 768 }], ['laptop', VIEWPORTS.laptop]] as const;

const shoot = (page: Page, name: string) => screenshotsAt(page, name, SIZES);

test.describe("a visit's pleth", () => {
  let fhir: FhirTestServer | undefined;
  const station = useWebStation([], {
    prepare: async (dataDir) => {
      await indexFhirDefinitions();
      fhir = await startFhirTestServer();
      const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
      try {
        // A visit of Ada's with 20 s of an oximeter's pleth, ended an hour ago: longer than the
        // station resumes a visit after (RESUME_WITHIN_MS), so the live simulator adds nothing to it.
        const start = Date.now() - 2 * 3_600_000;
        const store = new RecordStore(db, () => start);
        const patient = store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: '1955-12-10', gender: 'female', identifier: null });
        const visit = store.startVisit(patient.id, 'nurse-1');
        for (let segment = 0; segment < SEGMENTS; segment += 1) {
          const samples = Array.from({ length: 600 }, (_, i) => 64 + Math.round(40 * Math.sin((segment * 600 + i) / 9)));
          store.recordWaveform(patient.id, visit.id, { deviceId: 'ox-1', metric: 'pleth', rateHz: 60, startedAt: start + segment * 10_000, samples, scale: { min: 0, max: 127 } });
        }
        new RecordStore(db, () => start + 3_600_000).endVisit(visit.id);
      } finally {
        db.close();
      }
      saveSettings(confSettingsStorage(dataDir), { fhirServer: { baseUrl: fhir.baseUrl, auth: 'none' } });
    },
  });
  test.afterAll(async () => {
    await fhir?.stop();
  });

  const plethOnServer = async () => ((await fhir!.resources('Observation')) as Observation[]).filter((observation) => observation.code.coding?.some((coding) => coding.code === '150452')).length;

  test('a physician sends it once from the Records screen and reads the result; a nurse is not offered it', async ({ page, browser }) => {
    test.setTimeout(120_000);
    await page.setViewportSize(SIZES[0][1]);
    await page.goto(station.url);
    await station.signIn(page, 'physician');
    await page.locator('[data-screen-link="records"]').click();
    await page.locator('tr', { hasText: 'Byron' }).locator('[data-action="show-pleth"]').click();
    const panel = page.locator('[data-role="pleth-panel"]');
    await expect(panel.locator('li[data-visit-id]')).toHaveCount(1);
    const visit = panel.locator('li[data-visit-id]');
    await expect(visit).not.toContainText('ongoing');
    await expect(visit.locator('[data-field="pleth-segments"]')).toHaveText('2 segments of up to 10 s, none queued');
    expect(await plethOnServer()).toBe(0);

    await visit.locator('[data-action="send-pleth"]').click();
    await expect(visit.locator('[data-role="pleth-result"]')).toHaveText('2 segments queued for the FHIR server.');
    await expect(visit.locator('[data-field="pleth-segments"]')).toHaveText('2 segments of up to 10 s, all queued');
    await expect.poll(plethOnServer, { timeout: 60_000 }).toBe(SEGMENTS);
    await shoot(page, 'pleth-sent');

    await visit.locator('[data-action="send-pleth"]').click();
    await expect(visit.locator('[data-role="pleth-result"]')).toHaveText('Nothing new to queue. 2 segments had been queued before and are not sent twice.');
    expect(await plethOnServer()).toBe(SEGMENTS);

    const nurseContext = await browser.newContext({ viewport: SIZES[0][1] });
    const nurse = await nurseContext.newPage();
    await nurse.goto(station.url);
    await station.signIn(nurse, 'nurse');
    await nurse.locator('[data-screen-link="records"]').click();
    await expect(nurse.locator('tr', { hasText: 'Byron' })).toBeVisible();
    await expect(nurse.locator('[data-action="show-pleth"]')).toHaveCount(0);
    await nurseContext.close();
  });
});
