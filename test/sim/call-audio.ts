/**
 * A call's audio, for the simulator's call recordings and transcripts (capture.ts).
 *
 * The simulator never touches media: the phones do. A phone that runs in the same process as the
 * simulator (the werift phone in peer/phone-peer.ts) records the Opus packets it sends and receives
 * (`OpusCallRecorder`) and registers the recorder under the `a=ice-ufrag` of the SDP it hands out.
 * When a call is created from that SDP (a user's offer through `POST /_sim/users/:key/call`, or a
 * phone's answer to a business-initiated call through `POST /_sim/calls/:id/answer`), the simulator
 * looks the ufrag up and keeps the recorder as the call's audio source. Tests need no extra step;
 * `sim.calls.attachAudio(callId, source)` attaches any other source by hand.
 *
 * The registry lives on `globalThis` (under a `Symbol.for` key) so that two copies of this module
 * in one process still share it. A phone in another process (the Chromium phone page) registers
 * nothing: its calls are recorded as silence.
 */
import { createOpusCodec } from './peer/opus.ts';

export const CAPTURE_RATE = 48_000;

/** Mono 48 kHz int16 PCM of each side of a call between two real-time instants. */
export interface CallAudio {
  /** What the business said: the audio the customer's phone received. */
  business: Int16Array;
  /** What the customer said: the audio the customer's phone sent. */
  customer: Int16Array;
}

export interface CallAudioSource {
  /** The audio between `fromMs` and `toMs` (ms since the epoch, real time), `(toMs-fromMs)·48` samples per side. */
  pcm(fromMs: number, toMs: number): CallAudio;
}

const REGISTRY_KEY = Symbol.for('switchboard.sim.callAudioSources');

function registry(): Map<string, CallAudioSource> {
  const g = globalThis as unknown as Record<symbol, Map<string, CallAudioSource> | undefined>;
  let m = g[REGISTRY_KEY];
  if (!m) g[REGISTRY_KEY] = m = new Map();
  return m;
}

/** The `a=ice-ufrag` of an SDP (the first one), or undefined. */
export function iceUfragOf(sdp: string): string | undefined {
  return /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1];
}

/** A phone announces the audio source behind an SDP it hands out (keyed by its ICE ufrag). */
export function registerCallAudio(sdp: string, source: CallAudioSource): void {
  const ufrag = iceUfragOf(sdp);
  if (ufrag) registry().set(ufrag, source);
}

export function unregisterCallAudio(source: CallAudioSource): void {
  const m = registry();
  for (const [k, v] of m) if (v === source) m.delete(k);
}

/** The audio source registered for an SDP's ICE ufrag in this process, if any. */
export function findCallAudio(sdp: string | undefined): CallAudioSource | undefined {
  const ufrag = sdp ? iceUfragOf(sdp) : undefined;
  return ufrag ? registry().get(ufrag) : undefined;
}

interface Recorded {
  /** RTP timestamp (48 kHz units). */
  ts: number;
  payload: Buffer;
}

interface Track {
  /** Real time (ms) of the first packet and its RTP timestamp: the anchor of this track's timeline. */
  anchorAt: number;
  anchorTs: number;
  ssrc: number;
  packets: Recorded[];
}

/**
 * Records a phone's Opus packets both ways (payloads and RTP timestamps only: about 4 KB/s a
 * direction) and decodes them on demand into each side's timeline. Packets are placed by RTP
 * timestamp from the first packet's arrival, so network jitter does not smear the audio. A new
 * SSRC starts a new track. At most `maxMs` of audio is kept per direction (oldest dropped).
 */
export class OpusCallRecorder implements CallAudioSource {
  private readonly sent: Track[] = [];
  private readonly received: Track[] = [];
  private readonly maxPackets: number;

  constructor(opts: { maxMs?: number } = {}) {
    this.maxPackets = Math.ceil((opts.maxMs ?? 3_600_000) / 20);
  }

  recordSent(ssrc: number, ts: number, payload: Buffer, at = Date.now()): void {
    this.push(this.sent, ssrc, ts, payload, at);
  }

  recordReceived(ssrc: number, ts: number, payload: Buffer, at = Date.now()): void {
    this.push(this.received, ssrc, ts, payload, at);
  }

  /** Packets kept so far (sent, received). */
  counts(): { sent: number; received: number } {
    const n = (ts: Track[]) => ts.reduce((a, t) => a + t.packets.length, 0);
    return { sent: n(this.sent), received: n(this.received) };
  }

  pcm(fromMs: number, toMs: number): CallAudio {
    const samples = Math.max(0, Math.round(((toMs - fromMs) * CAPTURE_RATE) / 1000));
    return { business: decodeTracks(this.received, fromMs, samples), customer: decodeTracks(this.sent, fromMs, samples) };
  }

  private push(tracks: Track[], ssrc: number, ts: number, payload: Buffer, at: number): void {
    let t = tracks[tracks.length - 1];
    if (!t || t.ssrc !== ssrc) {
      t = { anchorAt: at, anchorTs: ts >>> 0, ssrc, packets: [] };
      tracks.push(t);
    }
    t.packets.push({ ts: ts >>> 0, payload: Buffer.from(payload) });
    let total = tracks.reduce((a, x) => a + x.packets.length, 0);
    while (total > this.maxPackets && tracks[0]) {
      tracks[0].packets.shift();
      total--;
      if (tracks[0].packets.length === 0) tracks.shift();
    }
  }
}

/** Decodes tracks (stereo Opus, averaged to mono) into `samples` samples starting at real time `fromMs`. */
function decodeTracks(tracks: Track[], fromMs: number, samples: number): Int16Array {
  const out = new Int16Array(samples);
  if (samples === 0) return out;
  for (const t of tracks) {
    const decoder = createOpusCodec(48000, 2);
    try {
      const base = Math.round(((t.anchorAt - fromMs) * CAPTURE_RATE) / 1000);
      for (const p of t.packets) {
        const offset = base + ((p.ts - t.anchorTs) | 0);
        let pcm: Buffer;
        try {
          pcm = decoder.decode(p.payload);
        } catch {
          continue;
        }
        const frames = pcm.length / 4;
        if (offset + frames <= 0 || offset >= samples) continue;
        for (let i = 0; i < frames; i++) {
          const at = offset + i;
          if (at < 0 || at >= samples) continue;
          out[at] = Math.round((pcm.readInt16LE(i * 4) + pcm.readInt16LE(i * 4 + 2)) / 2);
        }
      }
    } finally {
      decoder.delete();
    }
  }
  return out;
}
