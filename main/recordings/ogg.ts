/**
 * The length of an Ogg/Opus recording (RFC 7845), read from its pages without decoding: the last
 * page's granule position counts 48 kHz samples, less the pre-skip the OpusHead header names.
 */

/** Milliseconds of audio in an Ogg/Opus file, or null when the bytes are not one. */
export function oggOpusDurationMs(bytes: Buffer): number | null {
  if (bytes.length < 47 || bytes.toString('latin1', 0, 4) !== 'OggS') return null;
  // The first page carries OpusHead as its only packet: after the 27-byte header and its segment table.
  const segments = bytes[26]!;
  const head = 27 + segments;
  if (bytes.toString('latin1', head, head + 8) !== 'OpusHead') return null;
  const preSkip = bytes.readUInt16LE(head + 10);
  // The last page: the last "OggS" whose header fits.
  for (let at = bytes.lastIndexOf('OggS', bytes.length - 27, 'latin1'); at >= 0; at = bytes.lastIndexOf('OggS', at - 1, 'latin1')) {
    if (at + 27 > bytes.length || bytes[at + 4] !== 0) continue;
    const granule = bytes.readBigInt64LE(at + 6);
    if (granule < 0n) continue; // -1: no packet ends on this page
    return Math.max(0, Math.round((Number(granule) - preSkip) / 48));
  }
  return null;
}
