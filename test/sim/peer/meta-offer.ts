/**
 * A static SDP offer shaped exactly like Meta's real UIC offer (calling-api.md §6.1):
 * session-level `a=ice-lite`; one `m=audio` (`UDP/TLS/RTP/SAVPF 111 126`); one IPv4 + one IPv6 UDP
 * host candidate on the same port; 16-char ufrag; base64 ice-pwd ending in `==` (not legal ice-chars —
 * libwebrtc only accepts it via a legacy exception, crbug.com/1053756); `a=setup:actpass`; sha-256
 * fingerprint; Opus PT 111 with Meta's fmtp + transport-cc; telephone-event/8000 PT 126;
 * ptime/maxptime 20; one SSRC (`cname:WhatsAppAudioStream1`, `msid:… WhatsAppTrack1`);
 * `a=group:BUNDLE audio` / `a=mid:audio`; rtcp-mux; sendrecv; CRLF line endings.
 *
 * Addresses are Meta's (AS32934) and unreachable here: use it to check that an SDP parser/answerer
 * (Chromium's setRemoteDescription) accepts the shape, not to connect.
 */
import { createHash, randomBytes } from 'node:crypto';
import { META_OPUS_FMTP } from './phone-peer.ts';

export interface MetaOfferParams {
  /** 16 chars of ice-char (default fixed). */
  ufrag: string;
  /** base64 of 16 bytes, ends in '==' (default fixed). */
  pwd: string;
  /** Default 3480. */
  port: number;
  ipv4: string;
  ipv6: string;
  ssrc: number;
  /** 32 colon-separated upper-case hex bytes. */
  fingerprint: string;
  /** The `o=` session id (19 digits). */
  sessionId: string;
  /** The msid stream id (a UUID). */
  streamId: string;
}

export const DEFAULT_META_OFFER_PARAMS: MetaOfferParams = {
  ufrag: 'Yp3hK8sQ/2wLr+Dt',
  pwd: 'F6/jjqL0/8/Dzluc0IoZEQ==',
  port: 3480,
  ipv4: '157.240.229.134',
  ipv6: '2a03:2880:f2ff:cd:face:b00c:0:699c',
  ssrc: 2_845_612_337,
  fingerprint: '5B:0E:1D:9C:7A:33:C4:8F:02:6E:B1:7D:55:A9:E0:14:3C:82:F6:4B:D7:19:AE:60:91:28:CB:73:E5:0A:4D:B6',
  sessionId: '6207542215734912834',
  streamId: '8a3c1f52-7e4b-4d0a-9b61-2f5e8c9d0a17',
};

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Fresh random parameters with the same shape (ufrag 16 ice-chars, pwd base64 '==', etc.). */
export function randomMetaOfferParams(): MetaOfferParams {
  const bytes = randomBytes(16);
  const ufrag = Array.from(randomBytes(16), (b) => ICE_CHARS[b % ICE_CHARS.length] ?? 'A').join('');
  const fp = createHash('sha256').update(randomBytes(32)).digest();
  const sessionId = ((BigInt(`0x${randomBytes(8).toString('hex')}`) % 9_000_000_000_000_000_000n) + 1_000_000_000_000_000_000n).toString();
  const streamHex = randomBytes(16).toString('hex');
  return {
    ...DEFAULT_META_OFFER_PARAMS,
    ufrag,
    pwd: bytes.toString('base64'), // 16 bytes → 24 chars ending in '=='
    ssrc: randomBytes(4).readUInt32BE(0) || 1,
    fingerprint: Array.from(fp, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':'),
    sessionId,
    streamId: `${streamHex.slice(0, 8)}-${streamHex.slice(8, 12)}-${streamHex.slice(12, 16)}-${streamHex.slice(16, 20)}-${streamHex.slice(20, 32)}`,
  };
}

/** The offer as Meta would send it in a `connect` webhook (CRLF line endings, trailing CRLF). */
export function metaOfferSdp(overrides: Partial<MetaOfferParams> = {}): string {
  const p: MetaOfferParams = { ...DEFAULT_META_OFFER_PARAMS, ...overrides };
  const lines = [
    'v=0',
    `o=- ${p.sessionId} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE audio',
    `a=msid-semantic: WMS ${p.streamId}`,
    'a=ice-lite',
    `m=audio ${p.port} UDP/TLS/RTP/SAVPF 111 126`,
    `c=IN IP4 ${p.ipv4}`,
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=candidate:1972637320 1 udp 2113937151 ${p.ipv4} ${p.port} typ host generation 0 network-cost 50`,
    `a=candidate:1652262791 1 udp 2113939711 ${p.ipv6} ${p.port} typ host generation 0 network-cost 50`,
    `a=ice-ufrag:${p.ufrag}`,
    `a=ice-pwd:${p.pwd}`,
    `a=fingerprint:sha-256 ${p.fingerprint}`,
    'a=setup:actpass',
    'a=mid:audio',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    `a=fmtp:111 ${META_OPUS_FMTP}`,
    'a=rtpmap:126 telephone-event/8000',
    'a=ptime:20',
    'a=maxptime:20',
    // As Meta's real offers: the msid at media level, and only the cname ssrc line.
    `a=msid:${p.streamId} WhatsAppTrack1`,
    `a=ssrc:${p.ssrc} cname:WhatsAppAudioStream1`,
  ];
  return `${lines.join('\r\n')}\r\n`;
}
