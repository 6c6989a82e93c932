import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import WebSocket from 'ws';
import { startTestHost } from '../../support/host.ts';
import { CONTENT_SECURITY_POLICY, resolveRendererPath } from '../../../main/renderer-files.ts';

type Started = Awaited<ReturnType<typeof startTestHost>>;
let started: Started | null = null;
afterEach(async () => {
  await started?.close();
  started = null;
});

function get(
  port: number,
  urlPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket and resolves with the handshake outcome (status code when refused). */
function connect(url: string, origin: string | undefined): Promise<{ ws: WebSocket | null; status: number | null }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.once('open', () => resolve({ ws, status: null }));
    ws.once('unexpected-response', (_req, res) => resolve({ ws: null, status: res.statusCode ?? -1 }));
    ws.once('error', () => resolve({ ws: null, status: -1 }));
  });
}

function call(
  ws: WebSocket,
  frame: unknown,
): Promise<{ id: unknown; response: { ok: boolean; result?: unknown; error?: { code: string; message: string } } }> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data))));
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
}

describe('browser host: static files', () => {
  it('serves the renderer with the CSP and refuses path traversal', async () => {
    started = await startTestHost();
    const { port } = started.host;
    const index = await get(port, '/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<div id="app">');
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect((await get(port, '/assets/app.js')).headers['content-type']).toMatch(/javascript/);
    expect((await get(port, '/../../../../etc/passwd')).body).not.toContain('root:');
    expect((await get(port, '/%2e%2e/%2e%2e/etc/passwd')).body).not.toContain('root:');
    expect((await get(port, '/assets/missing.js')).status).toBe(404);
  });

  it('refuses a request for another host name (DNS rebinding)', async () => {
    started = await startTestHost();
    const res = await get(started.host.port, '/', { host: 'evil.example.com' });
    expect(res.status).toBe(403);
  });

  it('keeps every resolved path inside the renderer folder', () => {
    const root = '/srv/renderer';
    expect(resolveRendererPath(root, '/')).toBe('/srv/renderer/index.html');
    expect(resolveRendererPath(root, '/settings')).toBe('/srv/renderer/index.html');
    expect(resolveRendererPath(root, '/assets/a.js')).toBe('/srv/renderer/assets/a.js');
    for (const bad of ['/%00.js', '/..%5c..%5cwin.ini', '/%E0%A4%A']) expect(resolveRendererPath(root, bad), bad).toBeNull();
    for (const p of ['/../x.js', '/a/../../x.js', '/%2e%2e/x.js']) {
      const r = resolveRendererPath(root, p);
      expect(r === null || r.startsWith('/srv/renderer/'), p).toBe(true);
    }
  });
});

describe('browser host: bridge WebSocket', () => {
  it('serves the contract to its own page with the secret', async () => {
    started = await startTestHost();
    const { port, secret } = started.host;
    const { ws } = await connect(`ws://127.0.0.1:${port}/bridge?secret=${encodeURIComponent(secret)}`, `http://127.0.0.1:${port}`);
    expect(ws).not.toBeNull();
    const reply = await call(ws!, { id: 7, name: 'getAppInfo', params: {} });
    expect(reply).toMatchObject({ id: 7, response: { ok: true, result: { version: '0.0.0-test', host: 'browser-host' } } });
    ws!.close();
  });

  it('refuses a connection without the secret or with a wrong one (401)', async () => {
    started = await startTestHost();
    const { port } = started.host;
    const origin = `http://127.0.0.1:${port}`;
    expect((await connect(`ws://127.0.0.1:${port}/bridge`, origin)).status).toBe(401);
    expect((await connect(`ws://127.0.0.1:${port}/bridge?secret=guess`, origin)).status).toBe(401);
    expect(started.logEvents()).toContain('bridge.ws.refused');
  });

  it('refuses a foreign or missing Origin even with the secret (403)', async () => {
    started = await startTestHost();
    const { port, secret } = started.host;
    const url = `ws://127.0.0.1:${port}/bridge?secret=${encodeURIComponent(secret)}`;
    expect((await connect(url, 'https://evil.example.com')).status).toBe(403);
    expect((await connect(url, `http://127.0.0.1:${port + 1}`)).status).toBe(403);
    expect((await connect(url, undefined)).status).toBe(403);
  });

  it('refuses unknown requests, bad payloads and garbage frames without dropping the connection', async () => {
    started = await startTestHost();
    const { port, secret } = started.host;
    const { ws } = await connect(`ws://127.0.0.1:${port}/bridge?secret=${encodeURIComponent(secret)}`, `http://localhost:${port}`);
    expect((await call(ws!, { id: 1, name: 'readSecrets', params: {} })).response.error?.code).toBe('unknown_request');
    expect((await call(ws!, { id: 2, name: 'getStatus', params: { x: 1 } })).response.error?.code).toBe('invalid_params');
    expect((await call(ws!, '{not json')).response.error?.code).toBe('invalid_params');
    expect((await call(ws!, { id: 3, name: 'getStatus', params: {} })).response.ok).toBe(true);
    ws!.close();
  });

  it('pushes status events to connected pages', async () => {
    started = await startTestHost();
    const { port, secret } = started.host;
    const { ws } = await connect(`ws://127.0.0.1:${port}/bridge?secret=${encodeURIComponent(secret)}`, `http://127.0.0.1:${port}`);
    const got = new Promise<unknown>((resolve) => ws!.once('message', (d) => resolve(JSON.parse(String(d)))));
    const status = started.services.status();
    started.services.events.emit('status', status);
    expect(await got).toEqual({ event: 'status', payload: status });
    ws!.close();
  });
});
