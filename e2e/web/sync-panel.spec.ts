/**
 * The Sync panel against a real FHIR test server (test/fhir-server, loopback, no authentication)
 * that has a rule of its own refusing one of the station's readings, and that answers the
 * station's first push 503 with a Retry-After of an hour. An administrator sees the server, what
 * waits and the refused item with the server's reason; Retry sends it once the server accepts it;
 * Send now sends the items waiting out the Retry-After. A nurse sees one line; without a server the
 * panel says how to set one up, with no buttons.
 */
import type { Observation, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { readAuditEntries } from '../../src/node/audit/audit-log';
import { openRecordsDatabase } from '../../src/node/records/database';
import { FileKeyProvider } from '../../src/node/records/key-provider';
import { RecordStore } from '../../src/node/records/store';
import { confSettingsStorage } from '../../src/node/settings/json-storage';
import { saveSettings } from '../../src/node/settings/settings';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from '../../test/fhir-server/fhir-test-server';
import { VIEWPORTS, expect, screenshotsAt, test, useWebStation } from './fixtures';
import type { Page } from '@playwright/test';

/**
 * Seeded body temperatures (°C), which the simulated station never measures unasked, so they are
 * told apart from its live oximetry on the server; the last one the server's rule refuses while
 * `refusing` holds.
 */
const REFUSED_VALUE = 39.7;
const READINGS = [36.1, 36.2, 36.3, 36.4, 36.5, 36.6, 36.7, 36.8, 36.9, REFUSED_VALUE];
/**
 * The first push, which the server answers 503 with an hour's Retry-After, holds the seeded patient
 * and the oldest readings (as many as fit 8 entries beside the Devices and the Provenance): so at
 * least these two items wait for Send now.
 */
const HELD_BACK_AT_LEAST = 2;
const OLDEST = READINGS[0]!;
const NEWEST_ACCEPTED = READINGS.at(-2)!;
const BODY_TEMPERATURE = '8310-5';
const SIZES = [['1024', { width: 1024, height: 768 }], ['laptop', VIEWPORTS.laptop], ['kiosk', VIEWPORTS.kiosk]] as const;

const shoot = (page: Page, name: string) => screenshotsAt(page, name, SIZES);

const isTemperature = (resource: Resource) => resource.resourceType === 'Observation' && (resource as Observation).code.coding?.some((coding) => coding.code === BODY_TEMPERATURE) === true;

test.describe('with a FHIR server', () => {
  let fhir: FhirTestServer | undefined;
  let refusing = true;
  const rule = (resource: Resource): OperationOutcomeIssue[] =>
    refusing && isTemperature(resource) && (resource as Observation).valueQuantity?.value === REFUSED_VALUE
      ? [{ severity: 'error', code: 'business-rule', expression: ['Observation.valueQuantity'], diagnostics: `a temperature of ${REFUSED_VALUE} °C needs a confirming measurement` }]
      : [];

  const station = useWebStation([], {
    prepare: async (dataDir) => {
      await indexFhirDefinitions();
      fhir = await startFhirTestServer({ rule });
      // The first push (the oldest 8 items) waits out an hour's Retry-After: only Send now sends it sooner.
      fhir.faults.respond(1, 503, { 'Retry-After': '3600' });
      const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
      try {
        const store = new RecordStore(db);
        const patient = store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: '1955-12-10', gender: 'female', identifier: null });
        READINGS.forEach((value, i) => store.recordReading(patient.id, null, { deviceId: 'thermometer', metric: 'bodyTemperature', unit: 'Cel', value, deviceTime: null, receivedAt: Date.now() - (READINGS.length - i) * 60_000 }));
      } finally {
        db.close();
      }
      saveSettings(confSettingsStorage(dataDir), { fhirServer: { baseUrl: fhir.baseUrl, auth: 'none', maxEntries: 8 } });
    },
  });
  test.afterAll(async () => {
    await fhir?.stop();
  });

  /** The seeded temperatures the server holds, in order. */
  const observed = async () =>
    ((await fhir!.resources('Observation')) as Observation[])
      .filter(isTemperature)
      .map((observation) => observation.valueQuantity?.value)
      .sort((a, b) => (a ?? 0) - (b ?? 0));

  test('an administrator sees what waits and what the server refused, retries it and sends the rest now; a nurse sees one line', async ({ page, browser }) => {
    test.setTimeout(150_000);
    await page.setViewportSize(SIZES[0][1]);
    await page.goto(station.url);
    await station.signIn(page, 'administrator');
    await page.locator('[data-screen-link="records"]').click();
    const panel = page.locator('[data-role="sync-panel"]');
    await expect(panel.locator('[data-field="server"]')).toHaveText(fhir!.baseUrl);
    // The patient and 7 readings wait out the 503's hour; the refused reading is parked; the rest is
    // sent, and so are the simulated oximeter's live readings, as they come.
    await expect(panel.locator('[data-field="parked"]')).toHaveText('1', { timeout: 60_000 });
    await expect.poll(async () => Number(await panel.locator('[data-field="waiting"]').textContent())).toBeGreaterThanOrEqual(HELD_BACK_AT_LEAST);
    await expect(panel.locator('[data-field="last-success"]')).not.toHaveText('never');
    await expect.poll(observed, { timeout: 30_000 }).toContain(NEWEST_ACCEPTED);
    expect(await observed()).not.toContain(OLDEST);
    expect(await observed()).not.toContain(REFUSED_VALUE);
    await expect(panel.locator('[data-role="parked-item"]')).toHaveCount(1);
    await expect(panel.locator('[data-role="parked-reason"]')).toHaveText(/^error business-rule at Bundle\.entry\[\d+\]\.resource\.Observation\.valueQuantity$/);
    await expect(panel).not.toContainText('confirming measurement');
    await shoot(page, 'sync-panel-admin');

    // The server's rule is lifted (its administrator fixed it); Retry sends the parked reading.
    refusing = false;
    await panel.locator('[data-action="sync-retry"]').click();
    await expect(panel.locator('[data-role="sync-notice"]')).toHaveText('1 refused item(s) queued again.');
    await expect(panel.locator('[data-field="parked"]')).toHaveText('0', { timeout: 30_000 });
    await expect(panel.locator('[data-action="sync-retry"]')).toHaveCount(0);
    await expect.poll(observed, { timeout: 30_000 }).toContain(REFUSED_VALUE);
    expect(await observed()).not.toContain(OLDEST);

    // Send now: the items held back by the Retry-After go at once.
    await panel.locator('[data-action="sync-now"]').click();
    await expect(panel.locator('[data-role="sync-notice"]')).toHaveText(/^\d+ waiting item\(s\) sent now\.$/);
    await expect.poll(observed, { timeout: 60_000 }).toEqual(READINGS);

    const nurseContext = await browser.newContext({ viewport: SIZES[0][1] });
    const nurse = await nurseContext.newPage();
    await nurse.goto(station.url);
    await station.signIn(nurse, 'nurse');
    await nurse.locator('[data-screen-link="records"]').click();
    await expect(nurse.locator('[data-role="sync-status"]')).toHaveText(/^FHIR sync: (everything sent|\d+ items? waiting to be sent), last sent .+\.$/);
    await expect(nurse.locator('[data-role="sync-panel"]')).toHaveCount(0);
    await shoot(nurse, 'sync-status-nurse');
    await nurseContext.close();

    const db = await openRecordsDatabase({ dataDir: station.dataDir, keyProvider: new FileKeyProvider(station.dataDir) });
    try {
      const actions = readAuditEntries(db, 0, 1_000_000).filter((entry) => entry.action === 'sync.manage');
      expect(actions.map((entry) => [entry.role, entry.object])).toEqual([
        ['administrator', 'retry:1'],
        ['administrator', expect.stringMatching(/^send-now:\d+$/)],
      ]);
      // The held-back items are among those Send now made due.
      expect(Number(actions[1]!.object!.split(':')[1])).toBeGreaterThanOrEqual(HELD_BACK_AT_LEAST);
    } finally {
      db.close();
    }
  });
});

test.describe('without a FHIR server', () => {
  const station = useWebStation();

  test('the panel says no server is set up and how to set one, with no buttons; a nurse reads the same in one line', async ({ page, browser }) => {
    await page.setViewportSize(SIZES[0][1]);
    await page.goto(station.url);
    await station.signIn(page, 'administrator');
    await page.locator('[data-screen-link="records"]').click();
    const panel = page.locator('[data-role="sync-panel"]');
    await expect(panel).toHaveAttribute('data-state', 'not-configured');
    await expect(panel).toContainText('No FHIR server is set up: the records stay on this station.');
    await expect(panel).toContainText('set fhirServer.baseUrl');
    await expect(panel.locator('button')).toHaveCount(0);
    await shoot(page, 'sync-panel-not-configured');

    const nurseContext = await browser.newContext();
    const nurse = await nurseContext.newPage();
    await nurse.goto(station.url);
    await station.signIn(nurse, 'nurse');
    await nurse.locator('[data-screen-link="records"]').click();
    await expect(nurse.locator('[data-role="sync-status"]')).toHaveText('FHIR sync: not set up; the records stay on this station.');
    await nurseContext.close();
  });
});
