/**
 * Opening a conversation from another view (the call-back list, the call log): Conversations
 * comes forward with the thread open, at an item when one is given (a page centred on it, as a
 * search hit opens). A thread further down than the list has loaded is fetched first, so the pane
 * has its summary to draw.
 */
import { nextTick } from 'vue';
import { useBridge } from '../bridge/bridge.ts';
import { useThreadsListStore } from './threads-list.store.ts';
import { useTimelineStore } from './timeline.store.ts';
import { useUiStore } from './ui.store.ts';

export async function openThreadAt(threadId: number, itemId?: number): Promise<void> {
  const list = useThreadsListStore();
  if (!list.known.has(threadId)) {
    try {
      const res = await useBridge().request('getThread', { threadId });
      if (res.thread) list.remember([res.thread]);
    } catch {
      // The pane says what it can; the timeline's own request reports a missing thread.
    }
  }
  useUiStore().showThreads();
  // The conversation view mounts first, so the timeline sees the item to show change (the thread
  // may be open already, with that item loaded: only the focus changes then).
  await nextTick();
  await useTimelineStore().select(threadId, itemId === undefined ? {} : { itemId });
}
