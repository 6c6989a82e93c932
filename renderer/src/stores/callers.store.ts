/**
 * "Never lose a caller" (issue 17): the missed-call reply setting (a setting of this app that main
 * keeps) and the pickup-rate guard (customers' calls picked up, the calls that lowered the rate,
 * business calls unanswered in a row), kept current by main's `callerGuard` event.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CallerGuardView, MissedCallReply, MissedCallReplyChanges } from '../../../common/bridge-contract.ts';
import { BridgeCallError, useBridge } from '../bridge/bridge.ts';
import { errorText } from '../format/error-text.ts';

export const useCallersStore = defineStore('callers', () => {
  const reply = shallowRef<MissedCallReply | null>(null);
  const replyLoadError = ref<string | null>(null);
  const replySaving = ref(false);
  /** The last save: saved, or why not (and which value, when main says). */
  const replyNote = ref<{ tone: 'ok' | 'danger'; text: string; field: string | null } | null>(null);

  const guard = shallowRef<CallerGuardView | null>(null);
  const guardError = ref<string | null>(null);

  /** Customers' calls are picked up less often than the owner wants (over 24 hours or 7 days). */
  const pickupBelow = computed(() => Boolean(guard.value && (guard.value.day.below || guard.value.week.below)));

  let started = false;
  /** Listens for the guard's changes and loads it once; safe to call from every component that needs it. */
  function start(): void {
    if (started) return;
    started = true;
    const bridge = useBridge();
    bridge.on('callerGuard', (view) => {
      guard.value = view;
      guardError.value = null;
    });
    bridge.onConnectionChange((c) => {
      if (c.state === 'open') void loadGuard();
    });
    if (bridge.connection.state !== 'closed') void loadGuard();
  }

  async function loadGuard(): Promise<void> {
    try {
      guard.value = await useBridge().request('getCallerGuard', {});
      guardError.value = null;
    } catch (err) {
      guardError.value = errorText(err);
    }
  }

  async function setThreshold(threshold: number): Promise<boolean> {
    try {
      guard.value = await useBridge().request('setPickupThreshold', { threshold });
      guardError.value = null;
      return true;
    } catch (err) {
      guardError.value = errorText(err);
      return false;
    }
  }

  async function loadReply(): Promise<void> {
    try {
      reply.value = await useBridge().request('getMissedCallReply', {});
      replyLoadError.value = null;
    } catch (err) {
      replyLoadError.value = errorText(err);
    }
  }

  /** Saves some of the reply's values at once; false (with the reason in `replyNote`) when main refused. */
  async function saveReply(changes: MissedCallReplyChanges): Promise<boolean> {
    replySaving.value = true;
    try {
      reply.value = await useBridge().request('setMissedCallReply', changes);
      replyNote.value = { tone: 'ok', text: '', field: null };
      return true;
    } catch (err) {
      const field = err instanceof BridgeCallError ? ((err.details as { field?: string } | undefined)?.field ?? null) : null;
      replyNote.value = { tone: 'danger', text: errorText(err), field };
      return false;
    } finally {
      replySaving.value = false;
    }
  }

  return {
    reply,
    replyLoadError,
    replySaving,
    replyNote,
    guard,
    guardError,
    pickupBelow,
    start,
    loadGuard,
    setThreshold,
    loadReply,
    saveReply,
  };
});
