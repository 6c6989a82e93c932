/**
 * The file a call_recording_available / call_transcription_available event brings (WhatsApp's
 * call recording, 2026): `call_recording.audio` or `call_transcript.document`, each
 * `{id, sha256 (base64), mime_type, url}`. Meta documents call_transcription_available; live
 * traffic was seen saying call_transcript_available, and some names the object call_transcription.
 */
import { z } from 'zod';
import type { ContactRef } from './envelope-identity.ts';

const optStr = z.string().optional();

const RecordingMedia = z.looseObject({
  id: z.union([z.string().min(1), z.number().transform(String)]),
  sha256: optStr,
  mime_type: optStr,
  url: optStr,
});

const RECORDING_EVENTS = new Map<string, 'audio' | 'transcript'>([
  ['call_recording_available', 'audio'],
  ['call_transcription_available', 'transcript'],
  ['call_transcript_available', 'transcript'],
]);

/** Which file a call event brings (null: it is not a recording event). */
export function recordingPart(event: string): 'audio' | 'transcript' | null {
  return RECORDING_EVENTS.get(event) ?? null;
}

/** The raw media object of a recording event, and where it is (for an unreadable item's message). */
function recordingMediaOf(rawCall: Record<string, unknown>, part: 'audio' | 'transcript'): { media: unknown; path: string } {
  if (part === 'audio') {
    const holder = rawCall['call_recording'] as Record<string, unknown> | undefined;
    return { media: holder?.['audio'], path: 'call_recording.audio' };
  }
  const key =
    rawCall['call_transcript'] === undefined && rawCall['call_transcription'] !== undefined ? 'call_transcription' : 'call_transcript';
  return { media: (rawCall[key] as Record<string, unknown> | undefined)?.['document'], path: `${key}.document` };
}

/** The domain event of a recording event (its base fields come from the envelope parser). */
export interface RecordingEvent {
  kind: 'call.recording';
  key: string;
  callId: string;
  /** The customer, as far as `from` / `from_user_id` say (only used when the call is not known yet). */
  user: ContactRef;
  part: 'audio' | 'transcript';
  media: { id: string; sha256: string | null; mimeType: string | null; url: string | null };
  raw: Record<string, unknown>;
}

/** Reads the event's file; an unreadable one throws through `parse` (the item becomes `unreadable`). */
export function recordingEvent<B extends { callId: string; user: ContactRef; raw: Record<string, unknown> }>(
  rawCall: unknown,
  part: 'audio' | 'transcript',
  base: B,
  where: string,
  parse: <T extends z.ZodType>(schema: T, item: unknown, where: string) => z.infer<T>,
): B & RecordingEvent {
  const found = recordingMediaOf(rawCall as Record<string, unknown>, part);
  const media = parse(RecordingMedia, found.media, `${where}.${found.path}`);
  return {
    ...base,
    kind: 'call.recording',
    key: `call:${base.callId}:recording:${part}:${media.id}`,
    part,
    media: { id: media.id, sha256: media.sha256 ?? null, mimeType: media.mime_type ?? null, url: media.url ?? null },
  };
}
