/**
 * The composer: sending text to the open thread with an optimistic bubble, retry, and
 * the business's approved templates.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { TimelineItem } from '../../../common/bridge-contract.ts';
import { BridgeCallError, useBridge } from '../bridge/bridge.ts';
import { useThreadsListStore } from './threads-list.store.ts';
import { MAX_TEXT_LENGTH, errorText, failedText, type Template } from './threads-shared.ts';
import { useTimelineStore } from './timeline.store.ts';

export const useComposerStore = defineStore('threads-composer', () => {
  const list = useThreadsListStore();
  const timeline = useTimelineStore();

  let pendingSeq = 0;
  const sending = ref(0);

  /** Sends text to the open thread; false when nothing was sent (empty, closed window). */
  async function send(text: string): Promise<boolean> {
    const threadId = timeline.selectedId;
    const body = text.trim();
    if (threadId === null || !body || body.length > MAX_TEXT_LENGTH) return false;
    if (!timeline.windowState.open) return false;
    // Sending from a window in the past: the new bubble belongs at the end of the conversation.
    if (timeline.hasNewer) await timeline.showLatest();
    if (timeline.selectedId !== threadId) return false;
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
    timeline.setItems([...timeline.items, pending]);
    sending.value++;
    try {
      const item = await useBridge().request('sendTextMessage', { threadId, text: body });
      // The answer replaces the pending bubble (and a copy a refresh may have brought in already).
      timeline.replaceItem(pending.id, item);
      list.patchSummary(threadId, item);
      return true;
    } catch (err) {
      if (err instanceof BridgeCallError && err.code === 'window_closed') {
        timeline.replaceItem(pending.id, null);
        timeline.windowState = { ...timeline.windowState, open: false };
        return false;
      }
      // Never reached main (or main refused): keep the text as a failed bubble that can be retried.
      const failed: TimelineItem = {
        ...pending,
        status: 'failed',
        data: { error: { code: err instanceof BridgeCallError ? err.code : 'unavailable', message: errorText(err) } },
      };
      timeline.replaceItem(pending.id, failed);
      return false;
    } finally {
      sending.value--;
    }
  }

  async function retry(itemId: number): Promise<void> {
    const item = timeline.items.find((i) => i.id === itemId);
    if (!item || item.status !== 'failed' || !item.body) return;
    if (item.id < 0) {
      timeline.replaceItem(item.id, null);
      await send(item.body);
      return;
    }
    timeline.replaceItem(item.id, { ...item, status: 'sending', data: { ...item.data, error: null } });
    try {
      const next = await useBridge().request('retryMessage', { itemId });
      timeline.replaceItem(itemId, next);
      list.patchSummary(next.threadId, next);
    } catch (err) {
      if (err instanceof BridgeCallError && err.code === 'window_closed') timeline.windowState = { ...timeline.windowState, open: false };
      timeline.replaceItem(itemId, {
        ...item,
        data: { ...item.data, error: { code: err instanceof BridgeCallError ? err.code : 'unavailable', message: errorText(err) } },
      });
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
    const threadId = timeline.selectedId;
    if (threadId === null) return null;
    sending.value++;
    try {
      const item = await useBridge().request('sendTemplate', { threadId, name: t.name, language: t.language, parameters: t.parameters });
      if (item.threadId === timeline.selectedId) timeline.mergeItems([item]);
      list.patchSummary(threadId, item);
      return item.status === 'failed' ? (failedText(item) ?? '') : null;
    } catch (err) {
      return errorText(err);
    } finally {
      sending.value--;
    }
  }

  /** Sends a "call us" button (a WhatsApp voice-call button message) to a thread. */
  async function sendCallButton(threadId: number, f: { body: string; label: string; payload: string }): Promise<void> {
    await useBridge().request('sendCallButton', {
      threadId,
      body: f.body.trim(),
      displayText: f.label.trim(),
      ttlMinutes: 10_080,
      payload: f.payload.trim() || null,
    });
  }

  /** The business's call link; `copied` says main has put it on the clipboard already. */
  async function callLink(): Promise<{ url: string; copied: boolean }> {
    return useBridge().request('getCallLink', { payload: null });
  }

  return {
    sending,
    send,
    retry,
    templates,
    templatesLoaded,
    templatesLoading,
    templatesError,
    loadTemplates,
    sendTemplate,
    sendCallButton,
    callLink,
  };
});
