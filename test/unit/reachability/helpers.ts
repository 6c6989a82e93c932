/** Shared pieces of the reachability tests: a stand-in webhook receiver and bounded waiting. */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isProbeNonce, PROBE_PARAM, probeAnswer } from '../../../main/webhooks/probe-answer.ts';
import { until } from '../../support/until.ts';

export const WEBHOOK_PATH = '/webhook';
export const VERIFY_TOKEN = 'verify-token-for-tests';
/** The stand-in receiver's health-probe key (the real one makes its own at start). */
export const PROBE_KEY = randomBytes(32);
/** What the stand-in receiver answers to a probe: pass as the supervisor's `probeAnswer`. */
export const expectedProbeAnswer = (nonce: string): string => probeAnswer(PROBE_KEY, nonce);

export interface FakeReceiver {
  port: number;
  /** Bodies of the POSTs received on the webhook path, in order. */
  posts: string[];
  /** Number of verification GETs answered (right or wrong token). */
  verifications: number;
  /** Number of health probes answered, and their request URLs. */
  probes: number;
  probeUrls: string[];
  close(): Promise<void>;
}

/**
 * Answers the hub.* GET with the challenge when the token matches (403 otherwise), a health probe
 * (`?probe=<nonce>`) with its HMAC under PROBE_KEY, records POSTs, 404s the rest.
 */
export async function startFakeReceiver(token = VERIFY_TOKEN, port = 0): Promise<FakeReceiver> {
  const state = { posts: [] as string[], verifications: 0, probeUrls: [] as string[] };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (u.pathname !== WEBHOOK_PATH) {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'GET' && !u.searchParams.has('hub.mode') && u.searchParams.has(PROBE_PARAM)) {
      const nonce = u.searchParams.get(PROBE_PARAM) ?? '';
      if (!isProbeNonce(nonce)) {
        res.writeHead(400).end();
        return;
      }
      state.probeUrls.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' }).end(probeAnswer(PROBE_KEY, nonce));
      return;
    }
    if (req.method === 'GET') {
      state.verifications++;
      const ok = u.searchParams.get('hub.mode') === 'subscribe' && u.searchParams.get('hub.verify_token') === token;
      if (!ok) {
        res.writeHead(403).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(u.searchParams.get('hub.challenge') ?? '');
      return;
    }
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        state.posts.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200).end('EVENT_RECEIVED');
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get posts() {
      return state.posts;
    },
    get verifications() {
      return state.verifications;
    },
    get probes() {
      return state.probeUrls.length;
    },
    get probeUrls() {
      return state.probeUrls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `until` with the argument order these tests use, retrying a check that throws. */
export function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 8_000): Promise<NonNullable<T>> {
  return until(what, check as () => Promise<NonNullable<T>>, timeoutMs, { every: 20, retryErrors: true });
}

/** POST a JSON body to a URL (fresh connection); resolves with the status. */
export function postJson(url: string, body: unknown): Promise<number> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': data.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** GET a URL (fresh connection); resolves with status and body. */
export function getText(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
  });
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
