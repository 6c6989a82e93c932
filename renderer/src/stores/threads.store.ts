/**
 * The threads store: one face over the thread stores — the list (threads-list.store),
 * search (search.store), the open thread's timeline (timeline.store), the composer
 * (composer.store) and the call permission (call-permission.store) — and the `threadsChanged`
 * subscription that refreshes what is shown.
 *
 * Components that need only one concern use that store directly; this one keeps the whole for
 * the views that start the subscription and for the tests.
 */
import { defineStore, storeToRefs } from 'pinia';
import { useBridge } from '../bridge/bridge.ts';
import { useCallPermissionStore } from './call-permission.store.ts';
import { useComposerStore } from './composer.store.ts';
import { useSearchStore } from './search.store.ts';
import { useThreadsListStore } from './threads-list.store.ts';
import { useTimelineStore } from './timeline.store.ts';

export { LIST_PAGE, MAX_TEXT_LENGTH, TIMELINE_PAGE } from './threads-shared.ts';
export type { CallPermission, Cursor, ExportFormat, SearchHit, Template, ThreadFilter, WindowState } from './threads-shared.ts';

export const useThreadsStore = defineStore('threads', () => {
  const list = useThreadsListStore();
  const search = useSearchStore();
  const timeline = useTimelineStore();
  const composer = useComposerStore();
  const permission = useCallPermissionStore();

  const { filter, threads, listNext, listLoading, listLoaded, listError, known } = storeToRefs(list);
  const { query, searching, searchError, searchActive, hits, contactResults, messageResults } = storeToRefs(search);
  const {
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
  } = storeToRefs(timeline);
  const { sending, templates, templatesLoaded, templatesLoading, templatesError } = storeToRefs(composer);
  const { permission: callPermission, permissionLoading, permissionError, askState, askError } = storeToRefs(permission);

  // ---- events ------------------------------------------------------------------------------
  let stop: (() => void) | null = null;

  async function onThreadsChanged(threadIds: number[]): Promise<void> {
    await list.refreshList();
    const open = timeline.selectedId;
    if (open !== null && threadIds.includes(open)) {
      await timeline.refreshTimeline();
      // New messages arrived while the owner is looking at the thread: they are read.
      if ((list.known.get(open)?.unreadCount ?? 0) > 0) void timeline.markOpened(open);
    }
  }

  /** Subscribes to `threadsChanged` and loads the first page. Safe to call more than once. */
  async function start(): Promise<void> {
    const bridge = useBridge();
    if (!stop) stop = bridge.on('threadsChanged', (p) => void onThreadsChanged(p.threadIds));
    // Without a link to main there is nothing to ask; the view loads when the link opens.
    if (!list.listLoaded && bridge.connection.state !== 'closed') await list.loadThreads();
  }

  function dispose(): void {
    stop?.();
    stop = null;
    search.dispose();
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
    loadThreads: list.loadThreads,
    loadMore: list.loadMore,
    setFilter: list.setFilter,
    refreshList: list.refreshList,
    setQuery: search.setQuery,
    runSearch: search.runSearch,
    select: timeline.select,
    close: timeline.close,
    loadOlder: timeline.loadOlder,
    loadNewer: timeline.loadNewer,
    loadAround: timeline.loadAround,
    showLatest: timeline.showLatest,
    jumpTo: timeline.jumpTo,
    refreshTimeline: timeline.refreshTimeline,
    send: composer.send,
    retry: composer.retry,
    expireWindow: timeline.expireWindow,
    onThreadsChanged,
    permission: callPermission,
    permissionLoading,
    permissionError,
    askState,
    askError,
    loadPermission: permission.loadPermission,
    askToCall: permission.askToCall,
    templates,
    templatesLoaded,
    templatesLoading,
    templatesError,
    loadTemplates: composer.loadTemplates,
    sendTemplate: composer.sendTemplate,
    fetchMedia: timeline.fetchMedia,
    exportThread: timeline.exportThread,
  };
});
