/**
 * The bridge contract: every request the renderer may make of main, and every event main may
 * push to the renderer. This module is the single source of truth for three transports:
 *
 *  - Electron: `main/shell/ipc.ts` binds each request to `ipcMain.handle(channelOf(name))`,
 *    and `preload/index.ts` exposes one named function per request on `window.switchboard`.
 *  - Browser host: `main/host/ws-bridge.ts` serves the same requests over a WebSocket.
 *  - Renderer: `renderer/src/bridge/bridge.ts` picks whichever transport is present.
 *
 * Adding a request: add an entry to `requests` (params schema + result schema), implement its
 * handler in `main/app-services.ts` (the compiler insists), and call it from the renderer with
 * `bridge.request('name', params)`. Nothing else needs touching: the preload, the IPC binding
 * and the WebSocket host all derive their allowlists from this object.
 *
 * Pure TypeScript + zod: no Node built-ins, no DOM, so every process can import it.
 */
import { z } from 'zod';

// ---- shared shapes -------------------------------------------------------------------------

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** "electron" when the desktop shell runs main, "browser-host" for `npm run web`. */
  host: z.enum(['electron', 'browser-host']),
  platform: z.string(),
  versions: z.object({ node: z.string(), electron: z.string().nullable(), chrome: z.string().nullable() }),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const AccountState = z.enum(['not_connected', 'connecting', 'connected', 'error']);
export const ReachabilityState = z.enum(['unknown', 'connecting', 'connected', 'unreachable']);

export const AppStatus = z.object({
  /** When main's services finished starting (ISO 8601). */
  startedAt: z.string(),
  account: z.object({ state: AccountState, detail: z.string().nullable() }),
  reachability: z.object({
    state: ReachabilityState,
    since: z.string().nullable(),
    detail: z.string().nullable(),
  }),
});
export type AppStatus = z.infer<typeof AppStatus>;

const NoParams = z.object({}).strict();

// ---- requests ------------------------------------------------------------------------------

export const requests = {
  /** Name, version and runtime of the app; shown in the status bar and About. */
  getAppInfo: { params: NoParams, result: AppInfo },
  /** The current account / reachability status; changes arrive as the `status` event. */
  getStatus: { params: NoParams, result: AppStatus },
} as const;

// ---- pushed events -------------------------------------------------------------------------

export const events = {
  /** Sent whenever any part of AppStatus changes. */
  status: AppStatus,
} as const;

// ---- derived types and helpers -------------------------------------------------------------

export type RequestName = keyof typeof requests;
export type EventName = keyof typeof events;
export type ParamsOf<N extends RequestName> = z.input<(typeof requests)[N]['params']>;
export type ResultOf<N extends RequestName> = z.infer<(typeof requests)[N]['result']>;
export type PayloadOf<E extends EventName> = z.infer<(typeof events)[E]>;

export const requestNames = Object.keys(requests) as RequestName[];
export const eventNames = Object.keys(events) as EventName[];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requests, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

/** The IPC channel a request travels on; the `sb:` prefix keeps them apart from Electron's own. */
export const requestChannel = (name: RequestName): string => `sb:req:${name}`;
/** The IPC channel main pushes events on (one channel; the payload says which event). */
export const EVENT_CHANNEL = 'sb:event';

/** Error codes a bridge call can fail with. Domain errors add their own `code` strings. */
export const BridgeErrorCode = z.enum([
  'unknown_request',
  'invalid_params',
  'forbidden_sender',
  'internal',
  'unavailable',
]);

/** What travels back for every request, over every transport. */
export const BridgeError = z.object({
  code: z.string(),
  message: z.string(),
  /** Optional machine-readable details (e.g. which field failed validation). */
  details: z.unknown().optional(),
});
export type BridgeError = z.infer<typeof BridgeError>;

export type BridgeResponse<T> = { ok: true; result: T } | { ok: false; error: BridgeError };

/** The events envelope (WebSocket frames and the single IPC event channel). */
export type BridgeEventMessage = { [E in EventName]: { event: E; payload: PayloadOf<E> } }[EventName];

/** The shape `window.switchboard` has in the Electron shell (exposed by the preload). */
export type SwitchboardApi = {
  [N in RequestName]: (params: ParamsOf<N>) => Promise<BridgeResponse<ResultOf<N>>>;
} & {
  /** Subscribe to a pushed event; returns an unsubscribe function. */
  on: <E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void) => () => void;
};
