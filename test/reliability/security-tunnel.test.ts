/**
 * Security issue 19: what the tunnel's health probe puts on the wire.
 *
 * localtunnel's client reaches its server over plain TCP (node_modules/localtunnel/lib/TunnelCluster.js:
 * `net.connect`; upstream localtunnel#667), so the tunnel operator — and anyone on the path between
 * this computer and the tunnel server — reads every request that comes through: WhatsApp's webhooks
 * and Switchboard's own health probe, every ~20 s. The probe must prove the path without a secret
 * in it, and an answer someone else makes up (echoed, constant, replayed) must not pass.
 *
 * The "operator" below sits where loca.lt sits: every public request passes through it on its way
 * to the loopback tunnel server (which forwards path and headers unchanged to the real receiver), so
 * what it records is what the operator can read; it can also answer a probe itself.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAppServices, type AppServices } from '../../main/app-services.ts';
import { openDatabase } from '../../main/storage/database.ts';
import { WebhookInbox } from '../../main/webhooks/inbox.ts';
import { startWebhookReceiver } from '../../main/webhooks/webhook-receiver.ts';
import { createSimulator, type Credentials, type Simulator } from '../sim/simulator.ts';
import { testServiceOptions } from '../support/host.ts';
import { defaultSeed } from '../support/sim-app.ts';
import { memoryLogger } from '../support/test-log.ts';
import { startTunnelServer } from '../support/tunnel-server.ts';
import { until } from '../support/until.ts';

/** The probe's own User-Agent (main/reachability/webhook-probe.ts): how the operator tells probes from Meta's requests. */
const PROBE_AGENT = 'Switchboard-reachability/1';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Seen {
  method: string;
  url: string;
  userAgent: string;
  /** Request line, headers and body as they crossed the operator. */
  raw: string;
}

type Answer = { status: number; body: string };
/** Answers a request itself, or null to forward it. */
type Forge = (seen: Seen) => Answer | null | Promise<Answer | null>;

interface Operator {
  url: string;
  seen: Seen[];
  /** Answer requests itself (null: forward everything). */
  forge: Forge | null;
  /** Forward one request to the tunnel server and return its answer (for a replaying operator). */
  forward(seen: Seen): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** An HTTP proxy in front of the loopback tunnel server, standing where the tunnel operator stands. */
async function startOperator(tunnelUrl: string): Promise<Operator> {
  const op = { seen: [] as Seen[], forge: null as Forge | null };
  let self = '';
  const forward = (method: string, url: string, headers: http.IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const h = { ...headers };
      delete h.connection;
      const up = http.request(`${tunnelUrl}${url}`, { method, headers: h, agent: false }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks) }));
        r.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const headerLines: string[] = [];
        for (let i = 0; i < req.rawHeaders.length; i += 2) headerLines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        const seen: Seen = {
          method: req.method ?? '',
          url: req.url ?? '',
          userAgent: String(req.headers['user-agent'] ?? ''),
          raw: `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${headerLines.join('\r\n')}\r\n\r\n${body.toString('latin1')}`,
        };
        op.seen.push(seen);
        try {
          const forged = op.forge ? await op.forge(seen) : null;
          if (forged) {
            res.writeHead(forged.status, { 'content-type': 'text/plain; charset=utf-8' }).end(forged.body);
            return;
          }
          const r = await forward(req.method ?? 'GET', req.url ?? '/', req.headers, body);
          // A registration answer names the public URL: make it lead through the operator.
          const out = r.body.toString('latin1').includes(tunnelUrl)
            ? Buffer.from(r.body.toString('latin1').replaceAll(tunnelUrl, self), 'latin1')
            : r.body;
          const headers = { ...r.headers, 'content-length': String(out.length) };
          delete headers['transfer-encoding'];
          delete headers.connection;
          res.writeHead(r.status, headers).end(out);
        } catch {
          res.destroy(); // as the real server: no answer when the tunnel side fails
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: self,
    get seen() {
      return op.seen;
    },
    get forge() {
      return op.forge;
    },
    set forge(f: Forge | null) {
      op.forge = f;
    },
    forward: async (s) => {
      const r = await forward(s.method, s.url, { 'user-agent': s.userAgent, 'bypass-tunnel-reminder': '1' }, Buffer.alloc(0));
      return { status: r.status, body: r.body.toString('utf8') };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Rig {
  sim: Simulator;
  creds: Credentials;
  services: AppServices;
  operator: Operator;
  verifyToken: string;
  probes(): Seen[];
}

/** The simulator, the loopback tunnel server behind the operator, and Switchboard's services connected through them. */
async function rig(): Promise<Rig> {
  const sim = createSimulator({ seed: defaultSeed, timeFactor: 200 });
  await sim.listen(0);
  cleanups.push(() => sim.close());
  const tunnel = await startTunnelServer();
  cleanups.push(() => tunnel.close());
  const operator = await startOperator(tunnel.url);
  cleanups.push(() => operator.close());
  const services = await startAppServices({
    ...testServiceOptions(memoryLogger().log),
    localtunnelHost: operator.url,
    tunnelProbeIntervalMs: 100,
    tunnelBackoff: { floorMs: 100, capMs: 500 },
  });
  cleanups.push(() => services.close());
  const creds = sim.credentials();
  const res = await services.dispatch('connectAccount', {
    graphBaseUrl: creds.graphBaseUrl,
    apiVersion: creds.apiVersion,
    accessToken: creds.accessToken,
    appSecret: creds.appSecret,
    appId: creds.appId,
    wabaId: creds.wabaId,
    phoneNumberId: creds.phoneNumberId,
  });
  if (!res.ok) throw new Error(res.error.message);
  await until('Meta re-pointed through the tunnel', () => services.connection.view().callback.state === 'registered', 20_000);
  const verifyToken = services.account.verifyToken();
  if (!verifyToken) throw new Error('no verify token');
  return {
    sim,
    creds,
    services,
    operator,
    verifyToken,
    probes: () => operator.seen.filter((s) => s.userAgent === PROBE_AGENT),
  };
}

/** Every way a secret could be written into a request. */
function encodings(secret: string): string[] {
  const b = Buffer.from(secret, 'utf8');
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ x: secret }).toString().slice(2),
    b.toString('base64'),
    b.toString('base64url'),
    b.toString('hex'),
  ];
}

function leaks(raw: string, secrets: string[]): string[] {
  const lower = raw.toLowerCase();
  return [...new Set(secrets.flatMap((s) => encodings(s).filter((e) => lower.includes(e.toLowerCase()))))];
}

describe('the tunnel health probe puts no secret on the wire', () => {
  it('over a dozen probes through the tunnel carry neither the verify token nor the app secret, each with a fresh nonce', async () => {
    const r = await rig();
    await until('12 probes through the tunnel', () => r.probes().length >= 12, 20_000);
    const probes = r.probes().slice(0, 12);
    const secrets = [r.verifyToken, r.creds.appSecret, r.creds.accessToken];
    expect(probes.map((p) => leaks(p.raw, secrets))).toEqual(probes.map(() => []));
    // A fresh question every time: an answer recorded earlier is worth nothing later.
    expect(new Set(probes.map((p) => p.url)).size).toBe(probes.length);
    // Nothing Switchboard itself sends through the tunnel carries a secret; the verify token travels
    // only in Meta's own verification GET (Meta's protocol, once per re-point), never in ours.
    const carryingToken = r.operator.seen.filter((s) => leaks(s.raw, [r.verifyToken]).length > 0);
    expect(carryingToken.length).toBeGreaterThan(0);
    for (const s of carryingToken) {
      expect(s.userAgent).not.toBe(PROBE_AGENT);
      expect(s.url).toContain('hub.mode=subscribe');
    }
    expect(r.operator.seen.filter((s) => leaks(s.raw, [r.creds.appSecret, r.creds.accessToken]).length > 0)).toEqual([]);
    expect(r.services.connection.view().state).toBe('connected');
  });

  it('answers made up at the public URL — echoed, constant or replayed — are reported as not reachable', async () => {
    const r = await rig();
    const queryValues = (s: Seen): string[] => [...new URL(s.url, 'http://x').searchParams.values()];
    const forgers: Array<[string, () => Forge]> = [
      // Echoes the nonce back (what an answer to the old probe looked like: the challenge as the body).
      [
        'echo',
        () => (s) => {
          if (s.userAgent !== PROBE_AGENT) return null;
          const q = new URL(s.url, 'http://x').searchParams;
          return { status: 200, body: q.get('hub.challenge') ?? queryValues(s)[0] ?? '' };
        },
      ],
      ['constant', () => (s) => (s.userAgent === PROBE_AGENT ? { status: 200, body: 'OK' } : null)],
      [
        'replay',
        () => {
          let recorded: string | null = null;
          return async (s) => {
            if (s.userAgent !== PROBE_AGENT) return null;
            if (recorded === null) {
              const real = await r.operator.forward(s); // one genuine answer, recorded…
              if (real.status === 200) recorded = real.body;
              return real;
            }
            return { status: 200, body: recorded }; // …and played back for every later nonce
          };
        },
      ],
    ];
    for (const [name, make] of forgers) {
      await until(`connected before ${name}`, () => r.services.connection.view().state === 'connected', 20_000);
      r.operator.forge = make();
      r.services.connection.checkNow();
      const v = await until(
        `${name}: unreachable`,
        () => {
          const view = r.services.connection.view();
          return view.state === 'unreachable' ? view : null;
        },
        10_000,
      ).catch(() => r.services.connection.view());
      expect({ name, state: v.state }).toEqual({ name, state: 'unreachable' });
      expect(v.reason).toMatch(/^Health check through the public URL failed: /);
      r.operator.forge = null;
    }
    await until('connected again once the answers are real', () => r.services.connection.view().state === 'connected', 20_000);
  });

  it('Meta’s verification GET still answers the challenge through the tunnel, and only with the right token', async () => {
    const r = await rig();
    const callbackUrl = r.services.connection.view().callbackUrl ?? '';
    const get = async (query: string): Promise<{ status: number; body: string }> => {
      const res = await fetch(`${callbackUrl}?${query}`, { headers: { 'user-agent': 'facebookexternalua' } });
      return { status: res.status, body: await res.text() };
    };
    const token = encodeURIComponent(r.verifyToken);
    expect(await get(`hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`)).toEqual({ status: 200, body: '1158201444' });
    expect((await get(`hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444`)).status).toBe(403);
    expect((await get(`hub.mode=unsubscribe&hub.verify_token=${token}&hub.challenge=1`)).status).toBe(403);
  });
});

describe('the receiver’s probe route is no oracle', () => {
  const APP_SECRET = 'app-secret-for-probe-oracle';
  const VERIFY_TOKEN = 'verify-token-for-probe-oracle';

  async function receiver() {
    const { log } = memoryLogger();
    const rx = await startWebhookReceiver({
      inbox: new WebhookInbox(openDatabase(mkdtempSync(path.join(tmpdir(), 'sb-probe-'))), log),
      port: 0,
      appSecret: () => APP_SECRET,
      verifyToken: () => VERIFY_TOKEN,
      log,
    });
    cleanups.push(() => rx.close());
    return rx;
  }

  const get = async (port: number, target: string): Promise<{ status: number; body: string }> => {
    const res = await fetch(`http://127.0.0.1:${port}${target}`);
    return { status: res.status, body: await res.text() };
  };

  it('answers a nonce with an HMAC under a key of its own: not the nonce, not keyed by a secret, different per receiver', async () => {
    const a = await receiver();
    const b = await receiver();
    const nonce = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const fromA = await get(a.port, `/webhook?probe=${nonce}`);
    expect(fromA.status).toBe(200);
    expect(fromA.body).toMatch(/^[0-9a-f]{64}$/);
    expect(fromA.body).toBe(a.expectedProbeAnswer(nonce));
    expect(await get(a.port, `/webhook?probe=${nonce}`)).toEqual(fromA);
    expect((await get(b.port, `/webhook?probe=${nonce}`)).body).not.toBe(fromA.body);
    for (const secret of [APP_SECRET, VERIFY_TOKEN]) {
      expect(fromA.body).not.toBe(createHmac('sha256', secret).update(nonce).digest('hex'));
      expect(leaks(fromA.body, [secret])).toEqual([]);
    }
    expect(a.stats.verifications).toBe(0); // a probe is not Meta's verification
  });

  it('refuses what is not a plain nonce, cheaply and without echoing it', async () => {
    const rx = await receiver();
    for (const target of [
      '/webhook?probe=',
      '/webhook?probe=short',
      `/webhook?probe=${'a'.repeat(129)}`,
      '/webhook?probe=%3Cscript%3Ealert(1)%3C%2Fscript%3Exxxxxxxx',
      '/webhook?probe=aaaaaaaaaaaaaaaa&probe=bbbbbbbbbbbbbbbb',
      '/webhook/probe?probe=aaaaaaaaaaaaaaaa',
    ]) {
      const res = await get(rx.port, target);
      expect({ target, status: res.status }).toEqual({ target, status: target.startsWith('/webhook/') ? 404 : 400 });
      expect(res.body).not.toContain('script');
    }
  });
});
