/**
 * The WhatsApp Cloud API simulator: one HTTP server on 127.0.0.1 serving
 *  - the Graph API on any `/vNN.0/` prefix (graph-api.ts),
 *  - media downloads at `/whatsapp_business/attachments/?mid=…&ext=…` (Bearer token required),
 *  - the control API under `/_sim/` (control-api.ts, documented in README.md),
 * and sending signed webhooks (webhooks.ts), all on a controllable clock (clock.ts).
 *
 *   const sim = createSimulator({ seed });
 *   await sim.listen(0);
 *   sim.url  // http://127.0.0.1:<port>
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Calls } from './calls.ts';
import { SimClock } from './clock.ts';
import type { Business, SimConfig, SimContext } from './context.ts';
import { defaultConfig } from './context.ts';
import { ControlApi } from './control-api.ts';
import { SimEventBus } from './events.ts';
import type { GraphRequest } from './graph-api.ts';
import { GraphApi } from './graph-api.ts';
import { GraphError, fbtraceId, graphErrorBody } from './graph-errors.ts';
import { faultErrorBody, GraphFaults, HTML_ERROR_PAGE, type GraphFault, type GraphFaultRule } from './graph-faults.ts';
import { MediaStore } from './media.ts';
import type { TemplateDef } from './messages.ts';
import { Messaging } from './messages.ts';
import { Permissions } from './permissions.ts';
import type { Seed } from './seed.ts';
import { businessFromSeed, configPatchFromSeed, DEFAULT_TOKEN_SCOPES, defaultTemplates, parseSeed } from './seed.ts';
import { applySettingsPatch, defaultCallingSettings } from './settings.ts';
import { UserStore } from './users.ts';
import { WebhookDispatcher } from './webhooks.ts';

export const API_VERSION = 'v25.0';
const MAX_BODY = 17 * 1024 * 1024; // media uploads (audio up to 16 MB)

/** The customer-phone web page (`GET /phone`): static files in ./phone/, no build step. */
const PHONE_FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'phone.js': 'text/javascript; charset=utf-8',
  'phone.css': 'text/css; charset=utf-8',
};

export interface SimulatorOptions {
  /** A seed object (already parsed or raw JSON); default: empty seed (random ids). */
  seed?: Seed | unknown;
  /** Compresses webhook retry backoff and response timeout (default 1). */
  timeFactor?: number;
  /** Start the sim clock at this instant (ms since epoch) instead of now. */
  startAtMs?: number;
  /** Overrides on top of the seed's config. */
  config?: Partial<SimConfig>;
  /** Real-time ms the webhook receiver has to answer, before timeFactor (default 20 000). */
  webhookTimeoutMs?: number;
  /** Webhook POSTs in flight at once (default 1, keeps emit order). */
  webhookConcurrency?: number;
  host?: string;
}

export interface Credentials {
  graphBaseUrl: string;
  apiVersion: string;
  accessToken: string;
  appSecret: string;
  appId: string;
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  verifyToken: string;
  controlUrl: string;
}

export interface Simulator {
  readonly ctx: SimContext;
  readonly clock: SimClock;
  readonly business: Business;
  readonly calls: Calls;
  readonly messaging: Messaging;
  readonly permissions: Permissions;
  readonly media: MediaStore;
  readonly webhooks: WebhookDispatcher;
  /** Graph fault injection and the log of every Graph request (graph-faults.ts). */
  readonly graphFaults: GraphFaults;
  readonly url: string;
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
  credentials(): Credentials;
}

export function createSimulator(opts: SimulatorOptions = {}): Simulator {
  const seed = parseSeed(opts.seed ?? {});
  const clock = new SimClock({
    ...(opts.startAtMs !== undefined ? { startAtMs: opts.startAtMs } : {}),
    onError: (err, label) => console.error(`[sim] task ${label} failed:`, err),
  });
  const events = new SimEventBus(() => clock.now());
  const business = businessFromSeed(seed);
  const config: SimConfig = { ...defaultConfig(), ...configPatchFromSeed(seed), ...(opts.config ?? {}) };
  const users = new UserStore();
  const wh = seed.webhooks ?? {};
  const verifyToken = wh.verifyToken ?? 'sim-verify-token';
  const webhooks = new WebhookDispatcher({
    clock,
    events,
    wabaId: business.wabaId,
    appSecret: () => business.appSecret,
    routing: {
      app: {
        callback: wh.appCallbackUrl ? { url: wh.appCallbackUrl, verifyToken } : undefined,
        fields: new Set(wh.fields ?? ['messages', 'calls', 'account_settings_update', 'account_update']),
        active: true,
      },
      wabaSubscribed: wh.wabaSubscribed ?? true,
      wabaOverride: undefined,
      phoneOverride: wh.phoneOverrideUrl
        ? { url: wh.phoneOverrideUrl, verifyToken: wh.phoneOverrideVerifyToken ?? verifyToken }
        : undefined,
    },
    timeFactor: opts.timeFactor ?? 1,
    responseTimeoutMs: opts.webhookTimeoutMs ?? 20_000,
    concurrency: opts.webhookConcurrency ?? 1,
  });
  let baseUrl = '';
  const ctx: SimContext = {
    clock,
    events,
    business,
    config,
    users,
    webhooks,
    state: {
      settings: seed.calling
        ? applySettingsPatch(defaultCallingSettings(), seed.calling, { appId: business.appId, randomPassword: () => 'sim-sip-password' })
        : defaultCallingSettings(),
      restrictions: seed.restrictions ? structuredClone(seed.restrictions) : [],
      enableCallingError: seed.enableCallingError,
      token: { scopes: [...(seed.business?.tokenScopes ?? DEFAULT_TOKEN_SCOPES)], expired: false, wabaIds: [business.wabaId] },
    },
    sent: [],
    baseUrl: () => baseUrl,
  };
  for (const u of seed.users ?? []) users.create(u);
  const media = new MediaStore(clock, () => config.mediaUrlTtlMs);
  const permissions = new Permissions(ctx);
  const templates: TemplateDef[] = (seed.templates ?? defaultTemplates()).map((t, i) => ({
    id: t.id ?? `${business.wabaId.slice(0, 6)}${String(1000 + i)}`,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status ?? 'APPROVED',
    components: t.components,
  }));
  const messaging = new Messaging(ctx, permissions, media, templates);
  if (seed.config?.windowEnforcement) messaging.windowEnforcement = seed.config.windowEnforcement;
  const calls = new Calls(ctx, permissions, messaging, media);
  const graph = new GraphApi({ ctx, calls, messaging, permissions, media });

  const credentials = (): Credentials => ({
    graphBaseUrl: baseUrl,
    apiVersion: API_VERSION,
    accessToken: business.accessToken,
    appSecret: business.appSecret,
    appId: business.appId,
    wabaId: business.wabaId,
    phoneNumberId: business.phoneNumberId,
    displayPhoneNumber: business.displayPhoneNumber,
    verifyToken,
    controlUrl: `${baseUrl}/_sim`,
  });
  const graphFaults = new GraphFaults(() => clock.now());
  const hanging = new Set<http.ServerResponse>();
  const control = new ControlApi({ ctx, calls, messaging, permissions, media, credentials, graphFaults });

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      console.error('[sim] request failed:', err);
      if (!res.headersSent) sendJson(res, 500, graphErrorBody(new GraphError(1, 'Internal simulator error')));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // Meta's servers' clock, as every Graph answer's Date header gives it: the simulator's clock
    // (which a test may move), not this machine's — webhook timestamps come from the same clock.
    res.sendDate = false;
    res.setHeader('Date', new Date(clock.now()).toUTCString());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      sendJson(res, 413, graphErrorBody(new GraphError(100, 'Request body too large')));
      return;
    }
    if (url.pathname === '/_sim' || url.pathname.startsWith('/_sim/')) {
      await control.handle(req, res, url, method, raw);
      return;
    }
    if (url.pathname === '/whatsapp_business/attachments/' || url.pathname === '/whatsapp_business/attachments') {
      const token = bearer(req) ?? url.searchParams.get('access_token') ?? undefined;
      if (token !== business.accessToken || ctx.state.token.expired) {
        sendJson(res, 401, graphErrorBody(new GraphError(190, 'Invalid OAuth access token')));
        return;
      }
      const item = media.download(url.searchParams.get('ext') ?? '');
      if (!item || item.id !== url.searchParams.get('mid')) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
        return;
      }
      const fault = media.takeFault(item, 'download');
      if (fault?.kind === 'download_500') {
        res
          .writeHead(500, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(HTML_ERROR_PAGE)) })
          .end(HTML_ERROR_PAGE);
        return;
      }
      let bytes = item.bytes;
      if (fault?.kind === 'hash_mismatch') {
        // Same length, one byte different: only the hash gives it away.
        bytes = Buffer.from(item.bytes);
        const at = Math.floor(bytes.length / 2);
        bytes[at] = (bytes[at] ?? 0) ^ 0x55;
      }
      res.writeHead(200, { 'Content-Type': item.mimeType, 'Content-Length': String(bytes.length) }).end(bytes);
      return;
    }
    if ((url.pathname === '/phone' || url.pathname.startsWith('/phone/')) && method === 'GET') {
      await servePhone(res, url.pathname === '/phone' || url.pathname === '/phone/' ? 'index.html' : url.pathname.slice('/phone/'.length));
      return;
    }
    const vm = /^\/v(\d+)\.0(\/.*)?$/.exec(url.pathname);
    if (!vm) {
      if (url.pathname === '/' && method === 'GET') {
        sendJson(res, 200, {
          simulator: 'WhatsApp Cloud API simulator',
          graphBaseUrl: baseUrl,
          apiVersion: API_VERSION,
          controlUrl: `${baseUrl}/_sim`,
          phoneUrl: `${baseUrl}/phone`,
        });
        return;
      }
      sendJson(
        res,
        400,
        graphErrorBody(
          new GraphError(100, `Unknown path ${url.pathname}; Graph requests look like /${API_VERSION}/{node-id}/{edge}`, {
            text: 'Unknown path components',
          }),
        ),
      );
      return;
    }
    const segments = (vm[2] ?? '').split('/').filter(Boolean);
    let body: Record<string, unknown> = {};
    const gr: GraphRequest = {
      method,
      segments,
      query: url.searchParams,
      body,
      token: bearer(req) ?? url.searchParams.get('access_token') ?? undefined,
    };
    const logEntry = { method, path: `/${segments.join('/')}`, action: null as string | null, fault: null as string | null, after: false };
    let rule: GraphFaultRule | undefined;
    const sentBefore = ctx.sent.length;
    try {
      if (segments.length === 0) throw new GraphError(100, 'A node id is required', { subcode: 33 });
      if (method === 'POST' || method === 'DELETE') {
        body = parseBody(raw, req.headers['content-type']);
        for (const [k, v] of url.searchParams) if (k !== 'access_token' && body[k] === undefined) body[k] = v;
        gr.body = body;
      }
      logEntry.action = typeof body['action'] === 'string' ? body['action'] : null;
      // Injected Graph faults (graph-faults.ts): before the real handling, or after it (`after`).
      rule = graphFaults.take(method, segments, body);
      if (rule) {
        logEntry.fault = JSON.stringify(rule.fault);
        logEntry.after = rule.after;
      }
      if (rule && !rule.after) {
        if ('delayMs' in rule.fault) await sleep(rule.fault.delayMs);
        else {
          const status = answerWithFault(rule.fault, req, res);
          graph.recordRefusal(gr, status ?? 0, null);
          markFault(sentBefore, rule, status);
          graphFaults.log({ ...logEntry, status });
          return;
        }
      }
      let out: { status: number; json: unknown };
      try {
        out = await graph.handle(gr);
      } catch (err) {
        if (!rule?.after) throw err;
        out = { status: 0, json: null }; // the real refusal is lost with the answer
      }
      if (rule?.after && !('delayMs' in rule.fault)) {
        const status = answerWithFault(rule.fault, req, res);
        markFault(sentBefore, rule, status);
        graphFaults.log({ ...logEntry, status });
        return;
      }
      if (rule?.after && 'delayMs' in rule.fault) await sleep(rule.fault.delayMs);
      sendJson(res, out.status, out.json);
      graphFaults.log({ ...logEntry, status: out.status });
    } catch (err) {
      const ge = err instanceof GraphError ? err : new GraphError(1, (err as Error)?.message ?? 'unknown error');
      if (!(err instanceof GraphError)) console.error('[sim] graph handler error:', err);
      const json = graphErrorBody(ge);
      graph.recordRefusal(gr, ge.httpStatus, json);
      sendJson(res, ge.httpStatus, json, ge.code === 190 ? { 'WWW-Authenticate': 'OAuth "Facebook Platform" "invalid_token"' } : {});
      graphFaults.log({ ...logEntry, status: ge.httpStatus });
    }
  }

  /** Notes the fault on the sent-log entries this request made (/messages and /calls only). */
  function markFault(from: number, rule: GraphFaultRule, status: number | null): void {
    for (const s of ctx.sent.slice(from)) {
      s.fault = { ...rule.fault, after: rule.after };
      s.status = status ?? 0;
    }
  }

  /** Answers (or deliberately does not answer) with a fault; the HTTP status sent, or null. */
  function answerWithFault(fault: GraphFault, req: http.IncomingMessage, res: http.ServerResponse): number | null {
    if ('error' in fault) {
      const { status, json } = faultErrorBody(fault, fbtraceId());
      sendJson(res, status, json);
      return status;
    }
    if ('http' in fault) {
      const kind = fault.body ?? 'html';
      if (kind === 'json') {
        const code = fault.http === 503 ? 2 : 1;
        sendJson(
          res,
          fault.http,
          graphErrorBody(new GraphError(code, code === 2 ? 'Service temporarily unavailable' : 'An unknown error occurred')),
        );
      } else if (kind === 'html') {
        res
          .writeHead(fault.http, {
            'Content-Type': 'text/html; charset=utf-8',
            'Content-Length': String(Buffer.byteLength(HTML_ERROR_PAGE)),
          })
          .end(HTML_ERROR_PAGE);
      } else {
        res.writeHead(fault.http, { 'Content-Length': '0' }).end();
      }
      return fault.http;
    }
    if ('reset' in fault) {
      req.socket.destroy();
      return null;
    }
    // hang: never answer; the client gives up (its timeout) or the simulator closes.
    hanging.add(res);
    res.on('close', () => hanging.delete(res));
    return null;
  }

  return {
    ctx,
    clock,
    business,
    calls,
    messaging,
    permissions,
    media,
    webhooks,
    graphFaults,
    get url() {
      return baseUrl;
    },
    credentials,
    listen(port = 0): Promise<string> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, opts.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          const a = server.address() as AddressInfo;
          baseUrl = `http://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`;
          clock.start();
          resolve(baseUrl);
        });
      });
    },
    close(): Promise<void> {
      control.close();
      webhooks.close();
      calls.stopAll();
      clock.stop();
      for (const r of hanging) r.destroy();
      hanging.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function servePhone(res: http.ServerResponse, name: string): Promise<void> {
  const type = Object.hasOwn(PHONE_FILES, name) ? PHONE_FILES[name] : undefined;
  if (!type) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
    return;
  }
  const body = await readFile(new URL(`./phone/${name}`, import.meta.url));
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(body.length), 'Cache-Control': 'no-cache' }).end(body);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function bearer(req: http.IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(h.trim());
  return m?.[1]?.trim();
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** JSON or form-encoded body → object; anything else → GraphError 100. */
/** A file part of a multipart body (media upload). */
export interface UploadedFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** multipart/form-data → fields (strings) and files (`{filename, contentType, bytes}`). */
function parseMultipart(raw: Buffer, contentType: string): Record<string, unknown> {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new GraphError(100, 'multipart body without a boundary');
  const delim = Buffer.from(`--${boundary}`);
  const out: Record<string, unknown> = {};
  let pos = raw.indexOf(delim);
  while (pos >= 0) {
    const start = pos + delim.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delim, start);
    if (next < 0) break;
    const part = raw.subarray(start + 2, next - 2); // skip CRLF after the delimiter and before the next
    const headEnd = part.indexOf('\r\n\r\n');
    if (headEnd >= 0) {
      const head = part.subarray(0, headEnd).toString('utf8');
      const body = part.subarray(headEnd + 4);
      const name = /name="([^"]*)"/i.exec(head)?.[1];
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      const ct = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim() ?? 'application/octet-stream';
      if (name)
        out[name] =
          filename !== undefined ? ({ filename, contentType: ct, bytes: Buffer.from(body) } satisfies UploadedFile) : body.toString('utf8');
    }
    pos = next;
  }
  return out;
}

export function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.startsWith('multipart/form-data')) return parseMultipart(raw, contentType ?? '');
  const text = raw.toString('utf8');
  if (text.trim() === '') return {};
  if (ct.includes('application/x-www-form-urlencoded')) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(text)) {
      // Graph accepts JSON-encoded values in form params.
      out[k] = /^[[{]/.test(v) ? (safeJson(v) ?? v) : v;
    }
    return out;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GraphError(100, 'The request body could not be parsed as JSON', { text: 'Invalid parameter' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GraphError(100, 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

export function sendJson(res: http.ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(json);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=UTF-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'x-fb-trace-id': fbtraceId(),
    ...headers,
  });
  res.end(body);
}
