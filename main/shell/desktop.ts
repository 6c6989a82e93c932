/**
 * Desktop life in the Electron shell: the tray icon (its look follows the state: ready,
 * unreachable, ringing, on a call, do-not-disturb), closing the window hides it (the window
 * carries call media and must live), quitting during a call asks first, OS notifications for
 * incoming and missed calls and for new messages while the window is in the background, the
 * dock/taskbar badge, click-to-call links (`whatsapp-call:`, and `tel:` where the OS allows),
 * configurable global shortcuts, start at login, and suspend/resume. The decisions are plain
 * functions in `main/desktop/` (unit-tested); this file only applies them to Electron.
 */
import { app, type BrowserWindow, dialog, globalShortcut, Menu, nativeImage, Notification, powerMonitor, Tray } from 'electron';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppServices } from '../app-services.ts';
import type { Logger } from '../core/log.ts';
import { loginItemPlan } from '../desktop/autostart.ts';
import { debouncedBadge, dotPng } from '../desktop/badge.ts';
import { callLinkFromArgv, parseCallLink } from '../desktop/click-to-call.ts';
import { callNotificationsToClose, decideCallNotification, incomingCallNotification, MessageNotifier } from '../desktop/message-notifications.ts';
import { applyRegistration, shortcutTarget, type Registered, type ShortcutAction } from '../desktop/shortcuts.ts';
import { dndMenuLabel, TRAY_TOOLTIP, trayState, type TrayState } from '../desktop/tray-state.ts';
import { decideClose, decideQuit, decideResume, decideSuspend } from '../desktop/window-life.ts';

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
  const { services, log } = o;
  let quitting = false;
  let quitConfirmed = false;
  let tray: Tray | null = null;
  let shown: TrayState | null = null;
  let tooltip: string | null = null;
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

  const dnd = (): boolean => services.desktop.dndActive();
  const currentState = (): TrayState => {
    const s = services.status();
    return trayState({
      accountConnected: s.account.state === 'connected',
      reachability: s.reachability.state,
      callStates: services.calls.list().map((c) => c.state),
      dndUntil: services.desktop.view().dndUntil,
      now: new Date(),
    });
  };

  const setDnd = (choice: 'hour' | 'tomorrow' | 'off'): void => {
    services.desktop.setDnd(choice); // publishes: the tray and the window follow
  };

  const refreshTray = (): void => {
    if (!tray) return;
    const state = currentState();
    if (state !== shown) {
      tray.setImage(image(state));
      shown = state;
    }
    tooltip = TRAY_TOOLTIP[state];
    tray.setToolTip(tooltip);
    const reach = services.status().reachability;
    const dndOn = dnd();
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Switchboard', click: () => o.showWindow() },
        { type: 'separator' },
        { label: TRAY_TOOLTIP[state].replace(/^Switchboard — /, ''), enabled: false },
        {
          label:
            reach.state === 'unreachable'
              ? 'Unreachable — calls will be missed'
              : reach.elsewhere
                ? 'Calls ring on another computer — this one will not ring'
                : reach.state === 'connected'
                  ? 'Reachable'
                  : 'Reachability: checking…',
          enabled: false,
        },
        { type: 'separator' },
        {
          label: dndMenuLabel(services.desktop.view().dndUntil, new Date()),
          submenu: [
            { label: 'For 1 hour', click: () => setDnd('hour') },
            { label: 'Until tomorrow', click: () => setDnd('tomorrow') },
            { label: 'Off', type: 'checkbox', checked: !dndOn, click: () => setDnd('off') },
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

  // Closing the window hides it — calls or not: it carries call media. Explained once.
  const win = o.window();
  win?.on('close', (event) => {
    const d = decideClose({ quitting, explained: services.config.get().preferences.closeToTrayExplained });
    if (d.action === 'close') return;
    event.preventDefault();
    win.hide();
    if (d.explain && Notification.isSupported()) {
      new Notification({ title: 'Switchboard is still running', body: 'Calls will still ring. Quit from the tray icon.', silent: true }).show();
      services.config.update((c) => void (c.preferences.closeToTrayExplained = true));
    }
  });
  win?.on('focus', () => notifier.seen());

  app.on('before-quit', (event) => {
    if (quitting) return;
    const d = decideQuit({ callStates: services.calls.list().map((c) => c.state), confirmed: quitConfirmed });
    if (d.action === 'ask') {
      const choice = dialog.showMessageBoxSync({
        type: 'question',
        buttons: ['End the call and quit', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        message: d.liveCalls > 1 ? `${d.liveCalls} calls are in progress.` : 'A call is in progress.',
        detail: 'Quitting ends it for the customer too.',
      });
      if (choice !== 0) {
        event.preventDefault();
        return;
      }
      quitConfirmed = true;
    }
    quitting = true;
  });

  const openThread = (threadId: number | null): void => {
    o.showWindow();
    if (threadId !== null) services.events.emit('navigate', { threadId, offerCall: false });
  };

  // The dock / taskbar badge: unread messages + missed calls (debounced; only when it changes).
  const overlay = process.platform === 'win32' ? nativeImage.createFromBuffer(dotPng(16)) : null;
  const badge = debouncedBadge(
    () => services.threads.badgeTotals(),
    (b) => {
      try {
        if (process.platform === 'win32') {
          const w = o.window();
          if (w && !w.isDestroyed()) w.setOverlayIcon(b.count > 0 ? overlay : null, b.description);
        } else app.setBadgeCount(b.count);
      } catch (err) {
        log.warn('desktop.badge_failed', { error: (err as Error).message });
      }
    },
  );
  badge.refresh();

  // The customer's name as the thread list shows it.
  const nameOf = (threadId: number): string => {
    const c = services.threads.thread(threadId)?.contact;
    return c?.ownerName ?? c?.profileName ?? (c?.waId ? `+${c.waId}` : c?.username ?? 'A customer');
  };
  const ringingNotes = new Map<string, Notification>();

  // New customer messages while the window is in the background (see message-notifications.ts).
  const notifier = new MessageNotifier();
  const messageNotes = new Map<number, Notification>();
  let seenItemId = services.threads.latestItemId();
  const notifyMessages = (): void => {
    const fresh = services.threads.inboundMessagesAfter(seenItemId, 200);
    if (fresh.length === 0) return;
    seenItemId = fresh[fresh.length - 1]!.id;
    if (!Notification.isSupported()) return;
    const w = o.window();
    const decisions = notifier.decide(fresh, {
      window: { visible: !!w && !w.isDestroyed() && w.isVisible(), focused: !!w && !w.isDestroyed() && w.isFocused() },
      dnd: dnd(),
      now: Date.now(),
      nameOf,
    });
    for (const d of decisions) {
      if (d.replaces) messageNotes.get(d.threadId)?.close();
      const n = new Notification({ title: d.title, body: d.body, silent: false });
      n.on('click', () => {
        notifier.seen(d.threadId);
        openThread(d.threadId);
      });
      messageNotes.set(d.threadId, n);
      n.show();
    }
  };

  // Notifications for calls, the tray following every change, badges and messages on thread changes.
  const notified = new Set<string>();
  const offEvents = services.events.subscribe((event, payload) => {
    if (event === 'status' || event === 'desktopPreferences') refreshTray();
    if (event === 'threadsChanged') {
      badge.refresh();
      notifyMessages();
    }
    if (event !== 'call') return;
    refreshTray();
    const call = payload as { localId: string; state: string; direction: string; outcome: string | null; threadId: number | null };
    if (call.state === 'ended') badge.refresh();
    // A ringing notification goes as soon as its call stops ringing (answered, declined, ended).
    for (const id of callNotificationsToClose(ringingNotes.keys(), services.calls.list())) {
      ringingNotes.get(id)?.close();
      ringingNotes.delete(id);
    }
    const d = decideCallNotification(call, { dnd: dnd(), notified });
    if (!d || !Notification.isSupported()) return;
    notified.add(d.key);
    if (d.kind === 'incoming') {
      const text = incomingCallNotification(call.threadId === null ? null : nameOf(call.threadId));
      const n = new Notification({ title: text.title, body: text.body, urgency: 'critical', actions: text.actions.map((a) => ({ type: 'button' as const, text: a })), timeoutType: 'never' });
      n.on('action', (_event, index) => {
        // Refused while another call is up (a waiting call): the window shows it with End & answer.
        if (index === 0) {
          if (!services.calls.answer(call.localId)) openThread(call.threadId);
        }
        else if (index === 1) services.calls.decline(call.localId);
      });
      n.on('click', () => openThread(call.threadId));
      ringingNotes.set(call.localId, n);
      n.show();
    } else {
      const n = new Notification({ title: 'Missed WhatsApp call', body: 'Open Switchboard to call back or write.' });
      n.on('click', () => openThread(call.threadId));
      n.show();
    }
  });

  // Click-to-call: our own scheme is claimed at run time. tel: is only declared by the installers
  // (electron-builder.yml `protocols`: Info.plist, the .desktop file's MimeType, the NSIS registry
  // entries), so the OS offers Switchboard as a choice for phone links; taking over the owner's
  // default phone app silently at run time would be rude. Either scheme lands in handleLink.
  // Decision recorded here on purpose (issue 8: "where the OS allows").
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

  // Global shortcuts, as configured (Settings → This computer); re-registered on every change.
  const actions: Record<ShortcutAction, () => void> = {
    answer: () => {
      const t = shortcutTarget('answer', services.calls.list());
      if (t && !services.calls.answer(t.localId)) o.showWindow(); // a waiting call: End & answer is in the window
    },
    declineOrHangUp: () => {
      const t = shortcutTarget('declineOrHangUp', services.calls.list());
      if (t?.command === 'hangup') services.calls.hangup(t.localId);
      else if (t?.command === 'decline') services.calls.decline(t.localId);
    },
    toggleMute: () => services.events.emit('shortcut', { action: 'toggleMute' }),
    showWindow: () => o.showWindow(),
  };
  let registered: Registered = {};
  services.desktop.attachRegistrar((wanted) => {
    const r = applyRegistration(globalShortcut, registered, wanted, actions, process.platform);
    registered = r.registered;
    for (const [action, status] of Object.entries(r.status)) if (status === 'taken') log.warn('desktop.shortcut_taken', { action, accelerator: wanted[action as ShortcutAction] });
    for (const e of r.errors) log.warn('desktop.shortcut_failed', { action: e.action, error: e.error });
    return r.status;
  });

  // Start at login (applied by the packaged app only: a dev build must not register itself).
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
    const plan = loginItemPlan({ platform: process.platform, enabled: p.openAtLogin, hidden: p.openAtLoginHidden, execPath: process.execPath, configHome: process.env['XDG_CONFIG_HOME'] ?? path.join(app.getPath('home'), '.config') });
    try {
      if (plan.kind === 'electron-login-item') app.setLoginItemSettings({ openAtLogin: plan.openAtLogin, args: plan.hidden ? ['--hidden'] : [] });
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
  const offPrefs = services.desktop.onChange(() => applyLogin());

  // Sleep ends a call cleanly (the platform cannot resume it); waking restarts the tunnel at once.
  const onSuspend = (): void => {
    if (decideSuspend(services.calls.list().map((c) => c.state)).endCalls) services.calls.endAll();
  };
  const onResume = (): void => {
    if (decideResume({ accountConnected: services.account.account() !== null }).restartTunnel) void services.connection.restartNow().catch((err: unknown) => log.warn('desktop.resume_restart_failed', { error: (err as Error).message }));
  };
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);

  if (process.env['SWITCHBOARD_TEST'] === '1') {
    const hooks: DesktopTestHooks = {
      tray: () => ({ exists: tray !== null && !tray.isDestroyed(), state: shown, tooltip }),
      shortcuts: () => ({ ...registered }),
    };
    (globalThis as { __switchboardDesktop?: DesktopTestHooks }).__switchboardDesktop = hooks;
  }

  return {
    handleArgv,
    dispose: () => {
      offEvents();
      offPrefs();
      badge.dispose();
      services.desktop.detachRegistrar();
      powerMonitor.off('suspend', onSuspend);
      powerMonitor.off('resume', onResume);
      globalShortcut.unregisterAll();
      tray?.destroy();
    },
  };
}
