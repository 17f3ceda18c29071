/**
 * The visit note (issue 14) in web mode with a real video visit: the remote clinician writes a
 * structured note on their page (with the current vitals inserted), every edit autosaved at the
 * station over the data channel; the page is reloaded and the draft comes back from the station;
 * the clinician signs it; the station's Notes screen shows it signed and read-only, and the nurse
 * there writes and signs her own note and adds an addendum. Screenshots of the clinician's editor
 * and the station's Notes screen at 1024x768, 1366x768 and 1920x1080 go to test-results/screens/,
 * each checked with axe.
 */
import { VIDEO_VISIT_LAUNCH_OPTIONS, VIEWPORTS, expect, openVisitPage, screenshotsAt, startVisitWithClinician, test, tile, useWebStation } from './fixtures';

test.use({ launchOptions: VIDEO_VISIT_LAUNCH_OPTIONS });

const station = useWebStation(['--simulate']);
const SIZES = [
  ['1366x768', VIEWPORTS.laptop],
  ['1024x768', { width: 1024, height: 768 }],
  ['1920x1080', VIEWPORTS.kiosk],
] as const;

test('the clinician writes a note during the visit, gets the draft back after a reload, signs it, and the station shows it signed and read-only', async ({ browser }) => {
  test.setTimeout(240_000);
  const nurse = await openVisitPage(browser, station.url);
  await station.signIn(nurse);
  const doctor = await startVisitWithClinician(browser, nurse);
  await doctor.locator('[data-action="show-note"]').click();

  const note = doctor.locator('[data-role="clinician-note"] [data-role="visit-note"]');
  const field = (name: string) => note.locator(`[data-role="note-field"][data-field="${name}"]`);
  const status = note.locator('[data-role="note-save-status"]');
  await expect(note).toHaveAttribute('data-note-state', 'draft', { timeout: 30_000 });
  await field('reason').fill('Breathless on exertion for two days');
  await field('assessment').fill('Likely viral bronchitis; no hypoxia at rest');
  // The vitals as the clinician's tiles show them, with their times.
  await expect(tile(doctor, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  const spo2 = (await tile(doctor, 'spo2').locator('[data-role="value"]').innerText()).trim();
  await note.locator('[data-action="insert-vitals"]').click();
  await expect(field('findings')).toHaveValue(new RegExp(`^Vitals at \\d{2}:\\d{2}:\\d{2}:\\nVital sign +Value +Measured\\n(.*\\n)*SpO₂ +\\d+ % +\\d{2}:\\d{2}:\\d{2}\\n`));
  expect(Number(/SpO₂ +(\d+) %/.exec(await field('findings').inputValue())![1])).toBeCloseTo(Number(spo2), -1);
  await field('plan').fill('Fluids, paracetamol; safety-net advice given');
  await expect(status).toHaveAttribute('data-saved', 'true', { timeout: 15_000 });
  await expect(status).toHaveText(/^Saved \d{2}:\d{2}$/);
  const findings = await field('findings').inputValue();
  await screenshotsAt(doctor, 'visit-note-clinician-draft', SIZES);

  // A reload: the draft comes back from the station, not from this browser.
  await doctor.reload();
  await doctor.locator('[data-action="join-visit"]').click();
  await expect(doctor.locator('[data-role="vitals-link"]')).toHaveAttribute('data-linked', 'true', { timeout: 30_000 });
  await doctor.locator('[data-action="show-note"]').click();
  await expect(note).toHaveAttribute('data-note-state', 'draft', { timeout: 30_000 });
  await expect(field('reason')).toHaveValue('Breathless on exertion for two days');
  await expect(field('findings')).toHaveValue(findings);
  await expect(field('plan')).toHaveValue('Fluids, paracetamol; safety-net advice given');
  await field('followUp').fill('Review by video in 3 days');
  await expect(status).toHaveAttribute('data-saved', 'true', { timeout: 15_000 });

  // The nurse has the station's Notes screen open while the clinician signs: it shows the signed note at once.
  await nurse.locator('[data-screen-link="notes"]').click();
  await expect(nurse.locator('[data-role="visit-signed-notes"] [data-role="visit-note"]')).toHaveCount(0);

  // Signing asks first; then the note is read-only.
  await note.locator('[data-action="sign-note"]').click();
  await note.locator('[data-action="confirm-sign"]').click();
  await expect(note).toHaveAttribute('data-note-state', 'signed', { timeout: 15_000 });
  await expect(note.locator('[data-role="note-signed"]')).toContainText('Signed by Remote clinician (video visit) (physician)');
  await expect(note.locator('textarea[data-role="note-field"]')).toHaveCount(0);
  await screenshotsAt(doctor, 'visit-note-clinician-signed', SIZES);

  // The station: the clinician's note, signed and read-only; the nurse's own note beside it.
  const signed = nurse.locator('[data-role="visit-signed-notes"] [data-role="visit-note"][data-note-state="signed"]');
  await expect(signed).toHaveCount(1);
  await expect(signed).toContainText('Note by Remote clinician (video visit)');
  await expect(signed.locator('[data-field="reason"] dd')).toHaveText('Breathless on exertion for two days');
  await expect(signed.locator('[data-field="followUp"] dd')).toHaveText('Review by video in 3 days');
  await expect(signed.locator('textarea')).toHaveCount(0);
  const own = nurse.locator('.notes-column [data-role="visit-note"]').first();
  await expect(own).toHaveAttribute('data-note-state', 'draft');
  await own.locator('[data-role="note-field"][data-field="reason"]').fill('Seen with the remote physician');
  // Leaving the screen within the autosave pause loses nothing: the editor saves as it goes.
  await nurse.locator('[data-screen-link="monitor"]').click();
  await nurse.locator('[data-screen-link="notes"]').click();
  await expect(own.locator('[data-role="note-field"][data-field="reason"]')).toHaveValue('Seen with the remote physician');
  await expect(own.locator('[data-role="note-save-status"]')).toHaveAttribute('data-saved', 'true', { timeout: 15_000 });
  await screenshotsAt(nurse, 'visit-notes-station', SIZES);
  await own.locator('[data-action="sign-note"]').click();
  await own.locator('[data-action="confirm-sign"]').click();
  await expect(own).toHaveAttribute('data-note-state', 'signed');
  await signed.locator('[data-action="add-addendum"]').click();
  await signed.locator('[data-role="addendum-text"]').fill('Chest X-ray requested after the call');
  await signed.locator('[data-action="sign-addendum"]').click();
  await expect(signed.locator('[data-role="note-addendum"]')).toContainText('Chest X-ray requested after the call');
  await screenshotsAt(nurse, 'visit-notes-station-signed', SIZES);

  // The clinician's page hears of the addendum to their note when it next asks (a reload).
  await doctor.reload();
  await doctor.locator('[data-action="join-visit"]').click();
  await doctor.locator('[data-action="show-note"]').click();
  await expect(note).toHaveAttribute('data-note-state', 'signed', { timeout: 30_000 });
  await expect(note.locator('[data-role="note-addendum"]')).toContainText('Chest X-ray requested after the call');
});
