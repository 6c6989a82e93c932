/**
 * Regression tests for issue 19, each at the level a caller can observe it:
 *  1. one hostile bridge frame (`{"name":{"toString":1}}`) ended the browser host: the dispatcher
 *     turned a name that is not text into a string and the rejection escaped;
 *  2. the renderer file server followed symlinks out of its folder;
 *  3. the data dir and its files were readable by every user of the computer (755/644);
 *  4. `http:` Graph base URLs and tunnel servers were accepted, which would send the access token
 *     (or the webhooks) unencrypted; `http:` is now allowed for this computer only.
 */
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { confFactory } from '../../main/account/conf-store.ts';
import { MemorySecrets } from '../../main/account/secrets.ts';
import { startAppServices, type AppServices } from '../../main/app-services.ts';
import { createDispatcher, type BridgeHandlers } from '../../main/bridge/dispatcher.ts';
import { MediaDownloadRefused, whatsappMedia } from '../../main/graph/whatsapp.ts';
import { RotatingFileSink } from '../../main/core/rotating-log.ts';
import { startBrowserHost, type BrowserHost } from '../../main/host/http-host.ts';
import { loadRendererFile } from '../../main/renderer-files.ts';
import { openDatabase } from '../../main/storage/database.ts';
import type { WebhookReceiver } from '../../main/webhooks/webhook-receiver.ts';
import { fakeRendererDir } from '../support/host.ts';
import { defaultSeed, startSimApp, until } from '../support/sim-app.ts';
import { memoryLogger } from '../support/test-log.ts';
import { startScratchReceiver } from '../support/webhooks.ts';
import { startWebHost, type WebHostProcess } from '../support/web-host-process.ts';
import { HOSTILE_FRAMES, rawRequest } from './security.ts';

const tmp = (prefix: string): string => mkdtempSync(path.join(tmpdir(), prefix));

// ---- 1. no bridge frame ends the process ----------------------------------------------------

describe('bridge: nothing a client sends can end the process', () => {
  const appInfo = {
    name: 'Switchboard',
    version: '1',
    host: 'browser-host',
    platform: 'linux',
    versions: { node: '24', electron: null, chrome: null },
  };

  /** A name whose every conversion to a primitive throws. */
  const throwing = (): object => ({
    toString() {
      throw new Error('toString called');
    },
    valueOf() {
      throw new Error('valueOf called');
    },
  });
  const everyTrapThrows = new Proxy(
    {},
    {
      get() {
        throw new Error('get trap');
      },
      has() {
        throw new Error('has trap');
      },
      ownKeys() {
        throw new Error('ownKeys trap');
      },
      getPrototypeOf() {
        throw new Error('getPrototypeOf trap');
      },
      getOwnPropertyDescriptor() {
        throw new Error('getOwnPropertyDescriptor trap');
      },
    },
  );
  const hostileNames: [string, unknown][] = [
    ['an object whose toString is not a function', { toString: 1 }],
    ['an object whose toString and valueOf are not functions', { toString: 1, valueOf: 1 }],
    ['an object whose toString and valueOf throw', throwing()],
    ['an object with no prototype', Object.create(null) as unknown],
    ['a proxy whose every trap throws', everyTrapThrows],
    ['a symbol', Symbol('getAppInfo')],
    ['an array holding a request name', ['getAppInfo']],
    ['a function', () => 'getAppInfo'],
    ['a bigint', 10n],
    ['null', null],
    ['undefined', undefined],
    ['"__proto__"', '__proto__'],
    ['"constructor"', 'constructor'],
    ['"toString"', 'toString'],
    ['"hasOwnProperty"', 'hasOwnProperty'],
    ['a 4 MB string', 'x'.repeat(4 * 1024 * 1024)],
  ];

  for (const redacting of [false, true]) {
    it(`the dispatcher${redacting ? ' (redacting, as main runs it)' : ''} answers unknown_request to names that are not a request`, async () => {
      const { log } = memoryLogger();
      const dispatch = createDispatcher(
        { getAppInfo: () => appInfo } as unknown as BridgeHandlers,
        log,
        redacting ? { redact: (t) => t } : {},
      );
      for (const [label, name] of hostileNames) {
        const res = await dispatch(name, {}).catch((err: unknown) => ({ threw: String((err as Error)?.message ?? err) }));
        expect({ label, res }).toMatchObject({ label, res: { ok: false, error: { code: 'unknown_request' } } });
        const message = (res as { error: { message: string } }).error.message;
        expect(message, label).toMatch(/^Unknown bridge request/);
        expect(message.length, label).toBeLessThan(200);
      }
      // And it still answers a real request.
      expect(await dispatch('getAppInfo', {})).toMatchObject({ ok: true, result: { name: 'Switchboard' } });
    });
  }

  it('the dispatcher answers hostile params and handler failures of any type with an error, never a rejection', async () => {
    const { log } = memoryLogger();
    const handlers = {
      getAppInfo: () => appInfo,
      getCallingSettings: () => {
        // A failure whose conversion to text throws.
        throw Object.create(null);
      },
      getAccount: () => {
        throw { toString: 1 };
      },
    } as unknown as BridgeHandlers;
    const dispatch = createDispatcher(handlers, log, { redact: (t) => t });
    const settle = (p: Promise<unknown>): Promise<unknown> => p.catch((err: unknown) => ({ rejected: String((err as Error)?.message) }));
    expect(await settle(dispatch('getAppInfo', everyTrapThrows))).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await settle(dispatch('getAppInfo', { toString: 1 }))).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await settle(dispatch('getAppInfo', [[[[]]]]))).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await settle(dispatch('getCallingSettings', {}))).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(await settle(dispatch('getAccount', {}))).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  describe('through the real browser host process (npm run web)', () => {
    let host: WebHostProcess | null = null;
    afterEach(async () => {
      await host?.stop();
      host = null;
    });

    /** Opens the bridge as the page does: the per-launch secret from the URL's fragment, our own Origin. */
    async function open(url: string): Promise<WebSocket> {
      const u = new URL(url);
      const secret = new URLSearchParams(u.hash.slice(1)).get('secret') ?? '';
      const ws = new WebSocket(`ws://${u.host}/bridge?secret=${encodeURIComponent(secret)}`, { headers: { Origin: u.origin } });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      return ws;
    }

    /** Sends one frame and resolves with the next answer (pushed events are skipped), or a note when none came. */
    function answer(ws: WebSocket, text: string): Promise<{ id: unknown; response: { ok: boolean; error?: { code: string } } } | string> {
      return new Promise((resolve) => {
        const done = (v: { id: unknown; response: { ok: boolean; error?: { code: string } } } | string): void => {
          clearTimeout(timer);
          ws.off('message', onMessage);
          ws.off('close', onClose);
          resolve(v);
        };
        const onMessage = (data: Buffer): void => {
          const frame = JSON.parse(data.toString('utf8')) as { id?: unknown; response?: { ok: boolean; error?: { code: string } } };
          if (frame.response) done({ id: frame.id, response: frame.response });
        };
        const onClose = (code: number): void => done(`connection closed (${code}) without an answer`);
        const timer = setTimeout(() => done('no answer within 5 s'), 5000);
        ws.on('message', onMessage);
        ws.on('close', onClose);
        ws.send(text);
      });
    }

    it('answers every hostile frame with an error and keeps serving this connection and new ones', { timeout: 60_000 }, async () => {
      host = await startWebHost({
        extraArgs: [
          '--renderer-dir',
          fakeRendererDir(),
          '--secrets',
          'memory',
          '--tunnel-host',
          'http://127.0.0.1:1',
          '--log-level',
          'warn',
        ],
      });
      const ws = await open(host.url);
      for (const f of HOSTILE_FRAMES) {
        const got = await answer(ws, f.text);
        expect({ frame: f.name, got, hostExit: host.child.exitCode }).toMatchObject({
          frame: f.name,
          got: { id: null, response: { ok: false, error: { code: f.code } } },
          hostExit: null,
        });
      }
      // Ids of other types are not echoed; the request itself is still served.
      expect(await answer(ws, '{"id":{"toString":1},"name":"getAppInfo"}')).toMatchObject({ id: null, response: { ok: true } });
      expect(await answer(ws, '{"id":7,"name":"getAppInfo"}')).toMatchObject({ id: 7, response: { ok: true } });
      const fresh = await open(host.url);
      expect(await answer(fresh, '{"id":"a","name":"getAppInfo"}')).toMatchObject({ id: 'a', response: { ok: true } });
      fresh.close();
      ws.close();
      expect(host.child.exitCode).toBeNull();
      expect(host.output()).not.toMatch(/TypeError|Cannot convert object to primitive value/);
    });
  });
});

// ---- 2. the renderer file server stays inside its folder ------------------------------------

describe('renderer files: symlinks out of the folder are refused', () => {
  function rendererWithLinks(): { root: string; outsideSecret: string } {
    const outside = tmp('sb-outside-');
    const outsideSecret = 'outside-secret-0123456789';
    writeFileSync(path.join(outside, 'secret.js'), outsideSecret);
    writeFileSync(path.join(outside, 'index.html'), `<p>${outsideSecret}</p>`);
    const root = fakeRendererDir();
    symlinkSync(path.join(outside, 'secret.js'), path.join(root, 'assets', 'leak.js'));
    symlinkSync(outside, path.join(root, 'linked'));
    // A link that stays inside the folder is fine.
    symlinkSync(path.join(root, 'assets', 'app.js'), path.join(root, 'assets', 'alias.js'));
    return { root, outsideSecret };
  }

  it('serves 404 for a symlinked file or directory that leads outside, 200 for files inside', async () => {
    const { root, outsideSecret } = rendererWithLinks();
    for (const p of ['/assets/leak.js', '/linked/secret.js', '/linked/index.html']) {
      const file = await loadRendererFile(root, p);
      expect({ p, status: file.status }).toEqual({ p, status: 404 });
      expect(file.body.toString()).not.toContain(outsideSecret);
    }
    expect((await loadRendererFile(root, '/assets/app.js')).status).toBe(200);
    expect((await loadRendererFile(root, '/assets/alias.js')).status).toBe(200);
    expect((await loadRendererFile(root, '/')).status).toBe(200);
    // A renderer folder that is itself reached through a symlink still serves its own files.
    const viaLink = path.join(tmp('sb-link-'), 'renderer');
    symlinkSync(root, viaLink);
    expect((await loadRendererFile(viaLink, '/assets/app.js')).status).toBe(200);
    expect((await loadRendererFile(viaLink, '/assets/leak.js')).status).toBe(404);
  });

  it('the browser host answers 404 over HTTP for the same links', async () => {
    const { root, outsideSecret } = rendererWithLinks();
    const { log } = memoryLogger();
    const services = await startAppServices({
      dataDir: tmp('sb-data-'),
      version: '0.0.0-test',
      host: 'browser-host',
      log,
      secrets: new MemorySecrets(),
      configStore: confFactory,
      webhookPort: 0,
    });
    let host: BrowserHost | null = null;
    try {
      host = await startBrowserHost({ services, rendererDir: root, port: 0, log });
      const get = (p: string) => rawRequest(host!.port, `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${host!.port}\r\nConnection: close\r\n\r\n`);
      for (const p of ['/assets/leak.js', '/linked/secret.js']) {
        const r = await get(p);
        expect({ p, status: r.status }).toEqual({ p, status: 404 });
        expect(r.body).not.toContain(outsideSecret);
      }
      expect((await get('/assets/app.js')).status).toBe(200);
    } finally {
      await host?.close();
      await services.close();
    }
  });
});

// ---- 3. the data dir is private to this user ------------------------------------------------

/** Every entry under `dir` (and `dir` itself) with its permission bits, symlinks not followed. */
function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = { '.': (statSync(dir).mode & 0o777).toString(8) };
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isSymbolicLink()) continue;
      out[r] = (lstatSync(path.join(dir, r)).mode & 0o777).toString(8);
      if (e.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}
const privateModes = (m: Record<string, string>, dir: string): Record<string, string> =>
  Object.fromEntries(Object.keys(m).map((k) => [k, k === '.' || lstatSync(path.join(dir, k)).isDirectory() ? '700' : '600']));

describe.skipIf(process.platform === 'win32')('data dir: only this user can read it', () => {
  const opened: AppServices[] = [];
  let umask: number | null = null;
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    if (umask !== null) process.umask(umask);
    umask = null;
  });
  /** The usual umask, which lets every user read new files unless the app says otherwise. */
  const permissiveUmask = (): void => {
    umask = process.umask(0o022);
  };
  const start = async (dataDir: string): Promise<AppServices> => {
    const s = await startAppServices({
      dataDir,
      version: '0.0.0-test',
      host: 'browser-host',
      log: memoryLogger().log,
      secrets: new MemorySecrets(),
      configStore: confFactory,
      webhookPort: 0,
      localtunnelHost: 'http://127.0.0.1:1',
      networkWatchIntervalMs: 0,
    });
    opened.push(s);
    return s;
  };

  it('creates a new data dir 0700 and the database, its WAL and the config 0600', async () => {
    permissiveUmask();
    const dataDir = path.join(tmp('sb-modes-'), 'new', 'data');
    const s = await start(dataDir);
    // Write the config, a row, and a cached media file the way the app does.
    expect(await s.dispatch('setCallPreferences', { preAccept: false })).toMatchObject({ ok: true });
    s.threads.contactFor({ waId: '15550001111', userId: null, parentUserId: null, profileName: 'Ana', username: null });
    const m = modes(dataDir);
    expect(Object.keys(m)).toEqual(
      expect.arrayContaining(['.', 'config.json', 'switchboard.db', 'switchboard.db-wal', 'switchboard.db-shm']),
    );
    expect(m).toEqual(privateModes(m, dataDir));
    expect((statSync(path.dirname(dataDir)).mode & 0o777).toString(8)).toBe('700');
  });

  it('makes an existing data dir left at 755/644 private on start, without following symlinks', async () => {
    permissiveUmask();
    const dataDir = tmp('sb-modes-');
    openDatabase(dataDir).close();
    writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ version: 1 }));
    writeFileSync(path.join(dataDir, 'config.json.invalid-2026-01-01T00-00-00-000Z'), '{');
    mkdirSync(path.join(dataDir, 'media', 'nested'), { recursive: true });
    writeFileSync(path.join(dataDir, 'media', 'm1'), 'bytes');
    writeFileSync(path.join(dataDir, 'media', 'm1.json'), '{}');
    writeFileSync(path.join(dataDir, 'media', 'nested', 'm2'), 'bytes');
    mkdirSync(path.join(dataDir, 'logs'));
    writeFileSync(path.join(dataDir, 'logs', 'switchboard.log'), 'line\n');
    const outside = path.join(tmp('sb-outside-'), 'not-ours.txt');
    writeFileSync(outside, 'x');
    chmodSync(outside, 0o644);
    symlinkSync(outside, path.join(dataDir, 'media', 'link-out'));
    symlinkSync(path.dirname(outside), path.join(dataDir, 'linked-dir'));
    const loosen = (rel: string): void => {
      const abs = path.join(dataDir, rel);
      if (lstatSync(abs).isSymbolicLink()) return;
      chmodSync(abs, lstatSync(abs).isDirectory() ? 0o755 : 0o644);
      if (lstatSync(abs).isDirectory()) for (const e of readdirSync(abs)) loosen(path.join(rel, e));
    };
    loosen('');
    expect(modes(dataDir)['config.json']).toBe('644');

    const s = await start(dataDir);
    expect(await s.dispatch('getAppInfo', {})).toMatchObject({ ok: true });
    const m = modes(dataDir);
    expect(Object.keys(m)).toEqual(
      expect.arrayContaining(['.', 'config.json', 'switchboard.db', 'media/nested/m2', 'logs/switchboard.log']),
    );
    expect(m).toEqual(privateModes(m, dataDir));
    // The link's target is not ours to change.
    expect((statSync(outside).mode & 0o777).toString(8)).toBe('644');
    expect((statSync(path.dirname(outside)).mode & 0o777).toString(8)).toBe('700'); // mkdtemp's own
    expect(readFileSync(outside, 'utf8')).toBe('x');
  });

  it('keeps a downloaded photo in a media cache folder 0700, its files 0600', async () => {
    permissiveUmask();
    const app = await startSimApp({ timeFactor: 100 });
    try {
      const s = app.services;
      const dataDir = path.dirname(s.config.path);
      const ana = defaultSeed.users[0]!;
      const sent = await fetch(`${app.creds.controlUrl}/users/${ana.wa_id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'image', caption: 'the receipt' }),
      });
      expect(sent.status).toBe(201);
      const thread = await until('thread', () => s.threads.listThreads()[0]);
      const item = s.threads.timeline(thread.id)[0]!;
      expect(await s.dispatch('getMedia', { itemId: item.id })).toMatchObject({ ok: true, result: { mimeType: 'image/png' } });
      const m = modes(dataDir);
      expect(Object.keys(m).filter((k) => k.startsWith('media')).length).toBeGreaterThanOrEqual(3);
      expect(m).toEqual(privateModes(m, dataDir));
    } finally {
      await app.close();
    }
  });

  it('never locks others out of a shared folder it is pointed at (sticky bit, like /tmp); its own files there are still 0600', async () => {
    permissiveUmask();
    const shared = tmp('sb-shared-');
    chmodSync(shared, 0o1777);
    const s = await start(shared);
    expect(await s.dispatch('setCallPreferences', { preAccept: false })).toMatchObject({ ok: true });
    expect((statSync(shared).mode & 0o7777).toString(8)).toBe('1777');
    const m = modes(shared);
    delete m['.'];
    expect(m).toEqual(privateModes(m, shared));
  });

  it('writes the log folder 0700 and log files 0600, and tightens a log file left at 0644', () => {
    permissiveUmask();
    const dir = path.join(tmp('sb-logs-'), 'logs');
    const sink = new RotatingFileSink({ dir, maxBytes: 10 });
    sink.write('first line of the log\n');
    sink.write('second line, after a rotation\n');
    expect(modes(dir)).toEqual({ '.': '700', 'switchboard.log': '600', 'switchboard.1.log': '600' });
    chmodSync(path.join(dir, 'switchboard.log'), 0o644);
    chmodSync(dir, 0o755);
    new RotatingFileSink({ dir }).write('again\n');
    expect(modes(dir)).toEqual({ '.': '700', 'switchboard.log': '600', 'switchboard.1.log': '600' });
  });
});

// ---- 4. secrets travel only over https (or stay on this computer) ---------------------------

describe('secure server URLs: http:// only for this computer', () => {
  const rule = () => import('../../common/rules/secure-url.ts');
  const GRAPH = 'The Graph server URL must use https:// (http:// is allowed only for this computer, e.g. the simulator)';

  it('accepts https anywhere and http on loopback; refuses http elsewhere, look-alike hosts and user-info tricks', async () => {
    const { secureUrlProblem } = await rule();
    for (const ok of [
      'https://graph.facebook.com',
      'https://graph.facebook.com/',
      'https://10.0.0.5:8443',
      'http://127.0.0.1:4010',
      'http://127.1.2.3',
      'http://localhost',
      'http://localhost:5280/',
      'http://LOCALHOST:80',
      'http://[::1]:4010',
      'http://[0:0:0:0:0:0:0:1]',
    ])
      expect({ url: ok, problem: secureUrlProblem(ok, 'the Graph server URL') }).toEqual({ url: ok, problem: null });
    for (const bad of [
      'http://example.com',
      'http://graph.facebook.com',
      'http://10.0.0.5',
      'http://192.168.1.10:4010',
      'http://0.0.0.0:4010',
      'http://127.0.0.1.evil.com',
      'http://localhost.evil.com',
      'http://evil.localhost.com',
      'http://127.0.0.1@evil.com',
      'http://localhost:4010@evil.com',
      'http://[::ffff:7f00:1]@evil.com',
      'http://[::2]',
      'http://[fe80::1]',
    ])
      expect({ url: bad, problem: secureUrlProblem(bad, 'the Graph server URL') }).toEqual({ url: bad, problem: GRAPH });
    // Neither a web address nor one with a user name and password is ever acceptable.
    expect(secureUrlProblem('ftp://graph.example.com', 'the Graph server URL')).toMatch(/must start with https:\/\//);
    expect(secureUrlProblem('not a url', 'the Graph server URL')).toMatch(/not a web address/);
    expect(secureUrlProblem('https://user:pw@graph.facebook.com', 'the Graph server URL')).toMatch(/user name and password/);
    expect(secureUrlProblem('http://user@127.0.0.1:4010', 'the Graph server URL')).toMatch(/user name and password/);
  });

  describe('where the app takes such an address', () => {
    const opened: AppServices[] = [];
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });
    const start = async (dataDir: string, fetched: string[] = [], secrets = new MemorySecrets()): Promise<AppServices> => {
      const s = await startAppServices({
        dataDir,
        version: '0.0.0-test',
        host: 'browser-host',
        log: memoryLogger().log,
        secrets,
        configStore: confFactory,
        webhookPort: 0,
        localtunnelHost: 'http://127.0.0.1:1',
        networkWatchIntervalMs: 0,
        fetch: (async (input: string | URL | Request) => {
          fetched.push(String(input instanceof Request ? input.url : input));
          throw new TypeError('fetch failed');
        }) as typeof fetch,
      });
      opened.push(s);
      return s;
    };
    const connectParams = (graphBaseUrl: string) => ({
      graphBaseUrl,
      apiVersion: 'v25.0',
      accessToken: 'EAAsecretTOKEN0123456789abcdef',
      appSecret: 'appsecret0123456789abcdef',
      appId: '1234567890',
      wabaId: '2234567890',
      phoneNumberId: '3234567890',
      saveAnyway: true,
    });

    it('connectAccount with an http:// Graph server off this computer says why, sends nothing and stores nothing', async () => {
      const dataDir = tmp('sb-url-');
      const fetched: string[] = [];
      const secrets = new MemorySecrets();
      const s = await start(dataDir, fetched, secrets);
      const res = await s.dispatch('connectAccount', connectParams('http://graph.example.com'));
      expect(res).toEqual({ ok: true, result: { saved: false, fieldErrors: { graphBaseUrl: GRAPH }, steps: [], phone: null } });
      expect(fetched).toEqual([]);
      expect(s.config.get().account).toBeNull();
      for (const name of ['accessToken', 'appSecret', 'verifyToken'] as const) expect(await secrets.get(name)).toBeNull();
      expect(readFileSync(path.join(dataDir, 'config.json'), 'utf8')).not.toContain('graph.example.com');
      // The same form with the simulator's loopback address is taken (and tried).
      const loopback = await s.dispatch('connectAccount', { ...connectParams('http://127.0.0.1:9'), saveAnyway: false });
      expect(loopback).toMatchObject({ ok: true, result: { fieldErrors: {} } });
      expect(fetched.length).toBeGreaterThan(0);
      expect(fetched.every((u) => u.startsWith('http://127.0.0.1:9/'))).toBe(true);
    });

    it('setTunnel refuses an http:// tunnel server off this computer with the rule, keeps one on loopback', async () => {
      const s = await start(tmp('sb-url-'));
      const refused = await s.dispatch('setTunnel', { provider: 'localtunnel', subdomain: null, host: 'http://tunnel.example.com' });
      expect(refused).toMatchObject({
        ok: false,
        error: {
          code: 'invalid_params',
          message: 'host: The tunnel server address must use https:// (http:// is allowed only for this computer, e.g. the simulator)',
        },
      });
      expect(s.config.get().tunnel.host).toBeNull();
      expect(await s.dispatch('setTunnel', { provider: 'localtunnel', subdomain: null, host: 'http://127.0.0.1:1' })).toMatchObject({
        ok: true,
      });
      expect(s.config.get().tunnel.host).toBe('http://127.0.0.1:1');
      await s.connection.stop();
    });

    it('a settings file naming an http:// Graph server off this computer is set aside, never used', async () => {
      const dataDir = tmp('sb-url-');
      const account = {
        graphBaseUrl: 'http://graph.example.com',
        apiVersion: 'v25.0',
        appId: '1234567890',
        wabaId: '2234567890',
        phoneNumberId: '3234567890',
      };
      writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ version: 1, account }));
      const fetched: string[] = [];
      const secrets = new MemorySecrets();
      await secrets.set('accessToken', 'EAAsecretTOKEN0123456789abcdef');
      await secrets.set('appSecret', 'appsecret0123456789abcdef');
      const s = await start(dataDir, fetched, secrets);
      expect(s.config.get().account).toBeNull();
      expect(s.config.problem).toContain('The Graph server URL must use https://');
      expect(fetched).toEqual([]);
    });

    it('the browser host refuses --tunnel-host http:// off this computer, takes it on loopback', async () => {
      const { parseWebHostArgs } = await import('../../main/host/web-host.ts');
      expect(() => parseWebHostArgs(['--data-dir', '/tmp/x', '--tunnel-host', 'http://tunnel.example.com'])).toThrow(
        /--tunnel-host: The tunnel server address must use https:\/\//,
      );
      expect(parseWebHostArgs(['--data-dir', '/tmp/x', '--tunnel-host', 'http://127.0.0.1:4011']).tunnelHost).toBe('http://127.0.0.1:4011');
      expect(parseWebHostArgs(['--data-dir', '/tmp/x', '--tunnel-host', 'https://lt.example.com']).tunnelHost).toBe(
        'https://lt.example.com',
      );
    });

    it('the localtunnel provider refuses an http:// server off this computer however it is configured', async () => {
      const { checkLocaltunnelOptions } = await import('../../main/reachability/localtunnel-provider.ts');
      expect(() => checkLocaltunnelOptions({ host: 'http://tunnel.example.com' })).toThrow(
        'The tunnel server address must use https:// (http:// is allowed only for this computer, e.g. the simulator)',
      );
      expect(() => checkLocaltunnelOptions({ host: 'http://127.0.0.1@tunnel.example.com' })).toThrow();
      expect(checkLocaltunnelOptions({ host: 'http://127.0.0.1:4011' }).host).toBe('http://127.0.0.1:4011');
    });
  });
});

describe('media downloads: the access token never travels unencrypted or to another origin', () => {
  const graph = { request: () => Promise.reject(new Error('not used')) } as unknown as Parameters<typeof whatsappMedia>[0];

  it('refuses an http:// download address off this computer before sending anything', async () => {
    await expect(whatsappMedia(graph).download('http://media.example.com/file?id=1', 'TOKEN-123')).rejects.toThrow(MediaDownloadRefused);
  });

  it('follows a redirect to another origin without the token, and refuses one to http:// elsewhere', async () => {
    const seen: Array<{ server: string; auth: string | null }> = [];
    const other = createServer((req, res) => {
      seen.push({ server: 'other', auth: req.headers.authorization ?? null });
      res.end('bytes');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherPort = (other.address() as AddressInfo).port;
    const first = createServer((req, res) => {
      seen.push({ server: 'first', auth: req.headers.authorization ?? null });
      const to = req.url === '/to-other' ? `http://localhost:${otherPort}/file` : 'http://evil.example.com/steal';
      res.writeHead(302, { location: to }).end();
    });
    await new Promise<void>((r) => first.listen(0, '127.0.0.1', r));
    const firstPort = (first.address() as AddressInfo).port;
    try {
      const res = await whatsappMedia(graph).download(`http://127.0.0.1:${firstPort}/to-other`, 'TOKEN-123');
      expect(await res.text()).toBe('bytes');
      expect(seen).toEqual([
        { server: 'first', auth: 'Bearer TOKEN-123' },
        { server: 'other', auth: null },
      ]);
      await expect(whatsappMedia(graph).download(`http://127.0.0.1:${firstPort}/to-evil`, 'TOKEN-123')).rejects.toThrow(/must use https/);
    } finally {
      first.close();
      other.close();
    }
  });
});

describe('webhook receiver: a refused body is not read', () => {
  /** Streams `body` bytes of zeros after `head` for up to `ms`; says what came back and how much the server took. */
  function flood(port: number, head: string, ms: number): Promise<{ status: number | null; closedAfterMs: number | null; sentMB: number }> {
    return new Promise((resolve) => {
      const started = Date.now();
      const sock = connect(port, '127.0.0.1');
      const chunk = Buffer.alloc(256 * 1024);
      let sent = 0;
      let answer = '';
      let closedAfterMs: number | null = null;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.destroy();
        const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
        resolve({ status: m ? Number(m[1]) : null, closedAfterMs, sentMB: Math.round(sent / 1048576) });
      };
      const timer = setTimeout(finish, ms);
      const pump = (): void => {
        while (!done && sock.writable) {
          sent += chunk.length;
          if (!sock.write(chunk)) return;
        }
      };
      sock.on('data', (d: Buffer) => (answer += d.toString('latin1')));
      sock.on('drain', pump);
      sock.on('close', () => {
        closedAfterMs = Date.now() - started;
        finish();
      });
      sock.on('error', () => undefined);
      sock.write(head, pump);
    });
  }

  let receiver: WebhookReceiver | null = null;
  afterEach(async () => {
    await receiver?.close();
    receiver = null;
  });

  it('answers 413 and closes the connection, declared or chunked, instead of reading gigabytes', async () => {
    receiver = await startScratchReceiver();
    const host = `Host: 127.0.0.1:${receiver.port}\r\nContent-Type: application/json\r\n`;
    const declared = await flood(receiver.port, `POST /webhook HTTP/1.1\r\n${host}Content-Length: 100000000000\r\n\r\n`, 8000);
    const chunked = await flood(receiver.port, `POST /webhook HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\n4000000\r\n`, 8000);
    for (const r of [declared, chunked]) {
      expect(r.status).toBe(413);
      expect(r.closedAfterMs).not.toBeNull();
      expect(r.closedAfterMs!).toBeLessThan(5000);
      expect(r.sentMB).toBeLessThan(200);
    }
  });
});
