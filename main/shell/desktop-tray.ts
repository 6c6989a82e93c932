/**
 * The tray icon: its look and tooltip follow the state (ready, unreachable, ringing, on a call,
 * do-not-disturb) and its menu offers the window, do-not-disturb and Quit. The state itself is
 * decided by `main/desktop/tray-state.ts`; this only draws it, in the owner's language (redrawn
 * when it changes: the `language` event).
 */
import { app, Menu, nativeImage, Tray } from 'electron';
import path from 'node:path';
import { dndMenuLabel, TRAY_TOOLTIP, trayState, trayStatusLabel, type TrayState } from '../desktop/tray-state.ts';
import { tr } from '../i18n/tr.ts';
import type { DesktopOptions, DesktopTestHooks } from './desktop.ts';

export interface DesktopTray {
  /** Redraws icon, tooltip and menu from the current status (cheap when nothing changed). */
  refresh: () => void;
  hook: DesktopTestHooks['tray'];
  dispose: () => void;
}

export function setupTray(o: DesktopOptions): DesktopTray {
  const { services, log } = o;
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

  const refresh = (): void => {
    if (!tray) return;
    const state = currentState();
    if (state !== shown) {
      tray.setImage(image(state));
      shown = state;
    }
    tooltip = TRAY_TOOLTIP[state];
    tray.setToolTip(tooltip);
    const reach = services.status().reachability;
    const dndOn = services.desktop.dndActive();
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: tr('tray.open'), click: () => o.showWindow() },
        { type: 'separator' },
        { label: trayStatusLabel(state), enabled: false },
        {
          label:
            reach.state === 'unreachable'
              ? tr('tray.reach.unreachable')
              : reach.elsewhere
                ? tr('tray.reach.elsewhere')
                : reach.state === 'connected'
                  ? tr('tray.reach.connected')
                  : tr('tray.reach.checking'),
          enabled: false,
        },
        { type: 'separator' },
        {
          label: dndMenuLabel(services.desktop.view().dndUntil, new Date()),
          submenu: [
            { label: tr('tray.dnd.hour'), click: () => setDnd('hour') },
            { label: tr('tray.dnd.tomorrow'), click: () => setDnd('tomorrow') },
            { label: tr('tray.dnd.off'), type: 'checkbox', checked: !dndOn, click: () => setDnd('off') },
          ],
        },
        { type: 'separator' },
        { label: tr('tray.quit'), click: () => app.quit() },
      ]),
    );
  };

  try {
    tray = new Tray(image(currentState()));
    tray.on('click', () => o.showWindow());
    refresh();
  } catch (err) {
    log.warn('desktop.tray_unavailable', { error: (err as Error).message });
  }

  return {
    refresh,
    hook: () => ({ exists: tray !== null && !tray.isDestroyed(), state: shown, tooltip }),
    dispose: () => tray?.destroy(),
  };
}
