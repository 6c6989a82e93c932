/**
 * Every language Switchboard offers (common/i18n/locales.ts) has a catalog in renderer/src/i18n/,
 * and every catalog says everything English says: each key of en.ts is there, with the same
 * `{params}` and the same number of plural forms (` | `), and nothing that English does not have.
 * A missing key would show English in the middle of a translated screen; a missing `{param}`
 * would drop a name or a time; a missing plural form would pick the wrong one. The failure lists
 * every problem, by locale and key.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOCALES } from '../../../common/i18n/locales.ts';
import en from '../../../renderer/src/i18n/en.ts';
import { CATALOGS, createAppI18n } from '../../../renderer/src/i18n/index.ts';
import { catalogProblems, leaves, paramsOf, pluralForms, type Tree } from '../support/catalog-check.ts';

afterEach(() => vi.restoreAllMocks());

describe('the catalogs are complete', () => {
  it('English is the reference and is not empty', () => {
    expect(leaves(en as unknown as Tree).size).toBeGreaterThan(500);
  });

  for (const locale of LOCALES.filter((l) => l !== 'en')) {
    it(`${locale}: every English key, with the same {params} and plural forms, and no others`, () => {
      const problems = catalogProblems(locale, CATALOGS[locale] as Tree);
      expect(problems.length, `${problems.length} problem(s) in ${locale}:\n${problems.join('\n')}\n`).toBe(0);
    });

    it(`${locale}: every message compiles and renders without warnings`, () => {
      const catalog = CATALOGS[locale] as Tree;
      const warn = vi.spyOn(console, 'warn');
      const error = vi.spyOn(console, 'error');
      const { t } = createAppI18n(locale).global;
      const params = { version: '0.1.0', query: 'anna', time: '10:00', command: 'npm run web', n: 3 };
      const bad: string[] = [];
      for (const [key, text] of leaves(catalog)) {
        if (typeof text !== 'string') continue;
        const out = t(key, params);
        if (out === key || /[{}]/.test(out)) bad.push(`${key}: "${out}"`);
      }
      expect(bad.length, `messages that do not render in ${locale}:\n${bad.join('\n')}\n`).toBe(0);
      expect(warn).not.toHaveBeenCalled();
      expect(error).not.toHaveBeenCalled();
    });
  }
});

describe('the completeness check itself', () => {
  const good = en as unknown as Tree;

  it('passes English against itself', () => {
    expect(catalogProblems('en', good)).toEqual([]);
  });

  it('names a missing key, a lost param, a lost plural form, an extra key', () => {
    const copy = structuredClone(good) as Tree;
    delete (copy['app'] as Tree)['tagline'];
    (copy['app'] as Tree)['nameAndVersion'] = 'Switchboard';
    (copy['nav'] as Tree)['waiting'] = 'Ninguém | {n} clientes';
    (copy['nav'] as Tree)['extra'] = 'x';
    const problems = catalogProblems('xx', copy);
    expect(problems).toEqual([
      'xx app.nameAndVersion: params {} instead of {version}',
      'xx app.tagline: missing (English: "WhatsApp calls and messages for your business")',
      'xx nav.waiting: 2 plural form(s) instead of 3 (separated by " | ")',
      'xx nav.extra: not in English (a typo, or a key English dropped)',
    ]);
  });

  it('reads literals and bars inside braces as text', () => {
    expect(paramsOf("Write {'@'} then {name}")).toEqual(['name']);
    expect(pluralForms("a {'|'} b")).toHaveLength(1);
    expect(pluralForms('one | {n} two')).toEqual(['one ', ' {n} two']);
  });

  it('says when a catalog is missing altogether', () => {
    expect(catalogProblems('es', undefined)[0]).toMatch(/es: no catalog/);
  });
});
