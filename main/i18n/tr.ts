/**
 * `tr(key, params)`: a text of main's catalog (main/i18n/messages/) in the language in effect.
 *
 * Main has one owner and one language at a time, so the locale in effect is process-wide: the
 * LanguageService (language-service.ts) sets it from the owner's preference and the system's
 * languages, and everything main says from then on — a DomainError's message, a notification,
 * the tray's labels, the call-permission banner — is made in that language when it is made.
 * Texts already shown stay as they were; the tray and notifications re-render on the change.
 */
import { z } from 'zod';
import { DEFAULT_LOCALE, type Locale } from '../../common/i18n/locales.ts';
import { formatMessage, type MessageParams } from './format.ts';
import { en, type MessageKey } from './messages/en.ts';
import { es } from './messages/es.ts';
import { ptBR } from './messages/pt-BR.ts';

export type { MessageKey, MessageParams };

/** Every locale's catalog: en's keys exactly (the compiler and test/unit/i18n/main-catalog.test.ts check). */
export const CATALOGS: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en, 'pt-BR': ptBR, es };

let current: Locale = DEFAULT_LOCALE;

/** The locale main's texts are made in now. */
export function mainLocale(): Locale {
  return current;
}

/** zod's own messages (a value of the wrong type, too long…) in main, per locale. */
const ZOD_LOCALES: Record<Locale, () => Parameters<typeof z.config>[0]> = { en: z.locales.en, 'pt-BR': z.locales.pt, es: z.locales.es };

/** Sets the locale main's texts are made in (the LanguageService does; tests may), zod's messages too. */
export function setMainLocale(locale: Locale): void {
  if (locale === current) return;
  current = locale;
  z.config(ZOD_LOCALES[locale]());
}

/** A text of main's catalog in `locale`; a key a catalog lacks falls back to en's text. */
export function trIn(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = CATALOGS[locale][key] ?? en[key];
  return formatMessage(locale, template, params);
}

/** A text of main's catalog in the language in effect. */
export function tr(key: MessageKey, params?: MessageParams): string {
  return trIn(current, key, params);
}

/** Whether `key` is in main's catalog (for keys built from a value Graph sends, e.g. a health state). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** Items joined as the language in effect joins a list: "a and b", "a e b", "a y b". */
export function trList(items: readonly string[]): string {
  return new Intl.ListFormat(current, { style: 'long', type: 'conjunction' }).format(items);
}
