/**
 * The security checks suite, end to end against the real browser host process
 * (`main/host/web-host.ts`, secrets in memory) connected to the Cloud API simulator through a
 * loopback tunnel and a Graph proxy that can turn hostile.
 *
 *   node test/reliability/security.ts [--keep]        (npm run security runs it under Vitest, plus the browser spec)
 *
 * What it tries, and what must hold:
 *  1. Webhook port: ≥ 50 raw HTTP requests (paths, encodings, methods, absolute-form targets,
 *     HTTP/1.0, huge and hostile headers, Host games). Only the verification GET with the right
 *     token and a correctly signed POST get 200; everything else a plain 400/401/403/404/405/413/431
 *     with a short text body, no stack trace, no Server/X-Powered-By banner, no CORS headers.
 *  2. Bridge WebSocket: upgrades without the secret, with a wrong one, one of the wrong length,
 *     the right one with a foreign/missing Origin or a foreign Host are refused (401/403/404)
 *     while the right combination is accepted (101); a connected client that sends garbage frames
 *     gets a specific error for each, and the host keeps serving it and others.
 *  3. Secrets: distinctive access token, app secret and TURN credential (plus the verify token the
 *     app generates) — after using the app for real (connect, webhooks, messages, media, a call,
 *     exports, diagnostics, Graph errors that echo the token) none of them, raw or base64 /
 *     base64url / URL-encoded, is in any file under the data dir, the host's stdout/stderr, the
 *     diagnostics bundle or any frame main sent over the bridge. The TURN credential is the one
 *     documented exception on the bridge: the renderer needs it to build its RTCPeerConnection.
 *
 * Prints one line per area ("tried N, held N") and every failure; exits 1 when anything failed.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { createSimulator, type Simulator } from '../sim/simulator.ts';
import { startTunnelServer, type TunnelServer } from '../support/tunnel-server.ts';
import { startWebHost, type WebHostProcess } from '../support/web-host-process.ts';
import { defaultSeed } from '../support/sim-app.ts';
import { until } from '../support/until.ts';

export interface Check {
  area: 'webhook' | 'bridge' | 'secrets';
  name: string;
  held: boolean;
  detail: string;
}

export interface SecurityReport {
  checks: Check[];
  /** What the secrets scan looked at. */
  scanned: {
    files: string[];
    bytes: number;
    framesFromMain: number;
    framesToMain: number;
    outputBytes: number;
    diagnosticsBytes: number;
    needles: number;
  };
  /** What the run did with the app before scanning (so a reader can see it was used for real). */
  usage: string[];
}

// ---- small helpers ---------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface RawResponse {
  /** null when the server closed the connection without answering. */
  status: number | null;
  headers: Record<string, string>;
  body: string;
  raw: string;
}

/** Sends raw bytes on a fresh TCP connection and reads until the server closes it (or 4 s). */
export function rawRequest(port: number, bytes: Buffer | string, waitMs = 4000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = (): void => {
      clearTimeout(timer);
      sock.destroy();
      const raw = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(raw);
      const headEnd = raw.indexOf('\r\n\r\n');
      const headers: Record<string, string> = {};
      if (m && headEnd > 0) {
        for (const line of raw.slice(m[0].length, headEnd).split('\r\n')) {
          const i = line.indexOf(':');
          if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
        }
      }
      resolve({ status: m ? Number(m[1]) : null, headers, body: headEnd > 0 ? raw.slice(headEnd + 4) : '', raw });
    };
    const timer = setTimeout(finish, waitMs);
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('end', finish);
    sock.on('error', finish);
    sock.on('close', finish);
    sock.write(bytes);
  });
}

function sign(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

// ---- the Graph proxy that can turn hostile --------------------------------------------------

interface GraphProxy {
  url: string;
  /** While set, Graph answers echo the secrets back (as Meta's errors and paging URLs sometimes do). */
  hostile: boolean;
  hostileAnswers: number;
  close(): Promise<void>;
}

async function startGraphProxy(target: string, secrets: { accessToken: string; appSecret: string }): Promise<GraphProxy> {
  const t = new URL(target);
  const state = { hostile: false, hostileAnswers: 0 };
  const tokenUrl = `https://graph.facebook.com/v25.0/me?access_token=${encodeURIComponent(secrets.accessToken)}&appsecret_proof=${secrets.appSecret}`;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (state.hostile && !(req.url ?? '').includes('/_sim')) {
        state.hostileAnswers++;
        const json = {
          error: {
            message: `(#190) Malformed access token ${secrets.accessToken} (app secret ${secrets.appSecret}); see ${tokenUrl}`,
            type: 'OAuthException',
            code: 131000,
            error_user_msg: `Token ${secrets.accessToken} rejected`,
            error_data: {
              messaging_product: 'whatsapp',
              details: `Request ${tokenUrl} failed for ${secrets.appSecret} / ${Buffer.from(secrets.accessToken).toString('base64')}`,
            },
            fbtrace_id: `trace-${secrets.accessToken}`,
          },
        };
        res.writeHead(500, { 'content-type': 'application/json', 'www-authenticate': `Bearer realm="${secrets.accessToken}"` });
        res.end(JSON.stringify(json));
        return;
      }
      const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      });
      up.on('error', () => res.writeHead(502).end());
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get hostile() {
      return state.hostile;
    },
    set hostile(v: boolean) {
      state.hostile = v;
    },
    get hostileAnswers() {
      return state.hostileAnswers;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// ---- a bridge client that records every frame ----------------------------------------------

interface BridgeResponse {
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

class BridgeClient {
  readonly fromMain: string[] = [];
  readonly toMain: { text: string; carriesTypedSecrets: boolean }[] = [];
  readonly events: { event: string; payload: unknown }[] = [];
  private readonly pending = new Map<number, (r: BridgeResponse) => void>();
  private nextId = 1;
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  closedWith: number | null = null;

  constructor(appUrl: string, extra: { origin?: string } = {}) {
    const u = new URL(appUrl);
    const secret = new URLSearchParams(u.hash.slice(1)).get('secret') ?? '';
    this.ws = new WebSocket(`ws://${u.host}/bridge?secret=${encodeURIComponent(secret)}`, {
      headers: { Origin: extra.origin ?? u.origin },
      maxPayload: 64 * 1024 * 1024,
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('close', (code) => (this.closedWith = code));
    this.ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      this.fromMain.push(text);
      const frame = JSON.parse(text) as { id?: unknown; response?: BridgeResponse; event?: string; payload?: unknown };
      if (frame.event) this.events.push({ event: frame.event, payload: frame.payload });
      if (typeof frame.id === 'number' && frame.response) this.pending.get(frame.id)?.(frame.response);
      if (frame.id === null && frame.response) this.pending.get(-1)?.(frame.response);
    });
  }

  send(text: string | Buffer, carriesTypedSecrets = false): void {
    this.toMain.push({ text: text.toString(), carriesTypedSecrets });
    this.ws.send(text);
  }

  /** Sends a raw frame and waits for the next `{id: null}` error answer. */
  sendRaw(text: string | Buffer, binary = false): Promise<BridgeResponse> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to a raw frame within 5 s')), 5000);
      this.pending.set(-1, (r) => {
        clearTimeout(timer);
        this.pending.delete(-1);
        resolve(r);
      });
      this.toMain.push({ text: binary ? `<binary ${text.length} bytes>` : text.toString(), carriesTypedSecrets: false });
      this.ws.send(text, { binary });
    });
  }

  request(name: string, params: unknown = {}, opts: { carriesTypedSecrets?: boolean; timeoutMs?: number } = {}): Promise<BridgeResponse> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name}: no answer within ${(opts.timeoutMs ?? 30_000) / 1000} s`)),
        opts.timeoutMs ?? 30_000,
      );
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(r);
      });
      this.send(JSON.stringify({ id, name, params }), opts.carriesTypedSecrets ?? false);
    });
  }

  async ok<T>(name: string, params: unknown = {}, opts: { carriesTypedSecrets?: boolean; timeoutMs?: number } = {}): Promise<T> {
    const r = await this.request(name, params, opts);
    if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`);
    return r.result as T;
  }

  close(): void {
    this.ws.close();
  }
}

// ---- 1. the webhook port ----------------------------------------------------------------------

interface Probe {
  name: string;
  bytes: Buffer | string;
  /** 'ok' = must be answered 200 (the two real routes); otherwise must be refused plainly. */
  expect: 'ok' | 'refused';
  /** For 'ok': the exact body expected (the challenge). */
  body?: string;
}

const ALLOWED_REFUSALS = new Set([400, 401, 403, 404, 405, 413, 431]);
const LEAKS = /\bat [\w.<>]+ \(|node:internal|\/work\/|\.ts:\d+|Error:|stack|Express|Node\.js|v\d+\.\d+\.\d+/i;

function webhookProbes(port: number, verifyToken: string, appSecret: string): Probe[] {
  const h = `Host: 127.0.0.1:${port}\r\nConnection: close`;
  const get = (target: string, extra = ''): string => `GET ${target} HTTP/1.1\r\n${h}\r\n${extra}\r\n`;
  const verify = (token: string, challenge = 'c123', mode = 'subscribe'): string =>
    `/webhook?hub.mode=${mode}&hub.challenge=${encodeURIComponent(challenge)}&hub.verify_token=${encodeURIComponent(token)}`;
  const event = (tag: string): string =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '2000000000000002',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '5511955550100', phone_number_id: '3000000000000003' },
                contacts: [{ profile: { name: 'Probe' }, wa_id: '5511900000009' }],
                messages: [
                  {
                    from: '5511900000009',
                    id: `wamid.probe-${tag}`,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: `probe ${tag}` },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
  const post = (target: string, body: string, signature: string | null, extra = ''): string =>
    `POST ${target} HTTP/1.1\r\n${h}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${signature ? `X-Hub-Signature-256: ${signature}\r\n` : ''}${extra}\r\n${body}`;
  const good = event('signed');
  const chunkedBody = event('chunked');
  const probes: Probe[] = [
    // The two routes, done right: these must answer.
    { name: 'GET verification with the right token', bytes: get(verify(verifyToken)), expect: 'ok', body: 'c123' },
    { name: 'POST with a valid signature', bytes: post('/webhook', good, sign(good, appSecret)), expect: 'ok', body: 'OK' },
    {
      name: 'POST chunked with a valid signature',
      bytes: `POST /webhook HTTP/1.1\r\n${h}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nX-Hub-Signature-256: ${sign(chunkedBody, appSecret)}\r\n\r\n${Buffer.byteLength(chunkedBody).toString(16)}\r\n${chunkedBody}\r\n0\r\n\r\n`,
      expect: 'ok',
      body: 'OK',
    },
    {
      name: 'GET verification with a markup challenge (echoed as text/plain, nosniff)',
      bytes: get(verify(verifyToken, '<script>alert(1)</script>')),
      expect: 'ok',
      body: '<script>alert(1)</script>',
    },
  ];
  // Other paths.
  for (const p of [
    '/',
    '/webhook/',
    '/webhook/.',
    '/%77ebhook',
    '/WEBHOOK',
    '/Webhook',
    '//webhook',
    '/webhook/../webhook',
    '/x/../webhook',
    '/./webhook',
    '/webhook%2F',
    '/webhook%00',
    '/webhook;x',
    '/webhook#frag',
    '/_sim',
    '/_sim/state',
    '/admin',
    '/.env',
    '/debug',
    '/debug/pprof',
    '/bridge',
    '/index.html',
    '/favicon.ico',
    '/webhook.json',
    '/api',
    '/server-status',
    '/.git/config',
    '/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/w%C3%A9bhook',
    '/webhook%20',
    '/webhook\u00e9',
  ]) {
    probes.push({
      name: `GET ${JSON.stringify(p)}`,
      bytes: Buffer.from(get(p), p.includes('\u00e9') ? 'utf8' : 'latin1'),
      expect: 'refused',
    });
  }
  probes.push(
    {
      name: `GET ${'/x'.repeat(300)}?${'hub.verify_token=x&'.repeat(50)}`,
      bytes: get(`${'/x'.repeat(300)}?${'hub.verify_token=x&'.repeat(50)}`),
      expect: 'refused',
    },
    // The real path, but not the verification.
    { name: 'GET /webhook with no query', bytes: get('/webhook'), expect: 'refused' },
    { name: 'GET /webhook?x', bytes: get('/webhook?x'), expect: 'refused' },
    { name: 'GET verification with a wrong token', bytes: get(verify('wrong-token')), expect: 'refused' },
    { name: 'GET verification with the token minus its last character', bytes: get(verify(verifyToken.slice(0, -1))), expect: 'refused' },
    { name: 'GET verification with the token plus a character', bytes: get(verify(`${verifyToken}x`)), expect: 'refused' },
    { name: 'GET verification with mode=unsubscribe', bytes: get(verify(verifyToken, 'c', 'unsubscribe')), expect: 'refused' },
    { name: 'GET verification with a 513-character challenge', bytes: get(verify(verifyToken, 'c'.repeat(513))), expect: 'refused' },
    {
      name: 'GET verification with a wrong token first and the right one second',
      bytes: get(`/webhook?hub.mode=subscribe&hub.challenge=c&hub.verify_token=wrong&hub.verify_token=${encodeURIComponent(verifyToken)}`),
      expect: 'refused',
    },
    {
      name: 'GET verification, right token, on /webhook/',
      bytes: get(verify(verifyToken).replace('/webhook?', '/webhook/?')),
      expect: 'refused',
    },
    {
      name: 'GET verification, right token, absolute-form target',
      bytes: get(`http://127.0.0.1:${port}${verify(verifyToken)}`),
      expect: 'refused',
    },
    { name: 'GET absolute-form target on a foreign host', bytes: get(`http://evil.example/webhook`), expect: 'refused' },
    {
      name: 'GET / with Host: evil.example',
      bytes: `GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`,
      expect: 'refused',
    },
    {
      name: 'GET wrong token with Host: localhost',
      bytes: `GET ${verify('nope')} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
      expect: 'refused',
    },
    {
      name: 'GET / with two Host headers',
      bytes: `GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n`,
      expect: 'refused',
    },
    { name: 'GET / HTTP/1.1 without Host', bytes: `GET / HTTP/1.1\r\nConnection: close\r\n\r\n`, expect: 'refused' },
    { name: 'GET / HTTP/1.0', bytes: `GET / HTTP/1.0\r\n\r\n`, expect: 'refused' },
    { name: 'GET /webhook HTTP/1.0 with a wrong token', bytes: `GET ${verify('nope')} HTTP/1.0\r\n\r\n`, expect: 'refused' },
    { name: 'HTTP/0.9-style request line', bytes: `GET /\r\n\r\n`, expect: 'refused' },
    { name: 'HTTP/2 preface on the HTTP/1 port', bytes: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', expect: 'refused' },
    { name: 'NUL byte in the path', bytes: Buffer.from(`GET /web\0hook HTTP/1.1\r\n${h}\r\n\r\n`, 'latin1'), expect: 'refused' },
    { name: 'NUL byte in a header value', bytes: Buffer.from(`GET / HTTP/1.1\r\n${h}\r\nX-A: a\0b\r\n\r\n`, 'latin1'), expect: 'refused' },
    { name: 'a 32 kB header', bytes: get('/webhook', `X-Big: ${'a'.repeat(32 * 1024)}\r\n`), expect: 'refused' },
    { name: 'a 100 kB request target', bytes: get(`/webhook?${'a'.repeat(100 * 1024)}`), expect: 'refused' },
    { name: '2,000 small headers', bytes: get('/', Array.from({ length: 2000 }, (_, i) => `X-H${i}: v\r\n`).join('')), expect: 'refused' },
    {
      name: 'Upgrade: websocket on /webhook',
      bytes: get('/webhook', 'Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'),
      expect: 'refused',
    },
  );
  // Other methods on the real route.
  for (const m of ['HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'PROPFIND', 'FOO']) {
    probes.push({
      name: `${m} /webhook`,
      bytes: `${m} /webhook HTTP/1.1\r\n${h}\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\nContent-Length: 0\r\n\r\n`,
      expect: 'refused',
    });
  }
  probes.push(
    { name: 'OPTIONS *', bytes: `OPTIONS * HTTP/1.1\r\n${h}\r\n\r\n`, expect: 'refused' },
    { name: 'CONNECT 127.0.0.1:22', bytes: `CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n`, expect: 'refused' },
    {
      name: `CONNECT 127.0.0.1:${port}`,
      bytes: `CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
      expect: 'refused',
    },
    // POSTs that are not from Meta.
    { name: 'POST without a signature', bytes: post('/webhook', event('unsigned'), null), expect: 'refused' },
    { name: 'POST with a wrong signature', bytes: post('/webhook', event('wrong'), sign('x', appSecret)), expect: 'refused' },
    {
      name: 'POST signed with another secret',
      bytes: post('/webhook', event('other'), sign(event('other'), 'not-the-app-secret')),
      expect: 'refused',
    },
    {
      name: 'POST with a sha1= signature',
      bytes: post('/webhook', event('sha1'), `sha1=${createHmac('sha1', appSecret).update(event('sha1')).digest('hex')}`),
      expect: 'refused',
    },
    {
      name: 'POST with a truncated signature',
      bytes: post('/webhook', event('trunc'), sign(event('trunc'), appSecret).slice(0, 40)),
      expect: 'refused',
    },
    { name: 'POST a signed body to /webhook/', bytes: post('/webhook/', good, sign(good, appSecret)), expect: 'refused' },
    { name: 'POST a signed body to //webhook', bytes: post('//webhook', good, sign(good, appSecret)), expect: 'refused' },
    {
      name: 'POST a signed body, absolute-form target',
      bytes: post(`http://127.0.0.1:${port}/webhook`, good, sign(good, appSecret)),
      expect: 'refused',
    },
    {
      name: 'POST declaring 4 MB',
      bytes: `POST /webhook HTTP/1.1\r\n${h}\r\nContent-Length: ${4 * 1024 * 1024}\r\n\r\n{}`,
      expect: 'refused',
    },
    {
      name: 'POST with Content-Length and Transfer-Encoding (smuggling)',
      bytes: `POST /webhook HTTP/1.1\r\n${h}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      expect: 'refused',
    },
    {
      name: 'POST with two different Content-Lengths',
      bytes: `POST /webhook HTTP/1.1\r\n${h}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
      expect: 'refused',
    },
    {
      name: 'POST with a negative Content-Length',
      bytes: `POST /webhook HTTP/1.1\r\n${h}\r\nContent-Length: -1\r\n\r\n`,
      expect: 'refused',
    },
    {
      name: 'POST with a broken chunk size',
      bytes: `POST /webhook HTTP/1.1\r\n${h}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      expect: 'refused',
    },
  );
  return probes;
}

function judgeProbe(p: Probe, r: RawResponse): Check {
  const problems: string[] = [];
  const isHead = p.name.startsWith('HEAD');
  if (p.expect === 'ok') {
    if (r.status !== 200) problems.push(`expected 200, got ${r.status ?? 'no answer'}`);
    if (p.body !== undefined && r.body !== p.body)
      problems.push(`body ${JSON.stringify(r.body.slice(0, 80))} instead of ${JSON.stringify(p.body.slice(0, 80))}`);
    if (!(r.headers['content-type'] ?? '').startsWith('text/plain'))
      problems.push(`content-type ${r.headers['content-type'] ?? 'missing'}`);
    if (r.headers['x-content-type-options'] !== 'nosniff') problems.push('no nosniff');
  } else {
    if (r.status === null) problems.push('connection dropped with no answer (expected a plain 4xx)');
    else if (!ALLOWED_REFUSALS.has(r.status)) problems.push(`status ${r.status}`);
    if (!isHead && r.body.length > 200) problems.push(`${r.body.length}-byte body`);
    if (r.body && LEAKS.test(r.body)) problems.push(`body leaks: ${JSON.stringify(r.body.slice(0, 120))}`);
  }
  for (const k of Object.keys(r.headers)) {
    if (k === 'server' || k === 'x-powered-by' || k === 'via') problems.push(`banner header ${k}: ${r.headers[k]}`);
    if (k.startsWith('access-control-')) problems.push(`CORS header ${k}`);
  }
  return {
    area: 'webhook',
    name: p.name,
    held: problems.length === 0,
    detail: problems.length ? problems.join('; ') : `${r.status ?? 'no answer'}${r.body ? ` "${r.body.slice(0, 40)}"` : ''}`,
  };
}

// ---- 2. the bridge WebSocket ------------------------------------------------------------------

/**
 * Frames whose very shape is hostile: a request name that is not text (an object whose toString
 * is not a function once threw inside the dispatcher, and the unhandled rejection ended the whole
 * browser host), names Object.prototype has, a name taken from the frame's own `__proto__`, payloads
 * that are not objects, ids of other types, huge and deeply nested values. None carries a usable id,
 * so each must be answered `{id: null}` with the error code given, and the host must keep serving.
 */
export const HOSTILE_FRAMES: { name: string; text: string; code: 'unknown_request' | 'invalid_params' }[] = [
  { name: 'a name that is an object whose toString is not a function', text: '{"name":{"toString":1}}', code: 'unknown_request' },
  {
    name: 'a name whose toString and valueOf are not functions',
    text: '{"name":{"toString":1,"valueOf":1}}',
    code: 'unknown_request',
  },
  { name: 'a name whose toString and valueOf are null', text: '{"name":{"toString":null,"valueOf":null}}', code: 'unknown_request' },
  { name: 'a name that is an array holding a request name', text: '{"name":["getAppInfo"]}', code: 'unknown_request' },
  { name: 'a name that is a number', text: '{"name":1e308}', code: 'unknown_request' },
  { name: 'a name that is true', text: '{"name":true}', code: 'unknown_request' },
  { name: 'a name that is null', text: '{"name":null}', code: 'unknown_request' },
  { name: 'the name "__proto__" with no id', text: '{"name":"__proto__"}', code: 'unknown_request' },
  { name: 'the name "__defineGetter__"', text: '{"name":"__defineGetter__"}', code: 'unknown_request' },
  { name: 'the name "valueOf"', text: '{"name":"valueOf"}', code: 'unknown_request' },
  {
    name: "a request named only in the frame's own __proto__",
    text: '{"__proto__":{"name":"getAppInfo","params":{}}}',
    code: 'unknown_request',
  },
  { name: 'a 900 kB name', text: JSON.stringify({ name: 'n'.repeat(900_000) }), code: 'unknown_request' },
  { name: 'a frame that is a JSON string', text: '"getAppInfo"', code: 'unknown_request' },
  { name: 'a frame that is a JSON number', text: '42', code: 'unknown_request' },
  { name: 'a frame that is JSON true', text: 'true', code: 'unknown_request' },
  { name: 'an id and a name that are objects', text: '{"id":{"toString":1},"name":{"toString":1}}', code: 'unknown_request' },
  { name: 'an id that is an array', text: '{"id":[1],"name":{"valueOf":1}}', code: 'unknown_request' },
  { name: 'params whose toString is not a function', text: '{"name":"getAppInfo","params":{"toString":1}}', code: 'invalid_params' },
  {
    name: 'params nested 100,000 arrays deep',
    text: `{"name":"getAppInfo","params":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    code: 'invalid_params',
  },
];

function upgradeRequest(opts: { target: string; host: string; origin: string | null }): string {
  return [
    `GET ${opts.target} HTTP/1.1`,
    `Host: ${opts.host}`,
    ...(opts.origin === null ? [] : [`Origin: ${opts.origin}`]),
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    '',
    '',
  ].join('\r\n');
}

async function bridgeChecks(appUrl: string, client: BridgeClient, checks: Check[]): Promise<void> {
  const u = new URL(appUrl);
  const port = Number(u.port);
  const secret = new URLSearchParams(u.hash.slice(1)).get('secret')!;
  const host = `127.0.0.1:${port}`;
  const origin = `http://127.0.0.1:${port}`;
  const q = (s: string): string => `/bridge?secret=${encodeURIComponent(s)}`;
  const flipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
  const cases: { name: string; target: string; host: string; origin: string | null; want: number }[] = [
    { name: 'the right secret, Host and Origin (control: must be accepted)', target: q(secret), host, origin, want: 101 },
    {
      name: 'localhost Host and Origin with the secret (control: accepted)',
      target: q(secret),
      host: `localhost:${port}`,
      origin: `http://localhost:${port}`,
      want: 101,
    },
    { name: 'no secret', target: '/bridge', host, origin, want: 401 },
    { name: 'an empty secret', target: q(''), host, origin, want: 401 },
    { name: 'a wrong secret of the right length', target: q(flipped), host, origin, want: 401 },
    { name: 'the secret minus one character', target: q(secret.slice(0, -1)), host, origin, want: 401 },
    { name: 'the secret plus one character', target: q(`${secret}x`), host, origin, want: 401 },
    { name: 'a 4 kB secret', target: q('a'.repeat(4096)), host, origin, want: 401 },
    { name: 'the secret in upper case', target: q(secret.toUpperCase()), host, origin, want: secret.toUpperCase() === secret ? 101 : 401 },
    {
      name: 'a wrong secret first, the right one second',
      target: `/bridge?secret=nope&secret=${encodeURIComponent(secret)}`,
      host,
      origin,
      want: 401,
    },
    { name: 'the secret with a foreign Origin', target: q(secret), host, origin: 'https://evil.example', want: 403 },
    { name: 'the secret with Origin: null', target: q(secret), host, origin: 'null', want: 403 },
    { name: 'the secret with no Origin', target: q(secret), host, origin: null, want: 403 },
    { name: 'the secret with an https Origin on our port', target: q(secret), host, origin: `https://127.0.0.1:${port}`, want: 403 },
    { name: 'the secret with an Origin on another port', target: q(secret), host, origin: `http://127.0.0.1:${port + 1}`, want: 403 },
    {
      name: 'the secret with Origin http://127.0.0.1:PORT.evil.example',
      target: q(secret),
      host,
      origin: `http://127.0.0.1:${port}.evil.example`,
      want: 403,
    },
    {
      name: 'DNS rebinding: Host evil.example with a matching Origin',
      target: q(secret),
      host: `evil.example:${port}`,
      origin: `http://evil.example:${port}`,
      want: 403,
    },
    { name: 'DNS rebinding: Host evil.example, our Origin', target: q(secret), host: `evil.example:${port}`, origin, want: 403 },
    { name: 'Host without the port', target: q(secret), host: '127.0.0.1', origin, want: 403 },
    { name: 'Host 0.0.0.0', target: q(secret), host: `0.0.0.0:${port}`, origin: `http://0.0.0.0:${port}`, want: 403 },
    { name: 'the secret on another path (/bridge/)', target: `/bridge/?secret=${encodeURIComponent(secret)}`, host, origin, want: 404 },
    { name: 'the secret on another path (/)', target: `/?secret=${encodeURIComponent(secret)}`, host, origin, want: 404 },
  ];
  for (const c of cases) {
    const r = await rawRequest(port, upgradeRequest(c), 1500);
    const held = r.status === c.want && (c.want !== 101 || /upgrade: websocket/i.test(r.raw));
    checks.push({
      area: 'bridge',
      name: `upgrade with ${c.name}`,
      held,
      detail: held ? `${r.status}` : `expected ${c.want}, got ${r.status ?? 'no answer'}`,
    });
  }

  // A connected client sending garbage: each frame gets its specific error, the socket stays open.
  const frame = async (name: string, send: () => Promise<BridgeResponse>, code: string, msg: RegExp): Promise<void> => {
    let r: BridgeResponse | null = null;
    let err = '';
    try {
      r = await send();
    } catch (e) {
      err = (e as Error).message;
    }
    const held = r !== null && !r.ok && r.error?.code === code && msg.test(r.error.message);
    checks.push({ area: 'bridge', name: `frame: ${name}`, held, detail: r ? `${r.error?.code}: ${r.error?.message.slice(0, 100)}` : err });
  };
  await frame('not JSON', () => client.sendRaw('{"id":1,'), 'invalid_params', /not valid JSON/);
  await frame('a binary frame', () => client.sendRaw(Buffer.from([1, 2, 3]), true), 'invalid_params', /Binary frames/);
  await frame('JSON null', () => client.sendRaw('null'), 'unknown_request', /Unknown bridge request/);
  for (const f of HOSTILE_FRAMES) {
    await frame(
      `hostile shape: ${f.name}`,
      () => client.sendRaw(f.text),
      f.code,
      f.code === 'unknown_request' ? /Unknown bridge request/ : /Invalid parameters/,
    );
  }
  await frame('a JSON array', () => client.sendRaw('[1,2,3]'), 'unknown_request', /Unknown bridge request/);
  for (const name of ['noSuchRequest', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    await frame(
      `unknown request name ${JSON.stringify(name)}`,
      () => client.request(name, {}),
      'unknown_request',
      /Unknown bridge request/,
    );
  }
  await frame(
    'schema-violating params (string for a number)',
    () => client.request('getTimeline', { threadId: 'one' }),
    'invalid_params',
    /threadId/,
  );
  await frame(
    'extra params on a strict request',
    () => client.request('sendTextMessage', { threadId: 1, text: 'x', admin: true }),
    'invalid_params',
    /Invalid parameters for "sendTextMessage"/,
  );
  await frame(
    'params that are not an object',
    () => client.request('getAppInfo', 'x'),
    'invalid_params',
    /Invalid parameters for "getAppInfo"/,
  );
  await frame(
    'prototype pollution in params',
    () =>
      client.sendRaw('{"id":null,"name":"setCallPreferences","params":{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}}'),
    'invalid_params',
    /Invalid parameters/,
  );
  await frame(
    'an over-long text (4097 characters)',
    () => client.request('sendTextMessage', { threadId: 1, text: 'x'.repeat(4097) }),
    'invalid_params',
    /text/,
  );
  const still = await client.request('getAppInfo');
  checks.push({
    area: 'bridge',
    name: 'the same connection still answers after the garbage',
    held: still.ok && client.closedWith === null,
    detail: still.ok ? 'getAppInfo ok' : JSON.stringify(still.error),
  });

  // A huge frame (over the 1 MB limit) closes that one connection with 1009; others keep working.
  const victim = new BridgeClient(appUrl);
  await victim.opened;
  const closed = new Promise<number>((resolve) => victim.ws.once('close', (code) => resolve(code)));
  victim.ws.send(JSON.stringify({ id: 1, name: 'sendTextMessage', params: { threadId: 1, text: 'x'.repeat(2 * 1024 * 1024) } }));
  const code = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 5000))]);
  checks.push({
    area: 'bridge',
    name: 'frame: a 2 MB frame closes that connection with 1009 (message too big)',
    held: code === 1009,
    detail: `close code ${code}`,
  });
  const after = await client.request('getAppInfo');
  const fresh = new BridgeClient(appUrl);
  await fresh.opened;
  const freshInfo = await fresh.request('getAppInfo');
  fresh.close();
  checks.push({
    area: 'bridge',
    name: 'after the huge frame, the host serves other connections and new ones',
    held: after.ok && freshInfo.ok,
    detail: `existing ${after.ok}, new ${freshInfo.ok}`,
  });
}

// ---- 3. the secrets scan ----------------------------------------------------------------------

/** The raw value and its encoded forms, including base64 at each of the three byte alignments. */
export function encodedForms(value: string): { form: string; text: string }[] {
  const out = new Map<string, string>();
  out.set(value, 'raw');
  for (const [text, form] of [
    [encodeURIComponent(value), 'url-encoded'],
    [Buffer.from(value).toString('hex'), 'hex'],
  ] as const)
    if (!out.has(text)) out.set(text, form);
  for (const enc of ['base64', 'base64url'] as const) {
    for (let k = 0; k < 3; k++) {
      const b = Buffer.concat([Buffer.alloc(k, 0x20), Buffer.from(value)])
        .toString(enc)
        .replace(/=+$/, '');
      // Drop the characters that depend on the bytes before and after the value.
      const inner = b.slice(k === 0 ? 0 : 4, b.length - 4);
      if (inner.length >= 12 && !out.has(inner)) out.set(inner, `${enc}@${k}`);
    }
  }
  return [...out].map(([text, form]) => ({ form, text }));
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

function findIn(haystack: string, needles: { secret: string; form: string; text: string }[]): string[] {
  const hits: string[] = [];
  for (const n of needles) if (haystack.includes(n.text)) hits.push(`${n.secret} (${n.form})`);
  return hits;
}

// ---- the run -----------------------------------------------------------------------------------

export async function runSecuritySuite(opts: { keep?: boolean; say?: (line: string) => void } = {}): Promise<SecurityReport> {
  const say = opts.say ?? (() => {});
  const checks: Check[] = [];
  const usage: string[] = [];
  const tag = randomBytes(6).toString('hex');
  const SECRETS = {
    accessToken: `EAASECSUITETOKEN${tag}Zq8wK2vX`,
    appSecret: `secSuiteAppSecret_${tag}`,
    turnCredential: `turnCred-${tag}-Pw9`,
  };
  let sim: Simulator | undefined;
  let proxy: GraphProxy | undefined;
  let tunnel: TunnelServer | undefined;
  let host: WebHostProcess | undefined;
  let client: BridgeClient | undefined;
  try {
    sim = createSimulator({
      seed: {
        ...defaultSeed,
        business: { ...(defaultSeed['business'] as object), accessToken: SECRETS.accessToken, appSecret: SECRETS.appSecret },
      },
      timeFactor: 100,
    });
    await sim.listen(0);
    const creds = sim.credentials();
    proxy = await startGraphProxy(creds.graphBaseUrl, SECRETS);
    tunnel = await startTunnelServer();
    const webhookPort = await freePort();
    host = await startWebHost({
      extraArgs: ['--secrets', 'memory', '--tunnel-host', tunnel.url, '--webhook-port', String(webhookPort), '--log-level', 'debug'],
    });
    say(`host ${host.origin}, webhook port ${webhookPort}, data dir ${host.dataDir}`);
    client = new BridgeClient(host.url);
    await client.opened;

    // Use the app for real.
    const connect = await client.ok<{ saved: boolean }>(
      'connectAccount',
      {
        graphBaseUrl: proxy.url,
        apiVersion: creds.apiVersion,
        accessToken: SECRETS.accessToken,
        appSecret: SECRETS.appSecret,
        appId: creds.appId,
        wabaId: creds.wabaId,
        phoneNumberId: creds.phoneNumberId,
      },
      { carriesTypedSecrets: true, timeoutMs: 60_000 },
    );
    if (!connect.saved) throw new Error('connectAccount did not save');
    usage.push('connected the account through the bridge');
    const routed = await until('the app to register its callback with the simulator', () => sim!.webhooks.routing.phoneOverride, 30_000);
    const verifyToken = routed.verifyToken;
    usage.push(`tunnel up, callback registered (${routed.url})`);
    await client.ok('setCallPreferences', {
      turnServers: [{ urls: 'turn:turn.example.com:3478', username: 'switchboard', credential: SECRETS.turnCredential }],
    });
    await client.ok('getCallPreferences');
    usage.push('saved a TURN server with a credential');

    const control = async (p: string, body: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${creds.controlUrl}${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`control ${p}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const ana = '5511987650001';
    await control(`/users/${ana}/messages`, { text: 'Olá! Meu pedido chegou?' });
    await control(`/users/${ana}/messages`, {
      type: 'image',
      data_base64: Buffer.from('\x89PNG\r\n\x1a\nsecurity-suite').toString('base64'),
      mime_type: 'image/png',
      caption: 'foto do pedido',
    });
    const threadId = await until(
      'the thread to appear',
      async () => {
        const r = await client!.ok<{ threads: { id: number; lastItemAt: string | null }[] }>('listThreads', {
          filter: 'all',
          after: null,
          limit: 50,
        });
        return r.threads[0]?.id;
      },
      20_000,
    );
    const timeline = await until(
      'both messages in the timeline',
      async () => {
        const r = await client!.ok<{ items: { id: number; type: string }[] }>('getTimeline', {
          threadId,
          before: null,
          after: null,
          aroundItemId: null,
          limit: 50,
        });
        return r.items.length >= 2 && r.items;
      },
      20_000,
    );
    await client.ok('openThread', { threadId });
    await client.ok('sendTextMessage', { threadId, text: 'Chegou sim, obrigado!' });
    usage.push('received a text and a photo by webhook, opened the thread, replied');
    const photo = timeline.find((i) => i.type === 'image');
    if (photo) {
      await client.ok('getMedia', { itemId: photo.id });
      usage.push('downloaded the photo (media cache)');
    }
    await client.ok('exportThread', { threadId, format: 'json' });
    await client.ok('exportThread', { threadId, format: 'csv' });
    usage.push('exported the thread as JSON and CSV');
    const call = (await control(`/users/${ana}/call`, {})) as { id: string };
    await until('the call to reach the app', async () => (await client!.ok<{ calls: unknown[] }>('listCalls')).calls.length > 0, 20_000);
    await control(`/calls/${call.id}/hangup`, {});
    usage.push('a customer called (connect webhook, ringing) and hung up');

    // Graph errors that echo the token, the app secret and access_token= URLs back.
    proxy.hostile = true;
    const hostile = await Promise.all([
      client.request('sendTextMessage', { threadId, text: 'this one fails' }),
      client.request('listTemplates'),
      client.request('getCallingSettings'),
      client.request('getCallPermission', { threadId }),
      photo ? client.request('getMedia', { itemId: photo.id + 1000 }) : Promise.resolve(null),
    ]);
    proxy.hostile = false;
    usage.push(
      `${proxy.hostileAnswers} Graph answers echoed the secrets back (errors with the token, app secret and access_token= URLs); ${hostile.filter((r) => r && !r.ok).length} requests failed as expected`,
    );
    const diagnostics = await client.ok<{ text: string }>('getDiagnosticsBundle');
    await client.ok('getDiagnostics');
    usage.push(`made the diagnostics bundle (${diagnostics.text.length} characters)`);

    // 1. The webhook port.
    const before = (await client.ok<{ receiver: { accepted: number } }>('getDiagnostics')).receiver.accepted;
    const probes = webhookProbes(webhookPort, verifyToken, SECRETS.appSecret);
    for (const p of probes) checks.push(judgeProbe(p, await rawRequest(webhookPort, p.bytes)));
    const afterCount = (await client.ok<{ receiver: { accepted: number } }>('getDiagnostics')).receiver.accepted;
    const okProbes = probes.filter((p) => p.expect === 'ok' && p.name.startsWith('POST')).length;
    checks.push({
      area: 'webhook',
      name: 'exactly the correctly signed POSTs were stored',
      held: afterCount - before === okProbes,
      detail: `${afterCount - before} accepted during the probes, ${okProbes} signed`,
    });

    // 2. The bridge.
    await bridgeChecks(host.url, client, checks);

    // 3. Scan the data dir while the host runs (the SQLite WAL and shared memory are there now),
    //    stop the host (so everything is flushed and checkpointed), then scan again.
    const live = new Map<string, Buffer>();
    for (const f of listFiles(host.dataDir)) live.set(`${path.relative(host.dataDir, f)} (while running)`, readFileSync(f));
    client.close();
    const exitCode = await host.stop();
    usage.push(`stopped the host (exit ${exitCode})`);
    const needles = (['accessToken', 'appSecret', 'turnCredential'] as const)
      .flatMap((k) => encodedForms(SECRETS[k]).map((f) => ({ secret: k as string, ...f })))
      .concat(encodedForms(verifyToken).map((f) => ({ secret: 'verifyToken', ...f })));
    const notTurn = needles.filter((n) => n.secret !== 'turnCredential');
    const stopped = new Map<string, Buffer>(listFiles(host.dataDir).map((f) => [path.relative(host!.dataDir, f), readFileSync(f)]));
    const files = [...live.keys(), ...stopped.keys()];
    let bytes = 0;
    for (const [name, buf] of [...live, ...stopped]) {
      bytes += buf.length;
      // SQLite keeps TEXT as UTF-8; latin1 maps every byte to one character, so UTF-8 needles still match.
      const hits = findIn(buf.toString('latin1'), needles);
      checks.push({
        area: 'secrets',
        name: `data dir file ${name}`,
        held: hits.length === 0,
        detail: hits.length ? `contains ${hits.join(', ')}` : `${buf.length} bytes clean`,
      });
    }
    const output = host.output();
    const outHits = findIn(output, needles);
    checks.push({
      area: 'secrets',
      name: 'host stdout/stderr (the log)',
      held: outHits.length === 0,
      detail: outHits.length ? `contains ${outHits.join(', ')}` : `${output.length} characters clean`,
    });
    const diagHits = findIn(diagnostics.text, needles);
    checks.push({
      area: 'secrets',
      name: 'diagnostics bundle',
      held: diagHits.length === 0,
      detail: diagHits.length ? `contains ${diagHits.join(', ')}` : 'clean',
    });
    let frameHits = 0;
    const frameHitNames = new Set<string>();
    for (const f of client.fromMain) {
      const hits = findIn(f, notTurn);
      if (hits.length) {
        frameHits++;
        hits.forEach((h) => frameHitNames.add(h));
      }
    }
    checks.push({
      area: 'secrets',
      name: `every frame main sent over the bridge (${client.fromMain.length})`,
      held: frameHits === 0,
      detail: frameHits ? `${frameHits} frames contain ${[...frameHitNames].join(', ')}` : 'clean',
    });
    const turnFrames = client.fromMain.filter(
      (f) =>
        findIn(
          f,
          needles.filter((n) => n.secret === 'turnCredential'),
        ).length > 0,
    );
    const turnOnlyInPrefs = turnFrames.every((f) => /"turnServers"/.test(f));
    checks.push({
      area: 'secrets',
      name: 'the TURN credential reaches the renderer only in call preferences',
      held: turnOnlyInPrefs,
      detail: `${turnFrames.length} frames carry it, all call preferences: ${turnOnlyInPrefs}`,
    });
    const sentHits = client.toMain.filter((f) => !f.carriesTypedSecrets && findIn(f.text, notTurn).length > 0).length;
    checks.push({
      area: 'secrets',
      name: `frames the client sent (${client.toMain.length}; the connect form's own frame excepted)`,
      held: sentHits === 0,
      detail: sentHits ? `${sentHits} frames` : 'clean',
    });
    const report: SecurityReport = {
      checks,
      usage,
      scanned: {
        files,
        bytes,
        framesFromMain: client.fromMain.length,
        framesToMain: client.toMain.length,
        outputBytes: output.length,
        diagnosticsBytes: diagnostics.text.length,
        needles: needles.length,
      },
    };
    return report;
  } finally {
    client?.close();
    if (host) {
      await host.stop();
      if (!opts.keep) rmSync(host.dataDir, { recursive: true, force: true });
    }
    await tunnel?.close();
    await proxy?.close();
    await sim?.close();
  }
}

export function formatReport(r: SecurityReport): string {
  const lines: string[] = [];
  lines.push('Security checks');
  lines.push(`  used the app: ${r.usage.join('; ')}`);
  for (const area of ['webhook', 'bridge', 'secrets'] as const) {
    const cs = r.checks.filter((c) => c.area === area);
    const label =
      area === 'webhook'
        ? 'webhook port: requests tried'
        : area === 'bridge'
          ? 'bridge WebSocket: upgrades and frames tried'
          : 'secrets: places scanned';
    lines.push(`  ${label} ${cs.length}, held ${cs.filter((c) => c.held).length}`);
    for (const c of cs.filter((x) => !x.held)) lines.push(`    FAILED ${c.name}: ${c.detail}`);
  }
  lines.push(
    `  scanned ${r.scanned.files.length} data-dir files (${r.scanned.bytes} bytes: ${r.scanned.files.join(', ')}), ${r.scanned.outputBytes} characters of host output, ${r.scanned.framesFromMain} frames from main and ${r.scanned.framesToMain} to main, the ${r.scanned.diagnosticsBytes}-character diagnostics bundle, for ${r.scanned.needles} encodings of 4 secrets`,
  );
  const failed = r.checks.filter((c) => !c.held).length;
  lines.push(`  ${r.checks.length} checks, ${r.checks.length - failed} held, ${failed} failed`);
  return lines.join('\n');
}

if (process.argv[1] && process.argv[1].endsWith('security.ts') && existsSync(process.argv[1])) {
  const keep = process.argv.includes('--keep');
  const verbose = process.argv.includes('--verbose');
  runSecuritySuite({ keep, say: (l) => console.log(l) }).then(
    (r) => {
      if (verbose) for (const c of r.checks) console.log(`  ${c.held ? 'held  ' : 'FAILED'} [${c.area}] ${c.name}: ${c.detail}`);
      console.log(formatReport(r));
      process.exit(r.checks.every((c) => c.held) ? 0 : 1);
    },
    (err: unknown) => {
      console.error(`security checks could not run: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(2);
    },
  );
}
