/**
 * The visit summary from the Records screen: a physician opens a patient's visits, downloads the
 * summary PDF (poppler reads the patient, the vitals and the measurement the remote clinician asked
 * for back from it) and the FHIR document, and prints it (web mode: the PDF in the browser's print
 * dialog, from an off-screen frame); the
 * panel is screenshotted at 1024×768, 1366×768 and 1920×1080 and has no serious axe finding. A
 * nurse, who may not export records, is not offered it.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { openRecordsDatabase } from '../../src/node/records/database';
import { FileKeyProvider } from '../../src/node/records/key-provider';
import { MeasurementRequests } from '../../src/node/records/measurement-requests';
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
        // The remote clinician asked for the cuff at minute 1, the nurse started it, and its measurement answered (seeded without an audit trail).
        const clinician = { id: `remote-clinician:${visit.id}`, name: 'Remote clinician (video visit)', role: 'physician' } as const;
        new MeasurementRequests(db, { append: () => undefined }, () => start + 60_000).requested(visit.id, 'request-1', { id: 'cuff-1', name: 'Omron HEM-790IT' }, clinician);
        new MeasurementRequests(db, { append: () => undefined }, () => start + 65_000).settled(visit.id, 'request-1', 'started', { id: 'nurse-1', name: 'Nurse', role: 'nurse' });
        for (const [metric, value] of [['systolic', 131], ['diastolic', 84]] as const) {
          store.recordReading(patient.id, visit.id, { deviceId: 'cuff-1', metric, value, unit: 'mm[Hg]', deviceTime: null, receivedAt: start + 90_000, source: 'blood-pressure-cuff', measurementId: 'm-1' });
        }
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
    expect(text).toContain('Measurement requests');
    // Its row (cells wrap within their columns): the device, who started it, and the measurement that answered.
    for (const cell of ['Omron HEM-790IT', 'started', 'Systolic 131 mmHg', 'Diastolic 84 mmHg']) expect(text).toContain(cell);
    await expect(panel.locator('[data-role="visit-summary-notice"]')).toHaveText(`Saved the visit summary as ${pdf.name}.`);

    const fhir = await download(page, 'download-summary-fhir');
    expect(fhir.name).toMatch(/\.fhir\.json$/);
    const bundle = JSON.parse(await readFile(fhir.path, 'utf8')) as { type: string; entry: { resource: { resourceType: string; type?: { coding?: { code?: string }[] } } }[] };
    expect(bundle.type).toBe('document');
    expect(bundle.entry[0]?.resource.type?.coding?.[0]?.code).toBe('34133-9');
    // Print: web mode has no printer of its own, so the PDF goes to the browser's print dialog from an off-screen frame.
    // A headless browser has no PDF viewer (a PDF frame would be a download, never loaded) and no dialog:
    // here the print frame loads about:blank instead of its PDF, whose address is kept, and the
    // frame's print() notes which PDF it would print (the page keeps the PDF until the next print).
    await page.evaluate(() => {
      const requests: { title: string; pdf: Blob }[] = [];
      (window as unknown as { printRequests: typeof requests }).printRequests = requests;
      // The page's CSP lets nothing fetch a blob: address back, so the Blob itself is noted when its address is made.
      const blobs = new Map<string, Blob>();
      const createObjectURL = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (object: Blob | MediaSource) => {
        const url = createObjectURL(object);
        if (object instanceof Blob) blobs.set(url, object);
        return url;
      };
      const pdfOf = new WeakMap<HTMLIFrameElement, Blob | undefined>();
      const src = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'src')!;
      const contentWindow = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'contentWindow')!;
      Object.defineProperty(HTMLIFrameElement.prototype, 'src', {
        get(this: HTMLIFrameElement) {
          return src.get!.call(this) as string;
        },
        set(this: HTMLIFrameElement, url: string) {
          if (this.dataset.role !== 'print-frame') return src.set!.call(this, url);
          pdfOf.set(this, blobs.get(url));
          src.set!.call(this, 'about:blank');
        },
      });
      Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', {
        get(this: HTMLIFrameElement) {
          const real = contentWindow.get!.call(this) as Window | null;
          const pdf = pdfOf.get(this);
          const title = this.title;
          if (!pdfOf.has(this) || real === null) return real;
          return { focus: () => undefined, print: () => void requests.push({ title, pdf: pdf! }) };
        },
      });
    });
    await panel.locator('[data-action="print-summary"]').click();
    await expect(panel.locator('[data-role="visit-summary-notice"]')).toContainText('Opened the print dialog for the summary of the visit started', { timeout: 30_000 });
    const printed = await page.evaluate(async () =>
      Promise.all(
        (window as unknown as { printRequests: { title: string; pdf: Blob }[] }).printRequests.map(async ({ title, pdf }) => {
          const bytes = new Uint8Array(await pdf.arrayBuffer());
          return { title, type: pdf.type, head: String.fromCharCode(...bytes.subarray(0, 5)), size: bytes.length };
        }),
      ),
    );
    // The visit's summary PDF, built again for printing (its generated-at time differs from the download's).
    expect(printed).toEqual([{ title: pdf.name, type: 'application/pdf', head: '%PDF-', size: expect.any(Number) }]);
    expect(printed[0]!.size).toBeGreaterThan(10_000);
    await expect(page.locator('iframe[data-role="print-frame"]')).toHaveCount(1);
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
