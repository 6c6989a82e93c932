/**
 * The dock / taskbar badge: how many things wait for the owner — customers' unread messages and
 * missed calls not yet seen (the same counters as the thread list's badges; opening a thread
 * clears both). macOS and Linux (Unity launchers) show the number with `app.setBadgeCount`;
 * Windows has no count, so the taskbar button gets an overlay icon (a red dot, made here as a PNG)
 * with the count in its accessible description.
 */
import { deflateSync, crc32 } from 'node:zlib';

export interface Badge {
  count: number;
  /** What the overlay's accessible description / a tooltip says ("3 unread messages, 1 missed call"). */
  description: string;
  /** Short label for narrow places ("99+"). */
  label: string;
}

export function badgeOf(t: { unread: number; missed: number }): Badge {
  const unread = Math.max(0, Math.floor(t.unread) || 0);
  const missed = Math.max(0, Math.floor(t.missed) || 0);
  const count = unread + missed;
  const parts: string[] = [];
  if (unread) parts.push(`${unread} unread message${unread === 1 ? '' : 's'}`);
  if (missed) parts.push(`${missed} missed call${missed === 1 ? '' : 's'}`);
  return { count, description: parts.join(', '), label: count > 99 ? '99+' : String(count) };
}

/** Calls `apply` with the badge at most once per `ms`, and only when it changed. */
export function debouncedBadge(
  read: () => { unread: number; missed: number },
  apply: (b: Badge) => void,
  ms = 250,
): { refresh: () => void; dispose: () => void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let shown: number | null = null;
  const run = (): void => {
    timer = null;
    const b = badgeOf(read());
    if (b.count === shown) return;
    shown = b.count;
    apply(b);
  };
  return {
    refresh: () => {
      timer ??= setTimeout(run, ms);
    },
    dispose: () => {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/** A filled circle as a PNG (RGBA, anti-aliased edge): the Windows taskbar overlay. */
export function dotPng(size = 16, rgb: [number, number, number] = [0xe5, 0x3e, 0x3e]): Buffer {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  const c = (size - 1) / 2;
  const r = size / 2 - 0.5;
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const alpha = Math.max(0, Math.min(1, r - d + 0.5));
      const o = row + 1 + x * 4;
      raw[o] = rgb[0];
      raw[o + 1] = rgb[1];
      raw[o + 2] = rgb[2];
      raw[o + 3] = Math.round(alpha * 255);
    }
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
