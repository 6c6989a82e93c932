/**
 * What the dial pad makes of a number typed or pasted in any form: "+55 (11) 98765-0001",
 * "011 98765 0001" (a national number, read in the business's own country), "0055 11 98765 0001"
 * (an international prefix), "5511987650001" (digits with the country code). libphonenumber-js
 * decides; the first reading that is a valid number wins, else the first that is at least
 * possible (WhatsApp decides the rest), else none.
 */
import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/min';

export interface DialNumber {
  /** Digits with the country code, no "+": what WhatsApp calls a wa_id. */
  waId: string;
  /** "+55 11 98765 0001". */
  international: string;
  country: CountryCode | null;
  /** libphonenumber thinks the number exists in its country's plan (else it is only possible). */
  valid: boolean;
}

/** Characters a phone number may be typed with (anything else makes it no number at all). */
const NUMBER_CHARS = /^[\d\s()+.\-/]+$/;

export function parseDial(input: string, country: CountryCode | null): DialNumber | null {
  const raw = input.trim();
  if (!raw || !NUMBER_CHARS.test(raw)) return null;
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 6 || digits.length > 17) return null;
  const readings: Array<PhoneNumber | undefined> = [];
  if (raw.startsWith('+')) readings.push(parsePhoneNumberFromString(`+${digits}`));
  else {
    if (country) readings.push(parsePhoneNumberFromString(raw, country));
    if (digits.startsWith('00')) readings.push(parsePhoneNumberFromString(`+${digits.slice(2)}`));
    readings.push(parsePhoneNumberFromString(`+${digits}`));
  }
  const found = readings.filter((p): p is PhoneNumber => p !== undefined);
  const best = found.find((p) => p.isValid()) ?? found.find((p) => p.isPossible());
  if (!best) return null;
  return {
    waId: best.number.replace(/^\+/, ''),
    international: best.formatInternational(),
    country: best.country ?? null,
    valid: best.isValid(),
  };
}

/** "+55" for "BR" (the country picker's label), or "" for an unknown code. */
export function callingCode(country: CountryCode): string {
  try {
    return `+${getCountryCallingCode(country)}`;
  } catch {
    return '';
  }
}
