/**
 * Binds the bridge contract to Electron IPC. Every request arrives on its own channel
 * (`requestChannel(name)`) and is answered only when it comes from the app's own page, from its
 * main frame; anything else is refused and logged. Payloads are validated by the dispatcher.
 */
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { EVENT_CHANNEL, requestChannel, requestNames, type BridgeResponse } from '../../common/bridge-contract.ts';
import type { Dispatch } from '../bridge/dispatcher.ts';
import type { BridgeEventBus } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import { originOf } from './security.ts';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export type SenderVerdict = { ok: true } | { ok: false; reason: string };

export function checkSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  trusted: Set<string>,
  isOwnContents: (wc: WebContents) => boolean,
): SenderVerdict {
  const frame = event.senderFrame;
  if (!frame) return { ok: false, reason: 'sender frame is gone' };
  if (!isOwnContents(event.sender)) return { ok: false, reason: 'not the app window' };
  if (frame.parent !== null || frame !== event.sender.mainFrame) return { ok: false, reason: 'not the main frame' };
  const origin = originOf(frame.url);
  if (!origin || !trusted.has(origin)) return { ok: false, reason: `foreign origin ${origin ?? 'unknown'}` };
  return { ok: true };
}

export function bindBridgeToIpc(opts: {
  ipcMain: IpcMainLike;
  dispatch: Dispatch;
  trusted: Set<string>;
  isOwnContents: (wc: WebContents) => boolean;
  log: Logger;
}): () => void {
  for (const name of requestNames) {
    opts.ipcMain.handle(requestChannel(name), async (event, params): Promise<BridgeResponse<unknown>> => {
      const verdict = checkSender(event, opts.trusted, opts.isOwnContents);
      if (!verdict.ok) {
        opts.log.warn('bridge.ipc.refused', { name, reason: verdict.reason });
        return { ok: false, error: { code: 'forbidden_sender', message: 'This page is not allowed to use the Switchboard bridge.' } };
      }
      return opts.dispatch(name, params);
    });
  }
  return () => {
    for (const name of requestNames) opts.ipcMain.removeHandler(requestChannel(name));
  };
}

/** Forwards pushed events to the app window (and only to it). */
export function forwardEvents(events: BridgeEventBus, target: () => WebContents | null): () => void {
  return events.subscribe((event, payload) => {
    const wc = target();
    if (wc && !wc.isDestroyed()) wc.send(EVENT_CHANNEL, { event, payload });
  });
}
