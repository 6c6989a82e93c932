/**
 * Bridge contract, recordings slice: WhatsApp's own call recording and transcription (2026) —
 * the owner's choice of which calls are recorded, the per-call files main downloads as soon as
 * their webhook arrives, and the transcript lines the thread shows and search finds.
 * Handlers: main/recordings/recordings-handlers.ts. Error codes: see shared.ts.
 *
 * Where things are: the call's timeline item (`kind: 'call'`) carries `data.recording`
 * (RecordingState below) — what was asked of WhatsApp, and the state of each file. The bytes and
 * the transcript's lines are fetched on request (getCallRecording / getCallTranscript).
 */
import { z } from 'zod';
import { NoParams } from './shared.ts';

/** The longest purpose WhatsApp accepts (it is spoken to both parties before the recording starts). */
export const RECORDING_PURPOSE_MAX = 250;

/**
 * The announcement languages WhatsApp documents for call recording (Meta's `announcement_language`;
 * transcription takes the same codes, and plays English for nl and es_ES until it has its own).
 * `pt` is Portuguese (Brazil), `es` Spanish (Latin America), `es_ES` Spanish (Spain).
 */
export const ANNOUNCEMENT_LANGUAGES = [
  'en_US',
  'en_GB',
  'en_AU',
  'en_CA',
  'en_IN',
  'en_NZ',
  'en',
  'pt',
  'es',
  'es_ES',
  'fr',
  'de',
  'it',
  'nl',
  'hi',
  'kn',
  'te',
  'vi',
] as const;
export const AnnouncementLanguage = z.enum(ANNOUNCEMENT_LANGUAGES);
export type AnnouncementLanguage = z.infer<typeof AnnouncementLanguage>;

/** Which calls are recorded: none, every call, or the calls the owner marks with Record. */
export const RecordingMode = z.enum(['off', 'all', 'ask']);
export type RecordingMode = z.infer<typeof RecordingMode>;

export const RecordingSettings = z.object({
  mode: RecordingMode,
  /** What WhatsApp keeps of a recorded call: the audio, a transcript, or both (at least one when mode is not off). */
  audio: z.boolean(),
  transcript: z.boolean(),
  /**
   * What both parties hear the call is recorded for, in the announcement's language (WhatsApp
   * requires one and has no default); empty = Switchboard's default in the owner's language.
   */
  purpose: z.string().max(RECORDING_PURPOSE_MAX),
  announcementLanguage: AnnouncementLanguage,
});
export type RecordingSettings = z.infer<typeof RecordingSettings>;

/** What was asked of WhatsApp for one call. */
export const RecordingRequest = z.object({ audio: z.boolean(), transcript: z.boolean() });
export type RecordingRequest = z.infer<typeof RecordingRequest>;

/** One file WhatsApp made of a call, and how far this computer got with it. */
export const RecordingFile = z.object({
  /**
   * waiting: asked for, no webhook yet; pending: its webhook arrived, downloading;
   * ready: downloaded, its hash checked, kept in the data dir; failed: see `error`.
   */
  state: z.enum(['waiting', 'pending', 'ready', 'failed']),
  mediaId: z.string().nullable(),
  mimeType: z.string().nullable(),
  /** When its webhook arrived, and when WhatsApp stops serving it (7 days later). */
  receivedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  bytes: z.number().nullable(),
  /** The recording's length; the transcript's number of lines. */
  durationMs: z.number().nullable(),
  lines: z.number().nullable(),
  /** Why it could not be fetched, in plain words (failed only). */
  error: z.string().nullable(),
  /** failed: expired, hash mismatch, graph error, unreadable…; a stable code for tests and logic. */
  errorCode: z.string().nullable(),
  /** failed and the link is still valid: Retry is offered. */
  canRetry: z.boolean(),
});
export type RecordingFile = z.infer<typeof RecordingFile>;

/** `data.recording` of a call item. */
export const RecordingState = z.object({
  requested: RecordingRequest,
  audio: RecordingFile.nullable(),
  transcript: RecordingFile.nullable(),
});
export type RecordingState = z.infer<typeof RecordingState>;

/** One line of a transcript, as the document says it (speaker and times are null when it does not). */
export const TranscriptLine = z.object({
  index: z.number().int().nonnegative(),
  /** business / customer when the document says who spoke in a way we can read; else the document's own label. */
  speaker: z.enum(['business', 'customer']).nullable(),
  speakerLabel: z.string().nullable(),
  startMs: z.number().nullable(),
  endMs: z.number().nullable(),
  text: z.string(),
});
export type TranscriptLine = z.infer<typeof TranscriptLine>;

const ItemId = z.number().int().positive();

/**
 * The settings, Switchboard's purpose when the owner writes none (in the announcement's language),
 * and the owner's Record choice for this session (under "ask me per call"; kept by main, so a call
 * answered from a notification or a global shortcut follows it too; off at every start).
 */
const RecordingSettingsView = z.object({ settings: RecordingSettings, defaultPurpose: z.string(), recordChoice: z.boolean() });
const RecordingPart = z.enum(['audio', 'transcript']);

export const recordingRequests = {
  /**
   * Settings → Calling → Recording and transcripts.
   * Errors: none of its own.
   */
  getRecordingSettings: { params: NoParams, result: RecordingSettingsView },
  /**
   * Changes some of them; refused with the field's problem when invalid (a purpose over 250
   * characters; neither audio nor transcript while recording is on). Nothing is stored then.
   * Errors: `invalid_params` (details.field).
   */
  setRecordingSettings: { params: RecordingSettings.partial().strict(), result: RecordingSettingsView },
  /**
   * The owner pressed Record (or released it) under "ask me per call": the calls they answer or
   * place from now on, by any means, are recorded (or not) until they change it or Switchboard quits.
   * Errors: none of its own.
   */
  setRecordChoice: { params: z.object({ record: z.boolean() }).strict(), result: RecordingSettingsView },
  /**
   * A call's recording (Ogg/Opus, downloaded when its webhook arrived and kept), base64.
   * Errors: `not_found` (no such call, or it has no recording that is ready).
   */
  getCallRecording: {
    params: z.object({ itemId: ItemId }).strict(),
    result: z.object({ mimeType: z.string(), base64: z.string(), bytes: z.number() }),
  },
  /**
   * A call's transcript, line by line.
   * Errors: `not_found` (no such call, or it has no transcript that is ready).
   */
  getCallTranscript: {
    params: z.object({ itemId: ItemId }).strict(),
    result: z.object({ lines: z.array(TranscriptLine), language: z.string().nullable() }),
  },
  /**
   * Fetches a recording or transcript that failed again, while WhatsApp still serves it.
   * Errors: `not_found` (no such call or file), `invalid_state` (it is not failed), `expired`
   * (its 7 days are over), `not_connected`. A failure of the fetch itself is not an error: the
   * file comes back failed, with the reason.
   */
  retryCallRecording: {
    params: z.object({ itemId: ItemId, part: RecordingPart }).strict(),
    result: RecordingState,
  },
} as const;

export const recordingEvents = {} as const;
