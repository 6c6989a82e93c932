/**
 * The real desktop shell, driven by Playwright's `_electron`. These run wherever an Electron
 * binary is installed and are reported as skipped, with the reason, where none is.
 */
import { test, expect, _electron as electron } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { electronBinary } from '../../scripts/lib/electron-binary.ts';

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
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => ({ destroyed: w.isDestroyed(), visible: w.isVisible() })))).toEqual([{ destroyed: false, visible: false }]);
    } finally {
      await app.close();
    }
  });
});
