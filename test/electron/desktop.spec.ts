/**
 * Desktop life in the real shell, beyond what shell.spec.ts covers (one window from app://, start
 * hidden and close-to-tray, the tray's first state, a whatsapp-call: link handed over by a second
 * launch, closing the window during a call): the tray follows do-not-disturb both ways; a second
 * plain launch brings the hidden window back; links arriving as `open-url` (how macOS delivers
 * them) open the customer's thread, and a hostile one is refused; quitting during a call asks
 * first — Cancel keeps the call, confirming ends it for the customer too. Skipped, with the reason,
 * where no Electron binary is installed.
 */
import { test, expect, type ElectronApplication } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { TRAY_TOOLTIP } from '../../main/desktop/tray-state.ts';
import { createSimulator, type Simulator } from '../sim/simulator.ts';
import { startTunnelServer, type TunnelServer } from '../support/tunnel-server.ts';
import { defaultSeed } from '../support/sim-app.ts';
import { connectThroughUi, type SimHarness } from '../browser/support/sim-account.ts';
import {
  collectEvidenceOnFailure,
  electronSkipReason,
  freshUserData,
  logCount,
  secondInstance,
  skipWithoutElectron,
  trayOf,
  waitForExit,
  withApp,
  launch,
  closeApp,
  type PageBridge,
} from './support/electron-app.ts';

collectEvidenceOnFailure();

const windowState = (app: ElectronApplication): Promise<Array<{ visible: boolean; destroyed: boolean }>> =>
  app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => ({ visible: w.isVisible(), destroyed: w.isDestroyed() })));

test.describe('Electron desktop life', () => {
  test.skip(skipWithoutElectron, electronSkipReason);

  test('the tray follows do-not-disturb turned on and off through the bridge', async () => {
    await withApp({}, async ({ app, win }) => {
      await win.getByTestId('app-version').waitFor();
      expect((await trayOf(app)).state).toBe('not-connected');
      const setDnd = (dnd: 'hour' | 'off') =>
        win.evaluate((d) => (window as unknown as { switchboard: PageBridge }).switchboard['setDesktopPreferences']!({ dnd: d }), dnd);

      expect((await setDnd('hour')).ok).toBe(true);
      await expect.poll(async () => (await trayOf(app)).state).toBe('dnd');
      expect((await trayOf(app)).tooltip).toBe(TRAY_TOOLTIP.dnd);

      expect((await setDnd('off')).ok).toBe(true);
      await expect.poll(async () => (await trayOf(app)).state).toBe('not-connected');
      expect((await trayOf(app)).tooltip).toBe(TRAY_TOOLTIP['not-connected']);
    });
  });

  test('a second launch without a link brings the hidden window back, and exits', async () => {
    const userData = freshUserData();
    await withApp({ userData, args: ['--hidden'] }, async ({ app, win }) => {
      await win.waitForLoadState('domcontentloaded');
      expect(await windowState(app)).toEqual([{ visible: false, destroyed: false }]);
      expect(await secondInstance(userData)).toBe(0);
      await expect.poll(() => windowState(app)).toEqual([{ visible: true, destroyed: false }]);
    });
  });

  test('a link arriving as open-url opens the dial pad with a number that has no conversation; one that is not a phone number is refused', async () => {
    await withApp({}, async ({ app, win }) => {
      await win.getByTestId('app-version').waitFor();
      const refusedBefore = await logCount(app, 'desktop.call_link_refused');
      const openUrl = (url: string) =>
        app.evaluate(({ app }, u) => {
          app.emit('open-url', { preventDefault: () => undefined }, u);
        }, url);

      await openUrl('whatsapp-call:javascript:alert(1)');
      await openUrl('whatsapp-call:+5511987650078#fragment');
      await expect.poll(() => logCount(app, 'desktop.call_link_refused')).toBe(refusedBefore + 2);
      await expect(win.getByTestId('thread-header')).toBeHidden();

      await expect(win.getByTestId('dial-pad')).toBeHidden();

      // No conversation with this number yet: the dial pad opens with it (the permission is checked there).
      await openUrl('whatsapp-call:+5511987650078');
      await expect(win.getByTestId('dial-pad')).toBeVisible();
      await expect(win.getByTestId('dial-pad-input')).toHaveValue('+5511987650078');
      await expect(win.getByTestId('dial-pad-number')).toContainText('+55 11 98765 0078');
    });
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

    test('quitting during a call asks first: Cancel keeps the call, confirming ends it for the customer too', async () => {
      const userData = freshUserData();
      writeFileSync(
        path.join(userData, 'config.json'),
        JSON.stringify({ version: 1, tunnel: { provider: 'localtunnel', host: tunnel.url } }),
      );
      const launched = await launch({ userData, args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
      const { app, win } = launched;
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
      const simState = async (): Promise<string> =>
        ((await (await fetch(`${creds.controlUrl}/calls/${callId}`)).json()) as { state: string }).state;

      // The question is a native dialog: answer it from the test, and record what it asked.
      const stubbed = await app.evaluate(({ dialog }) => {
        const g = globalThis as unknown as { __sbAsked: string[]; __sbAnswer: number };
        g.__sbAsked = [];
        g.__sbAnswer = 1; // "Cancel"
        const stub = (...args: unknown[]): number => {
          g.__sbAsked.push((args[args.length - 1] as { message: string }).message);
          return g.__sbAnswer;
        };
        try {
          dialog.showMessageBoxSync = stub as typeof dialog.showMessageBoxSync;
        } catch {
          // read-only: reported below rather than leaving a real dialog to block the test
        }
        return dialog.showMessageBoxSync === (stub as unknown);
      });
      expect(stubbed, 'dialog.showMessageBoxSync could not be replaced: the quit question would block the app').toBe(true);
      const asked = (): Promise<string[]> => app.evaluate(() => (globalThis as unknown as { __sbAsked: string[] }).__sbAsked);

      await app.evaluate(({ app }) => app.quit());
      await expect.poll(asked).toEqual(['A call is in progress.']);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await windowState(app)).toHaveLength(1);
      await expect(win.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
      expect(await simState()).toBe('accepted');

      // "End the call and quit": the app ends the call on WhatsApp, then exits.
      await app.evaluate(() => void ((globalThis as unknown as { __sbAnswer: number }).__sbAnswer = 0));
      await app.evaluate(({ app }) => app.quit()).catch(() => undefined);
      expect(await waitForExit(app)).toBe(0);
      expect(await simState()).toBe('ended');
      await closeApp(launched);
    });
  });
});
