/**
 * Conversations in the browser host against the Cloud API simulator: a customer writes,
 * the thread appears with its unread badge, the owner opens it and replies, and the reply's ticks
 * follow the status webhooks (sent → delivered → read); outside the 24-hour window the composer
 * is disabled and says why.
 *
 * Everything runs in this process (simulator, main's services, the browser host) so the simulator's
 * webhooks can go straight to the receiver with the verify token, as in test/unit/app-services.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import type { AppServices } from '../../main/app-services.ts';
import { startBrowserHost, type BrowserHost } from '../../main/host/http-host.ts';
import type { Credentials } from '../sim/simulator.ts';
import { startSimApp, type SimApp } from '../support/sim-app.ts';
import { memoryLogger } from '../support/test-log.ts';
import { seedThreads } from '../support/thread-seed.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const seed = JSON.parse(readFileSync(path.join(root, 'test/sim/seed.default.json'), 'utf8')) as {
  users: Array<{ wa_id?: string; name: string }>;
};

let app: SimApp;
let services: AppServices;
let host: BrowserHost;
let creds: Credentials;

test.beforeEach(async () => {
  app = await startSimApp({
    timeFactor: 100,
    config: { messageStatuses: { enabled: true, sentAfterMs: 0, deliveredAfterMs: 60_000, readAfterMs: 120_000 } },
  });
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

test('a customer writes, the owner replies and sees sent → delivered → read', async ({ page }) => {
  const ana = seed.users[0]!;
  await page.goto(host.url);
  await expect(page.getByTestId('threads-empty')).toBeVisible();

  await control(`/users/${ana.wa_id}/messages`, { text: 'Bom dia! Vocês têm pão de queijo hoje?' });
  const row = page.locator('[data-testid^="thread-row-"][data-thread-id]').first();
  await expect(row.getByTestId('thread-row-name')).toHaveText(ana.name);
  await expect(row.getByTestId('thread-row-preview')).toHaveText('Bom dia! Vocês têm pão de queijo hoje?');
  await expect(row.getByTestId('unread-badge')).toHaveText('1');

  await row.click();
  await expect(page.getByTestId('thread-name')).toHaveText(ana.name);
  await expect(page.getByTestId('timeline')).toContainText('Bom dia! Vocês têm pão de queijo hoje?');
  await expect(row.getByTestId('unread-badge')).toHaveCount(0);

  const input = page.getByTestId('composer-input');
  await input.fill('Temos sim!');
  await input.press('Enter');
  await expect(input).toHaveValue('');
  const reply = page.locator('[data-kind="message"]').filter({ hasText: 'Temos sim!' });
  const tick = reply.getByTestId('message-status');
  await expect(tick).toHaveAttribute('data-status', 'sent');
  await expect(row.getByTestId('thread-row-preview')).toHaveText('You: Temos sim!');

  await control('/clock/advance', { ms: 60_000 });
  await expect(tick).toHaveAttribute('data-status', 'delivered');
  await expect(tick).toHaveAttribute('aria-label', 'Delivered');

  await control('/clock/advance', { ms: 60_000 });
  await expect(tick).toHaveAttribute('data-status', 'read');
  await expect(tick).toHaveAttribute('aria-label', 'Read');
  // It reached the customer's phone.
  const inbox = (await (await fetch(`${creds.controlUrl}/users/${ana.wa_id}/inbox`)).json()) as { data: unknown[] };
  expect(JSON.stringify(inbox.data)).toContain('Temos sim!');
});

test('outside the 24-hour window the composer is disabled and says why', async ({ page }) => {
  const jonas = seed.users[1]!;
  // The last word from this customer is long past: only the business wrote, a year ago.
  services.threads.addOutgoingMessage({
    contact: { waId: jonas.wa_id!, userId: null, parentUserId: null, profileName: jonas.name, username: null },
    wamid: 'wamid.old',
    type: 'text',
    body: 'Your order is ready.',
    at: new Date(Date.now() - 365 * 86_400_000).toISOString(),
  });
  await page.goto(host.url);
  await page.locator('[data-testid^="thread-row-"][data-thread-id]').filter({ hasText: jonas.name }).click();
  await expect(page.getByTestId('timeline')).toContainText('Your order is ready.');
  await expect(page.getByTestId('composer-closed')).toContainText(
    'More than 24 hours since the customer last wrote — WhatsApp only allows approved template messages until they write again.',
  );
  await expect(page.getByTestId('composer-input')).toBeDisabled();
  await expect(page.getByTestId('composer-send')).toBeDisabled();

  // When the customer writes, the window opens and the composer with it.
  await control(`/users/${jonas.wa_id}/messages`, { text: 'Hallo, noch offen?' });
  await expect(page.getByTestId('timeline')).toContainText('Hallo, noch offen?');
  await expect(page.getByTestId('composer-input')).toBeEnabled();
});

test('scrolling up loads older items without moving what is on screen; search jumps to a year-old message', async ({ page }) => {
  const seeded = seedThreads(services, { longThreadItems: 600 });
  await page.goto(host.url);
  await page.getByTestId(`thread-row-${seeded.longThreadId}`).click();
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toContainText('Thank you so much!!');
  const loaded = (): Promise<number> => page.locator('[data-kind]').evaluateAll((els) => els.length);
  expect(await loaded()).toBeLessThan(80);

  // Scroll near the top of what is loaded (not yet near enough to load more) and note the first
  // item on screen; then 150 px further up: the next page arrives above, and that item is exactly
  // 150 px lower than before, as if nothing had been added.
  const frames = 'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))';
  const before = await timeline.evaluate(async (el, wait) => {
    el.scrollTop = 700;
    await (0, eval)(wait);
    const box = el.getBoundingClientRect();
    const first = [...el.querySelectorAll<HTMLElement>('[data-kind]')].find((e) => e.getBoundingClientRect().top >= box.top)!;
    return { id: first.dataset['testid']!, top: first.getBoundingClientRect().top };
  }, frames);
  const count = await loaded();
  await timeline.evaluate((el) => el.scrollBy({ top: -150 }));
  await expect.poll(async () => (await timeline.evaluate((el) => el.scrollTop)) > 1000).toBe(true);
  await expect(page.locator('.older')).toHaveCount(0);
  const after = await page.getByTestId(before.id).evaluate((el) => el.getBoundingClientRect().top);
  expect(Math.abs(after - (before.top + 150))).toBeLessThan(2);
  expect(await loaded()).toBeGreaterThanOrEqual(count);

  await page.getByTestId('thread-search').fill('panettone');
  const hit = page.locator('[data-testid^="search-hit-"]').first();
  await expect(hit.getByTestId('search-snippet').locator('mark')).toHaveText('panettone');
  await hit.click();
  const target = page.locator('.focused');
  await expect(target).toContainText('Hi! Do you make sugar-free panettone for Christmas?');
  await expect(target).toBeInViewport();
  // The thread opened at the hit (one page around it), not paged in from the newest message.
  const around = await loaded();
  expect(around).toBeLessThan(80);
  await expect(timeline).not.toContainText('Thank you so much!!');
  // Scrolling down brings the later messages in; "Jump to latest" goes straight to the end.
  await timeline.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect.poll(loaded).toBeGreaterThan(around);
  const latest = page.getByTestId('jump-latest');
  await expect(latest).toBeVisible();
  await latest.click();
  await expect(timeline).toContainText('Thank you so much!!');
  await expect(page.getByText('Thank you so much!!')).toBeInViewport();
  await expect(latest).toBeHidden();
});
