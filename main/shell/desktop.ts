/**
 * Desktop life in the Electron shell: the tray icon (its look follows the state: ready,
 * unreachable, ringing, on a call, do-not-disturb), closing the window hides it (the window
 * carries call media and must live), quitting during a call asks first, OS notifications for
 * incoming and missed calls, click-to-call links (`whatsapp-call:`, and `tel:` where the OS
 * allows), global shortcuts, start at login, and suspend/resume. The decisions are plain functions
 * in `main/desktop/` (unit-tested); this file only applies them to Electron.
 */
import { app, type BrowserWindow, dialog, globalShortcut, Menu, nativeImage, Notification, powerMonitor, Tray } from 'electron';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppServices } from '../app-services.ts';
import type { Logger } from '../core/log.ts';
import { loginItemPlan } from '../desktop/autostart.ts';
import { callLinkFromArgv, parseCallLink } from '../desktop/click-to-call.ts';
import { checkShortcuts, DEFAULT_SHORTCUTS, normaliseAccelerator, type ShortcutAction } from '../desktop/shortcuts.ts';
import { dndUntil, TRAY_TOOLTIP, trayState, type TrayState } from '../desktop/tray-state.ts';

export interface DesktopOptions {
  services: AppServices;
  window: () => BrowserWindow | null;
  showWindow: () => void;
  iconsDir: string;
  log: Logger;
}

export function setupDesktop(o: DesktopOptions): { handleArgv: (argv: string[]) => void; dispose: () => void } {
  const { services, log } = o;
  let quitting = false;
  let tray: Tray | null = null;
  let shown: TrayState | null = null;
  const images = new Map<TrayState, Electron.NativeImage>();
  const image = (state: TrayState): Electron.NativeImage => {
    let img = images.get(state);
    if (!img) {
      img = nativeImage.createFromPath(path.join(o.iconsDir, `tray-${state}.png`));
      const hi = nativeImage.createFromPath(path.join(o.iconsDir, `tray-${state}@2x.png`));
      if (!hi.isEmpty()) img.addRepresentation({ scaleFactor: 2, buffer: hi.toPNG() });
      images.set(state, img);
    }
    return img;
  };

  const currentState = (): TrayState => {
    const s = services.status();
    return trayState({
      accountConnected: s.account.state === 'connected',
      reachability: s.reachability.state,
      callStates: services.calls.list().map((c) => c.state),
      dndUntil: services.config.get().preferences.dndUntil,
      now: new Date(),
    });
  };

  const setDnd = (choice: 'hour' | 'tomorrow' | 'off'): void => {
    services.config.update((c) => void (c.preferences.dndUntil = dndUntil(choice, new Date())));
    refreshTray();
  };

  const refreshTray = (): void => {
    if (!tray) return;
    const state = currentState();
    if (state !== shown) {
      tray.setImage(image(state));
      shown = state;
    }
    tray.setToolTip(TRAY_TOOLTIP[state]);
    const reach = services.status().reachability;
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Switchboard', click: () => o.showWindow() },
        { type: 'separator' },
        { label: TRAY_TOOLTIP[state].replace(/^Switchboard — /, ''), enabled: false },
        { label: reach.state === 'unreachable' ? 'Unreachable — calls will be missed' : reach.state === 'connected' ? 'Reachable' : 'Reachability: checking…', enabled: false },
        { type: 'separator' },
        {
          label: 'Do not disturb',
          submenu: [
            { label: 'For 1 hour', click: () => setDnd('hour') },
            { label: 'Until tomorrow', click: () => setDnd('tomorrow') },
            { label: 'Off', click: () => setDnd('off') },
          ],
        },
        { type: 'separator' },
        { label: 'Quit Switchboard', click: () => app.quit() },
      ]),
    );
  };

  try {
    tray = new Tray(image(currentState()));
    tray.on('click', () => o.showWindow());
    refreshTray();
  } catch (err) {
    log.warn('desktop.tray_unavailable', { error: (err as Error).message });
  }

  // Closing the window hides it: it carries call media and must stay alive. Explained once.
  const win = o.window();
  win?.on('close', (event) => {
    if (quitting) return;
    event.preventDefault();
    win.hide();
    if (!services.config.get().preferences.closeToTrayExplained && Notification.isSupported()) {
      new Notification({ title: 'Switchboard is still running', body: 'Calls will still ring. Quit from the tray icon.', silent: true }).show();
      services.config.update((c) => void (c.preferences.closeToTrayExplained = true));
    }
  });

  app.on('before-quit', (event) => {
    if (quitting) return;
    const live = services.calls.list().filter((c) => c.state !== 'ended');
    if (live.length > 0) {
      const choice = dialog.showMessageBoxSync({
        type: 'question',
        buttons: ['End the call and quit', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        message: 'A call is in progress.',
        detail: 'Quitting ends it for the customer too.',
      });
      if (choice !== 0) {
        event.preventDefault();
        return;
      }
    }
    quitting = true;
  });

  // Notifications for calls, and the tray following every change.
  const notified = new Set<string>();
  const offCall = services.events.subscribe((event, payload) => {
    if (event === 'status') refreshTray();
    if (event !== 'call') return;
    refreshTray();
    const call = payload as { localId: string; state: string; direction: string; outcome: string | null; threadId: number | null };
    if (!Notification.isSupported()) return;
    if (call.direction === 'incoming' && call.state === 'ringing' && !notified.has(call.localId)) {
      notified.add(call.localId);
      const n = new Notification({ title: 'Incoming WhatsApp call', body: 'A customer is calling.', urgency: 'critical', actions: [{ type: 'button', text: 'Answer' }], closeButtonText: 'Decline', timeoutType: 'never' });
      n.on('action', () => services.calls.answer(call.localId));
      n.on('click', () => {
        o.showWindow();
        if (call.threadId !== null) services.events.emit('navigate', { threadId: call.threadId, offerCall: false });
      });
      n.show();
    }
    if (call.direction === 'incoming' && call.state === 'ended' && call.outcome === 'missed' && !notified.has(`missed:${call.localId}`)) {
      notified.add(`missed:${call.localId}`);
      const n = new Notification({ title: 'Missed WhatsApp call', body: 'Open Switchboard to call back or write.' });
      n.on('click', () => {
        o.showWindow();
        if (call.threadId !== null) services.events.emit('navigate', { threadId: call.threadId, offerCall: false });
      });
      n.show();
    }
  });

  // Click-to-call: our own scheme, and tel: where the OS lets us.
  if (!app.isDefaultProtocolClient('whatsapp-call')) app.setAsDefaultProtocolClient('whatsapp-call');
  const handleLink = (link: string): void => {
    const parsed = parseCallLink(link);
    if (!parsed.ok) {
      log.warn('desktop.call_link_refused', { reason: parsed.reason });
      return;
    }
    o.showWindow();
    services.openThreadForNumber(parsed.waId, true);
  };
  app.on('open-url', (event, url) => {
    event.preventDefault();
    handleLink(url);
  });
  const handleArgv = (argv: string[]): void => {
    const link = callLinkFromArgv(argv);
    if (link) handleLink(link);
  };

  // Global shortcuts (defaults; conflicts are logged and the shortcut skipped).
  const actions: Record<ShortcutAction, () => void> = {
    answer: () => {
      const ringing = services.calls.list().find((c) => c.state === 'ringing');
      if (ringing) services.calls.answer(ringing.localId);
    },
    declineOrHangUp: () => {
      const live = services.calls.list().find((c) => c.state !== 'ended');
      if (!live) return;
      if (live.state === 'ringing') services.calls.decline(live.localId);
      else services.calls.hangup(live.localId);
    },
    toggleMute: () => services.events.emit('shortcut', { action: 'toggleMute' }),
    showWindow: () => o.showWindow(),
  };
  const problems = checkShortcuts(DEFAULT_SHORTCUTS);
  for (const action of Object.keys(DEFAULT_SHORTCUTS) as ShortcutAction[]) {
    if (problems.some((p) => p.action === action)) continue;
    const acc = normaliseAccelerator(DEFAULT_SHORTCUTS[action])!;
    try {
      if (!globalShortcut.register(acc, actions[action])) log.warn('desktop.shortcut_taken', { action, accelerator: acc });
    } catch (err) {
      log.warn('desktop.shortcut_failed', { action, error: (err as Error).message });
    }
  }

  // Start at login.
  const applyLogin = (): void => {
    const p = services.config.get().preferences;
    const plan = loginItemPlan({ platform: process.platform, enabled: p.openAtLogin, hidden: p.openAtLoginHidden, execPath: process.execPath, configHome: process.env['XDG_CONFIG_HOME'] ?? path.join(app.getPath('home'), '.config') });
    if (plan.kind === 'electron-login-item') app.setLoginItemSettings({ openAtLogin: plan.openAtLogin, args: plan.hidden ? ['--hidden'] : [] });
    else if (plan.file) {
      if (plan.content) {
        mkdirSync(path.dirname(plan.file), { recursive: true });
        writeFileSync(plan.file, plan.content);
      } else rmSync(plan.file, { force: true });
    }
  };
  if (app.isPackaged) applyLogin();

  // Sleep ends a call cleanly (the platform cannot resume it); waking re-checks reachability.
  powerMonitor.on('suspend', () => services.calls.endAll());
  powerMonitor.on('resume', () => services.connection.checkNow());

  return {
    handleArgv,
    dispose: () => {
      offCall();
      globalShortcut.unregisterAll();
      tray?.destroy();
    },
  };
}
