/**
 * The shell's security as only a real Electron can show it: the window is served from
 * app://switchboard with the CSP header and obeys it; `window.switchboard` is exactly the bridge
 * contract and the page has nothing of Node; frames that are not the app's main frame get no bridge
 * and are refused by the IPC binding; the microphone is the app's alone; no new window, no
 * navigation away. Skipped, with the reason, where no Electron binary is installed.
 */
import { test, expect, type Frame, type Page } from '@playwright/test';
import { eventNames, requestChannel, requestNames } from '../../common/bridge-contract.ts';
import { CONTENT_SECURITY_POLICY } from '../../main/renderer-files.ts';
import {
  collectEvidenceOnFailure,
  electronSkipReason,
  logCount,
  skipWithoutElectron,
  withApp,
  type PageBridge,
} from './support/electron-app.ts';

collectEvidenceOnFailure();

/** What getUserMedia answers in a page or frame: "granted:<track kinds>" or the error's name. Self-contained (runs in the page). */
async function getUserMediaOutcome(constraints: MediaStreamConstraints): Promise<string> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia(constraints);
    const kinds = stream.getTracks().map((t) => t.kind);
    stream.getTracks().forEach((t) => t.stop());
    return `granted:${kinds.join(',')}`;
  } catch (err) {
    return (err as Error).name;
  }
}

/** Adds two srcdoc iframes to the app's page: one same-origin (allowed the microphone), one sandboxed (an opaque origin). */
async function addProbeFrames(win: Page): Promise<{ same: Frame; sandboxed: Frame }> {
  await win.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const same = document.createElement('iframe');
        same.name = 'probe-same';
        same.setAttribute('allow', 'microphone');
        same.srcdoc = '<p>same-origin probe</p>';
        const sandboxed = document.createElement('iframe');
        sandboxed.name = 'probe-sandboxed';
        sandboxed.setAttribute('sandbox', 'allow-scripts');
        sandboxed.srcdoc = '<p>sandboxed probe</p>';
        let loaded = 0;
        const onLoad = (): void => void (++loaded === 2 && resolve());
        same.addEventListener('load', onLoad);
        sandboxed.addEventListener('load', onLoad);
        setTimeout(() => reject(new Error('the probe frames did not load within 10 s')), 10_000);
        document.body.append(same, sandboxed);
      }),
  );
  const same = win.frame({ name: 'probe-same' });
  const sandboxed = win.frame({ name: 'probe-sandboxed' });
  if (!same || !sandboxed) throw new Error(`probe frames missing: ${win.frames().map((f) => f.name() || f.url())}`);
  return { same, sandboxed };
}

test.describe('Electron security', () => {
  test.skip(skipWithoutElectron, electronSkipReason);

  test('the window loads from app://switchboard; every page carries the CSP header, which blocks inline script', async () => {
    await withApp({}, async ({ app, win }) => {
      await win.getByTestId('app-version').waitFor();
      expect(win.url()).toBe('app://switchboard/index.html');

      // What the app:// handler answers, read in the main process through the same session.
      const served = await app.evaluate(async ({ net }) => {
        const get = async (url: string, method = 'GET') => {
          const r = await net.fetch(url, { method });
          return {
            status: r.status,
            csp: r.headers.get('content-security-policy'),
            frameOptions: r.headers.get('x-frame-options'),
            nosniff: r.headers.get('x-content-type-options'),
          };
        };
        return {
          index: await get('app://switchboard/index.html'),
          root: await get('app://switchboard/'),
          otherHost: await get('app://elsewhere/index.html'),
          climbing: await get('app://switchboard/%2e%2e/%2e%2e/package.json'),
          post: await get('app://switchboard/index.html', 'POST'),
        };
      });
      expect(served.index).toEqual({ status: 200, csp: CONTENT_SECURITY_POLICY, frameOptions: 'DENY', nosniff: 'nosniff' });
      expect(served.root.csp).toBe(CONTENT_SECURITY_POLICY);
      expect(served.otherHost.status).toBe(404);
      expect(served.climbing.status).toBe(404);
      expect(served.post.status).toBe(404);

      // The policy is in force: an injected inline script does not run and is reported.
      const inline = await win.evaluate(async () => {
        const violations: string[] = [];
        document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
        const s = document.createElement('script');
        s.textContent = 'window.__sbInlineRan = true';
        document.head.append(s);
        await new Promise((r) => setTimeout(r, 200));
        return { ran: (window as unknown as { __sbInlineRan?: boolean }).__sbInlineRan === true, violations };
      });
      expect(inline.ran).toBe(false);
      expect(inline.violations.join(' ')).toMatch(/script-src/);
    });
  });

  test('window.switchboard is exactly the contract: one function per request, on() for its events, nothing of Node', async () => {
    await withApp({}, async ({ app, win }) => {
      await win.getByTestId('app-version').waitFor();
      const page = await win.evaluate((events) => {
        const w = window as unknown as Record<string, unknown> & { switchboard: Record<string, unknown> };
        const sb = w.switchboard;
        const on = sb['on'] as (event: string, listener: () => void) => () => void;
        const subscribed = events.filter((e) => typeof on(e, () => undefined) === 'function');
        let unknownEvent = '';
        try {
          on('notAnEvent', () => undefined);
        } catch (err) {
          unknownEvent = (err as Error).message;
        }
        return {
          names: Object.keys(sb).sort(),
          types: [...new Set(Object.values(sb).map((v) => typeof v))],
          subscribed,
          unknownEvent,
          node: {
            require: typeof w['require'],
            process: typeof w['process'],
            Buffer: typeof w['Buffer'],
            module: typeof w['module'],
            __dirname: typeof w['__dirname'],
          },
        };
      }, eventNames);
      expect(page.names).toEqual([...requestNames, 'on'].sort());
      expect(page.types).toEqual(['function']);
      expect(page.subscribed).toEqual(eventNames);
      expect(page.unknownEvent).toContain('Unknown Switchboard event');
      expect(page.node).toEqual({
        require: 'undefined',
        process: 'undefined',
        Buffer: 'undefined',
        module: 'undefined',
        __dirname: 'undefined',
      });

      // A request goes through; params the contract does not know are refused by the dispatcher.
      const answers = await win.evaluate(async () => {
        const sb = (window as unknown as { switchboard: PageBridge }).switchboard;
        return { info: await sb['getAppInfo']!({}), extra: await sb['getAppInfo']!({ extra: 1 }) };
      });
      expect(answers.info.ok).toBe(true);
      expect(answers.extra).toMatchObject({ ok: false, error: { code: 'invalid_params' } });

      // The live window's web preferences are the ones main/shell/security.ts asks for, where this
      // Electron still exposes them (getLastWebPreferences is not in its public types). Isolation is
      // shown either way: contextBridge refuses to expose anything without it, and the bridge is there.
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const wc = BrowserWindow.getAllWindows()[0]!.webContents as unknown as {
          getLastWebPreferences?: () => Record<string, unknown> | null;
        };
        const p = typeof wc.getLastWebPreferences === 'function' ? wc.getLastWebPreferences() : null;
        if (!p) return null;
        const { contextIsolation, sandbox, nodeIntegration, nodeIntegrationInSubFrames, webSecurity, webviewTag } = p;
        return { contextIsolation, sandbox, nodeIntegration, nodeIntegrationInSubFrames, webSecurity, webviewTag };
      });
      if (prefs === null)
        test.info().annotations.push({ type: 'note', description: 'webContents.getLastWebPreferences() is not available' });
      else
        expect(prefs).toEqual({
          contextIsolation: true,
          sandbox: true,
          nodeIntegration: false,
          nodeIntegrationInSubFrames: false,
          webSecurity: true,
          webviewTag: false,
        });
    });
  });

  test('a frame that is not the main frame has no bridge, cannot reach the page’s, and is refused by the IPC binding', async () => {
    await withApp({}, async ({ app, win }) => {
      await win.getByTestId('app-version').waitFor();
      const { same, sandboxed } = await addProbeFrames(win);

      // The preload runs in the main frame only (nodeIntegrationInSubFrames: false).
      expect(await same.evaluate(() => typeof (window as unknown as { switchboard?: unknown }).switchboard)).toBe('undefined');
      // A frame of another origin cannot even look at the page's bridge.
      expect(
        await sandboxed.evaluate(() => {
          try {
            return typeof (window.parent as unknown as { switchboard?: unknown }).switchboard;
          } catch (err) {
            return (err as Error).name;
          }
        }),
      ).toBe('SecurityError');

      // Had a sub-frame a way to send one, main's handler for the request refuses it: the real
      // handler bound by main/shell/ipc.ts, called with the real frames as the sender.
      const refusedBefore = await logCount(app, 'bridge.ipc.refused');
      const verdicts = await app.evaluate(async ({ BrowserWindow, ipcMain }, channel) => {
        type Handler = (event: unknown, ...args: unknown[]) => Promise<{ ok: boolean; error?: { code: string } }>;
        const handlers = (ipcMain as unknown as { _invokeHandlers?: Map<string, Handler> })._invokeHandlers;
        const handler = handlers?.get(channel);
        if (!handler) return null;
        const wc = BrowserWindow.getAllWindows()[0]!.webContents;
        const ask = (frame: Electron.WebFrameMain) =>
          handler({ sender: wc, senderFrame: frame, processId: frame.processId, frameId: frame.routingId }, {});
        const subFrames = wc.mainFrame.frames;
        return {
          mainFrame: await ask(wc.mainFrame),
          subFrames: await Promise.all(subFrames.map(async (f) => ({ name: f.name, answer: await ask(f) }))),
        };
      }, requestChannel('getAppInfo'));
      expect(verdicts, "ipcMain._invokeHandlers (Electron's handler map) is gone: reach the bound handler another way").not.toBeNull();
      expect(verdicts!.mainFrame.ok).toBe(true);
      expect(verdicts!.subFrames.map((f) => f.name).sort()).toEqual(['probe-sandboxed', 'probe-same']);
      for (const f of verdicts!.subFrames) expect(f.answer, f.name).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
      expect(await logCount(app, 'bridge.ipc.refused')).toBe(refusedBefore + 2);
    });
  });

  test('the microphone is granted to the app’s page and refused to video, to its frames and to any other window', async () => {
    // A fake capture device, but no fake permission UI: every request goes through the shell's handlers.
    await withApp({ args: ['--use-fake-device-for-media-stream'] }, async ({ app, win }) => {
      await win.getByTestId('app-version').waitFor();
      expect(await win.evaluate(getUserMediaOutcome, { audio: true })).toBe('granted:audio');
      expect(await win.evaluate(getUserMediaOutcome, { video: true })).toBe('NotAllowedError');
      expect(await win.evaluate(getUserMediaOutcome, { audio: true, video: true })).toBe('NotAllowedError');

      const { same } = await addProbeFrames(win);
      expect(await same.evaluate(getUserMediaOutcome, { audio: true })).toBe('NotAllowedError');

      // Another window on the very same origin is not the app's window.
      const [other, otherId] = await Promise.all([
        app.waitForEvent('window'),
        app.evaluate(({ BrowserWindow }) => {
          const w = new BrowserWindow({ show: false, webPreferences: { sandbox: true, contextIsolation: true } });
          void w.loadURL('app://switchboard/index.html');
          return w.id;
        }),
      ]);
      await other.waitForLoadState('domcontentloaded');
      expect(await other.evaluate(getUserMediaOutcome, { audio: true })).toBe('NotAllowedError');
      await app.evaluate(({ BrowserWindow }, id) => BrowserWindow.fromId(id)?.destroy(), otherId);
    });
  });

  test('no new window and no navigation away; an https link goes to the OS browser, a LAN address nowhere', async () => {
    await withApp({}, async ({ app, win }) => {
      await win.getByTestId('app-version').waitFor();
      // Record what would reach the OS browser instead of opening it on the test machine.
      const stubbed = await app.evaluate(({ shell }) => {
        const g = globalThis as unknown as { __sbOpened: string[] };
        g.__sbOpened = [];
        const stub = Object.assign(async (url: string) => void g.__sbOpened.push(url), { sbStub: true });
        try {
          (shell as unknown as { openExternal: unknown }).openExternal = stub;
        } catch {
          // read-only: checked below
        }
        return (shell.openExternal as unknown as { sbStub?: boolean }).sbStub === true;
      });

      const opened = await win.evaluate((withHttps) => {
        const tries = ['app://switchboard/index.html', 'http://127.0.0.1:9/', 'https://192.168.1.1/'];
        if (withHttps) tries.push('https://example.com/from-window-open');
        return tries.map((url) => window.open(url) === null);
      }, stubbed);
      expect(opened.every(Boolean)).toBe(true);
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);

      await win.evaluate(() => {
        location.href = 'http://127.0.0.1:9/elsewhere';
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(win.url()).toBe('app://switchboard/index.html');
      await expect(win.getByTestId('app-version')).toBeVisible();

      if (stubbed) {
        expect(await app.evaluate(() => (globalThis as unknown as { __sbOpened: string[] }).__sbOpened)).toEqual([
          'https://example.com/from-window-open',
        ]);
      }
    });
  });
});
