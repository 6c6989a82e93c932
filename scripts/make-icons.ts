/**
 * Draws Switchboard's icons as PNGs (no image tools needed): the app icon at the sizes installers
 * want, and tray icons per state (a phone badge in the state's colour) at 16/32 px (1x/2x).
 * Run: node scripts/make-icons.ts  (writes build/icon.png, build/icons/*.png — committed).
 */
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
type RGBA = [number, number, number, number];

function crc32(buf: Buffer): number {
  let c: number;
  let crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function png(size: number, pixel: (x: number, y: number) => RGBA): Buffer {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x + 0.5, y + 0.5);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A handset shape in unit coordinates (0..1): two rounded ends joined by a curved grip. */
function handset(u: number, v: number): boolean {
  const d = (ax: number, ay: number) => Math.hypot(u - ax, v - ay);
  const ear = d(0.33, 0.3) < 0.14;
  const mouth = d(0.7, 0.67) < 0.14;
  const grip = Math.abs(Math.hypot(u - 0.78, v - 0.22) - 0.48) < 0.1 && u < 0.72 && v > 0.3;
  return ear || mouth || grip;
}

function icon(size: number, bg: RGBA, fg: RGBA, shape: 'rounded' | 'circle'): Buffer {
  return png(size, (x, y) => {
    const u = x / size;
    const v = y / size;
    const m = 0.04;
    const r = 0.2;
    const inside =
      shape === 'circle'
        ? Math.hypot(u - 0.5, v - 0.5) < 0.48
        : (() => {
            const cx = Math.min(Math.max(u, m + r), 1 - m - r);
            const cy = Math.min(Math.max(v, m + r), 1 - m - r);
            return Math.hypot(u - cx, v - cy) <= r;
          })();
    if (!inside) return [0, 0, 0, 0];
    // The handset fills the middle 80% of the icon.
    return handset((u - 0.1) / 0.8, (v - 0.1) / 0.8) ? fg : bg;
  });
}

const GREEN: RGBA = [0x0b, 0x7a, 0x57, 255];
const WHITE: RGBA = [255, 255, 255, 255];
const TRAY: Record<string, RGBA> = {
  ready: GREEN,
  ringing: [0x1d, 0x6f, 0xe8, 255],
  'on-call': [0x0e, 0x9f, 0x6e, 255],
  dnd: [0x6b, 0x72, 0x80, 255],
  unreachable: [0xd1, 0x36, 0x2f, 255],
  'not-connected': [0x9c, 0xa3, 0xaf, 255],
};

mkdirSync(path.join(root, 'build', 'icons'), { recursive: true });
writeFileSync(path.join(root, 'build', 'icon.png'), icon(512, GREEN, WHITE, 'rounded'));
for (const s of [16, 32, 48, 64, 128, 256, 512])
  writeFileSync(path.join(root, 'build', 'icons', `${s}x${s}.png`), icon(s, GREEN, WHITE, 'rounded'));
for (const [state, colour] of Object.entries(TRAY)) {
  writeFileSync(path.join(root, 'build', 'icons', `tray-${state}.png`), icon(16, colour, WHITE, 'circle'));
  writeFileSync(path.join(root, 'build', 'icons', `tray-${state}@2x.png`), icon(32, colour, WHITE, 'circle'));
}
console.log('icons written to build/');
