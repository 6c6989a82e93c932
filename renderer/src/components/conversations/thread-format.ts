/**
 * Words and times for threads: the customer's name, a list preview of the last item, times as a
 * messaging app shows them, and search snippets split into plain and marked parts
 * (never HTML: hostile text stays text). Dates and names go through format/intl.ts: `locale` is
 * the catalog locale from useI18n(), which it turns into the formatting locale.
 */
import type { ThreadSummary, TimelineItem } from '../../../../common/bridge-contract.ts';
import { customerDisplayName } from '../../../../common/rules/customer.ts';
import { formatPhone, phoneCountry } from '../../format/phone.ts';
import { dateTimeFormat, formatTime, regionName } from '../../format/intl.ts';

type Contact = ThreadSummary['contact'];
type Translate = (key: string, named?: Record<string, unknown>) => string;

/** ownerName → profileName → formatted number → @username → BSUID (common/rules/customer.ts). */
export function contactName(c: Contact | null | undefined, fallback = ''): string {
  if (!c) return fallback;
  return customerDisplayName(c, formatPhone) ?? fallback;
}

/** The second line under the name: the number when the name is not the number. */
export function contactSubtitle(c: Contact): string | null {
  const number = c.waId ? formatPhone(c.waId) : null;
  const name = contactName(c);
  if (number && number !== name) return number;
  if (c.username && `@${c.username}` !== name) return `@${c.username}`;
  return null;
}

/** A stable 0–5 hue bucket per contact, for avatar tints. */
export function avatarTone(c: Contact): number {
  const key = c.waId ?? c.userId ?? String(c.id);
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % 6;
}

/** The contact's country: as recorded, or told from the number. */
export function countryOf(c: Contact): string | null {
  return c.country ?? (c.waId ? phoneCountry(c.waId) : null);
}

/** "BR" → "🇧🇷" (regional indicator symbols). */
export function flagOf(country: string | null | undefined): string {
  if (!country || !/^[A-Za-z]{2}$/.test(country)) return '';
  return String.fromCodePoint(...[...country.toUpperCase()].map((ch) => 0x1f1e6 + ch.charCodeAt(0) - 65));
}

export function countryName(country: string | null | undefined, locale: string): string {
  return regionName(country, locale);
}

const dayKeyOf = (d: Date): string => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
export const dayKey = (iso: string): string => dayKeyOf(new Date(iso));

function daysBetween(a: Date, b: Date): number {
  const x = Date.UTC(a.getFullYear(), a.getMonth(), a.getDate());
  const y = Date.UTC(b.getFullYear(), b.getMonth(), b.getDate());
  return Math.round((y - x) / 86_400_000);
}

/** The list's time: "14:32" today, "Yesterday", "Mon" this week, "12 Mar", "12/03/2024". */
export function listTime(iso: string | null, t: Translate, locale: string, now = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  const days = daysBetween(d, now);
  if (days <= 0) return clockTime(iso, locale);
  if (days === 1) return t('conversation.time.yesterday');
  if (days < 7) return dateTimeFormat({ weekday: 'short' }, locale).format(d);
  if (d.getFullYear() === now.getFullYear()) return dateTimeFormat({ day: 'numeric', month: 'short' }, locale).format(d);
  return dateTimeFormat({ day: 'numeric', month: 'short', year: 'numeric' }, locale).format(d);
}

/** "2:05 PM" / "14:05": the locale's own clock (format/intl.ts). */
export function clockTime(iso: string, locale: string): string {
  return formatTime(iso, locale);
}

/** Day separators: "Today", "Yesterday", "Monday, 12 March" (with the year when not this one). */
export function dayLabel(iso: string, t: Translate, locale: string, now = new Date()): string {
  const d = new Date(iso);
  const days = daysBetween(d, now);
  if (days === 0) return t('conversation.time.today');
  if (days === 1) return t('conversation.time.yesterday');
  const opts: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long' };
  if (d.getFullYear() !== now.getFullYear()) opts.year = 'numeric';
  return dateTimeFormat(opts, locale).format(d);
}

/** "25 Nov, 14:00" (with the year when not this one). */
export function dateTime(iso: string, locale: string, now = new Date()): string {
  const d = new Date(iso);
  const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' };
  if (d.getFullYear() !== now.getFullYear()) opts.year = 'numeric';
  return dateTimeFormat(opts, locale).format(d);
}

/** The thread list's preview of the last item. */
export type PreviewIcon =
  'phoneMissed' | 'phoneIn' | 'phoneOut' | 'image' | 'mic' | 'video' | 'fileText' | 'mapPin' | 'account' | 'smile' | null;

const PREVIEW_ICON: Record<string, PreviewIcon> = {
  image: 'image',
  audio: 'mic',
  video: 'video',
  document: 'fileText',
  location: 'mapPin',
  contacts: 'account',
  sticker: 'smile',
};

export function previewOf(last: ThreadSummary['lastItem'], t: Translate): { text: string; icon: PreviewIcon; tone: 'danger' | null } {
  if (!last) return { text: t('conversation.preview.empty'), icon: null, tone: null };
  if (last.kind === 'call') {
    const out = last.direction === 'out';
    const map: Record<string, string> = {
      missed: 'callMissed',
      declined: 'callDeclined',
      no_answer: 'callNoAnswer',
      failed: 'callFailed',
      ringing: 'callRinging',
    };
    const key = map[last.status ?? ''] ?? (out ? 'callOut' : 'callIn');
    const missed = last.status === 'missed';
    return {
      text: t(`conversation.preview.${key}`),
      icon: missed ? 'phoneMissed' : out ? 'phoneOut' : 'phoneIn',
      tone: missed ? 'danger' : null,
    };
  }
  if (last.kind === 'system') {
    const key =
      last.type === 'permission_granted'
        ? 'permissionGranted'
        : last.type === 'permission_declined'
          ? 'permissionDeclined'
          : last.type.startsWith('customer_changed')
            ? 'customerChanged'
            : 'permissionRevoked';
    return { text: t(`conversation.preview.${key}`), icon: null, tone: null };
  }
  let text = messagePreview(last.type, last.body, t);
  if (last.direction === 'out') text = t('conversation.list.you', { text });
  return { text, icon: PREVIEW_ICON[last.type] ?? null, tone: null };
}

function messagePreview(type: string, body: string | null, t: Translate): string {
  const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();
  switch (type) {
    case 'text':
    case 'button':
    case 'template':
      return oneLine(body ?? '');
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'location':
    case 'contacts':
      return body ? `${t(`conversation.preview.${type}`)} · ${oneLine(body)}` : t(`conversation.preview.${type}`);
    case 'sticker':
      return t('conversation.preview.sticker');
    case 'interactive':
      return t('conversation.preview.interactive', { text: oneLine(body ?? '') });
    case 'reaction':
      return t('conversation.preview.reaction', { emoji: body ?? '' });
    case 'call_permission_request':
      return t('conversation.preview.permissionRequest');
    default:
      return t('conversation.preview.unsupported');
  }
}

/** Splits an FTS snippet ("…\u0001word\u0002…") into parts; marked parts are the matches. */
export function snippetParts(snippet: string): Array<{ text: string; mark: boolean }> {
  const out: Array<{ text: string; mark: boolean }> = [];
  let mark = false;
  let buf = '';
  const flush = (): void => {
    if (buf) out.push({ text: buf, mark });
    buf = '';
  };
  for (const ch of snippet) {
    if (ch === '\u0001') {
      flush();
      mark = true;
    } else if (ch === '\u0002') {
      flush();
      mark = false;
    } else {
      buf += ch;
    }
  }
  flush();
  return out;
}

// ---- timeline items ----------------------------------------------------------------------

export type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (typeof v === 'object' && v !== null ? (v as Raw) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/** The raw WhatsApp message an inbound item carries. */
export function rawMessage(item: TimelineItem): Raw {
  return obj(item.data['message']);
}

/** The reason a message failed, in plain words (Graph's message, or the webhook error's). */
export function failureReason(item: TimelineItem): string | null {
  const e = obj(item.data['error']);
  // `plain`: main's plain-language message for a known code (a failure reported by a status webhook).
  const details = str(obj(e['error_data'])['details']);
  return str(e['plain']) ?? details ?? str(e['message']) ?? str(e['title']);
}

export function reactionsOf(item: TimelineItem): string[] {
  const r = obj(item.data['reactions']);
  return Object.values(r).filter((v): v is string => typeof v === 'string' && v.length > 0);
}

export interface MediaInfo {
  kind: 'photo' | 'voice' | 'audio' | 'video' | 'document' | 'sticker' | 'location' | 'contact';
  title: string | null;
  caption: string | null;
}

/** What a non-text message shows in place of its media (downloads arrive later). */
export function mediaOf(item: TimelineItem): MediaInfo | null {
  const raw = rawMessage(item);
  const part = obj(raw[item.type]);
  switch (item.type) {
    case 'image':
      return { kind: 'photo', title: null, caption: str(part['caption']) };
    case 'video':
      return { kind: 'video', title: null, caption: str(part['caption']) };
    case 'audio':
      return { kind: part['voice'] === true || part['voice'] === undefined ? 'voice' : 'audio', title: null, caption: null };
    case 'document':
      return { kind: 'document', title: str(part['filename']), caption: str(part['caption']) };
    case 'sticker':
      return { kind: 'sticker', title: null, caption: null };
    case 'location':
      return {
        kind: 'location',
        title: str(part['name']),
        caption:
          str(part['address']) ??
          (typeof part['latitude'] === 'number' ? `${String(part['latitude'])}, ${String(part['longitude'])}` : null),
      };
    case 'contacts': {
      const list = Array.isArray(raw['contacts']) ? (raw['contacts'] as Raw[]) : [];
      const names = list.map((c) => str(obj(c['name'])['formatted_name'])).filter(Boolean);
      return { kind: 'contact', title: names.join(', ') || null, caption: null };
    }
    default:
      return null;
  }
}

export function isUnsupported(item: TimelineItem): boolean {
  return (
    item.kind === 'message' &&
    ![
      'text',
      'template',
      'image',
      'audio',
      'video',
      'document',
      'sticker',
      'location',
      'contacts',
      'interactive',
      'button',
      'reaction',
      'call_permission_request',
    ].includes(item.type)
  );
}

/** When a call permission runs out: "Tue 14:00" within the week ahead, "Tue 2 Dec, 14:00" beyond. */
export function permissionUntil(iso: string, locale: string, now = new Date()): string {
  const d = new Date(iso);
  const soon = d.getTime() - now.getTime() < 6 * 86_400_000;
  const opts: Intl.DateTimeFormatOptions = soon
    ? { weekday: 'short', hour: 'numeric', minute: '2-digit' }
    : { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' };
  return dateTimeFormat(opts, locale).format(d);
}

export interface TemplatePart {
  text: string;
  /** A `{{n}}` slot (text is the value typed for it, possibly empty). */
  param: boolean;
  n: number;
}

/** A template body split into plain text and its `{{n}}` slots, filled with `values` (never HTML). */
export function fillTemplate(body: string, values: readonly string[]): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of body.matchAll(/\{\{(\d+)\}\}/g)) {
    if (m.index > last) parts.push({ text: body.slice(last, m.index), param: false, n: 0 });
    const n = Number(m[1]);
    parts.push({ text: values[n - 1] ?? '', param: true, n });
    last = m.index + m[0].length;
  }
  if (last < body.length) parts.push({ text: body.slice(last), param: false, n: 0 });
  return parts;
}
