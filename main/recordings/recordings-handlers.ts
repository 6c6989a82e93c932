/** Bridge handlers for call recordings and transcripts: the settings, a call's files, Retry. */
import type { HandlersFor, recordingRequests } from '../../common/bridge-contract.ts';
import { DomainError } from '../core/domain-error.ts';
import { tr } from '../i18n/tr.ts';
import type { RecordingFetcher } from './recording-fetcher.ts';
import type { RecordingSettingsService } from './recording-settings.ts';
import type { RecordingStore } from './recording-store.ts';

/** The recordings slice's requests (common/bridge/recordings.ts). */
type RecordingRequests = keyof typeof recordingRequests;

export function recordingHandlers(d: {
  settings: RecordingSettingsService;
  fetcher: RecordingFetcher;
  store: RecordingStore;
}): HandlersFor<RecordingRequests> {
  return {
    getRecordingSettings: () => d.settings.get(),
    setRecordingSettings: (p) => d.settings.set(p),
    setRecordChoice: (p) => d.settings.setRecordChoice(p.record),
    getCallRecording: async (p) => {
      const file = await d.fetcher.read(p.itemId, 'audio');
      if (!file) {
        const ready = d.store.recordingOf(p.itemId)?.recording?.audio?.state === 'ready';
        // Ready, yet not on disk: someone deleted it from the data folder.
        throw new DomainError('not_found', tr(ready ? 'recording.missingFile' : 'recording.none'));
      }
      return { mimeType: file.mimeType, base64: file.bytes.toString('base64'), bytes: file.bytes.length };
    },
    getCallTranscript: (p) => {
      const file = d.store.recordingOf(p.itemId)?.recording?.transcript;
      if (!file || file.state !== 'ready') throw new DomainError('not_found', tr('recording.noTranscript'));
      return { lines: d.store.transcriptOf(p.itemId), language: file.language ?? null };
    },
    retryCallRecording: (p) => d.fetcher.retry(p.itemId, p.part),
  };
}
