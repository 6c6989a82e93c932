/**
 * The preload: exposes `window.switchboard` with one named function per request in the bridge
 * contract, plus `on(event, listener)` for the contract's pushed events. Nothing generic (no raw
 * `invoke`/`send`), nothing that hands the page an Electron object.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, eventNames, isEventName, requestChannel, requestNames } from '../common/bridge-contract.ts';

const api: Record<string, unknown> = {};
for (const name of requestNames) {
  api[name] = (params: unknown) => ipcRenderer.invoke(requestChannel(name), params ?? {});
}

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>(eventNames.map((e) => [e, new Set<Listener>()]));

ipcRenderer.on(EVENT_CHANNEL, (_e: IpcRendererEvent, message: { event?: unknown; payload?: unknown }) => {
  if (!isEventName(message?.event)) return;
  for (const l of listeners.get(message.event) ?? []) l(message.payload);
});

api['on'] = (event: unknown, listener: unknown): (() => void) => {
  if (!isEventName(event) || typeof listener !== 'function') throw new Error(`Unknown Switchboard event "${String(event)}"`);
  const set = listeners.get(event)!;
  const l = listener as Listener;
  set.add(l);
  return () => set.delete(l);
};

contextBridge.exposeInMainWorld('switchboard', api);
