/**
 * The pieces of call recording (issue 16) that need no network: Meta's sample webhooks become
 * call.recording events (both spellings of the transcript event), Meta's transcript document and
 * other plausible shapes become lines (hostile text kept as text, bounded), the owner's settings
 * are validated and become the recording / transcription objects of accept and connect.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../../main/account/config-store.ts';
import { DomainError } from '../../../main/core/domain-error.ts';
import { setMainLocale } from '../../../main/i18n/tr.ts';
import { oggOpusDurationMs } from '../../../main/recordings/ogg.ts';
import { sha256Matches } from '../../../main/recordings/recording-fetcher.ts';
import { RecordingSettingsService } from '../../../main/recordings/recording-settings.ts';
import { MAX_LINE_CHARS, parseTranscript, TranscriptUnreadable } from '../../../main/recordings/transcript.ts';
import { parseEnvelope } from '../../../main/webhooks/envelope.ts';
import { writeOggOpus } from '../../sim/ogg-opus.ts';
import { loadMetaWebhook } from '../../support/meta-fixtures.ts';
import { confFactory } from '../../../main/account/conf-store.ts';

afterEach(() => setMainLocale('en'));

describe("Meta's recording webhooks", () => {
  const ctx = { wabaId: '2000000000000002', phoneNumberId: '3000000000000003' };

  it('call_recording_available and call_transcription_available (and call_transcript_available) become call.recording events', () => {
    const audio = parseEnvelope(JSON.stringify(loadMetaWebhook('webhook-calls-recording-available.json', ctx).body));
    expect(audio).toMatchObject([
      {
        kind: 'call.recording',
        part: 'audio',
        callId: 'wacid.HBgLMTQxMjYxMzYyNTMVAgASGCBGO...',
        media: { id: '1002764438271669', sha256: 'Y9vvGyeo3n76ptkXu3CwDBsnzbRFqpjHskQdMGSVqas=', mimeType: 'audio/ogg; codecs=opus' },
        user: { waId: '16315553602' },
      },
    ]);
    const body = loadMetaWebhook('webhook-calls-transcription-available.json', ctx).body;
    const transcript = parseEnvelope(JSON.stringify(body));
    expect(transcript).toMatchObject([{ kind: 'call.recording', part: 'transcript', media: { mimeType: 'application/json' } }]);
    const live = JSON.parse(JSON.stringify(body).replace('call_transcription_available', 'call_transcript_available'));
    expect(parseEnvelope(JSON.stringify(live))).toMatchObject([{ kind: 'call.recording', part: 'transcript' }]);
    // The same file delivered twice is one event key.
    expect(parseEnvelope(JSON.stringify(live))[0]!.key).toBe(transcript[0]!.key);
  });

  it('a recording event without its file is unreadable, named by its place', () => {
    const body = loadMetaWebhook('webhook-calls-recording-available.json', ctx).body as {
      entry: Array<{ changes: Array<{ value: { calls: Array<Record<string, unknown>> } }> }>;
    };
    delete body.entry[0]!.changes[0]!.value.calls[0]!['call_recording'];
    expect(parseEnvelope(JSON.stringify(body))).toMatchObject([
      { kind: 'unreadable', where: 'entry[0].changes[0].value.calls[0]', reason: expect.stringContaining('call_recording.audio') },
    ]);
  });
});

describe('the transcript document', () => {
  it("reads Meta's documented format: speakers, channels and times in seconds", () => {
    const doc = {
      metadata: {
        processed_at: '2026-07-01T12:00:00Z',
        audio: { duration: 12.4, sample_rate: 16000, channels: 2, audio_format: 'stereo' },
      },
      transcript: {
        text: '[Business] Olá [Customer] Oi',
        language: 'pt',
        duration: 12.4,
        confidence: 0.9,
        segments: [
          { id: 1, speaker: 'Business', channel: 0, start: 1.16, end: 2.5, text: 'Olá', confidence: 0.9, words: [] },
          { id: 2, speaker: 'Customer', channel: 1, start: 3, end: 4.25, text: 'Oi', confidence: 0.9, words: [] },
        ],
      },
    };
    expect(parseTranscript(Buffer.from(JSON.stringify(doc)))).toEqual({
      language: 'pt',
      durationMs: 12_400,
      lines: [
        { index: 0, speaker: 'business', speakerLabel: 'Business', startMs: 1160, endMs: 2500, text: 'Olá' },
        { index: 1, speaker: 'customer', speakerLabel: 'Customer', startMs: 3000, endMs: 4250, text: 'Oi' },
      ],
    });
  });

  it('copes with other plausible shapes: channels only, milliseconds, words only, labelled text, an empty transcript', () => {
    const lines = (doc: unknown) => parseTranscript(Buffer.from(JSON.stringify(doc))).lines;
    expect(lines({ segments: [{ channel: 1, start_ms: 250, end_ms: 900, text: 'Alô' }] })).toEqual([
      { index: 0, speaker: 'customer', speakerLabel: null, startMs: 250, endMs: 900, text: 'Alô' },
    ]);
    expect(lines({ transcript: { segments: [{ speaker: 'SPEAKER_3', words: [{ word: 'bom' }, { word: 'dia' }] }] } })).toEqual([
      { index: 0, speaker: null, speakerLabel: 'SPEAKER_3', startMs: null, endMs: null, text: 'bom dia' },
    ]);
    expect(lines({ transcript: { text: '[Business] Hello there. [Customer] Hi!' } }).map((l) => [l.speaker, l.text])).toEqual([
      ['business', 'Hello there.'],
      ['customer', 'Hi!'],
    ]);
    expect(lines({ transcript: { text: '', segments: [] } })).toEqual([]);
  });

  it('hostile text stays text, bounded; a document that is not JSON is refused with a reason', () => {
    const hostile = '<img src=x onerror=alert(1)> \u202Egnp.exe \u0000end';
    const huge = 'a'.repeat(1_000_000);
    const { lines } = parseTranscript(
      Buffer.from(
        JSON.stringify({
          transcript: {
            segments: [
              { speaker: 'Customer', text: hostile },
              { speaker: '<b>x</b>', text: huge },
            ],
          },
        }),
      ),
    );
    expect(lines[0]!.text).toBe('<img src=x onerror=alert(1)> \u202Egnp.exe end');
    expect(lines[1]!.text).toHaveLength(MAX_LINE_CHARS);
    expect(lines[1]!.text.endsWith('a…')).toBe(true);
    expect(lines[1]!.speakerLabel).toBe('<b>x</b>');
    expect(() => parseTranscript(Buffer.from('<html>Gateway timeout</html>'))).toThrow(TranscriptUnreadable);
    expect(() => parseTranscript(Buffer.from('[1, 2]'))).toThrow(/not a JSON object/);
  });
});

describe('files', () => {
  it('sha256 in base64 (webhooks) or hex (Media API); an Ogg/Opus length from its last granule', () => {
    const digest = Buffer.alloc(32, 7);
    expect(sha256Matches(digest, digest.toString('base64'))).toBe(true);
    expect(sha256Matches(digest, digest.toString('hex').toUpperCase())).toBe(true);
    expect(sha256Matches(digest, Buffer.alloc(32, 8).toString('base64'))).toBe(false);
    const ogg = writeOggOpus({
      channels: 1,
      preSkip: 312,
      packets: Array.from({ length: 100 }, () => Buffer.from([0xf8, 0xff, 0xfe])),
      frameSamples: 960,
    });
    expect(oggOpusDurationMs(ogg)).toBe(Math.round((100 * 960 - 312) / 48));
    expect(oggOpusDurationMs(Buffer.from('not ogg at all, just some bytes that are long enough to look'))).toBeNull();
  });
});

describe('recording settings', () => {
  const service = () => new RecordingSettingsService(new ConfigStore(mkdtempSync(path.join(tmpdir(), 'sb-rec-')), confFactory));

  it('off by default: nothing is asked of WhatsApp', () => {
    const s = service();
    expect(s.get().settings).toMatchObject({ mode: 'off', audio: true, transcript: true, purpose: '', announcementLanguage: 'en_US' });
    expect(s.planFor(true)).toBeNull();
  });

  it('all calls / ask per call become the objects WhatsApp documents, with a default purpose in the announcement language', () => {
    const s = service();
    s.set({ mode: 'all', transcript: false });
    expect(s.planFor(undefined)).toEqual({
      request: { audio: true, transcript: false },
      body: { recording: { status: 'ENABLED', purpose: s.get().defaultPurpose, announcement_language: 'en_US' } },
    });
    s.set({ mode: 'ask', transcript: true, purpose: '  Registro do pedido  ', announcementLanguage: 'pt' });
    expect(s.planFor(undefined)).toBeNull();
    expect(s.planFor(false)).toBeNull();
    expect(s.planFor(true)!.body).toEqual({
      recording: { status: 'ENABLED', purpose: 'Registro do pedido', announcement_language: 'pt' },
      transcription: { status: 'ENABLED', purpose: 'Registro do pedido', announcement_language: 'pt' },
    });
    // The session's Record choice (a notification's or a shortcut's Answer carries no choice of its own).
    expect(s.setRecordChoice(true).recordChoice).toBe(true);
    expect(s.planFor(undefined)!.request).toEqual({ audio: true, transcript: true });
    expect(s.planFor(false)).toBeNull();
    expect(new RecordingSettingsService(new ConfigStore(mkdtempSync(path.join(tmpdir(), 'sb-rec-')), confFactory)).get().recordChoice).toBe(
      false,
    );
    s.set({ purpose: '' });
    expect(s.get().defaultPurpose).toMatch(/qualidade/);
    // Until chosen, the announcement follows the owner's language.
    const fresh = service();
    setMainLocale('es');
    expect(fresh.get()).toMatchObject({ settings: { announcementLanguage: 'es' }, defaultPurpose: expect.stringMatching(/calidad/) });
  });

  it('refuses what WhatsApp would refuse, and stores nothing then', () => {
    const s = service();
    s.set({ mode: 'all' });
    const refusal = (patch: Parameters<RecordingSettingsService['set']>[0]) => {
      try {
        s.set(patch);
      } catch (err) {
        return err instanceof DomainError ? { code: err.code, field: (err.details as { field?: string }).field } : err;
      }
      return null;
    };
    expect(refusal({ purpose: 'x'.repeat(251) })).toEqual({ code: 'invalid_params', field: 'purpose' });
    expect(refusal({ audio: false, transcript: false })).toEqual({ code: 'invalid_params', field: 'audio' });
    expect(refusal({ announcementLanguage: 'pt_BR' as never })).toEqual({ code: 'invalid_params', field: 'announcementLanguage' });
    expect(s.get().settings).toMatchObject({ mode: 'all', audio: true, transcript: true, purpose: '' });
  });
});
