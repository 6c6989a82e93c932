import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SwitchboardApi } from '../../../common/bridge-contract.ts';
import {
  BridgeCallError,
  bridge,
  createBridge,
  createIpcTransport,
  detectTransport,
  setBridge,
  useBridge,
  type BridgeConnection,
} from '../../../renderer/src/bridge/bridge.ts';
import {
  SECRET_STORAGE_KEY,
  createWebSocketTransport,
  secretFromHash,
  type WebSocketTransportOptions,
} from '../../../renderer/src/bridge/websocket-transport.ts';
import { createFakeTransport, sampleInfo, sampleStatus } from '../support/fake-bridge.ts';
import { FakeWebSocket } from '../support/fake-websocket.ts';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

function wsOptions(overrides: Partial<WebSocketTransportOptions> & { hash?: string } = {}) {
  const storage = memoryStorage();
  const replaceState = vi.fn();
  const { hash = '#secret=s3cr%2Bt', ...rest } = overrides;
  return {
    storage,
    replaceState,
    opts: {
      location: { protocol: 'http:', host: '127.0.0.1:4321', pathname: '/', search: '', hash },
      history: { replaceState, state: null },
      storage,
      WebSocket: FakeWebSocket,
      ...rest,
    } satisfies WebSocketTransportOptions,
  };
}

beforeEach(() => {
  FakeWebSocket.reset();
});
afterEach(() => {
  vi.useRealTimers();
  setBridge(null);
});

describe('createBridge', () => {
  it('returns the result of a successful request', async () => {
    const b = createBridge(createFakeTransport());
    await expect(b.request('getAppInfo', {})).resolves.toEqual(sampleInfo());
  });

  it('throws BridgeCallError with the code and the plain message of an error envelope', async () => {
    const b = createBridge(
      createFakeTransport({ getStatus: () => ({ error: { code: 'invalid_params', message: 'params: unexpected key "x"' } }) }),
    );
    const err = await b.request('getStatus', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeCallError);
    expect(err).toMatchObject({ code: 'invalid_params', message: 'params: unexpected key "x"' });
  });

  it('turns a transport that throws into code "unavailable"', async () => {
    const t = createFakeTransport();
    t.call = () => Promise.reject(new Error("Error invoking remote method 'sb:req:getStatus'"));
    const err = await createBridge(t)
      .request('getStatus', {})
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'BridgeCallError', code: 'unavailable' });
    expect((err as Error).message).not.toContain('sb:req');
  });

  it('refuses an answer that is not an envelope with code "internal"', async () => {
    const t = createFakeTransport();
    t.call = () => Promise.resolve({ hello: 'world' } as never);
    await expect(createBridge(t).request('getStatus', {})).rejects.toMatchObject({ code: 'internal' });
  });

  it('delivers events and stops after unsubscribe', () => {
    const t = createFakeTransport();
    const b = createBridge(t);
    const seen: string[] = [];
    const off = b.on('status', (s) => seen.push(s.account.state));
    t.emit('status', sampleStatus({ account: { state: 'connecting' } }));
    off();
    t.emit('status', sampleStatus({ account: { state: 'connected' } }));
    expect(seen).toEqual(['connecting']);
  });

  it('the shared `bridge` object delegates to whatever setBridge installed', async () => {
    const t = createFakeTransport();
    setBridge(createBridge(t));
    await bridge.request('getAppInfo', {});
    expect(t.calls).toEqual([{ name: 'getAppInfo', params: {} }]);
    expect(useBridge().transport).toBe('fake');
  });
});

describe('IPC transport (window.switchboard)', () => {
  function fakeApi() {
    let listener: ((p: unknown) => void) | null = null;
    const api = {
      getAppInfo: vi.fn(async () => ({ ok: true as const, result: sampleInfo({ host: 'electron' }) })),
      getStatus: vi.fn(async () => ({ ok: false as const, error: { code: 'internal', message: 'Something went wrong in Switchboard.' } })),
      on: vi.fn((_event: string, l: (p: unknown) => void) => {
        listener = l;
        return () => {
          listener = null;
        };
      }),
      push: (p: unknown) => listener?.(p),
    };
    return api;
  }

  it('is picked when the preload exposed window.switchboard, and unwraps its envelopes', async () => {
    const api = fakeApi();
    const win = { switchboard: api as unknown as SwitchboardApi } as unknown as Window & typeof globalThis;
    const b = createBridge(detectTransport(win));
    expect(b.transport).toBe('ipc');
    expect(b.connection).toEqual({ state: 'open', reason: null });
    await expect(b.request('getAppInfo', {})).resolves.toMatchObject({ host: 'electron' });
    expect(api.getAppInfo).toHaveBeenCalledWith({});
    await expect(b.request('getStatus', {})).rejects.toMatchObject({ code: 'internal', message: 'Something went wrong in Switchboard.' });
  });

  it('forwards events from window.switchboard.on', () => {
    const api = fakeApi();
    const b = createBridge(createIpcTransport(api as unknown as SwitchboardApi));
    const seen: unknown[] = [];
    const off = b.on('status', (s) => seen.push(s));
    api.push(sampleStatus());
    off();
    api.push(sampleStatus());
    expect(api.on).toHaveBeenCalledWith('status', expect.any(Function));
    expect(seen).toHaveLength(1);
  });

  it('answers a request the preload does not expose with unknown_request', async () => {
    const b = createBridge(createIpcTransport({ on: () => () => {} } as unknown as SwitchboardApi));
    await expect(b.request('getStatus', {})).rejects.toMatchObject({ code: 'unknown_request' });
  });
});

describe('WebSocket transport (browser host)', () => {
  it('reads the secret from the fragment, stores it, hides it and connects with it', () => {
    const { opts, storage, replaceState } = wsOptions({ hash: '#secret=a%2Bb/c' });
    const t = createWebSocketTransport(opts);
    expect(secretFromHash('#secret=a%2Bb/c')).toBe('a+b/c');
    expect(storage.data.get(SECRET_STORAGE_KEY)).toBe('a+b/c');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/');
    expect(FakeWebSocket.last.url).toBe('ws://127.0.0.1:4321/bridge?secret=a%2Bb%2Fc');
    expect(t.connection()).toEqual({ state: 'connecting', reason: null });
    t.close();
  });

  it('uses wss on an https page and keeps other fragment parameters', () => {
    const { opts, replaceState } = wsOptions({ hash: '#secret=xyz&view=settings' });
    const t = createWebSocketTransport({ ...opts, location: { ...opts.location, protocol: 'https:' } });
    expect(FakeWebSocket.last.url).toBe('wss://127.0.0.1:4321/bridge?secret=xyz');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/#view=settings');
    t.close();
  });

  it('after a reload (no fragment) uses the secret kept in sessionStorage', () => {
    const { opts } = wsOptions({ hash: '', storage: memoryStorage({ [SECRET_STORAGE_KEY]: 'kept' }) });
    const t = createWebSocketTransport(opts);
    expect(FakeWebSocket.last.url).toBe('ws://127.0.0.1:4321/bridge?secret=kept');
    t.close();
  });

  it('without a secret stays closed, never dials, and fails requests with a message that says what to do', async () => {
    const { opts } = wsOptions({ hash: '' });
    const b = createBridge(createWebSocketTransport(opts));
    expect(b.connection).toEqual({ state: 'closed', reason: 'no_secret' });
    expect(FakeWebSocket.instances).toHaveLength(0);
    const err = await b.request('getStatus', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unavailable' });
    expect((err as Error).message).toContain('Open the link printed by `npm run web`');
  });

  it('sends {id, name, params}, matches responses by id and unwraps them', async () => {
    const { opts } = wsOptions();
    const b = createBridge(createWebSocketTransport(opts));
    const ws = FakeWebSocket.last;
    ws.open();
    const info = b.request('getAppInfo', {});
    const status = b.request('getStatus', {});
    expect(ws.sent).toEqual([
      { id: 1, name: 'getAppInfo', params: {} },
      { id: 2, name: 'getStatus', params: {} },
    ]);
    ws.receive({ id: 2, response: { ok: false, error: { code: 'internal', message: 'Status is unavailable.' } } });
    ws.receive({ id: 1, response: { ok: true, result: sampleInfo() } });
    await expect(info).resolves.toEqual(sampleInfo());
    await expect(status).rejects.toMatchObject({ code: 'internal', message: 'Status is unavailable.' });
    b.close();
  });

  it('ignores junk frames and delivers pushed events', () => {
    const { opts } = wsOptions();
    const b = createBridge(createWebSocketTransport(opts));
    const ws = FakeWebSocket.last;
    ws.open();
    const seen: unknown[] = [];
    b.on('status', (s) => seen.push(s));
    ws.receive('not json');
    ws.receive({ id: 99, response: { ok: true, result: 1 } });
    ws.receive({ event: 'status', payload: sampleStatus({ reachability: { state: 'connected' } }) });
    expect(seen).toEqual([sampleStatus({ reachability: { state: 'connected' } })]);
    b.close();
  });

  it('holds requests made while connecting and sends them once open', async () => {
    const { opts } = wsOptions();
    const b = createBridge(createWebSocketTransport(opts));
    const ws = FakeWebSocket.last;
    const p = b.request('getAppInfo', {});
    expect(ws.sent).toEqual([]);
    ws.open();
    expect(ws.sent).toEqual([{ id: 1, name: 'getAppInfo', params: {} }]);
    ws.receive({ id: 1, response: { ok: true, result: sampleInfo() } });
    await expect(p).resolves.toMatchObject({ version: '0.1.0' });
    b.close();
  });

  it('fails a waiting request with "unavailable" when no connection comes in time', async () => {
    vi.useFakeTimers();
    const { opts } = wsOptions({ connectTimeoutMs: 3000 });
    const b = createBridge(createWebSocketTransport(opts));
    const p = b.request('getStatus', {}).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(3000);
    expect(await p).toMatchObject({ name: 'BridgeCallError', code: 'unavailable' });
    b.close();
  });

  it('reconnects with capped exponential backoff and reports "unreachable" after repeated failures', async () => {
    vi.useFakeTimers();
    const { opts } = wsOptions({ backoffInitialMs: 100, backoffMaxMs: 800, unreachableAfter: 3 });
    const t = createWebSocketTransport(opts);
    const states: BridgeConnection[] = [];
    t.onConnectionChange((c) => states.push(c));
    const gaps: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const before = FakeWebSocket.instances.length;
      FakeWebSocket.last.drop();
      let waited = 0;
      while (FakeWebSocket.instances.length === before) {
        await vi.advanceTimersByTimeAsync(50);
        waited += 50;
      }
      gaps.push(waited);
    }
    expect(gaps).toEqual([100, 200, 400, 800, 800, 800]);
    expect(t.connection()).toEqual({ state: 'connecting', reason: 'unreachable' });
    FakeWebSocket.last.open();
    expect(t.connection()).toEqual({ state: 'open', reason: null });
    expect(states.at(-1)).toEqual({ state: 'open', reason: null });
    t.close();
  });

  it('when an open connection drops: fails in-flight requests, reports "lost", redials at once, and resets the backoff', async () => {
    vi.useFakeTimers();
    const { opts } = wsOptions({ backoffInitialMs: 100 });
    const b = createBridge(createWebSocketTransport(opts));
    const first = FakeWebSocket.last;
    first.open();
    const inFlight = b.request('getStatus', {}).catch((e: unknown) => e);
    first.drop();
    expect(await inFlight).toMatchObject({ code: 'unavailable' });
    expect(b.connection).toEqual({ state: 'connecting', reason: 'lost' });
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeWebSocket.instances).toHaveLength(2);
    // The request made while reconnecting is sent on the new socket, not the dead one.
    const queued = b.request('getAppInfo', {});
    FakeWebSocket.last.open();
    expect(FakeWebSocket.last.sent).toEqual([{ id: 2, name: 'getAppInfo', params: {} }]);
    FakeWebSocket.last.receive({ id: 2, response: { ok: true, result: sampleInfo() } });
    await expect(queued).resolves.toMatchObject({ name: 'Switchboard' });
    b.close();
  });

  it('close() stops reconnecting and fails whatever is pending', async () => {
    vi.useFakeTimers();
    const { opts } = wsOptions();
    const b = createBridge(createWebSocketTransport(opts));
    const pending = b.request('getStatus', {}).catch((e: unknown) => e);
    b.close();
    expect(await pending).toMatchObject({ code: 'unavailable' });
    expect(b.connection).toEqual({ state: 'closed', reason: 'stopped' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(FakeWebSocket.last.closedByClient).toBe(true);
  });

  it('is what detectTransport picks when there is no window.switchboard', () => {
    const storage = memoryStorage();
    const win = {
      location: { protocol: 'http:', host: '127.0.0.1:9', pathname: '/', search: '', hash: '#secret=abc' },
      history: { replaceState: vi.fn(), state: null },
      sessionStorage: storage,
      WebSocket: FakeWebSocket,
    } as unknown as Window & typeof globalThis;
    const t = detectTransport(win);
    expect(t.kind).toBe('websocket');
    expect(FakeWebSocket.last.url).toBe('ws://127.0.0.1:9/bridge?secret=abc');
    t.close();
  });
});
