/**
 * The audio check in Settings → Calling → On this computer, before any call: how loud the chosen
 * microphone hears the room (getUserMedia + an AnalyserNode), and a short test sound on the chosen
 * speaker (`AudioContext.setSinkId`, as the call's own audio uses `setSinkId` on its element).
 * Plain TypeScript, no Vue; nothing here is sent anywhere.
 */

type SinkAudioContext = AudioContext & { setSinkId?: (id: string) => Promise<void> };

export interface AudioCheckDeps {
  mediaDevices?: MediaDevices;
  createContext?: () => AudioContext;
}

export interface MicMeter {
  /** Releases the microphone and closes the meter's audio context. */
  stop(): void;
}

/** RMS of samples (-1..1) → 0..1 on a dB scale from -60 dBFS (0) to 0 dBFS (1): speech sits in the middle. */
export function levelOf(samples: Float32Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db + 60) / 60));
}

/**
 * Opens the microphone (`deviceId` '' = the system default; an unplugged one falls back to the
 * default, as calls do) and reports its level about 15 times a second until stopped.
 */
export async function startMicMeter(deviceId: string, onLevel: (level: number) => void, deps: AudioCheckDeps = {}): Promise<MicMeter> {
  const md = deps.mediaDevices ?? globalThis.navigator?.mediaDevices;
  if (!md?.getUserMedia) throw new Error('this window cannot use a microphone');
  // No echo cancellation or gain control here: the meter shows what the microphone itself hears.
  const base: MediaTrackConstraints = { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 };
  let stream: MediaStream;
  try {
    stream = await md.getUserMedia({ audio: deviceId ? { ...base, deviceId: { exact: deviceId } } : base });
  } catch (err) {
    if (!deviceId) throw err;
    stream = await md.getUserMedia({ audio: base });
  }
  let ctx: AudioContext;
  let analyser: AnalyserNode;
  try {
    ctx = deps.createContext?.() ?? new AudioContext({ latencyHint: 'interactive' });
    analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    ctx.createMediaStreamSource(stream).connect(analyser);
  } catch (err) {
    // No meter after all: the microphone goes off again.
    for (const track of stream.getTracks()) track.stop();
    throw err;
  }
  void ctx.resume().catch(() => undefined);
  const buf = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(buf);
    onLevel(levelOf(buf));
  }, 66);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      for (const t of stream.getTracks()) t.stop();
      void ctx.close().catch(() => undefined);
      onLevel(0);
    },
  };
}

/**
 * A short test sound (two soft notes, about a second) on the speaker `sinkId` ('' = the default).
 * Resolves when it has played; false when the speaker could not be chosen (it played on the
 * default one instead).
 */
export async function playTestSound(sinkId: string, deps: AudioCheckDeps = {}): Promise<boolean> {
  const ctx = (deps.createContext?.() ?? new AudioContext({ latencyHint: 'interactive' })) as SinkAudioContext;
  let onDevice = true;
  if (sinkId) {
    if (ctx.setSinkId)
      onDevice = await ctx.setSinkId(sinkId).then(
        () => true,
        () => false,
      );
    else onDevice = false;
  }
  await ctx.resume().catch(() => undefined);
  const start = ctx.currentTime + 0.05;
  const notes: Array<[hz: number, at: number]> = [
    [523.25, 0],
    [783.99, 0.45],
  ];
  const ended: Array<Promise<void>> = [];
  for (const [hz, at] of notes) {
    const osc = ctx.createOscillator();
    osc.type = 'sine';
    osc.frequency.value = hz;
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0, start + at);
    gain.gain.linearRampToValueAtTime(0.3, start + at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.001, start + at + 0.5);
    osc.connect(gain).connect(ctx.destination);
    ended.push(new Promise<void>((resolve) => (osc.onended = () => resolve())));
    osc.start(start + at);
    osc.stop(start + at + 0.52);
  }
  await Promise.all(ended);
  await ctx.close().catch(() => undefined);
  return onDevice;
}
