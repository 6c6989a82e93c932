import { describe, expect, it } from 'vitest';
import { FRAME_SAMPLES, analyzePcm, bufferToPcm, createToneGenerator, encodeWav, pcmToBuffer, silenceFrame, toneSamples } from './audio.ts';
import { createOpusCodec } from './opus.ts';

function concat(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
  let off = 0;
  for (const f of frames) {
    out.set(f, off);
    off += f.length;
  }
  return out;
}

describe('tone generation + estimator', () => {
  it('a 440 Hz tone measures 440±10 Hz with the expected RMS', () => {
    const gen = createToneGenerator({ frequency: 440, amplitude: 0.5 }, 1);
    const first = gen.next();
    expect(first.length).toBe(FRAME_SAMPLES); // 20 ms at 48 kHz
    const pcm = concat([first, ...Array.from({ length: 9 }, () => gen.next())]);
    const a = analyzePcm(pcm, 1);
    expect(Math.abs(a.frequency - 440)).toBeLessThanOrEqual(10);
    expect(a.rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it('measures stereo frames and other frequencies', () => {
    for (const f of [300, 1000, 3400]) {
      const pcm = toneSamples({ frequency: f, amplitude: 0.2 }, FRAME_SAMPLES * 10, 2);
      expect(pcm.length).toBe(FRAME_SAMPLES * 10 * 2);
      const a = analyzePcm(pcm, 2);
      expect(Math.abs(a.frequency - f)).toBeLessThanOrEqual(10);
    }
  });

  it('silence has RMS ~0 and no dominant frequency', () => {
    const a = analyzePcm(concat(Array.from({ length: 10 }, () => silenceFrame(2))), 2);
    expect(a.rms).toBeLessThan(1e-6);
    expect(a.frequency).toBe(0);
  });

  it('writes a canonical 48 kHz 16-bit WAV', () => {
    const pcm = toneSamples({ frequency: 1000 }, 4800, 1);
    const wav = encodeWav(pcm);
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(48000);
    expect(wav.length).toBe(44 + pcm.length * 2);
    const back = bufferToPcm(wav.subarray(44));
    expect(Math.abs(analyzePcm(back).frequency - 1000)).toBeLessThanOrEqual(10);
  });
});

describe('opusscript wrapper', () => {
  it('round-trips tones through several simultaneous encoder/decoder instances', () => {
    // opusscript 0.1.1 unpatched traps ("memory access out of bounds") with >2 instances.
    const codecs = Array.from({ length: 6 }, () => createOpusCodec(48000, 2));
    try {
      codecs.forEach((codec, i) => {
        const freq = 400 + i * 150;
        const gen = createToneGenerator({ frequency: freq, amplitude: 0.3 }, 2);
        const decoded: Int16Array[] = [];
        for (let k = 0; k < 25; k++) {
          const packet = codec.encode(pcmToBuffer(gen.next()), FRAME_SAMPLES);
          expect(packet.length).toBeGreaterThan(0);
          decoded.push(bufferToPcm(codec.decode(packet)));
        }
        const pcm = concat(decoded.slice(5)); // skip codec warm-up
        const a = analyzePcm(pcm, 2);
        expect(Math.abs(a.frequency - freq)).toBeLessThanOrEqual(10);
        expect(a.rms).toBeGreaterThan(0.1);
      });
    } finally {
      for (const c of codecs) c.delete();
    }
  });
});
