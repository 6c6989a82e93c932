/**
 * The pickup-rate guard (issue 17) in Chromium against the Cloud API simulator:
 *  - business calls: after two unanswered calls in a row the Call button warns that one more costs
 *    the permission, after three that the next revokes it, and asks first; the 4th, placed anyway
 *    and unanswered, makes WhatsApp revoke the permission, which the conversation shows;
 *  - customers' calls: when too few are picked up the status bar says so, and Settings → Calling
 *    shows both rates, the calls that lowered them (each opens its conversation) and what WhatsApp
 *    reports — here the hidden call button the simulator's low-pickup enforcement applies.
 * Screenshots at 960×700 and 1366×768, light and dark, go to test/screenshots/guard/.
 */
import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { until } from '../support/until.ts';
import { WCAG_TAGS } from './support/axe-sweep.ts';
import { callAppSpec, type CallApp } from './support/call-app.ts';

const seed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../sim/seed.default.json'), 'utf8')) as {
  users: Array<{ wa_id?: string; name: string }>;
};
const ana = seed.users[0]!;
const shotsDir = path.resolve(import.meta.dirname, '../screenshots/guard');

const spec = callAppSpec({ shotsDir });
let app: CallApp | null = null;

async function control(pathname: string, body: unknown = {}, method = 'POST'): Promise<Record<string, unknown>> {
  const res = await fetch(`${app!.controlUrl}${pathname}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, pathname).toBeLessThan(300);
  return (await res.json()) as Record<string, unknown>;
}

/** Scrolls the settings page (not the window, which never scrolls) so that `testid` starts at its top, or ends at its bottom. */
async function scrollTo(page: Page, testid: string, edge: 'start' | 'end' = 'start'): Promise<void> {
  await page.getByTestId(testid).evaluate((el, edge) => {
    document.scrollingElement?.scrollTo(0, 0);
    let box = el.parentElement;
    while (box && !(box.scrollHeight > box.clientHeight && /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
    if (!box) return;
    const r = el.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    box.scrollTop += edge === 'start' ? r.top - b.top - 12 : r.bottom - b.bottom + 12;
  }, edge);
}

/** axe (WCAG 2.1 A/AA) finds nothing in these elements, in either theme. */
async function expectAxeClean(page: Page, testids: string[]): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(300);
    let axe = new AxeBuilder({ page }).withTags(WCAG_TAGS);
    for (const id of testids) axe = axe.include(`[data-testid="${id}"]`);
    const r = await axe.analyze();
    expect(r.violations.map((v) => `${scheme} ${v.id}: ${v.nodes.map((n) => n.html.slice(0, 100)).join(' | ')}`)).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function shoot(page: Page, name: string, target?: string): Promise<void> {
  const before = page.viewportSize()!;
  for (const size of [
    { width: 960, height: 700 },
    { width: 1366, height: 768 },
  ]) {
    await page.setViewportSize(size);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      if (target) await scrollTo(page, target);
      await page.waitForTimeout(120);
      await page.screenshot({ path: path.join(shotsDir, `${name}-${size.width}x${size.height}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(before);
}

/** The business call now ringing at the simulator (placed from the app). */
async function placedCall(): Promise<string> {
  return until('the call reached WhatsApp', async () => {
    const calls = (await control('/calls', undefined, 'GET'))['data'] as Array<{ id: string; direction: string; state: string }>;
    return calls.find((c) => c.direction === 'BUSINESS_INITIATED' && (c.state === 'calling' || c.state === 'ringing'))?.id ?? null;
  });
}

/** Ana's phone declines the call the app just placed; the app shows it ended. */
async function declined(page: Page): Promise<void> {
  const id = await placedCall();
  await control(`/calls/${encodeURIComponent(id)}/decline`);
  await expect(page.getByTestId('call-ended')).toBeVisible();
}

test('the Call button warns before the 3rd and the 4th unanswered call; the 4th, placed anyway, costs the permission', async () => {
  app = await spec.start({ seed, viewport: { width: 1366, height: 768 } });
  const { page } = app;
  await control(`/users/${ana.wa_id}/messages`, { text: 'Podem me ligar à tarde?' });
  await control(`/users/${ana.wa_id}/permission`, { response: 'accept', source: 'profile', permanent: false });
  await page.locator('[data-testid^="thread-row-"][data-thread-id]').filter({ hasText: ana.name }).click();
  const call = page.getByTestId('thread-call');
  await expect(page.getByTestId('call-permission')).toHaveAttribute('data-state', 'temporary');
  await expect(call).toHaveAttribute('data-warning', 'none');

  // Two calls nobody answers: no warning before them.
  for (let i = 0; i < 2; i++) {
    await call.click();
    await declined(page);
  }
  await expect(call).toHaveAttribute('data-warning', 'last_but_one');
  await expect(page.getByTestId('call-warning')).toContainText(
    '2 calls in a row to Ana Souza went unanswered, and WhatsApp has asked them to review your permission. If this one goes unanswered too, one more will cost your permission to call.',
  );
  // WhatsApp nudged her (on her phone only).
  const nudged = (await control(`/users/${ana.wa_id}`, undefined, 'GET'))['permission'] as Record<string, unknown>;
  expect(nudged).toMatchObject({ consecutive_unanswered: 2, status: 'temporary' });
  expect(nudged['nudged_at']).toEqual(expect.any(Number));

  // The 3rd asks first.
  await call.click();
  await expect(page.getByTestId('call-anyway')).toBeVisible();
  await expect(page.getByTestId('call-panel')).toHaveCount(0);
  await page.getByTestId('call-anyway').click();
  await declined(page);

  // Before the 4th: if this one is not answered, the permission goes.
  await expect(call).toHaveAttribute('data-warning', 'revoke');
  await call.click();
  await expect(page.getByTestId('call-warning')).toHaveAttribute('data-level', 'revoke');
  await expect(page.getByTestId('call-warning')).toContainText(
    '3 calls in a row to Ana Souza went unanswered. If this one isn’t answered either, WhatsApp takes away your permission to call them.',
  );
  await expect(page.getByTestId('call-anyway')).toBeVisible();
  await expectAxeClean(page, ['thread-header']);
  await shoot(page, 'call-button-warning');
  // Cancel keeps everything as it was; then placed anyway.
  await page.getByTestId('call-warning-cancel').click();
  await expect(page.getByTestId('call-anyway')).toHaveCount(0);
  await call.click();
  await page.getByTestId('call-anyway').click();
  await declined(page);

  // WhatsApp revoked the permission: the conversation says so, and Call is blocked again.
  await expect(page.getByTestId('timeline')).toContainText('Call permission for Ana Souza ended');
  await expect(page.getByTestId('call-permission')).toHaveAttribute('data-state', 'none');
  await expect(call).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByTestId('call-warning')).toHaveCount(0);
});

test('too few customers’ calls picked up: the status bar says so, and Settings → Calling shows the rates, the calls and what WhatsApp reports', async () => {
  app = await spec.start({
    seed: { ...seed, config: { lowPickup: { warnAfter: 2, restrictAfter: 3 } } },
    viewport: { width: 1366, height: 768 },
  });
  const { page } = app;
  await control(`/users/${ana.wa_id}/messages`, { text: 'Oi' });
  await expect(page.getByTestId('pickup-indicator')).toHaveCount(0);
  // Three calls nobody picks up (Ana gives up each time).
  for (let i = 0; i < 3; i++) {
    const c = await control(`/users/${ana.wa_id}/call`, {});
    await expect(page.getByTestId('incoming-call')).toBeVisible();
    await control(`/calls/${encodeURIComponent(c['id'] as string)}/hangup`);
    await expect(page.getByTestId('incoming-call')).toHaveCount(0);
  }
  await expect(page.getByTestId('pickup-indicator')).toHaveText('Pickup 0% (below 80%)');
  // The last missed call's card is put away, so the page has its width.
  await page.getByTestId('call-dismiss').click();
  await expect(page.getByTestId('call-ended')).toHaveCount(0);
  await page.getByTestId('pickup-indicator').click();
  const card = page.getByTestId('pickup-guard');
  await expect(card).toBeVisible();
  await expect(page.getByTestId('pickup-day')).toContainText('0%');
  await expect(page.getByTestId('pickup-day')).toContainText('0 of 3 picked up');
  await expect(page.getByTestId('pickup-week')).toContainText('Below 80%');
  await expect(page.getByTestId('pickup-lowering').locator('li')).toHaveCount(3);
  // WhatsApp hid the call button (the simulator's low-pickup enforcement); Switchboard read it from the settings.
  await expect(page.getByTestId('pickup-whatsapp')).toContainText(
    'WhatsApp is hiding the call button from customers (too many unanswered calls).',
    {
      timeout: 20_000,
    },
  );
  await expect(page.getByTestId('pickup-button-hidden-fix')).toContainText('Display call buttons');
  await expectAxeClean(page, ['pickup-guard', 'status-bar']);
  await shoot(page, 'pickup-guard-card', 'pickup-guard');

  // The threshold is the owner's; each call opens its conversation.
  await page.getByTestId('pickup-threshold').fill('10');
  await page.getByTestId('pickup-threshold').blur();
  await expect(page.getByTestId('pickup-day')).toContainText('Below 10%');
  await page.getByTestId('pickup-lowering').locator('button').first().click();
  await expect(page.getByTestId('thread-name')).toHaveText(ana.name);
});
