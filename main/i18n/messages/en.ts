/**
 * Main's catalog, English: the source every translation follows (pt-BR.ts, es.ts have exactly
 * these keys). Keys are `domain.what`; `{name}` placeholders and `{n, plural, one {…} other {…}}`
 * forms (main/i18n/format.ts). Write for a shop owner: plain words, no jargon they cannot act on.
 */
export const en = {
  'language.system': 'System language',
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
