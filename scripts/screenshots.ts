/**
 * `npm run screenshots`: starts the browser host on a fresh data dir (memory secrets) and the
 * Cloud API simulator in-process, opens the app in Chromium and saves a PNG of each main view, in
 * the light and the dark theme, to test/screenshots/ (not committed). The account screen is
 * captured three ways (the connect form, a failed check, connected) by connecting through the
 * UI; the calling settings screen with call hours, holidays and voicemail filled in.
 * Conversations are captured from a second, in-process host connected to the simulator
 * through a loopback tunnel and seeded with a dozen customers and a year-long thread: the thread
 * list, the long thread at its newest items, scrolled back, and a search jumping to an old message.
 * Settings → This computer is captured as it starts and with do-not-disturb on and a refused shortcut.
 * Requires `npm run build` first.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { startWebHost } from '../test/support/web-host-process.ts';
import { chromiumLaunchOptions } from '../test/support/chromium.ts';
import { createSimulator } from '../test/sim/simulator.ts';
import { startAppServices } from '../main/app-services.ts';
import { startBrowserHost } from '../main/host/http-host.ts';
import { testServiceOptions } from '../test/support/host.ts';
import { memoryLogger } from '../test/support/test-log.ts';
import { startTunnelServer } from '../test/support/tunnel-server.ts';
import { seedThreads } from '../test/support/thread-seed.ts';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, 'test', 'screenshots');
mkdirSync(outDir, { recursive: true });

const seed = JSON.parse(readFileSync(path.join(root, 'test/sim/seed.default.json'), 'utf8')) as Record<string, unknown>;
const sim = createSimulator({ seed });
await sim.listen(0);
const creds = sim.credentials();

const host = await startWebHost({ extraArgs: ['--secrets', 'memory'] });
const browser = await chromium.launch(chromiumLaunchOptions());
const shots: string[] = [];

async function fillConnectForm(page: Page, token: string): Promise<void> {
  const fields: Record<string, string> = {
    graphBaseUrl: creds.graphBaseUrl,
    apiVersion: creds.apiVersion,
    accessToken: token,
    appSecret: creds.appSecret,
    appId: creds.appId,
    wabaId: creds.wabaId,
    phoneNumberId: creds.phoneNumberId,
  };
  // The ids and the server are behind "Enter IDs by hand" (the two-field way has its own screenshots:
  // CONNECT_SCREENSHOTS=1 npx playwright test test/browser/connect-two-fields.spec.ts).
  const toggle = page.getByTestId('connect-manual-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  for (const [name, value] of Object.entries(fields)) await page.getByTestId(`connect-field-${name}`).fill(value);
}

/** The conversations screens, on their own host with seeded threads (see the header). */
async function captureThreads(): Promise<void> {
  const tunnel = await startTunnelServer();
  const { log } = memoryLogger();
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const services = await startAppServices({ ...testServiceOptions(log, version), localtunnelHost: tunnel.url });
  const threadsHost = await startBrowserHost({ services, rendererDir: path.join(root, 'out', 'renderer'), port: 0, log });
  try {
    const res = await services.dispatch('connectAccount', {
      graphBaseUrl: creds.graphBaseUrl,
      apiVersion: creds.apiVersion,
      accessToken: creds.accessToken,
      appSecret: creds.appSecret,
      appId: creds.appId,
      wabaId: creds.wabaId,
      phoneNumberId: creds.phoneNumberId,
    });
    if (!res.ok) throw new Error(`connecting the conversations host failed: ${res.error.message}`);
    for (let i = 0; i < 200 && services.status().reachability.state !== 'connected'; i++) await new Promise((r) => setTimeout(r, 100));
    const seeded = seedThreads(services, { longThreadItems: 2400 });
    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const snap = async (name: string): Promise<void> => {
        const file = path.join(outDir, `${name}-${scheme}.png`);
        await page.screenshot({ path: file });
        shots.push(path.relative(root, file));
      };
      await page.goto(threadsHost.url);
      await page.getByTestId('thread-rows').waitFor();
      await page.getByTestId('timeline').or(page.getByTestId('thread-empty')).waitFor();
      await snap('conversations-threads');
      await page.getByTestId(`thread-row-${seeded.longThreadId}`).click();
      await page.getByTestId('timeline').waitFor();
      await page.waitForTimeout(400);
      // The Call button's tooltip, as the owner would see it on hover.
      await page.getByTestId('thread-call').hover();
      await page.waitForTimeout(200);
      await snap('conversations-thread-long');
      await page.getByTestId('composer-input').hover();
      await page.getByTestId('timeline').evaluate((el) => el.scrollBy({ top: -2600 }));
      await page.waitForTimeout(400);
      await snap('conversations-thread-scrolled');
      await page.getByTestId('thread-search').fill('panettone');
      await page.locator('[data-testid^="search-hit-"]').first().click();
      await page.locator('.focused').first().waitFor();
      await snap('conversations-search-jump');
      // A customer who last wrote weeks ago: the composer explains why it is closed.
      await page.getByTestId('thread-search').fill('');
      await page.getByTestId(`thread-row-${seeded.threadIds.at(-1)!}`).click();
      await page.getByTestId('composer-closed').waitFor();
      await snap('conversations-thread-window-closed');
      await context.close();
    }
  } finally {
    await threadsHost.close();
    await services.close();
    await tunnel.close();
  }
}

try {
  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(host.url);
    await page.getByTestId('app-frame').waitFor();
    await page.getByTestId('bridge-state').and(page.locator('[data-state="open"]')).waitFor();
    const snap = async (name: string, height = 800): Promise<void> => {
      await page.setViewportSize({ width: 1280, height });
      const file = path.join(outDir, `${name}-${scheme}.png`);
      await page.screenshot({ path: file });
      shots.push(path.relative(root, file));
      await page.setViewportSize({ width: 1280, height: 800 });
    };
    await snap('conversations');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-nav-account').click();
    await page.getByTestId('connect-form').waitFor();
    await snap('settings-account', 1250);

    // A failed check (wrong token), then a good one.
    await fillConnectForm(page, 'EAAWRONGTOKEN000000000000000');
    await page.getByTestId('connect-submit').click();
    await page.getByTestId('connect-failed').waitFor();
    await page.getByTestId('connect-steps').scrollIntoViewIfNeeded();
    await snap('settings-account-check-failed', 1450);
    await page.getByTestId('connect-field-accessToken').fill(creds.accessToken);
    await page.getByTestId('connect-submit').click();
    await page.getByTestId('account-connected').waitFor();
    await snap('settings-account-connected');

    await page.getByTestId('settings-nav-calling').click();
    await page.getByTestId('calling-form').waitFor();
    await snap('settings-calling', 1300);
    // Call hours, a holiday, two countries and voicemail, unsaved.
    await page.getByTestId('calling-hours').click();
    await page.getByTestId('calling-timezone').fill('America/Sao_Paulo');
    await page.getByTestId('calling-timezone').press('Tab');
    await page.getByTestId('hours-add-MONDAY').click();
    await page.getByTestId('hours-add-SATURDAY').click();
    await page.getByTestId('holiday-add').click();
    await page.getByTestId('holiday-add').click();
    for (const q of ['Brazil', 'Portugal']) {
      await page.getByTestId('country-search').fill(q);
      await page.locator('[role="option"]').first().click();
    }
    await page.getByTestId('calling-voicemail').click();
    // One invalid period, to show a field error next to its field.
    await page.getByTestId('hours-close-1').fill('11:00');
    await page.getByTestId('hours-close-1').blur();
    await page.getByTestId('calling-form').evaluate((el) => el.closest('.content')?.scrollTo({ top: 0 }));
    await snap('settings-calling-editing', 2300);
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.getByTestId('calling-form').evaluate((el) => el.closest('.content')?.scrollTo({ top: 1e6 }));
    await snap('settings-calling-voicemail', 1000);

    // A restriction from WhatsApp, shown at the top of the screen.
    await page.getByTestId('calling-discard').click();
    sim.ctx.state.restrictions = [
      {
        type: 'RESTRICTED_USER_INITIATED_CALLING',
        reason: 'Many calls went unanswered in the last 7 days',
        expiration: Math.floor(Date.now() / 1000) + 3 * 86_400,
      },
    ];
    await page.getByTestId('settings-nav-account').click();
    await page.getByTestId('settings-nav-calling').click();
    await page.getByTestId('calling-restrictions').waitFor();
    await snap('settings-calling-restricted');
    sim.ctx.state.restrictions = [];

    // Disconnect so the other theme starts from the connect form again.
    await page.getByTestId('settings-nav-account').click();
    await page.getByTestId('account-disconnect').click();
    await snap('settings-account-disconnect-dialog');
    await page.getByTestId('disconnect-confirm').click();
    await page.getByTestId('connect-form').waitFor();

    for (const section of ['connection', 'desktop', 'appearance', 'about']) {
      const nav = page.getByTestId(`settings-nav-${section}`);
      if ((await nav.count()) === 0) continue;
      await nav.click();
      await snap(`settings-${section}`, section === 'desktop' ? 1200 : 800);
      if (section === 'desktop') {
        // Do-not-disturb on (the status bar says so) and a refused shortcut on its row.
        await page.getByTestId('desktop-open-at-login').click();
        await page.getByTestId('dnd-hour').locator('xpath=ancestor::label[1]').click();
        await page.getByTestId('dnd-indicator').waitFor();
        await page.getByTestId('shortcut-answer').focus();
        await page.keyboard.press('Control+Shift+M');
        await page.getByTestId('shortcut-answer-error').waitFor();
        await snap('settings-desktop-editing', 1200);
        await page.keyboard.press('Escape');
        // The radio itself is visually hidden: click its card, as a person would, and wait for the status bar.
        await page.getByTestId('dnd-off').locator('xpath=ancestor::label[1]').click();
        await page.getByTestId('dnd-indicator').waitFor({ state: 'detached' });
        await page.getByTestId('desktop-open-at-login').click();
      }
    }
    await context.close();
  }
  await captureThreads();
} finally {
  await browser.close();
  await host.stop();
  await sim.close();
}
console.log(`Saved ${shots.length} screenshots:\n${shots.map((s) => `  ${s}`).join('\n')}`);
