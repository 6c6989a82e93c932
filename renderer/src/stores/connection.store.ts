/**
 * The connection store: how Meta reaches this computer. Holds main's `ConnectionView`
 * (from `getConnection`, then every `connection` event), runs "test delivery" and "restart
 * tunnel", applies the tunnel choice (`setTunnel`, validated here first so mistakes show next to
 * their field), and loads the webhook diagnostics on demand.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ConnectionView, Diagnostics, ParamsOf, ResultOf } from '../../../common/bridge-contract.ts';
import { BridgeCallError, useBridge } from '../bridge/bridge.ts';
import { errorText } from '../format/error-text.ts';

export type TunnelProvider = ConnectionView['provider'];
export const TUNNEL_FIELDS = ['subdomain', 'host', 'publicUrl'] as const;
export type TunnelField = (typeof TUNNEL_FIELDS)[number];

/** What the tunnel form holds: both providers' fields, so switching back and forth keeps them. */
export interface TunnelForm {
  provider: TunnelProvider;
  subdomain: string;
  host: string;
  publicUrl: string;
}

/** A field's problem: a rule the UI words itself ('required', 'invalid'), or main's own message. */
export type TunnelFieldError = { kind: 'required' | 'invalid' } | { kind: 'server'; message: string };
export type TunnelFieldErrors = Partial<Record<TunnelField, TunnelFieldError>>;

export type TestDeliveryResult = ResultOf<'testDelivery'> & { at: string };

/** Same rules main applies (config-store.ts): a DNS label, an http(s) server, an https base URL. */
const SUBDOMAIN = /^[a-z0-9][a-z0-9-]{2,62}$/;

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** Normalises the form and returns either the `setTunnel` params or the problems by field. */
export function validateTunnelForm(
  form: TunnelForm,
): { params: ParamsOf<'setTunnel'>; errors: null } | { params: null; errors: TunnelFieldErrors } {
  const errors: TunnelFieldErrors = {};
  if (form.provider === 'public-url') {
    const publicUrl = form.publicUrl.trim();
    const url = parseUrl(publicUrl);
    if (!publicUrl) errors.publicUrl = { kind: 'required' };
    else if (!url || url.protocol !== 'https:' || !url.hostname || publicUrl.length > 500) errors.publicUrl = { kind: 'invalid' };
    return Object.keys(errors).length ? { params: null, errors } : { params: { provider: 'public-url', publicUrl }, errors: null };
  }
  const subdomain = form.subdomain.trim().toLowerCase();
  const host = form.host.trim();
  if (subdomain && !SUBDOMAIN.test(subdomain)) errors.subdomain = { kind: 'invalid' };
  if (host) {
    const url = parseUrl(host);
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname || host.length > 300)
      errors.host = { kind: 'invalid' };
  }
  if (Object.keys(errors).length) return { params: null, errors };
  return { params: { provider: 'localtunnel', subdomain: subdomain || null, host: host || null }, errors: null };
}

/** The form as the saved configuration has it. */
export function formFromView(view: ConnectionView | null): TunnelForm {
  return {
    provider: view?.provider ?? 'localtunnel',
    subdomain: view?.tunnel.subdomain ?? '',
    host: view?.tunnel.host ?? '',
    publicUrl: view?.tunnel.publicUrl ?? '',
  };
}

const isField = (name: unknown): name is TunnelField => typeof name === 'string' && (TUNNEL_FIELDS as readonly string[]).includes(name);

/**
 * Which field main's `invalid_params` refusal is about, and what it says: the dispatcher sends
 * `details` as `[{ path, message }]`; the config check words it "field: message".
 */
function fieldProblem(err: BridgeCallError): { field: TunnelField; message: string } | null {
  if (Array.isArray(err.details)) {
    for (const issue of err.details as Array<{ path?: unknown; message?: unknown }>) {
      const last = Array.isArray(issue?.path) ? (issue.path as unknown[]).at(-1) : null;
      if (isField(last)) return { field: last, message: typeof issue.message === 'string' && issue.message ? issue.message : err.message };
    }
  }
  const m = /^(\w+):\s*(.*)$/s.exec(err.message);
  return m && isField(m[1]) ? { field: m[1], message: m[2] || err.message } : null;
}

export const useConnectionStore = defineStore('connection', () => {
  const view = shallowRef<ConnectionView | null>(null);
  const loadError = ref<string | null>(null);
  const loading = ref(false);

  const testing = ref(false);
  const testResult = shallowRef<TestDeliveryResult | null>(null);

  const restarting = ref(false);
  const actionError = ref<string | null>(null);

  const saving = ref(false);
  const fieldErrors = ref<TunnelFieldErrors>({});
  const saveError = ref<string | null>(null);
  /** Set after a successful save, until the form is edited again. */
  const saved = ref(false);

  const diagnostics = shallowRef<Diagnostics | null>(null);
  const diagnosticsLoading = ref(false);
  const diagnosticsError = ref<string | null>(null);
  const diagnosticsAt = ref<string | null>(null);

  const state = computed(() => view.value?.state ?? null);
  /** Newest first, for the history list. */
  const history = computed(() => [...(view.value?.history ?? [])].reverse());

  let stops: Array<() => void> = [];

  async function load(): Promise<void> {
    loading.value = true;
    try {
      view.value = await useBridge().request('getConnection', {});
      loadError.value = null;
    } catch (err) {
      loadError.value = errorText(err);
    } finally {
      loading.value = false;
    }
  }

  /** Follows the `connection` event and loads a snapshot. Safe to call more than once. */
  async function start(): Promise<void> {
    if (stops.length === 0) {
      const bridge = useBridge();
      let open = bridge.connection.state === 'open';
      stops.push(
        bridge.on('connection', (next) => {
          view.value = next;
          loadError.value = null;
        }),
        bridge.onConnectionChange((c) => {
          // Events sent while the window was away are lost: take a fresh snapshot on reconnect.
          if (c.state === 'open' && !open) void load();
          open = c.state === 'open';
        }),
      );
    }
    await load();
  }

  function stop(): void {
    for (const s of stops) s();
    stops = [];
  }

  async function testDelivery(): Promise<TestDeliveryResult | null> {
    if (testing.value) return null;
    testing.value = true;
    testResult.value = null;
    try {
      const res = await useBridge().request('testDelivery', {});
      testResult.value = { ...res, at: new Date().toISOString() };
    } catch (err) {
      testResult.value = { ok: false, roundTripMs: null, message: errorText(err), at: new Date().toISOString() };
    } finally {
      testing.value = false;
    }
    return testResult.value;
  }

  async function restart(): Promise<boolean> {
    if (restarting.value) return false;
    restarting.value = true;
    actionError.value = null;
    testResult.value = null;
    try {
      view.value = await useBridge().request('restartTunnel', {});
      return true;
    } catch (err) {
      actionError.value = errorText(err);
      return false;
    } finally {
      restarting.value = false;
    }
  }

  const holderBusy = ref<'take' | 'leave' | null>(null);
  const holderError = ref<string | null>(null);

  /** Another address holds the number: take it over (true) or leave it there (false). */
  async function decideHolder(take: boolean): Promise<boolean> {
    if (holderBusy.value) return false;
    holderBusy.value = take ? 'take' : 'leave';
    holderError.value = null;
    try {
      view.value = await useBridge().request(take ? 'takeOverCallback' : 'leaveCallbackElsewhere', {});
      return true;
    } catch (err) {
      holderError.value = errorText(err);
      return false;
    } finally {
      holderBusy.value = null;
    }
  }

  /** Clears the save outcome (the owner edited the form). */
  function resetSave(field?: TunnelField): void {
    saved.value = false;
    saveError.value = null;
    if (field) {
      const next = { ...fieldErrors.value };
      delete next[field];
      fieldErrors.value = next;
    } else {
      fieldErrors.value = {};
    }
  }

  /** Applies the tunnel choice (main restarts the tunnel). False with `fieldErrors`/`saveError` set when refused. */
  async function saveTunnel(form: TunnelForm): Promise<boolean> {
    if (saving.value) return false;
    resetSave();
    const checked = validateTunnelForm(form);
    if (!checked.params) {
      fieldErrors.value = checked.errors;
      return false;
    }
    saving.value = true;
    testResult.value = null;
    try {
      view.value = await useBridge().request('setTunnel', checked.params);
      saved.value = true;
      return true;
    } catch (err) {
      const problem = err instanceof BridgeCallError && err.code === 'invalid_params' ? fieldProblem(err) : null;
      if (problem) fieldErrors.value = { [problem.field]: { kind: 'server', message: problem.message } };
      else saveError.value = errorText(err);
      return false;
    } finally {
      saving.value = false;
    }
  }

  async function loadDiagnostics(): Promise<void> {
    if (diagnosticsLoading.value) return;
    diagnosticsLoading.value = true;
    try {
      diagnostics.value = await useBridge().request('getDiagnostics', {});
      diagnosticsAt.value = new Date().toISOString();
      diagnosticsError.value = null;
    } catch (err) {
      diagnosticsError.value = errorText(err);
    } finally {
      diagnosticsLoading.value = false;
    }
  }

  return {
    view,
    loadError,
    loading,
    state,
    history,
    testing,
    testResult,
    restarting,
    actionError,
    saving,
    fieldErrors,
    saveError,
    saved,
    diagnostics,
    diagnosticsLoading,
    diagnosticsError,
    diagnosticsAt,
    start,
    stop,
    load,
    testDelivery,
    restart,
    resetSave,
    saveTunnel,
    loadDiagnostics,
    holderBusy,
    holderError,
    decideHolder,
  };
});
