/**
 * Which hosts a link in a customer's message may point to, and how a host is shown. Used by the
 * renderer's linkify (what becomes a link, and its text) and by the desktop shell's
 * `isSafeExternalUrl` (what the OS browser may open), so both decide alike.
 *
 *  - `isPublicHostname`: a name on the public internet. Never an IP address (v4 in any of the
 *    spellings the URL parser accepts — "0x7f.1", "2130706433" — or v6), never a single-label name
 *    ("localhost", "intranet") and never a LAN or reserved name (".local", ".lan", ".home.arpa",
 *    ".internal", ".localhost"…): a message is no way to make the owner open their router or
 *    intranet.
 *  - `shownHost`: the host as the owner should read it. A host written in ASCII is shown as written.
 *    A host written in Unicode is shown as written only when it sticks to one script (Common and
 *    Inherited characters — digits, "-", combining marks — are neutral; the CJK combinations of
 *    Unicode's "highly restrictive" profile, e.g. Latin + Han + Hiragana + Katakana, count as one)
 *    and holds nothing but letters, marks, digits, "-" and "."; otherwise — "аpple.com" with a
 *    Cyrillic "а", full-width letters, look-alike dots, %-escapes — it is shown in the punycode
 *    the URL parser resolved it to, which is where the link goes.
 *
 * Pure TypeScript: no Node built-ins, no DOM (only the URL parser's output is read).
 */

/** Last labels that never name a public host: RFC 6761/6762/8375 names and common LAN suffixes. */
const PRIVATE_SUFFIXES = new Set([
  'local',
  'localhost',
  'localdomain',
  'lan',
  'home',
  'internal',
  'intranet',
  'corp',
  'private',
  'test',
  'invalid',
  'arpa',
]);

/** True for a WHATWG URL `hostname` (ASCII, punycode) on the public internet. */
export function isPublicHostname(hostname: string): boolean {
  if (!hostname || hostname.startsWith('[')) return false; // IPv6 literal
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (!/^[a-z0-9.-]+$/i.test(name)) return false;
  const labels = name.split('.');
  if (labels.length < 2 || labels.some((l) => l === '')) return false;
  const last = labels.at(-1)!.toLowerCase();
  // A numeric last label makes the URL parser read the host as IPv4 ("1.2.3" → 1.2.0.3).
  if (/^(\d+|0x[0-9a-f]*)$/.test(last)) return false;
  return !PRIVATE_SUFFIXES.has(last);
}

const SCRIPTS = [
  'Latin',
  'Greek',
  'Cyrillic',
  'Armenian',
  'Georgian',
  'Hebrew',
  'Arabic',
  'Syriac',
  'Thaana',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Thai',
  'Lao',
  'Tibetan',
  'Myanmar',
  'Khmer',
  'Mongolian',
  'Ethiopic',
  'Hangul',
  'Hiragana',
  'Katakana',
  'Bopomofo',
  'Han',
] as const;
const SCRIPT_RE = SCRIPTS.map((name) => ({ name, re: new RegExp(`^\\p{Script=${name}}$`, 'u') }));
const NEUTRAL = /^[\p{Script=Common}\p{Script=Inherited}]$/u;
/** Scripts that may share one host (Unicode TS #39, "highly restrictive"). */
const ALLOWED_MIXES: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

/** The scripts of `text`'s characters (neutral ones left out); null if one is of a script not listed. */
function scriptsOf(text: string): Set<string> | null {
  const found = new Set<string>();
  for (const ch of text) {
    if (NEUTRAL.test(ch)) continue;
    const script = SCRIPT_RE.find((s) => s.re.test(ch));
    if (!script) return null;
    found.add(script.name);
  }
  return found;
}

/** True when a host's characters stay within one script (or one allowed CJK combination). */
export function isSingleScript(host: string): boolean {
  const scripts = scriptsOf(host);
  if (!scripts) return false;
  if (scripts.size <= 1) return true;
  return ALLOWED_MIXES.some((mix) => [...scripts].every((s) => mix.has(s)));
}

/**
 * How to show a host: `written` is the host as it appears in the text, `hostname` what the URL
 * parser made of it (ASCII, punycode, lower case).
 */
export function shownHost(written: string, hostname: string): string {
  if (written.toLowerCase() === hostname) return written;
  // Unicode that the parser keeps as it is (no full-width letters, no compatibility forms), in
  // letters, marks, digits, "-" and "." only: anything else is shown the way it resolves.
  const lower = written.toLowerCase();
  const plainUnicode = /\P{ASCII}/u.test(written) && /^[\p{L}\p{M}\p{N}.-]+$/u.test(written) && lower === lower.normalize('NFKC');
  return plainUnicode && isSingleScript(written) ? written : hostname;
}
