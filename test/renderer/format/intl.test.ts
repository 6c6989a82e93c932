import { afterEach, describe, expect, it } from 'vitest';
import { computed } from 'vue';
import {
  formatDate,
  formatDuration,
  formatHHMM,
  formatNumber,
  formatTime,
  formatUnit,
  formattingTagFor,
  hourCycle,
  intlLocale,
  languageName,
  parseTimeInput,
  regionName,
  setFormatLocale,
  timeFromNow,
  uses12Hour,
} from '../../../renderer/src/format/intl.ts';
import { pseudoCatalog, pseudoMessage, PSEUDO_GROWTH } from '../../../renderer/src/i18n/pseudo.ts';
import en from '../../../renderer/src/i18n/en.ts';
import { paramsOf, pluralForms } from '../support/catalog-check.ts';

// Intl puts narrow no-break spaces in "2:05 PM"; compare with plain spaces.
const plain = (s: string | null): string => (s ?? '').replace(/[\u00a0\u202f]/g, ' ');
const at = new Date(2026, 10, 25, 14, 5, 0); // 25 Nov 2026, 14:05 local

afterEach(() => setFormatLocale('en'));

describe('the formatting locale', () => {
  it('is the catalog locale, or a system language of the same language (its region)', () => {
    expect(formattingTagFor('en')).toBe('en');
    expect(formattingTagFor('en', ['de-DE', 'en-GB'])).toBe('en-GB');
    expect(formattingTagFor('es', ['en-US', 'es-MX'])).toBe('es-MX');
    expect(formattingTagFor('pt-BR', ['pt_PT.UTF-8'])).toBe('pt-PT');
    expect(formattingTagFor('pt-BR', ['en-US'])).toBe('pt-BR');
    expect(formattingTagFor('en-XA')).toBe('en');
  });

  it('maps the catalog locale components pass to the formatting tag; other tags stay', () => {
    setFormatLocale('en', ['en-GB']);
    expect(intlLocale('en')).toBe('en-GB');
    expect(intlLocale()).toBe('en-GB');
    expect(intlLocale('fr')).toBe('fr');
  });

  it('follows a change of language in a computed, without a restart', () => {
    const shown = computed(() => plain(formatTime(at)));
    expect(shown.value).toBe('2:05 PM');
    setFormatLocale('pt-BR');
    expect(shown.value).toBe('14:05');
    setFormatLocale('en', ['en-GB']);
    expect(shown.value).toBe('14:05');
  });
});

describe('times of day follow the locale’s clock', () => {
  it('knows 12- and 24-hour locales', () => {
    expect(uses12Hour('en')).toBe(true);
    expect(hourCycle('pt-BR')).toBe('h23');
    expect(uses12Hour('es')).toBe(false);
    expect(uses12Hour('en-GB')).toBe(false);
  });

  it('shows Meta’s HHMM as the locale reads it', () => {
    expect(plain(formatHHMM('0930', 'en'))).toBe('9:30 AM');
    expect(plain(formatHHMM('0000', 'en'))).toBe('12:00 AM');
    expect(plain(formatHHMM('2130', 'en'))).toBe('9:30 PM');
    expect(formatHHMM('0930', 'pt-BR')).toBe('09:30');
    expect(formatHHMM('2130', 'es')).toBe('21:30');
    expect(formatHHMM('9:3', 'en')).toBe('9:3'); // not HHMM: as typed, for the rules to flag
  });

  it('reads what either clock writes', () => {
    for (const [typed, want] of [
      ['9:30', '0930'],
      ['09.30', '0930'],
      ['9h30', '0930'],
      ['0930', '0930'],
      ['930', '0930'],
      ['21:30', '2130'],
      ['9', '0900'],
      ['9:30 PM', '2130'],
      ['9:30pm', '2130'],
      ['9 pm', '2100'],
      ['12 AM', '0000'],
      ['12:15 PM', '1215'],
      ['9:30 p. m.', '2130'],
      ['9:30\u202fPM', '2130'],
    ] as const) {
      expect(parseTimeInput(typed, 'en'), typed).toBe(want);
    }
    expect(parseTimeInput('9:30 p. m.', 'es')).toBe('2130');
    for (const bad of ['24:00', '9:75', '13 PM', 'noon', '', '9:30 xm']) expect(parseTimeInput(bad, 'en'), bad).toBeNull();
  });

  it('round-trips every minute of the day in en, pt-BR and es', () => {
    for (const locale of ['en', 'pt-BR', 'es', 'en-GB']) {
      for (let m = 0; m < 24 * 60; m += 7) {
        const hhmm = `${String(Math.floor(m / 60)).padStart(2, '0')}${String(m % 60).padStart(2, '0')}`;
        expect(parseTimeInput(formatHHMM(hhmm, locale), locale), `${locale} ${hhmm}`).toBe(hhmm);
      }
    }
  });
});

describe('dates, numbers, durations, relative times and names', () => {
  it('dates in the language', () => {
    expect(formatDate(at, { day: 'numeric', month: 'long' }, 'pt-BR')).toBe('25 de novembro');
    expect(formatDate(at, { day: 'numeric', month: 'long' }, 'es')).toBe('25 de noviembre');
    expect(formatDate('not a date', { day: 'numeric' })).toBe('');
  });

  it('numbers and units', () => {
    expect(formatNumber(12345, {}, 'en')).toBe('12,345');
    expect(formatNumber(12345, {}, 'pt-BR')).toBe('12.345');
    expect(plain(formatUnit(3, 'minute', 'short', 'es'))).toBe('3 min');
  });

  it('call durations keep m:ss, in the locale’s digits', () => {
    expect(formatDuration(75, 'en')).toBe('1:15');
    expect(formatDuration(3725, 'pt-BR')).toBe('1:02:05');
    expect(formatDuration(59.9, 'es')).toBe('0:59');
    expect(formatDuration(75, 'fi')).toBe('1.15');
  });

  it('relative times', () => {
    const now = at.getTime();
    expect(timeFromNow(new Date(now - 5 * 60_000), now, 'en')).toBe('5 min. ago');
    expect(timeFromNow(new Date(now - 5 * 60_000), now, 'pt-BR')).toBe('há 5 min.');
    expect(timeFromNow(new Date(now - 5 * 60_000), now, 'es')).toBe('hace 5 min');
    expect(timeFromNow(new Date(now + 12_000), now, 'en')).toBe('in 12 sec.');
    expect(timeFromNow(new Date(now - 86_400_000), now, 'en')).toBe('yesterday');
    expect(timeFromNow('nope', now)).toBeNull();
  });

  it('countries and languages by name', () => {
    expect(regionName('BR', 'en')).toBe('Brazil');
    expect(regionName('de', 'pt-BR')).toBe('Alemanha');
    expect(regionName('ES', 'es')).toBe('España');
    expect(regionName(null)).toBe('');
    expect(languageName('pt-BR', 'self')).toBe('Português (Brasil)');
    expect(languageName('es', 'self')).toBe('Español');
    expect(languageName('en', 'self')).toBe('English');
    expect(languageName('es', 'en')).toBe('Spanish');
  });
});

describe('the pseudo-locale', () => {
  it('makes every message at least 40% longer, keeping its params and plural forms', () => {
    const walk = (node: object, path: string[] = []): Array<[string, string]> =>
      Object.entries(node).flatMap(([k, v]) =>
        typeof v === 'string' ? [[[...path, k].join('.'), v] as [string, string]] : walk(v as object, [...path, k]),
      );
    const pseudo = new Map(walk(pseudoCatalog(en)));
    for (const [key, text] of walk(en)) {
      const p = pseudo.get(key)!;
      expect(paramsOf(p), key).toEqual(paramsOf(text));
      expect(pluralForms(p).length, key).toBe(pluralForms(text).length);
      const forms = pluralForms(text);
      pluralForms(p).forEach((form, i) => {
        const source = [...forms[i]!.trim()].length;
        expect([...form.trim()].length, `${key} form ${i + 1}`).toBeGreaterThanOrEqual(Math.ceil(source * (1 + PSEUDO_GROWTH)));
      });
    }
  });

  it('accents letters, brackets each form, pads with words', () => {
    expect(pseudoMessage('Conversations')).toBe('[Çöñṽéŕšåţîöñš ōñé]');
    expect(pseudoMessage('Hi {name}')).toMatch(/^\[Ĥî \{name\}/);
    expect(pseudoMessage('one | {n} more')).toMatch(/^\[öñé[^|]*\] \| \[\{n\} ɱöŕé[^|]*\]$/);
  });
});
