/**
 * PCM helpers for the simulated WhatsApp phone: tone/silence frame generation, a
 * Goertzel-based dominant-frequency + RMS estimator, and a tiny WAV writer (for
 * Chromium's `--use-file-for-fake-audio-capture`).
 *
 * Conventions: int16 PCM, interleaved when stereo, 48 kHz, 20 ms frames
 * (960 samples per channel). Amplitudes and RMS are fractions of full scale (0..1).
 */

export const SAMPLE_RATE = 48_000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000; // 960 per channel
export const FULL_SCALE = 32767;

export type Channels = 1 | 2;

export interface ToneSpec {
  /** Hz */
  frequency: number;
  /** Peak amplitude as a fraction of full scale, 0..1 (default 0.3). */
  amplitude?: number;
}

/** Samples of a sine, starting at absolute sample index `startIndex` (phase-continuous across calls). */
export function toneSamples(
  tone: ToneSpec,
  samplesPerChannel: number,
  channels: Channels = 1,
  startIndex = 0,
  sampleRate = SAMPLE_RATE,
): Int16Array {
  const amp = Math.max(0, Math.min(1, tone.amplitude ?? 0.3)) * FULL_SCALE;
  const out = new Int16Array(samplesPerChannel * channels);
  const w = (2 * Math.PI * tone.frequency) / sampleRate;
  for (let i = 0; i < samplesPerChannel; i++) {
    const v = Math.round(amp * Math.sin(w * (startIndex + i)));
    for (let c = 0; c < channels; c++) out[i * channels + c] = v;
  }
  return out;
}

/** One 20 ms frame of silence (all zeros). */
export function silenceFrame(channels: Channels = 1): Int16Array {
  return new Int16Array(FRAME_SAMPLES * channels);
}

/** Stateful generator of consecutive, phase-continuous 20 ms tone frames. */
export interface ToneGenerator {
  next(): Int16Array;
  readonly tone: ToneSpec;
}

export function createToneGenerator(tone: ToneSpec, channels: Channels = 1): ToneGenerator {
  let index = 0;
  return {
    tone,
    next(): Int16Array {
      const frame = toneSamples(tone, FRAME_SAMPLES, channels, index);
      index += FRAME_SAMPLES;
      return frame;
    },
  };
}

/** Average interleaved channels into a mono Float64Array scaled to -1..1. */
export function toMonoFloat(pcm: Int16Array, channels: Channels = 1): Float64Array {
  const n = Math.floor(pcm.length / channels);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += pcm[i * channels + c] ?? 0;
    out[i] = s / channels / FULL_SCALE;
  }
  return out;
}

/** Root-mean-square level of mono float samples (fraction of full scale). */
export function rmsOf(samples: Float64Array): number {
  if (samples.length === 0) return 0;
  let acc = 0;
  for (const s of samples) acc += s * s;
  return Math.sqrt(acc / samples.length);
}

/** Power of `frequency` in `samples` (Goertzel), on already-windowed input. */
export function goertzelPower(samples: Float64Array, frequency: number, sampleRate = SAMPLE_RATE): number {
  const coeff = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

export interface AnalyzeOptions {
  sampleRate?: number;
  /** Lowest candidate frequency, Hz (default 50). */
  minHz?: number;
  /** Highest candidate frequency, Hz (default 8000 — Meta caps playback at 16 kHz sampling). */
  maxHz?: number;
  /** Coarse scan step, Hz (default 10); the best coarse bin is refined at 1 Hz. */
  stepHz?: number;
}

export interface AudioAnalysis {
  /** Dominant frequency in Hz, or 0 when the buffer is (near) silent or empty. */
  frequency: number;
  /** RMS level, fraction of full scale (a full-scale sine is ~0.707). */
  rms: number;
  /** RMS in dBFS (-Infinity for digital silence). */
  rmsDbfs: number;
  /** Mono samples analysed. */
  samples: number;
}

/** RMS below this (≈ -70 dBFS) counts as silence: no frequency is reported. */
export const SILENCE_RMS = 3e-4;

/**
 * Dominant frequency (Hann-windowed Goertzel: coarse scan, then 1 Hz refinement) and RMS of mono
 * float samples. Resolution is limited by buffer length: use ≥ 100 ms for ±10 Hz.
 */
export function analyzeMono(samples: Float64Array, opts: AnalyzeOptions = {}): AudioAnalysis {
  const sampleRate = opts.sampleRate ?? SAMPLE_RATE;
  const rms = rmsOf(samples);
  const rmsDbfs = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
  if (samples.length < 64 || rms < SILENCE_RMS) {
    return { frequency: 0, rms, rmsDbfs, samples: samples.length };
  }
  const n = samples.length;
  const windowed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    windowed[i] = (samples[i] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  }
  const minHz = opts.minHz ?? 50;
  const maxHz = Math.min(opts.maxHz ?? 8000, sampleRate / 2 - 1);
  const step = opts.stepHz ?? 10;
  let best = minHz;
  let bestP = -1;
  for (let f = minHz; f <= maxHz; f += step) {
    const p = goertzelPower(windowed, f, sampleRate);
    if (p > bestP) {
      bestP = p;
      best = f;
    }
  }
  for (let f = Math.max(minHz, best - step); f <= Math.min(maxHz, best + step); f += 1) {
    const p = goertzelPower(windowed, f, sampleRate);
    if (p > bestP) {
      bestP = p;
      best = f;
    }
  }
  return { frequency: best, rms, rmsDbfs, samples: n };
}

/** `analyzeMono` for interleaved int16 PCM. */
export function analyzePcm(pcm: Int16Array, channels: Channels = 1, opts: AnalyzeOptions = {}): AudioAnalysis {
  return analyzeMono(toMonoFloat(pcm, channels), opts);
}

/** Interleaved int16 → bytes (little-endian, as Opus/WAV expect) without copying. */
export function pcmToBuffer(pcm: Int16Array): Buffer {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}

/** Bytes (little-endian int16) → Int16Array (copies, so alignment is safe). */
export function bufferToPcm(buf: Uint8Array): Int16Array {
  const out = new Int16Array(Math.floor(buf.byteLength / 2));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/** A canonical 16-bit PCM WAV file. */
export function encodeWav(pcm: Int16Array, sampleRate = SAMPLE_RATE, channels: Channels = 1): Buffer {
  const dataBytes = pcm.byteLength;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * channels * 2, 28);
  buf.writeUInt16LE(channels * 2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < pcm.length; i++) buf.writeInt16LE(pcm[i] ?? 0, 44 + i * 2);
  return buf;
}
