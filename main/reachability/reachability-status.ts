/**
 * What the tunnel supervisor reports (`TunnelSupervisor.status`): the reachability state, its
 * recent history and probes, and where Meta is pointed. Plain data, read by the connection
 * service and the diagnostics without needing the supervisor itself.
 */
import type { ConnectionView } from '../../common/bridge-contract.ts';
import type { TunnelProviderKind } from './tunnel-provider.ts';

export type ReachabilityState = ConnectionView['state'];

/** One health probe: through the public URL, or to the receiver on this computer. */
export interface ProbeRecord {
  at: string;
  via: 'public' | 'local';
  ok: boolean;
  /** Why it failed (null when it passed). */
  reason: string | null;
  ms: number;
}

export interface ReachabilityHistoryEntry {
  state: ReachabilityState;
  at: string;
  reason: string | null;
}

/**
 * Where Meta is pointed. `url` is always the callback URL this is about (the current one once a
 * tunnel is open): 'pending' — Meta must be re-pointed at it (waiting for a good probe, or the hook
 * is running); 'registered' — Meta points at it; 'failed' — re-pointing failed (`reason`, retried at
 * `nextRetryAt`); 'none' — nothing to do (no hook, or stopped before anything was needed).
 * `registeredUrl` is the last URL re-pointing succeeded for (what Meta calls, as far as we know).
 */
export interface CallbackRegistration {
  state: 'none' | 'pending' | 'registered' | 'failed';
  url: string | null;
  reason: string | null;
  at: string | null;
  nextRetryAt: string | null;
  registeredUrl: string | null;
}

export interface ReachabilityStatus {
  state: ReachabilityState;
  /** ISO time the current state began. */
  since: string;
  /** Why, in plain words (null when connected or stopped). */
  reason: string | null;
  provider: TunnelProviderKind;
  /** Public base URL of the current tunnel (null when there is none). */
  publicUrl: string | null;
  /** The URL Meta should call: publicUrl + webhook path. */
  callbackUrl: string | null;
  lastProbeAt: string | null;
  lastProbeOk: boolean | null;
  /** When the next restart attempt is due, while unreachable. */
  nextRetryAt: string | null;
  /** Restart attempts since start() (automatic and manual). */
  restarts: number;
  callback: CallbackRegistration;
  /** The last `historyLimit` state changes, oldest first. */
  history: ReachabilityHistoryEntry[];
  /** The last `historyLimit` probes, oldest first. */
  probes: ProbeRecord[];
}

export interface PublicUrlChange {
  publicUrl: string;
  callbackUrl: string;
}
