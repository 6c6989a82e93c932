/**
 * Links in message text. Only `https:` URLs written out in full become links — never `http:`,
 * `javascript:`, `data:`, `file:`, `app:` or scheme-relative `//host` — and only when they parse
 * as a URL with a real host name and no user name or password (the same rule as the desktop
 * shell's `isSafeExternalUrl`, which decides again before the OS browser opens anything). The
 * parts are plain strings the template renders as text: nothing here is ever HTML.
 */
export interface TextPart {
  text: string;
  /** Set for a link: the normalised https URL to open outside the app. */
  href?: string;
}

// Ends at whitespace, quotes, angle brackets, control characters and invisible format characters
// (zero-width, bidi overrides), so a hidden character cannot smuggle text into a link.
const CANDIDATE = /https:\/\/[^\s<>"'`\p{Cc}\p{Cf}]+/giu;
const TRAILING = /[.,;:!?'")\]}>]+$/u;

/** The https URL `raw` points to, or null when it is not one Switchboard will open. */
export function safeHttpsUrl(raw: string): string | null {
  if (raw.length > 2048) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' || u.username || u.password) return null;
  if (!/^[a-z0-9.-]+$/i.test(u.hostname) || u.hostname.startsWith('.') || !u.hostname.includes('.')) return null;
  return u.href;
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
    const href = safeHttpsUrl(url);
    if (!href) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: url, href });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
