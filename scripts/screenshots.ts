/**
 * `npm run screenshots`: starts the browser host on a fresh data dir, opens the app in Chromium
 * and saves a PNG of each main view, in the light and the dark theme, to test/screenshots/
 * (not committed). Requires `npm run build` first.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { startWebHost } from '../test/support/web-host-process.ts';
import { chromiumLaunchOptions } from '../test/support/chromium.ts';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, 'test', 'screenshots');
mkdirSync(outDir, { recursive: true });

const host = await startWebHost();
const browser = await chromium.launch(chromiumLaunchOptions());
const shots: string[] = [];
try {
  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(host.url);
    await page.getByTestId('app-frame').waitFor();
    await page.getByTestId('bridge-state').and(page.locator('[data-state="open"]')).waitFor();
    const snap = async (name: string): Promise<void> => {
      const file = path.join(outDir, `${name}-${scheme}.png`);
      await page.screenshot({ path: file });
      shots.push(path.relative(root, file));
    };
    await snap('conversations');
    await page.getByTestId('nav-settings').click();
    for (const section of ['account', 'calling', 'connection', 'appearance', 'about']) {
      const nav = page.getByTestId(`settings-nav-${section}`);
      if ((await nav.count()) === 0) continue;
      await nav.click();
      await snap(`settings-${section}`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  await host.stop();
}
console.log(`Saved ${shots.length} screenshots:\n${shots.map((s) => `  ${s}`).join('\n')}`);
