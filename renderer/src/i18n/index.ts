/**
 * vue-i18n in composition mode (`legacy: false`).
 *
 * CSP: the renderer runs under `script-src 'self'` (no eval, no Function constructor). vue-i18n 11
 * compiles messages "just in time" to an AST and evaluates that AST — it never generates code —
 * so the full build with its message compiler is safe here (the old `__INTLIFY_JIT_COMPILATION__`
 * switch is gone; JIT is the only mode). Checked on the built bundle: `out/renderer/assets/*.js`
 * has no call to either.
 */
import { createI18n } from 'vue-i18n';
import en, { type Messages } from './en.ts';

export type { Messages };

export const SUPPORTED_LOCALES = ['en'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

export function createAppI18n(locale: Locale = 'en') {
  return createI18n<[Messages], Locale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en },
    // Messages are ours and contain no HTML; nothing is rendered with v-html.
    warnHtmlMessage: false,
  });
}

declare module 'vue-i18n' {
  // Typed keys for `t()` everywhere.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  export interface DefineLocaleMessage extends Messages {}
}
