/**
 * Media (calling-api.md §7): media ids, `GET /{media-id}` metadata with a short-lived download URL
 * served by the simulator itself. The URL needs the Bearer token and expires 5 sim-minutes after it
 * was issued (then 404, as Meta's lookaside URLs do); the media id itself stays valid for 7 days.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SimClock } from './clock.ts';
import { randomDigits } from './context.ts';

export interface MediaItem {
  id: string;
  mimeType: string;
  bytes: Buffer;
  sha256: string;
  createdAt: number;
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

  add(bytes: Buffer, mimeType: string): MediaItem {
    const item: MediaItem = {
      id: randomDigits(16),
      mimeType,
      bytes,
      sha256: createHash('sha256').update(bytes).digest('base64'),
      createdAt: this.clock.now(),
    };
    this.items.set(item.id, item);
    return item;
  }

  get(id: string): MediaItem | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    if (this.clock.now() - item.createdAt > MEDIA_ID_TTL_MS) return undefined;
    return item;
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
  return Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );
}
