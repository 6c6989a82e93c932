/**
 * werift phone ↔ werift phone on loopback: SDP shape, two-way tones, mute, DTMF.
 * Assertions are on measured audio and packet counts; waits only poll for those conditions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPhonePeer, rtpmapOf, type PhonePeer, type PhonePeerOptions } from './phone-peer.ts';

const peers: PhonePeer[] = [];
function peer(opts: PhonePeerOptions): PhonePeer {
  const p = createPhonePeer(opts);
  peers.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

function near(freq: number, target: number, tol = 15): boolean {
  return Math.abs(freq - target) <= tol;
}

async function connectPair(
  offererOpts: PhonePeerOptions,
  answererOpts: PhonePeerOptions,
  mangleAnswer: (sdp: string) => string = (s) => s,
): Promise<{ a: PhonePeer; b: PhonePeer; offer: string; answer: string }> {
  const a = peer(offererOpts);
  const b = peer(answererOpts);
  const offer = await a.createOffer();
  const answer = await b.acceptOffer(offer);
  await a.applyAnswer(mangleAnswer(answer));
  await Promise.all([a.waitForConnected(), b.waitForConnected()]);
  return { a, b, offer, answer };
}

function mLines(sdp: string): string[] {
  return sdp.split('\r\n').filter((l) => l.startsWith('m='));
}

describe('werift phone ↔ werift phone (loopback)', () => {
  it('offer/answer carry one m=audio with Opus/111 and telephone-event/8000/126 and 127.0.0.1 candidates only', async () => {
    const a = peer({ label: 'A' });
    const b = peer({ label: 'B' });
    const offer = await a.createOffer();
    const answer = await b.acceptOffer(offer);
    for (const sdp of [offer, answer]) {
      expect(mLines(sdp)).toEqual(['m=audio 9 UDP/TLS/RTP/SAVPF 111 126']);
      const map = rtpmapOf(sdp);
      expect(map.get(111)).toBe('opus/48000/2');
      expect(map.get(126)).toBe('telephone-event/8000');
      const cands = sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
      expect(cands.length).toBeGreaterThan(0);
      expect(cands.every((c) => c.split(' ')[4] === '127.0.0.1')).toBe(true);
      expect(sdp).toMatch(/^a=fingerprint:sha-256 /m);
      expect(new Set([...sdp.matchAll(/^a=ssrc:(\d+) /gm)].map((m) => m[1])).size).toBe(1);
    }
    expect(offer).toMatch(/^a=setup:actpass$/m);
    expect(answer).toMatch(/^a=setup:active$/m);
  });

  it('each side measures the other side’s tone; mute gives silence while packets keep flowing; DTMF 12# arrives', async () => {
    const { a, b } = await connectPair(
      { label: 'A', source: { kind: 'tone', frequency: 440, amplitude: 0.3 } },
      { label: 'B', source: { kind: 'tone', frequency: 1000, amplitude: 0.3 } },
    );
    a.startSending();
    b.startSending();

    await a.waitFor(() => a.receiveStats().audioPackets >= 40 && near(a.analyze(400).frequency, 1000), 15_000, 'A hears 1000 Hz');
    await b.waitFor(() => b.receiveStats().audioPackets >= 40 && near(b.analyze(400).frequency, 440), 15_000, 'B hears 440 Hz');
    const atA = a.analyze(400);
    const atB = b.analyze(400);
    console.info(
      `[peer] A measured ${atA.frequency} Hz rms ${atA.rms.toFixed(3)}; B measured ${atB.frequency} Hz rms ${atB.rms.toFixed(3)}`,
    );
    expect(near(atA.frequency, 1000)).toBe(true);
    expect(near(atB.frequency, 440)).toBe(true);
    expect(atA.rms).toBeGreaterThan(0.1);
    expect(atB.rms).toBeGreaterThan(0.1);
    expect(b.receiveStats().ssrcs).toHaveLength(1);
    expect(b.receiveStats().decodeErrors).toBe(0);

    // mute A: B keeps receiving packets, but of silence
    a.setMuted(true);
    const before = b.receiveStats().audioPackets;
    await b.waitFor(() => b.receiveStats().audioPackets >= before + 40, 15_000, 'packets while muted');
    const muted = b.analyze(300);
    console.info(`[peer] B while A muted: rms ${muted.rms.toExponential(2)}, packets +${b.receiveStats().audioPackets - before}`);
    expect(muted.rms).toBeLessThan(0.005);
    expect(b.receiveStats().audioPackets).toBeGreaterThanOrEqual(before + 40);

    // unmute: tone is back
    a.setMuted(false);
    await b.waitFor(() => near(b.analyze(300).frequency, 440) && b.analyze(300).rms > 0.1, 15_000, 'tone after unmute');

    // DTMF A → B
    await a.sendDtmf('12#');
    const dtmfSent = a.sendStats().dtmfPacketsSent; // sendDtmf resolved: all event packets are out
    await b.waitFor(() => (b.receiveStats().payloadTypes[126] ?? 0) >= dtmfSent, 15_000, 'all DTMF packets');
    expect(b.receivedDigits()).toBe('12#');
    const events = b.dtmfEvents();
    expect(events.map((e) => e.code)).toEqual([1, 2, 11]);
    expect(events.every((e) => e.ended && e.duration === 1280)).toBe(true); // 160 ms at 8 kHz
    expect(b.receiveStats().payloadTypes[126]).toBe(dtmfSent);
    expect(dtmfSent).toBe(3 * (8 + 2)); // 8 packets per 160 ms digit, end packet sent 3×
    // the DTMF went on the same single SSRC as the audio
    expect(b.receiveStats().ssrcs).toHaveLength(1);
  });

  it('Meta-shaped offer: werift as ICE-lite offerer with a=ice-lite/Meta fmtp still connects and carries audio + DTMF', async () => {
    const { a, b, offer } = await connectPair(
      { label: 'meta', metaShaped: true, source: { kind: 'tone', frequency: 700 } },
      { label: 'biz', source: { kind: 'tone', frequency: 1200 } },
    );
    const ls = offer.split('\r\n');
    expect(ls.indexOf('a=ice-lite')).toBeLessThan(ls.findIndex((l) => l.startsWith('m=')));
    expect(ls).toContain('a=group:BUNDLE audio');
    expect(ls).toContain('a=mid:audio');
    expect(ls).toContain('a=ptime:20');
    expect(offer).toMatch(/cname:WhatsAppAudioStream1/);
    expect(offer).toMatch(/^a=fmtp:111 maxaveragebitrate=20000;maxplaybackrate=16000;/m);
    a.startSending();
    b.startSending();
    await b.waitFor(() => near(b.analyze(400).frequency, 700), 15_000, 'biz hears 700 Hz');
    await a.waitFor(() => near(a.analyze(400).frequency, 1200), 15_000, 'meta hears 1200 Hz');
    await b.sendDtmf('9*');
    await a.waitFor(() => a.dtmfEvents().filter((e) => e.ended).length >= 2, 15_000, 'DTMF at meta side');
    expect(a.receivedDigits()).toBe('9*');
  });

  it('applyAnswer tolerates a=setup:actpass in the answer (treated as active)', async () => {
    const { a, b } = await connectPair({ label: 'A', source: { kind: 'tone', frequency: 500 } }, { label: 'B' }, (sdp) =>
      sdp.replace(/^a=setup:active$/m, 'a=setup:actpass'),
    );
    expect(a.state().dtlsState).toBe('connected');
    a.startSending();
    await b.waitFor(() => near(b.analyze(400).frequency, 500), 15_000, 'B hears 500 Hz');
    expect(b.receiveStats().audioPackets).toBeGreaterThan(0);
  });
});
