/**
 * Start at login, as configured (Settings → This computer). Applied by the packaged app only: a dev
 * build must not register itself. The per-platform plan is `main/desktop/autostart.ts`.
 */
import { app } from 'electron';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loginItemPlan } from '../desktop/autostart.ts';
import type { DesktopOptions } from './desktop.ts';

/** Applies the preference now and on every change; returns the undo. */
export function setupAutostart(o: DesktopOptions): () => void {
  const { services, log } = o;
  let loginApplied = '';
  const applyLogin = (): void => {
    const p = services.config.get().preferences;
    const key = `${p.openAtLogin}/${p.openAtLoginHidden}`;
    if (key === loginApplied) return;
    loginApplied = key;
    if (!app.isPackaged) {
      log.info('desktop.login_item_skipped', { reason: 'not packaged', openAtLogin: p.openAtLogin });
      return;
    }
    const plan = loginItemPlan({
      platform: process.platform,
      enabled: p.openAtLogin,
      hidden: p.openAtLoginHidden,
      execPath: process.execPath,
      configHome: process.env['XDG_CONFIG_HOME'] ?? path.join(app.getPath('home'), '.config'),
    });
    try {
      if (plan.kind === 'electron-login-item')
        app.setLoginItemSettings({ openAtLogin: plan.openAtLogin, args: plan.hidden ? ['--hidden'] : [] });
      else if (plan.file) {
        if (plan.content) {
          mkdirSync(path.dirname(plan.file), { recursive: true });
          writeFileSync(plan.file, plan.content);
        } else rmSync(plan.file, { force: true });
      }
    } catch (err) {
      log.warn('desktop.login_item_failed', { error: (err as Error).message });
    }
  };
  applyLogin();
  return services.desktop.onChange(() => applyLogin());
}
