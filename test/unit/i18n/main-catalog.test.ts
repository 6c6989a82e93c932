/**
 * Main's catalog (main/i18n/messages/): every locale has exactly en's keys, every `{param}` of
 * en's text appears in each translation (and no other), plurals are well formed, and every key is
 * used somewhere in main/. Plus the little message format itself (main/i18n/format.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCALES } from '../../../common/i18n/locales.ts';
import { formatMessage, placeholderNames } from '../../../main/i18n/format.ts';
import { en } from '../../../main/i18n/messages/en.ts';
import { CATALOGS, setMainLocale, tr, trList } from '../../../main/i18n/tr.ts';

afterEach(() => setMainLocale('en'));

const root = path.resolve(import.meta.dirname, '../../..');
const enKeys = Object.keys(en).sort();

describe("main's catalog", () => {
  it.each(LOCALES.filter((l) => l !== 'en'))('%s has exactly en’s keys', (locale) => {
    const keys = Object.keys(CATALOGS[locale]).sort();
    expect(
      enKeys.filter((k) => !keys.includes(k)),
      'missing',
    ).toEqual([]);
    expect(
      keys.filter((k) => !enKeys.includes(k)),
      'not in en',
    ).toEqual([]);
  });

  it.each(LOCALES.filter((l) => l !== 'en'))('%s uses every {param} of en, and no other', (locale) => {
    const wrong: string[] = [];
    for (const key of enKeys) {
      const want = [...placeholderNames(en[key as keyof typeof en])].sort();
      const got = [...placeholderNames(CATALOGS[locale][key as keyof typeof en] ?? '')].sort();
      if (want.join() !== got.join()) wrong.push(`${key}: en has {${want.join('}, {')}}, ${locale} has {${got.join('}, {')}}`);
    }
    expect(wrong).toEqual([]);
  });

  it.each(LOCALES)('%s: every text formats with its params to plain words (no braces left, nothing empty)', (locale) => {
    const bad: string[] = [];
    for (const [key, template] of Object.entries(CATALOGS[locale])) {
      const params = Object.fromEntries([...placeholderNames(template)].map((n) => [n, 2]));
      const once = Object.fromEntries([...placeholderNames(template)].map((n) => [n, 1]));
      for (const p of [params, once]) {
        const out = formatMessage(locale, template, p);
        if (!out.trim() || /[{}]/.test(out)) bad.push(`${key}: ${out}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('translations are translated: a long English text left as it is in pt-BR or es is a forgotten one', () => {
    const same = LOCALES.filter((l) => l !== 'en').flatMap((l) =>
      Object.entries(CATALOGS[l])
        .filter(([k, v]) => v === en[k as keyof typeof en] && /[a-z]{3,} [a-z]{3,} [a-z]{3,}/.test(v))
        .map(([k]) => `${l} ${k}`),
    );
    expect(same).toEqual([]);
  });

  it("every key is used in main/ (literally, or under a prefix main builds keys from: Graph's codes and words)", () => {
    const source = (dir: string): string[] =>
      readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? source(`${dir}/${e.name}`)
          : e.name.endsWith('.ts') && dir !== 'main/i18n/messages'
            ? [readFileSync(path.join(root, dir, e.name), 'utf8')]
            : [],
      );
    const code = source('main').join('\n');
    const dynamic = ['tray.status.', 'warning.restriction.', 'health.state.', 'health.entity.', 'connect.quality.'];
    const unused = enKeys.filter((k) => !code.includes(`'${k}'`) && !dynamic.some((p) => k.startsWith(p)));
    expect(unused).toEqual([]);
  });
});

describe('the message format', () => {
  it('fills {params}, leaves a missing one visible', () => {
    expect(formatMessage('en', 'Could not reach {host} ({cause}).', { host: 'graph.test', cause: 'ENOTFOUND' })).toBe(
      'Could not reach graph.test (ENOTFOUND).',
    );
    expect(formatMessage('en', 'Hello {who}', {})).toBe('Hello {who}');
  });

  it("picks plural forms by the locale's rules, with # and exact =n forms", () => {
    const t = '{n, plural, =0 {no calls} one {# call} other {# calls}} with {name}';
    expect(formatMessage('en', t, { n: 0, name: 'Ana' })).toBe('no calls with Ana');
    expect(formatMessage('en', t, { n: 1, name: 'Ana' })).toBe('1 call with Ana');
    expect(formatMessage('en', t, { n: 3, name: 'Ana' })).toBe('3 calls with Ana');
    // Portuguese (Brazil) and Spanish: 0 is "other" in es, "one" in pt.
    const pt = '{n, plural, one {# ligação} other {# ligações}}';
    expect(formatMessage('pt-BR', pt, { n: 0 })).toBe('0 ligação');
    expect(formatMessage('pt-BR', pt, { n: 2 })).toBe('2 ligações');
    expect(formatMessage('es', '{n, plural, one {# llamada} other {# llamadas}}', { n: 0 })).toBe('0 llamadas');
  });

  it('names the params a template uses, inside plural forms too', () => {
    expect([...placeholderNames('{a} and {n, plural, one {# {b}} other {# {c}}}')].sort()).toEqual(['a', 'b', 'c', 'n']);
  });

  it('tr follows the locale in effect; trList joins as the language does', () => {
    expect(tr('call.notAnswered')).toBe('Not answered.');
    expect(trList(['"calls"', '"messages"'])).toBe('"calls" and "messages"');
    setMainLocale('pt-BR');
    expect(tr('call.notAnswered')).toBe('Não atendida.');
    expect(trList(['"calls"', '"messages"'])).toBe('"calls" e "messages"');
    setMainLocale('es');
    expect(tr('graph.unknownCode', { code: 42 })).toBe('WhatsApp devolvió un error (42).');
    expect(trList(['a', 'b'])).toBe('a y b');
  });
});
