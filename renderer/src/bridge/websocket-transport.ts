/**
 * The browser host's transport (`npm run web`): the bridge over a WebSocket on the page's own origin.
 *
 * The host prints `http://127.0.0.1:PORT/#secret=XYZ`. The secret is read from the fragment, kept
 * in sessionStorage (so a reload of this tab still works) and removed from the visible URL. The
 * socket is `ws://HOST/bridge?secret=…`; frames are `{id, name, params}` out, `{id, response}` and
 * `{event, payload}` in. A dropped socket is reopened with capped exponential backoff; a request
 * made while disconnected waits for the connection, up to `connectTimeoutMs`, and then fails with
 * code `unavailable`. A request already sent when the socket drops fails with `unavailable` too
 * (it is not re-sent: later requests, such as answering a call, are not safe to repeat).
 */
import type { BridgeResponse, EventName, RequestName } from '../../../common/bridge-contract.ts';
import type { BridgeConnection, BridgeTransport, ConnectionReason, ConnectionState } from './bridge.ts';

export const SECRET_STORAGE_KEY = 'switchboard.bridgeSecret';
export const BRIDGE_PATH = '/bridge';

/** The parts of the browser's WebSocket this transport uses (a test passes a fake class). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WebSocketTransportOptions {
  location: Pick<Location, 'protocol' | 'host' | 'pathname' | 'search' | 'hash'>;
  history: Pick<History, 'replaceState' | 'state'> | null;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  WebSocket: WebSocketConstructor;
  /** How long a request waits for a connection before failing with `unavailable`. */
  connectTimeoutMs?: number;
  /** Backoff between reconnect attempts: initial delay, doubled each failure, capped. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Failed attempts in a row (without ever opening) before the reason becomes `unreachable`. */
  unreachableAfter?: number;
}

interface Pending {
  resolve: (response: BridgeResponse<unknown>) => void;
  frame: string;
  sent: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

const OPEN_STATE = 1;

/** Reads `secret` from a `#secret=…` fragment (other fragment parameters are left alone). */
export function secretFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const secret = params.get('secret');
  return secret && secret.length > 0 ? secret : null;
}

/**
 * Finds the secret (fragment first, then sessionStorage), remembers it, and takes it out of the
 * address bar so it is not left in view, in screenshots or in copied links.
 */
export function takeSecret(opts: Pick<WebSocketTransportOptions, 'location' | 'history' | 'storage'>): string | null {
  const fromHash = secretFromHash(opts.location.hash);
  if (fromHash) {
    try {
      opts.storage?.setItem(SECRET_STORAGE_KEY, fromHash);
    } catch {
      // Storage may be disabled; the secret still works for this page load.
    }
    const params = new URLSearchParams(opts.location.hash.slice(1));
    params.delete('secret');
    const rest = params.toString();
    try {
      opts.history?.replaceState(opts.history.state, '', `${opts.location.pathname}${opts.location.search}${rest ? `#${rest}` : ''}`);
    } catch {
      // A sandboxed page may refuse; nothing else depends on it.
    }
    return fromHash;
  }
  try {
    return opts.storage?.getItem(SECRET_STORAGE_KEY) || null;
  } catch {
    return null;
  }
}

export function bridgeUrl(location: Pick<Location, 'protocol' | 'host'>, secret: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${BRIDGE_PATH}?secret=${encodeURIComponent(secret)}`;
}

export function createWebSocketTransport(opts: WebSocketTransportOptions): BridgeTransport {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  const backoffInitialMs = opts.backoffInitialMs ?? 500;
  const backoffMaxMs = opts.backoffMaxMs ?? 10_000;
  const unreachableAfter = opts.unreachableAfter ?? 4;

  const secret = takeSecret(opts);
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(c: BridgeConnection) => void>();
  let nextId = 1;
  let socket: WebSocketLike | null = null;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  let stopped = false;
  let connection: BridgeConnection = secret ? { state: 'connecting', reason: null } : { state: 'closed', reason: 'no_secret' };

  function setConnection(state: ConnectionState, reason: ConnectionReason): void {
    if (connection.state === state && connection.reason === reason) return;
    connection = { state, reason };
    for (const l of [...connectionListeners]) l(connection);
  }

  function unavailable(message: string): BridgeResponse<never> {
    return { ok: false, error: { code: 'unavailable', message } };
  }

  function settle(id: number, response: BridgeResponse<unknown>): void {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    p.resolve(response);
  }

  function flush(): void {
    if (!socket || socket.readyState !== OPEN_STATE) return;
    for (const p of pending.values()) {
      if (p.sent) continue;
      socket.send(p.frame);
      p.sent = true;
      if (p.timer) clearTimeout(p.timer);
      p.timer = null;
    }
  }

  function connect(): void {
    if (stopped || !secret) return;
    let ws: WebSocketLike;
    try {
      ws = new opts.WebSocket(bridgeUrl(opts.location, secret));
    } catch {
      failures += 1;
      scheduleReconnect();
      return;
    }
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      if (socket !== ws) return;
      opened = true;
      failures = 0;
      setConnection('open', null);
      flush();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (socket !== ws) return;
      handleFrame(ev.data);
    };
    ws.onerror = () => {
      // A close event always follows; reconnecting is handled there.
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const [id, p] of [...pending]) {
        if (p.sent) settle(id, unavailable('The connection to Switchboard dropped before it answered. Try again.'));
      }
      if (stopped) return;
      if (!opened) failures += 1;
      scheduleReconnect(opened);
    };
  }

  function scheduleReconnect(wasOpen = false): void {
    if (stopped || reconnectTimer) return;
    setConnection('connecting', wasOpen ? 'lost' : failures >= unreachableAfter ? 'unreachable' : connection.reason);
    const delay = Math.min(backoffMaxMs, backoffInitialMs * 2 ** Math.max(0, failures - 1));
    reconnectTimer = setTimeout(
      () => {
        reconnectTimer = null;
        connect();
      },
      wasOpen ? 0 : delay,
    );
  }

  function handleFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    const frame = msg as { id?: unknown; response?: unknown; event?: unknown; payload?: unknown };
    if (typeof frame.event === 'string') {
      const set = listeners.get(frame.event as EventName);
      if (set) for (const l of [...set]) l(frame.payload);
      return;
    }
    if (typeof frame.id === 'number' && frame.response !== undefined) {
      settle(frame.id, frame.response as BridgeResponse<unknown>);
    }
  }

  connect();

  return {
    kind: 'websocket',
    call(name: RequestName, params: unknown): Promise<BridgeResponse<unknown>> {
      if (!secret) {
        return Promise.resolve(
          unavailable('This page was opened without its key. Open the link printed by `npm run web` (it ends in #secret=…).'),
        );
      }
      if (stopped) return Promise.resolve(unavailable('The connection to Switchboard is closed.'));
      const id = nextId++;
      return new Promise((resolve) => {
        const p: Pending = { resolve, frame: JSON.stringify({ id, name, params }), sent: false, timer: null };
        pending.set(id, p);
        if (socket && socket.readyState === OPEN_STATE) {
          flush();
        } else {
          p.timer = setTimeout(
            () =>
              settle(id, unavailable('Switchboard is not reachable right now. Check that `npm run web` is still running, then try again.')),
            connectTimeoutMs,
          );
        }
      });
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    connection: () => connection,
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    close() {
      if (stopped) return;
      stopped = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      const ws = socket;
      socket = null;
      for (const id of [...pending.keys()]) settle(id, unavailable('The connection to Switchboard is closed.'));
      try {
        ws?.close(1000, 'closed by the app');
      } catch {
        // Already closing.
      }
      setConnection('closed', secret ? 'stopped' : 'no_secret');
    },
  };
}
