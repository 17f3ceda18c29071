/**
 * Naming the current patient on the Records screen's form (page hooks: the section labelled by
 * #current-patient-title, its labelled fields, [data-action="name-patient"],
 * [data-role="name-patient-done"]), as a nurse would type it.
 */
import { expect, type Page } from '@playwright/test';

export const patientNamingForm = (page: Page) => page.locator('section[aria-labelledby="current-patient-title"]');

/** The patient every spec that names one uses: a name beyond ASCII, a birth date, an MRN. */
const NAMED_PATIENT = { given: 'Zoë', family: 'Okonkwo-Smith', birthDate: '1961-05-17', gender: 'female', identifier: 'MRN-4711' } as const;

/** Fills the form with NAMED_PATIENT, submits it and waits for the station to confirm. */
export async function nameCurrentPatient(page: Page): Promise<void> {
  const form = patientNamingForm(page);
  await form.getByLabel('Given name').fill(NAMED_PATIENT.given);
  await form.getByLabel('Family name').fill(NAMED_PATIENT.family);
  await form.getByLabel('Birth date (optional)').fill(NAMED_PATIENT.birthDate);
  await form.getByLabel('Gender').selectOption(NAMED_PATIENT.gender);
  await form.getByLabel('Identifier (optional, e.g. MRN)').fill(NAMED_PATIENT.identifier);
  await form.locator('[data-action="name-patient"]').click();
  await expect(form.locator('[data-role="name-patient-done"]')).toHaveText(`The current patient is now ${NAMED_PATIENT.given} ${NAMED_PATIENT.family}.`);
}
