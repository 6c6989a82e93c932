/** Small formatting helpers for the call UI (no Vue). Durations: common/rules/duration.ts. */
import { formatPhone } from '../../format/phone.ts';
import type { CallerInfo } from '../../stores/calls.store.ts';

export function countryName(code: string | null, locale = 'en'): string | null {
  if (!code) return null;
  try {
    return new Intl.DisplayNames([locale, 'en'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** What to call the caller: as the thread names them (common/rules/customer.ts), else null (the UI says "Unknown caller"). */
export function callerTitle(c: CallerInfo): string | null {
  return c.title;
}

/** The number, formatted, when the title is a name (otherwise the title already is the number). */
export function callerNumber(c: CallerInfo): string | null {
  return c.name && c.number ? formatPhone(c.number) : null;
}
