/**
 * Headless simulated WhatsApp phone: one werift RTCPeerConnection with ONE audio m-line
 * (Opus 48000/2 PT 111 + telephone-event/8000 PT 126), Opus encode/decode with opusscript,
 * RFC 4733 DTMF both ways, and receive-side measurements (packet counts, dominant frequency, RMS).
 *
 * Media is written straight to the DTLS-SRTP transport (`sender.dtlsTransport.sendRtp`) with our own
 * sequence numbers/timestamps on the sender's single SSRC, because werift's `writeRtp` forces the
 * payload type to the first negotiated codec (so PT 126 DTMF could not share the stream).
 * Side effect: werift sends no RTCP sender reports for this stream (receiver reports still flow).
 */
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, type RTCRtpTransceiver, type RtpPacket } from 'werift';
import { OpusCallRecorder, registerCallAudio, unregisterCallAudio } from '../call-audio.ts';
import { createOpusCodec } from './opus.ts';
import {
  FRAME_MS,
  FRAME_SAMPLES,
  SAMPLE_RATE,
  analyzeMono,
  createToneGenerator,
  pcmToBuffer,
  bufferToPcm,
  silenceFrame,
  type AudioAnalysis,
  type ToneGenerator,
  type ToneSpec,
} from './audio.ts';

export const OPUS_PT = 111;
export const DTMF_PT = 126;
/** Meta's Opus fmtp (calling-api.md §6.1). */
export const META_OPUS_FMTP = 'maxaveragebitrate=20000;maxplaybackrate=16000;minptime=20;sprop-maxcapturerate=16000;useinbandfec=1';

const DTMF_CHARS = '0123456789*#ABCD';

export type AudioSource = { kind: 'tone'; frequency: number; amplitude?: number } | { kind: 'silence' };

export interface PhonePeerOptions {
  /** For logs/diagnostics. */
  label?: string;
  /** What to send once `startSending()` is called (default: 440 Hz tone at 0.3 FS). */
  source?: AudioSource;
  /** Host address to bind and advertise (default 127.0.0.1). Other candidates are stripped from SDP. */
  hostAddress?: string;
  /**
   * Make the OFFER look like Meta's: werift runs as ICE-lite (controlled), the SDP gets session-level
   * `a=ice-lite`, Meta's Opus fmtp, `a=ptime:20`/`a=maxptime:20`, and `cname:WhatsAppAudioStream1` /
   * `msid:… WhatsAppTrack1`. Only meaningful for `createOffer()`.
   */
  metaShaped?: boolean;
  /** Ring buffer of decoded audio kept for analysis, ms (default 2000). */
  historyMs?: number;
  /** Cap on ICE gathering wait, ms (default 10000). */
  gatherTimeoutMs?: number;
  /**
   * Keep the Opus packets sent and received (default true) and offer them to an in-process
   * simulator as the call's audio (call-audio.ts): its call recordings are made of them.
   */
  record?: boolean;
}

export interface DtmfEvent {
  digit: string;
  /** RFC 4733 event code. */
  code: number;
  /** RTP timestamp of the event (identifies it). */
  timestamp: number;
  /** Longest duration seen, in 8 kHz timestamp units. */
  duration: number;
  /** An end-bit packet was received. */
  ended: boolean;
  volume: number;
}

export interface ReceiveStats {
  /** All RTP packets received on the audio transceiver (audio + DTMF + other). */
  packetsReceived: number;
  /** RTP payload bytes received. */
  bytesReceived: number;
  audioPackets: number;
  dtmfPackets: number;
  decodeErrors: number;
  /** `Date.now()` of the first RTP packet, or null. */
  firstPacketAt: number | null;
  lastPacketAt: number | null;
  payloadTypes: Record<number, number>;
  ssrcs: number[];
}

export interface SendStats {
  packetsSent: number;
  audioPacketsSent: number;
  dtmfPacketsSent: number;
  bytesSent: number;
  ssrc: number;
}

export interface PeerState {
  iceConnectionState: string;
  iceGatheringState: string;
  connectionState: string;
  /** DTLS transport state of the audio sender ('new' before negotiation). */
  dtlsState: string;
  signalingState: string;
}

export interface DtmfSendOptions {
  /** Tone duration, ms (default 160). */
  durationMs?: number;
  /** Pause between digits, ms (default 80). */
  gapMs?: number;
  /** RFC 4733 volume (0..63, -dBm0; default 10). */
  volume?: number;
}

export interface PhonePeer {
  readonly label: string;
  /** The underlying werift connection (for diagnostics). */
  readonly pc: RTCPeerConnection;
  /** What this phone sent and heard (Opus packets), for call recordings; null with `record: false`. */
  readonly recorder: OpusCallRecorder | null;
  /** Full offer SDP after ICE gathering has completed (no trickle). */
  createOffer(): Promise<string>;
  /** Apply a remote offer; returns the full answer SDP after gathering. */
  acceptOffer(sdp: string): Promise<string>;
  /** Apply a remote answer (a stray `a=setup:actpass` is treated as `active`). */
  applyAnswer(sdp: string): Promise<void>;
  /** Resolve when ICE+DTLS are connected (rejects on failure/timeout). */
  waitForConnected(timeoutMs?: number): Promise<void>;
  /** Start the 20 ms packet clock, optionally switching the source. */
  startSending(source?: AudioSource): void;
  stopSending(): void;
  setSource(source: AudioSource): void;
  /** Muted = keep sending packets, but of silence. */
  setMuted(muted: boolean): void;
  readonly sending: boolean;
  readonly muted: boolean;
  /** RFC 4733 digits (0-9 * # A-D), resolves after the last end packet. */
  sendDtmf(digits: string, opts?: DtmfSendOptions): Promise<void>;
  /** Dominant frequency and RMS of the last `windowMs` of decoded audio (default 500 ms). */
  analyze(windowMs?: number): AudioAnalysis;
  receiveStats(): ReceiveStats;
  sendStats(): SendStats;
  dtmfEvents(): DtmfEvent[];
  /** Digits received so far, in order (one per event). */
  receivedDigits(): string;
  state(): PeerState;
  /** Resolve when `cond()` holds (polled every 50 ms), reject after `timeoutMs`. */
  waitFor(cond: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

/** Map of payload type → lowercased `name/clock` from an SDP's rtpmap lines. */
export function rtpmapOf(sdp: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const m of sdp.matchAll(/^a=rtpmap:(\d+) ([^\r\n]+)/gm)) {
    map.set(Number(m[1]), (m[2] ?? '').toLowerCase());
  }
  return map;
}

function normalizeCrlf(sdp: string): string {
  return sdp.replace(/\r?\n/g, '\r\n');
}

/** Keep only `host` candidates on `address` (werift also advertises the machine's other interfaces). */
export function keepCandidatesOn(sdp: string, address: string): string {
  const lines = sdp.split(/\r\n/);
  return lines
    .filter((l) => {
      if (!l.startsWith('a=candidate:')) return true;
      const parts = l.split(' ');
      return parts[4] === address;
    })
    .join('\r\n');
}

/**
 * Drop `telephone-event` payload types whose clock is not 8000 from an SDP. Needed before werift
 * answers a Chromium offer: werift 0.25.2 matches remote codecs by MIME type only (clock rate
 * ignored), so it would answer with Chromium's `telephone-event/48000` (PT 110), which Meta forbids.
 */
export function onlyTelephoneEvent8k(sdp: string): string {
  const drop = new Set<string>();
  for (const m of sdp.matchAll(/^a=rtpmap:(\d+) telephone-event\/(\d+)/gim)) {
    if (m[2] !== '8000' && m[1]) drop.add(m[1]);
  }
  if (drop.size === 0) return sdp;
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(/\r?\n/)
    .filter((l) => {
      const attr = /^a=(rtpmap|fmtp|rtcp-fb):(\d+)[ \s]/.exec(l);
      return !(attr && drop.has(attr[2] ?? ''));
    })
    .map((l) => {
      if (!l.startsWith('m=')) return l;
      const parts = l.split(' ');
      return [...parts.slice(0, 3), ...parts.slice(3).filter((pt) => !drop.has(pt))].join(' ');
    })
    .join(eol);
}

/** Rewrite an answer's `a=setup:actpass` to `a=setup:active` (what Chatwoot does for Meta's answers). */
export function fixAnswerSetup(sdp: string): string {
  return sdp.replace(/^a=setup:actpass$/gm, 'a=setup:active');
}

/**
 * Make a werift offer look like Meta's (see `PhonePeerOptions.metaShaped`): `a=ice-lite` moved to
 * session level (werift writes it at media level), no `a=ice-options:trickle`/`a=end-of-candidates`, Meta's Opus fmtp,
 * `a=ptime:20`/`a=maxptime:20`, SSRC `cname:WhatsAppAudioStream1` + `msid:<stream> WhatsAppTrack1`.
 */
export function metaShapeSdp(sdp: string): string {
  let lines = normalizeCrlf(sdp)
    .split('\r\n')
    .filter((l) => l !== 'a=ice-lite' && l !== 'a=ice-options:trickle' && l !== 'a=end-of-candidates' && !/^a=(ptime|maxptime):/.test(l));
  const firstM = lines.findIndex((l) => l.startsWith('m='));
  if (firstM >= 0) lines.splice(firstM, 0, 'a=ice-lite');
  const streamId = `${Math.random().toString(16).slice(2, 10)}-meta-sim`;
  const ssrcs = new Set<string>();
  lines = lines.map((l) => {
    if (l.startsWith('a=fmtp:111 ')) return `a=fmtp:${OPUS_PT} ${META_OPUS_FMTP}`;
    const cname = /^a=ssrc:(\d+) cname:/.exec(l);
    if (cname) {
      ssrcs.add(cname[1] ?? '');
      return `a=ssrc:${cname[1]} cname:WhatsAppAudioStream1`;
    }
    const msid = /^a=ssrc:(\d+) msid:(\S+)/.exec(l);
    if (msid) return `a=ssrc:${msid[1]} msid:${msid[2]} WhatsAppTrack1`;
    return l;
  });
  if (!lines.some((l) => l.startsWith('a=fmtp:111 '))) {
    const i = lines.findIndex((l) => l.startsWith('a=rtpmap:111 '));
    if (i >= 0) lines.splice(i + 1, 0, `a=fmtp:${OPUS_PT} ${META_OPUS_FMTP}`);
  }
  if (!lines.some((l) => /^a=ssrc:\d+ msid:/.test(l))) {
    for (const ssrc of ssrcs) {
      const i = lines.findIndex((l) => l.startsWith(`a=ssrc:${ssrc} cname:`));
      lines.splice(i + 1, 0, `a=ssrc:${ssrc} msid:${streamId} WhatsAppTrack1`);
    }
  }
  let lastCodecLine = -1;
  lines.forEach((l, i) => {
    if (/^a=(rtpmap|fmtp|rtcp-fb):/.test(l)) lastCodecLine = i;
  });
  if (lastCodecLine >= 0) lines.splice(lastCodecLine + 1, 0, 'a=ptime:20', 'a=maxptime:20');
  return lines.join('\r\n');
}

function parseDtmfPayload(payload: Buffer): { code: number; end: boolean; volume: number; duration: number } | null {
  if (payload.length < 4) return null;
  const b1 = payload[1] ?? 0;
  return {
    code: payload[0] ?? 0,
    end: (b1 & 0x80) !== 0,
    volume: b1 & 0x3f,
    duration: payload.readUInt16BE(2),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function rand32(): number {
  return Math.floor(Math.random() * 0xffffffff) >>> 0;
}

export function createPhonePeer(opts: PhonePeerOptions = {}): PhonePeer {
  const label = opts.label ?? 'phone';
  const hostAddress = opts.hostAddress ?? '127.0.0.1';
  const historySamples = Math.round(((opts.historyMs ?? 2000) / 1000) * SAMPLE_RATE);
  const gatherTimeoutMs = opts.gatherTimeoutMs ?? 10_000;
  const metaShaped = opts.metaShaped ?? false;
  const recorder = opts.record === false ? null : new OpusCallRecorder();

  const pc = new RTCPeerConnection({
    codecs: {
      audio: [
        new RTCRtpCodecParameters({
          mimeType: 'audio/opus',
          clockRate: 48000,
          channels: 2,
          payloadType: OPUS_PT,
          rtcpFeedback: [{ type: 'transport-cc' }],
          parameters: 'minptime=10;useinbandfec=1',
        }),
        new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, payloadType: DTMF_PT }),
      ],
      video: [],
    },
    headerExtensions: { audio: [], video: [] },
    iceLite: metaShaped,
    iceUseIpv4: true,
    iceUseIpv6: false,
    // werift quirk: loopback is never a gathered host address (it is "internal"), and an interface
    // filter that matches nothing falls back to ALL interfaces. So: bind every UDP socket to
    // hostAddress, add hostAddress as an extra host candidate, only pair from it, and strip the other
    // (unreachable, socket bound to loopback) candidates from the SDP we hand out.
    iceInterfaceAddresses: { udp4: hostAddress },
    iceAdditionalHostAddresses: [hostAddress],
    iceFilterCandidatePair: (pair) => pair.localCandidate.host === hostAddress,
  });

  // --- codecs ---------------------------------------------------------------------------------
  const encoder = createOpusCodec(48000, 2);
  encoder.setBitrate(32000);
  const decoder = createOpusCodec(48000, 2);

  // --- receive state ----------------------------------------------------------------------------
  const history = new Float64Array(historySamples);
  let historyWrite = 0;
  let historyFilled = 0;
  const rx: ReceiveStats = {
    packetsReceived: 0,
    bytesReceived: 0,
    audioPackets: 0,
    dtmfPackets: 0,
    decodeErrors: 0,
    firstPacketAt: null,
    lastPacketAt: null,
    payloadTypes: {},
    ssrcs: [],
  };
  const dtmfByTs = new Map<number, DtmfEvent>();
  const dtmfOrder: DtmfEvent[] = [];
  let remotePtMap = new Map<number, string>();

  function pushPcm(pcm: Int16Array, channels: number): void {
    const n = Math.floor(pcm.length / channels);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < channels; c++) s += pcm[i * channels + c] ?? 0;
      history[historyWrite] = s / channels / 32767;
      historyWrite = (historyWrite + 1) % historySamples;
    }
    historyFilled = Math.min(historySamples, historyFilled + n);
  }

  function onRtp(packet: RtpPacket): void {
    const { header, payload } = packet;
    const now = Date.now();
    rx.packetsReceived++;
    rx.bytesReceived += payload.length;
    rx.firstPacketAt ??= now;
    rx.lastPacketAt = now;
    rx.payloadTypes[header.payloadType] = (rx.payloadTypes[header.payloadType] ?? 0) + 1;
    if (!rx.ssrcs.includes(header.ssrc)) rx.ssrcs.push(header.ssrc);
    const codec = remotePtMap.get(header.payloadType) ?? '';
    if (codec.startsWith('telephone-event/') || (codec === '' && header.payloadType === DTMF_PT)) {
      rx.dtmfPackets++;
      const ev = parseDtmfPayload(payload);
      if (!ev) return;
      let known = dtmfByTs.get(header.timestamp);
      if (!known) {
        known = {
          digit: DTMF_CHARS[ev.code] ?? '?',
          code: ev.code,
          timestamp: header.timestamp,
          duration: ev.duration,
          ended: ev.end,
          volume: ev.volume,
        };
        dtmfByTs.set(header.timestamp, known);
        dtmfOrder.push(known);
      } else {
        known.duration = Math.max(known.duration, ev.duration);
        known.ended ||= ev.end;
      }
      return;
    }
    if (codec.startsWith('opus/') || (codec === '' && header.payloadType === OPUS_PT)) {
      rx.audioPackets++;
      recorder?.recordReceived(header.ssrc, header.timestamp, payload, now);
      try {
        const pcm = bufferToPcm(decoder.decode(payload));
        pushPcm(pcm, 2);
      } catch {
        rx.decodeErrors++;
      }
    }
  }

  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe((packet) => onRtp(packet));
  });

  // --- send state -------------------------------------------------------------------------------
  const localTrack = new MediaStreamTrack({ kind: 'audio' });
  let transceiver: RTCRtpTransceiver | null = null;
  let source: AudioSource = opts.source ?? { kind: 'tone', frequency: 440, amplitude: 0.3 };
  let toneGen: ToneGenerator | null = null;
  let sending = false;
  let muted = false;
  let seq = rand32() & 0xffff;
  let rtpTs = rand32();
  let firstPacket = true;
  let clock: NodeJS.Timeout | null = null;
  let clockStart = 0;
  let clockStoppedAt: number | null = null;
  let ticks = 0;
  let sendOpusPt = OPUS_PT;
  let sendDtmfPt = DTMF_PT;
  const tx: SendStats = { packetsSent: 0, audioPacketsSent: 0, dtmfPacketsSent: 0, bytesSent: 0, ssrc: 0 };
  interface DtmfJob {
    code: number;
    frames: number;
    gapFrames: number;
    volume: number;
    done: () => void;
  }
  const dtmfQueue: DtmfJob[] = [];
  let dtmfActive: { job: DtmfJob; startTs: number; frame: number; endSent: number; gapLeft: number } | null = null;
  let closed = false;

  function toneFor(src: AudioSource): ToneGenerator | null {
    if (src.kind !== 'tone') return null;
    const spec: ToneSpec = { frequency: src.frequency, amplitude: src.amplitude ?? 0.3 };
    return createToneGenerator(spec, 2);
  }
  toneGen = toneFor(source);

  function ensureTransceiver(): RTCRtpTransceiver {
    if (transceiver) return transceiver;
    transceiver = pc.addTransceiver(localTrack, { direction: 'sendrecv' });
    // Meta uses `a=mid:audio` / `a=group:BUNDLE audio`; werift keeps a preset mid.
    if (metaShaped) transceiver.mid = 'audio';
    return transceiver;
  }

  function writeRtp(pt: number, payload: Buffer, marker: boolean, timestamp: number): boolean {
    const t = transceiver;
    if (!t) return false;
    const dtls = t.sender.dtlsTransport;
    if (!dtls || dtls.state !== 'connected') return false;
    const header = new RtpHeader({
      payloadType: pt,
      sequenceNumber: seq,
      timestamp: timestamp >>> 0,
      ssrc: t.sender.ssrc,
      marker,
    });
    seq = (seq + 1) & 0xffff;
    tx.packetsSent++;
    tx.bytesSent += payload.length;
    tx.ssrc = t.sender.ssrc;
    void dtls.sendRtp(payload, header);
    return true;
  }

  function nextAudioFrame(): Int16Array {
    if (muted || !toneGen) {
      toneGen?.next(); // keep phase running
      return silenceFrame(2);
    }
    return toneGen.next();
  }

  function tick(): void {
    // Called once per 20 ms frame slot.
    const frameTs = rtpTs;
    advanceTimestamp(1);
    if (!dtmfActive && dtmfQueue.length > 0) {
      const job = dtmfQueue.shift();
      if (job) dtmfActive = { job, startTs: frameTs, frame: 0, endSent: 0, gapLeft: job.gapFrames };
    }
    if (dtmfActive) {
      const d = dtmfActive;
      if (d.frame < d.job.frames || d.endSent < 3) {
        const isEnd = d.frame >= d.job.frames - 1;
        const durationFrames = Math.min(d.frame + 1, d.job.frames);
        const duration = Math.min(0xffff, durationFrames * 160); // 8 kHz units per 20 ms
        const payload = Buffer.alloc(4);
        payload[0] = d.job.code;
        payload[1] = (isEnd ? 0x80 : 0) | (d.job.volume & 0x3f);
        payload.writeUInt16BE(duration, 2);
        if (writeRtp(sendDtmfPt, payload, d.frame === 0, d.startTs)) tx.dtmfPacketsSent++;
        if (isEnd) d.endSent++;
        d.frame++;
        return;
      }
      if (d.gapLeft > 0) {
        d.gapLeft--;
      } else {
        dtmfActive = null;
        d.job.done();
      }
      // fall through: audio during the inter-digit gap
    }
    if (!sending) return;
    const frame = nextAudioFrame();
    const opus = encoder.encode(pcmToBuffer(frame), FRAME_SAMPLES);
    if (writeRtp(sendOpusPt, opus, firstPacket, frameTs)) {
      firstPacket = false;
      tx.audioPacketsSent++;
      recorder?.recordSent(tx.ssrc, frameTs, opus);
    }
  }

  function advanceTimestamp(frames: number): void {
    rtpTs = (rtpTs + frames * FRAME_SAMPLES) >>> 0;
  }

  function ensureClock(): void {
    if (clock || closed) return;
    clockStart = performance.now();
    // RTP time keeps running while we are not sending (as a real sender's clock would)
    if (clockStoppedAt !== null) advanceTimestamp(Math.floor((clockStart - clockStoppedAt) / FRAME_MS));
    clockStoppedAt = null;
    ticks = 0;
    clock = setInterval(() => {
      const due = Math.floor((performance.now() - clockStart) / FRAME_MS) + 1;
      // catch up after timer stalls, but never burst more than 5 frames (skipped slots still advance RTP time)
      if (due - ticks > 5) {
        advanceTimestamp(due - 5 - ticks);
        ticks = due - 5;
      }
      while (ticks < due) {
        ticks++;
        tick();
      }
      if (!sending && !dtmfActive && dtmfQueue.length === 0) stopClock();
    }, 5);
  }

  function stopClock(): void {
    if (clock) {
      clearInterval(clock);
      clockStoppedAt = performance.now();
    }
    clock = null;
  }

  // --- signaling ----------------------------------------------------------------------------------
  async function waitGathering(): Promise<void> {
    if (pc.iceGatheringState === 'complete') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        sub.unSubscribe();
        resolve();
      }, gatherTimeoutMs);
      const sub = pc.iceGatheringStateChange.subscribe((s) => {
        if (s === 'complete') {
          clearTimeout(timer);
          sub.unSubscribe();
          resolve();
        }
      });
      if (pc.iceGatheringState === 'complete') {
        clearTimeout(timer);
        sub.unSubscribe();
        resolve();
      }
    });
  }

  function localSdp(): string {
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error(`${label}: no local description`);
    return keepCandidatesOn(normalizeCrlf(sdp), hostAddress);
  }

  function learnRemote(sdp: string): void {
    remotePtMap = rtpmapOf(sdp);
    for (const [pt, codec] of remotePtMap) {
      if (codec.startsWith('opus/48000')) {
        sendOpusPt = pt;
        break;
      }
    }
    for (const [pt, codec] of remotePtMap) {
      if (codec === 'telephone-event/8000') {
        sendDtmfPt = pt;
        break;
      }
    }
  }

  const peer: PhonePeer = {
    label,
    pc,
    recorder,
    async createOffer(): Promise<string> {
      ensureTransceiver();
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      await waitGathering();
      const sdp = localSdp();
      if (recorder) registerCallAudio(sdp, recorder);
      return metaShaped ? metaShapeSdp(sdp) : sdp;
    },
    async acceptOffer(offerSdp: string): Promise<string> {
      const sdp = onlyTelephoneEvent8k(offerSdp);
      learnRemote(sdp);
      await pc.setRemoteDescription({ type: 'offer', sdp });
      const t = pc.getTransceivers().find((x) => x.kind === 'audio');
      if (!t) throw new Error(`${label}: offer has no audio m-line`);
      transceiver = t;
      t.setDirection('sendrecv');
      await t.sender.replaceTrack(localTrack);
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await waitGathering();
      const out = localSdp();
      if (recorder) registerCallAudio(out, recorder);
      return out;
    },
    async applyAnswer(sdp: string): Promise<void> {
      const fixed = fixAnswerSetup(sdp);
      learnRemote(fixed);
      await pc.setRemoteDescription({ type: 'answer', sdp: fixed });
    },
    async waitForConnected(timeoutMs = 15_000): Promise<void> {
      await peer.waitFor(
        () => {
          const s = peer.state();
          if (s.connectionState === 'failed' || s.iceConnectionState === 'failed') {
            throw new Error(`${label}: connection failed (${JSON.stringify(s)})`);
          }
          return s.connectionState === 'connected' && s.dtlsState === 'connected';
        },
        timeoutMs,
        'ICE+DTLS connected',
      );
    },
    startSending(src?: AudioSource): void {
      if (src) peer.setSource(src);
      sending = true;
      ensureClock();
    },
    stopSending(): void {
      sending = false;
    },
    setSource(src: AudioSource): void {
      source = src;
      toneGen = toneFor(source);
    },
    setMuted(m: boolean): void {
      muted = m;
    },
    get sending(): boolean {
      return sending;
    },
    get muted(): boolean {
      return muted;
    },
    sendDtmf(digits: string, o: DtmfSendOptions = {}): Promise<void> {
      const frames = Math.max(1, Math.round((o.durationMs ?? 160) / FRAME_MS));
      const gapFrames = Math.max(0, Math.round((o.gapMs ?? 80) / FRAME_MS));
      const volume = o.volume ?? 10;
      const jobs: Promise<void>[] = [];
      for (const ch of digits.toUpperCase()) {
        const code = DTMF_CHARS.indexOf(ch);
        if (code < 0) throw new Error(`${label}: invalid DTMF digit ${JSON.stringify(ch)}`);
        jobs.push(new Promise<void>((done) => dtmfQueue.push({ code, frames, gapFrames, volume, done })));
      }
      ensureClock();
      return Promise.all(jobs).then(() => undefined);
    },
    analyze(windowMs = 500): AudioAnalysis {
      const want = Math.min(historyFilled, Math.round((windowMs / 1000) * SAMPLE_RATE));
      const out = new Float64Array(want);
      let idx = (historyWrite - want + historySamples) % historySamples;
      for (let i = 0; i < want; i++) {
        out[i] = history[idx] ?? 0;
        idx = (idx + 1) % historySamples;
      }
      return analyzeMono(out);
    },
    receiveStats(): ReceiveStats {
      return { ...rx, payloadTypes: { ...rx.payloadTypes }, ssrcs: [...rx.ssrcs] };
    },
    sendStats(): SendStats {
      return { ...tx };
    },
    dtmfEvents(): DtmfEvent[] {
      return dtmfOrder.map((e) => ({ ...e }));
    },
    receivedDigits(): string {
      return dtmfOrder.map((e) => e.digit).join('');
    },
    state(): PeerState {
      return {
        iceConnectionState: pc.iceConnectionState,
        iceGatheringState: pc.iceGatheringState,
        connectionState: pc.connectionState,
        dtlsState: transceiver?.sender.dtlsTransport?.state ?? 'new',
        signalingState: pc.signalingState,
      };
    },
    async waitFor(cond: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!cond()) {
        if (Date.now() > deadline) {
          throw new Error(`${label}: timed out after ${timeoutMs} ms waiting for ${what} (${JSON.stringify(peer.state())})`);
        }
        await sleep(50);
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      sending = false;
      // The recorder stays with any call that took it; only the lookup by SDP goes.
      if (recorder) unregisterCallAudio(recorder);
      stopClock();
      for (const job of dtmfQueue.splice(0)) job.done();
      if (dtmfActive) dtmfActive.job.done();
      dtmfActive = null;
      await pc.close().catch(() => undefined);
      encoder.delete();
      decoder.delete();
    },
  };
  return peer;
}
