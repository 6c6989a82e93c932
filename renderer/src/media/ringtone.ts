/**
 * The ringtone, made with WebAudio: no audio files. One cadence per tone (two soft chimes and a
 * pause, say) is rendered once into a buffer that loops on the audio clock, so it keeps its rhythm
 * when the window is hidden (timers are throttled there; the audio thread is not). Plays on the
 * chosen ring device where `AudioContext.setSinkId` exists, separately from the call's own output
 * device. The tone and its volume are this computer's call preferences (common/rules/ringtone.ts).
 */
import { DEFAULT_RING_VOLUME, DEFAULT_RINGTONE, ringGain, type RingtoneName } from '../../../common/rules/ringtone.ts';

type SinkAudioContext = AudioContext & { setSinkId?: (id: string) => Promise<void> };

export interface RingtoneOptions {
  createContext?: () => AudioContext;
  /** Makes the short-lived context a preview or a waiting-call chime plays on (tests pass a fake). */
  createOneShotContext?: () => AudioContext;
  tone?: RingtoneName;
  /** Percent 0..100 (default 70: a peak gain of about 0.25). */
  volume?: number;
}

/** One note: partials (Hz) at relative levels, an attack, an exponential decay, a length. */
interface Note {
  at: number;
  partials: ReadonlyArray<readonly [hz: number, level: number]>;
  attack: number;
  decay: number;
  length: number;
  /** Amplitude wobble (Hz) for a bell-like ring; 0 = none. */
  tremolo?: number;
}

const chord = (hz: number[]): Array<readonly [number, number]> => hz.map((f) => [f, 1] as const);
const woody = (hz: number): Array<readonly [number, number]> => [
  [hz, 1],
  [hz * 4, 0.25],
  [hz * 10, 0.06],
];

/** Each tone's cadence: its notes and the length of the loop (seconds). */
const TONES: Record<RingtoneName, { cycle: number; notes: Note[] }> = {
  // E5+G#5+B5, twice, then a pause: the ringtone Switchboard always had.
  chimes: {
    cycle: 4,
    notes: [0, 0.45].map((at) => ({ at, partials: chord([659.25, 830.61, 987.77]), attack: 0.01, decay: 6, length: 0.4 })),
  },
  // A telephone's double ring (400 + 450 Hz, the British cadence), with a bell's wobble.
  classic: {
    cycle: 3,
    notes: [0, 0.6].map((at) => ({ at, partials: chord([400, 450]), attack: 0.005, decay: 0.8, length: 0.4, tremolo: 16 })),
  },
  // C5 E5 G5 C6 rising, struck like wood.
  marimba: {
    cycle: 3.2,
    notes: [523.25, 659.25, 783.99, 1046.5].map((hz, i) => ({ at: i * 0.16, partials: woody(hz), attack: 0.004, decay: 9, length: 0.5 })),
  },
  // Two short soft beeps at 880 Hz.
  beeps: {
    cycle: 2.5,
    notes: [0, 0.3].map((at) => ({ at, partials: chord([880]), attack: 0.01, decay: 2, length: 0.18 })),
  },
};

/** How long the audible part of a tone's cadence lasts (what Play previews), in seconds. */
export function ringSoundLength(tone: RingtoneName = DEFAULT_RINGTONE): number {
  const t = TONES[tone] ?? TONES.chimes;
  return Math.max(...t.notes.map((n) => n.at + n.length));
}

/** One cadence of a tone: its notes, then silence up to the loop's length. Peak amplitude 1. */
export function renderRingCycle(sampleRate: number, tone: RingtoneName = DEFAULT_RINGTONE): Float32Array {
  const spec = TONES[tone] ?? TONES.chimes;
  const out = new Float32Array(Math.round(spec.cycle * sampleRate));
  for (const n of spec.notes) {
    const s0 = Math.round(n.at * sampleRate);
    const len = Math.round(n.length * sampleRate);
    const total = n.partials.reduce((sum, [, level]) => sum + level, 0);
    for (let i = 0; i < len && s0 + i < out.length; i++) {
      const t = i / sampleRate;
      // A short fade at the end too, so a note cut at its length never clicks.
      const tail = Math.min(1, (len - i) / (0.01 * sampleRate));
      let env = Math.min(1, t / n.attack) * Math.exp(-t * n.decay) * tail;
      if (n.tremolo) env *= 0.75 + 0.25 * Math.sin(2 * Math.PI * n.tremolo * t);
      let v = 0;
      for (const [f, level] of n.partials) v += Math.sin(2 * Math.PI * f * t) * level;
      out[s0 + i] = (out[s0 + i] ?? 0) + (v / total) * env;
    }
  }
  // Notes that ring into each other (the marimba's) may add up past full scale: bring it back.
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  if (peak > 1) for (let i = 0; i < out.length; i++) out[i]! /= peak;
  return out;
}

export class Ringtone {
  private ctx: SinkAudioContext | null = null;
  private source: AudioBufferSourceNode | null = null;
  private gain: GainNode | null = null;
  private sinkId = '';
  private tone: RingtoneName;
  private volume: number;
  private readonly o: Required<Pick<RingtoneOptions, 'createContext' | 'createOneShotContext'>>;

  constructor(opts: RingtoneOptions = {}) {
    this.o = {
      createContext: opts.createContext ?? (() => new AudioContext({ latencyHint: 'playback' })),
      createOneShotContext: opts.createOneShotContext ?? (() => new AudioContext({ latencyHint: 'interactive' })),
    };
    this.tone = opts.tone ?? DEFAULT_RINGTONE;
    this.volume = opts.volume ?? DEFAULT_RING_VOLUME;
  }

  get playing(): boolean {
    return this.source !== null;
  }

  /** The output device for the ringtone ('' = the system default). */
  async setSinkId(deviceId: string): Promise<void> {
    this.sinkId = deviceId;
    if (this.ctx?.setSinkId) await this.ctx.setSinkId(deviceId).catch(() => undefined);
  }

  /** Which tone rings and how loud (percent); a ringtone that is playing changes at once. */
  configure(tone: RingtoneName, volume: number): void {
    const toneChanged = tone !== this.tone;
    this.tone = tone;
    this.volume = volume;
    if (this.gain) this.gain.gain.value = ringGain(volume);
    if (toneChanged && this.source) {
      this.stop();
      this.start();
    }
  }

  start(): void {
    if (this.source) return;
    const ctx = (this.ctx ??= this.o.createContext() as SinkAudioContext);
    if (this.sinkId && ctx.setSinkId) void ctx.setSinkId(this.sinkId).catch(() => undefined);
    void ctx.resume().catch(() => undefined);
    const data = renderRingCycle(ctx.sampleRate, this.tone);
    const buffer = ctx.createBuffer(1, data.length, ctx.sampleRate);
    buffer.getChannelData(0).set(data);
    const gain = ctx.createGain();
    gain.gain.value = ringGain(this.volume);
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.loop = true;
    source.connect(gain).connect(ctx.destination);
    source.start();
    this.source = source;
    this.gain = gain;
  }

  /**
   * Plays `seconds` of a tone's cadence once, on a short-lived context of its own (closed when it
   * ends) on the ring device. Resolves when it has finished.
   */
  private once(tone: RingtoneName, gainValue: number, seconds: number): Promise<void> {
    let ctx: SinkAudioContext;
    try {
      ctx = this.o.createOneShotContext() as SinkAudioContext;
    } catch {
      return Promise.resolve();
    }
    if (this.sinkId && ctx.setSinkId) void ctx.setSinkId(this.sinkId).catch(() => undefined);
    void ctx.resume().catch(() => undefined);
    const cycle = renderRingCycle(ctx.sampleRate, tone);
    const data = cycle.subarray(0, Math.min(cycle.length, Math.round(seconds * ctx.sampleRate)));
    const buffer = ctx.createBuffer(1, data.length, ctx.sampleRate);
    buffer.getChannelData(0).set(data);
    const gain = ctx.createGain();
    gain.gain.value = gainValue;
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(gain).connect(ctx.destination);
    return new Promise<void>((resolve) => {
      source.onended = () => {
        void ctx.close().catch(() => undefined);
        resolve();
      };
      source.start();
    });
  }

  /**
   * One soft chime, once: a second call is waiting while the owner is on a call. It plays on a
   * short-lived context of its own, so it never looks or sounds like ringing.
   */
  chime(): void {
    if (this.source) return;
    void this.once(this.tone, ringGain(this.volume) * 0.4, 0.35);
  }

  /** "Play" in Settings: one cadence of a tone at a volume, on the ring device (not while ringing). */
  preview(tone: RingtoneName, volume: number): Promise<void> {
    if (this.source) return Promise.resolve();
    return this.once(tone, ringGain(volume), ringSoundLength(tone) + 0.05);
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
    this.gain = null;
    // Suspend rather than close: the next call rings without building a new context.
    void this.ctx?.suspend().catch(() => undefined);
  }

  dispose(): void {
    this.stop();
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
  }
}
