/**
 * The thread list: the filter, keyset "load more", refreshing the shown pages when main
 * pushes `threadsChanged`, and every thread summary seen so far (search results and the header
 * need them).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ThreadSummary, TimelineItem } from '../../../common/bridge-contract.ts';
import { useBridge } from '../bridge/bridge.ts';
import { LIST_PAGE, errorText, type Cursor, type ThreadFilter } from './threads-shared.ts';

/** How many pages of 200 threads search looks through to name the threads its hits belong to. */
const RESOLVE_PAGES = 25;

export const useThreadsListStore = defineStore('threads-list', () => {
  const filter = ref<ThreadFilter>('all');
  const threads = shallowRef<ThreadSummary[]>([]);
  const listNext = ref<Cursor | null>(null);
  /** Requests for list pages in flight (a refresh may overtake a page; each ends its own count). */
  const listLoads = ref(0);
  const listLoading = computed(() => listLoads.value > 0);
  const listLoaded = ref(false);
  const listError = ref<string | null>(null);
  /** Every thread summary seen so far, by id (search results and the header need them). */
  const known = shallowRef(new Map<number, ThreadSummary>());

  function remember(list: ThreadSummary[]): void {
    const next = new Map(known.value);
    for (const t of list) next.set(t.id, t);
    known.value = next;
  }

  let listSeq = 0;
  async function loadThreads(): Promise<void> {
    const seq = ++listSeq;
    listLoads.value++;
    try {
      const res = await useBridge().request('listThreads', { filter: filter.value, after: null, limit: LIST_PAGE });
      if (seq !== listSeq) return;
      remember(res.threads);
      threads.value = res.threads;
      listNext.value = res.next;
      listError.value = null;
      listLoaded.value = true;
    } catch (err) {
      if (seq === listSeq) listError.value = errorText(err);
    } finally {
      listLoads.value--;
    }
  }

  async function loadMore(): Promise<void> {
    if (!listNext.value || listLoading.value) return;
    const seq = listSeq;
    listLoads.value++;
    try {
      const res = await useBridge().request('listThreads', { filter: filter.value, after: listNext.value, limit: LIST_PAGE });
      if (seq !== listSeq) return;
      remember(res.threads);
      const have = new Set(threads.value.map((t) => t.id));
      threads.value = [...threads.value, ...res.threads.filter((t) => !have.has(t.id))];
      listNext.value = res.next;
      listError.value = null;
    } catch (err) {
      if (seq === listSeq) listError.value = errorText(err);
    } finally {
      listLoads.value--;
    }
  }

  function setFilter(next: ThreadFilter): void {
    if (filter.value === next) return;
    filter.value = next;
    // The rows shown stay until the filtered page arrives (no flash of an empty list).
    void loadThreads();
  }

  /** Re-reads the first pages (as many threads as are shown, up to 200), keeping the tail. */
  async function refreshList(): Promise<void> {
    const seq = ++listSeq;
    const limit = Math.min(200, Math.max(LIST_PAGE, threads.value.length));
    try {
      const res = await useBridge().request('listThreads', { filter: filter.value, after: null, limit });
      if (seq !== listSeq) return;
      remember(res.threads);
      const fresh = new Set(res.threads.map((t) => t.id));
      const last = res.threads.at(-1);
      const tail =
        res.next && last
          ? threads.value.filter(
              (t) =>
                !fresh.has(t.id) &&
                t.lastItemAt !== null &&
                (t.lastItemAt < last.lastItemAt! || (t.lastItemAt === last.lastItemAt && t.id < last.id)),
            )
          : [];
      threads.value = [...res.threads, ...tail];
      if (!res.next) listNext.value = null;
      else if (tail.length === 0) listNext.value = res.next;
      listError.value = null;
      listLoaded.value = true;
    } catch (err) {
      if (seq === listSeq) listError.value = errorText(err);
    }
  }

  /** Pages through all threads until `want` says every id it needs is known (search results). */
  let resolveCursor: Cursor | null = null;
  let resolveDone = false;
  async function resolveThreads(missing: () => boolean): Promise<void> {
    for (let page = 0; page < RESOLVE_PAGES && !resolveDone && missing(); page++) {
      const res = await useBridge().request('listThreads', { filter: 'all', after: resolveCursor, limit: 200 });
      remember(res.threads);
      resolveCursor = res.next;
      if (!res.next) resolveDone = true;
    }
  }

  function patchSummary(threadId: number, item: TimelineItem): void {
    const t = known.value.get(threadId);
    if (!t) return;
    const next: ThreadSummary = {
      ...t,
      lastItemAt: item.at,
      lastItem: { kind: item.kind, type: item.type, direction: item.direction, body: item.body, status: item.status },
    };
    remember([next]);
    threads.value = [next, ...threads.value.filter((x) => x.id !== threadId)];
  }

  /** The thread was opened: its unread count is cleared locally at once. */
  function clearUnread(threadId: number): void {
    const t = known.value.get(threadId);
    if (t && t.unreadCount > 0) {
      const cleared = { ...t, unreadCount: 0 };
      remember([cleared]);
      threads.value = threads.value.map((x) => (x.id === threadId ? cleared : x));
    }
  }

  return {
    filter,
    threads,
    listNext,
    listLoading,
    listLoaded,
    listError,
    known,
    remember,
    loadThreads,
    loadMore,
    setFilter,
    refreshList,
    resolveThreads,
    patchSummary,
    clearUnread,
  };
});
