/**
 * The Ogg container for Opus (RFC 7845): OpusHead, OpusTags, then one audio packet a page. Pure
 * (no DOM), so the simulator's tests use it too.
 */
const RATE = 48_000;
/** libopus's look-ahead at 48 kHz: the samples a decoder drops at the start (RFC 7845 §4.2). */
const PRE_SKIP = 312;

let crcTable: Uint32Array | null = null;
/** Ogg's CRC-32 (polynomial 0x04c11db7, MSB first, no reflection, no final xor). */
export function oggCrc(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let r = i << 24;
      for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
      crcTable[i] = r >>> 0;
    }
  }
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  return crc >>> 0;
}

function page(packet: Uint8Array, o: { serial: number; seq: number; granule: number; bos?: boolean; eos?: boolean }): Uint8Array {
  const lacing: number[] = [];
  let left = packet.length;
  while (left >= 255) {
    lacing.push(255);
    left -= 255;
  }
  lacing.push(left);
  const out = new Uint8Array(27 + lacing.length + packet.length);
  const v = new DataView(out.buffer);
  out.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS"
  out[4] = 0;
  out[5] = (o.bos ? 0x02 : 0) | (o.eos ? 0x04 : 0);
  v.setBigUint64(6, BigInt(o.granule), true);
  v.setUint32(14, o.serial, true);
  v.setUint32(18, o.seq, true);
  v.setUint32(22, 0, true);
  out[26] = lacing.length;
  out.set(lacing, 27);
  out.set(packet, 27 + lacing.length);
  v.setUint32(22, oggCrc(out), true);
  return out;
}

/** Opus packets (20 ms each, mono, 48 kHz) → an Ogg/Opus file. `samples`: the audio's length. */
export function muxOggOpus(packets: readonly Uint8Array[], samples: number, serial = 0x5357_4244): Uint8Array {
  const head = new Uint8Array(19);
  const hv = new DataView(head.buffer);
  head.set(new TextEncoder().encode('OpusHead'), 0);
  head[8] = 1; // version
  head[9] = 1; // channels
  hv.setUint16(10, PRE_SKIP, true);
  hv.setUint32(12, RATE, true);
  hv.setInt16(16, 0, true); // output gain
  head[18] = 0; // channel mapping family
  const vendor = new TextEncoder().encode('Switchboard');
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  const tv = new DataView(tags.buffer);
  tags.set(new TextEncoder().encode('OpusTags'), 0);
  tv.setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  tv.setUint32(12 + vendor.length, 0, true);
  const pages: Uint8Array[] = [page(head, { serial, seq: 0, granule: 0, bos: true }), page(tags, { serial, seq: 1, granule: 0 })];
  packets.forEach((p, i) => {
    const last = i === packets.length - 1;
    const granule = PRE_SKIP + (last ? samples : Math.min(samples, (i + 1) * 960));
    pages.push(page(p, { serial, seq: i + 2, granule, eos: last }));
  });
  const size = pages.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of pages) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
