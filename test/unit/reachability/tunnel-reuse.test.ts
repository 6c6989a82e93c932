/**
 * The real webhook receiver behind the REAL localtunnel client and a tunnel server that reuses its
 * sockets as the real localtunnel server does (keep-alive agent, sockets left unread in the pool).
 *
 * What must hold: every request through the tunnel gets its own answer — never a stray one the
 * receiver wrote on an idle tunnel socket — across idle gaps longer than every receiver timeout,
 * with probes and webhooks concurrent; and slow senders cannot hold the tunnel.
 */
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocaltunnelProvider } from '../../../main/reachability/localtunnel-provider.ts';
import { probeWebhook } from '../../../main/reachability/webhook-probe.ts';
import { openDatabase } from '../../../main/storage/database.ts';
import { WebhookInbox } from '../../../main/webhooks/inbox.ts';
import { signBody } from '../../../main/webhooks/signature.ts';
import { startWebhookReceiver, type ReceiverTimeouts } from '../../../main/webhooks/webhook-receiver.ts';
import { startTunnelServer } from '../../support/tunnel-server.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { textMessage } from '../../support/webhooks.ts';

const APP_SECRET = 'app-secret-for-tunnel-reuse';
const VERIFY_TOKEN = 'verify-token-for-tunnel-reuse';
// Short versions of the receiver's limits, so idle gaps longer than all of them take a second.
const FAST: ReceiverTimeouts = { headersMs: 400, requestMs: 800, checkEveryMs: 50 };

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function setup(timeouts: Partial<ReceiverTimeouts> = FAST) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-reuse-'));
  const db = openDatabase(dir);
  const { log } = memoryLogger();
  const inbox = new WebhookInbox(db, log);
  const receiver = await startWebhookReceiver({
    inbox,
    port: 0,
    appSecret: () => APP_SECRET,
    verifyToken: () => VERIFY_TOKEN,
    log,
    timeouts,
  });
  cleanups.push(() => receiver.close());
  const server = await startTunnelServer();
  cleanups.push(() => server.close());
  const lt = new LocaltunnelProvider({ host: server.url, startTimeoutMs: 5_000, stopGraceMs: 500 });
  cleanups.push(() => lt.stop());
  const { url } = await lt.start(receiver.port);
  const callbackUrl = `${url}/webhook`;
  return { server, receiver, inbox, callbackUrl };
}

/** A signed webhook POST through the public URL, asking for keep-alive as an HTTP/1.1 client does (the header passes through the tunnel). */
function postWebhook(url: string, payload: unknown, timeoutMs = 5_000): Promise<{ status: number; body: string; ms: number }> {
  const body = Buffer.from(JSON.stringify(payload));
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          connection: 'keep-alive',
          'content-type': 'application/json',
          'content-length': body.length,
          'x-hub-signature-256': signBody(body, APP_SECRET),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }),
        );
      },
    );
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      resolve({ status: 0, body: 'no answer', ms: performance.now() - started });
    });
    req.on('error', (e) => resolve({ status: 0, body: e.message, ms: performance.now() - started }));
    req.end(body);
  });
}

describe('webhooks and probes through a tunnel that reuses its sockets', () => {
  it('idle gaps longer than every receiver timeout never produce a stray answer', async () => {
    const { server, receiver, inbox, callbackUrl } = await setup();
    const answers: string[] = [];
    let n = 0;
    for (let round = 0; round < 3; round++) {
      await sleep(FAST.requestMs + FAST.headersMs + 300); // every idle tunnel socket is now past every limit
      const probes = Array.from({ length: 3 }, (_, i) =>
        probeWebhook(callbackUrl, `nonce${round}x${i}-0123456789`, receiver.expectedProbeAnswer(`nonce${round}x${i}-0123456789`), {
          timeoutMs: 3_000,
        }),
      );
      const hooks = Array.from({ length: 4 }, () => postWebhook(callbackUrl, textMessage(`wamid.reuse${n++}`, '5511987654321', 'hello')));
      for (const p of await Promise.all(probes)) answers.push(p.ok ? 'probe ok' : `probe failed: ${p.reason}`);
      for (const h of await Promise.all(hooks))
        answers.push(h.status === 200 && h.body === 'OK' ? 'webhook ok' : `webhook ${h.status} ${h.body}`);
    }
    expect(answers).toEqual(Array.from({ length: 3 }, () => [...Array(3).fill('probe ok'), ...Array(4).fill('webhook ok')]).flat());
    expect(inbox.counts().total).toBe(12);
    // The test means something only if requests really went over sockets used before.
    expect(server.stats.reused).toBeGreaterThan(0);
    expect(server.stats.upstreamErrors).toBe(0);
  });

  it('slow senders holding every tunnel socket do not keep a webhook out for more than a second', async () => {
    const { receiver, callbackUrl } = await setup({}); // the production limits
    // Twelve senders that trickle a body one byte at a time: more than the tunnel's ten sockets.
    const slow: http.ClientRequest[] = [];
    const timers: NodeJS.Timeout[] = [];
    for (let i = 0; i < 12; i++) {
      const req = http.request(callbackUrl, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': 1000 },
      });
      req.on('error', () => undefined);
      req.flushHeaders();
      timers.push(setInterval(() => req.write('x'), 200));
      slow.push(req);
    }
    cleanups.push(async () => {
      for (const t of timers) clearInterval(t);
      for (const r of slow) r.destroy();
    });
    // Idle connections too: a socket that never sends a byte must not count as slow.
    await sleep(1_500);
    const results: Array<{ status: number; ms: number }> = [];
    for (let i = 0; i < 5; i++) {
      results.push(await postWebhook(callbackUrl, textMessage(`wamid.slow${i}`, '5511987654321', 'still there?')));
      await sleep(300);
    }
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    console.log(`webhook latency with 12 slow senders: ${results.map((r) => Math.round(r.ms)).join(', ')} ms`);
    for (const r of results) expect(r.ms).toBeLessThan(1_000);
    expect(receiver.stats.slowSendersCut).toBeGreaterThan(0);
  });
});
