/**
 * werift phone ↔ headless Debian Chromium on loopback. Chromium's fake mic plays a generated
 * 1000 Hz WAV; the werift phone sends 660 Hz. Each side measures the other (werift: Goertzel on
 * decoded Opus; Chromium: WebAudio AnalyserNode peak bin). Also: Chromium accepts meta-offer.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav, toneSamples } from './audio.ts';
import { chromiumAvailable, launchSimChromium, CHROMIUM_PATH, type ChromiumPeer, type SimChromium } from './chromium-harness.ts';
import { metaOfferSdp, randomMetaOfferParams } from './meta-offer.ts';
import { createPhonePeer, keepCandidatesOn, rtpmapOf, type PhonePeer, type PhonePeerOptions } from './phone-peer.ts';

const CHROMIUM_TONE = 1000;
const WERIFT_TONE = 660;
const TOL = 15;
const LOOPBACK = '127.0.0.1';

const hasChromium = chromiumAvailable();
if (!hasChromium) console.warn(`[chromium] skipping: no Chromium at ${CHROMIUM_PATH}`);

describe.skipIf(!hasChromium)(`werift phone ↔ Chromium (${CHROMIUM_PATH})`, () => {
  let dir = '';
  let sim: SimChromium | null = null;
  const open: { werift: PhonePeer[]; chromium: ChromiumPeer[] } = { werift: [], chromium: [] };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sim-peer-'));
    const wav = join(dir, 'tone-1000hz-48k.wav');
    // 2 s of 1000 Hz = whole cycles, so Chromium's looping playback stays phase-continuous
    writeFileSync(wav, encodeWav(toneSamples({ frequency: CHROMIUM_TONE, amplitude: 0.5 }, 96_000, 1)));
    sim = await launchSimChromium({ fakeAudioWav: wav });
  }, 60_000);

  afterEach(async () => {
    await Promise.all([...open.werift.splice(0).map((p) => p.close()), ...open.chromium.splice(0).map((c) => c.close())]);
  });

  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  async function pair(opts: PhonePeerOptions): Promise<{ w: PhonePeer; c: ChromiumPeer }> {
    if (!sim) throw new Error('Chromium not launched');
    const c = await sim.newPeerPage();
    open.chromium.push(c);
    const w = createPhonePeer({ label: 'werift', source: { kind: 'tone', frequency: WERIFT_TONE, amplitude: 0.3 }, ...opts });
    open.werift.push(w);
    return { w, c };
  }

  async function checkTwoWayAudio(w: PhonePeer, c: ChromiumPeer, tag: string): Promise<void> {
    await w.waitForConnected();
    w.startSending();
    // Chromium → werift
    await w.waitFor(
      () => w.receiveStats().audioPackets >= 25 && Math.abs(w.analyze(400).frequency - CHROMIUM_TONE) <= TOL,
      15_000,
      `werift hears ${CHROMIUM_TONE} Hz`,
    );
    const atWerift = w.analyze(400);
    // werift → Chromium (poll the page)
    let m = await c.measure();
    const deadline = Date.now() + 15_000;
    while (!(m.packetsReceived > 25 && Math.abs(m.frequency - WERIFT_TONE) <= TOL) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      m = await c.measure();
    }
    console.info(
      `[chromium ${tag}] werift measured ${atWerift.frequency} Hz rms ${atWerift.rms.toFixed(3)} (${w.receiveStats().audioPackets} pkts); ` +
        `Chromium measured ${m.frequency.toFixed(1)} Hz peak ${m.peakDb.toFixed(1)} dB (${m.packetsReceived} pkts, ${m.codec}, ctx ${m.sampleRate} Hz)`,
    );
    expect(Math.abs(atWerift.frequency - CHROMIUM_TONE)).toBeLessThanOrEqual(TOL);
    expect(atWerift.rms).toBeGreaterThan(0.05);
    expect(w.receiveStats().ssrcs).toHaveLength(1);
    expect(m.packetsReceived).toBeGreaterThan(25);
    expect(m.codec).toBe('audio/opus/48000');
    expect(Math.abs(m.frequency - WERIFT_TONE)).toBeLessThanOrEqual(TOL);
  }

  it('werift offers, Chromium answers: two-way tones + Chromium DTMF → werift', async () => {
    const { w, c } = await pair({});
    const offer = await w.createOffer();
    const answer = await c.answer(offer);
    expect(answer).toMatch(/^a=setup:active\r?$/m);
    expect(answer.split('\r\n').filter((l) => l.startsWith('m='))).toHaveLength(1);
    await w.applyAnswer(keepCandidatesOn(answer, LOOPBACK));
    await checkTwoWayAudio(w, c, 'werift-offer');

    expect(await c.insertDtmf('12#')).toBe(true);
    await w.waitFor(() => w.dtmfEvents().filter((e) => e.ended).length >= 3, 15_000, 'Chromium DTMF');
    expect(w.receivedDigits()).toBe('12#');
    console.info(`[chromium werift-offer] DTMF from Chromium: ${JSON.stringify(w.dtmfEvents())}`);
  }, 60_000);

  it('Chromium offers, werift answers (telephone-event/8000 only): two-way tones', async () => {
    const { w, c } = await pair({});
    const offer = await c.createOffer();
    expect(rtpmapOf(offer).get(110)).toBe('telephone-event/48000'); // what Chromium offers
    const answer = await w.acceptOffer(keepCandidatesOn(offer, LOOPBACK));
    const map = rtpmapOf(answer);
    expect([...map.values()].filter((c) => c.startsWith('telephone-event'))).toEqual(['telephone-event/8000']);
    expect(map.get(111)).toBe('opus/48000/2');
    await c.applyAnswer(answer);
    await checkTwoWayAudio(w, c, 'chromium-offer');
    expect(await c.insertDtmf('0*')).toBe(true);
    await w.waitFor(() => w.dtmfEvents().filter((e) => e.ended).length >= 2, 15_000, 'Chromium DTMF');
    expect(w.receivedDigits()).toBe('0*');
  }, 60_000);

  it('Meta-shaped werift offer (ICE-lite, Meta fmtp): Chromium answers setup:active and media flows', async () => {
    const { w, c } = await pair({ metaShaped: true });
    const offer = await w.createOffer();
    expect(offer).toMatch(/^a=ice-lite\r?$/m);
    const answer = await c.answer(offer);
    expect(answer).toMatch(/^a=setup:active\r?$/m);
    expect(answer).toMatch(/^a=mid:audio\r?$/m);
    await w.applyAnswer(keepCandidatesOn(answer, LOOPBACK));
    await checkTwoWayAudio(w, c, 'meta-shaped');
  }, 60_000);

  it('Chromium accepts meta-offer.ts (exact Meta shape, ice-pwd ending "==") and answers one m=audio, opus, setup:active', async () => {
    if (!sim) throw new Error('Chromium not launched');
    const c = await sim.newPeerPage();
    open.chromium.push(c);
    for (const sdp of [metaOfferSdp(), metaOfferSdp(randomMetaOfferParams())]) {
      const r = await c.answerOnly(sdp);
      expect(r.error).toBe('');
      expect(r.ok).toBe(true);
      const ls = r.sdp.split('\r\n');
      expect(ls.filter((l) => l.startsWith('m='))).toHaveLength(1);
      expect(ls.find((l) => l.startsWith('m='))).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 111 126$/);
      expect(rtpmapOf(r.sdp).get(111)).toBe('opus/48000/2');
      expect(rtpmapOf(r.sdp).get(126)).toBe('telephone-event/8000');
      expect(ls).toContain('a=setup:active');
      expect(ls).toContain('a=mid:audio');
      expect(ls.filter((l) => l.startsWith('a=fingerprint:'))).toHaveLength(1);
      expect(ls.find((l) => l.startsWith('a=fingerprint:'))).toMatch(/^a=fingerprint:sha-256 /);
    }
  }, 30_000);
});
