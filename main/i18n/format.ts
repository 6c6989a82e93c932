/**
 * The message format of main's catalog, kept small on purpose:
 *  - `{name}` is replaced by the param `name` (strings and numbers as they are, no grouping, so a
 *    port or a code reads the same in every language);
 *  - `{n, plural, one {# call} other {# calls}}` picks a form by Intl.PluralRules for the locale
 *    (`=0 {…}` exact matches first; `other` is required; `#` is the number), and its forms may
 *    hold `{name}` placeholders;
 *  - a param that is missing leaves `{name}` in the text (tests catch it; the owner still sees the rest).
 */
import type { Locale } from '../../common/i18n/locales.ts';

export type MessageParams = Readonly<Record<string, string | number>>;

const pluralRules = new Map<string, Intl.PluralRules>();
function pluralCategory(locale: Locale, n: number): string {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules.select(n);
}

/** Index of the `}` that closes the `{` at `open`, or -1. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The forms of a plural's body: `one {…} other {…}` → { one: '…', other: '…' }. */
function pluralForms(body: string): Map<string, string> | null {
  const forms = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const m = /^\s*(=\d+|zero|one|two|few|many|other)\s*\{/.exec(body.slice(i));
    if (!m) return body.slice(i).trim() === '' ? forms : null;
    const open = i + m[0].length - 1;
    const close = closingBrace(body, open);
    if (close < 0) return null;
    forms.set(m[1]!, body.slice(open + 1, close));
    i = close + 1;
  }
  return forms;
}

/** `template` with its params filled in, for `locale`'s plural rules. */
export function formatMessage(locale: Locale, template: string, params: MessageParams = {}): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) break;
    const close = closingBrace(template, open);
    if (close < 0) break;
    out += template.slice(i, open);
    out += placeholder(locale, template.slice(open + 1, close), params) ?? template.slice(open, close + 1);
    i = close + 1;
  }
  return out + template.slice(i);
}

function placeholder(locale: Locale, inner: string, params: MessageParams): string | null {
  const simple = /^\s*(\w+)\s*$/.exec(inner);
  if (simple) {
    const value = params[simple[1]!];
    return value === undefined ? null : String(value);
  }
  const plural = /^\s*(\w+)\s*,\s*plural\s*,([\s\S]*)$/.exec(inner);
  if (!plural) return null;
  const value = params[plural[1]!];
  const forms = pluralForms(plural[2]!);
  if (value === undefined || !forms || !forms.has('other')) return null;
  const n = Number(value);
  const form = forms.get(`=${n}`) ?? forms.get(pluralCategory(locale, n)) ?? forms.get('other')!;
  return formatMessage(locale, form.replace(/#/g, String(value)), params);
}

/**
 * The param names a template uses (`{name}` and the number of each plural, and the placeholders
 * inside plural forms): the catalog test checks every locale's translation uses en's.
 */
export function placeholderNames(template: string): Set<string> {
  const names = new Set<string>();
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) break;
    const close = closingBrace(template, open);
    if (close < 0) break;
    const inner = template.slice(open + 1, close);
    const simple = /^\s*(\w+)\s*$/.exec(inner);
    const plural = /^\s*(\w+)\s*,\s*plural\s*,([\s\S]*)$/.exec(inner);
    if (simple) names.add(simple[1]!);
    else if (plural) {
      names.add(plural[1]!);
      for (const form of pluralForms(plural[2]!)?.values() ?? []) for (const n of placeholderNames(form)) names.add(n);
    }
    i = close + 1;
  }
  return names;
}
