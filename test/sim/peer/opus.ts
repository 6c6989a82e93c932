/**
 * opusscript 0.1.1 wrapper that is safe with several instances per process.
 *
 * Quirk: opusscript builds its PCM staging views as `HEAPU16.subarray(ptr, ptr + len)`, i.e. it uses
 * the malloc'd BYTE address as a uint16 INDEX, so PCM really lives at byte 2*ptr — outside its
 * allocation. With one instance that happens to be harmless; with 3-4 instances (two peers, each with
 * an encoder and a decoder) the stray regions overlap live codec state and wasm traps with
 * "memory access out of bounds". We re-point those two views at the allocations they were meant to use.
 */
import OpusScript from 'opusscript';

interface OpusScriptInternals {
  inPCMPointer: number;
  inPCMLength: number;
  inPCM: Uint16Array;
  outPCMPointer: number;
  outPCMLength: number;
  outPCM: Uint16Array;
}

function isInternals(v: unknown): v is OpusScriptInternals {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o['inPCMPointer'] === 'number' &&
    typeof o['inPCMLength'] === 'number' &&
    o['inPCM'] instanceof Uint16Array &&
    typeof o['outPCMPointer'] === 'number' &&
    typeof o['outPCMLength'] === 'number' &&
    o['outPCM'] instanceof Uint16Array
  );
}

export interface OpusCodec {
  /** Interleaved int16 LE PCM (frameSize samples per channel) → one Opus packet. */
  encode(pcm: Buffer, frameSize: number): Buffer;
  /** One Opus packet → interleaved int16 LE PCM with `channels` channels. */
  decode(packet: Buffer): Buffer;
  setBitrate(bps: number): void;
  readonly channels: number;
  delete(): void;
}

export function createOpusCodec(sampleRate: 48000 | 24000 | 16000 | 12000 | 8000 = 48000, channels = 2): OpusCodec {
  const inst = new OpusScript(sampleRate, channels, OpusScript.Application.VOIP);
  const internals: unknown = inst;
  if (!isInternals(internals)) throw new Error('opusscript internals changed; cannot apply the multi-instance fix');
  const heap = internals.inPCM.buffer;
  internals.inPCM = new Uint16Array(heap, internals.inPCMPointer, internals.inPCMLength / 2);
  internals.outPCM = new Uint16Array(heap, internals.outPCMPointer, internals.outPCMLength / 2);
  let deleted = false;
  return {
    channels,
    encode: (pcm, frameSize) => inst.encode(pcm, frameSize),
    decode: (packet) => inst.decode(packet),
    setBitrate: (bps) => inst.setBitrate(bps),
    delete: () => {
      if (deleted) return;
      deleted = true;
      inst.delete();
    },
  };
}
