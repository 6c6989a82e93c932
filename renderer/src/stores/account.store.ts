/**
 * The account store: the connected account as main describes it (no secrets), finding the numbers
 * an access token reaches (`discoverNumbers`), the connect check with live step progress
 * (`account.progress` events), and disconnect.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type {
  AccountView,
  ConnectAccountResult,
  ConnectStep,
  DiscoverNumbersResult,
  DiscoveryErrorDetails,
  ParamsOf,
} from '../../../common/bridge-contract.ts';
import { BridgeCallError, useBridge } from '../bridge/bridge.ts';
import { errorText } from '../format/error-text.ts';

export type ConnectForm = Omit<ParamsOf<'connectAccount'>, 'saveAnyway'>;
export const CONNECT_FIELDS = ['graphBaseUrl', 'apiVersion', 'accessToken', 'appSecret', 'appId', 'wabaId', 'phoneNumberId'] as const;
export const STEP_IDS: ConnectStep['id'][] = ['token', 'phone', 'app', 'settings', 'health', 'webhooks'];

/** Why the numbers could not be found: main's code (common/bridge/account.ts), its words, and the field it is about. */
export interface DiscoveryError {
  code: string;
  message: string;
  field: DiscoveryErrorDetails['field'];
  fix: string | null;
  /** `missing_permission`: the permissions the token lacks. */
  missing: string[];
  /** `invalid_token`: it has expired (rather than being wrong or revoked). */
  expired: boolean;
}

function discoveryError(err: unknown): DiscoveryError {
  const d = (err instanceof BridgeCallError && typeof err.details === 'object' && err.details !== null ? err.details : {}) as Partial<
    DiscoveryErrorDetails & { expired: boolean }
  >;
  return {
    code: err instanceof BridgeCallError ? err.code : 'internal',
    message: errorText(err),
    field: d.field ?? null,
    fix: typeof d.fix === 'string' ? d.fix : null,
    missing: Array.isArray(d.missing) ? d.missing : [],
    expired: d.expired === true,
  };
}

export const useAccountStore = defineStore('account', () => {
  const view = shallowRef<AccountView | null>(null);
  const loadError = ref<string | null>(null);
  const connecting = ref(false);
  const steps = ref<ConnectStep[]>([]);
  const result = shallowRef<ConnectAccountResult | null>(null);
  const fieldErrors = ref<Record<string, string>>({});
  const connectError = ref<string | null>(null);
  const disconnecting = ref(false);
  const discovering = ref(false);
  const discovery = shallowRef<DiscoverNumbersResult | null>(null);
  const discoverError = shallowRef<DiscoveryError | null>(null);

  const connected = computed(() => view.value?.connected === true);
  /** The check ran and failed: the owner may save anyway. */
  const failed = computed(() => result.value !== null && !result.value.saved && result.value.steps.length > 0);

  async function load(): Promise<void> {
    try {
      view.value = await useBridge().request('getAccount', {});
      loadError.value = null;
    } catch (err) {
      loadError.value = errorText(err);
    }
  }

  function applyStep(step: ConnectStep): void {
    const i = steps.value.findIndex((s) => s.id === step.id);
    if (i >= 0) steps.value[i] = step;
    else steps.value.push(step);
  }

  async function connect(form: ConnectForm, saveAnyway = false): Promise<boolean> {
    if (connecting.value) return false;
    const bridge = useBridge();
    connecting.value = true;
    connectError.value = null;
    discoverError.value = null;
    fieldErrors.value = {};
    result.value = null;
    steps.value = STEP_IDS.map((id) => ({ id, state: 'pending', message: '', fix: null }));
    const stop = bridge.on('account.progress', applyStep);
    try {
      const res = await bridge.request('connectAccount', { ...form, saveAnyway });
      result.value = res;
      fieldErrors.value = res.fieldErrors;
      if (res.steps.length > 0) steps.value = res.steps;
      else steps.value = [];
      if (res.saved) await load();
      return res.saved;
    } catch (err) {
      connectError.value = errorText(err);
      steps.value = [];
      return false;
    } finally {
      stop();
      connecting.value = false;
    }
  }

  /** Asks main which numbers the token reaches; true when it found some. Nothing is saved. */
  async function discover(form: Pick<ConnectForm, 'accessToken' | 'appSecret' | 'graphBaseUrl' | 'apiVersion'>): Promise<boolean> {
    if (discovering.value || connecting.value) return false;
    discovering.value = true;
    discovery.value = null;
    discoverError.value = null;
    fieldErrors.value = {};
    resetCheck();
    try {
      discovery.value = await useBridge().request('discoverNumbers', {
        accessToken: form.accessToken,
        appSecret: form.appSecret,
        graphBaseUrl: form.graphBaseUrl,
        apiVersion: form.apiVersion,
      });
      return true;
    } catch (err) {
      const e = discoveryError(err);
      const details = err instanceof BridgeCallError ? (err.details as { fieldErrors?: unknown } | undefined) : undefined;
      if (e.code === 'invalid_params' && details?.fieldErrors && typeof details.fieldErrors === 'object')
        fieldErrors.value = details.fieldErrors as Record<string, string>;
      else discoverError.value = e;
      return false;
    } finally {
      discovering.value = false;
    }
  }

  /** Forgets what was found (the token or the secret changed). */
  function clearDiscovery(): void {
    discovery.value = null;
    discoverError.value = null;
  }

  function resetCheck(): void {
    steps.value = [];
    result.value = null;
    connectError.value = null;
  }

  /** What happened to the number's webhook address when it was disconnected (shown once). */
  const disconnectNote = ref<{ state: 'cleared' | 'not_ours' | 'none' | 'failed'; message: string } | null>(null);

  async function disconnect(): Promise<boolean> {
    disconnecting.value = true;
    try {
      const res = await useBridge().request('disconnectAccount', {});
      disconnectNote.value = res.callback.state === 'none' ? null : res.callback;
      resetCheck();
      await load();
      return true;
    } catch (err) {
      loadError.value = errorText(err);
      return false;
    } finally {
      disconnecting.value = false;
    }
  }

  async function copyVerifyToken(): Promise<{ copied: boolean; reason: string | null }> {
    try {
      return await useBridge().request('copyVerifyToken', {});
    } catch (err) {
      return { copied: false, reason: errorText(err) };
    }
  }

  return {
    view,
    loadError,
    connecting,
    steps,
    result,
    fieldErrors,
    connectError,
    disconnecting,
    disconnectNote,
    discovering,
    discovery,
    discoverError,
    connected,
    failed,
    load,
    discover,
    clearDiscovery,
    connect,
    resetCheck,
    disconnect,
    copyVerifyToken,
  };
});
