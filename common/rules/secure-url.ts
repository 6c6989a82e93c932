/**
 * Where Switchboard may send secrets: the Graph server gets the access token on every request,
 * the tunnel server carries every webhook. Over `https:` they may go anywhere; over `http:` they
 * would travel unencrypted, so `http:` is allowed only to this computer (the simulator and the
 * test tunnel server run on loopback). One rule, used by the connect form, the settings file, the
 * tunnel settings and the browser host's `--tunnel-host`; plain TypeScript for main and the window.
 */

/**
 * Whether a host name, as WHATWG `URL` gives it (lower case; IPv4 in dotted decimal, so "127.1"
 * and "0x7f.0.0.1" arrive as "127.0.0.1"; IPv6 in brackets and compressed), is this computer:
 * 127.0.0.0/8, [::1] or "localhost". Look-alikes such as "127.0.0.1.example.com" or
 * "localhost.example.com" are names like any other.
 */
export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((n) => Number(n) <= 255);
}

/**
 * Why secrets must not be sent to this address, in the owner's words, or null when they may.
 * `what` names the field, e.g. "the Graph server URL". The host is judged after parsing, so
 * `http://127.0.0.1@evil.example` (user info "127.0.0.1", host evil.example) is refused.
 */
export function secureUrlProblem(value: string | URL, what: string): string | null {
  const What = what.charAt(0).toUpperCase() + what.slice(1);
  switch (secureUrlIssue(value)) {
    case 'not_url':
      return `${What} is not a web address; it starts with https://`;
    case 'scheme':
      return `${What} must start with https://`;
    case 'http_remote':
      return `${What} must use https:// (http:// is allowed only for this computer, e.g. the simulator)`;
    case 'credentials':
      return `Remove the user name and password from ${what}.`;
    default:
      return null;
  }
}

/** What is wrong with sending secrets to this address, as a code (main words it in the owner's language), or null. */
export function secureUrlIssue(value: string | URL): 'not_url' | 'scheme' | 'http_remote' | 'credentials' | null {
  let u: URL;
  try {
    u = typeof value === 'string' ? new URL(value.trim()) : value;
  } catch {
    return 'not_url';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'scheme';
  if (u.protocol === 'http:' && !isLoopbackHostname(u.hostname)) return 'http_remote';
  if (u.username || u.password) return 'credentials';
  return null;
}

/** The names the rule gives the fields it guards, so main and the window word them alike. */
export const GRAPH_SERVER_URL = 'the Graph server URL';
export const TUNNEL_SERVER_URL = 'the tunnel server address';
