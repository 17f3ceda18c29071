/**
 * Live vitals in a video visit, web mode with the simulated peripherals, station and clinician in
 * two browser contexts: SpO2 and pleth reach the clinician and keep changing; chat both ways; a
 * blood-pressure request from the clinician is confirmed at the station and its result reaches the
 * clinician; a forced disconnect heals with every numeric the station sent delivered exactly once;
 * a still of the patient video is saved to the visit. Screenshots of the clinician view at laptop
 * and kiosk size go to test-results/screens/.
 */
import { VIDEO_VISIT_LAUNCH_OPTIONS, VIEWPORTS, canvasFingerprint, expect, screenshot, seriousAxeViolations, test, tile, tileValue, useWebStation } from './fixtures';
import { expectEveryNumericDelivered, lastSeqSent, tracedParticipant } from './call-helpers';

test.use({ launchOptions: VIDEO_VISIT_LAUNCH_OPTIONS });

test.describe('live vitals in a video visit', () => {
  const station = useWebStation();

  test('vitals, chat, a measurement request and a forced disconnect without lost numerics', async ({ browser }) => {
    test.setTimeout(180_000);
    const patient = await tracedParticipant(browser, station.url, '__vitalbridgeVitalsSent');
    await station.signIn(patient.page);
    await patient.page.locator('[data-action="start-visit"]').click();
    await patient.page.locator('[data-action="consent-accept"]').click();
    const link = (await patient.page.locator('[data-role="visit-link"]').innerText({ timeout: 20_000 })).trim();

    const clinician = await tracedParticipant(browser, link, '__vitalbridgeVitalsReceived');
    await clinician.page.locator('[data-action="join-visit"]').click();
    await patient.page.locator('[data-action="admit"]').click({ timeout: 20_000 });
    const doctor = clinician.page;

    // Live SpO2 with its age, and a moving pleth.
    await expect(doctor.locator('[data-role="vitals-link"]')).toHaveAttribute('data-linked', 'true', { timeout: 30_000 });
    await expect(tile(doctor, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
    await expect(tileValue(doctor, 'spo2')).toHaveText(/^\d{2,3}$/);
    await expect(tile(doctor, 'spo2').locator('[data-role="age"]')).toHaveText(/now|\d+ s old/);
    const values = new Set<string>();
    await expect
      .poll(async () => {
        values.add(`${await tileValue(doctor, 'pulseRate').innerText()}/${await tileValue(doctor, 'spo2').innerText()}`);
        return values.size;
      }, { timeout: 20_000, intervals: [500] })
      .toBeGreaterThan(1);
    const firstPleth = await canvasFingerprint(doctor, 'pleth');
    await expect.poll(() => canvasFingerprint(doctor, 'pleth'), { timeout: 5_000 }).not.toBe(firstPleth);
    expect(firstPleth.startsWith('0:')).toBe(false);

    // Chat both ways.
    await doctor.locator('[data-role="chat-input"]').fill('Good morning, can you hear me?');
    await doctor.locator('[data-action="send-chat"]').click();
    await expect(patient.page.locator('[data-chat-author="them"] [data-role="chat-text"]')).toHaveText('Good morning, can you hear me?');
    await expect(doctor.locator('[data-chat-author="me"]')).not.toHaveAttribute('data-pending', 'true');
    await patient.page.locator('[data-role="chat-input"]').fill('Yes, loud and clear');
    await patient.page.locator('[data-action="send-chat"]').click();
    await expect(doctor.locator('[data-chat-author="them"] [data-role="chat-text"]')).toHaveText('Yes, loud and clear');

    // The clinician asks for a blood pressure; the station shows it, the patient starts it, the result arrives.
    // The request is a row of the banner area, after the alarms: it moves no numeric on the visit
    // screen or the monitor, and covers no alarm.
    const stationPage = patient.page;
    const tileBoxes = () =>
      stationPage.locator('[data-metric]:visible').evaluateAll((tiles) => tiles.map((element) => `${element.getAttribute('data-metric')} ${JSON.stringify(element.getBoundingClientRect())}`));
    await stationPage.locator('[data-screen-link="monitor"]').click();
    await expect(tile(stationPage, 'spo2')).toHaveAttribute('data-state', 'live');
    const monitorBefore = await tileBoxes();
    await stationPage.locator('[data-screen-link="visit"]').click();
    const visitBefore = await tileBoxes();
    expect(visitBefore.length).toBeGreaterThan(0);
    const cuff = doctor.locator('[data-device-id]', { hasText: 'blood-pressure' });
    await cuff.locator('[data-action="request-measurement"]').click();
    await expect(cuff.locator('[data-role="request-status"]')).toHaveAttribute('data-status', 'awaiting-confirmation');
    const banner = stationPage.locator('[data-role="measurement-request"]');
    await expect(banner).toContainText('blood-pressure cuff');
    await expect(banner).toContainText('cuff on the bare upper arm');
    await screenshot(stationPage, 'consult-vitals-station-request-laptop');
    expect(await tileBoxes()).toEqual(visitBefore);
    await stationPage.locator('[data-screen-link="monitor"]').click();
    await expect(banner).toContainText('blood-pressure cuff');
    expect(await tileBoxes()).toEqual(monitorBefore);
    // In the banner area after the alarm banner, under the header: over nothing (it used to float over the header and the alarms).
    const placement = await stationPage.evaluate(() => {
      const request = document.querySelector('[data-role="measurement-request"]')!;
      const alarms = document.querySelector('.station-alarms')!;
      return {
        inBannerArea: document.querySelector('.app-banners')!.contains(request),
        afterAlarms: (alarms.compareDocumentPosition(request) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
        belowHeader: request.getBoundingClientRect().top >= document.querySelector('.app-header')!.getBoundingClientRect().bottom,
      };
    });
    expect(placement).toEqual({ inBannerArea: true, afterAlarms: true, belowHeader: true });
    // Whole inside the monitor's reserved banner row: nothing of it scrolls out of sight.
    expect(await stationPage.locator('.app-banners').evaluate((area) => area.scrollHeight - area.clientHeight)).toBe(0);
    await screenshot(stationPage, 'consult-vitals-station-request-monitor-laptop');
    expect(await seriousAxeViolations(stationPage)).toEqual([]);
    await stationPage.locator('[data-screen-link="visit"]').click();
    await banner.locator('[data-action="confirm-measurement-request"]').click();
    await expect(cuff.locator('[data-role="request-status"]')).toHaveAttribute('data-status', 'started');
    await expect(banner).toHaveCount(0);
    await expect(tile(doctor, 'systolic')).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
    await expect(tileValue(doctor, 'systolic')).toHaveText(/^\d{2,3}$/);
    await expect(tileValue(doctor, 'diastolic')).toHaveText(/^\d{2,3}$/);

    // A still of the patient video is saved to the visit.
    await doctor.locator('[data-action="snapshot"]').click();
    await expect(doctor.locator('[data-role="snapshot-status"]')).toHaveAttribute('data-state', 'saved', { timeout: 20_000 });
    await expect(patient.page.locator('[data-chat-author="notice"]')).toContainText('saved a still');

    const panelTop = doctor.locator('#clinician-vitals-heading');
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      await doctor.setViewportSize(viewport);
      await panelTop.scrollIntoViewIfNeeded();
      await screenshot(doctor, `consult-vitals-clinician-${size}`);
    }
    await doctor.setViewportSize(VIEWPORTS.laptop);
    expect(await seriousAxeViolations(doctor)).toEqual([]);

    // Forced disconnect: the clinician's peer connection dies; both sides renegotiate and the log is replayed.
    await doctor.evaluate(() => window.__peerConnections.at(-1)?.close());
    await expect(doctor.locator('[data-role="vitals-link"]')).toHaveAttribute('data-linked', 'false');
    const lastSeqWhileDown = await lastSeqSent(patient.page);
    await expect(doctor.locator('[data-call-phase]')).toHaveAttribute('data-call-phase', 'connected', { timeout: 40_000 });
    await expect(doctor.locator('[data-role="vitals-link"]')).toHaveAttribute('data-linked', 'true', { timeout: 40_000 });
    await expectEveryNumericDelivered(doctor, patient.page, lastSeqWhileDown);
    await expect(tile(doctor, 'spo2')).toHaveAttribute('data-state', 'live');

    await patient.page.locator('[data-action="end-visit"]').click();
    await Promise.all([patient.context.close(), clinician.context.close()]);
  });
});
