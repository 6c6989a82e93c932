/**
 * Settings → This computer in the browser host: start at login is kept across a reload,
 * a conflicting shortcut is refused on its row and nothing is stored, and do-not-disturb shows in
 * the status bar while a customer's call from the simulator is recorded without ringing.
 */
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startWebHost, type WebHostProcess } from '../support/web-host-process.ts';
import { startBrowserHost, type BrowserHost } from '../../main/host/http-host.ts';
import { defaultSeed, startSimApp, until, type SimApp } from '../support/sim-app.ts';
import { memoryLogger } from '../support/test-log.ts';

const rendererDir = path.resolve(import.meta.dirname, '../../out/renderer');

async function openDesktopSettings(page: Page): Promise<void> {
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-nav-desktop').click();
  await expect(page.getByTestId('settings-desktop')).toBeVisible();
  await expect(page.getByTestId('desktop-open-at-login')).toBeVisible();
}

test.describe('stored preferences', () => {
  let host: WebHostProcess;
  test.beforeEach(async () => {
    host = await startWebHost({ extraArgs: ['--secrets', 'memory'] });
  });
  test.afterEach(async () => {
    expect(await host.stop()).toBe(0);
  });
  const stored = (): { openAtLogin: boolean; openAtLoginHidden: boolean; shortcuts: Record<string, string | null> } =>
    (JSON.parse(readFileSync(path.join(host.dataDir, 'config.json'), 'utf8')) as { preferences: never }).preferences;

  test('start at login stays on after a reload', async ({ page }) => {
    await page.goto(host.url);
    await openDesktopSettings(page);
    await expect(page.getByTestId('desktop-browser-note')).toBeVisible();
    await expect(page.getByTestId('desktop-open-at-login')).toHaveAttribute('aria-checked', 'false');
    await expect(page.getByTestId('desktop-open-hidden')).toBeDisabled();
    await page.getByTestId('desktop-open-at-login').click();
    await expect(page.getByTestId('desktop-open-at-login')).toHaveAttribute('aria-checked', 'true');
    await page.getByTestId('desktop-open-hidden').click();
    await expect(page.getByTestId('desktop-open-hidden')).toHaveAttribute('aria-checked', 'false');
    expect(stored()).toMatchObject({ openAtLogin: true, openAtLoginHidden: false });

    await page.reload();
    await openDesktopSettings(page);
    await expect(page.getByTestId('desktop-open-at-login')).toHaveAttribute('aria-checked', 'true');
    await expect(page.getByTestId('desktop-open-hidden')).toHaveAttribute('aria-checked', 'false');
  });

  test('a conflicting shortcut shows the conflict on its row and saves nothing', async ({ page }) => {
    await page.goto(host.url);
    await openDesktopSettings(page);
    const before = stored().shortcuts;
    await page.getByTestId('shortcut-answer').focus();
    await expect(page.getByTestId('shortcut-answer')).toHaveAttribute('data-listening', 'true');
    await page.keyboard.press('Control+Shift+M');
    await expect(page.getByTestId('shortcut-answer-error')).toHaveText('Ctrl+Shift+M is already the shortcut for "Mute or unmute".');
    await expect(page.getByTestId('shortcut-answer')).toHaveAttribute('aria-invalid', 'true');
    expect(stored().shortcuts).toEqual(before);

    // A free combination is saved (and reported as "only in the desktop app" here).
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('shortcut-answer-error')).toHaveCount(0);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Alt+K');
    await expect(page.getByTestId('shortcut-answer')).toHaveValue('Ctrl+Alt+K');
    await expect(page.getByTestId('shortcut-answer-status')).toHaveText('Only in the desktop app');
    expect(stored().shortcuts).toEqual({ ...before, answer: 'CommandOrControl+Alt+K' });
    await page.reload();
    await openDesktopSettings(page);
    await expect(page.getByTestId('shortcut-answer')).toHaveValue('Ctrl+Alt+K');
    await page.getByTestId('shortcuts-reset').click();
    await expect(page.getByTestId('shortcut-answer')).toHaveValue('Ctrl+Shift+A');
    expect(stored().shortcuts).toEqual(before);
  });
});

test.describe('do not disturb', () => {
  let app: SimApp;
  let host: BrowserHost;
  test.beforeEach(async () => {
    app = await startSimApp({ timeFactor: 1 });
    host = await startBrowserHost({ services: app.services, rendererDir, port: 0, log: memoryLogger().log });
  });
  test.afterEach(async () => {
    await host.close();
    await app.close();
  });

  test("for 1 hour: shown in the status bar; a customer's call is recorded but does not ring", async ({ page }) => {
    const rings: boolean[] = [];
    app.services.events.subscribe((event, payload) => {
      if (event === 'mediaCommand' && (payload as { command: string }).command === 'ring') rings.push((payload as { on: boolean }).on);
    });
    const ana = defaultSeed.users.find((u) => u.wa_id)!;
    const call = async (): Promise<string> => {
      const res = await fetch(`${app.creds.controlUrl}/users/${ana.wa_id}/call`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const hangUp = async (id: string): Promise<void> => {
      expect((await fetch(`${app.creds.controlUrl}/calls/${id}/hangup`, { method: 'POST' })).status).toBeLessThan(300);
      await until('the call to end', () => app.services.calls.list().every((c) => c.state === 'ended'));
    };

    await page.goto(host.url);
    await openDesktopSettings(page);
    await expect(page.getByTestId('dnd-indicator')).toHaveCount(0);
    // The radio is visually hidden: click its card, as a person would (a forced click can land on the save bar).
    await page.getByTestId('dnd-hour').locator('xpath=ancestor::label[1]').click();
    await expect(page.getByTestId('dnd-hour')).toBeChecked();
    await expect(page.getByTestId('dnd-state')).toHaveAttribute('data-state', 'on');
    const indicator = page.getByTestId('dnd-indicator');
    await expect(indicator).toBeVisible();
    await expect(indicator).toHaveText(/^Do not disturb until \d{1,2}:\d{2}/);
    const until1h = app.services.desktop.view().dndUntil!;
    expect(Date.parse(until1h) - Date.now()).toBeGreaterThan(3_590_000);

    const missedBefore = app.services.threads.badgeTotals().missed;
    const quiet = await call();
    await until('the call to be known', () => app.services.calls.list().some((c) => c.callId === quiet && c.state === 'ringing'));
    await page.waitForTimeout(500);
    expect(rings).toEqual([]);
    await hangUp(quiet);
    // Recorded: a missed call in Ana's thread.
    const item = await until('the missed call in the thread', () => app.services.threads.callItem(quiet));
    expect(item.status).toBe('missed');
    expect(app.services.threads.badgeTotals().missed).toBe(missedBefore + 1);
    await page.getByTestId('nav-threads').click();
    await expect(page.getByTestId(`thread-row-${item.threadId}`).getByTestId('thread-row-preview')).toContainText('Missed call');

    // Control: with do-not-disturb off, the next call rings.
    await page.getByTestId('dnd-indicator').click();
    // The radio is visually hidden: click its card, as a person would (a forced click can land on the save bar).
    await page.getByTestId('dnd-off').locator('xpath=ancestor::label[1]').click();
    await expect(page.getByTestId('dnd-off')).toBeChecked();
    await expect(page.getByTestId('dnd-indicator')).toHaveCount(0);
    const loud = await call();
    await until('the second call to ring', () => rings.includes(true));
    await hangUp(loud);
  });
});
