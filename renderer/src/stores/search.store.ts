/** Search: messages and contacts, debounced; names the threads its hits belong to. */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ThreadSummary } from '../../../common/bridge-contract.ts';
import { useBridge } from '../bridge/bridge.ts';
import { useThreadsListStore } from './threads-list.store.ts';
import { errorText, type SearchHit } from './threads-shared.ts';

const SEARCH_DEBOUNCE_MS = 200;

export const useSearchStore = defineStore('threads-search', () => {
  const list = useThreadsListStore();

  const query = ref('');
  const searching = ref(false);
  const searchError = ref<string | null>(null);
  const hits = shallowRef<SearchHit[]>([]);
  const contactThreadIds = shallowRef<number[]>([]);
  let searchTimer: ReturnType<typeof setTimeout> | null = null;
  let searchSeq = 0;

  const searchActive = computed(() => query.value.trim().length > 0);
  const contactResults = computed(() =>
    contactThreadIds.value.map((id) => list.known.get(id)).filter((t): t is ThreadSummary => t !== undefined),
  );
  const messageResults = computed(() => hits.value.map((hit) => ({ hit, thread: list.known.get(hit.threadId) ?? null })));

  function setQuery(next: string): void {
    query.value = next;
    if (searchTimer) clearTimeout(searchTimer);
    const q = next.trim();
    if (!q) {
      searchSeq++;
      hits.value = [];
      contactThreadIds.value = [];
      searching.value = false;
      searchError.value = null;
      return;
    }
    searching.value = true;
    searchTimer = setTimeout(() => void runSearch(q), SEARCH_DEBOUNCE_MS);
  }

  async function runSearch(q: string): Promise<void> {
    const seq = ++searchSeq;
    searching.value = true;
    try {
      const res = await useBridge().request('search', { query: q, limit: 50 });
      if (seq !== searchSeq) return;
      const contactIds = new Set(res.contactIds);
      const threadOfContact = (): Map<number, number> => new Map([...list.known.values()].map((t) => [t.contact.id, t.id]));
      const missing = (): boolean => {
        const byContact = threadOfContact();
        return res.hits.some((h) => !list.known.has(h.threadId)) || [...contactIds].some((c) => !byContact.has(c));
      };
      await list.resolveThreads(missing);
      if (seq !== searchSeq) return;
      // Numbers are matched here too: "+55 11 98765" is one run of digits in a wa_id.
      const digits = q.replace(/\D/g, '');
      const byContact = threadOfContact();
      const ids = [...contactIds].map((c) => byContact.get(c)).filter((id): id is number => id !== undefined);
      if (digits.length >= 3) {
        for (const t of list.known.values()) if (t.contact.waId?.includes(digits) && !ids.includes(t.id)) ids.push(t.id);
      }
      ids.sort((a, b) => (list.known.get(b)?.lastItemAt ?? '').localeCompare(list.known.get(a)?.lastItemAt ?? ''));
      contactThreadIds.value = ids;
      hits.value = res.hits;
      searchError.value = null;
    } catch (err) {
      if (seq === searchSeq) searchError.value = errorText(err);
    } finally {
      if (seq === searchSeq) searching.value = false;
    }
  }

  function dispose(): void {
    if (searchTimer) clearTimeout(searchTimer);
  }

  return {
    query,
    searching,
    searchError,
    searchActive,
    hits,
    contactResults,
    messageResults,
    setQuery,
    runSearch,
    dispose,
  };
});
