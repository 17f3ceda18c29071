/**
 * The HL7 output's status line against node-hl7-server (a third-party MLLP server and parser) on
 * loopback: the simulated station's readings go out as PCD-01 batches; the engine refuses the
 * first (AE with a reason) and accepts the rest. An administrator sees the engine, the refused
 * batch with the engine's reason, and Retry sends the same message again, which the engine accepts.
 */
import { openRecordsDatabase } from '../../src/node/records/database';
import { readAuditEntries } from '../../src/node/audit/audit-log';
import { FileKeyProvider } from '../../src/node/records/key-provider';
import { confSettingsStorage } from '../../src/node/settings/json-storage';
import { saveSettings } from '../../src/node/settings/settings';
import { startTestEngine, type EngineAnswer, type TestEngine } from '../../src/node/hl7/test-engine';
import { VIEWPORTS, expect, screenshotsAt, test, useWebStation } from './fixtures';

const SIZES = [['1024', { width: 1024, height: 768 }], ['laptop', VIEWPORTS.laptop], ['kiosk', VIEWPORTS.kiosk]] as const;
const REASON = 'Unknown patient identifier';

test.describe('with an HL7 interface engine', () => {
  let engine: TestEngine | undefined;
  const answers: EngineAnswer[] = [{ ae: REASON }];
  const station = useWebStation([], {
    prepare: async (dataDir) => {
      engine = await startTestEngine(() => answers.shift() ?? 'AA');
      saveSettings(confSettingsStorage(dataDir), { hl7Output: { host: '127.0.0.1', port: engine.port } });
    },
  });
  test.afterAll(async () => {
    await engine?.close();
  });

  test('an administrator sees the refused batch with the engine\'s reason and retries it', async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize(SIZES[0][1]);
    await page.goto(station.url);
    await station.signIn(page, 'administrator');
    await page.locator('[data-screen-link="records"]').click();
    const panel = page.locator('[data-role="hl7-status"]');
    await expect(panel).toHaveAttribute('data-state', 'running');
    await expect(panel.locator('[data-role="hl7-parked-batch"]')).toHaveCount(1, { timeout: 60_000 });
    await expect(panel.locator('[data-role="hl7-parked-reason"]')).toHaveText(`AE: ${REASON}: 207^Application internal error^HL70357 ${REASON}`);
    await expect(panel.locator('[data-role="hl7-line"]')).toHaveText(new RegExp(`^To 127\\.0\\.0\\.1:${engine!.port}: [\\d,]+ batch(es)? waiting, 1 batch refused, (nothing sent yet|last sent .+)\\.$`));
    await screenshotsAt(page, 'hl7-status-admin', SIZES);

    await panel.locator('[data-action="hl7-retry"]').click();
    await expect(panel.locator('[data-role="hl7-notice"]')).toHaveText('1 refused batch(es) queued again.');
    await expect(panel.locator('[data-role="hl7-parked-batch"]')).toHaveCount(0, { timeout: 30_000 });
    await expect(panel.locator('[data-action="hl7-retry"]')).toHaveCount(0);
    // The refused batch went again under its own control id, and the engine accepted it.
    await expect.poll(() => engine!.received.filter((message) => message.controlId === '1').length, { timeout: 30_000 }).toBe(2);

    const db = await openRecordsDatabase({ dataDir: station.dataDir, keyProvider: new FileKeyProvider(station.dataDir) });
    try {
      const retries = readAuditEntries(db, 0, 1_000_000).filter((entry) => entry.action === 'sync.manage');
      expect(retries.map((entry) => [entry.role, entry.object])).toEqual([['administrator', 'hl7-retry:1']]);
    } finally {
      db.close();
    }
  });
});

test.describe('without an HL7 interface engine', () => {
  const station = useWebStation();

  test('the status line says nothing is sent as HL7, with no button', async ({ page }) => {
    await page.setViewportSize(SIZES[0][1]);
    await page.goto(station.url);
    await station.signIn(page, 'administrator');
    await page.locator('[data-screen-link="records"]').click();
    const panel = page.locator('[data-role="hl7-status"]');
    await expect(panel).toHaveAttribute('data-state', 'not-configured');
    await expect(panel.locator('[data-role="hl7-line"]')).toHaveText('No HL7 interface engine is set up (settings hl7Output.host): nothing is sent as HL7.');
    await expect(panel.locator('button')).toHaveCount(0);
    await screenshotsAt(page, 'hl7-status-not-configured', SIZES);
  });
});
