import { describe, expect, it } from 'vitest';
import { metaOfferSdp, randomMetaOfferParams } from './meta-offer.ts';
import { META_OPUS_FMTP, fixAnswerSetup, metaShapeSdp, onlyTelephoneEvent8k } from './phone-peer.ts';

function lines(sdp: string): string[] {
  return sdp.split('\r\n').filter((l) => l !== '');
}

describe('meta-offer.ts (calling-api.md §6.1 shape)', () => {
  for (const [name, sdp] of [
    ['default params', metaOfferSdp()],
    ['random params', metaOfferSdp(randomMetaOfferParams())],
  ] as const) {
    it(`is shaped like Meta's real offer (${name})`, () => {
      expect(sdp.endsWith('\r\n')).toBe(true);
      expect(sdp.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // CRLF only
      const ls = lines(sdp);
      const firstM = ls.findIndex((l) => l.startsWith('m='));
      expect(ls.filter((l) => l.startsWith('m='))).toEqual(['m=audio 3480 UDP/TLS/RTP/SAVPF 111 126']);
      expect(ls.indexOf('a=ice-lite')).toBeGreaterThan(-1);
      expect(ls.indexOf('a=ice-lite')).toBeLessThan(firstM); // session level
      expect(ls).toContain('a=group:BUNDLE audio');
      expect(ls).toContain('a=mid:audio');
      expect(ls).toContain('a=rtcp-mux');
      expect(ls).toContain('a=sendrecv');
      expect(ls).toContain('a=setup:actpass');
      expect(ls).toContain('a=rtpmap:111 opus/48000/2');
      expect(ls).toContain('a=rtcp-fb:111 transport-cc');
      expect(ls).toContain(`a=fmtp:111 ${META_OPUS_FMTP}`);
      expect(ls).toContain('a=rtpmap:126 telephone-event/8000');
      expect(ls).toContain('a=ptime:20');
      expect(ls).toContain('a=maxptime:20');
      expect(ls.some((l) => l.includes('trickle'))).toBe(false);

      const cands = ls.filter((l) => l.startsWith('a=candidate:')).map((l) => l.split(' '));
      expect(cands).toHaveLength(2);
      expect(cands.every((c) => c[2] === 'udp' && c[7] === 'host')).toBe(true);
      expect(cands[0]?.[4]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(cands[1]?.[4]).toContain(':');
      expect(cands[0]?.[5]).toBe(cands[1]?.[5]); // same port

      const ufrag = ls.find((l) => l.startsWith('a=ice-ufrag:'))?.slice('a=ice-ufrag:'.length) ?? '';
      const pwd = ls.find((l) => l.startsWith('a=ice-pwd:'))?.slice('a=ice-pwd:'.length) ?? '';
      expect(ufrag).toMatch(/^[A-Za-z0-9+/]{16}$/);
      expect(pwd).toMatch(/^[A-Za-z0-9+/]{22}==$/);

      const fps = ls.filter((l) => l.startsWith('a=fingerprint:'));
      expect(fps).toHaveLength(1);
      expect(fps[0]).toMatch(/^a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

      // Only the cname ssrc line; the msid is media-level (as Meta's real offers have them).
      const ssrcLines = ls.filter((l) => l.startsWith('a=ssrc:'));
      expect(ssrcLines).toHaveLength(1);
      expect(ssrcLines[0]).toMatch(/^a=ssrc:\d+ cname:WhatsAppAudioStream1$/);
      expect(ls.filter((l) => /^a=msid:\S+ WhatsAppTrack1$/.test(l))).toHaveLength(1);
    });
  }
});

describe('SDP munging helpers', () => {
  it('metaShapeSdp moves ice-lite to session level and applies Meta media attributes', () => {
    const weriftLike = [
      'v=0',
      'o=- 1 0 IN IP4 0.0.0.0',
      's=-',
      't=0 0',
      'a=group:BUNDLE audio',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 126',
      'c=IN IP4 0.0.0.0',
      'a=candidate:1 1 udp 2116026367 127.0.0.1 5000 typ host generation 0',
      'a=end-of-candidates',
      'a=ice-lite',
      'a=ice-options:trickle',
      'a=mid:audio',
      'a=ssrc:42 cname:abc',
      'a=rtpmap:111 opus/48000/2',
      'a=fmtp:111 minptime=10;useinbandfec=1',
      'a=rtpmap:126 telephone-event/8000',
      '',
    ].join('\r\n');
    const ls = lines(metaShapeSdp(weriftLike));
    expect(ls.indexOf('a=ice-lite')).toBe(ls.findIndex((l) => l.startsWith('m=')) - 1);
    expect(ls.filter((l) => l === 'a=ice-lite')).toHaveLength(1);
    expect(ls).not.toContain('a=ice-options:trickle');
    expect(ls).toContain(`a=fmtp:111 ${META_OPUS_FMTP}`);
    expect(ls).toContain('a=ssrc:42 cname:WhatsAppAudioStream1');
    expect(ls.some((l) => /^a=ssrc:42 msid:\S+ WhatsAppTrack1$/.test(l))).toBe(true);
    expect(ls.slice(-2)).toEqual(['a=ptime:20', 'a=maxptime:20']);
  });

  it('onlyTelephoneEvent8k drops telephone-event/48000 from a Chrome offer', () => {
    const chromeLike = [
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 110 126',
      'a=rtpmap:111 opus/48000/2',
      'a=rtpmap:63 red/48000/2',
      'a=fmtp:63 111/111',
      'a=rtpmap:110 telephone-event/48000',
      'a=rtpmap:126 telephone-event/8000',
    ].join('\r\n');
    const out = onlyTelephoneEvent8k(chromeLike);
    expect(out.split('\r\n')).toEqual([
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 126',
      'a=rtpmap:111 opus/48000/2',
      'a=rtpmap:63 red/48000/2',
      'a=fmtp:63 111/111',
      'a=rtpmap:126 telephone-event/8000',
    ]);
  });

  it('fixAnswerSetup treats a stray actpass in an answer as active', () => {
    expect(fixAnswerSetup('a=mid:0\r\na=setup:actpass\r\n')).toBe('a=mid:0\r\na=setup:active\r\n');
    expect(fixAnswerSetup('a=setup:passive\r\n')).toBe('a=setup:passive\r\n');
  });
});

describe("the simulator's own offer (a call without an SDP from the phone)", () => {
  it('carries what real offers carry: IPv4 and IPv6 on one port, media-level msid, the cname ssrc only, a letters-only ufrag, a pwd ending in ==', async () => {
    const { metaLikeOffer } = await import('../sdp.ts');
    const ls = lines(metaLikeOffer());
    const cands = ls.filter((l) => l.startsWith('a=candidate:')).map((l) => l.split(' '));
    expect(cands.map((c) => (c[4]!.includes(':') ? 'v6' : 'v4'))).toEqual(['v4', 'v6']);
    expect(cands[0]![5]).toBe(cands[1]![5]);
    expect(ls.filter((l) => /^a=msid:[0-9a-f-]{36} WhatsAppTrack1$/.test(l))).toHaveLength(1);
    expect(ls.filter((l) => l.startsWith('a=ssrc:'))).toEqual([expect.stringMatching(/^a=ssrc:\d+ cname:WhatsAppAudioStream1$/)]);
    expect(ls.find((l) => l.startsWith('a=ice-ufrag:'))).toMatch(/^a=ice-ufrag:[A-Za-z]{16}$/);
    expect(ls.find((l) => l.startsWith('a=ice-pwd:'))).toMatch(/==$/);
    // SDES mode: keys in a=crypto, no DTLS fingerprint.
    const sdes = lines(metaLikeOffer({ sdes: true }));
    expect(sdes.some((l) => l.startsWith('a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:'))).toBe(true);
    expect(sdes.some((l) => l.startsWith('a=fingerprint:'))).toBe(false);
  });
});
