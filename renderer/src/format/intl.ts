/**
 * Every date, time, number, duration, relative time and country or language name the window shows
 * is formatted here, through Intl, in the app's language — one place bound to the current locale.
 *
 * Two locales are kept: the catalog's (`en`, `pt-BR`, `es`: what vue-i18n speaks) and the tag Intl
 * formats with. They differ when the OS names a region of the same language: English words with
 * `en-GB` in the system languages show "14:05" and "25/11/2026", Spanish words with `es-MX` show
 * Mexican dates. Nothing here hard-codes a locale: the time of day is 12- or 24-hour as the
 * formatting locale says (its hourCycle), and the call-hours inputs follow the same clock.
 *
 * Helpers take an optional `locale`. Passing the catalog locale a component got from `useI18n()`
 * (as the older helpers do) resolves to the formatting tag above; any other tag is used as is
 * (tests, a message sent in another language). Every function reads the reactive locale, so a
 * `computed` that calls one follows a change of language without a restart.
 */
import { ref } from 'vue';
import { formatCallDuration } from '../../../common/rules/duration.ts';
import { normalizeTag } from '../../../common/i18n/locales.ts';

/** The pseudo-locale (en with every string 40% longer, accented) formats as English. */
const PSEUDO_TAG = 'en-XA';

const uiLocale = ref('en');
const formatTag = ref('en');

const baseLanguage = (tag: string): string => tag.split('-')[0]!.toLowerCase();

function supported(tag: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0;
  } catch {
    return false;
  }
}

/**
 * The tag Intl formats with for catalog locale `ui`: the first system language of the same
 * language (its region's conventions: "en-GB" → 24-hour clock), else `ui` itself.
 */
export function formattingTagFor(ui: string, system: readonly string[] = []): string {
  const base = ui === PSEUDO_TAG ? 'en' : ui;
  for (const raw of system) {
    const tag = normalizeTag(raw);
    if (tag && baseLanguage(tag) === baseLanguage(base) && supported(tag)) return tag;
  }
  return base;
}

/** Called when the language changes (renderer/src/i18n/index.ts applyLocale). */
export function setFormatLocale(ui: string, system: readonly string[] = []): void {
  uiLocale.value = ui;
  formatTag.value = formattingTagFor(ui, system);
}

/** `locale` as Intl should read it: the catalog locale in use means the formatting tag. */
export function intlLocale(locale?: string): string {
  const current = formatTag.value; // read first: callers' computeds track the language either way
  if (locale === undefined || locale === uiLocale.value) return current;
  return locale === PSEUDO_TAG ? 'en' : locale;
}

/** Which way the locale's script runs ("ar", "he": rtl): what <html dir> and the app's own short texts follow. */
export function textDirection(locale?: string): 'ltr' | 'rtl' {
  const tag = intlLocale(locale);
  try {
    const l = new Intl.Locale(tag) as Intl.Locale & { getTextInfo?: () => { direction?: string }; textInfo?: { direction?: string } };
    return (l.getTextInfo?.() ?? l.textInfo)?.direction === 'rtl' ? 'rtl' : 'ltr';
  } catch {
    return 'ltr';
  }
}

// ---- cached formatters -----------------------------------------------------------------------

const cache = new Map<string, unknown>();
function cached<T>(kind: string, locale: string, opts: object, make: () => T): T {
  const key = `${kind}|${locale}|${JSON.stringify(opts)}`;
  let hit = cache.get(key) as T | undefined;
  if (hit === undefined) {
    hit = make();
    cache.set(key, hit);
  }
  return hit;
}

export function dateTimeFormat(opts: Intl.DateTimeFormatOptions, locale?: string): Intl.DateTimeFormat {
  const tag = intlLocale(locale);
  return cached('dt', tag, opts, () => new Intl.DateTimeFormat(tag, opts));
}

export function numberFormat(opts: Intl.NumberFormatOptions = {}, locale?: string): Intl.NumberFormat {
  const tag = intlLocale(locale);
  return cached('num', tag, opts, () => new Intl.NumberFormat(tag, opts));
}

function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

/** Any instant with explicit Intl options ("medium date, short time" and the like). */
export function formatDate(value: Date | string | number, opts: Intl.DateTimeFormatOptions, locale?: string): string {
  const d = toDate(value);
  return Number.isNaN(d.getTime()) ? '' : dateTimeFormat(opts, locale).format(d);
}

/** "Nov 25, 2026, 2:05 PM" / "25 de nov. de 2026, 14:05": a full moment (About, restrictions, tokens). */
export function formatDateTimeMedium(value: Date | string | number, locale?: string): string {
  return formatDate(value, { dateStyle: 'medium', timeStyle: 'short' }, locale);
}

// ---- the time of day -------------------------------------------------------------------------

/** The options for a time of day: the locale's own clock (12- or 24-hour), minutes always two digits. */
export function clockOptions(seconds = false): Intl.DateTimeFormatOptions {
  return seconds ? { hour: 'numeric', minute: '2-digit', second: '2-digit' } : { hour: 'numeric', minute: '2-digit' };
}

/** "2:05 PM" / "14:05". */
export function formatTime(value: Date | string | number, locale?: string, seconds = false): string {
  return formatDate(value, clockOptions(seconds), locale);
}

/** The locale's hour cycle: h12 / h11 (with AM/PM) or h23 / h24. */
export function hourCycle(locale?: string): 'h11' | 'h12' | 'h23' | 'h24' {
  return dateTimeFormat({ hour: 'numeric' }, locale).resolvedOptions().hourCycle ?? 'h23';
}

/** Whether the locale reads the time of day with AM/PM. */
export function uses12Hour(locale?: string): boolean {
  const c = hourCycle(locale);
  return c === 'h12' || c === 'h11';
}

const HHMM = /^([01]\d|2[0-3])([0-5]\d)$/;

/**
 * Meta's "HHMM" (a wall-clock time, no zone) as the locale reads it: "0930" → "9:30 AM" in a
 * 12-hour locale, "09:30" in a 24-hour one. Anything that is not HHMM is returned unchanged.
 */
export function formatHHMM(hhmm: string, locale?: string): string {
  const m = HHMM.exec(hhmm);
  if (!m) return hhmm;
  const at = new Date(Date.UTC(2000, 0, 1, Number(m[1]), Number(m[2])));
  const opts: Intl.DateTimeFormatOptions = uses12Hour(locale)
    ? { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }
    : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' };
  return dateTimeFormat(opts, locale).format(at);
}

/** The locale's words for AM and PM ("AM"/"PM", "a. m."/"p. m."), lower-cased and without dots or spaces. */
function dayPeriods(locale?: string): { am: string; pm: string } {
  const f = dateTimeFormat({ hour: 'numeric', hourCycle: 'h12', timeZone: 'UTC' }, locale);
  const period = (h: number): string =>
    (f.formatToParts(new Date(Date.UTC(2000, 0, 1, h))).find((p) => p.type === 'dayPeriod')?.value ?? '')
      .toLowerCase()
      .replace(/[.\s\u00a0\u202f]/g, '');
  return { am: period(9) || 'am', pm: period(21) || 'pm' };
}

/**
 * A time typed by a person → Meta's "HHMM", or null when it is not a time. Reads what either
 * clock writes: "9:30", "09.30", "9h30", "0930", "21:30", "9:30 PM", "9pm", "9:30 p. m." (and the
 * locale's own AM/PM words). "12 AM" is midnight, "12 PM" noon; "24:00" is not a time.
 */
export function parseTimeInput(text: string, locale?: string): string | null {
  const raw = text
    .trim()
    .toLowerCase()
    .replace(/[\u00a0\u202f]/g, ' ');
  const m = /^(\d{1,4})(?:\s*[:.h]\s*(\d{2}))?\s*(.*)$/.exec(raw);
  if (!m) return null;
  const digits = m[1]!;
  if (digits.length > 2 && m[2] !== undefined) return null;
  // "930" and "0930" are hours and minutes written together.
  let hour = Number(digits.length > 2 ? digits.slice(0, -2) : digits);
  const minute = Number(digits.length > 2 ? digits.slice(-2) : (m[2] ?? '0'));
  const suffix = m[3]!.replace(/[.\s]/g, '');
  if (minute > 59) return null;
  if (suffix) {
    const { am, pm } = dayPeriods(locale);
    const isAm = suffix === am || suffix === 'am' || suffix === 'a';
    const isPm = suffix === pm || suffix === 'pm' || suffix === 'p';
    if ((!isAm && !isPm) || hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (isPm ? 12 : 0);
  } else if (hour > 23) {
    return null;
  }
  return `${String(hour).padStart(2, '0')}${String(minute).padStart(2, '0')}`;
}

// ---- numbers, durations, relative times ------------------------------------------------------

/** 12345 → "12,345" / "12.345". */
export function formatNumber(n: number, opts: Intl.NumberFormatOptions = {}, locale?: string): string {
  return numberFormat(opts, locale).format(n);
}

/** 3 'minute' → "3 min"; 20 'second' → "20 sec" / "20 s" (the locale's short unit). */
export function formatUnit(
  n: number,
  unit: 'second' | 'minute' | 'hour' | 'day' | 'kilobyte' | 'megabyte',
  display: 'short' | 'long' | 'narrow' = 'short',
  locale?: string,
): string {
  return formatNumber(n, { style: 'unit', unit, unitDisplay: display }, locale);
}

/** A call's length as calls are shown, "1:15" / "1:02:05", in the locale's digits (common/rules/duration.ts). */
export function formatDuration(totalSeconds: number, locale?: string): string {
  return formatCallDuration(totalSeconds, intlLocale(locale));
}

export function relativeTimeFormat(opts: Intl.RelativeTimeFormatOptions = {}, locale?: string): Intl.RelativeTimeFormat {
  const tag = intlLocale(locale);
  return cached('rel', tag, opts, () => new Intl.RelativeTimeFormat(tag, opts));
}

/** -5 'minute' → "5 min. ago"; 1 'day' → "tomorrow" (numeric: 'auto'). */
export function formatRelative(
  value: number,
  unit: Intl.RelativeTimeFormatUnit,
  opts: Intl.RelativeTimeFormatOptions = { numeric: 'auto', style: 'short' },
  locale?: string,
): string {
  return relativeTimeFormat(opts, locale).format(value, unit);
}

/**
 * How far `iso` is from `now` in the largest whole unit: "5 min. ago", "in 12 sec.", "yesterday",
 * "3 days ago" ("now" under a second). Null for an unreadable time.
 */
export function timeFromNow(iso: string | Date, now: Date | number = Date.now(), locale?: string): string | null {
  const at = toDate(iso).getTime();
  const ref = typeof now === 'number' ? now : now.getTime();
  if (Number.isNaN(at)) return null;
  const diffS = Math.round((at - ref) / 1000);
  const abs = Math.abs(diffS);
  const sign = diffS < 0 ? -1 : 1;
  if (abs < 60) return formatRelative(abs < 1 ? 0 : diffS, 'second', { numeric: 'auto', style: 'short' }, locale);
  if (abs < 3600) return formatRelative(sign * Math.floor(abs / 60), 'minute', undefined, locale);
  if (abs < 86_400) return formatRelative(sign * Math.floor(abs / 3600), 'hour', undefined, locale);
  return formatRelative(sign * Math.floor(abs / 86_400), 'day', undefined, locale);
}

// ---- names -----------------------------------------------------------------------------------

function displayNames(type: 'region' | 'language', locale?: string): Intl.DisplayNames | null {
  const tag = intlLocale(locale);
  return cached(`names-${type}`, tag, {}, () => {
    try {
      return new Intl.DisplayNames([tag, 'en'], { type, fallback: 'code' });
    } catch {
      return null;
    }
  });
}

/** "BR" → "Brazil" / "Brasil". The code itself when Intl has no name for it. */
export function regionName(code: string | null | undefined, locale?: string): string {
  if (!code) return '';
  try {
    return displayNames('region', locale)?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/**
 * "pt-BR" → "Brazilian Portuguese" in the current language, or in its own language with
 * `locale: 'self'` ("português (Brasil)"): how a language menu names its choices.
 */
export function languageName(tag: string, locale?: string | 'self'): string {
  const inLocale = locale === 'self' ? tag : locale;
  try {
    const name = displayNames('language', inLocale)?.of(tag) ?? tag;
    // Intl writes a language's name in lower case in some languages ("español"); a menu item starts with a capital.
    return locale === 'self' ? name.charAt(0).toLocaleUpperCase(tag) + name.slice(1) : name;
  } catch {
    return tag;
  }
}

/** Sorting words the way the language does ("Åland" next to "Albania", accents ignored in Spanish order). */
export function collator(locale?: string): Intl.Collator {
  const tag = intlLocale(locale);
  return cached('coll', tag, {}, () => new Intl.Collator(tag));
}
