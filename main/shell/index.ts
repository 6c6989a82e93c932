/**
 * The Electron shell: the only main-process code that imports `electron` at run time.
 * It creates the window, binds the bridge to IPC, serves the renderer from `app://switchboard`
 * and wires main's plain-Node services (`../app-services.ts`) together.
 */
import { app, BrowserWindow, clipboard, ipcMain, nativeTheme, protocol, session, shell, type WebContents } from 'electron';
import ElectronStore from 'electron-store';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAppServices, type AppServices } from '../app-services.ts';
import { createLogger, SecretRedactor } from '../core/log.ts';
import { RecentProblemsSink, RotatingFileSink, teeSink } from '../core/rotating-log.ts';
import { KeytarSecrets, MemorySecrets } from '../account/secrets.ts';
import type { JsonFileStore } from '../account/config-store.ts';
import { bindBridgeToIpc, forwardEvents } from './ipc.ts';
import { setupDesktop } from './desktop.ts';
import { setupUpdates } from './updates.ts';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './protocol.ts';
import {
  APP_ORIGIN,
  createPermissionCheckHandler,
  createPermissionRequestHandler,
  installNavigationGuards,
  isSafeExternalUrl,
  mainWindowOptions,
  trustedOrigins,
} from './security.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const devServerUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const trusted = trustedOrigins(devServerUrl);

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  let services: AppServices | null = null;
  const isOwnContents = (wc: WebContents): boolean =>
    mainWindow !== null && !mainWindow.isDestroyed() && wc.id === mainWindow.webContents.id;

  const recentProblems = new RecentProblemsSink();
  const redactor = new SecretRedactor();
  // A rotating file in the OS's log folder (5 MB × 4), never containing a secret.
  const log = createLogger({
    sink: teeSink(new RotatingFileSink({ dir: app.getPath('logs') }), recentProblems),
    redactor,
    level: app.isPackaged ? 'info' : 'debug',
  });

  const showWindow = (): void => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };

  let desktop: ReturnType<typeof setupDesktop> | null = null;
  // A second launch (e.g. a click-to-call link) hands its arguments to this instance.
  app.on('second-instance', (_event, argv) => {
    showWindow();
    desktop?.handleArgv(argv);
  });

  app.on('web-contents-created', (_e, contents) => {
    installNavigationGuards(contents, trusted, (url) => {
      if (isSafeExternalUrl(url)) void shell.openExternal(url);
    });
  });

  /**
   * The OS's languages, most preferred first (app.getLocale() where the OS lists none). The
   * `_electron` tests (an unpackaged SWITCHBOARD_TEST=1 run) get SWITCHBOARD_LANG or none — English —
   * whatever the machine speaks.
   */
  const systemLanguages = (): string[] => {
    if (!app.isPackaged && process.env['SWITCHBOARD_TEST'] === '1')
      return (process.env['SWITCHBOARD_LANG'] ?? '').split(',').filter(Boolean);
    const preferred = app.getPreferredSystemLanguages();
    return preferred.length > 0 ? preferred : [app.getLocale()];
  };

  app
    .whenReady()
    .then(async () => {
      registerAppProtocol(protocol, path.join(here, '..', 'renderer'));
      session.defaultSession.setPermissionRequestHandler(createPermissionRequestHandler(trusted, isOwnContents));
      session.defaultSession.setPermissionCheckHandler(createPermissionCheckHandler(trusted));

      services = await startAppServices({
        dataDir: app.getPath('userData'),
        version: app.getVersion(),
        host: 'electron',
        electronVersion: process.versions.electron ?? null,
        chromeVersion: process.versions.chrome ?? null,
        log,
        redactor,
        recentProblems,
        // The `_electron` tests run where no keychain may exist: an unpackaged build started with
        // SWITCHBOARD_TEST=1 and SWITCHBOARD_SECRETS=memory keeps throwaway credentials in memory.
        // A packaged app never does.
        secrets:
          !app.isPackaged && process.env['SWITCHBOARD_TEST'] === '1' && process.env['SWITCHBOARD_SECRETS'] === 'memory'
            ? new MemorySecrets()
            : new KeytarSecrets(),
        configStore: (o) => new ElectronStore(o) as unknown as JsonFileStore,
        writeClipboard: (text) => clipboard.writeText(text),
        localtunnelWorkerUrl: new URL('./localtunnel-worker.js', import.meta.url),
        systemLanguages: systemLanguages(),
      });
      bindBridgeToIpc({ ipcMain, dispatch: services.dispatch, trusted, isOwnContents, log: log.child('ipc') });
      forwardEvents(services.events, () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null));

      mainWindow = new BrowserWindow(
        mainWindowOptions({
          preloadPath: path.join(here, '..', 'preload', 'index.cjs'),
          dark: nativeTheme.shouldUseDarkColors,
          isPackaged: app.isPackaged,
        }),
      );
      mainWindow.once('ready-to-show', () => {
        if (!process.argv.includes('--hidden')) mainWindow?.show();
      });
      mainWindow.on('closed', () => {
        mainWindow = null;
      });
      const running = services;
      desktop = setupDesktop({
        services: running,
        window: () => mainWindow,
        showWindow,
        iconsDir: app.isPackaged ? path.join(process.resourcesPath, 'icons') : path.join(app.getAppPath(), 'build', 'icons'),
        log: log.child('desktop'),
      });
      desktop.handleArgv(process.argv);
      setupUpdates({ isPackaged: app.isPackaged, feedUrl: process.env['SWITCHBOARD_UPDATE_URL'], log: log.child('updates') });
      await mainWindow.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
    })
    .catch((err: unknown) => {
      log.error('shell.start_failed', { error: err instanceof Error ? err.message : String(err) });
      app.exit(1);
    });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (event) => {
    if (!services) return;
    // End calls properly (terminate reaches Graph) and close the database before exiting.
    event.preventDefault();
    const closing = services;
    services = null;
    desktop?.dispose();
    void closing.close().finally(() => app.exit(0));
  });
}
