import { describe, expect, it } from 'vitest';
import { formatPhone, phoneCountry, toE164 } from '../../../renderer/src/format/phone.ts';

describe('formatPhone', () => {
  it('formats a WhatsApp wa_id (digits, no "+") in international form', () => {
    expect(formatPhone('14155550100')).toBe('+1 415 555 0100');
    expect(formatPhone('447700900123')).toBe('+44 7700 900123');
    expect(formatPhone('5511987654321')).toBe('+55 11 98765 4321');
  });

  it('accepts numbers already written with "+", spaces or dashes', () => {
    expect(formatPhone('+1 (415) 555-0100')).toBe('+1 415 555 0100');
    expect(formatPhone('  +44 7700-900-123 ')).toBe('+44 7700 900123');
  });

  it('shows numbers from the business’s own country in national form', () => {
    expect(formatPhone('14155550100', { homeCountry: 'US' })).toBe('(415) 555-0100');
    expect(formatPhone('447700900123', { homeCountry: 'US' })).toBe('+44 7700 900123');
  });

  it('returns anything it cannot read unchanged (trimmed) instead of throwing', () => {
    expect(formatPhone('not a number')).toBe('not a number');
    expect(formatPhone('123')).toBe('123');
    expect(formatPhone('  ')).toBe('');
  });
});

describe('phoneCountry / toE164', () => {
  it('tells the country of a number', () => {
    expect(phoneCountry('14155550100')).toBe('US');
    expect(phoneCountry('4915123456789')).toBe('DE');
    expect(phoneCountry('hello')).toBeNull();
  });

  it('normalises to E.164', () => {
    expect(toE164('+1 (415) 555-0100')).toBe('+14155550100');
    expect(toE164('447700900123')).toBe('+447700900123');
    expect(toE164('12')).toBeNull();
  });
});
