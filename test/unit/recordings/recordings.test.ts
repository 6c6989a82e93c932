/**
 * Call recordings and transcripts (issue 16), main's side against the simulator: a signed
 * call_recording_available / call_transcription_available webhook reaches the receiver, the file
 * is downloaded through Graph (the webhook URL, else GET /{media-id}), checked against its sha256,
 * kept in the data dir, and its transcript lines are found by search. Faults: a hash that does not
 * match, an expired file, a transient 500 tried again, a restart in the middle.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordingState, TranscriptLine } from '../../../common/bridge/recordings.ts';
import { writeOggOpus } from '../../sim/ogg-opus.ts';
import { startSimApp, defaultSeed as seed, until, type SimApp } from '../../support/sim-app.ts';
import { callEvent, callRecordingAvailable, callTranscriptionAvailable, postSigned } from '../../support/webhooks.ts';

let app: SimApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

const ana = seed.users[0]!;

/** Meta's documented transcript format (call-transcription page, "Transcript document format"). */
function metaTranscript(lines: Array<{ speaker: 'Business' | 'Customer'; text: string; start: number; end: number }>): Buffer {
  return Buffer.from(
    JSON.stringify({
      metadata: { processed_at: '2026-07-01T12:00:10Z', audio: { duration: 9.5, sample_rate: 16000, channels: 2, audio_format: 'stereo' } },
      transcript: {
        text: lines.map((l) => `[${l.speaker}] ${l.text}`).join(' '),
        language: 'pt',
        duration: 9.5,
        confidence: 0.93,
        segments: lines.map((l, i) => ({
          id: i + 1,
          speaker: l.speaker,
          channel: l.speaker === 'Business' ? 0 : 1,
          start: l.start,
          end: l.end,
          text: l.text,
          confidence: 0.9,
          words: l.text.split(' ').map((word) => ({ word, start: l.start, end: l.end, confidence: 0.9, lang: 'pt' })),
        })),
      },
    }),
  );
}

/** 2.5 s of silence as a real Ogg/Opus file (the simulator's writer, RFC 7845). */
function oggRecording(): Buffer {
  return writeOggOpus({
    channels: 2,
    preSkip: 0,
    packets: Array.from({ length: 125 }, () => Buffer.from([0xfc, 0xff, 0xfe])),
    frameSamples: 960,
  });
}

async function start(): Promise<SimApp> {
  app = await startSimApp({ timeFactor: 100 });
  // A call from Ana that was answered and ended: its card exists.
  const port = app.services.receiver.port;
  const secret = app.creds.appSecret;
  const business = { phoneNumberId: app.creds.phoneNumberId, displayPhoneNumber: app.creds.displayPhoneNumber };
  const now = Math.floor(Date.now() / 1000);
  const customer = { waId: ana.wa_id!, name: ana.name };
  const wabaId = app.creds.wabaId;
  for (const body of [
    callEvent({ id: 'wacid.rec1', event: 'connect', customer, timestamp: now - 30, business, wabaId }),
    callEvent({
      id: 'wacid.rec1',
      event: 'terminate',
      customer,
      timestamp: now - 5,
      business,
      wabaId,
      extra: { status: 'COMPLETED', duration: 20 },
    }),
  ])
    expect((await postSigned(port, '/webhook', body, secret)).status).toBe(200);
  await until('the call card', () => app!.services.threads.callItem('wacid.rec1'));
  return app;
}

/** A file in the simulator's media store and its webhook, delivered signed to the app. */
async function deliver(
  a: SimApp,
  part: 'audio' | 'transcript',
  bytes: Buffer,
  sha256?: string,
  event?: 'call_transcript_available',
  fault?: { fault: string; times: number },
) {
  const item = a.sim.media.add(
    bytes,
    part === 'audio' ? 'audio/ogg; codecs=opus' : 'application/json',
    part === 'audio' ? 'call_recording' : 'call_transcript',
  );
  if (fault) a.sim.calls.capture.faults.add({ ...fault, media_id: item.id });
  const url = a.sim.media.issueUrl(item.id, a.creds.graphBaseUrl);
  const o = {
    callId: 'wacid.rec1',
    mediaId: item.id,
    sha256: sha256 ?? item.sha256,
    url,
    customer: { waId: ana.wa_id!, userId: ana.user_id! },
    business: { phoneNumberId: a.creds.phoneNumberId, displayPhoneNumber: a.creds.displayPhoneNumber },
    wabaId: a.creds.wabaId,
  };
  const body = part === 'audio' ? callRecordingAvailable(o) : callTranscriptionAvailable({ ...o, ...(event ? { event } : {}) });
  expect((await postSigned(a.services.receiver.port, '/webhook', body, a.creds.appSecret)).status).toBe(200);
  return item;
}

const recordingOf = (a: SimApp): RecordingState | null =>
  (a.services.threads.callItem('wacid.rec1')?.data['recording'] ?? null) as RecordingState | null;

describe('call recordings and transcripts', () => {
  it('downloads the recording and the transcript as their webhooks arrive; search finds a spoken word at its line', async () => {
    const a = await start();
    const ogg = oggRecording();
    await deliver(a, 'audio', ogg);
    await deliver(
      a,
      'transcript',
      metaTranscript([
        { speaker: 'Customer', text: 'Bom dia, queria encomendar pão de queijo', start: 0.5, end: 3.2 },
        { speaker: 'Business', text: 'Claro! Para quando? Temos brigadeiros também', start: 3.6, end: 6.1 },
      ]),
      undefined,
      'call_transcript_available',
    );
    await until('both ready', () => recordingOf(a)?.audio?.state === 'ready' && recordingOf(a)?.transcript?.state === 'ready', 15_000);
    const rec = recordingOf(a)!;
    expect(rec.requested).toEqual({ audio: true, transcript: true });
    expect(rec.audio).toMatchObject({ bytes: ogg.length, durationMs: 2500, error: null, canRetry: false });
    expect(rec.transcript).toMatchObject({ lines: 2, durationMs: 9500 });

    const itemId = a.services.threads.callItem('wacid.rec1')!.id;
    const audio = await a.services.dispatch('getCallRecording', { itemId });
    expect(audio).toMatchObject({ ok: true, result: { mimeType: 'audio/ogg; codecs=opus', bytes: ogg.length } });
    expect(Buffer.from((audio as { result: { base64: string } }).result.base64, 'base64').equals(ogg)).toBe(true);
    // Kept in the data dir, this user's alone.
    const kept = readdirRecording(a);
    expect(statSync(kept).mode & 0o777).toBe(0o600);

    const transcript = await a.services.dispatch('getCallTranscript', { itemId });
    expect(transcript).toMatchObject({ ok: true, result: { language: 'pt' } });
    const lines = (transcript as { result: { lines: TranscriptLine[] } }).result.lines;
    expect(lines).toEqual([
      {
        index: 0,
        speaker: 'customer',
        speakerLabel: 'Customer',
        startMs: 500,
        endMs: 3200,
        text: 'Bom dia, queria encomendar pão de queijo',
      },
      {
        index: 1,
        speaker: 'business',
        speakerLabel: 'Business',
        startMs: 3600,
        endMs: 6100,
        text: 'Claro! Para quando? Temos brigadeiros também',
      },
    ]);

    const search = await a.services.dispatch('search', { query: 'brigadeiros' });
    expect(search).toMatchObject({ ok: true, result: { hits: [{ itemId, line: 1 }] } });
    expect((search as { result: { hits: Array<{ snippet: string }> } }).result.hits[0]!.snippet).toContain('\u0001brigadeiros\u0002');

    // The thread's export carries the words.
    const threadId = a.services.threads.callItem('wacid.rec1')!.threadId;
    const json = await a.services.dispatch('exportThread', { threadId, format: 'json' });
    const items = JSON.parse((json as { result: { content: string } }).result.content).items as Array<{
      kind: string;
      text: string;
      recording: string;
    }>;
    const call = items.find((i) => i.kind === 'call')!;
    expect(call.text).toContain('[Customer] Bom dia, queria encomendar pão de queijo');
    expect(call.recording).toBe(path.basename(kept));

    // Deleted from the data folder by hand: play says so, instead of "no recording".
    rmSync(kept);
    expect(await a.services.dispatch('getCallRecording', { itemId })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: expect.stringMatching(/no longer on this computer/) },
    });
  });

  it('a file whose bytes do not match its sha256 fails with Retry; Retry fetches it again', async () => {
    const a = await start();
    const ogg = oggRecording();
    // The first download's bytes are damaged (the simulator's capture fault), the next are whole.
    await deliver(a, 'audio', ogg, undefined, undefined, { fault: 'hash_mismatch', times: 1 });
    await until('failed', () => recordingOf(a)?.audio?.state === 'failed', 15_000);
    expect(recordingOf(a)!.audio).toMatchObject({ errorCode: 'hash_mismatch', canRetry: true, bytes: null });
    expect(recordingOf(a)!.audio!.error).toMatch(/does not match/);
    const itemId = a.services.threads.callItem('wacid.rec1')!.id;
    expect(await a.services.dispatch('getCallRecording', { itemId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(existsSync(path.join(path.dirname(a.services.config.path), 'recordings', `call-${itemId}-recording.ogg`))).toBe(false);

    const retried = await a.services.dispatch('retryCallRecording', { itemId, part: 'audio' });
    expect(retried).toMatchObject({ ok: true, result: { audio: { state: 'pending' } } });
    await until('ready after Retry', () => recordingOf(a)?.audio?.state === 'ready', 15_000);
    expect(recordingOf(a)!.audio).toMatchObject({ bytes: ogg.length, error: null });
    expect(await a.services.dispatch('retryCallRecording', { itemId, part: 'audio' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_state' },
    });
    expect(await a.services.dispatch('retryCallRecording', { itemId, part: 'transcript' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('an expired file fails without Retry; a 500 is tried again by itself', async () => {
    const a = await start();
    await deliver(a, 'audio', oggRecording());
    await until('ready', () => recordingOf(a)?.audio?.state === 'ready', 15_000);

    // The transcript: its download answers 500 once (the simulator's capture fault), then works.
    const doc = metaTranscript([{ speaker: 'Customer', text: 'Obrigada', start: 0, end: 1 }]);
    const t = a.sim.media.add(doc, 'application/json', 'call_transcript');
    a.sim.calls.capture.faults.add({ asset: 'transcript', fault: 'download_500', times: 1, media_id: t.id });
    const url = a.sim.media.issueUrl(t.id, a.creds.graphBaseUrl);
    const body = callTranscriptionAvailable({
      callId: 'wacid.rec1',
      mediaId: t.id,
      sha256: t.sha256,
      url,
      customer: { waId: ana.wa_id!, userId: ana.user_id! },
      business: { phoneNumberId: a.creds.phoneNumberId, displayPhoneNumber: a.creds.displayPhoneNumber },
      wabaId: a.creds.wabaId,
    });
    expect((await postSigned(a.services.receiver.port, '/webhook', body, a.creds.appSecret)).status).toBe(200);
    await until('transcript ready after a retry', () => recordingOf(a)?.transcript?.state === 'ready', 20_000);

    // A recording WhatsApp no longer has.
    const gone = a.sim.media.add(oggRecording(), 'audio/ogg; codecs=opus', 'call_recording');
    a.sim.calls.capture.faults.add({ asset: 'recording', fault: 'expired', media_id: gone.id });
    const expiredBody = callRecordingAvailable({
      callId: 'wacid.rec1',
      mediaId: gone.id,
      sha256: gone.sha256,
      url: `${a.creds.graphBaseUrl}/whatsapp_business/attachments/?mid=${gone.id}&ext=stale`,
      customer: { waId: ana.wa_id!, userId: ana.user_id! },
      business: { phoneNumberId: a.creds.phoneNumberId, displayPhoneNumber: a.creds.displayPhoneNumber },
      wabaId: a.creds.wabaId,
    });
    expect((await postSigned(a.services.receiver.port, '/webhook', expiredBody, a.creds.appSecret)).status).toBe(200);
    await until('expired', () => recordingOf(a)?.audio?.state === 'failed', 15_000);
    expect(recordingOf(a)!.audio).toMatchObject({ errorCode: 'expired', canRetry: false, mediaId: gone.id });
    expect(recordingOf(a)!.audio!.error).toMatch(/7 days/);
    const itemId = a.services.threads.callItem('wacid.rec1')!.id;
    expect(await a.services.dispatch('retryCallRecording', { itemId, part: 'audio' })).toMatchObject({
      ok: false,
      error: { code: 'expired' },
    });
  });

  it('a call it never heard of gets its card with the recording; an unreadable webhook item leaves the rest of the body applied', async () => {
    const a = await start();
    const item = a.sim.media.add(oggRecording(), 'audio/ogg; codecs=opus', 'call_recording');
    const good = callRecordingAvailable({
      callId: 'wacid.unknown',
      mediaId: item.id,
      sha256: item.sha256,
      url: a.sim.media.issueUrl(item.id, a.creds.graphBaseUrl),
      customer: { waId: seed.users[1]!.wa_id!, userId: seed.users[1]!.user_id! },
      business: { phoneNumberId: a.creds.phoneNumberId, displayPhoneNumber: a.creds.displayPhoneNumber },
      wabaId: a.creds.wabaId,
    }) as { entry: Array<{ changes: Array<{ value: { calls: unknown[] } }> }> };
    // A second item in the same body without its audio object.
    const calls = good.entry[0]!.changes[0]!.value.calls;
    calls.push({ ...(calls[0] as object), id: 'wacid.broken', call_recording: { type: 'audio' } });
    expect((await postSigned(a.services.receiver.port, '/webhook', good, a.creds.appSecret)).status).toBe(200);
    await until(
      'card for the unknown call',
      () => {
        const r = a.services.threads.callItem('wacid.unknown')?.data['recording'] as RecordingState | undefined;
        return r?.audio?.state === 'ready';
      },
      15_000,
    );
    expect(a.services.threads.callItem('wacid.broken')).toBeNull();
    // A recording exists only of an answered call: the card says so, not "ringing"; the call's own
    // terminate, arriving later, puts its guessed direction right.
    expect(a.services.threads.callItem('wacid.unknown')).toMatchObject({ status: 'completed', direction: 'in' });
    const business = { phoneNumberId: a.creds.phoneNumberId, displayPhoneNumber: a.creds.displayPhoneNumber };
    const terminate = callEvent({
      id: 'wacid.unknown',
      event: 'terminate',
      customer: { waId: seed.users[1]!.wa_id!, name: seed.users[1]!.name },
      direction: 'outgoing',
      business,
      wabaId: a.creds.wabaId,
      extra: { status: 'COMPLETED', duration: 42 },
    });
    expect((await postSigned(a.services.receiver.port, '/webhook', terminate, a.creds.appSecret)).status).toBe(200);
    await until('direction corrected', () => a.services.threads.callItem('wacid.unknown')?.direction === 'out');
    expect(a.services.threads.callItem('wacid.unknown')).toMatchObject({ status: 'completed', data: { durationSeconds: 42 } });
    const diag = a.services.db.prepare("SELECT payload FROM domain_events WHERE kind = 'unreadable'").all() as Array<{ payload: string }>;
    expect(diag.some((d) => d.payload.includes('call_recording.audio'))).toBe(true);
  });
  it('a newer file for the same call, arriving while the older downloads, is the one kept', async () => {
    const a = await start();
    const first = oggRecording();
    const second = Buffer.concat([oggRecording(), oggRecording()]);
    const business = { phoneNumberId: a.creds.phoneNumberId, displayPhoneNumber: a.creds.displayPhoneNumber };
    const customer = { waId: ana.wa_id!, userId: ana.user_id! };
    const old = a.sim.media.add(first, 'audio/ogg; codecs=opus', 'call_recording');
    // The first webhook's link is not one of Meta's media hosts: it is fetched through GET /{media-id}, answered late.
    a.sim.graphFaults.add({ rules: [{ match: { method: 'GET', path: `/${old.id}` }, fault: { delayMs: 1500 }, count: 1 }] });
    const body = (id: string, sha256: string, url: string) =>
      callRecordingAvailable({ callId: 'wacid.rec1', mediaId: id, sha256, url, customer, business, wabaId: a.creds.wabaId });
    expect(
      (await postSigned(a.services.receiver.port, '/webhook', body(old.id, old.sha256, 'https://example.invalid/x'), a.creds.appSecret))
        .status,
    ).toBe(200);
    await until('downloading', () => recordingOf(a)?.audio?.state === 'pending');
    const newer = a.sim.media.add(second, 'audio/ogg; codecs=opus', 'call_recording');
    const url = a.sim.media.issueUrl(newer.id, a.creds.graphBaseUrl);
    expect((await postSigned(a.services.receiver.port, '/webhook', body(newer.id, newer.sha256, url), a.creds.appSecret)).status).toBe(200);
    await until(
      'the newer file ready',
      () => recordingOf(a)?.audio?.state === 'ready' && recordingOf(a)?.audio?.mediaId === newer.id,
      15_000,
    );
    await new Promise((r) => setTimeout(r, 2000)); // the older download has come back by now
    expect(recordingOf(a)!.audio).toMatchObject({ state: 'ready', mediaId: newer.id, bytes: second.length });
    const itemId = a.services.threads.callItem('wacid.rec1')!.id;
    const got = await a.services.dispatch('getCallRecording', { itemId });
    expect(Buffer.from((got as { result: { base64: string } }).result.base64, 'base64').equals(second)).toBe(true);
  });
});

function readdirRecording(a: SimApp): string {
  const itemId = a.services.threads.callItem('wacid.rec1')!.id;
  const dir = path.join(path.dirname(a.services.config.path), 'recordings');
  const file = path.join(dir, `call-${itemId}-recording.ogg`);
  expect(existsSync(file)).toBe(true);
  expect(readFileSync(file).subarray(0, 4).toString('latin1')).toBe('OggS');
  return file;
}
