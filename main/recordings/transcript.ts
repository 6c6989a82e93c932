/**
 * Reading WhatsApp's call transcript document (application/json) into lines.
 *
 * Meta documents the format (call-transcription page, "Transcript document format"):
 *
 *   { metadata: { processed_at, audio: { duration (s), sample_rate, channels, audio_format } },
 *     transcript: { text: "[Business] … [Customer] …", language: "en", duration, confidence,
 *                   segments: [{ id, speaker: "Business" | "Customer", channel: 0 | 1,
 *                                start, end (seconds), text, confidence, words: [...] }] } }
 *
 * A document is read tolerantly, because a new format version must not lose the call's words:
 * segments may sit at the top level or under another name (segments / utterances / lines);
 * a speaker is Business / Customer in any case, or channel 0 (business) / 1 (customer), or a
 * label of its own (kept as the label); times in seconds (`start`) or milliseconds (`start_ms`).
 * With no segments, `transcript.text` is split at its [Speaker] labels; with no text at all the
 * transcript is empty (Meta: a language it cannot transcribe gives an empty transcript).
 * A document that is not JSON, or JSON of another shape entirely, is refused with a reason.
 */
import type { TranscriptLine } from '../../common/bridge/recordings.ts';

/** Longest line kept (a hostile or broken document must not fill the index with one line). */
export const MAX_LINE_CHARS = 100_000;
/** Most lines kept of one transcript. */
export const MAX_LINES = 20_000;

export interface ParsedTranscript {
  lines: TranscriptLine[];
  language: string | null;
  durationMs: number | null;
}

export class TranscriptUnreadable extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : null;
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Business / customer from a speaker label or channel; null when the document uses a name of its own. */
function speakerOf(label: string | null, channel: number | null): TranscriptLine['speaker'] {
  const l = label?.trim().toLowerCase() ?? '';
  if (['business', 'agent', 'biz', 'company'].includes(l)) return 'business';
  if (['customer', 'user', 'caller', 'client', 'consumer'].includes(l)) return 'customer';
  if (!l && channel === 0) return 'business';
  if (!l && channel === 1) return 'customer';
  return null;
}

/** Milliseconds from a segment's time field: `start_ms`/`startMs` as given, `start`/`start_time`/`offset` in seconds. */
function timeMs(seg: Obj, which: 'start' | 'end'): number | null {
  for (const k of [`${which}_ms`, `${which}Ms`]) {
    const v = num(seg[k]);
    if (v !== null) return Math.round(v);
  }
  for (const k of [which, `${which}_time`, `${which}Time`, ...(which === 'start' ? ['offset', 'timestamp'] : [])]) {
    const v = num(seg[k]);
    if (v !== null) return Math.round(v * 1000);
  }
  return null;
}

/** A clean line: bidi controls that could reorder the app around it stay (the UI isolates each line); NULs do not. */
function clean(s: string): string {
  const t = s.replaceAll('\0', '').trim();
  // A line cut at the limit ends with an ellipsis, so the cut shows.
  return t.length > MAX_LINE_CHARS ? `${t.slice(0, MAX_LINE_CHARS - 1)}…` : t;
}

function fromSegments(segments: unknown[]): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  for (const seg of segments) {
    if (lines.length >= MAX_LINES) break;
    if (!isObj(seg)) continue;
    const words = Array.isArray(seg['words']) ? seg['words'] : null;
    const said =
      text(seg['text']) ??
      text(seg['transcript']) ??
      text(seg['content']) ??
      (words ? words.map((w) => (isObj(w) ? (text(w['word']) ?? text(w['text']) ?? '') : '')).join(' ') : null);
    if (said === null || !clean(said)) continue;
    const rawLabel = text(seg['speaker']) ?? text(seg['speaker_label']) ?? text(seg['role']) ?? text(seg['participant']);
    const channel = num(seg['channel']);
    const speaker = speakerOf(rawLabel, channel);
    lines.push({
      index: lines.length,
      speaker,
      speakerLabel: rawLabel ? clean(rawLabel).slice(0, 80) || null : null,
      startMs: timeMs(seg, 'start'),
      endMs: timeMs(seg, 'end'),
      text: clean(said),
    });
  }
  return lines;
}

/** "[Business] Hello [Customer] Hi" → one line per label. */
function fromLabelledText(full: string): TranscriptLine[] {
  const parts = full.split(/\[([^\]\n]{1,40})\]/);
  const lines: TranscriptLine[] = [];
  if (parts[0] && clean(parts[0]))
    lines.push({ index: 0, speaker: null, speakerLabel: null, startMs: null, endMs: null, text: clean(parts[0]) });
  for (let i = 1; i + 1 < parts.length && lines.length < MAX_LINES; i += 2) {
    const said = clean(parts[i + 1] ?? '');
    if (!said) continue;
    const label = clean(parts[i]!);
    lines.push({ index: lines.length, speaker: speakerOf(label, null), speakerLabel: label, startMs: null, endMs: null, text: said });
  }
  return lines;
}

export function parseTranscript(bytes: Buffer): ParsedTranscript {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new TranscriptUnreadable(`not JSON (${(err as Error).message.slice(0, 80)})`);
  }
  if (typeof doc === 'string') return { lines: fromLabelledText(doc), language: null, durationMs: null };
  if (!isObj(doc)) throw new TranscriptUnreadable('not a JSON object');
  const t = isObj(doc['transcript']) ? doc['transcript'] : doc;
  const meta = isObj(doc['metadata']) ? doc['metadata'] : {};
  const audio = isObj(meta['audio']) ? meta['audio'] : {};
  const seconds = num(t['duration']) ?? num(audio['duration']);
  const language = text(t['language'])?.slice(0, 20) ?? null;
  const segments = [t['segments'], t['utterances'], t['lines'], doc['segments'], doc['utterances']].find(Array.isArray) as
    unknown[] | undefined;
  let lines = segments ? fromSegments(segments) : [];
  const full = text(t['text']) ?? (typeof doc['transcript'] === 'string' ? doc['transcript'] : null);
  if (lines.length === 0 && full) lines = fromLabelledText(full);
  if (!segments && full === null && !('transcript' in doc))
    throw new TranscriptUnreadable('no transcript, segments or text in the document');
  return { lines, language, durationMs: seconds !== null ? Math.round(seconds * 1000) : null };
}

/** The transcript as text, one "[Speaker] words" line each (exports, CSV). */
export function transcriptText(lines: readonly TranscriptLine[], names: { business: string; customer: string }): string {
  return lines
    .map((l) => {
      const who = l.speaker === 'business' ? names.business : l.speaker === 'customer' ? names.customer : l.speakerLabel;
      return who ? `[${who}] ${l.text}` : l.text;
    })
    .join('\n');
}
