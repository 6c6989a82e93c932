/**
 * The voicemail announcement as WhatsApp takes it: Ogg/Opus, under 60 s. Any audio the browser
 * can decode (a recording from MediaRecorder, a file the owner picked) is decoded, mixed down to
 * mono 48 kHz, encoded to Opus with WebCodecs' AudioEncoder, and written into an Ogg container
 * here (RFC 7845: OpusHead, OpusTags, then the audio packets) — MediaRecorder itself only makes
 * WebM in Chromium.
 */

import { muxOggOpus } from './ogg-mux.ts';

export const ANNOUNCEMENT_MAX_S = 60;
const RATE = 48_000;

export class AnnouncementError extends Error {
  readonly code: 'too_long' | 'empty' | 'unsupported' | 'undecodable';
  constructor(code: AnnouncementError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

// ---- decoding and encoding (Chromium) ---------------------------------------------------------

/** Any decodable audio → Ogg/Opus, mono 48 kHz, with its duration. */
export async function toOggOpus(input: Blob | ArrayBuffer): Promise<{ bytes: Uint8Array; durationS: number }> {
  if (typeof AudioEncoder === 'undefined') throw new AnnouncementError('unsupported', 'This window cannot encode audio (no WebCodecs).');
  const raw = input instanceof Blob ? await input.arrayBuffer() : input;
  let decoded: AudioBuffer;
  try {
    decoded = await new OfflineAudioContext(1, 1, RATE).decodeAudioData(raw.slice(0));
  } catch {
    throw new AnnouncementError('undecodable', 'That file is not audio this computer can read.');
  }
  if (decoded.duration < 0.5) throw new AnnouncementError('empty', 'The recording is too short.');
  if (decoded.duration >= ANNOUNCEMENT_MAX_S)
    throw new AnnouncementError(
      'too_long',
      `The greeting must be shorter than ${ANNOUNCEMENT_MAX_S} seconds (this one is ${Math.round(decoded.duration)} s).`,
    );
  const frames = Math.ceil(decoded.duration * RATE);
  const mix = new OfflineAudioContext(1, frames, RATE);
  const src = mix.createBufferSource();
  src.buffer = decoded;
  src.connect(mix.destination);
  src.start();
  const pcm = (await mix.startRendering()).getChannelData(0);

  const packets: Uint8Array[] = [];
  let failure: Error | null = null;
  const encoder = new AudioEncoder({
    output: (chunk) => {
      const b = new Uint8Array(chunk.byteLength);
      chunk.copyTo(b);
      packets.push(b);
    },
    error: (e) => {
      failure = e instanceof Error ? e : new Error(String(e));
    },
  });
  encoder.configure({ codec: 'opus', sampleRate: RATE, numberOfChannels: 1, bitrate: 32_000 });
  const step = RATE; // one second per AudioData
  for (let i = 0; i < pcm.length; i += step) {
    const slice = pcm.slice(i, Math.min(pcm.length, i + step));
    const data = new AudioData({
      format: 'f32',
      sampleRate: RATE,
      numberOfFrames: slice.length,
      numberOfChannels: 1,
      timestamp: Math.round((i / RATE) * 1e6),
      data: slice,
    });
    encoder.encode(data);
    data.close();
  }
  await encoder.flush();
  encoder.close();
  if (failure) throw new AnnouncementError('unsupported', `The audio could not be encoded: ${(failure as Error).message}`);
  return { bytes: muxOggOpus(packets, pcm.length), durationS: decoded.duration };
}
