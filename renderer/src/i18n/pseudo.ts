/**
 * The pseudo-locale `en-XA`: English with every message 40% longer and its letters accented —
 * "Conversations" → "[Ćöñṽéŕšåţîöñš ōñé]" — to see, before any translator has, where a longer
 * language would overflow and where a string was left out of the catalog (it stays plain English).
 * The brackets show where a string was cut. `{params}`, vue-i18n's `{'@'}` literals and the
 * ` | ` between plural forms are kept as they are, so every message still works.
 *
 * Turned on for a window with `localStorage.setItem('switchboard.pseudoLocale', '1')` and a
 * reload (the language store reads it); test/browser/locale-layout.spec.ts renders every main
 * screen in it.
 */
export const PSEUDO_LOCALE = 'en-XA';
export const PSEUDO_STORAGE_KEY = 'switchboard.pseudoLocale';
/** How much longer each message gets (German and Finnish run 30–40% longer than English). */
export const PSEUDO_GROWTH = 0.4;

const PLAIN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const FANCY = 'åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ';
const ACCENTED = new Map([...PLAIN].map((ch, i) => [ch, [...FANCY][i]!]));
/** Filler words that make up the length: real languages grow by words, which can wrap. */
const FILLER = 'ōñé ţŵö ţĥŕéé ƒöûŕ ƒîṽé šîẋ šéṽéñ éîĝĥţ ñîñé ţéñ éļéṽéñ ţŵéļṽé ţĥîŕţééñ ƒöûŕţééñ ƒîƒţééñ';

/** A run of exactly `n` filler characters: words with spaces between, never ending on a space. */
function filler(n: number): string {
  let out = '';
  while (out.length < n) out += (out ? ' ' : '') + FILLER;
  out = out.slice(0, n);
  return out.endsWith(' ') ? `${out.slice(0, -1)}ō` : out;
}

/** One plural form: letters accented outside `{…}`, then padded to 140% inside brackets. */
function pseudoForm(form: string): string {
  let out = '';
  let depth = 0;
  for (const ch of form) {
    if (ch === '{') depth++;
    out += depth === 0 ? (ACCENTED.get(ch) ?? ch) : ch;
    if (ch === '}') depth = Math.max(0, depth - 1);
  }
  const trimmed = out.trim();
  if (!trimmed) return form;
  const lead = out.slice(0, out.indexOf(trimmed));
  const tail = out.slice(out.indexOf(trimmed) + trimmed.length);
  const extra = Math.ceil([...form.trim()].length * PSEUDO_GROWTH);
  // The brackets count towards the 40%; the rest is filler words after a space.
  const pad = extra > 3 ? ` ${filler(extra - 3)}` : extra === 3 ? 'ō' : '';
  return `${lead}[${trimmed}${pad}]${tail}`;
}

/** A message: each plural form on its own (forms are separated by `|` outside `{…}`). */
export function pseudoMessage(message: string): string {
  const forms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < message.length; i++) {
    const ch = message[i];
    if (ch === '{') depth++;
    else if (ch === '}') depth = Math.max(0, depth - 1);
    else if (ch === '|' && depth === 0) {
      forms.push(message.slice(start, i));
      start = i + 1;
    }
  }
  forms.push(message.slice(start));
  return forms.map(pseudoForm).join('|');
}

/** The whole catalog, key for key. */
export function pseudoCatalog<T extends object>(catalog: T): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return pseudoMessage(node);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return walk(catalog) as T;
}
