/**
 * The health probe: `GET {callbackUrl}?probe=<nonce>` through the public URL. Success is HTTP 200
 * with exactly the answer the caller expects: HMAC-SHA256 of the nonce under the receiver's
 * per-process key (main/webhooks/probe-answer.ts). No secret is in the request — it crosses
 * localtunnel's plain-TCP hop, readable by the tunnel operator and anyone on the path — and an
 * echoed, constant or replayed answer does not pass (each probe has a fresh random nonce).
 *
 * Sent with `bypass-tunnel-reminder: 1` and a non-browser User-Agent (localtunnel's reminder page
 * answers 401 to browser-looking requests without that header). A fresh connection every time
 * (no keep-alive pool): a pooled socket to a restarted server would fail for the wrong reason, and
 * nothing is left open between probes.
 */
import http from 'node:http';
import https from 'node:https';
import { secretsMatch } from '../core/secure-compare.ts';
import { PROBE_PARAM } from '../webhooks/probe-answer.ts';
import { tr } from '../i18n/tr.ts';
import { realTimers, type Timers } from './tunnel-provider.ts';

/** `kind`: 'network' (no HTTP answer: refused, reset, timeout, DNS…) or 'answer' (an HTTP answer that is not the expected one). */
export type ProbeResult = { ok: true } | { ok: false; reason: string; kind?: 'network' | 'answer' };

export interface ProbeOptions {
  timeoutMs: number;
  timers?: Timers;
}

const MAX_BODY = 4096;

function describeNetworkError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'ECONNREFUSED':
      return tr('probe.refused');
    case 'ECONNRESET':
      return tr('probe.closed');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return tr('probe.notResolved');
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return tr('probe.unreachable');
    default:
      if (typeof code === 'string' && /CERT|SSL|TLS/.test(code)) return tr('probe.certificate', { code });
      return message === 'socket hang up' ? tr('probe.closed') : tr('probe.failed', { error: message });
  }
}

function describeStatus(status: number): string {
  switch (status) {
    case 401:
      return tr('probe.http401');
    case 400:
      return tr('probe.http400');
    case 404:
      return tr('probe.http404');
    default:
      return `HTTP ${status}`;
  }
}

export function buildProbeUrl(callbackUrl: string, nonce: string): URL {
  const u = new URL(callbackUrl);
  u.searchParams.set(PROBE_PARAM, nonce);
  return u;
}

/** `expected`: the receiver's answer to this nonce (`WebhookReceiver.expectedProbeAnswer`). */
export function probeWebhook(callbackUrl: string, nonce: string, expected: string, opts: ProbeOptions): Promise<ProbeResult> {
  const timers = opts.timers ?? realTimers;
  let url: URL;
  try {
    url = buildProbeUrl(callbackUrl, nonce);
  } catch {
    return Promise.resolve({ ok: false, kind: 'answer', reason: tr('probe.badUrl') });
  }
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<ProbeResult>((resolve) => {
    let done = false;
    const finish = (r: ProbeResult): void => {
      if (done) return;
      done = true;
      timers.clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const req = lib.get(
      url,
      { agent: false, headers: { 'bypass-tunnel-reminder': '1', 'user-agent': 'Switchboard-reachability/1', accept: 'text/plain' } },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY)
            return finish({ ok: false, kind: 'answer', reason: tr('probe.unexpectedAnswer', { status: describeStatus(status) }) });
          chunks.push(c);
        });
        res.on('end', () => {
          if (status !== 200) return finish({ ok: false, kind: 'answer', reason: describeStatus(status) });
          const body = Buffer.concat(chunks).toString('utf8');
          if (!secretsMatch(body, expected))
            return finish({
              ok: false,
              kind: 'answer',
              reason: tr('probe.notOurs'),
            });
          finish({ ok: true });
        });
        res.on('error', (err) => finish({ ok: false, kind: 'network', reason: describeNetworkError(err) }));
      },
    );
    req.on('error', (err) => finish({ ok: false, kind: 'network', reason: describeNetworkError(err) }));
    const timer = timers.setTimeout(
      () => finish({ ok: false, kind: 'network', reason: tr('probe.noAnswer', { seconds: Number((opts.timeoutMs / 1000).toFixed(1)) }) }),
      opts.timeoutMs,
    );
  });
}
