/**
 * The open thread's call permission: whether its customer may be called now, and the
 * "Ask to call" request.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useBridge } from '../bridge/bridge.ts';
import { errorText, type CallPermission } from './threads-shared.ts';
import { useTimelineStore } from './timeline.store.ts';

export const useCallPermissionStore = defineStore('threads-call-permission', () => {
  const timeline = useTimelineStore();

  const permission = ref<CallPermission | null>(null);
  const permissionLoading = ref(false);
  const permissionError = ref<string | null>(null);
  /** The "Ask to call" request: idle, on its way, sent (answer arrives as a thread item), failed. */
  const askState = ref<'idle' | 'sending' | 'sent' | 'failed'>('idle');
  const askError = ref<string | null>(null);
  let permissionSeq = 0;

  function reset(): void {
    permissionSeq++;
    permission.value = null;
    permissionLoading.value = false;
    permissionError.value = null;
    askState.value = 'idle';
    askError.value = null;
  }

  /** Asks main whether the open thread's customer may be called now (and whether we may ask). */
  async function loadPermission(): Promise<void> {
    const threadId = timeline.selectedId;
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
    const threadId = timeline.selectedId;
    if (threadId === null || askState.value === 'sending') return false;
    askState.value = 'sending';
    askError.value = null;
    try {
      await useBridge().request('requestCallPermission', template ? { threadId, template } : { threadId });
      if (timeline.selectedId !== threadId) return true;
      askState.value = 'sent';
      void loadPermission();
      return true;
    } catch (err) {
      if (timeline.selectedId !== threadId) return false;
      askState.value = 'failed';
      askError.value = errorText(err);
      return false;
    }
  }

  /** The customer answered a permission request: "Request sent" has done its job. */
  function answered(): void {
    if (askState.value === 'sent') askState.value = 'idle';
  }

  return {
    permission,
    permissionLoading,
    permissionError,
    askState,
    askError,
    reset,
    answered,
    loadPermission,
    askToCall,
  };
});
