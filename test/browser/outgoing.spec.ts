/**
 * Outgoing in the browser host against the Cloud API simulator (issues 6 and 7): the thread
 * header knows the call permission (none → ask → granted → Call enabled → calling), and outside
 * the 24-hour window the composer sends an approved template with its values.
 *
 * Everything runs in this process (simulator, main's services, the browser host), as in
 * threads.spec.ts. Screenshots of the header states and the template picker, in both themes, go
 * to test/screenshots/outgoing/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import type { AppServices } from '../../main/app-services.ts';
import { startBrowserHost, type BrowserHost } from '../../main/host/http-host.ts';
import type { Credentials } from '../sim/simulator.ts';
import { startSimApp, type SimApp } from '../support/sim-app.ts';
import { memoryLogger } from '../support/test-log.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const seed = JSON.parse(readFileSync(path.join(root, 'test/sim/seed.default.json'), 'utf8')) as {
  users: Array<{ wa_id?: string; name: string }>;
};
const shotsDir = path.join(root, 'test/screenshots/outgoing');

let app: SimApp;
let services: AppServices;
let host: BrowserHost;
let creds: Credentials;

test.beforeAll(() => {
  mkdirSync(shotsDir, { recursive: true });
});

test.beforeEach(async () => {
  app = await startSimApp({ timeFactor: 1 });
  ({ services, creds } = app);
  host = await startBrowserHost({ services, rendererDir: path.join(root, 'out', 'renderer'), port: 0, log: memoryLogger().log });
});

test.afterEach(async () => {
  await host.close();
  await app.close();
});

async function control(pathname: string, body: unknown): Promise<void> {
  const res = await fetch(`${creds.controlUrl}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(shotsDir, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('no permission → Ask to call → the customer accepts → Call is enabled and calls', async ({ page }) => {
  const ana = seed.users[0]!;
  await page.goto(host.url);
  await control(`/users/${ana.wa_id}/messages`, { text: 'Podem me ligar sobre a encomenda?' });
  await page.locator('[data-testid^="thread-row-"][data-thread-id]').filter({ hasText: ana.name }).click();
  await expect(page.getByTestId('timeline')).toContainText('Podem me ligar sobre a encomenda?');

  const header = page.getByTestId('thread-header');
  const call = page.getByTestId('thread-call');
  await expect(page.getByTestId('call-permission')).toContainText('No permission to call');
  await expect(call).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByTestId('call-blocked-reason')).toHaveText('This customer has not given permission to be called. Ask them first.');
  await call.hover();
  await expect(page.getByTestId('thread-call-tip')).toBeVisible();
  await shoot(page, 'header-no-permission');
  await expect(call).toBeDisabled(); // aria-disabled: still focusable, so the reason can be read
  await call.click({ force: true });
  await expect(page.getByTestId('call-panel')).toHaveCount(0);

  await page.getByTestId('ask-to-call').click();
  await expect(page.getByTestId('ask-sent')).toHaveText('Request sent — you’ll see their answer here.');
  // It reached the customer's phone as an interactive call_permission_request.
  const inbox = (await (await fetch(`${creds.controlUrl}/users/${ana.wa_id}/inbox`)).json()) as { data: unknown[] };
  expect(JSON.stringify(inbox.data)).toContain('call_permission_request');
  await shoot(page, 'header-asked');

  await control(`/users/${ana.wa_id}/permission`, { response: 'accept' });
  await expect(page.getByTestId('call-permission')).toContainText(/Can call until \w{3}/);
  await expect(page.getByTestId('call-permission')).toHaveAttribute('data-state', 'temporary');
  await expect(call).toBeEnabled();
  await expect(page.getByTestId('call-blocked-reason')).toHaveCount(0);
  await shoot(page, 'header-can-call');
  await expect(header).toBeVisible();

  await call.click();
  await expect(page.getByTestId('call-panel')).toBeVisible();
  await expect(page.getByTestId('caller-name')).toHaveText(ana.name);
  await expect(page.getByTestId('call-state')).toHaveAttribute('data-state', /preparing|dialing/);
  await page.getByTestId('call-hangup').click();
  await expect(page.getByTestId('call-ended')).toBeVisible();
});

test('outside the 24-hour window the composer sends an approved template with its values', async ({ page }) => {
  const jonas = seed.users[1]!;
  services.threads.addOutgoingMessage({
    contact: { waId: jonas.wa_id!, userId: null, parentUserId: null, profileName: jonas.name, username: null },
    wamid: 'wamid.old',
    type: 'text',
    body: 'Your order is ready.',
    at: new Date(Date.now() - 365 * 86_400_000).toISOString(),
  });
  await page.goto(host.url);
  await page.locator('[data-testid^="thread-row-"][data-thread-id]').filter({ hasText: jonas.name }).click();
  await expect(page.getByTestId('composer-input')).toBeDisabled();
  await expect(page.getByTestId('template-open')).toBeVisible();
  await shoot(page, 'composer-closed');
  // Asking to call outside the window needs a template with a call-permission button.
  await expect(page.getByTestId('call-permission')).toContainText('No permission to call');
  await page.getByTestId('ask-to-call').click();
  await expect(page.getByTestId('ask-template-select').locator('option')).toHaveText(['sample_cpr_template (en)']);
  await page.getByTestId('ask-template-cancel').click();

  await page.getByTestId('template-open').click();
  const picker = page.getByTestId('template-picker');
  await expect(picker.getByTestId('template-select')).toBeFocused();
  await picker.getByTestId('template-select').selectOption({ label: 'sample_cpr_template · en · marketing' });
  await expect(picker.getByTestId('template-preview')).toHaveText('We would like to call you about {{1}} regarding {{2}}.');
  await picker.getByTestId('template-param-1').fill('your cake order');
  await expect(picker.getByTestId('template-preview')).toHaveText('We would like to call you about your cake order regarding {{2}}.');
  await picker.getByTestId('template-param-2').fill('the delivery time');
  await expect(picker.getByTestId('template-preview')).toHaveText(
    'We would like to call you about your cake order regarding the delivery time.',
  );
  await shoot(page, 'template-picker');

  await picker.getByTestId('template-send').click();
  await expect(picker).toHaveCount(0);
  const bubble = page
    .locator('[data-kind="message"]')
    .filter({ hasText: 'We would like to call you about your cake order regarding the delivery time.' });
  await expect(bubble.getByTestId('message-status')).toHaveAttribute('data-status', /sent|delivered|read/);
  const inbox = (await (await fetch(`${creds.controlUrl}/users/${jonas.wa_id}/inbox`)).json()) as { data: unknown[] };
  expect(JSON.stringify(inbox.data)).toContain('sample_cpr_template');
  await expect(page.getByTestId('template-open')).toBeFocused();
});

test('a photo and a voice message are fetched on request; the thread exports as CSV and JSON', async ({ page }) => {
  const ana = seed.users[0]!;
  await page.goto(host.url);
  await control(`/users/${ana.wa_id}/messages`, { type: 'image', caption: 'Este bolo, por favor' });
  await control(`/users/${ana.wa_id}/messages`, { type: 'audio' });
  await page.locator('[data-testid^="thread-row-"][data-thread-id]').filter({ hasText: ana.name }).click();
  const photo = page.locator('[data-kind="message"]').filter({ hasText: 'Este bolo, por favor' });
  await expect(photo.getByTestId('media-load')).toHaveText('Show photo');
  await expect(photo.getByTestId('media-photo')).toHaveCount(0);
  await photo.getByTestId('media-load').click();
  const img = photo.getByTestId('media-photo');
  await expect(img).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);

  const voice = page.locator('[data-kind="message"]').filter({ hasText: 'Voice message' });
  await voice.getByTestId('media-load').click();
  await expect(voice.getByTestId('media-audio')).toHaveAttribute('src', /^blob:/);
  await shoot(page, 'media');

  // Export: the header menu, from the keyboard, as a download (the page stays where it is).
  const url = page.url();
  await page.getByTestId('thread-menu-button').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('export-json')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('export-csv')).toBeFocused();
  const [csv] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(csv.suggestedFilename()).toBe(`switchboard-${ana.wa_id}.csv`);
  const text = await readFile(await csv.path(), 'utf8');
  expect(text.split('\r\n')[0]).toBe('at,kind,direction,type,status,text,duration_seconds,whatsapp_id,recording');
  expect(text).toContain('Este bolo, por favor');
  await expect(page.getByTestId('export-note')).toHaveText(`Saved switchboard-${ana.wa_id}.csv`);

  await page.getByTestId('thread-menu-button').click();
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const data = JSON.parse(await readFile(await json.path(), 'utf8')) as { items: Array<{ type: string }> };
  expect(data.items.map((i) => i.type)).toEqual(['image', 'audio']);
  expect(page.url()).toBe(url);
});
