/**
 * Global shortcuts, as configured (Settings → This computer); re-registered on every change. Which
 * call a shortcut acts on, and the registration bookkeeping, live in `main/desktop/shortcuts.ts`.
 */
import { globalShortcut } from 'electron';
import { applyRegistration, shortcutTarget, type Registered, type ShortcutAction } from '../desktop/shortcuts.ts';
import type { DesktopOptions } from './desktop.ts';

export interface DesktopShortcuts {
  registered: () => Registered;
  dispose: () => void;
}

export function setupShortcuts(o: DesktopOptions): DesktopShortcuts {
  const { services, log } = o;
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
    for (const [action, status] of Object.entries(r.status))
      if (status === 'taken') log.warn('desktop.shortcut_taken', { action, accelerator: wanted[action as ShortcutAction] });
    for (const e of r.errors) log.warn('desktop.shortcut_failed', { action: e.action, error: e.error });
    return r.status;
  });
  return {
    registered: () => ({ ...registered }),
    dispose: () => {
      services.desktop.detachRegistrar();
      globalShortcut.unregisterAll();
    },
  };
}
