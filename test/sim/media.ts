/**
 * Media (calling-api.md §7): media ids, `GET /{media-id}` metadata with a short-lived download URL
 * served by the simulator itself. The URL needs the Bearer token and expires 5 sim-minutes after it
 * was issued (then 404, as Meta's lookaside URLs do); the media id itself stays valid for 7 days.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { MediaFault } from './capture.ts';
import type { SimClock } from './clock.ts';
import { randomDigits } from './context.ts';

export interface MediaItem {
  id: string;
  mimeType: string;
  bytes: Buffer;
  sha256: string;
  createdAt: number;
  /** `use_case` given at upload (e.g. `call_voicemail_announcement`), or the simulator's `call_recording` / `call_transcript`. */
  useCase?: string;
  /** An injected download fault (capture.ts, `PUT /_sim/capture-faults`). */
  fault?: MediaFault;
}

const MEDIA_ID_TTL_MS = 7 * 24 * 3600_000;

export class MediaStore {
  private readonly items = new Map<string, MediaItem>();
  private readonly urls = new Map<string, { mediaId: string; expiresAt: number }>();
  private readonly clock: SimClock;
  private readonly urlTtlMs: () => number;

  constructor(clock: SimClock, urlTtlMs: () => number) {
    this.clock = clock;
    this.urlTtlMs = urlTtlMs;
  }

  add(bytes: Buffer, mimeType: string, useCase?: string): MediaItem {
    const item: MediaItem = {
      // Meta's media ids are integers (announcement_media_id is sent as a JSON number): below 2^53.
      id: `1${randomDigits(15)}`,
      mimeType,
      bytes,
      sha256: createHash('sha256').update(bytes).digest('base64'),
      createdAt: this.clock.now(),
      ...(useCase ? { useCase } : {}),
    };
    this.items.set(item.id, item);
    return item;
  }

  get(id: string): MediaItem | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    if (this.clock.now() - item.createdAt > MEDIA_ID_TTL_MS || item.fault?.kind === 'expired') {
      // Gone: Meta deletes the file when the media id expires.
      if (item.fault?.kind !== 'expired') this.items.delete(id);
      return undefined;
    }
    return item;
  }

  /** An item whatever its age or faults (fault binding, inspection). */
  peek(id: string): MediaItem | undefined {
    return this.items.get(id);
  }

  /**
   * The injected fault this request meets, if any (consumes one of its `times`): `graph` is
   * `GET /{media-id}` (graph_error), `download` the URL (download_500, hash_mismatch).
   */
  takeFault(item: MediaItem, stage: 'graph' | 'download'): MediaFault | undefined {
    const f = item.fault;
    if (!f || f.remaining <= 0) return undefined;
    const applies = stage === 'graph' ? f.kind === 'graph_error' : f.kind === 'download_500' || f.kind === 'hash_mismatch';
    if (!applies) return undefined;
    f.remaining--;
    return f;
  }

  /** Issues a fresh download URL path (relative to the simulator's base URL). */
  issueUrl(id: string, baseUrl: string): string {
    const token = randomBytes(12).toString('hex');
    this.urls.set(token, { mediaId: id, expiresAt: this.clock.now() + this.urlTtlMs() });
    return `${baseUrl}/whatsapp_business/attachments/?mid=${id}&ext=${token}`;
  }

  /** Resolves a download token; undefined when unknown or expired. */
  download(token: string): MediaItem | undefined {
    const u = this.urls.get(token);
    if (!u) return undefined;
    if (u.expiresAt <= this.clock.now()) {
      this.urls.delete(token);
      return undefined;
    }
    return this.get(u.mediaId);
  }
}

/** A tiny valid-looking Ogg/Opus stand-in (the simulator does not synthesise real audio). */
export function fakeOggOpus(label: string): Buffer {
  return Buffer.concat([Buffer.from('OggS\u0000\u0002', 'latin1'), Buffer.from(`OpusHead sim:${label}`, 'utf8')]);
}

/** A 1x1 PNG. */
export function fakePng(): Buffer {
  return Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
}

/**
 * What an Ogg/Opus file says about itself: an Ogg stream whose first packet is OpusHead, and its
 * duration from the last page's granule position (48 kHz samples, less the pre-skip). Null when
 * the bytes are not Ogg/Opus.
 */
export function oggOpusInfo(bytes: Buffer): { durationS: number } | null {
  if (bytes.length < 47 || bytes.subarray(0, 4).toString('latin1') !== 'OggS') return null;
  const head = bytes.indexOf('OpusHead', 0, 'latin1');
  if (head < 0 || head > 64) return null;
  const preSkip = bytes.readUInt16LE(head + 10);
  let last = -1;
  for (let i = bytes.length - 27; i >= 0; i--) {
    if (bytes[i] === 0x4f && bytes.subarray(i, i + 4).toString('latin1') === 'OggS') {
      last = i;
      break;
    }
  }
  if (last < 0) return null;
  const granule = Number(bytes.readBigUInt64LE(last + 6));
  return { durationS: Math.max(0, granule - preSkip) / 48_000 };
}
