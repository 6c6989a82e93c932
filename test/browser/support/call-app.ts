/**
 * The app wired for call tests: the Cloud API simulator, the app's services connected to it (the
 * simulator posts webhooks straight to the receiver, no tunnel), the browser host, and a page in
 * the given browser with the app loaded.
 */
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { startAppServices, type AppServices } from '../../../main/app-services.ts';
import { startBrowserHost, type BrowserHost } from '../../../main/host/http-host.ts';
import type { PhonePeer } from '../../sim/peer/phone-peer.ts';
import { createSimulator, type Simulator } from '../../sim/simulator.ts';
import { chromiumLaunchOptions } from '../../support/chromium.ts';
import { testServiceOptions } from '../../support/host.ts';
import { memoryLogger } from '../../support/test-log.ts';

export interface CallApp {
  sim: Simulator;
  services: AppServices;
  host: BrowserHost;
  page: Page;
  controlUrl: string;
  close: () => Promise<void>;
}

export async function startCallApp(
  browser: Browser,
  o: { seed: unknown; viewport?: { width: number; height: number }; initScript?: () => void },
): Promise<CallApp> {
  const sim = createSimulator({ seed: o.seed as never });
  await sim.listen(0);
  const c = sim.credentials();
  const { log } = memoryLogger();
  const services = await startAppServices({ ...testServiceOptions(log), localtunnelHost: 'http://127.0.0.1:1' });
  const res = await services.dispatch('connectAccount', {
    graphBaseUrl: c.graphBaseUrl,
    apiVersion: c.apiVersion,
    accessToken: c.accessToken,
    appSecret: c.appSecret,
    appId: c.appId,
    wabaId: c.wabaId,
    phoneNumberId: c.phoneNumberId,
  });
  expect(res).toMatchObject({ ok: true, result: { saved: true } });
  await services.connection.stop();
  const set = await fetch(`${c.graphBaseUrl}/${c.apiVersion}/${c.phoneNumberId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      webhook_configuration: {
        override_callback_uri: `http://127.0.0.1:${services.receiver.port}/webhook`,
        verify_token: services.account.verifyToken(),
      },
    }),
  });
  expect(set.status).toBe(200);
  const host = await startBrowserHost({ services, rendererDir: 'out/renderer', port: 0, log });
  const viewport = o.viewport ?? { width: 1280, height: 800 };
  const context = browser.contexts()[0] ?? (await browser.newContext({ viewport }));
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  if (o.initScript) await page.addInitScript(o.initScript);
  await page.goto(host.url);
  await expect(page.getByTestId('app-frame')).toBeVisible();
  return {
    sim,
    services,
    host,
    page,
    controlUrl: c.controlUrl,
    close: async () => {
      await page.close().catch(() => undefined);
      await host.close();
      await services.close();
      await sim.close();
    },
  };
}

/**
 * The hooks of a spec whose tests each run a call app: one Chromium for the file (with
 * `launchArgs`), the screenshot folder made, and after each test its phone peers and its app
 * closed. `start` starts a test's app in that browser.
 */
export function callAppSpec(o: { shotsDir?: string; launchArgs?: string[] } = {}): {
  start: (opts: Parameters<typeof startCallApp>[1]) => Promise<CallApp>;
  peers: PhonePeer[];
  browser: () => Browser;
} {
  let browser: Browser | null = null;
  let app: CallApp | null = null;
  const peers: PhonePeer[] = [];
  test.beforeAll(async () => {
    browser = await chromium.launch(chromiumLaunchOptions(o.launchArgs ?? []));
    if (o.shotsDir) mkdirSync(o.shotsDir, { recursive: true });
  });
  test.afterEach(async () => {
    for (const p of peers.splice(0)) await p.close().catch(() => undefined);
    await app?.close();
    app = null;
  });
  test.afterAll(async () => {
    await browser?.close();
  });
  return {
    start: async (opts) => {
      app = await startCallApp(browser!, opts);
      return app;
    },
    peers,
    browser: () => browser!,
  };
}
