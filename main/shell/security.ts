/**
 * The security posture of the desktop shell, as plain functions over Electron's types so unit
 * tests can prove it with stubs (this file imports only types from `electron`).
 *
 *  - The renderer runs sandboxed with context isolation and no Node integration.
 *  - It is loaded only from the app's own origin (`app://switchboard`, or the electron-vite dev
 *    server on loopback while developing) — never from a remote URL.
 *  - Navigation and new windows are denied; https links open in the OS browser after validation.
 *  - Only the app's own top-level page may use the microphone (and pick an audio output);
 *    every other permission, for every other page or frame, is denied.
 */
import type { BrowserWindowConstructorOptions, WebContents, Session } from 'electron';
import { isPublicHostname } from '../../common/rules/link-host.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'switchboard';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Origins the renderer may be loaded from: the app's own, plus a loopback dev server in dev. */
export function trustedOrigins(devServerUrl: string | undefined): Set<string> {
  const origins = new Set([APP_ORIGIN]);
  if (devServerUrl) {
    try {
      const u = new URL(devServerUrl);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname))
        origins.add(u.origin);
    } catch {
      // An unparsable dev URL is simply not trusted.
    }
  }
  return origins;
}

export function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    // Custom standard schemes report origin "null" in WHATWG URL; build it ourselves.
    return u.origin !== 'null' ? u.origin : `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

export function mainWindowOptions(opts: { preloadPath: string; dark: boolean; isPackaged: boolean }): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 780,
    minWidth: 880,
    minHeight: 560,
    show: false,
    title: 'Switchboard',
    backgroundColor: opts.dark ? '#14171c' : '#f6f7f9',
    autoHideMenuBar: true,
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      // A hidden window must still ring and keep call audio flowing.
      backgroundThrottling: false,
      devTools: !opts.isPackaged,
    },
  };
}

/** True for URLs the OS browser may open: https only, no credentials, a public host (no IP, LAN or single-label name). */
export function isSafeExternalUrl(raw: string): boolean {
  if (typeof raw !== 'string' || raw.length > 2048) return false;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:') return false;
  if (u.username || u.password) return false;
  return isPublicHostname(u.hostname);
}

/** Permissions the app's own page may get. `media` is further limited to audio capture. */
const GRANTABLE = new Set(['media', 'speaker-selection']);

export function isPermissionAllowed(input: {
  permission: string;
  requestingUrl: string | undefined;
  isMainFrame: boolean;
  mediaTypes?: ReadonlyArray<string> | undefined;
  trusted: Set<string>;
}): boolean {
  if (!GRANTABLE.has(input.permission)) return false;
  if (!input.isMainFrame) return false;
  const origin = originOf(input.requestingUrl);
  if (!origin || !input.trusted.has(origin)) return false;
  if (input.permission === 'media') {
    const types = input.mediaTypes ?? [];
    // Microphone only: a request that includes video (or says nothing about what it wants) is refused.
    if (types.length === 0 || types.some((t) => t !== 'audio')) return false;
  }
  return true;
}

type RequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>;
type CheckHandler = NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>;
type RequestDetails = Parameters<RequestHandler>[3];

export function createPermissionRequestHandler(trusted: Set<string>, isOwnContents: (wc: WebContents) => boolean): RequestHandler {
  return (webContents, permission, callback, details: RequestDetails) => {
    const d = details as RequestDetails & { mediaTypes?: string[]; isMainFrame?: boolean; requestingUrl?: string };
    callback(
      isOwnContents(webContents) &&
        isPermissionAllowed({
          permission,
          requestingUrl: d.requestingUrl,
          isMainFrame: d.isMainFrame !== false,
          mediaTypes: d.mediaTypes,
          trusted,
        }),
    );
  };
}

/** For `session.setPermissionCheckHandler`: synchronous checks (e.g. device labels, setSinkId). */
export function createPermissionCheckHandler(trusted: Set<string>): CheckHandler {
  return (_wc, permission, requestingOrigin, details) => {
    if (!GRANTABLE.has(permission)) return false;
    if (details.isMainFrame === false) return false;
    if (permission === 'media' && details.mediaType && details.mediaType !== 'audio') return false;
    const origin = originOf(requestingOrigin);
    return origin !== null && trusted.has(origin);
  };
}

/**
 * Denies every navigation away from the app and every new window; an https link the user
 * clicked is handed to the OS browser instead (after `isSafeExternalUrl`).
 */
export function installNavigationGuards(webContents: WebContents, trusted: Set<string>, openExternal: (url: string) => void): void {
  webContents.on('will-navigate', (event, url) => {
    const origin = originOf(url);
    if (origin && trusted.has(origin)) return; // reloads of our own page
    event.preventDefault();
    if (isSafeExternalUrl(url)) openExternal(url);
  });
  webContents.on('will-redirect', (event, url) => {
    const origin = originOf(url);
    if (!origin || !trusted.has(origin)) event.preventDefault();
  });
  webContents.on('will-attach-webview', (event) => event.preventDefault());
  webContents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}
