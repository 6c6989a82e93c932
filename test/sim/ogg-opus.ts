/**
 * Ogg/Opus (RFC 3533 pages, RFC 7845 Opus mapping): a writer for the simulator's call recordings
 * and a strict reader for tests. Pages carry the capture pattern `OggS`, version 0, the CRC-32 of
 * the page (polynomial 0x04C11DB7, initial 0, unreflected, CRC field zeroed), lacing values, and
 * granule positions in 48 kHz samples including the pre-skip. The first page (BOS) holds only
 * OpusHead, the second only OpusTags, the last is flagged EOS.
 */
import { createOpusCodec } from './peer/opus.ts';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

export function oggCrc(buf: Uint8Array): number {
  let crc = 0;
  for (const b of buf) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  return crc >>> 0;
}

const FLAG_CONTINUED = 0x01;
const FLAG_BOS = 0x02;
const FLAG_EOS = 0x04;

function page(serial: number, seq: number, flags: number, granule: bigint, packets: Buffer[]): Buffer {
  const lacing: number[] = [];
  for (const p of packets) {
    let n = p.length;
    while (n >= 255) {
      lacing.push(255);
      n -= 255;
    }
    lacing.push(n);
  }
  if (lacing.length > 255) throw new Error('an Ogg page holds at most 255 lacing values');
  const header = Buffer.alloc(27 + lacing.length);
  header.write('OggS', 0, 'latin1');
  header[4] = 0;
  header[5] = flags;
  header.writeBigInt64LE(granule, 6);
  header.writeUInt32LE(serial >>> 0, 14);
  header.writeUInt32LE(seq, 18);
  header.writeUInt32LE(0, 22);
  header[26] = lacing.length;
  lacing.forEach((v, i) => (header[27 + i] = v));
  const out = Buffer.concat([header, ...packets]);
  out.writeUInt32LE(oggCrc(out), 22);
  return out;
}

function lacingCount(p: Buffer): number {
  return Math.floor(p.length / 255) + 1;
}

export interface OggOpusWriteOptions {
  channels: 1 | 2;
  /** Samples (48 kHz) the decoder drops at the start (the encoder's lookahead). */
  preSkip: number;
  /** Opus packets, each `frameSamples` long. */
  packets: Buffer[];
  frameSamples: number;
  /** The stream's length in samples after the pre-skip (end trimming); default all packets less the pre-skip. */
  lengthSamples?: number;
  serial?: number;
  vendor?: string;
  comments?: string[];
  /** Informational `input sample rate` of OpusHead (default 48000). */
  inputSampleRate?: number;
}

export function writeOggOpus(o: OggOpusWriteOptions): Buffer {
  const serial = o.serial ?? Math.floor(Math.random() * 0xffffffff);
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head[8] = 1;
  head[9] = o.channels;
  head.writeUInt16LE(o.preSkip, 10);
  head.writeUInt32LE(o.inputSampleRate ?? 48_000, 12);
  head.writeInt16LE(0, 16);
  head[18] = 0; // channel mapping family 0: mono or stereo
  const vendor = Buffer.from(o.vendor ?? 'switchboard-sim', 'utf8');
  const comments = (o.comments ?? []).map((c) => Buffer.from(c, 'utf8'));
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4 + comments.reduce((a, c) => a + 4 + c.length, 0));
  let at = tags.write('OpusTags', 0, 'latin1');
  at = tags.writeUInt32LE(vendor.length, at);
  at += vendor.copy(tags, at);
  at = tags.writeUInt32LE(comments.length, at);
  for (const c of comments) {
    at = tags.writeUInt32LE(c.length, at);
    at += c.copy(tags, at);
  }
  const pages: Buffer[] = [page(serial, 0, FLAG_BOS, 0n, [head]), page(serial, 1, 0, 0n, [tags])];
  const total = o.packets.length * o.frameSamples;
  const end = BigInt(o.preSkip + Math.min(total - o.preSkip, o.lengthSamples ?? total - o.preSkip));
  let seq = 2;
  let samples = 0;
  let batch: Buffer[] = [];
  let segs = 0;
  const flush = (last: boolean): void => {
    const granule = last ? end : BigInt(Math.min(samples, Number(end)));
    pages.push(page(serial, seq++, last ? FLAG_EOS : 0, granule, batch));
    batch = [];
    segs = 0;
  };
  o.packets.forEach((p, i) => {
    if (segs + lacingCount(p) > 255 || batch.length >= 50) flush(false);
    batch.push(p);
    segs += lacingCount(p);
    samples += o.frameSamples;
    if (i === o.packets.length - 1) flush(true);
  });
  if (o.packets.length === 0) pages.push(page(serial, seq, FLAG_EOS, end, []));
  return Buffer.concat(pages);
}

export interface OggPage {
  offset: number;
  version: number;
  flags: number;
  granule: bigint;
  serial: number;
  seq: number;
  crc: number;
  crcOk: boolean;
  lacing: number[];
  body: Buffer;
}

/** Every page of an Ogg stream; throws on a missing capture pattern or a truncated page. */
export function parseOggPages(bytes: Buffer): OggPage[] {
  const pages: OggPage[] = [];
  let off = 0;
  while (off < bytes.length) {
    if (bytes.length - off < 27 || bytes.toString('latin1', off, off + 4) !== 'OggS') throw new Error(`no capture pattern at ${off}`);
    const n = bytes[off + 26]!;
    const lacing = [...bytes.subarray(off + 27, off + 27 + n)];
    const bodyLen = lacing.reduce((a, b) => a + b, 0);
    const end = off + 27 + n + bodyLen;
    if (end > bytes.length) throw new Error(`truncated page at ${off}`);
    const raw = Buffer.from(bytes.subarray(off, end));
    const crc = raw.readUInt32LE(22);
    raw.writeUInt32LE(0, 22);
    pages.push({
      offset: off,
      version: bytes[off + 4]!,
      flags: bytes[off + 5]!,
      granule: bytes.readBigInt64LE(off + 6),
      serial: bytes.readUInt32LE(off + 14),
      seq: bytes.readUInt32LE(off + 18),
      crc,
      crcOk: oggCrc(raw) === crc,
      lacing,
      body: bytes.subarray(off + 27 + n, end),
    });
    off = end;
  }
  return pages;
}

/** Packets of a single logical stream, joined across pages. */
export function oggPackets(pages: OggPage[]): Buffer[] {
  const out: Buffer[] = [];
  let cur: Buffer[] = [];
  for (const p of pages) {
    let at = 0;
    for (const l of p.lacing) {
      cur.push(p.body.subarray(at, at + l));
      at += l;
      if (l < 255) {
        out.push(Buffer.concat(cur));
        cur = [];
      }
    }
  }
  return out;
}

export interface OpusHead {
  version: number;
  channels: number;
  preSkip: number;
  inputSampleRate: number;
  outputGain: number;
  mappingFamily: number;
}

export function parseOpusHead(p: Buffer): OpusHead {
  if (p.length < 19 || p.toString('latin1', 0, 8) !== 'OpusHead') throw new Error('not an OpusHead packet');
  return {
    version: p[8]!,
    channels: p[9]!,
    preSkip: p.readUInt16LE(10),
    inputSampleRate: p.readUInt32LE(12),
    outputGain: p.readInt16LE(16),
    mappingFamily: p[18]!,
  };
}

export { FLAG_BOS, FLAG_CONTINUED, FLAG_EOS };

/** libopus's lookahead at 48 kHz for the VOIP/AUDIO applications (2.5 ms + 4 ms): the pre-skip. */
export const OPUS_PRE_SKIP = 312;
const FRAME = 960;

/**
 * Encodes two mono 48 kHz tracks as one stereo Ogg/Opus file (left = `left`, right = `right`),
 * `lengthSamples` long (the shorter track is padded with silence). A stretch with no signal on
 * either side re-uses one encoded silent packet, so hours of silence cost nothing to make.
 */
export function encodeStereoOggOpus(
  left: Int16Array,
  right: Int16Array,
  lengthSamples: number,
  opts: { comments?: string[]; vendor?: string; bitrate?: number } = {},
): Buffer {
  const codec = createOpusCodec(48000, 2);
  codec.setBitrate(opts.bitrate ?? 64_000);
  try {
    const frames = Math.ceil(lengthSamples / FRAME) + 1; // one more to flush the lookahead
    const packets: Buffer[] = [];
    const pcm = Buffer.alloc(FRAME * 4);
    let silentRun = 0;
    let silentPacket: Buffer | undefined;
    for (let f = 0; f < frames; f++) {
      let any = false;
      for (let i = 0; i < FRAME; i++) {
        const idx = f * FRAME + i;
        const l = idx < lengthSamples ? (left[idx] ?? 0) : 0;
        const r = idx < lengthSamples ? (right[idx] ?? 0) : 0;
        if (l !== 0 || r !== 0) any = true;
        pcm.writeInt16LE(l, i * 4);
        pcm.writeInt16LE(r, i * 4 + 2);
      }
      silentRun = any ? 0 : silentRun + 1;
      // After a few silent frames the encoder's state is silent too: its packet repeats.
      if (silentRun > 4 && silentPacket) {
        packets.push(silentPacket);
        continue;
      }
      const p = Buffer.from(codec.encode(pcm, FRAME));
      if (silentRun === 4) silentPacket = p;
      packets.push(p);
    }
    return writeOggOpus({
      channels: 2,
      preSkip: OPUS_PRE_SKIP,
      packets,
      frameSamples: FRAME,
      lengthSamples,
      vendor: opts.vendor ?? 'WhatsApp Cloud API simulator (libopus via opusscript)',
      comments: opts.comments ?? [],
    });
  } finally {
    codec.delete();
  }
}
