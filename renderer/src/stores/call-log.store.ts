/**
 * The call log: every call with every customer, newest first, in keyset pages (`listCallLog`),
 * filtered by missed / incoming / outgoing / failed; the CSV export of what the filter shows.
 * While the view is open, pushed `threadsChanged` refresh the newest page and merge it in (a call
 * that rang, ended or got its voicemail), keeping the pages already loaded below it.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { CallLogEntry, CallLogFilter, ResultOf } from '../../../common/bridge-contract.ts';
import { useBridge } from '../bridge/bridge.ts';
import { errorText } from '../format/error-text.ts';
import { openThreadAt } from './open-thread.ts';
import type { Cursor } from './threads-shared.ts';

export type { CallLogEntry, CallLogFilter };

export const CALL_LOG_FILTERS: readonly CallLogFilter[] = ['all', 'missed', 'incoming', 'outgoing', 'failed', 'recorded'];
export const CALL_LOG_PAGE = 100;
const REFRESH_DELAY_MS = 150;

const newestFirst = (a: CallLogEntry, b: CallLogEntry): number => (a.at > b.at ? -1 : a.at < b.at ? 1 : b.itemId - a.itemId);

export const useCallLogStore = defineStore('call-log', () => {
  const filter = ref<CallLogFilter>('all');
  const calls = shallowRef<CallLogEntry[]>([]);
  const next = ref<Cursor | null>(null);
  const loading = ref(false);
  const moreLoading = ref(false);
  const loaded = ref(false);
  const error = ref<string | null>(null);

  let seq = 0;

  /** The newest page for the current filter, replacing what is shown. */
  async function load(): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    moreLoading.value = false;
    try {
      const res = await useBridge().request('listCallLog', { filter: filter.value, before: null, limit: CALL_LOG_PAGE });
      if (mine !== seq) return;
      calls.value = res.calls;
      next.value = res.next;
      error.value = null;
      loaded.value = true;
    } catch (err) {
      if (mine === seq) error.value = errorText(err);
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  /** The next older page (the list nears its end). */
  async function loadMore(): Promise<void> {
    if (!next.value || moreLoading.value || loading.value) return;
    const mine = seq;
    moreLoading.value = true;
    try {
      const res = await useBridge().request('listCallLog', { filter: filter.value, before: next.value, limit: CALL_LOG_PAGE });
      if (mine !== seq) return;
      const have = new Set(calls.value.map((c) => c.itemId));
      calls.value = [...calls.value, ...res.calls.filter((c) => !have.has(c.itemId))];
      next.value = res.next;
    } catch (err) {
      if (mine === seq) error.value = errorText(err);
    } finally {
      if (mine === seq) moreLoading.value = false;
    }
  }

  /** Another filter: its newest page replaces the rows when it arrives (no empty list in between). */
  function setFilter(f: CallLogFilter): void {
    if (f === filter.value && loaded.value) return;
    filter.value = f;
    void load();
  }

  /** The newest page again, merged into what is loaded (updated rows replace theirs; a call that left the filter goes). */
  async function refresh(): Promise<void> {
    if (!loaded.value || loading.value) return;
    const mine = seq;
    try {
      const res = await useBridge().request('listCallLog', { filter: filter.value, before: null, limit: CALL_LOG_PAGE });
      if (mine !== seq) return;
      const oldest = res.calls.at(-1);
      const fresh = new Map(res.calls.map((c) => [c.itemId, c]));
      // Rows inside the fresh page's span are what main says now; older rows are kept as loaded.
      const kept = calls.value.filter((c) => !fresh.has(c.itemId) && (!oldest || newestFirst(c, oldest) > 0));
      calls.value = [...res.calls, ...kept].sort(newestFirst);
      if (res.next === null && kept.length === 0) next.value = null;
    } catch {
      // The next change tries again.
    }
  }

  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopEvents: (() => void) | null = null;
  /** While the view is open: load, and follow pushed changes. */
  function open(): void {
    const bridge = useBridge();
    stopEvents ??= bridge.on('threadsChanged', () => {
      timer ??= setTimeout(() => {
        timer = null;
        void refresh();
      }, REFRESH_DELAY_MS);
    });
    if (!loaded.value) void load();
    else void refresh();
  }

  function close(): void {
    stopEvents?.();
    stopEvents = null;
    if (timer) clearTimeout(timer);
    timer = null;
  }

  /** The log (with the current filter) as CSV; the view turns it into a download. */
  async function exportCsv(): Promise<ResultOf<'exportCallLog'>> {
    return useBridge().request('exportCallLog', { filter: filter.value });
  }

  /** The call's conversation, opened at its call card. */
  function openCall(c: CallLogEntry): Promise<void> {
    return openThreadAt(c.threadId, c.itemId);
  }

  return { filter, calls, next, loading, moreLoading, loaded, error, load, loadMore, setFilter, refresh, open, close, exportCsv, openCall };
});
