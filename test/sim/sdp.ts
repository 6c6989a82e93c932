/**
 * SDP checks the simulated Graph API applies to `session.sdp` (calling-api.md §2.1, §6.1, §6.2),
 * and generators for the SDP Meta's side would produce when no real WebRTC peer supplies one.
 *
 * Rules (refusal → Graph error 100 with `error_data.details`, unless noted):
 *  - non-empty string starting with `v=0`;
 *  - line endings: CRLF required ("SDP lines must end in CRLF", FAQ). LF-only is refused by default;
 *    `lineEndings: 'tolerant'` accepts LF too. (Our choice — Meta's samples are LF only because the
 *    docs are markdown.)
 *  - exactly one `m=` section and it is `m=audio` (no video, no data channel);
 *  - `opus/48000/2` present in the audio section's rtpmap and listed in its formats;
 *  - `a=ice-ufrag` and `a=ice-pwd` present (session or media level) — not required with SDES
 *    (`a=crypto`) — and a DTLS `a=fingerprint:sha-256` plus `a=setup`;
 *  - more than one `a=fingerprint` line → 138008 "SDP Validation error" (guess from the
 *    whatsapp-calling-lab report; UNCONFIRMED), a non-sha-256 single fingerprint → 100;
 *  - an answer may not say `a=setup:actpass` (RFC 5763);
 *  - at most one distinct `a=ssrc` id (single audio SSRC rule, §6.2).
 */
import { randomBytes, randomUUID, randomInt } from 'node:crypto';

export type SdpKind = 'offer' | 'answer';

export interface SdpInfo {
  iceUfrag: string | undefined;
  icePwd: string | undefined;
  fingerprint: string | undefined;
  setup: string | undefined;
  codecs: string[];
}

export type SdpCheck = { ok: true; info: SdpInfo } | { ok: false; code: 100 | 138008; details: string };

export interface SdpOptions {
  lineEndings?: 'crlf' | 'tolerant';
}

function fail(details: string, code: 100 | 138008 = 100): SdpCheck {
  return { ok: false, code, details };
}

export function validateSdp(sdp: unknown, kind: SdpKind, opts: SdpOptions = {}): SdpCheck {
  if (typeof sdp !== 'string' || sdp.trim() === '') return fail('session.sdp must be a non-empty string');
  if (sdp.length > 64_000) return fail('session.sdp is too long');
  const tolerant = opts.lineEndings === 'tolerant';
  if (!tolerant) {
    const bareLf = /(^|[^\r])\n/.test(sdp);
    if (bareLf) return fail('Invalid SDP: lines must end with CRLF (\\r\\n)');
  }
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'v=0') return fail('Invalid SDP: must start with v=0');
  for (const l of lines) {
    if (!/^[a-z]=/.test(l)) return fail(`Invalid SDP line: ${l.slice(0, 40)}`);
  }
  const mIdx = lines.flatMap((l, i) => (l.startsWith('m=') ? [i] : []));
  if (mIdx.length === 0) return fail('Invalid SDP: no media section; exactly one m=audio section is required');
  if (mIdx.length > 1) return fail('Invalid SDP: only one media section (m=audio) is supported');
  const mLine = lines[mIdx[0] ?? 0] ?? '';
  const m = /^m=(\w+) (\d+) (\S+) (.+)$/.exec(mLine);
  if (!m) return fail('Invalid SDP: malformed m= line');
  if (m[1] !== 'audio') return fail(`Invalid SDP: media type ${m[1]} is not supported; only audio`);
  const formats = (m[4] ?? '').trim().split(/\s+/);
  const all = lines;
  const attr = (name: string): string[] => all.filter((l) => l.startsWith(`a=${name}:`)).map((l) => l.slice(name.length + 3).trim());

  const rtpmaps = attr('rtpmap');
  const codecs: string[] = [];
  let opusPt: string | undefined;
  for (const r of rtpmaps) {
    const mm = /^(\d+) ([^/]+)\/(\d+)(?:\/(\d+))?$/.exec(r);
    if (!mm) return fail(`Invalid SDP: malformed rtpmap ${r}`);
    codecs.push(`${mm[2]}/${mm[3]}${mm[4] ? `/${mm[4]}` : ''}`);
    if ((mm[2] ?? '').toLowerCase() === 'opus' && mm[3] === '48000' && mm[4] === '2') opusPt = mm[1];
  }
  if (!opusPt) return fail('Invalid SDP: opus/48000/2 codec is required');
  if (!formats.includes(opusPt)) return fail('Invalid SDP: opus payload type is not listed on the m=audio line');

  const isSdes = attr('crypto').length > 0;
  const ufrag = attr('ice-ufrag')[0];
  const pwd = attr('ice-pwd')[0];
  const fingerprints = attr('fingerprint');
  const setup = attr('setup')[0];
  if (!isSdes) {
    if (!ufrag) return fail('Invalid SDP: a=ice-ufrag is missing');
    if (!pwd) return fail('Invalid SDP: a=ice-pwd is missing');
    if (fingerprints.length === 0) return fail('Invalid SDP: a=fingerprint (sha-256) is missing');
    if (fingerprints.length > 1) return fail('SDP Validation error: only one a=fingerprint line (sha-256) is allowed', 138008);
    const fp = fingerprints[0] ?? '';
    if (!/^sha-256 ([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/.test(fp)) {
      return fail('Invalid SDP: the fingerprint must be sha-256');
    }
    if (!setup) return fail('Invalid SDP: a=setup is missing');
    if (!['active', 'passive', 'actpass'].includes(setup)) return fail(`Invalid SDP: a=setup:${setup} is not valid`);
    if (kind === 'answer' && setup === 'actpass') return fail('Invalid SDP: an answer must use a=setup:active or a=setup:passive');
  }
  const ssrcs = new Set(attr('ssrc').map((s) => s.split(' ')[0]));
  if (ssrcs.size > 1) return fail('Invalid SDP: only a single audio SSRC is supported');

  return { ok: true, info: { iceUfrag: ufrag, icePwd: pwd, fingerprint: fingerprints[0], setup, codecs } };
}

function randomFingerprint(): string {
  return [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

function iceCreds(): { ufrag: string; pwd: string } {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return {
    // Meta's real ice-ufrag is letters only; its ice-pwd base64 with `==` padding (calling-api.md §6.1).
    ufrag: Array.from(randomBytes(16), (b) => letters[b % letters.length]).join(''),
    pwd: randomBytes(16).toString('base64'),
  };
}

/** An IPv6 address in Meta's relay range (documentation-style; never dialled here). */
function metaIpv6(): string {
  return `2a03:2880:f20c:${randomInt(0x100, 0xfff).toString(16)}:face:b00c:0:${randomInt(0x1000, 0xffff).toString(16)}`;
}

/**
 * An offer shaped like Meta's real UIC offer (calling-api.md §6.1), CRLF line endings: IPv4 and
 * IPv6 host candidates on one port, a media-level `a=msid:<uuid> WhatsAppTrack1`, only the
 * `cname` ssrc line, a letters-only ice-ufrag and an ice-pwd ending in `==`. With `sdes` (a number
 * whose `srtp_key_exchange_protocol` is SDES) the keys come in `a=crypto` and there is no DTLS
 * fingerprint — which no browser can answer.
 */
export function metaLikeOffer(opts: { address?: string; port?: number; sdes?: boolean } = {}): string {
  const { ufrag, pwd } = iceCreds();
  const addr = opts.address ?? '31.13.65.60';
  const port = opts.port ?? 3480;
  const ssrc = randomInt(1, 2 ** 31);
  const stream = randomUUID();
  return [
    'v=0',
    `o=- ${randomInt(1, 2 ** 47)} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE audio',
    `a=msid-semantic: WMS ${stream}`,
    'a=ice-lite',
    `m=audio ${port} ${opts.sdes ? 'RTP/SAVPF' : 'UDP/TLS/RTP/SAVPF'} 111 126`,
    `c=IN IP4 ${addr}`,
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=candidate:1972637320 1 udp 2113937151 ${addr} ${port} typ host generation 0 network-cost 50`,
    `a=candidate:1652262791 1 udp 2113939711 ${metaIpv6()} ${port} typ host generation 0 network-cost 50`,
    `a=ice-ufrag:${ufrag}`,
    `a=ice-pwd:${pwd}`,
    ...(opts.sdes
      ? [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${randomBytes(30).toString('base64')}`]
      : [`a=fingerprint:sha-256 ${randomFingerprint()}`, 'a=setup:actpass']),
    'a=mid:audio',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    'a=fmtp:111 maxaveragebitrate=20000;maxplaybackrate=16000;minptime=20;sprop-maxcapturerate=16000;useinbandfec=1',
    'a=rtpmap:126 telephone-event/8000',
    'a=ptime:20',
    'a=maxptime:20',
    `a=msid:${stream} WhatsAppTrack1`,
    `a=ssrc:${ssrc} cname:WhatsAppAudioStream1`,
    '',
  ].join('\r\n');
}

/** An answer shaped like Meta's BIC answer (ice-lite, setup:active), CRLF line endings. */
export function metaLikeAnswer(opts: { address?: string; port?: number; mid?: string } = {}): string {
  const { ufrag, pwd } = iceCreds();
  const addr = opts.address ?? '31.13.65.130';
  const port = opts.port ?? 3482;
  const mid = opts.mid ?? '0';
  const ssrc = randomInt(1, 2 ** 31);
  return [
    'v=0',
    `o=- ${randomInt(1, 2 ** 47)} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mid}`,
    'a=msid-semantic: WMS WhatsAppStream1',
    'a=ice-lite',
    `m=audio ${port} UDP/TLS/RTP/SAVPF 111 126`,
    `c=IN IP4 ${addr}`,
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=candidate:2754936280 1 udp 2113937151 ${addr} ${port} typ host generation 0 network-cost 50`,
    `a=ice-ufrag:${ufrag}`,
    `a=ice-pwd:${pwd}`,
    `a=fingerprint:sha-256 ${randomFingerprint()}`,
    'a=setup:active',
    `a=mid:${mid}`,
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:126 telephone-event/8000',
    `a=ssrc:${ssrc} cname:WhatsAppAudioStream1`,
    '',
  ].join('\r\n');
}

/** A business-side SDP (what a Chromium softphone would send), for tests. */
export function businessLikeSdp(kind: SdpKind, opts: { mid?: string } = {}): string {
  const { ufrag, pwd } = iceCreds();
  const mid = opts.mid ?? '0';
  const ssrc = randomInt(1, 2 ** 31);
  return [
    'v=0',
    `o=- ${randomInt(1, 2 ** 47)} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mid}`,
    'a=msid-semantic: WMS s1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 126',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host generation 0',
    `a=ice-ufrag:${ufrag}`,
    `a=ice-pwd:${pwd}`,
    `a=fingerprint:sha-256 ${randomFingerprint()}`,
    kind === 'offer' ? 'a=setup:actpass' : 'a=setup:active',
    `a=mid:${mid}`,
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:126 telephone-event/8000',
    `a=ssrc:${ssrc} cname:s1`,
    '',
  ].join('\r\n');
}
