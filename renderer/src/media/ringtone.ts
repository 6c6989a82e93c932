/**
 * The ringtone, made with WebAudio: no audio files. One cadence (two soft chimes, then a pause) is
 * rendered once into a buffer that loops on the audio clock, so it keeps its rhythm when the window
 * is hidden (timers are throttled there; the audio thread is not). Plays on the chosen ring device
 * where `AudioContext.setSinkId` exists, separately from the call's own output device.
 */

type SinkAudioContext = AudioContext & { setSinkId?: (id: string) => Promise<void> };

export interface RingtoneOptions {
  createContext?: () => AudioContext;
  /** Peak gain 0..1 (default 0.25). */
  volume?: number;
}

const CYCLE_S = 4;

/** One cadence: two chimes (E5+G#5+B5 chord with a soft attack and decay), then silence. */
export function renderRingCycle(sampleRate: number): Float32Array {
  const out = new Float32Array(Math.round(CYCLE_S * sampleRate));
  const chimes = [0, 0.45];
  const partials = [659.25, 830.61, 987.77];
  for (const start of chimes) {
    const s0 = Math.round(start * sampleRate);
    const len = Math.round(0.4 * sampleRate);
    for (let i = 0; i < len && s0 + i < out.length; i++) {
      const t = i / sampleRate;
      const env = Math.min(1, t / 0.01) * Math.exp(-t * 6);
      let v = 0;
      for (const f of partials) v += Math.sin(2 * Math.PI * f * t);
      out[s0 + i] = (out[s0 + i] ?? 0) + (v / partials.length) * env;
    }
  }
  return out;
}

export class Ringtone {
  private ctx: SinkAudioContext | null = null;
  private source: AudioBufferSourceNode | null = null;
  private sinkId = '';
  private readonly o: Required<RingtoneOptions>;

  constructor(opts: RingtoneOptions = {}) {
    this.o = { createContext: () => new AudioContext({ latencyHint: 'playback' }), volume: 0.25, ...opts };
  }

  get playing(): boolean {
    return this.source !== null;
  }

  /** The output device for the ringtone ('' = the system default). */
  async setSinkId(deviceId: string): Promise<void> {
    this.sinkId = deviceId;
    if (this.ctx?.setSinkId) await this.ctx.setSinkId(deviceId).catch(() => undefined);
  }

  start(): void {
    if (this.source) return;
    const ctx = (this.ctx ??= this.o.createContext() as SinkAudioContext);
    if (this.sinkId && ctx.setSinkId) void ctx.setSinkId(this.sinkId).catch(() => undefined);
    void ctx.resume().catch(() => undefined);
    const data = renderRingCycle(ctx.sampleRate);
    const buffer = ctx.createBuffer(1, data.length, ctx.sampleRate);
    buffer.getChannelData(0).set(data);
    const gain = ctx.createGain();
    gain.gain.value = this.o.volume;
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.loop = true;
    source.connect(gain).connect(ctx.destination);
    source.start();
    this.source = source;
  }

  /**
   * One soft chime, once: a second call is waiting while the owner is on a call. It plays on a
   * short-lived context of its own (closed when it ends), so it never looks or sounds like ringing.
   */
  chime(): void {
    if (this.source) return;
    let ctx: SinkAudioContext;
    try {
      ctx = new AudioContext({ latencyHint: 'interactive' }) as SinkAudioContext;
    } catch {
      return;
    }
    if (this.sinkId && ctx.setSinkId) void ctx.setSinkId(this.sinkId).catch(() => undefined);
    const cycle = renderRingCycle(ctx.sampleRate);
    const data = cycle.subarray(0, Math.round(0.35 * ctx.sampleRate));
    const buffer = ctx.createBuffer(1, data.length, ctx.sampleRate);
    buffer.getChannelData(0).set(data);
    const gain = ctx.createGain();
    gain.gain.value = this.o.volume * 0.4;
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(gain).connect(ctx.destination);
    source.onended = () => void ctx.close().catch(() => undefined);
    source.start();
  }

  stop(): void {
    if (!this.source) return;
    try {
      this.source.stop();
    } catch {
      // already stopped
    }
    this.source.disconnect();
    this.source = null;
    // Suspend rather than close: the next call rings without building a new context.
    void this.ctx?.suspend().catch(() => undefined);
  }

  dispose(): void {
    this.stop();
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
  }
}
