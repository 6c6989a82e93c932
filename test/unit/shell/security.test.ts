import { describe, expect, it, vi } from 'vitest';
import type { WebContents } from 'electron';
import {
  APP_ORIGIN,
  createPermissionCheckHandler,
  createPermissionRequestHandler,
  installNavigationGuards,
  isSafeExternalUrl,
  mainWindowOptions,
  trustedOrigins,
} from '../../../main/shell/security.ts';

describe('main window options', () => {
  const opts = mainWindowOptions({ preloadPath: '/app/out/preload/index.cjs', dark: false, isPackaged: true });
  const wp = opts.webPreferences!;

  it('isolates and sandboxes the renderer with no Node integration', () => {
    expect(wp.contextIsolation).toBe(true);
    expect(wp.sandbox).toBe(true);
    expect(wp.nodeIntegration).toBe(false);
    expect(wp.nodeIntegrationInWorker).toBe(false);
    expect(wp.nodeIntegrationInSubFrames).toBe(false);
    expect(wp.webviewTag).toBe(false);
    expect(wp.webSecurity).toBe(true);
    expect(wp.allowRunningInsecureContent).toBe(false);
  });

  it('keeps a hidden window running so it can still ring', () => {
    expect(wp.backgroundThrottling).toBe(false);
  });

  it('uses the given preload and disables devtools when packaged', () => {
    expect(wp.preload).toBe('/app/out/preload/index.cjs');
    expect(wp.devTools).toBe(false);
    expect(mainWindowOptions({ preloadPath: 'p', dark: true, isPackaged: false }).webPreferences!.devTools).toBe(true);
  });
});

describe('trusted origins', () => {
  it('trusts only the app origin in production', () => {
    expect([...trustedOrigins(undefined)]).toEqual([APP_ORIGIN]);
  });
  it('adds a loopback dev server but never a remote one', () => {
    expect(trustedOrigins('http://localhost:5173/').has('http://localhost:5173')).toBe(true);
    expect(trustedOrigins('https://evil.example.com/').has('https://evil.example.com')).toBe(false);
    expect(trustedOrigins('not a url').size).toBe(1);
  });
});

describe('permission request handler', () => {
  const own = { id: 1 } as WebContents;
  const other = { id: 2 } as WebContents;
  const handler = createPermissionRequestHandler(trustedOrigins(undefined), (wc) => wc === own);
  const ask = (wc: WebContents, permission: string, details: Record<string, unknown>): boolean => {
    let granted: boolean | undefined;
    handler(wc, permission as never, (g) => (granted = g), details as never);
    if (granted === undefined) throw new Error('handler did not answer');
    return granted;
  };
  const page = { requestingUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true };

  it('grants the microphone to the app page', () => {
    expect(ask(own, 'media', { ...page, mediaTypes: ['audio'] })).toBe(true);
  });
  it('refuses the camera, and a request that does not say what it wants', () => {
    expect(ask(own, 'media', { ...page, mediaTypes: ['video'] })).toBe(false);
    expect(ask(own, 'media', { ...page, mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(ask(own, 'media', { ...page })).toBe(false);
  });
  it('refuses a foreign origin, a subframe and another window', () => {
    expect(ask(own, 'media', { requestingUrl: 'https://evil.example.com/', isMainFrame: true, mediaTypes: ['audio'] })).toBe(false);
    expect(ask(own, 'media', { ...page, isMainFrame: false, mediaTypes: ['audio'] })).toBe(false);
    expect(ask(other, 'media', { ...page, mediaTypes: ['audio'] })).toBe(false);
  });
  it('refuses every other permission, even for the app page', () => {
    for (const p of [
      'geolocation',
      'notifications',
      'display-capture',
      'clipboard-read',
      'openExternal',
      'midi',
      'fullscreen',
      'usb',
      'unknown',
    ]) {
      expect(ask(own, p, { ...page, mediaTypes: ['audio'] }), p).toBe(false);
    }
  });
});

describe('permission check handler', () => {
  const check = createPermissionCheckHandler(trustedOrigins(undefined));
  it('answers audio checks for the app origin only', () => {
    expect(check(null, 'media', APP_ORIGIN, { isMainFrame: true, mediaType: 'audio' } as never)).toBe(true);
    expect(check(null, 'media', APP_ORIGIN, { isMainFrame: true, mediaType: 'video' } as never)).toBe(false);
    expect(check(null, 'media', 'https://evil.example.com', { isMainFrame: true, mediaType: 'audio' } as never)).toBe(false);
    expect(check(null, 'geolocation', APP_ORIGIN, { isMainFrame: true } as never)).toBe(false);
  });
});

describe('external links', () => {
  it('opens only well-formed https URLs', () => {
    expect(isSafeExternalUrl('https://developers.facebook.com/docs')).toBe(true);
    for (const bad of [
      'http://example.com',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://user:pw@example.com/',
      'smb://host/share',
      'https://localhost/',
      'not a url',
      'https://' + 'a'.repeat(3000) + '.com',
    ]) {
      expect(isSafeExternalUrl(bad), bad).toBe(false);
    }
  });
});

describe('navigation guards', () => {
  function fakeContents() {
    const handlers = new Map<string, (event: { preventDefault: () => void }, url: string) => void>();
    let openHandler: ((d: { url: string }) => { action: string }) | null = null;
    const wc = {
      on: (name: string, fn: never) => handlers.set(name, fn),
      setWindowOpenHandler: (fn: never) => (openHandler = fn),
    } as unknown as WebContents;
    const navigate = (name: string, url: string): boolean => {
      let prevented = false;
      handlers.get(name)!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    return { wc, navigate, open: (url: string) => openHandler!({ url }) };
  }

  it('denies navigation away from the app and hands https links to the OS browser', () => {
    const f = fakeContents();
    const openExternal = vi.fn();
    installNavigationGuards(f.wc, trustedOrigins(undefined), openExternal);
    expect(f.navigate('will-navigate', `${APP_ORIGIN}/index.html`)).toBe(false);
    expect(f.navigate('will-navigate', 'https://example.com/page')).toBe(true);
    expect(openExternal).toHaveBeenCalledWith('https://example.com/page');
    expect(f.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('denies every new window', () => {
    const f = fakeContents();
    const openExternal = vi.fn();
    installNavigationGuards(f.wc, trustedOrigins(undefined), openExternal);
    expect(f.open('https://example.com/').action).toBe('deny');
    expect(f.open('javascript:alert(1)').action).toBe('deny');
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('denies webviews and redirects to foreign origins', () => {
    const f = fakeContents();
    installNavigationGuards(f.wc, trustedOrigins(undefined), vi.fn());
    expect(f.navigate('will-attach-webview', '')).toBe(true);
    expect(f.navigate('will-redirect', 'https://evil.example.com/')).toBe(true);
  });
});
