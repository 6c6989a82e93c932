/**
 * The threads store (issue 6): the thread list (filter, keyset "load more"), search (messages and
 * contacts, debounced), the selected thread's timeline (newest page first, older pages on demand,
 * jump to a search hit), sending with an optimistic bubble, retry, the 24-hour window, and
 * refreshing what is shown when main pushes `threadsChanged`.
 *
 * The timeline is kept oldest → newest (the order it is drawn in); items that are still on their
 * way to main have negative ids until the answer replaces them.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ResultOf, ThreadSummary, TimelineItem } from '../../../common/bridge-contract.ts';
import { BridgeCallError, useBridge } from '../bridge/bridge.ts';

export type ThreadFilter = 'all' | 'unread' | 'missed';
export type Cursor = { at: string; id: number };
export type SearchHit = ResultOf<'search'>['hits'][number];
export type CallPermission = ResultOf<'getCallPermission'>;
export type Template = ResultOf<'listTemplates'>['templates'][number];
export type ExportFormat = 'json' | 'csv';
export interface WindowState {
  open: boolean;
  expiresAt: string | null;
}

export const MAX_TEXT_LENGTH = 4096;
export const LIST_PAGE = 50;
export const TIMELINE_PAGE = 60;
const SEARCH_DEBOUNCE_MS = 200;
/** How many pages of 200 threads search looks through to name the threads its hits belong to. */
const RESOLVE_PAGES = 25;

const byTime = (a: TimelineItem, b: TimelineItem): number => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id);

function failedText(item: TimelineItem): string | null {
  const e = item.data['error'] as { message?: unknown; error_data?: { details?: unknown } } | null | undefined;
  const details = e?.error_data?.details;
  return typeof details === 'string' ? details : typeof e?.message === 'string' ? e.message : null;
}

function errorText(err: unknown): string {
  return err instanceof BridgeCallError || err instanceof Error ? err.message : String(err);
}

export const useThreadsStore = defineStore('threads', () => {
  // ---- the list --------------------------------------------------------------------------
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
          ? threads.value.filter((t) => !fresh.has(t.id) && t.lastItemAt !== null && (t.lastItemAt < last.lastItemAt! || (t.lastItemAt === last.lastItemAt && t.id < last.id)))
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

  // ---- search ----------------------------------------------------------------------------
  const query = ref('');
  const searching = ref(false);
  const searchError = ref<string | null>(null);
  const hits = shallowRef<SearchHit[]>([]);
  const contactThreadIds = shallowRef<number[]>([]);
  let searchTimer: ReturnType<typeof setTimeout> | null = null;
  let searchSeq = 0;

  const searchActive = computed(() => query.value.trim().length > 0);
  const contactResults = computed(() => contactThreadIds.value.map((id) => known.value.get(id)).filter((t): t is ThreadSummary => t !== undefined));
  const messageResults = computed(() =>
    hits.value.map((hit) => ({ hit, thread: known.value.get(hit.threadId) ?? null })),
  );

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
      const threadOfContact = (): Map<number, number> => new Map([...known.value.values()].map((t) => [t.contact.id, t.id]));
      const missing = (): boolean => {
        const byContact = threadOfContact();
        return res.hits.some((h) => !known.value.has(h.threadId)) || [...contactIds].some((c) => !byContact.has(c));
      };
      await resolveThreads(missing);
      if (seq !== searchSeq) return;
      // Numbers are matched here too: "+55 11 98765" is one run of digits in a wa_id.
      const digits = q.replace(/\D/g, '');
      const byContact = threadOfContact();
      const ids = [...contactIds].map((c) => byContact.get(c)).filter((id): id is number => id !== undefined);
      if (digits.length >= 3) {
        for (const t of known.value.values()) if (t.contact.waId?.includes(digits) && !ids.includes(t.id)) ids.push(t.id);
      }
      ids.sort((a, b) => (known.value.get(b)?.lastItemAt ?? '').localeCompare(known.value.get(a)?.lastItemAt ?? ''));
      contactThreadIds.value = ids;
      hits.value = res.hits;
      searchError.value = null;
    } catch (err) {
      if (seq === searchSeq) searchError.value = errorText(err);
    } finally {
      if (seq === searchSeq) searching.value = false;
    }
  }

  // ---- the open thread -------------------------------------------------------------------
  const selectedId = ref<number | null>(null);
  const items = shallowRef<TimelineItem[]>([]);
  const olderCursor = ref<Cursor | null>(null);
  /**
   * Newer than the loaded items (after a jump to an old search hit the timeline is a window in the
   * middle of the thread); null when the newest item is loaded.
   */
  const newerCursor = ref<Cursor | null>(null);
  const timelineLoading = ref(false);
  const olderLoading = ref(false);
  const newerLoading = ref(false);
  const timelineError = ref<string | null>(null);
  const windowState = ref<WindowState>({ open: false, expiresAt: null });
  /** The item a search result pointed at (the view scrolls to it and highlights it). */
  const focusItemId = ref<number | null>(null);

  const selected = computed(() => (selectedId.value === null ? null : (known.value.get(selectedId.value) ?? null)));
  const hasOlder = computed(() => olderCursor.value !== null);
  const hasNewer = computed(() => newerCursor.value !== null);

  function setItems(next: TimelineItem[]): void {
    items.value = next;
  }

  /** Merges server items into the timeline by id (newer versions win), oldest first. */
  function mergeItems(incoming: TimelineItem[]): void {
    if (incoming.length === 0) return;
    const byId = new Map(items.value.map((i) => [i.id, i]));
    const before = new Set(byId.keys());
    for (const i of incoming) byId.set(i.id, i);
    // A pending bubble whose message main already recorded (threadsChanged beat the answer).
    const arrived = incoming.filter((i) => !before.has(i.id) && i.kind === 'message' && i.direction === 'out');
    for (const p of items.value) {
      if (p.id >= 0 || p.status !== 'sending') continue;
      const twin = arrived.findIndex((i) => i.body === p.body);
      if (twin >= 0) {
        byId.delete(p.id);
        arrived.splice(twin, 1);
      }
    }
    setItems([...byId.values()].sort(byTime));
  }

  function replaceItem(oldId: number, next: TimelineItem | null): void {
    const list = items.value.filter((i) => i.id !== oldId && (!next || i.id !== next.id));
    if (next && next.threadId === selectedId.value) list.push(next);
    setItems(list.sort(byTime));
  }

  let timelineSeq = 0;

  async function select(threadId: number, opts: { itemId?: number } = {}): Promise<void> {
    const same = selectedId.value === threadId;
    focusItemId.value = opts.itemId ?? null;
    if (!same) {
      const seq = ++timelineSeq;
      selectedId.value = threadId;
      setItems([]);
      olderCursor.value = null;
      newerCursor.value = null;
      olderLoading.value = false;
      newerLoading.value = false;
      timelineError.value = null;
      windowState.value = { open: false, expiresAt: known.value.get(threadId)?.windowExpiresAt ?? null };
      resetOutgoing();
      void loadPermission();
      // A search hit opens the thread at the hit (a page centred on it, however old), not at the newest page.
      if (await replaceTimeline(threadId, opts.itemId ?? null, seq)) void markOpened(threadId);
      return;
    }
    if (opts.itemId !== undefined && !items.value.some((i) => i.id === opts.itemId)) await loadAround(opts.itemId);
  }

  /**
   * Replaces the loaded items with one page: the newest (aroundItemId null) or one centred on an
   * item. Opening a thread, jumping to a search hit and "Jump to latest" all load this way.
   */
  async function replaceTimeline(threadId: number, aroundItemId: number | null, seq = ++timelineSeq): Promise<boolean> {
    olderLoading.value = false;
    newerLoading.value = false;
    timelineLoading.value = true;
    try {
      const res = await useBridge().request('getTimeline', { threadId, before: null, aroundItemId, limit: TIMELINE_PAGE });
      if (seq !== timelineSeq) return false;
      setItems([...res.items].reverse());
      olderCursor.value = res.next;
      newerCursor.value = res.newer;
      windowState.value = res.window;
      timelineError.value = null;
      return true;
    } catch (err) {
      if (seq === timelineSeq) timelineError.value = errorText(err);
      return false;
    } finally {
      if (seq === timelineSeq) timelineLoading.value = false;
    }
  }

  /** Replaces the loaded items with a page centred on an item of the open thread. */
  async function loadAround(itemId: number): Promise<boolean> {
    const threadId = selectedId.value;
    return threadId === null ? false : replaceTimeline(threadId, itemId);
  }

  async function markOpened(threadId: number): Promise<void> {
    const t = known.value.get(threadId);
    if (t && t.unreadCount > 0) {
      const cleared = { ...t, unreadCount: 0 };
      remember([cleared]);
      threads.value = threads.value.map((x) => (x.id === threadId ? cleared : x));
    }
    try {
      await useBridge().request('openThread', { threadId });
    } catch {
      // Best effort: the unread count comes back with the next refresh.
    }
  }

  function close(): void {
    timelineSeq++;
    selectedId.value = null;
    setItems([]);
    olderCursor.value = null;
    newerCursor.value = null;
    olderLoading.value = false;
    newerLoading.value = false;
    timelineLoading.value = false;
    focusItemId.value = null;
    resetOutgoing();
  }

  async function loadOlder(limit = TIMELINE_PAGE): Promise<boolean> {
    const threadId = selectedId.value;
    if (threadId === null || !olderCursor.value || olderLoading.value) return false;
    const seq = timelineSeq;
    olderLoading.value = true;
    try {
      const res = await useBridge().request('getTimeline', { threadId, before: olderCursor.value, limit });
      if (seq !== timelineSeq) return false;
      const have = new Set(items.value.map((i) => i.id));
      setItems([...[...res.items].reverse().filter((i) => !have.has(i.id)), ...items.value]);
      olderCursor.value = res.next;
      return true;
    } catch (err) {
      if (seq === timelineSeq) timelineError.value = errorText(err);
      return false;
    } finally {
      if (seq === timelineSeq) olderLoading.value = false;
    }
  }

  /** Scrolling down in a window opened at an old search hit: the next newer page. */
  async function loadNewer(limit = TIMELINE_PAGE): Promise<boolean> {
    const threadId = selectedId.value;
    if (threadId === null || !newerCursor.value || newerLoading.value) return false;
    const seq = timelineSeq;
    newerLoading.value = true;
    try {
      const res = await useBridge().request('getTimeline', { threadId, before: null, after: newerCursor.value, limit });
      if (seq !== timelineSeq) return false;
      mergeItems(res.items);
      newerCursor.value = res.newer;
      windowState.value = res.window;
      return true;
    } catch (err) {
      if (seq === timelineSeq) timelineError.value = errorText(err);
      return false;
    } finally {
      if (seq === timelineSeq) newerLoading.value = false;
    }
  }

  /** Back to the newest page (Jump to latest, or sending from a window in the past). */
  async function showLatest(): Promise<void> {
    const threadId = selectedId.value;
    if (threadId === null || newerCursor.value === null) return;
    await replaceTimeline(threadId, null);
  }

  async function jumpTo(hit: SearchHit): Promise<void> {
    await select(hit.threadId, { itemId: hit.itemId });
  }

  /** The newest page again (after threadsChanged), merged into what is loaded. */
  async function refreshTimeline(): Promise<void> {
    const threadId = selectedId.value;
    if (threadId === null || timelineLoading.value) return;
    const seq = timelineSeq;
    try {
      const res = await useBridge().request('getTimeline', { threadId, before: null, limit: TIMELINE_PAGE });
      if (seq !== timelineSeq) return;
      const had = new Set(items.value.map((i) => i.id));
      const windowWas = windowState.value.open;
      // In a window opened at an old search hit, the newest page is not adjacent to what is
      // loaded: merging it would leave a silent gap. Only items already shown are updated then.
      mergeItems(newerCursor.value === null ? res.items : res.items.filter((i) => had.has(i.id)));
      windowState.value = res.window;
      // A permission reply (granted, declined, revoked) or the window opening changes what the
      // Call and "Ask to call" buttons may do: ask main again.
      const permissionNews = res.items.some((i) => !had.has(i.id) && i.kind === 'system' && i.type.startsWith('permission_'));
      // The customer answered: "Request sent" has done its job.
      if (permissionNews && askState.value === 'sent') askState.value = 'idle';
      if (permissionNews || windowWas !== res.window.open) void loadPermission();
    } catch {
      // The next change tries again.
    }
  }

  // ---- sending -----------------------------------------------------------------------------
  let pendingSeq = 0;
  const sending = ref(0);

  /** Sends text to the open thread; false when nothing was sent (empty, closed window). */
  async function send(text: string): Promise<boolean> {
    const threadId = selectedId.value;
    const body = text.trim();
    if (threadId === null || !body || body.length > MAX_TEXT_LENGTH) return false;
    if (!windowState.value.open) return false;
    // Sending from a window in the past: the new bubble belongs at the end of the conversation.
    if (newerCursor.value !== null) await showLatest();
    if (selectedId.value !== threadId) return false;
    const pending: TimelineItem = {
      id: -++pendingSeq,
      threadId,
      kind: 'message',
      metaId: null,
      direction: 'out',
      at: new Date().toISOString(),
      type: 'text',
      body,
      status: 'sending',
      data: {},
    };
    setItems([...items.value, pending]);
    sending.value++;
    try {
      const item = await useBridge().request('sendTextMessage', { threadId, text: body });
      // The answer replaces the pending bubble (and a copy a refresh may have brought in already).
      replaceItem(pending.id, item);
      patchSummary(threadId, item);
      return true;
    } catch (err) {
      if (err instanceof BridgeCallError && err.code === 'window_closed') {
        replaceItem(pending.id, null);
        windowState.value = { ...windowState.value, open: false };
        return false;
      }
      // Never reached main (or main refused): keep the text as a failed bubble that can be retried.
      const failed: TimelineItem = { ...pending, status: 'failed', data: { error: { code: err instanceof BridgeCallError ? err.code : 'unavailable', message: errorText(err) } } };
      replaceItem(pending.id, failed);
      return false;
    } finally {
      sending.value--;
    }
  }

  async function retry(itemId: number): Promise<void> {
    const item = items.value.find((i) => i.id === itemId);
    if (!item || item.status !== 'failed' || !item.body) return;
    if (item.id < 0) {
      replaceItem(item.id, null);
      await send(item.body);
      return;
    }
    replaceItem(item.id, { ...item, status: 'sending', data: { ...item.data, error: null } });
    try {
      const next = await useBridge().request('retryMessage', { itemId });
      replaceItem(itemId, next);
      patchSummary(next.threadId, next);
    } catch (err) {
      if (err instanceof BridgeCallError && err.code === 'window_closed') windowState.value = { ...windowState.value, open: false };
      replaceItem(itemId, { ...item, data: { ...item.data, error: { code: err instanceof BridgeCallError ? err.code : 'unavailable', message: errorText(err) } } });
    }
  }

  function patchSummary(threadId: number, item: TimelineItem): void {
    const t = known.value.get(threadId);
    if (!t) return;
    const next: ThreadSummary = { ...t, lastItemAt: item.at, lastItem: { kind: item.kind, type: item.type, direction: item.direction, body: item.body, status: item.status } };
    remember([next]);
    threads.value = [next, ...threads.value.filter((x) => x.id !== threadId)];
  }

  // ---- outgoing: call permission, templates, media, export --------------------------------
  const permission = ref<CallPermission | null>(null);
  const permissionLoading = ref(false);
  const permissionError = ref<string | null>(null);
  /** The "Ask to call" request: idle, on its way, sent (answer arrives as a thread item), failed. */
  const askState = ref<'idle' | 'sending' | 'sent' | 'failed'>('idle');
  const askError = ref<string | null>(null);
  let permissionSeq = 0;

  function resetOutgoing(): void {
    permissionSeq++;
    permission.value = null;
    permissionLoading.value = false;
    permissionError.value = null;
    askState.value = 'idle';
    askError.value = null;
  }

  /** Asks main whether the open thread's customer may be called now (and whether we may ask). */
  async function loadPermission(): Promise<void> {
    const threadId = selectedId.value;
    if (threadId === null) return;
    const seq = ++permissionSeq;
    permissionLoading.value = true;
    try {
      const res = await useBridge().request('getCallPermission', { threadId });
      if (seq !== permissionSeq) return;
      permission.value = res;
      permissionError.value = null;
    } catch (err) {
      if (seq === permissionSeq) permissionError.value = errorText(err);
    } finally {
      if (seq === permissionSeq) permissionLoading.value = false;
    }
  }

  /** "Ask to call": interactive inside the 24-hour window, else the given approved template. */
  async function askToCall(template?: { name: string; language: string; parameters?: string[] }): Promise<boolean> {
    const threadId = selectedId.value;
    if (threadId === null || askState.value === 'sending') return false;
    askState.value = 'sending';
    askError.value = null;
    try {
      await useBridge().request('requestCallPermission', template ? { threadId, template } : { threadId });
      if (selectedId.value !== threadId) return true;
      askState.value = 'sent';
      void loadPermission();
      return true;
    } catch (err) {
      if (selectedId.value !== threadId) return false;
      askState.value = 'failed';
      askError.value = errorText(err);
      return false;
    }
  }

  const templates = shallowRef<Template[]>([]);
  const templatesLoaded = ref(false);
  const templatesLoading = ref(false);
  const templatesError = ref<string | null>(null);

  /** The business's approved templates (read once; `force` reads them again). */
  async function loadTemplates(force = false): Promise<void> {
    if (templatesLoading.value || (templatesLoaded.value && !force)) return;
    templatesLoading.value = true;
    try {
      const res = await useBridge().request('listTemplates', {});
      templates.value = res.templates;
      templatesLoaded.value = true;
      templatesError.value = null;
    } catch (err) {
      templatesError.value = errorText(err);
    } finally {
      templatesLoading.value = false;
    }
  }

  /** Sends an approved template to the open thread; the error in plain words, or null when sent. */
  async function sendTemplate(t: { name: string; language: string; parameters: string[] }): Promise<string | null> {
    const threadId = selectedId.value;
    if (threadId === null) return null;
    sending.value++;
    try {
      const item = await useBridge().request('sendTemplate', { threadId, name: t.name, language: t.language, parameters: t.parameters });
      if (item.threadId === selectedId.value) mergeItems([item]);
      patchSummary(threadId, item);
      return item.status === 'failed' ? (failedText(item) ?? '') : null;
    } catch (err) {
      return errorText(err);
    } finally {
      sending.value--;
    }
  }

  /** An inbound item's media (a photo, a voice message, a call's voicemail) as a Blob. */
  async function fetchMedia(itemId: number): Promise<Blob> {
    const res = await useBridge().request('getMedia', { itemId });
    const raw = atob(res.base64);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return new Blob([bytes], { type: res.mimeType });
  }

  /** The open thread as JSON or CSV (the view turns it into a download). */
  async function exportThread(format: ExportFormat): Promise<ResultOf<'exportThread'> | null> {
    const threadId = selectedId.value;
    if (threadId === null) return null;
    return useBridge().request('exportThread', { threadId, format });
  }

  /** Closes the window locally when it runs out while the thread is open. */
  function expireWindow(now = Date.now()): void {
    const exp = windowState.value.expiresAt;
    if (windowState.value.open && exp && Date.parse(exp) <= now) windowState.value = { ...windowState.value, open: false };
  }

  // ---- events ------------------------------------------------------------------------------
  let stop: (() => void) | null = null;

  async function onThreadsChanged(threadIds: number[]): Promise<void> {
    await refreshList();
    const open = selectedId.value;
    if (open !== null && threadIds.includes(open)) {
      await refreshTimeline();
      // New messages arrived while the owner is looking at the thread: they are read.
      if ((known.value.get(open)?.unreadCount ?? 0) > 0) void markOpened(open);
    }
  }

  /** Subscribes to `threadsChanged` and loads the first page. Safe to call more than once. */
  async function start(): Promise<void> {
    const bridge = useBridge();
    if (!stop) stop = bridge.on('threadsChanged', (p) => void onThreadsChanged(p.threadIds));
    // Without a link to main there is nothing to ask; the view loads when the link opens.
    if (!listLoaded.value && bridge.connection.state !== 'closed') await loadThreads();
  }

  function dispose(): void {
    stop?.();
    stop = null;
    if (searchTimer) clearTimeout(searchTimer);
  }

  return {
    filter,
    threads,
    listNext,
    listLoading,
    listLoaded,
    listError,
    known,
    query,
    searching,
    searchError,
    searchActive,
    hits,
    contactResults,
    messageResults,
    selectedId,
    selected,
    items,
    hasOlder,
    hasNewer,
    timelineLoading,
    olderLoading,
    newerLoading,
    timelineError,
    windowState,
    focusItemId,
    sending,
    start,
    dispose,
    loadThreads,
    loadMore,
    setFilter,
    refreshList,
    setQuery,
    runSearch,
    select,
    close,
    loadOlder,
    loadNewer,
    loadAround,
    showLatest,
    jumpTo,
    refreshTimeline,
    send,
    retry,
    expireWindow,
    onThreadsChanged,
    permission,
    permissionLoading,
    permissionError,
    askState,
    askError,
    loadPermission,
    askToCall,
    templates,
    templatesLoaded,
    templatesLoading,
    templatesError,
    loadTemplates,
    sendTemplate,
    fetchMedia,
    exportThread,
  };
});
