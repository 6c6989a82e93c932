/**
 * The real desktop shell, driven by Playwright's `_electron`. These run wherever an Electron
 * binary is installed and are reported as skipped, with the reason, where none is.
 */
import { test, expect, _electron as electron, type ElectronApplication } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { electronBinary } from '../../scripts/lib/electron-binary.ts';
import { createSimulator, type Simulator } from '../sim/simulator.ts';
import { startTunnelServer, type TunnelServer } from '../support/tunnel-server.ts';
import { defaultSeed } from '../support/sim-app.ts';
import { connectThroughUi, type SimHarness } from '../browser/support/sim-account.ts';
import type { DesktopTestHooks } from '../../main/shell/desktop.ts';

const bin = electronBinary();
const root = path.resolve(import.meta.dirname, '../..');

test.describe('Electron shell', () => {
  test.skip(bin.path === null, bin.path === null ? bin.reason : '');

  test('opens one secure window from app:// that shows the version', async () => {
    const userData = mkdtempSync(path.join(tmpdir(), 'sb-electron-'));
    const app = await electron.launch({ executablePath: bin.path!, args: [root, `--user-data-dir=${userData}`], cwd: root });
    try {
      const win = await app.firstWindow();
      expect(win.url()).toMatch(/^app:\/\/switchboard\//);
      await expect(win.getByTestId('app-version')).toBeVisible();
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
      // Sandboxed, isolated, no Node: the page sees only the named bridge functions.
      const page = await win.evaluate(() => {
        const w = window as unknown as { require?: unknown; process?: unknown; switchboard?: Record<string, unknown> };
        return { require: typeof w.require, process: typeof w.process, bridge: Object.keys(w.switchboard ?? {}).sort() };
      });
      expect(page.require).toBe('undefined');
      expect(page.process).toBe('undefined');
      expect(page.bridge).toContain('getAppInfo');
    } finally {
      await app.close();
    }
  });
});

test.describe('Electron desktop life', () => {
  test.skip(bin.path === null, bin.path === null ? bin.reason : '');

  test('starts hidden when asked, and closing the window hides it instead of quitting', async () => {
    const userData = mkdtempSync(path.join(tmpdir(), 'sb-electron-'));
    const app = await electron.launch({ executablePath: bin.path!, args: [root, `--user-data-dir=${userData}`, '--hidden'], cwd: root });
    try {
      const win = await app.firstWindow();
      await win.waitForLoadState('domcontentloaded');
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.isVisible())).toBe(false);
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.show());
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
      // Still running, window alive but hidden: it carries call media.
      expect(
        await app.evaluate(({ BrowserWindow }) =>
          BrowserWindow.getAllWindows().map((w) => ({ destroyed: w.isDestroyed(), visible: w.isVisible() })),
        ),
      ).toEqual([{ destroyed: false, visible: false }]);
    } finally {
      await app.close();
    }
  });
});

/** The test-only view of the shell's desktop state (main/shell/desktop.ts, installed with SWITCHBOARD_TEST=1). */
function trayOf(app: ElectronApplication): Promise<ReturnType<DesktopTestHooks['tray']>> {
  return app.evaluate(() => (globalThis as { __switchboardDesktop?: DesktopTestHooks }).__switchboardDesktop!.tray());
}
function shortcutsOf(app: ElectronApplication): Promise<ReturnType<DesktopTestHooks['shortcuts']>> {
  return app.evaluate(() => (globalThis as { __switchboardDesktop?: DesktopTestHooks }).__switchboardDesktop!.shortcuts());
}

const testEnv = { ...process.env, SWITCHBOARD_TEST: '1', SWITCHBOARD_SECRETS: 'memory' };

test.describe('Electron desktop life', () => {
  test.skip(bin.path === null, bin.path === null ? bin.reason : '');

  test('the tray icon exists and shows the state', async () => {
    const userData = mkdtempSync(path.join(tmpdir(), 'sb-electron-'));
    const app = await electron.launch({ executablePath: bin.path!, args: [root, `--user-data-dir=${userData}`], cwd: root, env: testEnv });
    try {
      await (await app.firstWindow()).getByTestId('app-version').waitFor();
      const tray = await trayOf(app);
      expect(tray.exists).toBe(true);
      expect(tray.state).toBe('not-connected');
      expect(tray.tooltip).toBe('Switchboard — connect your WhatsApp number');
      // The default global shortcuts are registered (or reported taken) from the preferences.
      const shortcuts = await shortcutsOf(app);
      expect(Object.keys(shortcuts).length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });

  test('a whatsapp-call: link given to a second launch opens the dial pad with that number in the first', async () => {
    const userData = mkdtempSync(path.join(tmpdir(), 'sb-electron-'));
    const app = await electron.launch({ executablePath: bin.path!, args: [root, `--user-data-dir=${userData}`], cwd: root, env: testEnv });
    try {
      const win = await app.firstWindow();
      await win.getByTestId('app-version').waitFor();
      // The second instance finds the first holding the lock, hands over its argv and exits.
      const second = spawn(bin.path!, [root, `--user-data-dir=${userData}`, 'whatsapp-call:+5511987650077'], {
        cwd: root,
        env: testEnv,
        stdio: 'ignore',
      });
      const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
      expect(code).toBe(0);
      // A number with no conversation yet: the dial pad, prefilled.
      await expect(win.getByTestId('dial-pad')).toBeVisible();
      await expect(win.getByTestId('dial-pad-number')).toContainText('+55 11 98765 0077');
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    } finally {
      await app.close();
    }
  });

  test.describe('with the simulator', () => {
    let sim: Simulator;
    let tunnel: TunnelServer;
    test.beforeEach(async () => {
      sim = createSimulator({ seed: defaultSeed });
      await sim.listen(0);
      tunnel = await startTunnelServer();
    });
    test.afterEach(async () => {
      await tunnel.close();
      await sim.close();
    });

    test('closing the window during a call hides it, and the call goes on', async () => {
      const userData = mkdtempSync(path.join(tmpdir(), 'sb-electron-'));
      // The app's tunnel goes through the loopback tunnel server, so the simulator reaches it.
      writeFileSync(
        path.join(userData, 'config.json'),
        JSON.stringify({ version: 1, tunnel: { provider: 'localtunnel', host: tunnel.url } }),
      );
      // A fake microphone: the call's audio must work on a machine without one.
      const media = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];
      const app = await electron.launch({
        executablePath: bin.path!,
        args: [root, `--user-data-dir=${userData}`, ...media],
        cwd: root,
        env: testEnv,
      });
      try {
        const win = await app.firstWindow();
        const creds = sim.credentials();
        const harness = {
          sim,
          creds,
          graphBaseUrl: creds.graphBaseUrl,
          requests: [],
          settingsPosts: () => [],
          serverCalling: async () => ({}),
          close: async () => undefined,
        } satisfies SimHarness;
        await connectThroughUi(win, await win.evaluate(() => location.href), harness);
        await expect(win.getByTestId('reachability-state')).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
        const ana = defaultSeed.users.find((u) => u.wa_id)!;
        const placed = await fetch(`${creds.controlUrl}/users/${ana.wa_id}/call`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect(placed.status).toBe(201);
        const callId = ((await placed.json()) as { id: string }).id;
        await win.getByTestId('incoming-answer').click();
        await expect(win.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
        await fetch(`${creds.controlUrl}/calls/${callId}/media`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ receiving: true }),
        });
        expect((await trayOf(app)).state).toBe('on-call');

        await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
        expect(
          await app.evaluate(({ BrowserWindow }) =>
            BrowserWindow.getAllWindows().map((w) => ({ destroyed: w.isDestroyed(), visible: w.isVisible() })),
          ),
        ).toEqual([{ destroyed: false, visible: false }]);
        // Still talking five seconds later: the page (and its media) lives on, hidden.
        await new Promise((r) => setTimeout(r, 5_000));
        const state = (await (await fetch(`${creds.controlUrl}/calls/${callId}`)).json()) as { state: string };
        expect(state.state).toBe('accepted');
        await expect(win.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
        await fetch(`${creds.controlUrl}/calls/${callId}/hangup`, { method: 'POST' });
      } finally {
        await app.close();
      }
    });
  });
});
