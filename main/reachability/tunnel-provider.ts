/**
 * The small interface every way of making the webhook receiver public implements: localtunnel
 * (the default, no account) and "my own public HTTPS URL" today; ngrok or cloudflared could follow
 * without touching the receiver or the supervisor.
 */
import type { ConnectionView } from '../../common/bridge-contract.ts';

export type TunnelProviderKind = ConnectionView['provider'];

export interface TunnelProvider {
  readonly kind: TunnelProviderKind;
  /**
   * Make `http://127.0.0.1:<localPort>` public and resolve with the public base URL (the receiver's
   * root; the supervisor appends the webhook path). Calling it while running replaces the running
   * tunnel. Rejects with a plain-words `TunnelStartError` when it cannot.
   */
  start(localPort: number): Promise<{ url: string }>;
  /** Idempotent; after it resolves nothing of the provider is left running and `onDown` stays quiet. */
  stop(): Promise<void>;
  /**
   * Called (at most once per successful `start`) when the tunnel went down by itself, with the
   * reason in plain words. Returns an unsubscribe function.
   */
  onDown(listener: (reason: string) => void): () => void;
}

/** A start failure whose message is written for the owner ("The tunnel server refused the connection"). */
export class TunnelStartError extends Error {
  override name = 'TunnelStartError';
}

/** Timers, injectable so tests can drive backoff and probes without waiting. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
