/** Small formatting helpers for the call UI (no Vue). */
import { formatPhone } from '../../format/phone.ts';
import type { CallerInfo } from '../../stores/calls.store.ts';

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function countryName(code: string | null, locale = 'en'): string | null {
  if (!code) return null;
  try {
    return new Intl.DisplayNames([locale, 'en'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** "AS" for "Ana Souza"; "" when there is no name. */
export function initials(name: string | null): string {
  if (!name) return '';
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** What to call the caller: their name, else their number, else null (the UI says "Unknown caller"). */
export function callerTitle(c: CallerInfo): string | null {
  return c.name ?? (c.number ? formatPhone(c.number) : null);
}

/** The number, formatted, when the title is a name (otherwise the title already is the number). */
export function callerNumber(c: CallerInfo): string | null {
  return c.name && c.number ? formatPhone(c.number) : null;
}
