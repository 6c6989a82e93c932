/**
 * The dial pad (issue 17) in Chromium against the Cloud API simulator: a number with no
 * conversation yet, typed or pasted in any form ("+55 (11) 98765-0001", "011 98765 0001" read in
 * the business's own country), is checked against WhatsApp's call permission before anything else;
 * with permission it calls (the conversation is created and opens), without it "Ask to call" opens
 * the new conversation with the template chooser of the header's Ask-to-call flow. Opened from
 * "New call" in the Conversations header and Ctrl+Shift+K. Screenshots at 960×700 and 1366×768,
 * light and dark, go to test/screenshots/guard/.
 */
import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WCAG_TAGS } from './support/axe-sweep.ts';
import { callAppSpec, type CallApp } from './support/call-app.ts';

const seed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../sim/seed.default.json'), 'utf8')) as {
  users: Array<{ wa_id?: string; name: string }>;
};
const ana = seed.users[0]!;
const jonas = seed.users[1]!;
const shotsDir = path.resolve(import.meta.dirname, '../screenshots/guard');

const spec = callAppSpec({ shotsDir });
let app: CallApp | null = null;

async function control(pathname: string, body: unknown = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${app!.controlUrl}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, pathname).toBeLessThan(300);
  return (await res.json()) as Record<string, unknown>;
}

async function shoot(page: Page, name: string): Promise<void> {
  const before = page.viewportSize()!;
  for (const size of [
    { width: 960, height: 700 },
    { width: 1366, height: 768 },
  ]) {
    await page.setViewportSize(size);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(120);
      await page.screenshot({ path: path.join(shotsDir, `${name}-${size.width}x${size.height}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(before);
}

test('reads numbers in any form, checks the permission first, and offers Ask to call, which opens the new conversation asking', async () => {
  app = await spec.start({ seed, viewport: { width: 1366, height: 768 } });
  const { page, services } = app;
  await expect(page.getByTestId('account-state')).toHaveAttribute('data-state', 'connected');
  await page.getByTestId('new-call').click();
  const pad = page.getByTestId('dial-pad');
  await expect(pad).toBeVisible();
  await expect(page.getByTestId('dial-pad-input')).toBeFocused();
  // Numbers without a country code are read in the business's own country (its number is Brazilian).
  await expect(page.getByTestId('dial-pad-country')).toHaveValue('BR');

  await page.getByTestId('dial-pad-input').fill('+55 (11) 98765-0001');
  await expect(page.getByTestId('dial-pad-number')).toHaveAttribute('data-wa-id', ana.wa_id!);
  await expect(page.getByTestId('dial-pad-number')).toContainText('+55 11 98765 0001');
  // Ana has not given permission: the permission was checked with WhatsApp, and Ask to call is offered.
  await expect(page.getByTestId('dial-pad-status')).toHaveAttribute('data-state', 'none');
  await expect(page.getByTestId('dial-pad-status')).toHaveText('No permission to call');
  await expect(page.getByTestId('dial-pad-ask')).toBeEnabled();
  await expect(page.getByTestId('dial-pad-call')).toHaveCount(0);
  const checks = app.sim.graphFaults.count('GET', '/call_permissions');
  expect(checks).toBeGreaterThan(0);
  // The dial pad passes axe (WCAG 2.1 A/AA) in both themes.
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(300);
    const r = await new AxeBuilder({ page }).withTags(WCAG_TAGS).include('[data-testid="dial-pad"]').analyze();
    expect(r.violations.map((v) => `${scheme} ${v.id}: ${v.nodes.map((n) => n.html.slice(0, 100)).join(' | ')}`)).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await shoot(page, 'dial-pad-ask');
  // A small window (or 200 % zoom): the dial pad scrolls inside itself, nothing sideways.
  await page.setViewportSize({ width: 640, height: 400 });
  await page.getByTestId('dial-pad-ask').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('dial-pad-ask')).toBeInViewport();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
  await page.screenshot({ path: path.join(shotsDir, 'dial-pad-ask-640x400-light.png') });
  await page.setViewportSize({ width: 1366, height: 768 });

  // The national form, with the trunk prefix, is the same number.
  await page.getByTestId('dial-pad-input').fill('011 98765 0001');
  await expect(page.getByTestId('dial-pad-number')).toHaveAttribute('data-wa-id', ana.wa_id!);
  await expect(page.getByTestId('dial-pad-status')).toHaveAttribute('data-state', 'none');
  // Not a number: said at once, nothing checked.
  await page.getByTestId('dial-pad-input').fill('abc');
  await expect(page.getByTestId('dial-pad-status')).toHaveAttribute('data-state', 'not-a-number');
  // The keypad types too.
  await page.getByTestId('dial-pad-input').fill('');
  for (const k of ['plus', '5', '5', '1', '1', '9', '8', '7', '6', '5', '0', '0', '0', '1'])
    await page.getByTestId(`dial-key-${k}`).click();
  await expect(page.getByTestId('dial-pad-number')).toHaveAttribute('data-wa-id', ana.wa_id!);
  // Nothing was created by looking.
  expect(services.threads.threadIdForNumber(ana.wa_id!)).toBeNull();

  await expect(page.getByTestId('dial-pad-ask')).toBeEnabled();
  await page.getByTestId('dial-pad-ask').click();
  await expect(pad).toBeHidden();
  // The conversation exists now and is open, with the header's template chooser (no 24-hour window).
  await expect(page.getByTestId('thread-header')).toBeVisible();
  await expect(page.getByTestId('thread-name')).toContainText('+55 11 98765 0001');
  await expect(page.getByTestId('ask-template')).toBeVisible();
  await expect(page.getByTestId('ask-template-select')).toBeFocused();
  await page.getByTestId('ask-template-value-1').fill('Ana');
  await page.getByTestId('ask-template-value-2').fill('seu pedido');
  await page.getByTestId('ask-template-send').click();
  await expect(page.getByTestId('ask-sent')).toBeVisible();
  const inbox = (await (await fetch(`${app.controlUrl}/users/${ana.wa_id}/inbox`)).json()) as { data: unknown[] };
  expect(JSON.stringify(inbox.data)).toContain('sample_cpr_template');
});

test('with permission it calls: the conversation is created, opens, and the call starts', async () => {
  app = await spec.start({ seed, viewport: { width: 1366, height: 768 } });
  const { page } = app;
  // Jonas allowed calls from the business profile (he never wrote).
  await control(`/users/${jonas.wa_id}/permission`, { response: 'accept', source: 'profile' });
  await expect(page.getByTestId('account-state')).toHaveAttribute('data-state', 'connected');
  // The keyboard shortcut opens it from anywhere.
  await page.locator('body').click();
  await page.keyboard.press('Control+Shift+K');
  await expect(page.getByTestId('dial-pad')).toBeVisible();
  // A German number pasted with its international prefix, from a Brazilian business.
  await page.getByTestId('dial-pad-input').fill('0049 151 12340002');
  await expect(page.getByTestId('dial-pad-number')).toHaveAttribute('data-wa-id', jonas.wa_id!);
  await expect(page.getByTestId('dial-pad-status')).toHaveAttribute('data-state', 'permanent');
  await expect(page.getByTestId('dial-pad-call')).toBeEnabled();
  await shoot(page, 'dial-pad-call');
  await page.getByTestId('dial-pad-call').click();
  await expect(page.getByTestId('dial-pad')).toBeHidden();
  await expect(page.getByTestId('call-panel')).toBeVisible();
  await expect(page.getByTestId('call-state')).toHaveAttribute('data-state', /preparing|dialing|remote_ringing/);
  await expect(page.getByTestId('thread-header')).toBeVisible();
  // His permission reply had already started the conversation: it is the one that opens.
  await expect(page.getByTestId('thread-name')).toHaveText(jonas.name);
  await page.getByTestId('call-hangup').click();
  await expect(page.getByTestId('call-ended')).toBeVisible();

  // Escape closes it; a number that has a conversation now says so.
  await page.keyboard.press('Control+Shift+K');
  await page.getByTestId('dial-pad-input').fill('+49 151 12340002');
  await expect(page.getByTestId('dial-pad-open-thread')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('dial-pad')).toBeHidden();
});
