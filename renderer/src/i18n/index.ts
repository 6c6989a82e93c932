/**
 * vue-i18n in composition mode (`legacy: false`).
 *
 * CSP: the renderer runs under `script-src 'self'` (no eval, no Function constructor). vue-i18n 11
 * compiles messages "just in time" to an AST and evaluates that AST — it never generates code —
 * so the full build with its message compiler is safe here (the old `__INTLIFY_JIT_COMPILATION__`
 * switch is gone; JIT is the only mode). Checked on the built bundle: `out/renderer/assets/*.js`
 * has no call to either.
 *
 * Languages (common/i18n/locales.ts): English is always loaded and is every other catalog's
 * fallback, key by key; Brazilian Portuguese and Spanish come from ./pt-BR.ts and ./es.ts, each a
 * deep partial of en's `Messages` (a key not translated yet reads English; catalog-complete.test.ts
 * fails until it is). All three are bundled: together they are small. Which language is in effect
 * is main's answer (getLanguage, the `language` event: stores/language.store.ts), applied here
 * without a restart by `applyLocale`: vue-i18n's locale, `<html lang>`, and the locale every date,
 * time and number is formatted in (format/intl.ts).
 */
import { createI18n } from 'vue-i18n';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '../../../common/i18n/locales.ts';
import { setFormatLocale, textDirection } from '../format/intl.ts';
import en, { type Messages } from './en.ts';
import es from './es.ts';
import ptBR from './pt-BR.ts';
import { PSEUDO_LOCALE, pseudoCatalog } from './pseudo.ts';

export type { Messages, Locale };
export { PSEUDO_LOCALE };

/** A catalog other than English: any key may be missing (it falls back to English). */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type PartialMessages = DeepPartial<Messages>;

/** What vue-i18n may be set to: a language Switchboard speaks, or the pseudo-locale (developers, layout tests). */
export type UiLocale = Locale | typeof PSEUDO_LOCALE;

/** Every catalog, by locale; a language added to LOCALES fails to compile until it has one here. */
export const CATALOGS: Record<Locale, PartialMessages> & { en: Messages } = { en, 'pt-BR': ptBR, es };

const LOCALE_STORAGE_KEY = 'switchboard.locale';

/**
 * The language the window last showed (kept in localStorage), so it opens in it rather than
 * flashing English until main answers. English when nothing is kept.
 */
export function rememberedLocale(): Locale {
  try {
    const kept = globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY);
    return (LOCALES as readonly string[]).includes(kept ?? '') ? (kept as Locale) : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

export function createAppI18n(locale: UiLocale = 'en') {
  const i18n = createI18n<[Messages], Locale, false>({
    legacy: false,
    locale: 'en',
    fallbackLocale: 'en',
    // The other catalogs are partial by design: a missing key reads English (and fails catalog-complete.test.ts).
    messages: CATALOGS as Record<Locale, Messages>,
    // Falling back to English is expected while a translation catches up; don't warn for each key.
    missingWarn: false,
    fallbackWarn: false,
    // Messages are ours and contain no HTML; nothing is rendered with v-html.
    warnHtmlMessage: false,
  });
  active = i18n;
  applyLocale(locale);
  return i18n;
}

type AppI18n = ReturnType<typeof createAppI18n>;

/**
 * A catalog message in the window's language, for code outside components (stores); a computed
 * that calls it follows a change of language. Null before the app's i18n exists (a store in a unit test).
 */
export function translate(key: string, params: Record<string, unknown> = {}): string | null {
  if (!active || !active.global.te(key as never, 'en')) return null;
  return active.global.t(key as never, params);
}
let active: AppI18n | null = null;

/**
 * Switches the window to `locale` at once: the messages (vue-i18n's global locale), `<html lang>`
 * (screen readers, hyphenation, spell checking) and `<html dir>`, and the formatting locale — the first of the
 * `system` languages in the same language, so an English window on an en-GB system shows a
 * 24-hour clock. Anything else reads English. The pseudo-locale is made from English
 * the first time it is asked for.
 */
export function applyLocale(locale: UiLocale, system: readonly string[] = []): void {
  const i18n = active;
  const target: UiLocale = locale === PSEUDO_LOCALE || (LOCALES as readonly string[]).includes(locale) ? locale : 'en';
  if (i18n) {
    if (target === PSEUDO_LOCALE && !i18n.global.availableLocales.includes(PSEUDO_LOCALE as Locale)) {
      i18n.global.setLocaleMessage(PSEUDO_LOCALE as Locale, pseudoCatalog(en));
    }
    i18n.global.locale.value = target as Locale;
  }
  setFormatLocale(target, system);
  if (typeof document !== 'undefined') {
    document.documentElement.lang = target === PSEUDO_LOCALE ? 'en' : target;
    // Every locale today is left to right; the layout uses logical CSS so a right-to-left one only needs its catalog.
    document.documentElement.dir = textDirection();
  }
  if (target !== PSEUDO_LOCALE) {
    try {
      globalThis.localStorage?.setItem(LOCALE_STORAGE_KEY, target);
    } catch {
      // Storage disabled: the next window opens in English until main answers.
    }
  }
}

declare module 'vue-i18n' {
  // Typed keys for `t()` everywhere.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  export interface DefineLocaleMessage extends Messages {}
}
