/**
 * The languages Switchboard speaks, shared by main (its own catalog, main/i18n/) and the renderer
 * (vue-i18n, renderer/src/i18n/). Pure TypeScript: no Node built-ins, no DOM.
 *
 * The owner chooses a `LanguagePreference` (Settings; kept in main's config as
 * `preferences.language`); 'system' follows the OS / browser languages through `pickLocale`.
 */

/** Every language Switchboard has a catalog for; 'en' is the default and the fallback. */
export const LOCALES = ['en', 'pt-BR', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export type LanguagePreference = 'system' | Locale;

export const DEFAULT_LOCALE: Locale = 'en';
export const LANGUAGE_PREFERENCES: readonly LanguagePreference[] = ['system', ...LOCALES];

/** Whether `value` is one of the LOCALES, spelled exactly. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * A language tag as hosts report it, normalised: POSIX locales ('pt_BR.UTF-8', 'es_MX@euro') and
 * BCP 47 tags ('pt-br') become 'pt-BR' / 'es-MX'; 'C', 'POSIX' and empty ones become null.
 */
export function normalizeTag(tag: string): string | null {
  const bare = tag.trim().split(/[.@]/)[0]!.replace(/_/g, '-');
  if (!bare || bare === 'C' || bare === 'POSIX' || !/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(bare)) return null;
  const [lang, ...rest] = bare.split('-');
  return [lang!.toLowerCase(), ...rest.map((p) => (p.length === 2 ? p.toUpperCase() : p))].join('-');
}

/**
 * The first of the OS/browser languages (most preferred first) that Switchboard speaks: an exact
 * tag ('pt-BR'), else the language alone ('pt-PT', 'pt' → 'pt-BR'; 'es-MX', 'es-419' → 'es';
 * 'en-GB' → 'en'). None of them, or an empty list: 'en'.
 */
export function pickLocale(preferred: readonly string[]): Locale {
  for (const raw of preferred) {
    const tag = normalizeTag(raw);
    if (!tag) continue;
    const exact = LOCALES.find((l) => l.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    const lang = tag.split('-')[0];
    const byLanguage = LOCALES.find((l) => l.split('-')[0] === lang);
    if (byLanguage) return byLanguage;
  }
  return DEFAULT_LOCALE;
}

/** The locale a preference means, given the system's languages. */
export function effectiveLocale(preference: LanguagePreference, system: readonly string[]): Locale {
  return preference === 'system' ? pickLocale(system) : preference;
}
