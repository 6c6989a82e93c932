import { formatDate, formatTime } from '../../../format/intl.ts';

/** "14:30" today, "Sun 08:00" on another day (the locale's clock: "2:30 PM"): when do-not-disturb ends, in the owner's words. */
export function dndEndLabel(untilIso: string, locale: string, now = new Date()): string {
  const until = new Date(untilIso);
  const time = formatTime(until, locale);
  const sameDay = until.getFullYear() === now.getFullYear() && until.getMonth() === now.getMonth() && until.getDate() === now.getDate();
  if (sameDay) return time;
  return `${formatDate(until, { weekday: 'short' }, locale)} ${time}`;
}

/** Which choice set this end time: "until tomorrow" always ends at 08:00 sharp (main's dndUntil). */
export function dndChoiceOf(untilIso: string | null): 'off' | 'hour' | 'tomorrow' {
  if (!untilIso) return 'off';
  const d = new Date(untilIso);
  return d.getHours() === 8 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0 ? 'tomorrow' : 'hour';
}
