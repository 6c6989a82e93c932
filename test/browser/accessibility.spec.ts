/**
 * The accessibility sweep: axe-core (WCAG 2.0 and 2.1, A and AA) over every screen of the app, in
 * the light and the dark theme, must find nothing. Two apps cover the screens:
 *
 * - conversations and calls (startCallApp: main's services connected to the simulator in this
 *   process): no threads yet, the list with a dozen seeded customers, a thread open (and its
 *   "More actions" menu), search results and a thread opened at a hit, a ringing call, a call in
 *   progress (then with the keypad and the devices open), and the ended call's card;
 * - the first run and Settings (the browser host process, connected through the UI): the first-run
 *   screen, Account not connected, a failed check and connected (and the disconnect dialog),
 *   Connection ("Recent changes" long enough to scroll) and with Diagnostics expanded, Calling (as loaded, editing with the save bar,
 *   voicemail, restricted by WhatsApp), Desktop, Appearance and About.
 *
 * A third test turns on forced colours (Windows high contrast) and checks that a switch shows on,
 * off and disabled with system colours, which axe does not look at.
 *
 * A failure lists each violation: screen, theme, rule, impact, the elements' selectors and, for
 * contrast, the two colours and the ratio. Screenshots of what the fixes changed go to
 * test/screenshots/a11y/ (not compared).
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createPhonePeer, type PhonePeer } from '../sim/peer/phone-peer.ts';
import { seedThreads } from '../support/thread-seed.ts';
import { startWebHost, type WebHostProcess } from '../support/web-host-process.ts';
import { audit, formatFindings, type Finding } from './support/axe-sweep.ts';
import { startCallApp, type CallApp } from './support/call-app.ts';
import { fillConnectForm, goodFields, startSimHarness, type SimHarness } from './support/sim-account.ts';

const seed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../sim/seed.default.json'), 'utf8')) as {
  users: Array<{ wa_id?: string; name: string }>;
};
const ana = seed.users[0]!;
const shotsDir = path.resolve(import.meta.dirname, '../screenshots/a11y');

let app: CallApp | null = null;
let host: WebHostProcess | null = null;
let harness: SimHarness | null = null;
const peers: PhonePeer[] = [];
test.beforeAll(() => mkdirSync(shotsDir, { recursive: true }));
// eslint-disable-next-line no-empty-pattern -- Playwright hands the TestInfo second, after the fixtures
test.afterEach(async ({}, testInfo) => {
  // The browser host runs in its own process: on a failure, say what it printed.
  if (host && testInfo.status !== testInfo.expectedStatus) console.log(`[a11y] browser host output:\n${host.output()}`);
  for (const p of peers.splice(0)) await p.close().catch(() => undefined);
  await app?.close();
  app = null;
  if (host) expect(await host.stop()).toBe(0);
  host = null;
  await harness?.close();
  harness = null;
});

/** Audits the page as it stands, in both themes, and logs a line per screen. */
async function screen(page: Page, name: string, findings: Finding[]): Promise<void> {
  const n = await audit(page, name, findings);
  console.log(`[a11y] ${name}: ${n === 0 ? 'ok' : `${n} violation(s)`}`);
}

/**
 * Screenshots (not compared, for looking at) of what the accessibility fixes changed: light and
 * dark at 960×700 and 1366×768, in test/screenshots/a11y/. Keyboard focus stays where it is.
 */
async function shoot(page: Page, name: string, forcedColors: 'active' | 'none' = 'none'): Promise<void> {
  const viewport = page.viewportSize();
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme, forcedColors });
    for (const size of [
      { width: 960, height: 700 },
      { width: 1366, height: 768 },
    ]) {
      await page.setViewportSize(size);
      await page.waitForTimeout(250);
      await page.screenshot({ path: path.join(shotsDir, `${name}-${theme}-${size.width}.png`) });
    }
  }
  await page.emulateMedia({ forcedColors: 'none' });
  if (viewport) await page.setViewportSize(viewport);
}

test('conversations and calls: no axe violations in either theme', async ({ browser }) => {
  test.setTimeout(180_000);
  const findings: Finding[] = [];
  app = await startCallApp(browser, { seed });
  const { page: p, controlUrl } = app;

  await expect(p.getByTestId('threads-empty')).toBeVisible();
  await screen(p, 'Conversations, no threads', findings);

  const seeded = seedThreads(app.services, { longThreadItems: 300 });
  await p.reload();
  await expect(p.getByTestId('thread-rows')).toBeVisible();
  await screen(p, 'Conversations, thread list', findings);

  await p.getByTestId(`thread-row-${seeded.longThreadId}`).click();
  await expect(p.getByTestId('timeline')).toBeVisible();
  await p.waitForTimeout(300);
  await screen(p, 'Conversations, a thread open', findings);
  // The composer takes the app's focus ring: a solid 2 px outline around its box.
  await p.getByTestId('composer-input').focus();
  const ring = await p
    .locator('.box')
    .filter({ has: p.getByTestId('composer-input') })
    .evaluate((el) => {
      const s = getComputedStyle(el);
      return `${s.outlineStyle} ${s.outlineWidth}`;
    });
  expect(ring).toBe('solid 2px');
  // The pointer on an unread row, as when the owner reaches for a ringing customer.
  await p.locator('[data-testid^="thread-row-"].unread').first().hover();
  await shoot(p, 'thread-open-composer-focused');
  await p.getByTestId('thread-menu-button').click();
  await expect(p.getByTestId('thread-menu')).toBeVisible();
  await screen(p, 'Conversations, "More actions" open', findings);
  await p.keyboard.press('Escape');
  await expect(p.getByTestId('thread-menu')).toHaveCount(0);

  await p.getByTestId('thread-search').fill('panettone');
  await expect(p.locator('[data-testid^="search-hit-"]').first()).toBeVisible();
  await screen(p, 'Conversations, search results', findings);
  await p.locator('[data-testid^="search-hit-"]').first().click();
  await expect(p.locator('.focused').first()).toBeVisible();
  await screen(p, 'Conversations, opened at a search hit', findings);
  await p.getByTestId('thread-search').fill('');

  // A customer calls: the call card rings and so does their row in the list.
  const customer = createPhonePeer({ label: 'customer', metaShaped: true, source: { kind: 'tone', frequency: 1000, amplitude: 0.3 } });
  peers.push(customer);
  const res = await fetch(`${controlUrl}/users/${ana.wa_id}/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sdp: await customer.createOffer() }),
  });
  expect(res.status).toBe(201);
  await expect(p.getByTestId('incoming-call')).toBeVisible();
  await screen(p, 'Call ringing', findings);

  await p.getByTestId('incoming-answer').click();
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
  await screen(p, 'Call in progress', findings);
  await p.getByTestId('call-keypad-toggle').click();
  await p.getByTestId('call-devices-toggle').click();
  await expect(p.getByTestId('call-keypad')).toBeVisible();
  await expect(p.getByTestId('call-devices')).toBeVisible();
  await screen(p, 'Call in progress, keypad and devices open', findings);

  await p.getByTestId('call-hangup').click();
  await expect(p.getByTestId('call-ended')).toBeVisible();
  await screen(p, 'Call ended', findings);

  expect(findings.length, formatFindings(findings)).toBe(0);
});

test('first run and every settings page: no axe violations in either theme', async ({ page: p }) => {
  test.setTimeout(180_000);
  const findings: Finding[] = [];
  harness = await startSimHarness();
  host = await startWebHost({ extraArgs: ['--secrets', 'memory'] });
  const h = harness;

  await p.goto(host.url);
  await expect(p.getByTestId('first-run-banner')).toBeVisible();
  await screen(p, 'First run', findings);

  await p.getByTestId('first-run-connect').click();
  await expect(p.getByTestId('connect-form')).toBeVisible();
  await screen(p, 'Settings → Account, not connected', findings);

  await fillConnectForm(p, { ...goodFields(h), accessToken: 'EAAWRONGTOKEN00000000000000' });
  await p.getByTestId('connect-submit').click();
  await expect(p.getByTestId('connect-failed')).toBeVisible();
  await screen(p, 'Settings → Account, a failed check', findings);

  await fillConnectForm(p, goodFields(h));
  await p.getByTestId('connect-submit').click();
  await expect(p.getByTestId('account-connected')).toBeVisible();
  await screen(p, 'Settings → Account, connected', findings);
  await p.getByTestId('account-disconnect').click();
  await expect(p.getByTestId('disconnect-dialog')).toBeVisible();
  await screen(p, 'Settings → Account, disconnect dialog', findings);
  await p.getByTestId('disconnect-cancel').click();
  await expect(p.getByTestId('disconnect-dialog')).toBeHidden();

  await p.getByTestId('settings-nav-connection').click();
  await expect(p.getByTestId('connection-diagnostics')).toBeVisible();
  // Enough tunnel restarts (the tunnel has nowhere to go here) that "Recent changes" scrolls.
  const history = p.getByTestId('connection-history');
  const scrolls = (): Promise<boolean> => history.evaluate((el) => el.scrollHeight > el.clientHeight + 1).catch(() => false);
  for (let i = 0; i < 12 && !(await scrolls()); i++) {
    await expect(p.getByTestId('restart-tunnel')).toBeEnabled({ timeout: 20_000 });
    await p.getByTestId('restart-tunnel').click();
    await p.waitForTimeout(300);
  }
  expect(await scrolls()).toBe(true);
  await screen(p, 'Settings → Connection', findings);
  // While it scrolls, the list is a named tab stop, so the keyboard can scroll it.
  await expect(history).toHaveAttribute('tabindex', '0');
  await expect(history).toHaveAccessibleName('Recent changes');
  await p.keyboard.press('Shift'); // the next focus counts as keyboard focus: its ring shows
  await history.focus();
  await shoot(p, 'connection-history-focused');
  await p.getByTestId('diagnostics-toggle').click();
  await expect(p.getByTestId('diagnostics-body')).toBeVisible();
  await expect(p.getByTestId('diagnostics-receiver')).toBeVisible();
  await screen(p, 'Settings → Connection, Diagnostics expanded', findings);

  await p.getByTestId('settings-nav-calling').click();
  await expect(p.getByTestId('calling-form')).toBeVisible();
  await screen(p, 'Settings → Calling', findings);
  await p.getByTestId('calling-callback').click();
  await p.getByTestId('calling-hours').click();
  await expect(p.getByTestId('calling-discard')).toBeVisible();
  await screen(p, 'Settings → Calling, editing with the save bar', findings);
  await shoot(p, 'calling-save-bar');
  await p.getByTestId('calling-voicemail').click();
  await expect(p.getByTestId('voicemail-announcement')).toBeVisible();
  await p.getByTestId('calling-form').evaluate((el) => el.closest('.content')?.scrollTo({ top: 1e6 }));
  await screen(p, 'Settings → Calling, voicemail', findings);
  await p.getByTestId('calling-discard').click();

  h.sim.ctx.state.restrictions = [
    {
      type: 'RESTRICTED_USER_INITIATED_CALLING',
      reason: 'Many calls went unanswered in the last 7 days',
      expiration: Math.floor(Date.now() / 1000) + 3 * 86_400,
    },
  ];
  await p.getByTestId('settings-nav-account').click();
  await p.getByTestId('settings-nav-calling').click();
  await expect(p.getByTestId('calling-restrictions')).toBeVisible();
  await screen(p, 'Settings → Calling, restricted', findings);
  h.sim.ctx.state.restrictions = [];

  for (const [section, title] of [
    ['desktop', 'Desktop'],
    ['appearance', 'Appearance'],
    ['about', 'About'],
  ] as const) {
    await p.getByTestId(`settings-nav-${section}`).click();
    await expect(p.getByTestId(`settings-${section}`)).toBeVisible();
    await screen(p, `Settings → ${title}`, findings);
    if (section === 'desktop') await shoot(p, 'desktop-open-hidden-disabled');
  }

  expect(findings.length, formatFindings(findings)).toBe(0);
});

test('switches show on, off and disabled in forced colours (Windows high contrast)', async ({ page: p }) => {
  host = await startWebHost({ extraArgs: ['--secrets', 'memory'] });
  await p.goto(host.url);
  await p.getByTestId('nav-settings').click();
  await p.getByTestId('settings-nav-desktop').click();
  const atLogin = p.getByTestId('desktop-open-at-login');
  const hidden = p.getByTestId('desktop-open-hidden');
  // As it starts: "Open when I log in" off, "Start hidden" on but disabled until the first is on.
  await expect(atLogin).toHaveAttribute('aria-checked', 'false');
  await expect(hidden).toHaveAttribute('aria-checked', 'true');
  await expect(hidden).toBeDisabled();

  /** What a person sees of a switch: the track's and the knob's colours and where the knob sits. */
  const look = (testid: string): Promise<{ track: string; knob: string; x: number }> =>
    p.getByTestId(testid).evaluate((el) => {
      const knob = el.querySelector('.knob')!;
      return {
        track: getComputedStyle(el).backgroundColor,
        knob: getComputedStyle(knob).backgroundColor,
        x: knob.getBoundingClientRect().left - el.getBoundingClientRect().left,
      };
    });
  // No transitions, so the colours read are the ones drawn at rest.
  await p.emulateMedia({ forcedColors: 'active', colorScheme: 'light', reducedMotion: 'reduce' });
  const off = await look('desktop-open-at-login');
  const disabledOn = await look('desktop-open-hidden');
  await atLogin.click();
  await expect(atLogin).toHaveAttribute('aria-checked', 'true');
  await expect(hidden).toBeEnabled();
  const on = await look('desktop-open-at-login');
  const enabledOn = await look('desktop-open-hidden');

  // The knob stands out from its track in every state; on differs from off in colour and place;
  // a disabled switch is drawn differently from an enabled one in the same state.
  for (const s of [off, on, disabledOn, enabledOn]) expect(s.knob).not.toBe(s.track);
  expect(on.track).not.toBe(off.track);
  expect(on.knob).not.toBe(off.knob);
  expect(on.x).toBeGreaterThan(off.x + 10);
  expect(enabledOn).toEqual(on);
  expect(disabledOn.track).not.toBe(enabledOn.track);
  await p.emulateMedia({ reducedMotion: 'no-preference' });
  await p.keyboard.press('Shift');
  await atLogin.focus();
  await shoot(p, 'forced-colors-switches', 'active');
});
