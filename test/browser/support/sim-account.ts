/**
 * Browser-test helpers for issue 4: the Cloud API simulator in-process, behind a small recording
 * proxy (so a test can see every request Switchboard sent to Graph), and connecting through the UI.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { createSimulator, type Credentials, type Simulator } from '../../sim/simulator.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface SimHarness {
  sim: Simulator;
  creds: Credentials;
  /** The proxy's base URL: give this to Switchboard as the Graph API base URL. */
  graphBaseUrl: string;
  /** Every request that passed through the proxy, in order. */
  requests: RecordedRequest[];
  /** POSTs to `/{pnid}/settings` so far. */
  settingsPosts: () => RecordedRequest[];
  /** The simulator's `GET /{pnid}/settings` → `calling`, read with the access token. */
  serverCalling: () => Promise<Record<string, unknown>>;
  close: () => Promise<void>;
}

const seedFile = path.resolve(import.meta.dirname, '../../sim/seed.default.json');

export async function startSimHarness(): Promise<SimHarness> {
  const seed = JSON.parse(readFileSync(seedFile, 'utf8')) as Record<string, unknown>;
  const sim = createSimulator({ seed });
  await sim.listen(0);
  const creds = sim.credentials();
  const target = new URL(creds.graphBaseUrl);
  const requests: RecordedRequest[] = [];
  const proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body: unknown;
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : null;
      } catch {
        body = raw.toString('utf8');
      }
      requests.push({ method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://x').pathname, body });
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => res.writeHead(502).end());
      up.end(raw);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as { port: number }).port;
  return {
    sim,
    creds,
    graphBaseUrl: `http://127.0.0.1:${port}`,
    requests,
    settingsPosts: () => requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${creds.phoneNumberId}/settings`)),
    serverCalling: async () => {
      const res = await fetch(`${creds.graphBaseUrl}/${creds.apiVersion}/${creds.phoneNumberId}/settings`, {
        headers: { Authorization: `Bearer ${creds.accessToken}` },
      });
      return ((await res.json()) as { calling: Record<string, unknown> }).calling;
    },
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await sim.close();
    },
  };
}

export type ConnectFields = Record<
  'graphBaseUrl' | 'apiVersion' | 'accessToken' | 'appSecret' | 'appId' | 'wabaId' | 'phoneNumberId',
  string
>;

export function goodFields(h: SimHarness): ConnectFields {
  const c = h.creds;
  return {
    graphBaseUrl: h.graphBaseUrl,
    apiVersion: c.apiVersion,
    accessToken: c.accessToken,
    appSecret: c.appSecret,
    appId: c.appId,
    wabaId: c.wabaId,
    phoneNumberId: c.phoneNumberId,
  };
}

/**
 * Types every field of the connect form. The ids and the server wait behind "Enter IDs by hand"
 * (the access token and the app secret alone find the number): it is opened first.
 */
export async function fillConnectForm(page: Page, fields: ConnectFields): Promise<void> {
  const { accessToken, appSecret, ...rest } = fields;
  await page.getByTestId('connect-field-accessToken').fill(accessToken);
  await page.getByTestId('connect-field-appSecret').fill(appSecret);
  await openManualEntry(page);
  for (const [name, value] of Object.entries(rest)) await page.getByTestId(`connect-field-${name}`).fill(value);
}

/** Opens "Enter IDs by hand" unless it is open. */
export async function openManualEntry(page: Page): Promise<void> {
  const toggle = page.getByTestId('connect-manual-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await expect(page.getByTestId('connect-manual')).toBeVisible();
}

/** Opens the app, goes to Settings → Account from the first-run banner, and connects. */
export async function connectThroughUi(page: Page, url: string, h: SimHarness): Promise<void> {
  await page.goto(url);
  await page.getByTestId('first-run-connect').click();
  await fillConnectForm(page, goodFields(h));
  await page.getByTestId('connect-submit').click();
  await expect(page.getByTestId('account-connected')).toBeVisible();
}
