/**
 * The app store: who we are (app info), how main is doing (status: account and reachability,
 * from `getStatus` and then the `status` event) and whether this window can reach main at all
 * (the bridge connection). Everything arrives through the bridge module.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { AppInfo, AppStatus } from '../../../common/bridge-contract.ts';
import { useBridge, type Bridge, type BridgeConnection } from '../bridge/bridge.ts';
import { errorText } from '../format/error-text.ts';

export type AccountState = AppStatus['account']['state'] | 'unknown';
export type ReachabilityState = AppStatus['reachability']['state'];

export const useAppStore = defineStore('app', () => {
  const info = shallowRef<AppInfo | null>(null);
  const status = shallowRef<AppStatus | null>(null);
  const connection = shallowRef<BridgeConnection>({ state: 'connecting', reason: null });
  const transport = ref<Bridge['transport'] | null>(null);
  /** The last failure loading info or status, as a plain message (null when all is well). */
  const loadError = ref<string | null>(null);

  const version = computed(() => info.value?.version ?? null);
  const accountState = computed<AccountState>(() => status.value?.account.state ?? 'unknown');
  const reachabilityState = computed<ReachabilityState>(() => status.value?.reachability.state ?? 'unknown');
  const needsAccount = computed(() => accountState.value === 'not_connected');

  let stops: Array<() => void> = [];
  let started = false;

  async function refresh(): Promise<void> {
    const bridge = useBridge();
    try {
      const [nextInfo, nextStatus] = await Promise.all([bridge.request('getAppInfo', {}), bridge.request('getStatus', {})]);
      info.value = nextInfo;
      status.value = nextStatus;
      loadError.value = null;
    } catch (err) {
      loadError.value = errorText(err);
    }
  }

  /** Subscribes to the bridge and loads the first snapshot. Safe to call more than once. */
  async function start(): Promise<void> {
    if (started) return;
    started = true;
    const bridge = useBridge();
    transport.value = bridge.transport;
    connection.value = bridge.connection;
    stops.push(
      bridge.onConnectionChange((next) => {
        const reopened = next.state === 'open' && connection.value.state !== 'open';
        connection.value = next;
        // Events sent while we were away are lost: take a fresh snapshot on every reconnect.
        if (reopened) void refresh();
      }),
      bridge.on('status', (next) => {
        status.value = next;
      }),
    );
    if (bridge.connection.state !== 'closed') await refresh();
  }

  function stop(): void {
    for (const s of stops) s();
    stops = [];
    started = false;
  }

  return { info, status, connection, transport, loadError, version, accountState, reachabilityState, needsAccount, start, stop, refresh };
});
