/**
 * The bridge contract: every request the renderer may make of main, and every event main may
 * push to the renderer. This module is the single source of truth for three transports:
 *
 *  - Electron: `main/shell/ipc.ts` binds each request to `ipcMain.handle(channelOf(name))`,
 *    and `preload/index.ts` exposes one named function per request on `window.switchboard`.
 *  - Browser host: `main/host/ws-bridge.ts` serves the same requests over a WebSocket.
 *  - Renderer: `renderer/src/bridge/bridge.ts` picks whichever transport is present.
 *
 * The requests and events themselves live in one slice per domain under `common/bridge/`
 * (app, account, connection, threads, calls, desktop, callers, recordings; primitives they share in shared.ts), each
 * request with the error codes it can fail with. This module merges the slices into `requests`
 * and `events`, re-exports every slice's schemas and types, and derives the types and helpers
 * every transport uses.
 *
 * Adding a request: add an entry to that domain's slice (`xxxRequests` in common/bridge/xxx.ts:
 * params schema + result schema + the error codes in its doc comment), implement its handler in
 * the domain's handler file (main/…/xxx-handlers.ts; the compiler insists, since each handler file
 * answers exactly its slice's requests), and call it from the renderer with
 * `bridge.request('name', params)`. Nothing else needs touching: the preload, the IPC binding
 * and the WebSocket host all derive their allowlists from the merged `requests`.
 *
 * Pure TypeScript + zod: no Node built-ins, no DOM, so every process can import it.
 */
import { z } from 'zod';
import { accountEvents, accountRequests } from './bridge/account.ts';
import { appEvents, appRequests } from './bridge/app.ts';
import { callerEvents, callerRequests } from './bridge/callers.ts';
import { callEvents, callRequests } from './bridge/calls.ts';
import { connectionEvents, connectionRequests } from './bridge/connection.ts';
import { desktopEvents, desktopRequests } from './bridge/desktop.ts';
import { recordingEvents, recordingRequests } from './bridge/recordings.ts';
import { threadEvents, threadRequests } from './bridge/threads.ts';

export * from './bridge/app.ts';
export * from './bridge/account.ts';
export * from './bridge/connection.ts';
export * from './bridge/threads.ts';
export * from './bridge/calls.ts';
export * from './bridge/desktop.ts';
export * from './bridge/callers.ts';
export * from './bridge/recordings.ts';

// ---- the merge -----------------------------------------------------------------------------

/** Keys two or more of the objects declare (never when they are disjoint). */
type SharedKeys<T extends readonly object[]> = T extends readonly [infer Head, ...infer Rest extends readonly object[]]
  ? (keyof Head & (Rest[number] extends infer U ? (U extends object ? keyof U : never) : never)) | SharedKeys<Rest>
  : never;
/** `true` when no key is declared twice; otherwise an object naming the duplicates, which `true` does not fit. */
type Disjoint<T extends readonly object[]> = [SharedKeys<T>] extends [never] ? true : { declaredInTwoSlices: SharedKeys<T> };

// A name in two slices would make the spread below keep one and drop the other without a word:
// these fail to compile instead (test/unit/common/bridge-slices.test.ts checks the same at run time).
const _requestsDisjoint: Disjoint<
  [
    typeof appRequests,
    typeof accountRequests,
    typeof connectionRequests,
    typeof threadRequests,
    typeof callRequests,
    typeof desktopRequests,
    typeof callerRequests,
    typeof recordingRequests,
  ]
> = true;
const _eventsDisjoint: Disjoint<
  [
    typeof appEvents,
    typeof accountEvents,
    typeof connectionEvents,
    typeof threadEvents,
    typeof callEvents,
    typeof desktopEvents,
    typeof callerEvents,
    typeof recordingEvents,
  ]
> = true;

export const requests = {
  ...appRequests,
  ...accountRequests,
  ...connectionRequests,
  ...threadRequests,
  ...callRequests,
  ...desktopRequests,
  ...callerRequests,
  ...recordingRequests,
} as const;

// ---- pushed events -------------------------------------------------------------------------

export const events = {
  ...appEvents,
  ...accountEvents,
  ...connectionEvents,
  ...threadEvents,
  ...callEvents,
  ...desktopEvents,
  ...callerEvents,
  ...recordingEvents,
} as const;

// ---- derived types and helpers -------------------------------------------------------------

export type RequestName = keyof typeof requests;
export type EventName = keyof typeof events;
export type ParamsOf<N extends RequestName> = z.input<(typeof requests)[N]['params']>;
export type ResultOf<N extends RequestName> = z.infer<(typeof requests)[N]['result']>;
export type PayloadOf<E extends EventName> = z.infer<(typeof events)[E]>;
/** What main answers one request with: the params as the contract parsed them, the promised result. */
export type HandlerOf<N extends RequestName> = (params: z.output<(typeof requests)[N]['params']>) => Promise<ResultOf<N>> | ResultOf<N>;
/** A domain's share of the handlers; the composition root merges the shares into all of them. */
export type HandlersFor<K extends RequestName> = { [N in K]: HandlerOf<N> };

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

/**
 * What travels back for every request, over every transport. The bridge's own codes:
 * `unknown_request` (no such request), `invalid_params` (the params schema refused them),
 * `forbidden_sender` (IPC from a page that may not use the bridge), `internal` (a bug: see the
 * log), `unavailable` (the renderer's transport: main did not answer). Domain errors add their
 * own `code` strings: each request's doc comment in common/bridge/ lists them.
 */
export const BridgeError = z.object({
  code: z.string(),
  message: z.string(),
  /** Optional machine-readable details (e.g. which field failed validation). */
  details: z.unknown().optional(),
});
export type BridgeError = z.infer<typeof BridgeError>;

export type BridgeResponse<T> = { ok: true; result: T } | { ok: false; error: BridgeError };

/** The shape `window.switchboard` has in the Electron shell (exposed by the preload). */
export type SwitchboardApi = {
  [N in RequestName]: (params: ParamsOf<N>) => Promise<BridgeResponse<ResultOf<N>>>;
} & {
  /** Subscribe to a pushed event; returns an unsubscribe function. */
  on: <E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void) => () => void;
};
