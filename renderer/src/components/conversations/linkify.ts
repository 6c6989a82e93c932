/**
 * Links in message text. Only `https:` URLs written out in full become links — never `http:`,
 * `javascript:`, `data:`, `file:`, `app:` or scheme-relative `//host` — and only when they parse
 * as a URL with a public host name (no IP address, no LAN or single-label name: see
 * common/rules/link-host.ts) and no user name or password: the same rule as the desktop shell's
 * `isSafeExternalUrl`, which decides again before the OS browser opens anything. The href is the
 * parsed URL (its host in punycode); the link's text is the URL as written, except that a host
 * mixing scripts (a look-alike such as "аpple.com" with a Cyrillic "а") or written in forms the
 * parser rewrites is shown in punycode too. The parts are plain strings the template renders as
 * text: nothing here is ever HTML.
 */
import { isPublicHostname, shownHost } from '../../../../common/rules/link-host.ts';

export interface TextPart {
  text: string;
  /** Set for a link: the normalised https URL to open outside the app. */
  href?: string;
}

// Ends at whitespace, quotes, angle brackets, control characters and invisible format characters
// (zero-width, bidi overrides), so a hidden character cannot smuggle text into a link.
const CANDIDATE = /https:\/\/[^\s<>"'`\p{Cc}\p{Cf}]+/giu;
const TRAILING = /[.,;:!?'")\]}>]+$/u;

/** The parsed https URL `raw` points to, or null when it is not one Switchboard will open. */
function parseSafeHttpsUrl(raw: string): URL | null {
  if (raw.length > 2048) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' || u.username || u.password) return null;
  return isPublicHostname(u.hostname) ? u : null;
}

/** The https URL `raw` points to, or null when it is not one Switchboard will open. */
export function safeHttpsUrl(raw: string): string | null {
  return parseSafeHttpsUrl(raw)?.href ?? null;
}

/** The link's text: `written` with its host shown as `shownHost` says (port and the rest as written). */
function linkText(written: string, hostname: string): string {
  const m = /^(https:\/\/)([^/?#\\]*)(.*)$/isu.exec(written);
  if (!m) return written;
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  const port = /:\d*$/.exec(authority)?.[0] ?? '';
  return `${scheme}${shownHost(authority.slice(0, authority.length - port.length), hostname)}${port}${rest}`;
}

export function linkParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(CANDIDATE)) {
    const start = m.index;
    // "https://" must start a word: "xhttps://…" or "javascript:https://…" is not a link.
    if (start > 0 && /[\p{L}\p{N}:/]/u.test(text[start - 1]!)) continue;
    let url = m[0];
    // Sentence punctuation after a link is not part of it; a ")" is, when the URL opened one.
    let trail = TRAILING.exec(url)?.[0] ?? '';
    if (trail.startsWith(')') && url.includes('(')) trail = trail.slice(1);
    url = url.slice(0, url.length - trail.length);
    const parsed = parseSafeHttpsUrl(url);
    if (!parsed) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: linkText(url, parsed.hostname), href: parsed.href });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
