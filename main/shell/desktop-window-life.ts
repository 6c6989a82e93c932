/**
 * The window's and the app's life: closing the window hides it (it carries call media and must
 * live), quitting during a call asks first, sleep ends calls and waking restarts the tunnel. The
 * decisions are `main/desktop/window-life.ts`; this applies them to Electron.
 */
import { app, dialog, Notification, powerMonitor } from 'electron';
import { notificationText } from '../desktop/notification-text.ts';
import { decideClose, decideQuit, decideResume, decideSuspend } from '../desktop/window-life.ts';
import { tr } from '../i18n/tr.ts';
import type { DesktopOptions } from './desktop.ts';

/** Installs the close and quit handlers on the current window; `onFocus` runs when it gains focus. */
export function setupWindowClose(o: DesktopOptions, onFocus: () => void): void {
  const { services } = o;
  let quitting = false;
  let quitConfirmed = false;

  // Closing the window hides it — calls or not: it carries call media. Explained once.
  const win = o.window();
  win?.on('close', (event) => {
    const d = decideClose({ quitting, explained: services.config.get().preferences.closeToTrayExplained });
    if (d.action === 'close') return;
    event.preventDefault();
    win.hide();
    if (d.explain && Notification.isSupported()) {
      new Notification({
        ...notificationText({ title: tr('life.stillRunning.title'), body: tr('life.stillRunning.body') }, process.platform),
        silent: true,
      }).show();
      services.config.update((c) => void (c.preferences.closeToTrayExplained = true));
    }
  });
  win?.on('focus', onFocus);

  app.on('before-quit', (event) => {
    if (quitting) return;
    const d = decideQuit({ callStates: services.calls.list().map((c) => c.state), confirmed: quitConfirmed });
    if (d.action === 'ask') {
      const choice = dialog.showMessageBoxSync({
        type: 'question',
        buttons: [tr('life.quit.endAndQuit'), tr('life.quit.cancel')],
        defaultId: 1,
        cancelId: 1,
        message: tr('life.quit.callsInProgress', { n: d.liveCalls }),
        detail: tr('life.quit.detail'),
      });
      if (choice !== 0) {
        event.preventDefault();
        return;
      }
      quitConfirmed = true;
    }
    quitting = true;
  });
}

/** Sleep ends a call cleanly (the platform cannot resume it); waking restarts the tunnel at once. Returns the undo. */
export function setupSuspendResume(o: DesktopOptions): () => void {
  const { services, log } = o;
  const onSuspend = (): void => {
    if (decideSuspend(services.calls.list().map((c) => c.state)).endCalls) services.calls.endAll();
  };
  const onResume = (): void => {
    if (decideResume({ accountConnected: services.account.account() !== null }).restartTunnel)
      void services.connection
        .restartNow()
        .catch((err: unknown) => log.warn('desktop.resume_restart_failed', { error: (err as Error).message }));
  };
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);
  return () => {
    powerMonitor.off('suspend', onSuspend);
    powerMonitor.off('resume', onResume);
  };
}
