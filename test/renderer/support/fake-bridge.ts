/**
 * A fake bridge transport for renderer tests: answers requests from handlers the test supplies,
 * records every call, pushes events on demand and lets the test move the connection state.
 */
import type {
  AppInfo,
  AppStatus,
  BridgeError,
  BridgeResponse,
  EventName,
  ParamsOf,
  PayloadOf,
  RequestName,
  ResultOf,
} from '../../../common/bridge-contract.ts';
import type { BridgeConnection, BridgeTransport } from '../../../renderer/src/bridge/bridge.ts';

type Handler<N extends RequestName> = (params: ParamsOf<N>) => ResultOf<N> | Promise<ResultOf<N>> | { error: BridgeError };
export type FakeHandlers = { [N in RequestName]?: Handler<N> };

export interface FakeTransport extends BridgeTransport {
  calls: Array<{ name: RequestName; params: unknown }>;
  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void;
  setConnection(next: BridgeConnection): void;
  handlers: FakeHandlers;
  closed: boolean;
}

export function sampleInfo(overrides: Partial<AppInfo> = {}): AppInfo {
  return {
    name: 'Switchboard',
    version: '0.1.0',
    host: 'browser-host',
    platform: 'linux',
    versions: { node: '24.21.0', electron: null, chrome: null },
    ...overrides,
  };
}

export function sampleStatus(
  overrides: { account?: Partial<AppStatus['account']>; reachability?: Partial<AppStatus['reachability']> } = {},
): AppStatus {
  return {
    startedAt: '2026-11-25T09:00:00.000Z',
    account: { state: 'not_connected', detail: null, ...overrides.account },
    reachability: { state: 'unknown', since: null, detail: null, ...overrides.reachability },
  };
}

export function createFakeTransport(
  handlers: FakeHandlers = {},
  connection: BridgeConnection = { state: 'open', reason: null },
): FakeTransport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(c: BridgeConnection) => void>();
  let current = connection;
  const fake: FakeTransport = {
    kind: 'fake',
    calls: [],
    handlers: {
      getAppInfo: () => sampleInfo(),
      getStatus: () => sampleStatus(),
      listThreads: () => ({ threads: [], next: null }),
      ...handlers,
    },
    closed: false,
    async call(name, params): Promise<BridgeResponse<unknown>> {
      fake.calls.push({ name, params });
      const handler = fake.handlers[name] as ((p: unknown) => unknown) | undefined;
      if (!handler) return { ok: false, error: { code: 'unknown_request', message: `No fake handler for ${name}` } };
      const out = await handler(params);
      if (out && typeof out === 'object' && 'error' in out) return { ok: false, error: (out as { error: BridgeError }).error };
      return { ok: true, result: out };
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    connection: () => current,
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {
      fake.closed = true;
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    setConnection(next) {
      current = next;
      for (const l of connectionListeners) l(next);
    },
  };
  return fake;
}
