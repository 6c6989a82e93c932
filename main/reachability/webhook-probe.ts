/**
 * The health probe: one verification handshake through the public URL, exactly as Meta does it
 * (`GET {callbackUrl}?hub.mode=subscribe&hub.verify_token=…&hub.challenge=<nonce>`), so the
 * receiver needs no extra route. Success is HTTP 200 with the nonce as the whole body.
 *
 * Sent with `bypass-tunnel-reminder: 1` and a non-browser User-Agent (localtunnel's reminder page
 * answers 401 to browser-looking requests without that header). A fresh connection every time
 * (no keep-alive pool): a pooled socket to a restarted server would fail for the wrong reason, and
 * nothing is left open between probes. The URL carries the verify token: it is never logged.
 */
import http from 'node:http';
import https from 'node:https';
import { realTimers, type Timers } from './tunnel-provider.ts';

/** `kind`: 'network' (no HTTP answer: refused, reset, timeout, DNS…) or 'answer' (an HTTP answer that is not the nonce). */
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
      return 'the connection was refused';
    case 'ECONNRESET':
      return 'the connection was closed before an answer';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the address could not be resolved (is this computer offline?)';
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return 'the network is unreachable';
    default:
      if (typeof code === 'string' && /CERT|SSL|TLS/.test(code)) return `the HTTPS certificate was not accepted (${code})`;
      return message === 'socket hang up' ? 'the connection was closed before an answer' : `the request failed (${message})`;
  }
}

function describeStatus(status: number): string {
  switch (status) {
    case 401:
      return 'HTTP 401 (the tunnel’s reminder page, or a proxy asking for a password)';
    case 403:
      return 'HTTP 403 (the receiver refused the verify token)';
    case 404:
      return 'HTTP 404 (the public URL does not lead to Switchboard’s webhook)';
    default:
      return `HTTP ${status}`;
  }
}

export function buildProbeUrl(callbackUrl: string, verifyToken: string, nonce: string): URL {
  const u = new URL(callbackUrl);
  u.searchParams.set('hub.mode', 'subscribe');
  u.searchParams.set('hub.verify_token', verifyToken);
  u.searchParams.set('hub.challenge', nonce);
  return u;
}

export function probeWebhook(callbackUrl: string, verifyToken: string, nonce: string, opts: ProbeOptions): Promise<ProbeResult> {
  const timers = opts.timers ?? realTimers;
  let url: URL;
  try {
    url = buildProbeUrl(callbackUrl, verifyToken, nonce);
  } catch {
    return Promise.resolve({ ok: false, kind: 'answer', reason: 'the public URL is not a valid address' });
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
          if (size > MAX_BODY) return finish({ ok: false, kind: 'answer', reason: `${describeStatus(status)} with an unexpected answer` });
          chunks.push(c);
        });
        res.on('end', () => {
          if (status !== 200) return finish({ ok: false, kind: 'answer', reason: describeStatus(status) });
          const body = Buffer.concat(chunks).toString('utf8');
          if (body !== nonce)
            return finish({
              ok: false,
              kind: 'answer',
              reason: 'the answer was not Switchboard’s (the public URL may lead somewhere else)',
            });
          finish({ ok: true });
        });
        res.on('error', (err) => finish({ ok: false, kind: 'network', reason: describeNetworkError(err) }));
      },
    );
    req.on('error', (err) => finish({ ok: false, kind: 'network', reason: describeNetworkError(err) }));
    const timer = timers.setTimeout(
      () => finish({ ok: false, kind: 'network', reason: `no answer within ${Number((opts.timeoutMs / 1000).toFixed(1))} s` }),
      opts.timeoutMs,
    );
  });
}
