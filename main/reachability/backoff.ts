/**
 * Jittered exponential backoff with a floor and a cap: the ceiling doubles with every attempt
 * (floor · 2^attempt, at most cap) and the delay is drawn uniformly between the floor and that
 * ceiling ("full jitter" above a floor). The floor keeps a dead server from being hammered (the
 * public localtunnel server rate-limits clients that respawn too fast); the jitter keeps many
 * desktops from retrying in step after a shared outage.
 */
export interface BackoffOptions {
  /** Smallest delay, and the first attempt's delay (default 2 s). */
  floorMs: number;
  /** Largest delay (default 5 min). */
  capMs: number;
  /** Uniform in [0, 1); injectable for tests. */
  random: () => number;
}

export const DEFAULT_BACKOFF: Omit<BackoffOptions, 'random'> = { floorMs: 2_000, capMs: 300_000 };

/** Delay before retry number `attempt` (0-based). Always within [floorMs, capMs]. */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const floor = Math.max(0, opts.floorMs);
  const cap = Math.max(floor, opts.capMs);
  const exp = Math.min(Math.max(0, Math.floor(attempt)), 40);
  const ceiling = Math.min(cap, floor * 2 ** exp);
  const r = Math.min(Math.max(opts.random(), 0), 1);
  return Math.round(floor + r * (ceiling - floor));
}
