/**
 * Icon shapes (24×24, 2px strokes, round caps — drawn in the style of Lucide, ISC licence).
 * Inline SVG only: no icon font, no requests.
 */
export type IconShape =
  | { tag: 'path'; d: string }
  | { tag: 'circle'; cx: number; cy: number; r: number }
  | { tag: 'rect'; x: number; y: number; width: number; height: number; rx: number };

const p = (d: string): IconShape => ({ tag: 'path', d });
const c = (cx: number, cy: number, r: number): IconShape => ({ tag: 'circle', cx, cy, r });

export const ICONS = {
  conversations: [p('M7.9 20A9 9 0 1 0 4 16.1L2 22Z'), p('M8 12h.01'), p('M12 12h.01'), p('M16 12h.01')],
  settings: [
    p(
      'M12.22 2h-.44a2 2 0 0 0-2 2v.18a2 2 0 0 1-1 1.73l-.43.25a2 2 0 0 1-2 0l-.15-.08a2 2 0 0 0-2.73.73l-.22.38a2 2 0 0 0 .73 2.73l.15.1a2 2 0 0 1 1 1.72v.51a2 2 0 0 1-1 1.74l-.15.09a2 2 0 0 0-.73 2.73l.22.38a2 2 0 0 0 2.73.73l.15-.08a2 2 0 0 1 2 0l.43.25a2 2 0 0 1 1 1.73V20a2 2 0 0 0 2 2h.44a2 2 0 0 0 2-2v-.18a2 2 0 0 1 1-1.73l.43-.25a2 2 0 0 1 2 0l.15.08a2 2 0 0 0 2.73-.73l.22-.39a2 2 0 0 0-.73-2.73l-.15-.08a2 2 0 0 1-1-1.74v-.5a2 2 0 0 1 1-1.74l.15-.09a2 2 0 0 0 .73-2.73l-.22-.38a2 2 0 0 0-2.73-.73l-.15.08a2 2 0 0 1-2 0l-.43-.25a2 2 0 0 1-1-1.73V4a2 2 0 0 0-2-2z',
    ),
    c(12, 12, 3),
  ],
  search: [c(11, 11, 8), p('m21 21-4.3-4.3')],
  inbox: [
    p('M22 12h-6l-2 3h-4l-2-3H2'),
    p('M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z'),
  ],
  close: [p('M18 6 6 18'), p('m6 6 12 12')],
  phone: [
    p(
      'M22 16.92v3a2 2 0 0 1-2.18 2 19.79 19.79 0 0 1-8.63-3.07 19.5 19.5 0 0 1-6-6 19.79 19.79 0 0 1-3.07-8.67A2 2 0 0 1 4.11 2h3a2 2 0 0 1 2 1.72 12.84 12.84 0 0 0 .7 2.81 2 2 0 0 1-.45 2.11L8.09 9.91a16 16 0 0 0 6 6l1.27-1.27a2 2 0 0 1 2.11-.45 12.84 12.84 0 0 0 2.81.7A2 2 0 0 1 22 16.92z',
    ),
  ],
  account: [p('M19 21v-2a4 4 0 0 0-4-4H9a4 4 0 0 0-4 4v2'), c(12, 7, 4)],
  connection: [c(12, 12, 10), p('M12 2a14.5 14.5 0 0 0 0 20 14.5 14.5 0 0 0 0-20'), p('M2 12h20')],
  appearance: [c(12, 12, 10), p('M12 18a6 6 0 0 0 0-12v12z')],
  about: [c(12, 12, 10), p('M12 16v-4'), p('M12 8h.01')],
  alert: [c(12, 12, 10), p('M12 8v4'), p('M12 16h.01')],
  arrowRight: [p('M5 12h14'), p('m12 5 7 7-7 7')],
  chevronRight: [p('m9 18 6-6-6-6')],
  check: [p('M20 6 9 17l-5-5')],
  key: [
    p('m15.5 7.5 2.3 2.3a1 1 0 0 0 1.4 0l2.1-2.1a1 1 0 0 0 0-1.4L19 4'),
    p('m21 2-9.6 9.6'),
    c(7.5, 15.5, 5.5),
  ],
  shield: [
    p(
      'M20 13c0 5-3.5 7.5-7.66 8.95a1 1 0 0 1-.67-.01C7.5 20.5 4 18 4 13V6a1 1 0 0 1 1-1c2 0 4.5-1.2 6.24-2.72a1.17 1.17 0 0 1 1.52 0C14.51 3.81 17 5 19 5a1 1 0 0 1 1 1z',
    ),
  ],
  hash: [p('M4 9h16'), p('M4 15h16'), p('M10 3 8 21'), p('M16 3l-2 18')],
  monitor: [{ tag: 'rect', x: 2, y: 3, width: 20, height: 14, rx: 2 }, p('M8 21h8'), p('M12 17v4')],
  sun: [
    c(12, 12, 4),
    p('M12 2v2'),
    p('M12 20v2'),
    p('m4.93 4.93 1.41 1.41'),
    p('m17.66 17.66 1.41 1.41'),
    p('M2 12h2'),
    p('M20 12h2'),
    p('m6.34 17.66-1.41 1.41'),
    p('m19.07 4.93-1.41 1.41'),
  ],
  moon: [p('M12 3a6 6 0 0 0 9 9 9 9 0 1 1-9-9Z')],
} satisfies Record<string, IconShape[]>;

export type IconName = keyof typeof ICONS;
