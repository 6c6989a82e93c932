import { test, expect } from '@playwright/test';
import { startWebHost, type WebHostProcess } from '../support/web-host-process.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const version = (JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;

let host: WebHostProcess;
test.beforeEach(async () => {
  host = await startWebHost();
});
test.afterEach(async () => {
  expect(await host.stop()).toBe(0);
});

test('the browser host serves the app frame and delivers the version through the bridge', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('app-frame')).toBeVisible();
  await expect(page.getByTestId('app-version')).toContainText(version);
  await expect(page.getByTestId('bridge-state')).toHaveAttribute('data-state', 'open');
  // The secret is taken out of the visible URL once read.
  expect(page.url()).not.toContain('secret=');
  expect(problems).toEqual([]);
});

test('a reload keeps working without the secret in the URL', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('app-version')).toContainText(version);
  await page.reload();
  await expect(page.getByTestId('app-version')).toContainText(version);
});

test('a page opened without the secret cannot use the bridge and says why', async ({ page }) => {
  await page.goto(host.origin + '/');
  await expect(page.getByTestId('bridge-state')).toHaveAttribute('data-state', 'closed');
  await expect(page.getByTestId('app-version')).not.toContainText(version);
});

test('the CSP blocks inline script', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('app-frame')).toBeVisible();
  const ran = await page.evaluate(() => {
    const w = window as unknown as { __inlineRan?: boolean };
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.appendChild(s);
    return w.__inlineRan === true;
  });
  expect(ran).toBe(false);
});
