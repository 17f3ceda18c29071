/**
 * The visit summary from the Records screen: a physician opens a patient's visits, downloads the
 * summary PDF (poppler reads the patient and the vitals back from it) and the FHIR document, and
 * opens the PDF in a new tab to print; the
 * panel is screenshotted at 1024×768, 1366×768 and 1920×1080 and has no serious axe finding. A
 * nurse, who may not export records, is not offered it.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { openRecordsDatabase } from '../../src/node/records/database';
import { FileKeyProvider } from '../../src/node/records/key-provider';
import { RecordStore } from '../../src/node/records/store';
import { VIEWPORTS, expect, screenshotsAt, test, useWebStation } from './fixtures';

const SIZES = [['1024', { width: 1024, height: 768 }], ['laptop', VIEWPORTS.laptop], ['1080p', VIEWPORTS.kiosk]] as const;

test.describe('visit summaries on the Records screen', () => {
  const station = useWebStation([], {
    prepare: async (dataDir) => {
      const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
      try {
        // A visit of Ada's two hours ago with five minutes of oximetry, ended long enough ago that the station does not resume it.
        const start = Date.now() - 2 * 3_600_000;
        const store = new RecordStore(db, () => start);
        const patient = store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: '1955-12-10', gender: 'female', identifier: 'MRN-77' });
        const visit = store.startVisit(patient.id, 'station');
        db.transaction(() => {
          for (let second = 0; second < 300; second++) {
            store.recordReading(patient.id, visit.id, { deviceId: 'ox-1', metric: 'spo2', value: 95 + (second % 3), unit: '%', deviceTime: null, receivedAt: start + second * 1000, source: 'pulse-oximeter' });
          }
        })();
        new RecordStore(db, () => start + 300_000).endVisit(visit.id);
      } finally {
        db.close();
      }
    },
  });

  const download = async (page: Page, action: string) => {
    const saved = page.waitForEvent('download');
    await page.locator('[data-role="visit-summaries"] li[data-visit-id]').locator(`[data-action="${action}"]`).click();
    // A refusal or failure shows as the panel's problem line: fail with its words rather than wait for a download.
    await expect(page.locator('[data-role="visit-summary-notice"], [data-role="visit-summary-error"]')).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('[data-role="visit-summary-error"]')).toHaveCount(0);
    const file = await saved;
    return { name: file.suggestedFilename(), path: await file.path() };
  };

  test('a physician downloads the PDF and the FHIR document of a visit; a nurse is not offered them', async ({ page, browser }) => {
    test.setTimeout(120_000);
    await page.setViewportSize(SIZES[0][1]);
    await page.goto(station.url);
    await station.signIn(page, 'physician');
    await page.locator('[data-screen-link="records"]').click();
    await page.locator('tr', { hasText: 'Byron' }).locator('[data-action="show-visits"]').click();
    const panel = page.locator('[data-role="visit-summaries"]');
    await expect(panel.locator('li[data-visit-id]')).toHaveCount(1);

    const pdf = await download(page, 'download-summary-pdf');
    expect(pdf.name).toMatch(/^visit-summary-\d{4}-\d{2}-\d{2}-\d{4}\.pdf$/);
    const text = execFileSync('pdftotext', ['-layout', pdf.path, '-'], { encoding: 'utf8' }).replace(/[ ]{2,}/g, ' ');
    expect(text).toContain('Patient: Ada Byron ID: MRN-77');
    expect(text).toMatch(/SpO₂ 96 % median of 60, 95–97/);
    await expect(panel.locator('[data-role="visit-summary-notice"]')).toHaveText(`Saved the visit summary as ${pdf.name}.`);

    const fhir = await download(page, 'download-summary-fhir');
    expect(fhir.name).toMatch(/\.fhir\.json$/);
    const bundle = JSON.parse(await readFile(fhir.path, 'utf8')) as { type: string; entry: { resource: { resourceType: string; type?: { coding?: { code?: string }[] } } }[] };
    expect(bundle.type).toBe('document');
    expect(bundle.entry[0]?.resource.type?.coding?.[0]?.code).toBe('34133-9');
    // Print opens the PDF in a new tab, whose own print command prints it.
    const [tab] = await Promise.all([page.waitForEvent('popup'), panel.locator('[data-action="print-summary"]').click()]);
    expect(tab.url()).toMatch(/^blob:/);
    await tab.close();
    await expect(panel.locator('[data-role="visit-summary-notice"]')).toContainText('for printing.');
    await screenshotsAt(page, 'records-visit-summaries', SIZES);

    const nurseContext = await browser.newContext({ viewport: SIZES[0][1] });
    const nurse = await nurseContext.newPage();
    await nurse.goto(station.url);
    await station.signIn(nurse, 'nurse');
    await nurse.locator('[data-screen-link="records"]').click();
    await expect(nurse.locator('tr', { hasText: 'Byron' })).toBeVisible();
    await expect(nurse.locator('[data-action="show-visits"]')).toHaveCount(0);
    await nurseContext.close();
  });
});
