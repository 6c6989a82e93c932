/**
 * WhatsApp's own call recordings and transcripts (issue 16), the window's half: the owner's
 * recording settings (a setting of this app that main keeps: Settings → Calling → Recording and
 * transcripts), and, under "ask me per call", the Record choice the ringing card and the thread's
 * Call button offer — remembered for this session only (never stored), sent as `record` with
 * answerCall / placeCall.
 *
 * The files themselves (a call item's `data.recording`) are fetched by the call card on demand
 * (getCallRecording / getCallTranscript): see components/conversations/CallRecording.vue.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { RecordingMode, RecordingSettings, RecordingState, TranscriptLine } from '../../../common/bridge-contract.ts';
import { BridgeCallError, useBridge } from '../bridge/bridge.ts';
import { errorText } from '../format/error-text.ts';

export type RecordingChanges = Partial<RecordingSettings>;

/** The words for what WhatsApp keeps of a recorded call: "audio and transcript", "audio", "transcript". */
export function keptTextKey(r: {
  audio: boolean;
  transcript: boolean;
}): 'recording.live.both' | 'recording.live.audio' | 'recording.live.transcript' {
  return r.audio && r.transcript ? 'recording.live.both' : r.audio ? 'recording.live.audio' : 'recording.live.transcript';
}

export const useRecordingStore = defineStore('recording', () => {
  const settings = shallowRef<RecordingSettings | null>(null);
  /** Switchboard's purpose when the owner writes none, in the owner's language (the placeholder). */
  const defaultPurpose = ref('');
  const loadError = ref<string | null>(null);
  const saving = ref(false);
  /** The last save: saved, or why not (and which field, when main says: audio, transcript, purpose…). */
  const note = ref<{ tone: 'ok' | 'danger'; text: string; field: string | null } | null>(null);
  /** Under "ask me per call": whether the next call is recorded. Off until the owner turns it on; kept for this session. */
  const recordChoice = ref(false);

  /** Off until main has answered (an older main, or none yet: nothing is offered). */
  const mode = computed<RecordingMode>(() => settings.value?.mode ?? 'off');

  let started = false;
  /** Loads the settings once and again after every reconnect; safe to call from every component that needs them. */
  function start(): void {
    if (started) return;
    started = true;
    const bridge = useBridge();
    bridge.onConnectionChange((c) => {
      if (c.state === 'open') void load();
    });
    if (bridge.connection.state !== 'closed') void load();
  }

  async function load(): Promise<void> {
    try {
      const res = await useBridge().request('getRecordingSettings', {});
      settings.value = res.settings;
      defaultPurpose.value = res.defaultPurpose;
      recordChoice.value = res.recordChoice;
      loadError.value = null;
    } catch (err) {
      loadError.value = errorText(err);
    }
  }

  /** Saves some of the settings at once; false (with the reason, and its field, in `note`) when main refused. */
  async function save(changes: RecordingChanges): Promise<boolean> {
    saving.value = true;
    try {
      const res = await useBridge().request('setRecordingSettings', changes);
      settings.value = res.settings;
      defaultPurpose.value = res.defaultPurpose;
      note.value = { tone: 'ok', text: '', field: null };
      return true;
    } catch (err) {
      const field = err instanceof BridgeCallError ? ((err.details as { field?: string } | undefined)?.field ?? null) : null;
      note.value = { tone: 'danger', text: errorText(err), field };
      return false;
    } finally {
      saving.value = false;
    }
  }

  /** The Record toggle: main keeps it too, so Answer from a notification or a shortcut follows it. */
  function setRecordChoice(on: boolean): void {
    recordChoice.value = on;
    useBridge()
      .request('setRecordChoice', { record: on })
      .catch(() => {
        // Main unreachable: this window's calls still carry the choice (recordParam).
      });
  }

  /** What answerCall / placeCall carry: `record` under "ask me per call" only (main ignores it otherwise). */
  function recordParam(): { record?: boolean } {
    return mode.value === 'ask' ? { record: recordChoice.value } : {};
  }

  // ---- a recorded call's files, on demand (the call card asks) ---------------------------------

  /** The recording (Ogg/Opus, base64 from main) as a Blob, for a blob: URL the player revokes. */
  async function fetchRecording(itemId: number): Promise<Blob> {
    const res = await useBridge().request('getCallRecording', { itemId });
    const raw = atob(res.base64);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return new Blob([bytes], { type: res.mimeType });
  }

  async function fetchTranscript(itemId: number): Promise<TranscriptLine[]> {
    return (await useBridge().request('getCallTranscript', { itemId })).lines;
  }

  /** Fetches a failed file again; the item's new state (main's threadsChanged brings it too). */
  async function retry(itemId: number, part: 'audio' | 'transcript'): Promise<RecordingState> {
    return useBridge().request('retryCallRecording', { itemId, part });
  }

  return {
    settings,
    defaultPurpose,
    loadError,
    saving,
    note,
    recordChoice,
    mode,
    start,
    load,
    save,
    setRecordChoice,
    recordParam,
    fetchRecording,
    fetchTranscript,
    retry,
  };
});
