/**
 * Call recording and call transcription (Meta's call-recording and call-transcription pages,
 * 2026; calling-api.md §2.1, §3.2): the `recording` / `transcription` request objects of
 * `connect` and `accept`, the `call_recording_available` / `call_transcription_available` webhooks
 * after a recorded call ends, the Ogg/Opus recording made from the call's real audio
 * (call-audio.ts), the JSON transcript in Meta's documented format, and faults for their downloads.
 * README.md ("Call recording and transcription") has the rules and the guesses.
 */
import type { SimContext } from './context.ts';
import { metadata } from './context.ts';
import type { CallAudio, CallAudioSource } from './call-audio.ts';
import { CAPTURE_RATE } from './call-audio.ts';
import { GRAPH_ERRORS, GraphError, invalidParam, type GraphErrorCode } from './graph-errors.ts';
import type { MediaItem, MediaStore } from './media.ts';
import { encodeStereoOggOpus } from './ogg-opus.ts';
import { SILENCE_RMS, analyzeMono, rmsOf } from './peer/audio.ts';
import type { SimUser } from './users.ts';

/**
 * `announcement_language` values Meta lists (recording page: English `en` with `en_US`, `en_AU`,
 * `en_CA`, `en_GB`, `en_IN`, `en_NZ`; `nl`, `fr`, `de`, `hi`, `it`, `kn`, `pt` (Brazil), `es`
 * (Latin America), `es_ES`, `te`, `vi`; the transcription page lists the same and says `nl` and
 * `es_ES` are accepted too). Anything else is refused: `pt_BR`, `es_MX`, `en-US`, `EN_US`…
 */
export const ANNOUNCEMENT_LANGUAGES: readonly string[] = [
  'en',
  'en_US',
  'en_AU',
  'en_CA',
  'en_GB',
  'en_IN',
  'en_NZ',
  'nl',
  'fr',
  'de',
  'hi',
  'it',
  'kn',
  'pt',
  'es',
  'es_ES',
  'te',
  'vi',
];

export const PURPOSE_MAX = 250;
export const RECORDING_MIME = 'audio/ogg; codecs=opus';
export const TRANSCRIPT_MIME = 'application/json';

export type CaptureKind = 'recording' | 'transcription';

export interface CaptureOption {
  status: 'ENABLED' | 'DISABLED';
  purpose?: string;
  announcement_language?: string;
}

/** One line of a transcript script: who says it and what. */
export interface ScriptLine {
  speaker: 'business' | 'user';
  text: string;
}

/** What the simulator keeps per call for recording and transcription. */
export interface CallCaptureState {
  recording: CaptureOption | undefined;
  transcription: CaptureOption | undefined;
  /** The call's audio (a phone's recorder, or attached by hand); released once the assets are made. */
  audio: CallAudioSource | undefined;
  audioAttached: boolean;
  /** Real time (Date.now()) of accept and of the end: the audio window. */
  realAcceptedAt: number | undefined;
  realEndedAt: number | undefined;
  script: { lines: ScriptLine[]; language: string | undefined } | undefined;
  recordingMediaId: string | undefined;
  transcriptMediaId: string | undefined;
}

export function newCaptureState(): CallCaptureState {
  return {
    recording: undefined,
    transcription: undefined,
    audio: undefined,
    audioAttached: false,
    realAcceptedAt: undefined,
    realEndedAt: undefined,
    script: undefined,
    recordingMediaId: undefined,
    transcriptMediaId: undefined,
  };
}

/**
 * Validates a `recording` or `transcription` object as Meta describes it (strictest reading): an
 * object with only `status`, `purpose`, `announcement_language`; `status` required, `ENABLED` or
 * `DISABLED`; `purpose` a string of 1–250 characters, required (not blank) when ENABLED;
 * `announcement_language` one of Meta's codes, required when ENABLED. Fields sent with DISABLED are
 * checked the same way. Every refusal is Graph error 100 naming the field.
 */
export function parseCaptureOption(field: CaptureKind, v: unknown): CaptureOption {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidParam(`Param ${field} must be an object`);
  const o = v as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !['status', 'purpose', 'announcement_language'].includes(k));
  if (extra.length > 0) throw invalidParam(`Unexpected key(s) ${extra.map((k) => `"${k}"`).join(', ')} in ${field}`);
  const status = o['status'];
  if (status === undefined) throw invalidParam(`Param ${field}.status is required`);
  if (status !== 'ENABLED' && status !== 'DISABLED') throw invalidParam(`Param ${field}.status must be one of ENABLED, DISABLED`);
  const out: CaptureOption = { status };
  const purpose = o['purpose'];
  if (purpose !== undefined) {
    if (typeof purpose !== 'string') throw invalidParam(`Param ${field}.purpose must be a string`);
    if ([...purpose].length > PURPOSE_MAX) throw invalidParam(`Param ${field}.purpose must be at most ${PURPOSE_MAX} characters`);
    out.purpose = purpose;
  }
  if (status === 'ENABLED' && (out.purpose === undefined || out.purpose.trim() === ''))
    throw invalidParam(`Param ${field}.purpose is required when ${field}.status is ENABLED`);
  const lang = o['announcement_language'];
  if (lang !== undefined) {
    if (typeof lang !== 'string') throw invalidParam(`Param ${field}.announcement_language must be a string`);
    if (!ANNOUNCEMENT_LANGUAGES.includes(lang))
      throw invalidParam(
        `Param ${field}.announcement_language must be a supported locale code (${ANNOUNCEMENT_LANGUAGES.join(', ')}); got "${lang}"`,
      );
    out.announcement_language = lang;
  }
  if (status === 'ENABLED' && out.announcement_language === undefined)
    throw invalidParam(`Param ${field}.announcement_language is required when ${field}.status is ENABLED`);
  return out;
}

// ------------------------------------------------------------------------------------ faults

export type CaptureFaultKind = 'download_500' | 'graph_error' | 'expired' | 'hash_mismatch';
export type CaptureAsset = 'recording' | 'transcript';

/** A fault bound to one media item (media.ts applies it). */
export interface MediaFault {
  kind: CaptureFaultKind;
  /** graph_error: the Graph error code (default 1, HTTP 500). */
  code?: number;
  /** Requests still to fail (download_500, graph_error, hash_mismatch); Infinity = all. */
  remaining: number;
}

export interface CaptureFaultRule {
  id: number;
  /** Which assets: a recording, a transcript, or either ("*"). */
  asset: CaptureAsset | '*';
  fault: CaptureFaultKind;
  code?: number;
  /** How many failing requests each bound asset gives (then it downloads normally); null = every request. */
  times: number | null;
  /** Only assets of this call. */
  callId?: string;
  /** Assets still to bind (the next N matching assets the simulator makes). */
  remaining: number;
}

export class CaptureFaultError extends Error {
  override name = 'CaptureFaultError';
}

const FAULT_KINDS: CaptureFaultKind[] = ['download_500', 'graph_error', 'expired', 'hash_mismatch'];

/**
 * Faults for recording/transcript downloads (control API `PUT /_sim/capture-faults`, in process
 * `sim.calls.capture.faults`). A rule binds to the next `count` assets made (optionally of one
 * call), or at once to an existing `media_id`:
 *   download_500   the download URL answers HTTP 500 (an HTML error page)
 *   graph_error    `GET /{media-id}` answers a Graph error (`code`, default 1 → HTTP 500)
 *   expired        the asset behaves as after its 7 days: Graph 100/33 on `GET /{media-id}`, URL 404
 *   hash_mismatch  the download's bytes differ from the webhook's (and Graph's) sha256
 * `times` limits how many requests fail (then the asset behaves); default every request.
 */
export class CaptureFaults {
  private rules: CaptureFaultRule[] = [];
  private nextId = 1;
  private readonly media: MediaStore;

  constructor(media: MediaStore) {
    this.media = media;
  }

  add(body: unknown): CaptureFaultRule[] {
    const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    const list = obj(body) && Array.isArray(body['rules']) ? body['rules'] : obj(body) && 'fault' in body ? [body] : null;
    if (!list) throw new CaptureFaultError('expected {"rules": [{asset?, fault, code?, times?, count?, call_id?, media_id?}, …]}');
    const out: CaptureFaultRule[] = [];
    const bindNow: Array<{ item: MediaItem; rule: CaptureFaultRule }> = [];
    list.forEach((r: unknown, i: number) => {
      const where = `rules[${i}]`;
      if (!obj(r)) throw new CaptureFaultError(`${where} must be an object`);
      for (const k of Object.keys(r))
        if (!['asset', 'fault', 'code', 'times', 'count', 'call_id', 'media_id'].includes(k))
          throw new CaptureFaultError(`${where}: unknown key ${k} (asset, fault, code, times, count, call_id, media_id)`);
      const asset = r['asset'] ?? '*';
      if (asset !== 'recording' && asset !== 'transcript' && asset !== '*')
        throw new CaptureFaultError(`${where}.asset must be "recording", "transcript" or "*"`);
      const fault = r['fault'];
      if (typeof fault !== 'string' || !FAULT_KINDS.includes(fault as CaptureFaultKind))
        throw new CaptureFaultError(`${where}.fault must be one of ${FAULT_KINDS.join(', ')}`);
      const code = r['code'];
      if (code !== undefined) {
        if (fault !== 'graph_error') throw new CaptureFaultError(`${where}.code only goes with fault graph_error`);
        if (typeof code !== 'number' || !Object.hasOwn(GRAPH_ERRORS, code))
          throw new CaptureFaultError(`${where}.code is not a Graph error code the simulator knows (graph-errors.ts)`);
      }
      const times = r['times'] ?? null;
      if (times !== null && (typeof times !== 'number' || !Number.isInteger(times) || times < 1))
        throw new CaptureFaultError(`${where}.times must be a positive integer (or null: every request)`);
      const count = r['count'] ?? 1;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
        throw new CaptureFaultError(`${where}.count must be a positive integer`);
      const callId = r['call_id'];
      if (callId !== undefined && typeof callId !== 'string') throw new CaptureFaultError(`${where}.call_id must be a string`);
      const rule: CaptureFaultRule = {
        id: 0,
        asset,
        fault: fault as CaptureFaultKind,
        ...(typeof code === 'number' ? { code } : {}),
        times,
        ...(typeof callId === 'string' ? { callId } : {}),
        remaining: count,
      };
      const mediaId = r['media_id'];
      if (mediaId !== undefined) {
        const item = typeof mediaId === 'string' ? this.media.peek(mediaId) : undefined;
        if (!item) throw new CaptureFaultError(`${where}.media_id names no media the simulator holds`);
        bindNow.push({ item, rule });
      }
      out.push(rule);
    });
    for (const r of out) r.id = this.nextId++;
    for (const { item, rule } of bindNow) {
      item.fault = toMediaFault(rule);
      rule.remaining = 0;
    }
    this.rules.push(...out.filter((r) => r.remaining > 0));
    return out;
  }

  list(): CaptureFaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
  }

  /** Binds the first matching rule (if any) to a freshly made asset. */
  bind(item: MediaItem, asset: CaptureAsset, callId: string): void {
    const rule = this.rules.find((r) => r.remaining > 0 && (r.asset === '*' || r.asset === asset) && (!r.callId || r.callId === callId));
    if (!rule) return;
    rule.remaining--;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    item.fault = toMediaFault(rule);
  }
}

function toMediaFault(rule: CaptureFaultRule): MediaFault {
  return { kind: rule.fault, ...(rule.code !== undefined ? { code: rule.code } : {}), remaining: rule.times ?? Infinity };
}

/** The Graph error of a `graph_error` fault on `GET /{media-id}`. */
export function mediaFaultError(f: MediaFault): GraphError {
  const code = (f.code ?? 1) as GraphErrorCode;
  return new GraphError(code, 'The media could not be retrieved (injected fault)');
}

// ------------------------------------------------------------------------------------ transcripts

/** The default script's greetings (business, customer), by spoken language; `{hz}` = the tone heard. */
const GREETINGS: Record<string, { business: [string, string]; customer: [string, string] }> = {
  en: {
    business: ['Hello, this is the business speaking on a {hz} hertz tone.', 'Hello, this is the business. We are silent.'],
    customer: ['Hi, this is the customer calling on a {hz} hertz tone.', 'Hi, this is the customer. I am silent.'],
  },
  pt: {
    business: ['Olá, aqui é a empresa falando em um tom de {hz} hertz.', 'Olá, aqui é a empresa. Estamos em silêncio.'],
    customer: ['Oi, aqui é o cliente ligando em um tom de {hz} hertz.', 'Oi, aqui é o cliente. Estou em silêncio.'],
  },
  es: {
    business: ['Hola, habla la empresa en un tono de {hz} hercios.', 'Hola, habla la empresa. Estamos en silencio.'],
    customer: ['Hola, soy el cliente llamando en un tono de {hz} hercios.', 'Hola, soy el cliente. Estoy en silencio.'],
  },
  fr: {
    business: ["Bonjour, ici l'entreprise sur une tonalité de {hz} hertz.", "Bonjour, ici l'entreprise. Nous sommes silencieux."],
    customer: ['Bonjour, ici le client sur une tonalité de {hz} hertz.', 'Bonjour, ici le client. Je suis silencieux.'],
  },
  de: {
    business: ['Hallo, hier spricht das Unternehmen mit einem Ton von {hz} Hertz.', 'Hallo, hier spricht das Unternehmen. Wir sind still.'],
    customer: ['Hallo, hier ist der Kunde mit einem Ton von {hz} Hertz.', 'Hallo, hier ist der Kunde. Ich bin still.'],
  },
  it: {
    business: ["Buongiorno, qui parla l'azienda con un tono di {hz} hertz.", "Buongiorno, qui parla l'azienda. Siamo in silenzio."],
    customer: ['Ciao, sono il cliente e chiamo con un tono di {hz} hertz.', 'Ciao, sono il cliente. Sono in silenzio.'],
  },
  nl: {
    business: ['Hallo, hier is het bedrijf met een toon van {hz} hertz.', 'Hallo, hier is het bedrijf. Wij zijn stil.'],
    customer: ['Hoi, hier is de klant met een toon van {hz} hertz.', 'Hoi, hier is de klant. Ik ben stil.'],
  },
  hi: {
    business: ['नमस्ते, यह व्यवसाय {hz} हर्ट्ज़ की टोन पर बोल रहा है।', 'नमस्ते, यह व्यवसाय है। हम चुप हैं।'],
    customer: ['नमस्ते, मैं ग्राहक {hz} हर्ट्ज़ की टोन पर बोल रहा हूँ।', 'नमस्ते, मैं ग्राहक हूँ। मैं चुप हूँ।'],
  },
  vi: {
    business: ['Xin chào, đây là doanh nghiệp với âm {hz} hertz.', 'Xin chào, đây là doanh nghiệp. Chúng tôi im lặng.'],
    customer: ['Xin chào, tôi là khách hàng với âm {hz} hertz.', 'Xin chào, tôi là khách hàng. Tôi im lặng.'],
  },
};

/** The spoken language (ISO 639) of an announcement code: `en_US` → `en`, `es_ES` → `es`; `kn`/`te` have no script here → `en`. */
export function spokenLanguageOf(announcement: string | undefined): string {
  const base = (announcement ?? 'en').split('_')[0] ?? 'en';
  return GREETINGS[base] ? base : 'en';
}

/** The dominant frequency of the loudest 500 ms of a track (0 = silent). */
export function toneOf(pcm: Int16Array): number {
  const chunk = CAPTURE_RATE / 2;
  let best: Float64Array | undefined;
  let bestRms = SILENCE_RMS;
  for (let start = 0; start + chunk <= pcm.length && start < chunk * 40; start += chunk) {
    const f = new Float64Array(chunk);
    for (let i = 0; i < chunk; i++) f[i] = (pcm[start + i] ?? 0) / 32767;
    const r = rmsOf(f);
    if (r > bestRms) {
      bestRms = r;
      best = f;
    }
  }
  return best ? analyzeMono(best).frequency : 0;
}

export function defaultScript(language: string, audio: CallAudio): ScriptLine[] {
  const g = GREETINGS[language] ?? GREETINGS['en']!;
  const line = (pair: [string, string], hz: number) => (hz > 0 ? pair[0].replace('{hz}', String(Math.round(hz / 10) * 10)) : pair[1]);
  return [
    { speaker: 'business', text: line(g.business, toneOf(audio.business)) },
    { speaker: 'user', text: line(g.customer, toneOf(audio.customer)) },
  ];
}

const r2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * A transcript document in Meta's documented format (call-transcription page, "Transcript document
 * format"): `metadata.{processed_at, audio.{duration, sample_rate, channels, audio_format}}` and
 * `transcript.{text, language, duration, confidence, segments[{id, speaker, channel, start, end,
 * text, confidence, words[{word, start, end, confidence, lang}]}]}`. Lines are laid out one after
 * another from 0.5 s (0.32 s a word, 0.6 s between lines), squeezed to fit the audio; audio
 * shorter than a second gives an empty transcript.
 */
export function buildTranscript(o: {
  lines: ScriptLine[];
  language: string;
  durationS: number;
  processedAt: number;
}): Record<string, unknown> {
  const WORD = 0.32;
  const GAP = 0.6;
  const START = 0.5;
  const lines = o.durationS >= 1 ? o.lines.filter((l) => l.text.trim() !== '') : [];
  const words = lines.map((l) => l.text.trim().split(/\s+/));
  const natural = START + words.reduce((a, w) => a + w.length * WORD, 0) + Math.max(0, lines.length - 1) * GAP;
  const scale = natural > o.durationS * 0.95 ? (o.durationS * 0.95) / natural : 1;
  let t = START * scale;
  const segments = lines.map((l, i) => {
    const ws = words[i]!;
    const start = t;
    const wordObjs = ws.map((w, j) => {
      const ws0 = start + j * WORD * scale;
      return { word: w, start: r2(ws0), end: r2(ws0 + WORD * scale), confidence: j % 3 === 2 ? 0.87 : 0.99, lang: o.language };
    });
    const end = start + ws.length * WORD * scale;
    t = end + GAP * scale;
    const conf = wordObjs.reduce((a, w) => a + w.confidence, 0) / wordObjs.length;
    return {
      id: i + 1,
      speaker: l.speaker === 'business' ? 'Business' : 'Customer',
      channel: l.speaker === 'business' ? 0 : 1,
      start: r2(start),
      end: r2(end),
      text: l.text.trim(),
      confidence: r2(conf),
      words: wordObjs,
    };
  });
  const duration = r2(o.durationS);
  return {
    metadata: {
      processed_at: new Date(Math.floor(o.processedAt / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      audio: { duration, sample_rate: 16000, channels: 2, audio_format: 'stereo' },
    },
    transcript: {
      text: segments.map((s) => `[${s.speaker}] ${s.text}`).join(' '),
      language: o.language,
      duration,
      confidence: segments.length ? r2(segments.reduce((a, s) => a + s.confidence, 0) / segments.length) : 0,
      segments,
    },
  };
}

// ------------------------------------------------------------------------------------ the service

/** What capture needs of a call (calls.ts's SimCall has all of it). */
export interface CapturedCall {
  id: string;
  acceptedAt: number | undefined;
  endedAt: number | undefined;
  capture: CallCaptureState;
}

/**
 * Makes the assets of recorded calls after they end and sends their webhooks (calls.ts calls
 * `onEnded`). Each asset is a media item (7 days, as Meta keeps them), its webhook carries a fresh
 * 5-minute URL (`mediaUrlTtlMs`).
 */
export class CallCapture {
  readonly faults: CaptureFaults;
  private readonly ctx: SimContext;
  private readonly media: MediaStore;

  constructor(ctx: SimContext, media: MediaStore) {
    this.ctx = ctx;
    this.media = media;
    this.faults = new CaptureFaults(media);
  }

  onEnded(call: CapturedCall, user: SimUser): void {
    const st = call.capture;
    st.realEndedAt = Date.now();
    const rec = st.recording?.status === 'ENABLED';
    const tr = st.transcription?.status === 'ENABLED';
    if (call.acceptedAt === undefined || (!rec && !tr)) {
      st.audio = undefined;
      return;
    }
    // Both tasks share one decode of the call's audio; the source is released after the last.
    let audio: { audio: CallAudio; lengthSamples: number } | undefined;
    const audioOnce = () => (audio ??= this.callAudio(call));
    let left = (rec ? 1 : 0) + (tr ? 1 : 0);
    const done = () => {
      if (--left === 0) st.audio = undefined;
    };
    if (rec)
      this.ctx.clock.schedule(this.ctx.config.recordingReadyAfterMs, `call recording ${call.id}`, () => {
        try {
          this.emitRecording(call, user, audioOnce());
        } finally {
          done();
        }
      });
    if (tr)
      this.ctx.clock.schedule(this.ctx.config.transcriptReadyAfterMs, `call transcript ${call.id}`, () => {
        try {
          this.emitTranscript(call, user, audioOnce());
        } finally {
          done();
        }
      });
  }

  /** The call's audio from accept to end: the source's (real time), else silence of the call's length (sim time). */
  private callAudio(call: CapturedCall): { audio: CallAudio; lengthSamples: number } {
    const st = call.capture;
    if (st.audio && st.realAcceptedAt !== undefined && st.realEndedAt !== undefined) {
      const audio = st.audio.pcm(st.realAcceptedAt, st.realEndedAt);
      return { audio, lengthSamples: Math.max(audio.business.length, audio.customer.length) };
    }
    const ms = Math.max(0, (call.endedAt ?? 0) - (call.acceptedAt ?? 0));
    return { audio: { business: new Int16Array(0), customer: new Int16Array(0) }, lengthSamples: Math.round((ms * CAPTURE_RATE) / 1000) };
  }

  private callItem(call: CapturedCall, user: SimUser, event: string): Record<string, unknown> {
    // Meta's samples name the WhatsApp user in from/from_user_id/from_parent_user_id, whoever called (README guess).
    const c: Record<string, unknown> = { id: call.id };
    if (user.waId) c['from'] = user.waId;
    c['from_user_id'] = user.userId;
    if (user.parentUserId) c['from_parent_user_id'] = user.parentUserId;
    c['timestamp'] = String(this.ctx.clock.nowSeconds());
    c['event'] = event;
    return c;
  }

  private emitRecording(call: CapturedCall, user: SimUser, a: { audio: CallAudio; lengthSamples: number }): void {
    const bytes = encodeStereoOggOpus(a.audio.business, a.audio.customer, a.lengthSamples, {
      comments: [`TITLE=WhatsApp call ${call.id}`, 'CHANNELS=left business, right customer'],
    });
    const item = this.media.add(bytes, RECORDING_MIME, 'call_recording');
    this.faults.bind(item, 'recording', call.id);
    call.capture.recordingMediaId = item.id;
    const c = this.callItem(call, user, 'call_recording_available');
    c['call_recording'] = {
      type: 'audio',
      audio: { id: item.id, sha256: item.sha256, mime_type: RECORDING_MIME, url: this.media.issueUrl(item.id, this.ctx.baseUrl()) },
    };
    this.ctx.webhooks.emit('calls', { messaging_product: 'whatsapp', metadata: metadata(this.ctx), calls: [c] });
    this.ctx.events.emit('call.recording_available', { callId: call.id, mediaId: item.id, bytes: bytes.length });
  }

  private emitTranscript(call: CapturedCall, user: SimUser, a: { audio: CallAudio; lengthSamples: number }): void {
    const st = call.capture;
    // Both enabled: the announcement is the recording's (Meta); its language is what the people speak here.
    const announcement = st.recording?.status === 'ENABLED' ? st.recording.announcement_language : st.transcription?.announcement_language;
    const language = st.script?.language ?? spokenLanguageOf(announcement);
    const lines = st.script?.lines ?? defaultScript(spokenLanguageOf(announcement), a.audio);
    const doc = buildTranscript({ lines, language, durationS: a.lengthSamples / CAPTURE_RATE, processedAt: this.ctx.clock.now() });
    const bytes = Buffer.from(JSON.stringify(doc), 'utf8');
    const item = this.media.add(bytes, TRANSCRIPT_MIME, 'call_transcript');
    this.faults.bind(item, 'transcript', call.id);
    st.transcriptMediaId = item.id;
    const c = this.callItem(call, user, 'call_transcription_available');
    c['call_transcript'] = {
      document: { id: item.id, sha256: item.sha256, mime_type: TRANSCRIPT_MIME, url: this.media.issueUrl(item.id, this.ctx.baseUrl()) },
    };
    this.ctx.webhooks.emit('calls', { messaging_product: 'whatsapp', metadata: metadata(this.ctx), calls: [c] });
    this.ctx.events.emit('call.transcription_available', { callId: call.id, mediaId: item.id, bytes: bytes.length });
  }
}

/** Validates a script from the control API: `{lines: [{speaker: 'business'|'user', text}], language?}`. */
export function parseScript(body: Record<string, unknown>): { lines: ScriptLine[]; language: string | undefined } {
  const lines = body['lines'];
  if (!Array.isArray(lines)) throw new CaptureFaultError('lines must be an array of {speaker: "business"|"user", text}');
  const out = lines.map((l: unknown, i: number): ScriptLine => {
    const o = (l ?? {}) as Record<string, unknown>;
    if (o['speaker'] !== 'business' && o['speaker'] !== 'user')
      throw new CaptureFaultError(`lines[${i}].speaker must be "business" or "user"`);
    if (typeof o['text'] !== 'string') throw new CaptureFaultError(`lines[${i}].text must be a string`);
    return { speaker: o['speaker'], text: o['text'] };
  });
  const language = body['language'];
  if (language !== undefined && (typeof language !== 'string' || !/^[a-z]{2,3}$/.test(language)))
    throw new CaptureFaultError('language must be an ISO 639 code such as "en"');
  return { lines: out, language };
}
