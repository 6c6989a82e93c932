/**
 * The open thread's timeline: newest page first, older pages on demand, a window around
 * a search hit, the 24-hour window, and refreshing what is shown when main pushes `threadsChanged`.
 *
 * The timeline is kept oldest → newest (the order it is drawn in); items that are still on their
 * way to main have negative ids until the answer replaces them.
 */
import { defineStore, getActivePinia } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ResultOf, TimelineItem } from '../../../common/bridge-contract.ts';
import { useBridge } from '../bridge/bridge.ts';
import { useCallPermissionStore } from './call-permission.store.ts';
import { useThreadsListStore } from './threads-list.store.ts';
import { TIMELINE_PAGE, byTime, errorText, type Cursor, type ExportFormat, type SearchHit, type WindowState } from './threads-shared.ts';

export const useTimelineStore = defineStore('threads-timeline', () => {
  const pinia = getActivePinia();
  const list = useThreadsListStore();
  /** Read when needed: the call permission store reads the open thread from this one. */
  const permission = () => useCallPermissionStore(pinia);

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
  /** A search hit in a call's transcript: the call card opens its transcript at that line (CallRecording.vue). */
  const focusLine = ref<{ itemId: number; line: number } | null>(null);

  const selected = computed(() => (selectedId.value === null ? null : (list.known.get(selectedId.value) ?? null)));
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

  async function select(threadId: number, opts: { itemId?: number; line?: number } = {}): Promise<void> {
    const same = selectedId.value === threadId;
    focusItemId.value = opts.itemId ?? null;
    focusLine.value = opts.itemId !== undefined && opts.line !== undefined ? { itemId: opts.itemId, line: opts.line } : null;
    if (!same) {
      const seq = ++timelineSeq;
      selectedId.value = threadId;
      setItems([]);
      olderCursor.value = null;
      newerCursor.value = null;
      olderLoading.value = false;
      newerLoading.value = false;
      timelineError.value = null;
      windowState.value = { open: false, expiresAt: list.known.get(threadId)?.windowExpiresAt ?? null };
      permission().reset();
      void permission().loadPermission();
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
    list.clearUnread(threadId);
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
    focusLine.value = null;
    permission().reset();
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
    // A word spoken in a call: the call card, its transcript open at that line.
    const line = hit.line ?? null;
    await select(hit.threadId, line === null ? { itemId: hit.itemId } : { itemId: hit.itemId, line });
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
      if (permissionNews) permission().answered();
      if (permissionNews || windowWas !== res.window.open) void permission().loadPermission();
    } catch {
      // The next change tries again.
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

  return {
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
    focusLine,
    setItems,
    mergeItems,
    replaceItem,
    select,
    close,
    markOpened,
    loadOlder,
    loadNewer,
    loadAround,
    showLatest,
    jumpTo,
    refreshTimeline,
    expireWindow,
    fetchMedia,
    exportThread,
  };
});
