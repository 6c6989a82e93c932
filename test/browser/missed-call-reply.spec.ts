/**
 * The missed-call reply (issue 17) in Chromium against the Cloud API simulator: the owner turns it
 * on in Settings → Calling, a customer's call goes unanswered (it rings here; outside call hours
 * WhatsApp refuses it and the customer asks for a callback instead), and the customer gets the
 * configured message once — a duplicated webhook, a second callback request within the cooldown
 * change nothing. The reply shows in the customer's conversation like any message. Screenshots of
 * the card at 960×700 and 1366×768, light and dark, go to test/screenshots/guard/.
 */
import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { nextOpeningText } from '../../common/rules/missed-call-reply.ts';
import { until } from '../support/until.ts';
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

async function control(pathname: string, body: unknown = {}, method = 'POST'): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${app!.controlUrl}${pathname}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** The texts of what the business sent this customer's phone. */
async function phoneInbox(key: string): Promise<string[]> {
  const res = await control(`/users/${key}/inbox`, null, 'GET');
  const data = (res.json['data'] as Array<{ body: unknown }> | undefined) ?? [];
  return data.map((m) => JSON.stringify(m.body));
}

async function openReplyCard(page: Page): Promise<void> {
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-nav-calling').click();
  await expect(page.getByTestId('missed-reply')).toBeVisible();
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

/** axe (WCAG 2.1 A/AA) over these elements only, in both themes: the rule ids and the first offending nodes. */
async function axeFindings(page: Page, testids: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(300);
    let axe = new AxeBuilder({ page }).withTags(WCAG_TAGS);
    for (const id of testids) axe = axe.include(`[data-testid="${id}"]`);
    const r = await axe.analyze();
    for (const v of r.violations) out.push(`${scheme} ${v.id}: ${v.nodes.map((n) => n.html.slice(0, 100)).join(' | ')}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return out;
}

async function shoot(page: Page, name: string, target: string): Promise<void> {
  for (const size of [
    { width: 960, height: 700 },
    { width: 1366, height: 768 },
  ]) {
    await page.setViewportSize(size);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      // The card is taller than the window: its top, then its end.
      for (const edge of ['start', 'end'] as const) {
        await scrollTo(page, target, edge);
        await page.waitForTimeout(120);
        await page.screenshot({
          path: path.join(shotsDir, `${name}-${edge === 'start' ? 'top' : 'end'}-${size.width}x${size.height}-${scheme}.png`),
        });
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('a missed call outside call hours sends the configured reply once; asking twice is still one message', async () => {
  app = await spec.start({ seed, viewport: { width: 1366, height: 768 } });
  const { page } = app;
  // Closed now (open one weekday, not today, 09:00–17:00 UTC); callback requests on.
  const today = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'][new Date().getUTCDay()]!;
  const openDay = today === 'MONDAY' ? 'TUESDAY' : 'MONDAY';
  const hours = {
    status: 'ENABLED' as const,
    timezone_id: 'UTC',
    weekly_operating_hours: [{ day_of_week: openDay, open_time: '0900', close_time: '1700' } as const],
  };
  expect((await control('/settings', { calling: { call_hours: hours, callback_permission_status: 'ENABLED' } })).status).toBe(200);
  // Jonas wrote this morning: the 24-hour window is open, so the reply is the owner's own text.
  await control(`/users/${jonas.wa_id}/messages`, { text: 'Hallo! Ich rufe später an.' });

  await openReplyCard(page);
  const card = page.getByTestId('missed-reply');
  await expect(page.getByTestId('missed-reply-enabled')).toHaveAttribute('aria-checked', 'false');
  // Both cards pass axe, off (its fields disabled) and on.
  expect(await axeFindings(page, ['missed-reply', 'pickup-guard'])).toEqual([]);
  await page.getByTestId('missed-reply-enabled').click();
  await expect(page.getByTestId('missed-reply-enabled')).toHaveAttribute('aria-checked', 'true');
  await page.getByTestId('missed-reply-text').fill('Hi {name}, sorry we missed your call! We open again {next_opening}.');
  await page.getByTestId('missed-reply-text').blur();
  await expect(page.getByTestId('missed-reply-note')).toHaveText('Saved.');
  const opening = nextOpeningText({ ...hours, holiday_schedule: [] }, new Date(), 'en');
  await expect(page.getByTestId('missed-reply-preview')).toContainText(`Hi Ana, sorry we missed your call! We open again ${opening}.`);
  // Outside the window: the approved follow-up, with the name and the next opening.
  await page.getByTestId('missed-reply-template').selectOption({ label: 'missed_call_followup (en)' });
  await expect(card.getByTestId('missed-reply-value-1').locator('select')).toHaveValue('name');
  await expect(card.getByTestId('missed-reply-value-2').locator('select')).toHaveValue('next_opening');
  await page.getByTestId('missed-reply-callme-call_button').check();
  await expect(page.getByTestId('missed-reply-button-text')).toHaveValue('Call us');
  expect(await axeFindings(page, ['missed-reply'])).toEqual([]);
  await shoot(page, 'missed-call-reply-card', 'missed-reply');
  await page.setViewportSize({ width: 1366, height: 768 });

  // Jonas calls: WhatsApp refuses (closed) and he asks to be called back.
  const first = await control(`/users/${jonas.wa_id}/call`, { request_callback: true });
  expect(first.json).toMatchObject({ refused: true, reason: 'outside_call_hours', callback_requested: true });
  const sent = await until('the reply reached Jonas’s phone', async () =>
    (await phoneInbox(jonas.wa_id!)).length ? phoneInbox(jonas.wa_id!) : null,
  );
  expect(sent).toHaveLength(1);
  expect(sent[0]).toContain(`Hi Jonas Weber, sorry we missed your call! We open again ${opening}.`);
  expect(sent[0]).toContain('voice_call');

  // He tries again and asks again: within the cooldown, nothing more.
  const second = await control(`/users/${jonas.wa_id}/call`, { request_callback: true });
  expect(second.json).toMatchObject({ refused: true, callback_requested: true });
  await page.waitForTimeout(1500);
  expect(await phoneInbox(jonas.wa_id!)).toHaveLength(1);

  // The reply is in his conversation like any message, once.
  await page.getByTestId('nav-threads').click();
  await page.locator('[data-testid^="thread-row-"][data-thread-id]').filter({ hasText: jonas.name }).click();
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toContainText('Hallo! Ich rufe später an.');
  await expect(timeline.getByText(`Hi Jonas Weber, sorry we missed your call! We open again ${opening}.`)).toHaveCount(1);
});

test('a call that rings out here is answered by the reply; the terminate webhook delivered twice is still one message', async () => {
  app = await spec.start({ seed, viewport: { width: 1366, height: 768 } });
  const { page, services } = app;
  await control(`/users/${ana.wa_id}/messages`, { text: 'Oi! Vou ligar.' });
  const on = await services.dispatch('setMissedCallReply', { enabled: true, text: 'Oi {name}, perdemos sua ligação. Retornamos já!' });
  expect(on.ok).toBe(true);
  await expect(page.locator('[data-testid^="thread-row-"][data-thread-id]').filter({ hasText: ana.name })).toBeVisible();

  await control('/faults', { next: [{ match: { field: 'calls', event: 'terminate' }, faults: { duplicate: true }, count: 1 }] }, 'PUT');
  const call = await control(`/users/${ana.wa_id}/call`, {});
  expect(call.status).toBe(201);
  await expect(page.getByTestId('incoming-call')).toBeVisible();
  // Nobody answers; Ana gives up.
  await control(`/calls/${encodeURIComponent(call.json['id'] as string)}/hangup`);
  const sent = await until('the reply reached Ana’s phone', async () =>
    (await phoneInbox(ana.wa_id!)).length ? phoneInbox(ana.wa_id!) : null,
  );
  expect(sent[0]).toContain('Oi Ana Souza, perdemos sua ligação. Retornamos já!');
  await page.locator('[data-testid^="thread-row-"][data-thread-id]').filter({ hasText: ana.name }).click();
  const timeline = page.getByTestId('timeline');
  await expect(timeline.getByText('Oi Ana Souza, perdemos sua ligação. Retornamos já!')).toHaveCount(1);
  await page.waitForTimeout(1000);
  expect(await phoneInbox(ana.wa_id!)).toHaveLength(1);
  await expect(timeline.getByText('Oi Ana Souza, perdemos sua ligação. Retornamos já!')).toHaveCount(1);
});
