/**
 * How a customer is named, everywhere Switchboard names one: the thread list and header, the
 * ringing card and the OS notifications.
 *
 *  - `customerName`: the person's name — the owner's own name for them, else their WhatsApp
 *    profile name (blank ones skipped); null when neither is known.
 *  - `customerDisplayName`: what to call them — that name, else their number (formatted by the
 *    caller: the renderer shows "+55 11 98765 0001"), else "@username", else the BSUID; null when
 *    nothing at all is known.
 *  - `customerInitials`: two letters for an avatar ("Ana Souza" → "AS"; the owner's name, else the
 *    profile name, else the username); a name without letters gives the number's last two digits,
 *    and "#" when there is no number either.
 *
 * Pure TypeScript: no Node built-ins, no DOM.
 */
import type { ThreadSummary } from '../bridge-contract.ts';

export type CustomerContact = Pick<ThreadSummary['contact'], 'waId' | 'userId' | 'profileName' | 'username' | 'ownerName'>;

/** The owner's name for the customer, else their profile name; null when neither is set. */
export function customerName(c: CustomerContact): string | null {
  return c.ownerName?.trim() || c.profileName?.trim() || null;
}

/** ownerName → profileName → number → @username → BSUID (null when none is known). */
export function customerDisplayName(c: CustomerContact, formatNumber: (waId: string) => string = (waId) => `+${waId}`): string | null {
  return customerName(c) || (c.waId ? formatNumber(c.waId) : '') || (c.username ? `@${c.username}` : '') || c.userId || null;
}

/** Two letters for the avatar ("Ana Souza" → "AS"; no name → the number's last two digits, else "#"). */
export function customerInitials(c: Pick<CustomerContact, 'waId' | 'profileName' | 'username' | 'ownerName'>): string {
  const name = c.ownerName?.trim() || c.profileName?.trim() || c.username?.trim() || '';
  const words = name.split(/\s+/u).filter((w) => /\p{L}/u.test(w));
  if (words.length >= 2) return (firstChar(words[0]!) + firstChar(words.at(-1)!)).toUpperCase();
  if (words.length === 1) return firstChar(words[0]!).toUpperCase();
  const digits = (c.waId ?? '').replace(/\D/g, '');
  return digits ? digits.slice(-2) : '#';
}

function firstChar(word: string): string {
  return [...word.replace(/^[^\p{L}\p{N}]+/u, '')][0] ?? '';
}
