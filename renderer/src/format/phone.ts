/**
 * Phone numbers as people read them. WhatsApp identifies customers by `wa_id`, the number in
 * international form without the "+" ("14155550100"); Graph's display numbers may carry spaces,
 * dashes or a "+". Formatting never throws: anything unparseable is shown as it came.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

export interface PhoneFormatOptions {
  /** The business's own country: numbers from it are shown in national form ("(415) 555-0100"). */
  homeCountry?: CountryCode | null;
}

function parse(raw: string) {
  const trimmed = raw.trim();
  if (!trimmed) return undefined;
  const digitsOnly = /^[\d\s().-]+$/.test(trimmed);
  // A wa_id (digits only) is already international: add the "+" libphonenumber expects.
  return parsePhoneNumberFromString(digitsOnly ? `+${trimmed.replace(/\D/g, '')}` : trimmed);
}

/** "14155550100" → "+1 415 555 0100" (or "(415) 555-0100" when homeCountry is "US"). */
export function formatPhone(raw: string, opts: PhoneFormatOptions = {}): string {
  const phone = parse(raw);
  if (!phone || !phone.isPossible()) return raw.trim();
  if (opts.homeCountry && phone.country === opts.homeCountry) return phone.formatNational();
  return phone.formatInternational();
}

/** The ISO country of a number ("14155550100" → "US"), or null when it cannot be told. */
export function phoneCountry(raw: string): CountryCode | null {
  return parse(raw)?.country ?? null;
}

/** E.164 ("+14155550100") for a number typed or stored any way, or null when it is not a number. */
export function toE164(raw: string): string | null {
  const phone = parse(raw);
  return phone && phone.isPossible() ? phone.number : null;
}
