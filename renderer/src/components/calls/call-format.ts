/** Small formatting helpers for the call UI (no Vue). Durations: common/rules/duration.ts. */
import { formatPhone } from '../../format/phone.ts';
import { regionName } from '../../format/intl.ts';
import type { CallerInfo } from '../../stores/calls.store.ts';

/** "BR" → "Brazil" / "Brasil" in the window's language (format/intl.ts). */
export function countryName(code: string | null, locale?: string): string | null {
  return code ? regionName(code, locale) : null;
}

/** What to call the caller: as the thread names them (common/rules/customer.ts), else null (the UI says "Unknown caller"). */
export function callerTitle(c: CallerInfo): string | null {
  return c.title;
}

/** The number, formatted, when the title is a name (otherwise the title already is the number). */
export function callerNumber(c: CallerInfo): string | null {
  return c.name && c.number ? formatPhone(c.number) : null;
}
