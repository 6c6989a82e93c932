/**
 * The webhook receiver: an HTTP server on 127.0.0.1 (the tunnel makes it public, so every
 * request is assumed hostile). Three routes, on one path:
 *
 *   GET  {path}?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…  → 200 challenge | 403
 *   GET  {path}?probe=<nonce>                                            → 200 HMAC(probeKey, nonce) | 400
 *   POST {path}  (X-Hub-Signature-256 over the raw bytes)               → 200 once stored
 *
 * Everything else is a plain 404 (400 or 431 for what Node's HTTP parser refuses: bad bytes,
 * conflicting lengths, oversized headers), with no server banner and no CORS headers — the browser host's bridge and every other part of the app live on
 * other servers and are never reachable through this one. A POST is checked in this order:
 * size (413 over 3 MB, before reading it all), signature over the exact bytes (401, counted and
 * logged at most once per interval), then written to the inbox in one transaction and only then
 * answered 200; processing runs after the answer. The first GET is Meta's verification; the
 * second is the tunnel's health probe (probe-answer.ts), which proves the path with an HMAC under a
 * per-process random key instead of sending the verify token through the tunnel.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../core/log.ts';
import { secretsMatch } from '../core/secure-compare.ts';
import type { WebhookInbox } from './inbox.ts';
import { isProbeNonce, newProbeKey, PROBE_PARAM, probeAnswer } from './probe-answer.ts';
import { isValidSignature } from './signature.ts';

export const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024;
export const DEFAULT_WEBHOOK_PATH = '/webhook';

export interface ReceiverStats {
  accepted: number;
  duplicates: number;
  rejectedSignature: number;
  rejectedTooLarge: number;
  /** Meta's verification GETs answered with the challenge. */
  verifications: number;
  /** Health probes answered (probe-answer.ts). */
  probes: number;
  /** Connections cut for sending too slowly while others waited. */
  slowSendersCut: number;
  lastEventAt: string | null;
}

export interface WebhookReceiver {
  readonly port: number;
  readonly path: string;
  readonly stats: ReceiverStats;
  /** What this receiver answers to a health probe with this nonce (the key itself never leaves it). */
  expectedProbeAnswer(nonce: string): string;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  inbox: WebhookInbox;
  port: number;
  path?: string;
  /** Secrets come from the keychain-backed secrets service; null when no account is connected. */
  appSecret: () => string | null;
  verifyToken: () => string | null;
  log: Logger;
  clock?: () => Date;
  /** Minimum time between two "bad signature" log lines. */
  signatureLogIntervalMs?: number;
  /** Slow-sender limits (defaults: RECEIVER_TIMEOUTS). */
  timeouts?: Partial<ReceiverTimeouts>;
  /** The health probe's HMAC key (default: 32 random bytes, made at start and never sent anywhere). */
  probeKey?: Buffer;
}

/**
 * How long a sender may take. WhatsApp sends a whole webhook at once, so a request that is still
 * arriving after a few seconds is someone holding a tunnel socket. `checkEveryMs` is how often Node
 * looks (its default, 30 s, would let a 15 s limit run to 45 s).
 */
export interface ReceiverTimeouts {
  headersMs: number;
  requestMs: number;
  checkEveryMs: number;
}
export const RECEIVER_TIMEOUTS: ReceiverTimeouts = { headersMs: 3_000, requestMs: 5_000, checkEveryMs: 250 };

/**
 * Requests still arriving after this long are "slow"; at most MAX_SLOW_SENDERS of them may hold a
 * connection at once (the oldest beyond that are cut), so slow senders cannot take every tunnel
 * socket from WhatsApp, whose webhooks arrive whole.
 */
export const SLOW_SENDER_MS = 1_000;
export const MAX_SLOW_SENDERS = 2;
/** Idle connections are kept (they are the tunnel's pool); this bounds how many. */
export const MAX_CONNECTIONS = 256;

/** How long a connection whose body was refused stays open after the 413, so the sender can read it. */
const REFUSED_BODY_GRACE_MS = 500;

function send(res: ServerResponse, status: number, body = '', type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/**
 * Watches every connection for slow senders and cuts the oldest beyond MAX_SLOW_SENDERS. `track`
 * is called for each request; `idleBytes` is what a connection had read when its last answer went.
 */
function watchSlowSenders(
  server: Server,
  stats: ReceiverStats,
  log: Logger,
  checkEveryMs: number,
): { track: (req: IncomingMessage, res: ServerResponse) => void; idleBytes: (socket: Socket) => number | undefined; stop: () => void } {
  // Per connection: is a request arriving, and since when? A request is arriving while its body is
  // incomplete, or (before Node has its headers) while bytes came in after the last answer.
  interface ConnState {
    idleBytes: number;
    active: boolean;
    bodyDone: boolean;
    since: number | null;
  }
  const conns = new Map<Socket, ConnState>();
  server.on('connection', (socket: Socket) => {
    conns.set(socket, { idleBytes: 0, active: false, bodyDone: false, since: null });
    socket.once('close', () => conns.delete(socket));
  });
  function track(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    const c = conns.get(socket);
    if (!c) return;
    c.active = true;
    c.bodyDone = req.complete;
    c.since = Date.now();
    req.once('end', () => (c.bodyDone = true));
    res.once('finish', () => {
      c.active = false;
      c.since = null;
      c.idleBytes = socket.bytesRead;
    });
  }
  const slowCheck = setInterval(() => {
    const now = Date.now();
    const slow: Array<[Socket, number]> = [];
    for (const [socket, c] of conns) {
      if (c.active) {
        if (c.bodyDone) continue;
      } else if (socket.bytesRead > c.idleBytes) {
        c.since ??= now;
      } else {
        c.since = null;
        continue;
      }
      if (c.since !== null && now - c.since >= SLOW_SENDER_MS) slow.push([socket, c.since]);
    }
    if (slow.length <= MAX_SLOW_SENDERS) return;
    slow.sort((a, b) => a[1] - b[1]);
    const cut = slow.slice(0, slow.length - MAX_SLOW_SENDERS);
    for (const [socket] of cut) socket.destroy();
    stats.slowSendersCut += cut.length;
    log.warn('webhook.slow_senders_cut', { count: cut.length, total: stats.slowSendersCut });
  }, checkEveryMs);
  slowCheck.unref();
  return { track, idleBytes: (socket) => conns.get(socket)?.idleBytes, stop: () => clearInterval(slowCheck) };
}

/** Answers (or drops) what never becomes a request: refused by Node's parser, or CONNECT. */
function answerRefusedRequests(server: Server, idleBytes: (socket: Socket) => number | undefined): void {
  // A request Node's parser refuses (bad bytes, smuggling headers, huge headers) still gets a plain
  // answer with nothing about the server in it, then the connection is closed.
  //
  // Never answer a connection that has not sent a byte. Node reports its headers timeout for idle
  // new connections too, and localtunnel's client keeps several of those open to us; an answer
  // written there travels up the tunnel socket, waits unread in the tunnel server's pool and is
  // taken as the answer to the next request sent over that socket (a probe, or WhatsApp's webhook).
  // Ignoring the report leaves the connection as it was: Node stops timing it until a request begins.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' && (socket as Socket).bytesRead === (idleBytes(socket as Socket) ?? 0)) return;
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const [status, text] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? ['431 Request Header Fields Too Large', 'Request header fields too large']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? ['408 Request Timeout', 'Request timeout']
          : ['400 Bad Request', 'Bad request'];
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${text.length}\r\nConnection: close\r\n\r\n${text}`,
    );
    (socket as Socket).setTimeout(5000, () => socket.destroy());
  });
  // CONNECT is not a route either (without this listener Node drops the connection unanswered).
  server.on('connect', (_req, socket) => {
    socket.end(
      'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 9\r\nConnection: close\r\n\r\nNot found',
    );
  });
}

/**
 * Answers 413 and ends the connection without reading the rest of the refused body: reading stops
 * at once (the sender's TCP window closes), and the socket is destroyed a moment after the answer
 * went, so a sender that never stops costs nothing more.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  // Marks the body as being read by us, so Node does not drain ("dump") it after the answer, and
  // stops reading: what the sender still sends waits in the kernel until the socket is cut.
  req.read(0);
  req.pause();
  socket.pause();
  // After a `connection: close` answer Node destroys the socket at once; with the refused body
  // still unread that is a reset, which can discard the 413 before the sender reads it. Here it
  // half-closes instead (the answer, then FIN), and the socket is cut a moment later.
  socket.destroySoon = () => socket.end();
  res.setHeader('connection', 'close');
  send(res, 413, 'Payload too large');
  res.on('finish', () => setTimeout(() => socket.destroy(), REFUSED_BODY_GRACE_MS).unref());
}

/**
 * The POST route: size limit (413), signature over the exact bytes (401, logged at most once per
 * `signatureLogIntervalMs`), then stored in the inbox and only then answered 200.
 */
function eventHandler(opts: ReceiverOptions, stats: ReceiverStats, clock: () => Date): (req: IncomingMessage, res: ServerResponse) => void {
  const log = opts.log;
  const logEvery = opts.signatureLogIntervalMs ?? 10_000;
  let lastSignatureLog = 0;
  let unloggedSignatureFailures = 0;

  return (req: IncomingMessage, res: ServerResponse): void => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > MAX_WEBHOOK_BYTES) {
      stats.rejectedTooLarge++;
      refuseTooLarge(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    req.on('data', (c: Buffer) => {
      if (aborted) return;
      size += c.length;
      if (size > MAX_WEBHOOK_BYTES) {
        aborted = true;
        stats.rejectedTooLarge++;
        refuseTooLarge(req, res);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (aborted) return;
      const raw = Buffer.concat(chunks, size);
      const secret = opts.appSecret();
      if (!secret) {
        send(res, 503, 'Not configured');
        return;
      }
      if (!isValidSignature(raw, req.headers['x-hub-signature-256'], secret)) {
        stats.rejectedSignature++;
        unloggedSignatureFailures++;
        const now = Date.now();
        if (now - lastSignatureLog >= logEvery) {
          log.warn('webhook.bad_signature', { count: unloggedSignatureFailures, total: stats.rejectedSignature });
          lastSignatureLog = now;
          unloggedSignatureFailures = 0;
        }
        send(res, 401, 'Invalid signature');
        return;
      }
      opts.inbox.store(raw).then(
        (stored) => {
          stats.accepted++;
          if (stored.duplicate) stats.duplicates++;
          stats.lastEventAt = clock().toISOString();
          send(res, 200, 'OK');
          void opts.inbox.drain();
        },
        (err: unknown) => {
          // Not stored → not acknowledged: Meta retries later.
          log.error('webhook.store_failed', { error: (err as Error).message });
          send(res, 500, 'Could not store event');
        },
      );
    });
    req.on('error', () => {
      aborted = true;
    });
  };
}

export async function startWebhookReceiver(opts: ReceiverOptions): Promise<WebhookReceiver> {
  const path = opts.path ?? DEFAULT_WEBHOOK_PATH;
  const clock = opts.clock ?? (() => new Date());
  const log = opts.log;
  const stats: ReceiverStats = {
    accepted: 0,
    duplicates: 0,
    rejectedSignature: 0,
    rejectedTooLarge: 0,
    verifications: 0,
    probes: 0,
    slowSendersCut: 0,
    lastEventAt: null,
  };

  const handleVerify = (url: URL, res: ServerResponse): void => {
    const token = opts.verifyToken();
    const mode = url.searchParams.get('hub.mode');
    const challenge = url.searchParams.get('hub.challenge');
    if (
      mode === 'subscribe' &&
      token &&
      challenge !== null &&
      challenge.length <= 512 &&
      secretsMatch(url.searchParams.get('hub.verify_token'), token)
    ) {
      stats.verifications++;
      send(res, 200, challenge);
    } else {
      send(res, 403, 'Forbidden');
    }
  };

  // The health probe: an HMAC of the caller's nonce under a key nobody else has (probe-answer.ts).
  const probeKey = opts.probeKey ?? newProbeKey();
  const handleProbe = (url: URL, res: ServerResponse): void => {
    const nonces = url.searchParams.getAll(PROBE_PARAM);
    const nonce = nonces.length === 1 ? nonces[0]! : '';
    if (!isProbeNonce(nonce)) {
      send(res, 400, 'Bad request');
      return;
    }
    stats.probes++;
    send(res, 200, probeAnswer(probeKey, nonce));
  };

  const handleEvent = eventHandler(opts, stats, clock);

  const timeouts = { ...RECEIVER_TIMEOUTS, ...opts.timeouts };
  // keepAliveTimeout 0: an idle connection is never closed by us. localtunnel's client keeps its
  // sockets connected to us between requests; closing one races with the next request the tunnel
  // server sends over it. The limits above apply only once a request has begun.
  const server: Server = createServer(
    {
      connectionsCheckingInterval: timeouts.checkEveryMs,
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: 0,
    },
    (req, res) => {
      watch.track(req, res);
      const rawPath = (req.url ?? '/').split('?')[0];
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://127.0.0.1');
      } catch {
        send(res, 404, 'Not found');
        return;
      }
      // The exact path as sent: no normalisation lets "/x/../webhook" or "//webhook" in.
      if (rawPath !== path) {
        send(res, 404, 'Not found');
        req.resume();
        return;
      }
      if (req.method === 'GET' && !url.searchParams.has('hub.mode') && url.searchParams.has(PROBE_PARAM)) handleProbe(url, res);
      else if (req.method === 'GET') handleVerify(url, res);
      else if (req.method === 'POST') handleEvent(req, res);
      else {
        send(res, 404, 'Not found');
        req.resume();
      }
    },
  );
  server.maxConnections = MAX_CONNECTIONS;
  const watch = watchSlowSenders(server, stats, log, timeouts.checkEveryMs);
  answerRefusedRequests(server, watch.idleBytes);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info('webhook.listening', { port, path });
  // Anything left pending by a crash between "stored" and "processed" is applied now.
  void opts.inbox.drain();

  return {
    port,
    path,
    stats,
    expectedProbeAnswer: (nonce) => probeAnswer(probeKey, nonce),
    close: () =>
      new Promise<void>((resolve) => {
        watch.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
