/**
 * A call's recording state (`data.recording` of its call item) once WhatsApp was asked to record
 * or transcribe it: each file asked for is `waiting` until its webhook arrives.
 */
import type { RecordingFile, RecordingRequest, RecordingState } from '../bridge/recordings.ts';

/** A file WhatsApp was asked for and has not announced yet. */
const WAITING: RecordingFile = {
  state: 'waiting',
  mediaId: null,
  mimeType: null,
  receivedAt: null,
  expiresAt: null,
  bytes: null,
  durationMs: null,
  lines: null,
  error: null,
  errorCode: null,
  canRetry: false,
};

/** A file's state: waiting for its webhook, with what is known so far (`patch`). */
export function recordingFile(patch: Partial<RecordingFile> = {}): RecordingFile {
  return { ...WAITING, ...patch };
}

/** A call's recording state once WhatsApp was asked for `request` (files that already arrived stand). */
export function withRequest(current: RecordingState | null, request: RecordingRequest): RecordingState {
  return {
    requested: { audio: request.audio || !!current?.requested.audio, transcript: request.transcript || !!current?.requested.transcript },
    audio: current?.audio ?? (request.audio ? recordingFile() : null),
    transcript: current?.transcript ?? (request.transcript ? recordingFile() : null),
  };
}
