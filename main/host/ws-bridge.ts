/**
 * The bridge over a WebSocket, for the browser host. The socket is only accepted when
 *  - the request's Host is this server's own loopback address (no DNS rebinding),
 *  - its Origin is this server's own origin (no other web page can connect), and
 *  - it carries the per-launch secret (`?secret=`), compared in constant time.
 * Frames: renderer → `{id, name, params}`; main → `{id, response}` and `{event, payload}`.
 */
import { secretsMatch } from '../core/secure-compare.ts';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatch } from '../bridge/dispatcher.ts';
import type { BridgeEventBus } from '../core/events.ts';
import type { Logger } from '../core/log.ts';

export const BRIDGE_PATH = '/bridge';
const MAX_FRAME_BYTES = 1024 * 1024;

/** Hosts this server answers to: its own loopback address and port, nothing else. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export type UpgradeVerdict = { ok: true } | { ok: false; status: 401 | 403 | 404; reason: string };

export function checkUpgrade(req: Pick<IncomingMessage, 'url' | 'headers'>, port: number, secret: string): UpgradeVerdict {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== BRIDGE_PATH) return { ok: false, status: 404, reason: 'not the bridge path' };
  const host = req.headers.host ?? '';
  if (!allowedHosts(port).has(host)) return { ok: false, status: 403, reason: 'foreign host' };
  const origin = req.headers.origin;
  if (!origin || !allowedHosts(port).has(origin.replace(/^http:\/\//, '')) || !origin.startsWith('http://')) {
    return { ok: false, status: 403, reason: 'foreign origin' };
  }
  if (!secretsMatch(url.searchParams.get('secret'), secret)) return { ok: false, status: 401, reason: 'missing or wrong secret' };
  return { ok: true };
}

const MAX_ID_LENGTH = 200;

/**
 * A frame's parts, read without trusting its shape: only a plain object's own `id`, `name` and
 * `params` count (never inherited ones, never `__proto__`); an id that is not a finite number or a
 * short string is answered as `null`. The name goes to the dispatcher as it came, which refuses
 * anything but one of the contract's request names.
 */
export function readFrame(msg: unknown): { id: number | string | null; name: unknown; params: unknown } {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return { id: null, name: undefined, params: undefined };
  const own = (key: string): unknown =>
    Object.prototype.hasOwnProperty.call(msg, key) ? (msg as Record<string, unknown>)[key] : undefined;
  const rawId = own('id');
  const id =
    (typeof rawId === 'number' && Number.isFinite(rawId)) || (typeof rawId === 'string' && rawId.length <= MAX_ID_LENGTH) ? rawId : null;
  return { id, name: own('name'), params: own('params') };
}

export interface WsBridge {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
  readonly clientCount: number;
}

export function createWsBridge(opts: {
  port: () => number;
  secret: string;
  dispatch: Dispatch;
  events: BridgeEventBus;
  log: Logger;
}): WsBridge {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const log = opts.log;

  const unsubscribe = opts.events.subscribe((event, payload) => {
    const frame = JSON.stringify({ event, payload });
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(frame);
  });

  wss.on('connection', (ws: WebSocket) => {
    log.info('bridge.ws.connected', { clients: wss.clients.size });
    const answer = (id: number | string | null, response: unknown): void => {
      try {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, response }));
      } catch (err) {
        log.warn('bridge.ws.send_failed', { error: err instanceof Error ? err.message : 'unknown' });
      }
    };
    const refuse = (message: string): void => answer(null, { ok: false, error: { code: 'invalid_params', message } });
    // Nothing a client sends may end the process: the frame's shape is checked before anything in
    // it is used, and no exception from handling it escapes this listener or the dispatch promise.
    ws.on('message', (data, isBinary) => {
      try {
        if (isBinary) return refuse('Binary frames are not part of the bridge protocol.');
        let msg: unknown;
        try {
          msg = JSON.parse(data.toString('utf8'));
        } catch {
          return refuse('Frame is not valid JSON.');
        }
        const { id, name, params } = readFrame(msg);
        opts.dispatch(name, params).then(
          (response) => answer(id, response),
          (err: unknown) => {
            log.error('bridge.ws.dispatch_failed', { error: err instanceof Error ? err.message : 'unknown' });
            answer(id, { ok: false, error: { code: 'internal', message: 'Switchboard could not handle this request.' } });
          },
        );
      } catch (err) {
        log.error('bridge.ws.frame_failed', { error: err instanceof Error ? err.message : 'unknown' });
      }
    });
    ws.on('error', (err) => log.warn('bridge.ws.error', { error: err.message }));
  });

  return {
    handleUpgrade(req, socket, head) {
      const verdict = checkUpgrade(req, opts.port(), opts.secret);
      if (!verdict.ok) {
        log.warn('bridge.ws.refused', { status: verdict.status, reason: verdict.reason });
        const text = verdict.status === 401 ? 'Unauthorized' : verdict.status === 403 ? 'Forbidden' : 'Not Found';
        socket.end(`HTTP/1.1 ${verdict.status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    async close() {
      unsubscribe();
      for (const c of wss.clients) c.close(1001, 'host shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    get clientCount() {
      return wss.clients.size;
    },
  };
}
