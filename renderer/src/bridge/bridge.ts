/**
 * The renderer's only way to talk to main.
 *
 *   bridge.request('getStatus', {})        → Promise<AppStatus>, or throws BridgeCallError
 *   bridge.on('status', (s) => …)          → unsubscribe function
 *   bridge.connection                      → { state: 'connecting' | 'open' | 'closed', reason }
 *   bridge.onConnectionChange((c) => …)    → unsubscribe function
 *
 * Underneath sits a `BridgeTransport`. Two are real:
 *  - `createIpcTransport(window.switchboard)` in the Electron shell (the preload's named functions);
 *  - `createWebSocketTransport()` in the browser host (`npm run web`), see ./websocket-transport.ts.
 * Tests stand a fake transport in their place with `setBridge(createBridge(fake))`; Pinia stores
 * reach main only through `useBridge()`, so that swap covers the whole UI.
 *
 * Only types are imported from the contract: its runtime half (zod schemas) stays out of the
 * renderer bundle. Main validates every payload at its edge.
 */
import type {
  BridgeError,
  BridgeResponse,
  EventName,
  ParamsOf,
  PayloadOf,
  RequestName,
  ResultOf,
  SwitchboardApi,
} from '../../../common/bridge-contract.ts';
import { createWebSocketTransport } from './websocket-transport.ts';
import { errorText } from '../format/error-text.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * Why the connection is not open, as a code the UI turns into words:
 *  - `no_secret`: the browser host page was opened without its one-time key;
 *  - `unreachable`: several attempts to connect failed (the host stopped, or restarted with a new key);
 *  - `lost`: an open connection dropped and is being re-established;
 *  - `stopped`: `close()` was called.
 */
export type ConnectionReason = 'no_secret' | 'unreachable' | 'lost' | 'stopped' | null;

export interface BridgeConnection {
  readonly state: ConnectionState;
  readonly reason: ConnectionReason;
}

/** A bridge request that failed: `code` is the contract's (or a domain's) error code. */
export class BridgeCallError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'BridgeCallError';
    this.code = code;
    this.details = details;
  }
  static from(error: BridgeError): BridgeCallError {
    return new BridgeCallError(error.code, error.message, error.details);
  }
}

/** What a transport must provide. Responses are the contract's envelopes; the bridge unwraps them. */
export interface BridgeTransport {
  readonly kind: 'ipc' | 'websocket' | 'fake';
  call(name: RequestName, params: unknown): Promise<BridgeResponse<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
  connection(): BridgeConnection;
  onConnectionChange(listener: (connection: BridgeConnection) => void): () => void;
  close(): void;
}

export interface Bridge {
  readonly transport: BridgeTransport['kind'];
  request<N extends RequestName>(name: N, params: ParamsOf<N>): Promise<ResultOf<N>>;
  on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): () => void;
  readonly connection: BridgeConnection;
  onConnectionChange(listener: (connection: BridgeConnection) => void): () => void;
  close(): void;
}

const OPEN: BridgeConnection = Object.freeze({ state: 'open', reason: null });

export function createBridge(transport: BridgeTransport): Bridge {
  return {
    transport: transport.kind,
    async request<N extends RequestName>(name: N, params: ParamsOf<N>): Promise<ResultOf<N>> {
      let response: BridgeResponse<unknown>;
      try {
        response = await transport.call(name, params ?? {});
      } catch (err) {
        if (err instanceof BridgeCallError) throw err;
        throw new BridgeCallError('unavailable', 'Switchboard’s background service did not answer. Try again in a moment.', {
          cause: errorText(err),
        });
      }
      if (!isEnvelope(response)) {
        throw new BridgeCallError('internal', 'Switchboard’s background service sent an answer this window does not understand.');
      }
      if (response.ok) return response.result as ResultOf<N>;
      throw BridgeCallError.from(response.error);
    },
    on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): () => void {
      return transport.subscribe(event, listener as (payload: unknown) => void);
    },
    get connection() {
      return transport.connection();
    },
    onConnectionChange: (listener) => transport.onConnectionChange(listener),
    close: () => transport.close(),
  };
}

function isEnvelope(value: unknown): value is BridgeResponse<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: unknown };
  if (v.ok === true) return 'result' in v;
  if (v.ok !== false || typeof v.error !== 'object' || v.error === null) return false;
  const e = v.error as { code?: unknown; message?: unknown };
  return typeof e.code === 'string' && typeof e.message === 'string';
}

/** The Electron transport: the preload's `window.switchboard`. Always open. */
export function createIpcTransport(api: SwitchboardApi): BridgeTransport {
  return {
    kind: 'ipc',
    call(name, params) {
      const fn = api[name] as ((p: unknown) => Promise<BridgeResponse<unknown>>) | undefined;
      if (typeof fn !== 'function') {
        return Promise.resolve({
          ok: false,
          error: { code: 'unknown_request', message: `This version of Switchboard has no "${name}" request.` },
        });
      }
      return fn(params);
    },
    subscribe: (event, listener) => api.on(event, listener),
    connection: () => OPEN,
    onConnectionChange: () => () => {},
    close: () => {},
  };
}

/** Picks the transport for this window: the preload's API when present, else the browser host's WebSocket. */
export function detectTransport(win: Window & typeof globalThis = window): BridgeTransport {
  const api = (win as { switchboard?: SwitchboardApi }).switchboard;
  if (api && typeof api === 'object' && typeof api.on === 'function') return createIpcTransport(api);
  return createWebSocketTransport({
    location: win.location,
    history: win.history,
    storage: safeSessionStorage(win),
    WebSocket: win.WebSocket,
  });
}

function safeSessionStorage(win: Window): Pick<Storage, 'getItem' | 'setItem'> | null {
  try {
    return win.sessionStorage;
  } catch {
    return null;
  }
}

// ---- the active bridge ----------------------------------------------------------------------

let active: Bridge | null = null;

/** The bridge stores talk through. Created from the environment on first use. */
export function useBridge(): Bridge {
  active ??= createBridge(detectTransport());
  return active;
}

/** Replaces the active bridge (tests stand a fake one here); `null` resets to auto-detection. */
export function setBridge(next: Bridge | null): void {
  if (active && active !== next) active.close();
  active = next;
}

/** Delegates to the active bridge, so modules can import one stable object. */
export const bridge = {
  request: <N extends RequestName>(name: N, params: ParamsOf<N>): Promise<ResultOf<N>> => useBridge().request(name, params),
  on: <E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): (() => void) => useBridge().on(event, listener),
  get connection(): BridgeConnection {
    return useBridge().connection;
  },
  onConnectionChange: (listener: (connection: BridgeConnection) => void): (() => void) => useBridge().onConnectionChange(listener),
};
