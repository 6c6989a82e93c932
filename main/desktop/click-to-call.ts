/**
 * Click-to-call links: Switchboard handles `whatsapp-call:` (its own scheme — WhatsApp's apps do
 * not claim it, and it says what it does) and, where the OS lets an app register for it, `tel:`.
 * A link opens the customer's thread and offers to call; the permission rules still apply.
 *
 * Accepted:  whatsapp-call:+5511987650001   whatsapp-call://+55 11 98765-0001   tel:+5511987650001
 *            (optionally `?payload=<text ≤ 512>` for the call's opaque data)
 * Refused:   any other scheme, anything that is not an international phone number (8–15 digits,
 *            no letters), extra query parameters, credentials, fragments, over-long input.
 */
export type ClickToCall = { ok: true; waId: string; payload: string | null } | { ok: false; reason: string };

export const CALL_SCHEMES = ['whatsapp-call:', 'tel:'] as const;

export function parseCallLink(raw: unknown): ClickToCall {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, reason: 'empty link' };
  if (raw.length > 600) return { ok: false, reason: 'link too long' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return { ok: false, reason: 'control characters in link' };
  const scheme = CALL_SCHEMES.find((s) => raw.toLowerCase().startsWith(s));
  if (!scheme) return { ok: false, reason: 'not a call link' };
  let rest = raw.slice(scheme.length);
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (rest.includes('#')) return { ok: false, reason: 'fragments are not allowed' };
  if (rest.includes('@')) return { ok: false, reason: 'credentials are not allowed' };
  const [numberPart = '', query = ''] = rest.split('?', 2);
  let number: string;
  try {
    number = decodeURIComponent(numberPart);
  } catch {
    return { ok: false, reason: 'malformed encoding' };
  }
  if (/[^0-9+()\s.\-/]/.test(number) || number.replace(/\/$/, '').includes('/')) return { ok: false, reason: 'not a phone number' };
  const digits = number.replace(/[^0-9]/g, '');
  if (!number.trim().startsWith('+') && !number.trim().startsWith('00'))
    return { ok: false, reason: 'the number must be international (start with + and the country code)' };
  const waId = number.trim().startsWith('00') ? digits.slice(2) : digits;
  if (waId.length < 8 || waId.length > 15 || waId.startsWith('0')) return { ok: false, reason: 'not a valid international number' };
  let payload: string | null = null;
  if (query) {
    const params = new URLSearchParams(query);
    const keys = [...params.keys()];
    if (keys.some((k) => k !== 'payload') || keys.length > 1) return { ok: false, reason: 'unexpected parameters' };
    payload = params.get('payload');
    if (payload !== null && payload.length > 512) return { ok: false, reason: 'payload too long' };
  }
  return { ok: true, waId, payload };
}

/** The call link in a second instance's argv (or a macOS open-url), if any. */
export function callLinkFromArgv(argv: readonly string[]): string | null {
  return argv.find((a) => CALL_SCHEMES.some((s) => a.toLowerCase().startsWith(s))) ?? null;
}
