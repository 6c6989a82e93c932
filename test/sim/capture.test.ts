/**
 * Call recording and transcription (capture.ts): request validation, the webhooks (only for
 * recorded calls that connected, shaped as Meta's samples), downloads that match their sha256,
 * a well-formed Ogg/Opus file holding both sides' real tones, the transcript document, faults.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpusCodec } from './peer/opus.ts';
import { analyzeMono } from './peer/audio.ts';
import { createPhonePeer, type PhonePeer } from './peer/phone-peer.ts';
import { FLAG_BOS, FLAG_EOS, OPUS_PRE_SKIP, oggPackets, parseOggPages, parseOpusHead } from './ogg-opus.ts';
import { ANNOUNCEMENT_LANGUAGES } from './capture.ts';
import { businessLikeSdp } from './sdp.ts';
import type { Harness } from './test-helpers.ts';
import { callEvent, err, startHarness, waitFor } from './test-helpers.ts';
import { callRecordingAvailable, callTranscriptionAvailable } from '../support/webhooks.ts';

const PNID = '3000000000000003';
const ANA = '5511987650001';
const META = new URL('../../../shared/fixtures/meta-docs/', import.meta.url);
const REC = { status: 'ENABLED', purpose: 'quality assurance', announcement_language: 'en_US' };

let h: Harness;
const peers: PhonePeer[] = [];

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await h?.close();
});

function peer(label: string, frequency: number): PhonePeer {
  const p = createPhonePeer({ label, source: { kind: 'tone', frequency, amplitude: 0.3 } });
  peers.push(p);
  return p;
}

async function userCalls(user = ANA, body: Record<string, unknown> = {}): Promise<string> {
  const r = await h.control('POST', `users/${user}/call`, body);
  expect(r.status).toBe(201);
  return r.json['id'] as string;
}

function calls(body: Record<string, unknown>) {
  return h.graph('POST', `${PNID}/calls`, { messaging_product: 'whatsapp', ...body });
}

async function acceptWith(id: string, extra: Record<string, unknown>, sdp = businessLikeSdp('answer')) {
  return calls({ call_id: id, action: 'accept', session: { sdp_type: 'answer', sdp }, ...extra });
}

function captureEvents(event: string): Array<Record<string, unknown>> {
  return h.rx
    .changes('calls')
    .flatMap((c) => (c.value['calls'] as Array<Record<string, unknown>> | undefined) ?? [])
    .filter((c) => c['event'] === event);
}

async function download(url: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${h.sim.business.accessToken}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

const b64sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');

/** Every key path of a JSON value (arrays by their first element). */
function keyPaths(v: unknown, prefix = ''): string[] {
  if (Array.isArray(v)) return v.length ? keyPaths(v[0], `${prefix}[]`) : [`${prefix}[]`];
  if (typeof v !== 'object' || v === null) return [prefix];
  return Object.entries(v).flatMap(([k, x]) => [`${prefix}.${k}`, ...keyPaths(x, `${prefix}.${k}`)]);
}

describe('recording / transcription request objects', () => {
  it('are validated field by field on accept and connect (100, details naming the field), refused on pre_accept', async () => {
    h = await startHarness();
    const id = await userCalls();
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ recording: 'yes' }, /recording must be an object/],
      [{ recording: { purpose: 'qa', announcement_language: 'en' } }, /recording\.status is required/],
      [{ recording: { ...REC, status: 'enabled' } }, /recording\.status must be one of ENABLED, DISABLED/],
      [{ recording: { ...REC, status: 'ON' } }, /recording\.status/],
      [
        { recording: { status: 'ENABLED', announcement_language: 'en' } },
        /recording\.purpose is required when recording\.status is ENABLED/,
      ],
      [{ recording: { ...REC, purpose: '   ' } }, /recording\.purpose is required/],
      [{ recording: { ...REC, purpose: 'x'.repeat(251) } }, /recording\.purpose must be at most 250 characters/],
      [{ recording: { ...REC, purpose: 42 } }, /recording\.purpose must be a string/],
      [{ recording: { status: 'ENABLED', purpose: 'qa' } }, /recording\.announcement_language is required/],
      [{ recording: { ...REC, announcement_language: 'pt_BR' } }, /recording\.announcement_language must be a supported locale code/],
      [{ recording: { ...REC, announcement_language: 'en-US' } }, /recording\.announcement_language/],
      [{ recording: { status: 'DISABLED', announcement_language: 'xx' } }, /recording\.announcement_language/],
      [{ recording: { ...REC, extra: 1 } }, /Unexpected key\(s\) "extra" in recording/],
      [{ transcription: { status: 'ENABLED', purpose: 'qa' } }, /transcription\.announcement_language is required/],
      [{ transcription: { ...REC, purpose: 'y'.repeat(251) } }, /transcription\.purpose must be at most 250/],
      [{ transcription: {} }, /transcription\.status is required/],
    ];
    for (const [extra, re] of bad) {
      const r = await acceptWith(id, extra);
      expect(r.status, JSON.stringify(extra)).toBe(400);
      expect(err(r.json).code).toBe(100);
      expect(err(r.json).error_data.details).toMatch(re);
    }
    expect(h.sim.calls.get(id)?.state).toBe('ringing');
    const pre = await calls({
      call_id: id,
      action: 'pre_accept',
      session: { sdp_type: 'answer', sdp: businessLikeSdp('answer') },
      recording: REC,
    });
    expect(pre.status).toBe(400);
    expect(err(pre.json).error_data.details).toMatch(/recording is not supported with action pre_accept/);
    // 250 characters (not bytes), every documented language, DISABLED alone: accepted.
    expect(ANNOUNCEMENT_LANGUAGES).toContain('es_ES');
    const ok = await acceptWith(id, {
      recording: { ...REC, purpose: 'é'.repeat(250), announcement_language: 'kn' },
      transcription: { status: 'DISABLED' },
    });
    expect(ok.status).toBe(200);
    const state = (await h.control('GET', `calls/${encodeURIComponent(id)}`)).json;
    expect(state['recording']).toEqual({ status: 'ENABLED', purpose: 'é'.repeat(250), announcement_language: 'kn' });
    expect(state['transcription']).toEqual({ status: 'DISABLED' });
    // connect validates too
    await h.control('POST', `users/${ANA}/permission`, { response: 'accept', source: 'profile', permanent: true });
    const c = await calls({
      to: '4915112340002',
      action: 'connect',
      session: { sdp_type: 'offer', sdp: businessLikeSdp('offer') },
      transcription: { status: 'ENABLED', purpose: 'qa', announcement_language: 'es_MX' },
    });
    expect(c.status).toBe(400);
    expect(err(c.json).error_data.details).toMatch(/transcription\.announcement_language/);
  });
});

describe('assets and webhooks', () => {
  it('only connected calls with ENABLED objects get webhooks, after the configured delay; shapes equal Meta samples', async () => {
    h = await startHarness();
    await h.control('POST', 'users', {
      wa_id: '5511911112222',
      user_id: 'BR.20000000000000000001',
      parent_user_id: 'BR.PARENT.1',
      name: 'Bia',
    });
    // 1. accepted, recording + transcription enabled
    const a = await userCalls('5511911112222');
    expect((await acceptWith(a, { recording: REC, transcription: { ...REC, announcement_language: 'pt' } })).status).toBe(200);
    await h.control('POST', `calls/${encodeURIComponent(a)}/media`, { receiving: true });
    h.sim.clock.advance(3_000);
    await calls({ call_id: a, action: 'terminate' });
    // 2. accepted, DISABLED / omitted
    const b = await userCalls(ANA);
    await acceptWith(b, { recording: { status: 'DISABLED' } });
    await calls({ call_id: b, action: 'terminate' });
    // 3. recording enabled via... never connected (rejected) — no accept means no objects; a BIC that rings out
    await h.control('POST', `users/${ANA}/permission`, { response: 'accept', source: 'profile', permanent: true });
    const c = await calls({ to: ANA, action: 'connect', session: { sdp_type: 'offer', sdp: businessLikeSdp('offer') }, recording: REC });
    const cid = ((c.json['calls'] as Array<Record<string, unknown>>)[0] ?? {})['id'] as string;
    await h.control('POST', `calls/${encodeURIComponent(cid)}/decline`, {});

    // Default 5 s of sim clock (the sim clock also runs with real time, hence the margin).
    h.sim.clock.advance(4_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(captureEvents('call_recording_available')).toHaveLength(0);
    h.sim.clock.advance(1_000);
    const rec = await waitFor(() => callEvent(h.rx, a, 'call_recording_available'), 'recording webhook');
    expect(captureEvents('call_transcription_available')).toHaveLength(0);
    h.sim.clock.advance(3_000);
    const tr = await waitFor(() => callEvent(h.rx, a, 'call_transcription_available'), 'transcript webhook');
    expect(h.rx.changes('calls').findIndex((c) => c.value === rec)).toBeLessThan(h.rx.changes('calls').findIndex((c) => c.value === tr));
    h.sim.clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(captureEvents('call_recording_available').map((x) => x['id'])).toEqual([a]);
    expect(captureEvents('call_transcription_available').map((x) => x['id'])).toEqual([a]);

    // Key sets equal Meta's samples (whole envelope).
    const envOf = (value: Record<string, unknown>) => h.rx.posts.map((p) => p.json).find((j) => j.entry[0]?.changes[0]?.value === value);
    for (const [value, file] of [
      [rec, 'webhook-calls-recording-available.json'],
      [tr, 'webhook-calls-transcription-available.json'],
    ] as const) {
      const sample = JSON.parse(readFileSync(new URL(file, META), 'utf8')) as unknown;
      const got = h.rx.posts.find((p) => p.json.entry.some((e) => e.changes.some((ch) => ch.value === value)))?.json;
      expect(got ?? envOf(value)).toBeDefined();
      expect(
        keyPaths(got)
          .filter((k) => !k.endsWith('.time'))
          .sort(),
      ).toEqual(keyPaths(sample).sort());
    }
    const rc = (rec['calls'] as Array<Record<string, unknown>>)[0]!;
    expect(rc).toMatchObject({ from: '5511911112222', from_user_id: 'BR.20000000000000000001', from_parent_user_id: 'BR.PARENT.1' });
    const audio = (rc['call_recording'] as { type: string; audio: Record<string, string> }).audio;
    expect((rc['call_recording'] as { type: string }).type).toBe('audio');
    expect(audio['mime_type']).toBe('audio/ogg; codecs=opus');
    expect(audio['id']).toMatch(/^\d{16}$/);
    expect(audio['sha256']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const doc = ((tr['calls'] as Array<Record<string, unknown>>)[0]!['call_transcript'] as { document: Record<string, string> }).document;
    expect(doc['mime_type']).toBe('application/json');

    // Downloads: the webhook URL (with the token), and GET /{media-id} → URL → bytes; both match sha256.
    const direct = await download(audio['url']!);
    expect(direct.status).toBe(200);
    expect(b64sha(direct.bytes)).toBe(audio['sha256']);
    expect((await fetch(audio['url']!)).status).toBe(401);
    const meta = await h.graph('GET', audio['id']!);
    expect(meta.json).toMatchObject({
      messaging_product: 'whatsapp',
      mime_type: 'audio/ogg; codecs=opus',
      sha256: audio['sha256'],
      id: audio['id'],
    });
    const viaGraph = await download(meta.json['url'] as string);
    expect(b64sha(viaGraph.bytes)).toBe(audio['sha256']);
    // A silent recording (no audio source) as long as the call (3 s), well-formed.
    const pages = parseOggPages(viaGraph.bytes);
    expect(pages.every((p) => p.crcOk)).toBe(true);
    const head = parseOpusHead(oggPackets(pages)[0]!);
    // 3 s of sim clock plus the few real ms the requests took.
    const length = Number(pages.at(-1)!.granule) - head.preSkip;
    expect(length).toBeGreaterThanOrEqual(3 * 48_000);
    expect(length).toBeLessThan(3.5 * 48_000);

    const tdoc = await download(doc['url']!);
    expect(b64sha(tdoc.bytes)).toBe(doc['sha256']);
    const transcript = JSON.parse(tdoc.bytes.toString('utf8')) as {
      metadata: Record<string, unknown>;
      transcript: Record<string, unknown>;
    };
    expect(transcript.metadata).toMatchObject({ audio: { sample_rate: 16000, channels: 2, audio_format: 'stereo' } });
    expect((transcript.metadata['audio'] as { duration: number }).duration).toBeCloseTo(length / 48_000, 2);
    expect(transcript.transcript['language']).toBe('en'); // both enabled: the recording's announcement language
    expect(transcript.transcript['text']).toMatch(/^\[Business\] Hello, this is the business\. We are silent\. \[Customer\] Hi/);

    // 7 days on: gone (Graph 100/33, URL 404).
    const fresh = (await h.graph('GET', audio['id']!)).json['url'] as string;
    h.sim.clock.advance(7 * 24 * 3600_000);
    const gone = await h.graph('GET', audio['id']!);
    expect(gone.status).toBe(400);
    expect(err(gone.json)).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await download(fresh)).status).toBe(404);
  });

  it('a business-initiated call answered by a werift phone: the Ogg/Opus recording holds both tones; the transcript names them', async () => {
    h = await startHarness();
    await h.control('POST', `users/${ANA}/permission`, { response: 'accept', source: 'profile', permanent: true });
    const biz = peer('business', 1000);
    const phone = peer('customer', 440);
    const offer = await biz.createOffer();
    const c = await calls({ to: ANA, action: 'connect', session: { sdp_type: 'offer', sdp: offer }, recording: REC, transcription: REC });
    expect(c.status).toBe(200);
    const id = ((c.json['calls'] as Array<Record<string, unknown>>)[0] ?? {})['id'] as string;
    const answer = await phone.acceptOffer(offer);
    const r = await h.control('POST', `calls/${encodeURIComponent(id)}/answer`, { sdp: answer, pickup: true });
    expect(r.json['audio_source']).toBe(true);
    await biz.applyAnswer(answer);
    await Promise.all([biz.waitForConnected(), phone.waitForConnected()]);
    biz.startSending();
    phone.startSending();
    await phone.waitFor(
      () => phone.receiveStats().audioPackets >= 100 && (phone.recorder?.counts().sent ?? 0) >= 100,
      15_000,
      'audio both ways',
    );
    await h.control('POST', `calls/${encodeURIComponent(id)}/media`, { receiving: true });
    await h.control('POST', `calls/${encodeURIComponent(id)}/hangup`, {});
    h.sim.clock.advance(8_000);
    const rec = await waitFor(() => callEvent(h.rx, id, 'call_recording_available'), 'recording webhook');
    const tr = await waitFor(() => callEvent(h.rx, id, 'call_transcription_available'), 'transcript webhook');
    const rc = (rec['calls'] as Array<Record<string, unknown>>)[0]!;
    // Business-initiated: `from` is still the customer (guess in README).
    expect(rc['from']).toBe(ANA);
    const audio = (rc['call_recording'] as { audio: Record<string, string> }).audio;
    const file = await download(audio['url']!);
    expect(b64sha(file.bytes)).toBe(audio['sha256']);

    // Ogg: capture pattern, version 0, CRCs, BOS/EOS, sequence numbers, OpusHead then OpusTags, granules non-decreasing.
    const pages = parseOggPages(file.bytes);
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.every((p) => p.crcOk && p.version === 0)).toBe(true);
    expect(pages.map((p) => p.seq)).toEqual(pages.map((_, i) => i));
    expect(new Set(pages.map((p) => p.serial)).size).toBe(1);
    expect(pages[0]!.flags).toBe(FLAG_BOS);
    expect(pages.at(-1)!.flags & FLAG_EOS).toBe(FLAG_EOS);
    expect(pages[0]!.granule).toBe(0n);
    expect(pages[1]!.granule).toBe(0n);
    for (let i = 3; i < pages.length; i++) expect(pages[i]!.granule >= pages[i - 1]!.granule).toBe(true);
    const packets = oggPackets(pages);
    const head = parseOpusHead(packets[0]!);
    expect(head).toMatchObject({ version: 1, channels: 2, preSkip: OPUS_PRE_SKIP, inputSampleRate: 48000, mappingFamily: 0 });
    expect(packets[1]!.toString('latin1', 0, 8)).toBe('OpusTags');
    expect(oggPackets([pages[0]!])).toHaveLength(1);
    expect(oggPackets([pages[1]!])).toHaveLength(1);

    // Decode: left = business (1000 Hz), right = customer (440 Hz).
    const dec = createOpusCodec(48000, 2);
    const left: number[] = [];
    const right: number[] = [];
    for (const p of packets.slice(2)) {
      const pcm = dec.decode(p);
      for (let i = 0; i + 3 < pcm.length; i += 4) {
        left.push(pcm.readInt16LE(i) / 32767);
        right.push(pcm.readInt16LE(i + 2) / 32767);
      }
    }
    dec.delete();
    const lengthSamples = Number(pages.at(-1)!.granule) - head.preSkip;
    expect(lengthSamples).toBeGreaterThan(48_000);
    expect(left.length).toBeGreaterThanOrEqual(lengthSamples + head.preSkip);
    const mid = Math.floor(lengthSamples / 2);
    const l = analyzeMono(Float64Array.from(left.slice(mid, mid + 12_000)));
    const rr = analyzeMono(Float64Array.from(right.slice(mid, mid + 12_000)));
    expect(Math.abs(l.frequency - 1000)).toBeLessThanOrEqual(15);
    expect(Math.abs(rr.frequency - 440)).toBeLessThanOrEqual(15);
    expect(l.rms).toBeGreaterThan(0.1);
    expect(rr.rms).toBeGreaterThan(0.1);

    const doc = ((tr['calls'] as Array<Record<string, unknown>>)[0]!['call_transcript'] as { document: Record<string, string> }).document;
    const t = JSON.parse((await download(doc['url']!)).bytes.toString('utf8')) as {
      transcript: { text: string; segments: Array<Record<string, unknown>> };
    };
    expect(t.transcript.text).toBe(
      '[Business] Hello, this is the business speaking on a 1000 hertz tone. [Customer] Hi, this is the customer calling on a 440 hertz tone.',
    );
    expect(t.transcript.segments.map((s) => [s['speaker'], s['channel']])).toEqual([
      ['Business', 0],
      ['Customer', 1],
    ]);
  });

  it('a customer call placed with a werift offer through the control API is recorded with the tones both sides sent', async () => {
    h = await startHarness();
    const phone = peer('customer', 440);
    const biz = peer('business', 1000);
    const offer = await phone.createOffer();
    const id = await userCalls(ANA, { sdp: offer });
    expect(h.sim.calls.get(id)?.capture.audio).toBe(phone.recorder);
    const answer = await biz.acceptOffer(offer);
    expect((await acceptWith(id, { recording: REC }, answer)).status).toBe(200);
    await phone.applyAnswer(answer);
    await Promise.all([biz.waitForConnected(), phone.waitForConnected()]);
    biz.startSending();
    phone.startSending();
    await phone.waitFor(() => phone.receiveStats().audioPackets >= 75, 15_000, 'business audio');
    await h.control('POST', `calls/${encodeURIComponent(id)}/hangup`, {});
    await phone.close(); // the recorder outlives its phone
    h.sim.clock.advance(5_000);
    const rec = await waitFor(() => callEvent(h.rx, id, 'call_recording_available'), 'recording webhook');
    const audio = ((rec['calls'] as Array<Record<string, unknown>>)[0]!['call_recording'] as { audio: Record<string, string> }).audio;
    const packets = oggPackets(parseOggPages((await download(audio['url']!)).bytes));
    const dec = createOpusCodec(48000, 2);
    const mono: number[] = [];
    for (const p of packets.slice(2)) {
      const pcm = dec.decode(p);
      for (let i = 0; i + 3 < pcm.length; i += 4) mono.push((pcm.readInt16LE(i) + pcm.readInt16LE(i + 2)) / 2 / 32767);
    }
    dec.delete();
    const mid = Float64Array.from(mono.slice(Math.floor(mono.length / 2) - 6000, Math.floor(mono.length / 2) + 6000));
    // Mixed: both tones are there (Goertzel at each frequency well above a neighbour).
    const { goertzelPower } = await import('./peer/audio.ts');
    expect(goertzelPower(mid, 440)).toBeGreaterThan(100 * goertzelPower(mid, 700));
    expect(goertzelPower(mid, 1000)).toBeGreaterThan(100 * goertzelPower(mid, 700));
  });

  it('a transcript script set through the control API; builders in test/support match the simulator', async () => {
    h = await startHarness();
    const id = await userCalls();
    const bad = await h.control('POST', `calls/${encodeURIComponent(id)}/transcript`, { lines: [{ speaker: 'agent', text: 'x' }] });
    expect(bad.status).toBe(400);
    const set = await h.control('POST', `calls/${encodeURIComponent(id)}/transcript`, {
      language: 'pt',
      lines: [
        { speaker: 'user', text: 'Oi, quero saber do meu pedido.' },
        { speaker: 'business', text: 'Claro, qual é o número?' },
      ],
    });
    expect(set.status).toBe(200);
    await acceptWith(id, { transcription: { status: 'ENABLED', purpose: 'atendimento', announcement_language: 'pt' } });
    h.sim.clock.advance(10_000);
    await calls({ call_id: id, action: 'terminate' });
    h.sim.clock.advance(8_000);
    const tr = await waitFor(() => callEvent(h.rx, id, 'call_transcription_available'), 'transcript webhook');
    expect(captureEvents('call_recording_available')).toHaveLength(0);
    const item = (tr['calls'] as Array<Record<string, unknown>>)[0]!;
    const doc = (item['call_transcript'] as { document: Record<string, string> }).document;
    const t = JSON.parse((await download(doc['url']!)).bytes.toString('utf8')) as {
      transcript: { text: string; language: string; segments: Array<{ start: number; end: number; words: Array<{ lang: string }> }> };
    };
    expect(t.transcript.language).toBe('pt');
    expect(t.transcript.text).toBe('[Customer] Oi, quero saber do meu pedido. [Business] Claro, qual é o número?');
    for (const s of t.transcript.segments) {
      expect(s.end).toBeGreaterThan(s.start);
      expect(s.end).toBeLessThanOrEqual(10);
      expect(s.words.every((w) => w.lang === 'pt')).toBe(true);
    }
    // The support builders produce the same key set as what the simulator sent.
    const built = callTranscriptionAvailable({
      callId: id,
      mediaId: doc['id']!,
      sha256: doc['sha256']!,
      url: doc['url']!,
      customer: { waId: ANA, userId: 'BR.10000000000000000001' },
    });
    const sent = h.rx.posts.find(
      (p) => p.json.entry[0]?.changes[0]?.value['calls'] && JSON.stringify(p.json).includes('call_transcription_available'),
    )!.json;
    expect(
      keyPaths(built)
        .filter((k) => !k.endsWith('.time'))
        .sort(),
    ).toEqual(
      keyPaths(sent)
        .filter((k) => !k.endsWith('.time'))
        .sort(),
    );
    const rb = callRecordingAvailable({
      callId: id,
      mediaId: '1',
      sha256: 'x',
      url: 'u',
      customer: { waId: ANA, userId: 'BR.1', parentUserId: 'BR.P' },
    });
    const sample = JSON.parse(readFileSync(new URL('webhook-calls-recording-available.json', META), 'utf8')) as unknown;
    expect(keyPaths(rb).sort()).toEqual(keyPaths(sample).sort());
  });
});

describe('capture faults', () => {
  async function recordedCall(): Promise<{ id: string; audio: Record<string, string> }> {
    const id = await userCalls();
    await acceptWith(id, { recording: REC });
    h.sim.clock.advance(2_000);
    await calls({ call_id: id, action: 'terminate' });
    h.sim.clock.advance(5_000);
    const rec = await waitFor(() => callEvent(h.rx, id, 'call_recording_available'), 'recording webhook');
    return {
      id,
      audio: ((rec['calls'] as Array<Record<string, unknown>>)[0]!['call_recording'] as { audio: Record<string, string> }).audio,
    };
  }

  it('download_500 (twice, then fine), graph_error, expired, hash_mismatch; control API validation', async () => {
    h = await startHarness();
    expect((await h.control('PUT', 'capture-faults', { rules: [{ fault: 'nope' }] })).status).toBe(400);
    expect((await h.control('PUT', 'capture-faults', { rules: [{ fault: 'download_500', code: 1 }] })).status).toBe(400);

    await h.control('PUT', 'capture-faults', { rules: [{ asset: 'recording', fault: 'download_500', times: 2 }] });
    const a = await recordedCall();
    expect((await download(a.audio['url']!)).status).toBe(500);
    expect((await download(a.audio['url']!)).status).toBe(500);
    const ok = await download(a.audio['url']!);
    expect(ok.status).toBe(200);
    expect(b64sha(ok.bytes)).toBe(a.audio['sha256']);

    h.sim.calls.capture.faults.add({ fault: 'graph_error', code: 2 });
    const b = await recordedCall();
    const g = await h.graph('GET', b.audio['id']!);
    expect(g.status).toBe(503);
    expect(err(g.json).code).toBe(2);
    expect((await download(b.audio['url']!)).status).toBe(200);

    await h.control('PUT', 'capture-faults', { fault: 'hash_mismatch' });
    const c = await recordedCall();
    const bad = await download(c.audio['url']!);
    expect(bad.status).toBe(200);
    expect(b64sha(bad.bytes)).not.toBe(c.audio['sha256']);
    expect((await h.graph('GET', c.audio['id']!)).json['sha256']).toBe(c.audio['sha256']);

    const d = await recordedCall();
    expect((await h.graph('GET', d.audio['id']!)).status).toBe(200);
    expect((await h.control('PUT', 'capture-faults', { media_id: d.audio['id'], fault: 'expired' })).status).toBe(200);
    const e = await h.graph('GET', d.audio['id']!);
    expect(err(e.json)).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await download(d.audio['url']!)).status).toBe(404);
    expect((await h.control('GET', 'capture-faults')).json['rules']).toEqual([]);
  });
});
