/**
 * A phone must be noticed (issue 20, part 3), in the browser host against the simulator:
 *  - a ringing call is announced (assertive live region), named in the window title, marked on the
 *    favicon and shown as a web notification; all of it goes when the call stops ringing;
 *  - Silence stops the ringtone here and sends WhatsApp nothing (no reject); the card stays;
 *  - under do-not-disturb nothing rings, so nothing is announced either;
 *  - Settings → This computer asks the browser's notification permission from a button;
 *  - Settings → Calling → On this computer saves each control at once (ringtone, volume) and plays
 *    the ringtone and a test sound; its audio check shows the microphone's level;
 *  - keyboard focus never drops to the page: a message or a call re-sorting the list, a call in a
 *    narrow window hiding the list, Hang up, Ctrl+, and tabbing past the country search.
 * Screenshots of the ringing card and the On this computer card go to test/screenshots/notice/.
 */
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createPhonePeer } from '../sim/peer/phone-peer.ts';
import { until } from '../support/until.ts';
import { callAppSpec, type CallApp } from './support/call-app.ts';

const seed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../sim/seed.default.json'), 'utf8')) as {
  users: Array<{ wa_id?: string; name: string }>;
};
const ana = seed.users[0]!;
const jonas = seed.users[1]!;
const shotsDir = path.resolve(import.meta.dirname, '../screenshots/notice');

const spec = callAppSpec({ shotsDir });
let app: CallApp | null = null;
const peers = spec.peers;

/**
 * Injected before the app loads: window.Notification records what the app shows (permission as
 * `localStorage['test.notify']` says, 'granted' by default), and the ringtone's AudioContext (the
 * one made with latencyHint 'playback') tells whether it is playing.
 */
function instrument(): void {
  type Made = { title: string; body: string; tag: string; closed: boolean; onclick: (() => void) | null; close: () => void };
  const w = window as unknown as { __notes: Made[]; __ringing: () => boolean; __previews: number };
  w.__notes = [];
  class FakeNotification {
    static permission: NotificationPermission = (localStorage.getItem('test.notify') as NotificationPermission | null) ?? 'granted';
    static requestPermission(): Promise<NotificationPermission> {
      FakeNotification.permission = 'granted';
      return Promise.resolve('granted');
    }
    title: string;
    body: string;
    tag: string;
    closed = false;
    onclick: (() => void) | null = null;
    constructor(title: string, o?: NotificationOptions) {
      this.title = title;
      this.body = o?.body ?? '';
      this.tag = o?.tag ?? '';
      w.__notes.push(this);
    }
    close(): void {
      this.closed = true;
    }
  }
  (window as unknown as { Notification: unknown }).Notification = FakeNotification;
  const rings: AudioContext[] = [];
  w.__ringing = () => rings.some((c) => c.state === 'running');
  w.__previews = 0;
  const Ctx = window.AudioContext;
  window.AudioContext = class extends Ctx {
    constructor(o?: AudioContextOptions) {
      super(o);
      if (o?.latencyHint === 'playback') rings.push(this);
      else w.__previews++;
    }
  } as typeof AudioContext;
}

const json = { 'content-type': 'application/json' };
async function message(controlUrl: string, waId: string, text: string): Promise<void> {
  app?.sim.clock.advance(2000); // each message a little later: the list orders by time
  const res = await fetch(`${controlUrl}/users/${waId}/messages`, { method: 'POST', headers: json, body: JSON.stringify({ text }) });
  expect(res.status).toBe(201);
}
async function ring(controlUrl: string, waId: string, body: Record<string, unknown> = {}): Promise<void> {
  app?.sim.clock.advance(2000);
  const res = await fetch(`${controlUrl}/users/${waId}/call`, { method: 'POST', headers: json, body: JSON.stringify(body) });
  expect(res.status).toBe(201);
}
const focused = (p: Page) =>
  p.evaluate(() => {
    const el = document.activeElement;
    return el && el !== document.body ? (el.getAttribute('data-testid') ?? (el.id || el.tagName)) : 'body';
  });
const ringing = (p: Page) => p.evaluate(() => (window as unknown as { __ringing: () => boolean }).__ringing());
const notes = (p: Page) =>
  p.evaluate(() =>
    (window as unknown as { __notes: Array<{ title: string; body: string; closed: boolean }> }).__notes.map((n) => ({
      title: n.title,
      body: n.body,
      closed: n.closed,
    })),
  );
const favicon = (p: Page) => p.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel~="icon"]')?.href ?? '');
const callActions = () =>
  app!.sim.ctx.sent.filter((x) => x.kind === 'call-action').map((x) => `${String((x.body as { action?: string }).action)}:${x.status}`);

async function shoot(p: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await p.emulateMedia({ colorScheme: scheme });
    await p.waitForTimeout(150);
    await p.screenshot({ path: path.join(shotsDir, `${name}-${scheme}.png`) });
  }
  await p.emulateMedia({ colorScheme: 'light' });
}

test('a ringing call is announced, named in the title, dotted on the favicon and notified; Silence stops the ring without a reject', async () => {
  app = await spec.start({ seed, viewport: { width: 1366, height: 768 }, initScript: instrument });
  const { page: p, controlUrl } = app;
  await message(controlUrl, ana.wa_id!, 'Olá, vou ligar');
  await p.getByTestId('thread-rows').locator('[data-thread-id]').first().click();
  const title = await p.title();
  expect(title).toBe('Switchboard');
  const icon = await favicon(p);
  expect(icon).toMatch(/favicon\.svg$/);
  await expect(p.getByTestId('ringing-announcer')).toHaveText('');

  await ring(controlUrl, ana.wa_id!);
  const card = p.getByTestId('incoming-call');
  await expect(card).toBeVisible();
  await expect(p.getByTestId('ringing-announcer')).toHaveText('Incoming WhatsApp call from Ana Souza');
  await expect(p.getByTestId('ringing-announcer')).toHaveAttribute('aria-live', 'assertive');
  await expect(p).toHaveTitle('Ringing: Ana Souza');
  await until('the favicon has its dot', async () => (await favicon(p)).startsWith('data:image/png'));
  await until('a notification', async () => (await notes(p)).length === 1);
  expect(await notes(p)).toEqual([
    { title: 'Incoming WhatsApp call', body: 'Ana Souza is calling. Click to answer in Switchboard.', closed: false },
  ]);
  await until('the ringtone plays', () => ringing(p));
  await expect(card.getByTestId('incoming-silence')).toBeEnabled();
  await expect(card).toContainText('S');
  for (const size of [
    { width: 960, height: 700 },
    { width: 1366, height: 768 },
  ]) {
    await p.setViewportSize(size);
    await shoot(p, `ringing-${size.width}`);
  }
  // Three buttons where there were two: each can still be clicked where it is drawn, down to 800×600.
  await p.setViewportSize({ width: 800, height: 600 });
  for (const id of ['incoming-decline', 'incoming-silence', 'incoming-answer']) {
    const hit = await card.getByTestId(id).evaluate((el) => {
      const r = el.getBoundingClientRect();
      const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return r.right <= document.documentElement.clientWidth && !!at && (at === el || el.contains(at));
    });
    expect(hit, id).toBe(true);
  }
  await p.setViewportSize({ width: 1366, height: 768 });

  // Silence (from the keyboard, on its button): the ringtone stops here; WhatsApp is sent nothing; the card stays.
  await card.getByTestId('incoming-silence').focus();
  await p.keyboard.press('Enter');
  await until('the ringtone stops', async () => !(await ringing(p)));
  await expect(card).toBeVisible();
  await expect(card.getByTestId('incoming-silenced')).toContainText('The call still rings on WhatsApp');
  await expect(card.getByTestId('incoming-silence')).toHaveAttribute('aria-pressed', 'true');
  await expect(card.getByTestId('incoming-silence')).toBeDisabled();
  expect(await focused(p)).toBe('incoming-answer'); // not dropped to the page with the disabled button
  await p.waitForTimeout(1500);
  expect(await ringing(p)).toBe(false);
  expect(callActions().filter((a) => !a.startsWith('pre_accept'))).toEqual([]); // no reject, no terminate
  // Still a call waiting for an answer: title, dot and notification stay.
  await expect(p).toHaveTitle('Ringing: Ana Souza');
  expect((await notes(p))[0]!.closed).toBe(false);
  for (const size of [
    { width: 960, height: 700 },
    { width: 1366, height: 768 },
  ]) {
    await p.setViewportSize(size);
    await shoot(p, `silenced-${size.width}`);
  }

  // Declined: everything goes back as it was.
  await card.getByTestId('incoming-decline').click();
  await until('reject sent', () => callActions().includes('reject:200'));
  await expect(p).toHaveTitle(title);
  await until('the favicon is back', async () => (await favicon(p)) === icon);
  await expect(p.getByTestId('ringing-announcer')).toHaveText('');
  expect((await notes(p))[0]!.closed).toBe(true);
  // Focus was on the card: it goes to the caller's thread's Call button, not the page.
  expect(await focused(p)).toBe('thread-call');
});

test('under do-not-disturb nothing rings, so nothing is announced, titled or notified', async () => {
  app = await spec.start({ seed, initScript: instrument });
  const { page: p, controlUrl, services } = app;
  expect(await services.dispatch('setDesktopPreferences', { dnd: 'hour' })).toMatchObject({ ok: true });
  await ring(controlUrl, ana.wa_id!);
  await expect(p.getByTestId('incoming-call')).toBeVisible();
  await p.waitForTimeout(1200);
  await expect(p).toHaveTitle('Switchboard');
  await expect(p.getByTestId('ringing-announcer')).toHaveText('');
  expect(await notes(p)).toEqual([]);
  expect(await ringing(p)).toBe(false);
  await expect(p.getByTestId('incoming-silence')).toBeDisabled();
});

test('Settings → This computer asks for notification permission from a button, in the browser host', async () => {
  app = await spec.start({ seed, initScript: instrument });
  const { page: p } = app;
  await p.evaluate(() => localStorage.setItem('test.notify', 'default'));
  await p.reload();
  await p.getByTestId('nav-settings').click();
  await p.getByTestId('settings-nav-desktop').click();
  const card = p.getByTestId('desktop-notify');
  await expect(card.getByTestId('desktop-notify-state')).toHaveAttribute('data-state', 'default');
  await card.getByTestId('desktop-notify-allow').click();
  await expect(card.getByTestId('desktop-notify-state')).toHaveAttribute('data-state', 'granted');
  await expect(card.getByTestId('desktop-notify-allow')).toHaveCount(0);
});

test('On this computer: the ringtone and its volume save at once, Play previews, the audio check hears the microphone', async () => {
  app = await spec.start({ seed, viewport: { width: 1366, height: 768 }, initScript: instrument });
  const { page: p, services } = app;
  // The one-time hint before the first call leads to the audio check.
  await expect(p.getByTestId('audio-check-hint')).toBeVisible();
  await shoot(p, 'audio-hint-1366');
  await p.getByTestId('audio-check-hint-open').click();
  await expect(p.getByTestId('audio-check')).toBeVisible();
  await until('the audio check has focus', async () => (await focused(p)) === 'audio-check-title');

  const prefs = p.getByTestId('call-prefs');
  await prefs.getByTestId('ringtone-choice').selectOption('classic');
  await expect(prefs.getByTestId('ringtone-note')).toHaveText('Saved');
  await prefs.getByTestId('ring-volume').fill('40');
  await until('volume kept', () => services.config.get().preferences.ringVolume === 40);
  expect(services.config.get().preferences.ringtone).toBe('classic');
  expect(await prefs.getByTestId('stun-save').count()).toBe(0);

  const before = await p.evaluate(() => (window as unknown as { __previews: number }).__previews);
  await prefs.getByTestId('ringtone-play').click();
  await until('a preview played', async () => (await p.evaluate(() => (window as unknown as { __previews: number }).__previews)) > before);
  await expect(prefs.getByTestId('ringtone-play')).toBeEnabled({ timeout: 5000 });
  expect(await ringing(p)).toBe(false); // a preview is not ringing

  await prefs.getByTestId('audio-check-mic').click();
  await expect(prefs.getByTestId('audio-check-mic')).toHaveAttribute('aria-pressed', 'true');
  await expect(prefs.getByTestId('audio-check-mic-status')).toBeVisible();
  // Chromium's fake microphone beeps: the meter moves.
  await until('the meter moves', async () => Number(await prefs.getByTestId('audio-check-meter').getAttribute('aria-valuenow')) > 0, 8000);
  await prefs.getByTestId('audio-check-speaker').click();
  await expect(prefs.getByTestId('audio-check-speaker-status')).toBeVisible({ timeout: 5000 });

  await p.mouse.move(0, 0);
  for (const size of [
    { width: 960, height: 700 },
    { width: 1366, height: 768 },
  ]) {
    await p.setViewportSize(size);
    // The card's top, then its end (STUN, TURN), each with a little of the page around it.
    await prefs.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await p
      .getByTestId('settings-view')
      .locator('.content')
      .evaluate((el) => el.scrollBy(0, -16));
    await shoot(p, `on-this-computer-${size.width}`);
    await prefs.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await shoot(p, `on-this-computer-${size.width}-end`);
  }

  await prefs.getByTestId('audio-check-mic').click();
  await expect(prefs.getByTestId('audio-check-mic')).toHaveAttribute('aria-pressed', 'false');
  await expect(prefs.getByTestId('audio-check-meter')).toHaveCount(0);
  await p.getByTestId('nav-threads').click();
  await expect(p.getByTestId('thread-empty')).toBeVisible();
  await expect(p.getByTestId('audio-check-hint')).toHaveCount(0); // used: not offered again
});

// ---- focus ---------------------------------------------------------------------------------

test('focus: a thread row keeps focus when a message or a call re-sorts the list', async () => {
  app = await spec.start({ seed, initScript: instrument });
  const { page: p, controlUrl } = app;
  await message(controlUrl, ana.wa_id!, 'Olá');
  await message(controlUrl, jonas.wa_id!, 'Hallo');
  const rows = p.getByTestId('thread-rows').locator('[data-thread-id]');
  await expect(rows).toHaveCount(2);
  const anaId = (await rows.filter({ hasText: 'Ana' }).getAttribute('data-testid'))!;
  const jonasId = (await rows.filter({ hasText: 'Jonas' }).getAttribute('data-testid'))!;
  await expect(rows.first()).toHaveAttribute('data-testid', jonasId);

  // Ana's row focused; her message moves it to the top.
  await p.getByTestId(anaId).focus();
  await message(controlUrl, ana.wa_id!, 'Mais uma');
  await expect(rows.first()).toHaveAttribute('data-testid', anaId);
  await p.waitForTimeout(200);
  expect(await focused(p)).toBe(anaId);
  // Jonas's message moves the focused row down.
  await message(controlUrl, jonas.wa_id!, 'Noch eine');
  await expect(rows.first()).toHaveAttribute('data-testid', jonasId);
  await p.waitForTimeout(200);
  expect(await focused(p)).toBe(anaId);
  // A call from Jonas while Ana's row has focus (wide window: the list stays): it re-sorts, the row keeps focus.
  await message(controlUrl, ana.wa_id!, 'E agora');
  await expect(rows.first()).toHaveAttribute('data-testid', anaId);
  await ring(controlUrl, jonas.wa_id!);
  await expect(p.getByTestId('incoming-call')).toBeVisible();
  await expect(rows.first()).toHaveAttribute('data-testid', jonasId);
  await p.waitForTimeout(300);
  expect(await focused(p)).toBe(anaId);
});

test('focus: in a narrow window the list steps aside for a call, and Answer takes the focus its row had', async () => {
  app = await spec.start({ seed, viewport: { width: 960, height: 700 }, initScript: instrument });
  const { page: p, controlUrl } = app;
  await message(controlUrl, ana.wa_id!, 'Olá');
  await p.getByTestId('thread-rows').locator('[data-thread-id]').first().click();
  expect(await focused(p)).toMatch(/^thread-row-/);
  await ring(controlUrl, ana.wa_id!);
  await expect(p.getByTestId('incoming-call')).toBeVisible();
  await expect(p.getByTestId('thread-list')).toBeHidden();
  await until('Answer has focus', async () => (await focused(p)) === 'incoming-answer');
});

test('focus: after Hang up it goes to the thread’s Call button', async () => {
  app = await spec.start({ seed, initScript: instrument });
  const { page: p, controlUrl } = app;
  await message(controlUrl, ana.wa_id!, 'Olá');
  await p.getByTestId('thread-rows').locator('[data-thread-id]').first().click();
  const customer = createPhonePeer({ label: 'customer', metaShaped: true, source: { kind: 'tone', frequency: 1000, amplitude: 0.3 } });
  peers.push(customer);
  await ring(controlUrl, ana.wa_id!, { sdp: await customer.createOffer() });
  await p.getByTestId('incoming-answer').click();
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
  await p.getByTestId('call-hangup').focus();
  await p.keyboard.press('Enter');
  await expect(p.getByTestId('call-ended')).toBeVisible();
  await until('terminate sent', () => callActions().includes('terminate:200'));
  await until('the Call button has focus', async () => (await focused(p)) === 'thread-call');
});

test('focus: Ctrl+, puts it on the settings page heading', async () => {
  app = await spec.start({ seed, initScript: instrument });
  const { page: p, controlUrl } = app;
  await message(controlUrl, ana.wa_id!, 'Olá');
  await p.getByTestId('thread-rows').locator('[data-thread-id]').first().focus();
  await p.keyboard.press('Control+,');
  await expect(p.getByTestId('settings-view')).toBeVisible();
  await until('the heading has focus', async () => /^settings-[a-z]+-title$/.test(await focused(p)));
  await p.getByTestId('settings-nav-calling').click();
  await p.keyboard.press('Control+,');
  await until('the calling heading has focus', async () => (await focused(p)) === 'settings-calling-title');
});

test('focus: tabbing past the country search goes to the next control, not the page', async () => {
  app = await spec.start({ seed, initScript: instrument });
  const { page: p } = app;
  await p.keyboard.press('Control+,');
  await p.getByTestId('settings-nav-calling').click();
  // Focused, the list opens with 50 countries: a scrolling box, which Chromium puts in the tab order.
  await p.getByTestId('country-search').focus();
  await expect(p.getByRole('listbox')).toBeVisible();
  await p.keyboard.press('Tab');
  await p.waitForTimeout(200);
  const next = await focused(p);
  expect(next).not.toBe('body');
  expect(next).not.toBe('country-search');
  await p.keyboard.press('Shift+Tab');
  expect(await focused(p)).toBe('country-search');
});
