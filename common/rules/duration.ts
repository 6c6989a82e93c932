/**
 * How long a call lasted (or has lasted so far), as calls are conventionally shown: whole seconds
 * rounded down, m:ss, with hours when there are any — 75 → "1:15", 3725 → "1:02:05".
 * A 59.9-second call reads "0:59", as the live timer read just before it ended.
 *
 * With a `locale` (the window passes its own, renderer/src/format/intl.ts), the digits and the
 * separator are the locale's (Intl: "1:15" in English, Portuguese and Spanish, "1.15" in Finnish,
 * "١:١٥" in Arabic); without one (main: the call log's CSV) they are plain ASCII.
 */
export function formatCallDuration(totalSeconds: number, locale?: string): string {
  const s = Number.isFinite(totalSeconds) ? Math.max(0, Math.floor(totalSeconds)) : 0;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (!locale) {
    const ss = String(sec).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
  }
  const { num, two, sep } = digitsFor(locale);
  return h > 0 ? `${num.format(h)}${sep}${two.format(m)}${sep}${two.format(sec)}` : `${num.format(m)}${sep}${two.format(sec)}`;
}

const formats = new Map<string, { num: Intl.NumberFormat; two: Intl.NumberFormat; sep: string }>();
function digitsFor(locale: string): { num: Intl.NumberFormat; two: Intl.NumberFormat; sep: string } {
  let f = formats.get(locale);
  if (!f) {
    f = {
      num: new Intl.NumberFormat(locale, { useGrouping: false }),
      two: new Intl.NumberFormat(locale, { minimumIntegerDigits: 2, useGrouping: false }),
      sep: timeSeparator(locale),
    };
    formats.set(locale, f);
  }
  return f;
}

/** The character a locale writes between hours and minutes (":" mostly, "." in Finnish). */
function timeSeparator(locale: string): string {
  try {
    const parts = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' }).formatToParts(
      0,
    );
    const i = parts.findIndex((p) => p.type === 'hour');
    const lit = parts[i + 1];
    return lit && lit.type === 'literal' && lit.value.trim() ? lit.value.trim() : ':';
  } catch {
    return ':';
  }
}
