/**
 * The call-back list (issue 17, "never lose a caller"): every customer still waiting for a call,
 * oldest waiting first, as main derives it from the threads' calls (`listCallbacks`). The rail's
 * count reads it too, so it loads with the window and refreshes on `threadsChanged` (coalesced: a
 * burst of messages asks once) and whenever the link to main comes back.
 *
 * Each row has one action: Call (the customer allowed calls) or Ask to call (a permission
 * request: interactive inside the 24-hour window; outside it a template is needed, chosen in the
 * conversation). Marking a row done takes it off at once and asks main to remember it.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CallbackEntry } from '../../../common/bridge-contract.ts';
import { useBridge } from '../bridge/bridge.ts';
import { errorText } from '../format/error-text.ts';
import { useCallsStore } from './calls.store.ts';
import { openThreadAt } from './open-thread.ts';

export type { CallbackEntry };

/** What a row's action is doing: placing the call, sending the request, or why it failed. */
export interface RowAction {
  state: 'calling' | 'asking' | 'asked' | 'failed';
  error: string | null;
}

/** Pushed changes within this many ms refresh the list once. */
const REFRESH_DELAY_MS = 150;

export const useCallbacksStore = defineStore('callbacks', () => {
  const rows = shallowRef<CallbackEntry[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** Rows marked done here and not yet gone from main's answer (hidden meanwhile). */
  const hidden = ref(new Map<number, number>());
  const actions = ref(new Map<number, RowAction>());

  const visible = computed(() =>
    rows.value.filter((r) => {
      const upTo = hidden.value.get(r.threadId);
      return upTo === undefined || r.upToItemId > upTo;
    }),
  );
  const count = computed(() => visible.value.length);

  let seq = 0;
  async function load(): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    try {
      const res = await useBridge().request('listCallbacks', {});
      if (mine !== seq) return;
      rows.value = res.callbacks;
      // A done mark main has applied no longer needs hiding here.
      for (const [threadId, upTo] of hidden.value) {
        if (!res.callbacks.some((r) => r.threadId === threadId && r.upToItemId <= upTo)) hidden.value.delete(threadId);
      }
      error.value = null;
      loaded.value = true;
    } catch (err) {
      if (mine === seq) error.value = errorText(err);
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  let timer: ReturnType<typeof setTimeout> | null = null;
  function scheduleRefresh(): void {
    timer ??= setTimeout(() => {
      timer = null;
      void load();
    }, REFRESH_DELAY_MS);
  }

  let stops: Array<() => void> = [];
  /** Subscribes to pushed changes and loads the list. Safe to call more than once. */
  async function start(): Promise<void> {
    if (stops.length) return;
    const bridge = useBridge();
    stops = [
      bridge.on('threadsChanged', () => scheduleRefresh()),
      bridge.onConnectionChange((c) => {
        if (c.state === 'open') scheduleRefresh();
      }),
    ];
    if (bridge.connection.state !== 'closed') await load();
  }

  function stop(): void {
    for (const s of stops) s();
    stops = [];
    if (timer) clearTimeout(timer);
    timer = null;
  }

  function setAction(threadId: number, a: RowAction | null): void {
    const next = new Map(actions.value);
    if (a) next.set(threadId, a);
    else next.delete(threadId);
    actions.value = next;
  }

  /** Off the list now; main remembers up to which call (a newer one brings the customer back). */
  async function markDone(row: CallbackEntry): Promise<boolean> {
    hidden.value = new Map(hidden.value).set(row.threadId, row.upToItemId);
    setAction(row.threadId, null);
    try {
      await useBridge().request('markCallbackDone', { threadId: row.threadId, upToItemId: row.upToItemId });
      return true;
    } catch (err) {
      const next = new Map(hidden.value);
      next.delete(row.threadId);
      hidden.value = next;
      setAction(row.threadId, { state: 'failed', error: errorText(err) });
      return false;
    }
  }

  /** Calls the customer back (main checks the permission with WhatsApp first). */
  async function call(row: CallbackEntry): Promise<boolean> {
    if (actions.value.get(row.threadId)?.state === 'calling') return false;
    setAction(row.threadId, { state: 'calling', error: null });
    const calls = useCallsStore();
    const view = await calls.placeCall(row.threadId);
    setAction(row.threadId, view ? null : { state: 'failed', error: calls.dialError });
    return view !== null;
  }

  /** Asks the customer for permission to call (inside the 24-hour window; outside it the conversation offers templates). */
  async function ask(row: CallbackEntry): Promise<boolean> {
    if (actions.value.get(row.threadId)?.state === 'asking') return false;
    setAction(row.threadId, { state: 'asking', error: null });
    try {
      await useBridge().request('requestCallPermission', { threadId: row.threadId });
      setAction(row.threadId, { state: 'asked', error: null });
      return true;
    } catch (err) {
      setAction(row.threadId, { state: 'failed', error: errorText(err) });
      return false;
    }
  }

  /** The customer's conversation, at their newest waiting call or request. */
  function open(row: CallbackEntry): Promise<void> {
    return openThreadAt(row.threadId, row.upToItemId);
  }

  return { rows: visible, count, loaded, loading, error, actions, load, start, stop, markDone, call, ask, open };
});
