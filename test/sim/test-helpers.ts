/**
 * Test support for the simulator suites: a real local webhook receiver, a Graph client, a
 * control-API client and `waitFor`. Not a test file itself.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Seed } from './seed.ts';
import type { Simulator, SimulatorOptions } from './simulator.ts';
import { createSimulator } from './simulator.ts';
import { until } from '../support/until.ts';

export interface ReceivedPost {
  raw: Buffer;
  json: WebhookBody;
  signature: string | undefined;
  path: string;
}

export interface WebhookBody {
  object: string;
  entry: Array<{ id: string; time?: number; changes: Array<{ field: string; value: Record<string, unknown> }> }>;
}

export interface Receiver {
  url: string;
  posts: ReceivedPost[];
  verifications: Array<{ path: string; mode: string | null; token: string | null; challenge: string | null }>;
  /** Status to answer POSTs with (default 200; 0 = never answer); a function gets the 1-based POST count. */
  respondWith: number | ((n: number) => number);
  verifyToken: string;
  changes(field?: string): Array<{ field: string; value: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startReceiver(verifyToken = 'test-verify-token'): Promise<Receiver> {
  const r: Receiver = {
    url: '',
    posts: [],
    verifications: [],
    respondWith: 200,
    verifyToken,
    changes(field?: string) {
      return r.posts.flatMap((p) => p.json.entry.flatMap((e) => e.changes)).filter((c) => !field || c.field === field);
    },
    close: () =>
      new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      }),
  };
  let count = 0;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET') {
        const v = {
          path: u.pathname,
          mode: u.searchParams.get('hub.mode'),
          token: u.searchParams.get('hub.verify_token'),
          challenge: u.searchParams.get('hub.challenge'),
        };
        r.verifications.push(v);
        if (v.mode === 'subscribe' && v.token === r.verifyToken) res.writeHead(200).end(v.challenge ?? '');
        else res.writeHead(403).end('forbidden');
        return;
      }
      const raw = Buffer.concat(chunks);
      count++;
      const status = typeof r.respondWith === 'function' ? r.respondWith(count) : r.respondWith;
      if (status === 0) return; // hang: never answer (the simulator must time out)
      if (status === 200) {
        const sig = req.headers['x-hub-signature-256'];
        r.posts.push({
          raw,
          json: JSON.parse(raw.toString('utf8')) as WebhookBody,
          signature: typeof sig === 'string' ? sig : undefined,
          path: u.pathname,
        });
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  return r;
}

export function validSignature(secret: string, raw: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw).digest('hex'), 'utf8');
  const got = Buffer.from(header.slice(7), 'utf8');
  return expected.length === got.length && timingSafeEqual(expected, got);
}

export const TEST_SEED: Seed = {
  business: {
    appId: '1000000000000001',
    appSecret: 'test-app-secret-0123456789',
    accessToken: 'EAATESTTOKEN0123456789',
    wabaId: '2000000000000002',
    phoneNumberId: '3000000000000003',
    displayPhoneNumber: '5511955550100',
    verifiedName: 'Test Business',
    country: 'BR',
  },
  calling: { status: 'ENABLED' },
  users: [
    { wa_id: '5511987650001', user_id: 'BR.10000000000000000001', name: 'Ana', country: 'BR' },
    { wa_id: '4915112340002', user_id: 'DE.10000000000000000002', name: 'Jonas', country: 'DE' },
    { user_id: 'MX.10000000000000000004', name: 'Carlos', username: 'carlos.mx', country: 'MX' },
  ],
};

export interface Harness {
  sim: Simulator;
  rx: Receiver;
  graph(
    method: string,
    path: string,
    body?: unknown,
    opts?: { token?: string | null; version?: string },
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startHarness(opts: { seed?: Partial<Seed>; sim?: SimulatorOptions; statuses?: boolean } = {}): Promise<Harness> {
  const rx = await startReceiver();
  const seed: Seed = {
    ...TEST_SEED,
    ...opts.seed,
    webhooks: { appCallbackUrl: rx.url, verifyToken: rx.verifyToken, ...(opts.seed?.webhooks ?? {}) },
    config: {
      messageStatuses: { enabled: opts.statuses ?? false, sentAfterMs: 100, deliveredAfterMs: 1000, readAfterMs: 3000 },
      ...(opts.seed?.config ?? {}),
    },
  };
  const sim = createSimulator({ timeFactor: 1000, ...opts.sim, seed });
  await sim.listen(0);
  const token = sim.business.accessToken;
  return {
    sim,
    rx,
    async graph(method, path, body, o = {}) {
      const headers: Record<string, string> = {};
      const t = o.token === undefined ? token : o.token;
      if (t !== null) headers['Authorization'] = `Bearer ${t}`;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(`${sim.url}/${o.version ?? 'v25.0'}/${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
    async control(method, path, body) {
      const res = await fetch(`${sim.url}/_sim/${path}`, {
        method,
        headers: body !== undefined ? { 'Content-Type': 'application/json' } : {},
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
    async close() {
      await sim.close();
      await rx.close();
    },
  };
}

/** `until` with the argument order the simulator's tests use. */
export function waitFor<T>(fn: () => T | undefined | null | false, what = 'condition', timeoutMs = 5000): Promise<T> {
  return until(what, fn, timeoutMs, { every: 10 });
}

/** The Graph error object of a response. */
export function err(json: Record<string, unknown>): {
  code: number;
  message: string;
  type: string;
  error_subcode?: number;
  error_data: { details: string; messaging_product: string } & Record<string, unknown>;
  fbtrace_id: string;
} {
  return json['error'] as ReturnType<typeof err>;
}

/** Finds the first `calls` webhook change whose first call/status matches. */
export function callEvent(rx: Receiver, callId: string, event: string): Record<string, unknown> | undefined {
  for (const c of rx.changes('calls')) {
    const calls = c.value['calls'] as Array<Record<string, unknown>> | undefined;
    const call = calls?.find((x) => x['id'] === callId && x['event'] === event);
    if (call) return c.value;
  }
  return undefined;
}

export function callStatus(rx: Receiver, callId: string, status: string): Record<string, unknown> | undefined {
  for (const c of rx.changes('calls')) {
    const st = c.value['statuses'] as Array<Record<string, unknown>> | undefined;
    if (st?.some((x) => x['id'] === callId && x['status'] === status)) return c.value;
  }
  return undefined;
}
