/** The shared locale contract (common/i18n/locales.ts): which of the OS's or browser's languages Switchboard speaks. */
import { describe, expect, it } from 'vitest';
import { effectiveLocale, isLocale, LOCALES, normalizeTag, pickLocale } from '../../../common/i18n/locales.ts';

describe('pickLocale', () => {
  it('speaks English when the list is empty or names nothing it knows', () => {
    expect(pickLocale([])).toBe('en');
    expect(pickLocale(['de-DE', 'fr', 'ja'])).toBe('en');
    expect(pickLocale(['C', 'POSIX', '', '  '])).toBe('en');
  });

  it('takes exact tags, whatever their case or POSIX spelling', () => {
    expect(pickLocale(['pt-BR'])).toBe('pt-BR');
    expect(pickLocale(['pt-br'])).toBe('pt-BR');
    expect(pickLocale(['pt_BR.UTF-8'])).toBe('pt-BR');
    expect(pickLocale(['es'])).toBe('es');
    expect(pickLocale(['en-US'])).toBe('en');
  });

  it('falls back to the language alone: any Portuguese is pt-BR, any Spanish is es', () => {
    expect(pickLocale(['pt-PT'])).toBe('pt-BR');
    expect(pickLocale(['pt'])).toBe('pt-BR');
    expect(pickLocale(['es-MX'])).toBe('es');
    expect(pickLocale(['es-419'])).toBe('es');
    expect(pickLocale(['es_AR.UTF-8@euro'])).toBe('es');
    expect(pickLocale(['en-GB'])).toBe('en');
  });

  it('takes the first language it speaks, in the order given', () => {
    expect(pickLocale(['de-DE', 'es-MX', 'pt-BR'])).toBe('es');
    expect(pickLocale(['fr-FR', 'pt-PT', 'en-US'])).toBe('pt-BR');
    expect(pickLocale(['en-US', 'pt-BR'])).toBe('en');
  });
});

describe('the rest of the contract', () => {
  it('lists en, pt-BR and es, and knows them exactly', () => {
    expect(LOCALES).toEqual(['en', 'pt-BR', 'es']);
    expect(isLocale('pt-BR')).toBe(true);
    expect(isLocale('pt')).toBe(false);
    expect(isLocale('system')).toBe(false);
  });

  it('normalises host tags', () => {
    expect(normalizeTag('pt_BR.UTF-8')).toBe('pt-BR');
    expect(normalizeTag('ES-mx')).toBe('es-MX');
    expect(normalizeTag('es-419')).toBe('es-419');
    expect(normalizeTag('C.UTF-8')).toBeNull();
    expect(normalizeTag('not a tag')).toBeNull();
  });

  it("resolves a preference: a language as chosen, 'system' by the system's list", () => {
    expect(effectiveLocale('es', ['pt-BR'])).toBe('es');
    expect(effectiveLocale('system', ['pt-BR'])).toBe('pt-BR');
    expect(effectiveLocale('system', [])).toBe('en');
  });
});
