/**
 * Desktop life in the Electron shell: the tray icon (its look follows the state: ready,
 * unreachable, ringing, on a call, do-not-disturb), closing the window hides it (the window
 * carries call media and must live), quitting during a call asks first, OS notifications for
 * incoming and missed calls and for new messages while the window is in the background, the
 * dock/taskbar badge, click-to-call links (`whatsapp-call:`, and `tel:` where the OS allows),
 * configurable global shortcuts, start at login, and suspend/resume. The decisions are plain
 * functions in `main/desktop/` (unit-tested); the `desktop-*.ts` files beside this one apply them to
 * Electron, one concern each, and this file wires them together.
 */
import type { BrowserWindow } from 'electron';
import type { AppServices } from '../app-services.ts';
import type { Logger } from '../core/log.ts';
import type { Registered } from '../desktop/shortcuts.ts';
import type { TrayState } from '../desktop/tray-state.ts';
import { setupAutostart } from './desktop-autostart.ts';
import { setupCallLinks } from './desktop-links.ts';
import { setupNotifications, type CallEvent } from './desktop-notifications.ts';
import { setupShortcuts } from './desktop-shortcuts.ts';
import { setupTray } from './desktop-tray.ts';
import { setupSuspendResume, setupWindowClose } from './desktop-window-life.ts';

export interface DesktopOptions {
  services: AppServices;
  window: () => BrowserWindow | null;
  showWindow: () => void;
  iconsDir: string;
  log: Logger;
}

/** What the `_electron` tests may ask (only when SWITCHBOARD_TEST=1; a main-process global, never reachable from a page). */
export interface DesktopTestHooks {
  tray: () => { exists: boolean; state: TrayState | null; tooltip: string | null };
  shortcuts: () => Registered;
}

export function setupDesktop(o: DesktopOptions): { handleArgv: (argv: string[]) => void; dispose: () => void } {
  const { services } = o;
  const tray = setupTray(o);
  const n = setupNotifications(o);
  setupWindowClose(o, () => n.seen());

  // The tray follows every change (its words too: the language); badges and messages follow thread changes; calls notify.
  const offEvents = services.events.subscribe((event, payload) => {
    if (event === 'status' || event === 'desktopPreferences' || event === 'language') tray.refresh();
    if (event === 'threadsChanged') n.onThreadsChanged();
    if (event !== 'call') return;
    tray.refresh();
    n.onCall(payload as CallEvent);
  });

  const handleArgv = setupCallLinks(o);
  const shortcuts = setupShortcuts(o);
  const offAutostart = setupAutostart(o);
  const offPower = setupSuspendResume(o);

  if (process.env['SWITCHBOARD_TEST'] === '1') {
    const hooks: DesktopTestHooks = { tray: tray.hook, shortcuts: shortcuts.registered };
    (globalThis as { __switchboardDesktop?: DesktopTestHooks }).__switchboardDesktop = hooks;
  }

  return {
    handleArgv,
    dispose: () => {
      offEvents();
      offAutostart();
      n.dispose();
      offPower();
      shortcuts.dispose();
      tray.dispose();
    },
  };
}
