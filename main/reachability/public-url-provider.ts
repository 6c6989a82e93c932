/**
 * "I have my own public HTTPS URL": for owners with a reverse proxy or another tunnel pointing at
 * the receiver's port. Nothing runs here; the URL is validated and handed back as given (trimmed).
 * It never goes down by itself — the supervisor's health probe is what notices a broken proxy.
 */
import { TunnelStartError, type TunnelProvider } from './tunnel-provider.ts';
import { tr } from '../i18n/tr.ts';

export type PublicUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)$/i;

/** Checks an owner-entered public URL; the reason is written for the owner. */
export function checkPublicUrl(input: string): PublicUrlCheck {
  const text = input.trim();
  if (!text) return { ok: false, reason: tr('publicUrl.empty') };
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, reason: tr('publicUrl.notUrl') };
  }
  if (u.protocol !== 'https:') return { ok: false, reason: tr('publicUrl.https') };
  if (u.username || u.password) return { ok: false, reason: tr('publicUrl.credentials') };
  if (text.includes('#')) return { ok: false, reason: tr('publicUrl.fragment') };
  if (u.search || text.includes('?')) return { ok: false, reason: tr('publicUrl.query') };
  if (!u.hostname || LOOPBACK.test(u.hostname)) return { ok: false, reason: tr('publicUrl.loopback') };
  return { ok: true, url: text };
}

export class PublicUrlProvider implements TunnelProvider {
  readonly kind = 'public-url' as const;
  readonly url: string;

  /** Throws a `TunnelStartError` with the owner-facing reason when the URL is not acceptable. */
  constructor(url: string) {
    const check = checkPublicUrl(url);
    if (!check.ok) throw new TunnelStartError(check.reason);
    this.url = check.url;
  }

  async start(_localPort: number): Promise<{ url: string }> {
    return { url: this.url };
  }

  async stop(): Promise<void> {}

  onDown(_listener: (reason: string) => void): () => void {
    return () => {};
  }
}
