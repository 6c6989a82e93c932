/**
 * The tunnel's health probe, as the receiver and the prober both see it:
 *
 *   GET {path}?probe=<nonce>   →   200  hex(HMAC-SHA256(probeKey, "switchboard-probe:" + nonce))
 *
 * `probeKey` is 32 random bytes made when the receiver starts; it never leaves this process (the
 * prober, in the same process, computes the answer it expects through the receiver). So the probe
 * proves "this request reached *this* receiver" without a secret on the wire: localtunnel's client
 * speaks plain TCP to its server, and the tunnel operator or anyone on that path reads every request.
 *
 * Why this is no oracle: anyone may ask, and gets an HMAC of their own nonce under a key unrelated
 * to the verify token or the app secret. It lets nobody forge an answer to one of our probes — each
 * carries a fresh 128-bit nonce nobody can predict — and an answer recorded earlier fits no later
 * nonce. It is not rate-limited on purpose: one HMAC over ≤128 bytes costs less than the 404 path,
 * and a limit would hand an attacker a lever (spend it, and our own probes fail, and the tunnel is
 * restarted for nothing).
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The query parameter that carries the nonce. */
export const PROBE_PARAM = 'probe';

/** What the receiver accepts as a nonce: URL-safe, 16–128 characters (the prober sends 32 hex digits). */
const NONCE = /^[A-Za-z0-9_-]{16,128}$/;

export function isProbeNonce(nonce: string): boolean {
  return NONCE.test(nonce);
}

export function newProbeKey(): Buffer {
  return randomBytes(32);
}

/** A fresh nonce for one probe. */
export function newProbeNonce(): string {
  return randomBytes(16).toString('hex');
}

/** The answer to a probe: 64 hex digits. */
export function probeAnswer(key: Buffer, nonce: string): string {
  return createHmac('sha256', key).update(`switchboard-probe:${nonce}`).digest('hex');
}
