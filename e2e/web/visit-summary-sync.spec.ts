/**
 * An ended visit's summary sent with the FHIR sync, in web mode against the FHIR test server
 * (test/fhir-server, loopback, no authentication): a kiosk patient's visit is finished, and the
 * server receives its summary as one DocumentReference carrying the PDF, pointing at the visit's
 * Encounter, with nothing parked.
 */
import type { DocumentReference } from '@medplum/fhirtypes';
import { confSettingsStorage } from '../../src/node/settings/json-storage';
import { saveSettings } from '../../src/node/settings/settings';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from '../../test/fhir-server/fhir-test-server';
import { expect, test, useWebStation, VIEWPORTS } from './fixtures';

test.use({ viewport: VIEWPORTS.kiosk });

let fhir: FhirTestServer | undefined;
const station = useWebStation([], {
  prepare: async (dataDir) => {
    await indexFhirDefinitions();
    fhir = await startFhirTestServer();
    // Medplum refuses transactions of more than 8 conditional creates (README "Sync outbox").
    saveSettings(confSettingsStorage(dataDir), { fhirServer: { baseUrl: fhir.baseUrl, auth: 'none', maxEntries: 8 } });
  },
});
test.afterAll(async () => {
  await fhir?.stop();
});

test("a finished kiosk visit's summary reaches the FHIR server as one DocumentReference carrying the PDF", async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto(station.url);
  await station.signIn(page, 'administrator');
  await page.locator('[data-screen-link="kiosk"]').click();
  await page.locator('[data-action="enable-kiosk"]').click();
  await expect(page.locator('[data-screen="kiosk-welcome"]')).toBeVisible();

  // The server's times are whole ISO instants: a visit started at or after this second is the kiosk's.
  const kioskVisitFrom = Math.floor(Date.now() / 1_000) * 1_000;
  await page.locator('[data-action="start-kiosk-visit"]').click();
  await expect(page.locator('[data-metric="spo2"]').first()).toBeVisible();
  await page.locator('[data-action="finish-kiosk-visit"]').click();
  await expect(page.locator('[data-role="kiosk-summary"] [data-role="summary-banner"]')).toBeVisible();
  await page.locator('[data-action="kiosk-summary-done"]').click();
  await expect(page.locator('[data-screen="kiosk-welcome"]')).toBeVisible();

  const kioskSummaries = async () =>
    ((await fhir!.resources('DocumentReference')) as DocumentReference[]).filter((document) => Date.parse(document.context?.period?.start ?? '') >= kioskVisitFrom);
  await expect.poll(async () => (await kioskSummaries()).length, { timeout: 90_000 }).toBe(1);
  const [document] = await kioskSummaries();
  const attachment = document!.content[0]!.attachment;
  const pdf = Buffer.from(attachment.data!, 'base64');
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(attachment).toMatchObject({ contentType: 'application/pdf', size: pdf.length });
  expect(document!.context?.period?.end).toBeDefined();
  const encounters = await fhir!.resources('Encounter');
  expect(encounters.map((encounter) => `Encounter/${encounter.id}`)).toContain(document!.context?.encounter?.[0]?.reference);
});
