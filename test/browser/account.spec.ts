/** Settings → Account in the browser host, against the Cloud API simulator. */
import { test, expect } from '@playwright/test';
import { startWebHost, type WebHostProcess } from '../support/web-host-process.ts';
import { connectThroughUi, fillConnectForm, goodFields, openManualEntry, startSimHarness, type SimHarness } from './support/sim-account.ts';

let host: WebHostProcess;
let h: SimHarness;
test.beforeEach(async () => {
  h = await startSimHarness();
  host = await startWebHost({ extraArgs: ['--secrets', 'memory'] });
});
test.afterEach(async () => {
  expect(await host.stop()).toBe(0);
  await h.close();
});

test('each bad field gets its own message, and nothing is saved until the check passes', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('first-run-connect').click();
  const form = page.getByTestId('connect-form');
  await expect(form).toBeVisible();
  // The ids and the server are typed by hand behind a disclosure (connect-two-fields.spec.ts covers the two-field way).
  await expect(page.getByTestId('connect-field-appId')).toBeHidden();
  await openManualEntry(page);
  // The defaults come from main.
  await expect(page.getByTestId('connect-field-apiVersion')).toHaveValue('v25.0');
  await expect(page.getByTestId('connect-field-graphBaseUrl')).toHaveValue('https://graph.facebook.com');

  // A field that is wrong on its face is refused next to the field, before any network call.
  await fillConnectForm(page, { ...goodFields(h), appId: 'my-app' });
  await page.getByTestId('connect-submit').click();
  await expect(page.getByTestId('connect-error-appId')).toContainText('The app id is a number');
  await expect(page.getByTestId('connect-field-appId')).toHaveAttribute('aria-invalid', 'true');
  expect(h.requests).toEqual([]);

  // Wrong token.
  await fillConnectForm(page, { ...goodFields(h), accessToken: 'EAAWRONGTOKEN00000000000000' });
  await page.getByTestId('connect-submit').click();
  await expect(page.getByTestId('connect-step-token')).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('connect-step-token')).toContainText('The access token was refused');
  await expect(page.getByTestId('connect-step-phone')).toHaveAttribute('data-state', 'skipped');
  await expect(page.getByTestId('connect-failed')).toContainText('nothing was saved');
  await expect(page.getByTestId('connect-save-anyway')).toBeVisible();
  await expect(page.getByTestId('connect-error-appId')).toHaveCount(0);

  // Wrong phone number id.
  await fillConnectForm(page, { ...goodFields(h), phoneNumberId: '3999999999999999' });
  await page.getByTestId('connect-submit').click();
  await expect(page.getByTestId('connect-step-token')).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('connect-step-phone')).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('connect-step-phone')).toContainText('No phone number with id 3999999999999999');
  await expect(page.getByTestId('connect-step-phone')).toContainText('How to fix');

  // Unreachable URL.
  await fillConnectForm(page, { ...goodFields(h), graphBaseUrl: 'http://127.0.0.1:1' });
  await page.getByTestId('connect-submit').click();
  await expect(page.getByTestId('connect-step-token')).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('connect-step-token')).toContainText('Could not reach 127.0.0.1:1');
  await expect(page.getByTestId('connect-step-token')).toContainText('Graph API base URL');

  // Still not connected after all that.
  await page.reload();
  await expect(page.getByTestId('account-state')).toContainText('Not connected');
  await page.getByTestId('first-run-connect').click();
  await expect(page.getByTestId('connect-form')).toBeVisible();

  // The good account.
  await fillConnectForm(page, goodFields(h));
  await page.getByTestId('connect-submit').click();
  await expect(page.getByTestId('account-connected')).toBeVisible();
  await expect(page.getByTestId('account-number')).toHaveText('+55 11 95555 0100');
  await expect(page.getByTestId('account-verified-name')).toHaveText('Padaria Aurora');
  await expect(page.getByTestId('account-secrets-backend')).toContainText('memory');
  await expect(page.getByTestId('account-verify-token')).toContainText('••••');
  // The browser host cannot copy the verify token; it never crosses the bridge.
  await expect(page.getByTestId('account-copy-verify-token')).toHaveCount(0);
  await expect(page.getByTestId('account-state')).toContainText('Connected');
});

test('the check shows each step as it runs, and "Save anyway" saves a failing account', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('first-run-connect').click();
  await fillConnectForm(page, { ...goodFields(h), wabaId: '2999999999999999' });
  await page.getByTestId('connect-submit').click();
  await expect(page.getByTestId('connect-steps').locator('li')).toHaveCount(6);
  await expect(page.getByTestId('connect-step-webhooks')).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('connect-step-webhooks')).toContainText('No WhatsApp Business Account with id 2999999999999999');
  for (const id of ['token', 'phone', 'app', 'settings', 'health'])
    await expect(page.getByTestId(`connect-step-${id}`)).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('connect-save-anyway').click();
  await expect(page.getByTestId('account-connected')).toBeVisible();
});

test('disconnect asks first, works from the keyboard, and removes the account', async ({ page }) => {
  await connectThroughUi(page, host.url, h);
  const open = page.getByTestId('account-disconnect');
  await open.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('disconnect-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading')).toContainText('Disconnect +55 11 95555 0100?');
  // Focus starts on Cancel; Escape closes and returns focus.
  await expect(page.getByTestId('disconnect-cancel')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();
  await expect(page.getByTestId('account-connected')).toBeVisible();

  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('disconnect-confirm')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('connect-form')).toBeVisible();
  await expect(page.getByTestId('account-state')).toContainText('Not connected');
  await page.reload();
  await expect(page.getByTestId('first-run-banner')).toBeVisible();
});
