/**
 * What test/renderer/i18n/catalog-complete.test.ts checks a catalog for, against English: its keys,
 * the `{params}` each message uses and its plural forms. Shared with the pseudo-locale's test.
 */
import en from '../../../renderer/src/i18n/en.ts';

export type Tree = { [key: string]: string | Tree };

export function leaves(tree: Tree, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(tree)) {
    if (v && typeof v === 'object') for (const [kk, vv] of leaves(v, `${prefix}${k}.`)) out.set(kk, vv);
    else out.set(`${prefix}${k}`, v);
  }
  return out;
}

/** The message's plural forms: split on `|` outside `{…}` (a literal bar is written `{'|'}`). */
export function pluralForms(message: string): string[] {
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
  return forms;
}

/** The named `{params}` a message uses (literals such as `{'@'}` are not params). */
export function paramsOf(message: string): string[] {
  return [...new Set([...message.matchAll(/\{\s*([A-Za-z_$][\w$]*)\s*\}/g)].map((m) => m[1]!))].sort();
}

/** Everything wrong with `catalog` against English, one line each. */
export function catalogProblems(locale: string, catalog: Tree | undefined): string[] {
  if (!catalog) return [`${locale}: no catalog (renderer/src/i18n/${locale}.ts is missing or not registered in i18n/index.ts)`];
  const base = leaves(en as unknown as Tree);
  const theirs = leaves(catalog);
  const problems: string[] = [];
  for (const [key, source] of base) {
    const text = theirs.get(key);
    if (text === undefined) {
      problems.push(`${locale} ${key}: missing (English: "${String(source)}")`);
      continue;
    }
    if (typeof text !== 'string' || !text.trim()) {
      problems.push(`${locale} ${key}: not a message (${JSON.stringify(text)})`);
      continue;
    }
    const want = paramsOf(String(source));
    const got = paramsOf(text);
    if (want.join(',') !== got.join(',')) {
      problems.push(`${locale} ${key}: params {${got.join('}, {')}} instead of {${want.join('}, {')}}`);
    }
    const wantForms = pluralForms(String(source)).length;
    const gotForms = pluralForms(text).length;
    if (wantForms !== gotForms) {
      problems.push(`${locale} ${key}: ${gotForms} plural form(s) instead of ${wantForms} (separated by " | ")`);
    }
  }
  for (const key of theirs.keys()) if (!base.has(key)) problems.push(`${locale} ${key}: not in English (a typo, or a key English dropped)`);
  return problems;
}
