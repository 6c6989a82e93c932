/**
 * Times on the Connection screen: clock times ("14:02", with the date when it isn't today) and
 * "in 12 sec." for the next retry (with a ticking `now`: composables/now.ts).
 */
import { clockOptions, dateTimeFormat, formatRelative } from '../../../format/intl.ts';

const sameDay = (a: Date, b: Date): boolean => a.toDateString() === b.toDateString();

/** "14:02" (or "2:02 PM", as the locale reads the clock) today, "Nov 24, 14:02" otherwise; `seconds` adds them ("14:02:07"). */
export function formatClock(iso: string | null, locale: string, now: Date = new Date(), seconds = false): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const time = clockOptions(seconds);
  const opts: Intl.DateTimeFormatOptions = sameDay(d, now) ? time : { month: 'short', day: 'numeric', ...time };
  return dateTimeFormat(opts, locale).format(d);
}

/** "in 12 sec." / "in 3 min." (null once the moment has passed). */
export function formatIn(iso: string | null, locale: string, now: number): string | null {
  if (!iso) return null;
  const ms = new Date(iso).getTime() - now;
  if (Number.isNaN(ms) || ms <= 0) return null;
  const style: Intl.RelativeTimeFormatOptions = { numeric: 'always', style: 'short' };
  const s = Math.ceil(ms / 1000);
  if (s < 60) return formatRelative(s, 'second', style, locale);
  const m = Math.round(s / 60);
  return m < 60 ? formatRelative(m, 'minute', style, locale) : formatRelative(Math.round(m / 60), 'hour', style, locale);
}
