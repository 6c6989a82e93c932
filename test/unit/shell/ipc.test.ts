import { describe, expect, it } from 'vitest';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { bindBridgeToIpc, forwardEvents, type IpcMainLike } from '../../../main/shell/ipc.ts';
import { APP_ORIGIN, trustedOrigins } from '../../../main/shell/security.ts';
import { createDispatcher, type BridgeHandlers } from '../../../main/bridge/dispatcher.ts';
import { BridgeEventBus } from '../../../main/core/events.ts';
import { EVENT_CHANNEL, requestChannel, requestNames } from '../../../common/bridge-contract.ts';
import { memoryLogger } from '../../support/test-log.ts';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

function setup() {
  const channels = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: (c, l) => void channels.set(c, l),
    removeHandler: (c) => void channels.delete(c),
  };
  const mainFrame = { url: `${APP_ORIGIN}/index.html`, parent: null };
  const ownContents = { id: 1, mainFrame } as unknown as WebContents;
  const { log, events } = memoryLogger();
  const dispatch = createDispatcher(
    {
      getAppInfo: () => ({
        name: 'Switchboard',
        version: '1.2.3',
        host: 'electron',
        platform: 'linux',
        versions: { node: '24', electron: '45', chrome: '140' },
      }),
      getStatus: () => ({
        startedAt: new Date(0).toISOString(),
        account: { state: 'not_connected', detail: null },
        reachability: { state: 'unknown', since: null, detail: null },
      }),
    } as Partial<BridgeHandlers> as BridgeHandlers,
    log,
  );
  const unbind = bindBridgeToIpc({ ipcMain, dispatch, trusted: trustedOrigins(undefined), isOwnContents: (wc) => wc === ownContents, log });
  const invoke = (name: string, params: unknown, event: Partial<IpcMainInvokeEvent>) => {
    const l = channels.get(requestChannel(name as never));
    if (!l) throw new Error(`no handler for ${name}`);
    return l(event as IpcMainInvokeEvent, params) as Promise<{ ok: boolean; error?: { code: string } }>;
  };
  return { channels, ownContents, mainFrame, invoke, unbind, events };
}

describe('bridge over IPC', () => {
  it('registers exactly one channel per contract request', () => {
    const { channels } = setup();
    expect([...channels.keys()].sort()).toEqual(requestNames.map((n) => requestChannel(n)).sort());
  });

  it("answers the app page's main frame", async () => {
    const s = setup();
    const res = await s.invoke('getAppInfo', {}, { sender: s.ownContents, senderFrame: s.mainFrame as never });
    expect(res).toMatchObject({ ok: true, result: { version: '1.2.3' } });
  });

  it('refuses a subframe, a foreign origin, another window and a vanished frame', async () => {
    const s = setup();
    const subframe = { url: `${APP_ORIGIN}/index.html`, parent: s.mainFrame };
    const foreign = { url: 'https://evil.example.com/', parent: null };
    const otherContents = { id: 2, mainFrame: foreign } as unknown as WebContents;
    const cases: Partial<IpcMainInvokeEvent>[] = [
      { sender: s.ownContents, senderFrame: subframe as never },
      { sender: { ...s.ownContents, mainFrame: foreign } as never, senderFrame: foreign as never },
      { sender: otherContents, senderFrame: foreign as never },
      { sender: s.ownContents, senderFrame: null },
    ];
    for (const c of cases) {
      const res = await s.invoke('getAppInfo', {}, c);
      expect(res.ok).toBe(false);
      expect(res.error?.code).toBe('forbidden_sender');
    }
    expect(s.events().filter((e) => e === 'bridge.ipc.refused')).toHaveLength(4);
  });

  it('refuses a payload that fails its schema', async () => {
    const s = setup();
    const res = await s.invoke('getStatus', { extra: 1 }, { sender: s.ownContents, senderFrame: s.mainFrame as never });
    expect(res.ok).toBe(false);
    expect(res.error?.code).toBe('invalid_params');
  });

  it('unbinds every channel', () => {
    const s = setup();
    s.unbind();
    expect(s.channels.size).toBe(0);
  });

  it('pushes events only to the app window', () => {
    const bus = new BridgeEventBus();
    const sent: unknown[] = [];
    const wc = { isDestroyed: () => false, send: (c: string, m: unknown) => sent.push([c, m]) } as unknown as WebContents;
    const stop = forwardEvents(bus, () => wc);
    const status = {
      startedAt: 'x',
      account: { state: 'connected' as const, detail: null },
      reachability: { state: 'unknown' as const, since: null, detail: null },
    };
    bus.emit('status', status);
    expect(sent).toEqual([[EVENT_CHANNEL, { event: 'status', payload: status }]]);
    stop();
    bus.emit('status', status);
    expect(sent).toHaveLength(1);
  });
});
