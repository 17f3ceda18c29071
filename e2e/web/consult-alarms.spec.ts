/**
 * The station's alarms and NEWS2 on the clinician's page during a video visit, web mode with the
 * simulated patient desaturating ten times faster than real time: the high-priority SpO₂ alarm
 * reaches the clinician in the station's own banner (red, flashing, sounding at the station), the
 * clinician acknowledges it, and the station records and shows the remote clinician as the one who
 * did. The clinician's NEWS2 is the station's panel, read-only. Screenshots of the clinician view
 * (alarm, NEWS2) and the station's alarm log at laptop size go to test-results/screens/.
 */
import { ALARM_VISUALS } from '../../src/shared/clinical/alarm-presentation';
import { VIDEO_VISIT_LAUNCH_OPTIONS, expect, openVisitPage, screenshot, seriousAxeViolations, startVisitWithClinician, test, useWebStation } from './fixtures';

test.use({ launchOptions: VIDEO_VISIT_LAUNCH_OPTIONS });

const station = useWebStation(['--scenario', 'desaturation', '--scenario-speed', '10']);
const REMOTE_CLINICIAN = 'Remote clinician (video visit)';

test("a desaturation's high-priority alarm reaches the clinician, who acknowledges it for the station; NEWS2 shows why it cannot score", async ({ browser }) => {
  test.setTimeout(180_000);
  const patient = await openVisitPage(browser, station.url);
  await station.signIn(patient);
  const doctor = await startVisitWithClinician(browser, patient);

  // The station's banner on the clinician's page: red, flashing at the high-priority rate, sounding at the station.
  const alarm = doctor.locator('.clinician-vitals [data-alarm-priority="high"]').first();
  await expect(alarm).toBeVisible({ timeout: 90_000 });
  await expect(alarm.locator('[data-role="alarm-message"]')).toContainText('SpO₂ low');
  await expect(alarm).toHaveAttribute('data-audible', 'true');
  await expect(alarm).toHaveAttribute('data-acknowledged', 'false');
  const signal = await alarm.locator('.alarm-lamp').evaluate((element) => {
    const style = getComputedStyle(element);
    return { name: style.animationName, duration: style.animationDuration, iterations: style.animationIterationCount, colour: style.backgroundColor };
  });
  expect(signal).toEqual({ name: 'alarm-flash', duration: `${1 / ALARM_VISUALS.high.flashHz}s`, iterations: 'infinite', colour: 'rgb(224, 0, 0)' });
  await expect(doctor.locator('.clinician-vitals')).toContainText('Alarm sounds play and are paused at the station only.');
  await expect(doctor.locator('.clinician-vitals [data-action="pause-alarm-audio"]')).toHaveCount(0);

  // NEWS2 as the station shows it, without the entry form: consciousness is charted by staff, so it cannot score yet.
  const news2 = doctor.locator('.clinician-vitals [data-news2-state]');
  await expect(news2).toHaveAttribute('data-news2-state', 'refused');
  await expect(news2.locator('[data-news2-problem="consciousness"]')).toContainText('Cannot score: consciousness (ACVPU) missing');
  await expect(doctor.locator('[data-action="enter-news2"]')).toHaveCount(0);
  // At laptop size NEWS2 opens with one click, over the video.
  await doctor.locator('[data-action="show-news2"]').click();
  await expect(news2).toBeVisible();
  await screenshot(doctor, 'consult-news2-clinician-laptop');

  await doctor.locator('[data-action="close-news2"]').click();
  await screenshot(doctor, 'consult-alarm-clinician-laptop');
  expect(await seriousAxeViolations(doctor)).toEqual([]);

  const alarmId = await alarm.getAttribute('data-alarm-id');
  await alarm.locator('[data-action="acknowledge-alarm"]').click();
  // Acknowledged, the alarm leaves the station's screen once its condition has ended: at once if it was latched,
  // when the patient recovers (the scenario's SpO2 is back above 90 % about 12 s after the start) if it was not.
  const onStation = patient.locator(`.app-banners [data-alarm-id="${alarmId}"]`);
  await expect(onStation).toHaveCount(0, { timeout: 30_000 });
  await expect(doctor.locator(`[data-alarm-id="${alarmId}"] [data-action="acknowledge-alarm"]`)).toHaveCount(0);
  await expect(doctor.locator('.clinician-vitals .alarm-error')).toHaveCount(0);

  // The station's alarm log names the remote clinician.
  await patient.getByRole('button', { name: 'Alarms', exact: true }).click();
  const logRow = patient.locator(`[data-role="alarm-log"] tr[data-log-priority="high"]`).first();
  await expect(logRow).toContainText('SpO₂ low');
  await expect(logRow).toContainText(`by ${REMOTE_CLINICIAN}`);
  await screenshot(patient, 'consult-alarm-station-log-laptop');
});
