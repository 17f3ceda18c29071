/**
 * Signing in through the station's own sign-in form, for the web-mode and Electron tests alike
 * (page hooks: form[data-screen="sign-in"], its labelled fields, [data-role="signed-in-user"]).
 */
import { expect, type Page } from '@playwright/test';
import type { StaffRole, StationAccount, StationAccounts } from './accounts';

export const signInForm = (page: Page) => page.locator('form[data-screen="sign-in"]');
export const signedInUser = (page: Page) => page.locator('[data-role="signed-in-user"]');

/** Fills the sign-in form and submits it; does not wait for the station's answer. */
export async function submitSignIn(page: Page, details: { username: string; password: string; code: string }): Promise<void> {
  const form = signInForm(page);
  await form.getByLabel('User name').fill(details.username);
  await form.getByLabel('Password', { exact: true }).fill(details.password);
  await form.getByLabel('Authenticator code').fill(details.code);
  await form.locator('[data-action="sign-in"]').click();
}

/** Signs `account` in with a code it has not used yet and waits until the screen shows who is signed in. */
export async function signInAs(page: Page, account: StationAccount): Promise<void> {
  await submitSignIn(page, { username: account.username, password: account.password, code: account.freshCode() });
  await expect(signedInUser(page)).toContainText(account.username);
  await expect(signedInUser(page)).toContainText(account.role, { ignoreCase: true });
}

/**
 * Creates a fresh account of `role` in the station's records (a code works once per user and
 * step, so accounts are never reused), signs it in at the page's sign-in form and returns it.
 */
export async function signIn(page: Page, accounts: StationAccounts, role: StaffRole = 'nurse'): Promise<StationAccount> {
  const account = await accounts.create(role);
  await signInAs(page, account);
  return account;
}
