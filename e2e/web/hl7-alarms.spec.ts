/**
 * Alarms as IHE PCD-04 end to end: the web station with `hl7Output.alarms` sends to
 * node-hl7-server (a third-party MLLP server and parser) on loopback while the simulated patient
 * desaturates. The SpO2 alarm the alarm engine raises, the nurse's acknowledgement on the screen and
 * the end of the condition reach the engine as ORU^R40 reports of one alert (one OBR-3), each
 * passing the structural check, in the order start, update (acknowledged), end.
 */
import { Hl7Message } from '@medplum/core';
import { checkPcd04 } from '../../src/node/hl7/pcd04-check';
import { startTestEngine, type TestEngine } from '../../src/node/hl7/test-engine';
import { confSettingsStorage } from '../../src/node/settings/json-storage';
import { saveSettings } from '../../src/node/settings/settings';
import { VIEWPORTS, expect, test, tile, useWebStation } from './fixtures';

let engine: TestEngine | undefined;
const station = useWebStation(['--scenario', 'desaturation'], {
  prepare: async (dataDir) => {
    engine = await startTestEngine(() => 'AA');
    saveSettings(confSettingsStorage(dataDir), { hl7Output: { host: '127.0.0.1', port: engine.port, alarms: true } });
  },
});
test.afterAll(async () => {
  await engine?.close();
});

/** The engine's R40s about a low SpO2, as [alert id, phase, alarm state, inactivation state]. */
function spo2LowReports(): string[][] {
  return engine!.received
    .map((received) => Hl7Message.parse(received.text.replaceAll('\n', '\r')))
    .filter((message) => message.getSegment('MSH')!.getField(9).toString() === 'ORU^R40^ORU_R40')
    .filter((message) => message.getAllSegments('OBX')[0]!.getField(5).getComponent(1) === '196652' && message.getAllSegments('OBX')[1]!.getField(3).getComponent(1) === '150456')
    .map((message) => [message.getSegment('OBR')!.getField(3).getComponent(1), ...message.getAllSegments('OBX').slice(2).map((obx) => obx.getField(5).toString())]);
}

test('an SpO2 alarm raised, acknowledged on screen and ended reaches the engine as PCD-04 reports of one alert', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize(VIEWPORTS.laptop);
  await page.goto(station.url);
  await station.signIn(page);
  const spo2 = tile(page, 'spo2');
  await expect(spo2).toHaveAttribute('data-alarm-priority', /./, { timeout: 90_000 });
  await expect.poll(() => spo2LowReports().length, { timeout: 30_000 }).toBeGreaterThan(0);
  await page.locator('.alarm-banner').getByRole('button', { name: /^Acknowledge SpO₂ low/ }).click();
  await expect(spo2).toHaveAttribute('data-alarm-acknowledged', 'true');
  // The condition ends as the patient recovers.
  await expect(spo2).not.toHaveAttribute('data-alarm-priority', /./, { timeout: 120_000 });
  await expect.poll(() => spo2LowReports().at(-1)?.[1], { timeout: 30_000 }).toBe('end');

  const texts = engine!.received.map((received) => received.text.replaceAll('\n', '\r')).filter((text) => text.includes('ORU^R40^ORU_R40'));
  for (const text of texts) expect(checkPcd04(text)).toEqual([]);
  const reports = spo2LowReports();
  expect(new Set(reports.map(([alertId]) => alertId)).size).toBe(1);
  expect(reports[0]!.slice(1)).toEqual(['start', 'active', 'enabled']);
  expect(reports.find(([, phase]) => phase === 'update')!.slice(1)).toEqual(['update', 'active', 'alert-acknowledged']);
  expect(reports.at(-1)!.slice(1)).toEqual(['end', 'inactive', 'alert-acknowledged']);
});
