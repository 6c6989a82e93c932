/**
 * Keeps the webhook receiver reachable through one `TunnelProvider` and says so.
 *
 * States (`status.state`) and what moves between them:
 *
 * | from                    | event                                           | to          |
 * |-------------------------|-------------------------------------------------|-------------|
 * | stopped                 | start() / restart()                             | connecting  |
 * | connecting              | provider up + probe OK                          | connected   |
 * | connecting              | start failure / probe failure / provider down   | unreachable |
 * | connected               | probe failure / provider down (worker crash …)  | unreachable |
 * | unreachable             | a retry gets the provider up + probe OK         | connected   |
 * | any                     | stop()                                          | stopped     |
 *
 * While unreachable the supervisor retries with jittered exponential backoff (floor, cap; see
 * backoff.ts) and stays 'unreachable' — `since` keeps the moment reachability was lost, `reason`
 * the latest failure, `nextRetryAt` when it tries again. The retry count restarts from the floor
 * once a connection had lasted `stableMs`.
 *
 * Health probe: every `probeIntervalMs` (default 20 s) while the provider is up, a GET with a fresh
 * random nonce through the public URL (webhook-probe.ts), each on a fresh connection; it passes only
 * with the answer `probeAnswer(nonce)` says the receiver gives (an HMAC under the receiver's
 * per-process key), so no secret crosses the tunnel and a made-up answer fails. One failure
 * must not cost a new URL (and a re-point of Meta): it is confirmed by a second public probe
 * `confirmDelayMs` later; if that fails too, the same probe is tried on the receiver directly.
 * If the receiver fails, it is the problem — the reason says so and the tunnel is kept (re-probed
 * with backoff) instead of being restarted for nothing. If the receiver passes, the public URL is
 * tried a third time before the tunnel is restarted. Every probe's outcome is kept (`probes`, the
 * last `historyLimit`) for Connection diagnostics. `checkNow()` probes at once (or retries at once when unreachable): call it on
 * resume from sleep and on network changes.
 *
 * Public URL changes: once a new callback URL (public URL + webhook path) has passed a probe, the
 * injected `onPublicUrl` hook is called (the app re-points Meta's `override_callback_uri`, which
 * Meta verifies with the same handshake). One call at a time; a failure is shown in
 * `status.callback` and retried with backoff; a newer URL supersedes a pending one.
 */
import type { Logger } from '../core/log.ts';
import { tr } from '../i18n/tr.ts';
import { newProbeNonce } from '../webhooks/probe-answer.ts';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import { realTimers, type Timers, type TunnelProvider } from './tunnel-provider.ts';
import { probeWebhook, type ProbeResult } from './webhook-probe.ts';
import type {
  CallbackRegistration,
  ProbeRecord,
  PublicUrlChange,
  ReachabilityHistoryEntry,
  ReachabilityState,
  ReachabilityStatus,
} from './reachability-status.ts';

export type {
  CallbackRegistration,
  ProbeRecord,
  PublicUrlChange,
  ReachabilityHistoryEntry,
  ReachabilityState,
  ReachabilityStatus,
} from './reachability-status.ts';

export interface TunnelSupervisorOptions {
  provider: TunnelProvider;
  /** Port the webhook receiver listens on (127.0.0.1). */
  localPort: number;
  /** The receiver's webhook path, e.g. '/webhook'. */
  webhookPath: string;
  /** Where the receiver listens, for the local half of a failed probe (default 127.0.0.1). */
  localHost?: string;
  /** The receiver's answer to a probe with this nonce (`WebhookReceiver.expectedProbeAnswer`). */
  probeAnswer: (nonce: string) => string;
  /** Re-point Meta at a new callback URL; throw an Error with a plain message on failure. */
  onPublicUrl?: (change: PublicUrlChange) => Promise<void>;
  /** Default 20 s (product: 15–30 s). */
  probeIntervalMs?: number;
  /** Default 10 s. */
  probeTimeoutMs?: number;
  /** A failed probe is repeated once after this delay before anything is restarted (default 1 s; 0: act at once). */
  confirmDelayMs?: number;
  /** Restart backoff; default floor 2 s, cap 5 min. Also used to retry `onPublicUrl`. */
  backoff?: { floorMs?: number; capMs?: number };
  /** A connection that lasted this long resets the backoff (default 2 × probe interval). */
  stableMs?: number;
  /** Default 50. */
  historyLimit?: number;
  random?: () => number;
  timers?: Timers;
  clock?: () => Date;
  /** Replace the HTTP probe (tests); defaults to `probeWebhook`. `expected` is the answer that passes. */
  probe?: (callbackUrl: string, nonce: string, expected: string) => Promise<ProbeResult>;
  log?: Logger;
}

function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

function messageOf(err: unknown): string {
  return err instanceof Error && err.message ? err.message : tr('tunnel.unknownError');
}

export class TunnelSupervisor {
  private readonly opts: TunnelSupervisorOptions;
  private provider: TunnelProvider;
  private readonly timers: Timers;
  private readonly clock: () => Date;
  private readonly random: () => number;
  private readonly floorMs: number;
  private readonly capMs: number;
  private readonly probeIntervalMs: number;
  private readonly confirmDelayMs: number;
  private readonly stableMs: number;
  private readonly historyLimit: number;
  private readonly log: Logger | undefined;
  private readonly listeners = new Set<(s: ReachabilityStatus) => void>();

  private state: ReachabilityState = 'stopped';
  private since: Date;
  private reason: string | null = null;
  private publicUrl: string | null = null;
  private callbackUrl: string | null = null;
  private lastProbeAt: Date | null = null;
  private lastProbeOk: boolean | null = null;
  private nextRetryAt: Date | null = null;
  private restarts = 0;
  private history: ReachabilityHistoryEntry[] = [];
  private probes: ProbeRecord[] = [];
  private callback: CallbackRegistration = { state: 'none', url: null, reason: null, at: null, nextRetryAt: null, registeredUrl: null };

  /** Bumped whenever in-flight work must be ignored (stop, failure, restart). */
  private epoch = 0;
  private providerUp = false;
  private attempt = 0;
  private connectedAt: number | null = null;
  private probeTimer: unknown = null;
  private retryTimer: unknown = null;
  private connecting: { epoch: number; p: Promise<void> } | null = null;
  private probing: { epoch: number; p: Promise<void> } | null = null;

  private publishedUrl: string | null = null;
  private hookRunning = false;
  private hookAttempt = 0;
  private hookTimer: unknown = null;
  private pauseTimer: unknown = null;
  private pauseWake: (() => void) | null = null;
  private unsubscribeDown: () => void;

  constructor(opts: TunnelSupervisorOptions) {
    this.opts = opts;
    this.provider = opts.provider;
    this.timers = opts.timers ?? realTimers;
    this.clock = opts.clock ?? (() => new Date());
    this.random = opts.random ?? Math.random;
    this.floorMs = opts.backoff?.floorMs ?? DEFAULT_BACKOFF.floorMs;
    this.capMs = opts.backoff?.capMs ?? DEFAULT_BACKOFF.capMs;
    this.probeIntervalMs = opts.probeIntervalMs ?? 20_000;
    this.confirmDelayMs = opts.confirmDelayMs ?? 1_000;
    this.stableMs = opts.stableMs ?? 2 * this.probeIntervalMs;
    this.historyLimit = opts.historyLimit ?? 50;
    this.log = opts.log;
    this.since = this.clock();
    this.unsubscribeDown = this.provider.onDown((reason) => this.onProviderDown(reason));
  }

  get status(): ReachabilityStatus {
    const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
    return {
      state: this.state,
      since: this.since.toISOString(),
      reason: this.reason,
      provider: this.provider.kind,
      publicUrl: this.publicUrl,
      callbackUrl: this.callbackUrl,
      lastProbeAt: iso(this.lastProbeAt),
      lastProbeOk: this.lastProbeOk,
      nextRetryAt: iso(this.nextRetryAt),
      restarts: this.restarts,
      callback: { ...this.callback },
      history: this.history.map((h) => ({ ...h })),
      probes: this.probes.map((p) => ({ ...p })),
    };
  }

  /** Listen to every status change; returns an unsubscribe function. */
  onChange(listener: (s: ReachabilityStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the provider and probes; resolves once the first attempt is decided. */
  async start(): Promise<ReachabilityStatus> {
    if (this.state !== 'stopped') return this.status;
    this.restarts = 0;
    this.attempt = 0;
    this.setState('connecting', tr('tunnel.opening'));
    await this.connect();
    return this.status;
  }

  /** Stops timers, the probe, the hook retries and the provider. */
  async stop(): Promise<void> {
    this.epoch++;
    this.clearTimer('pauseTimer');
    this.clearTimer('probeTimer');
    this.clearTimer('retryTimer');
    this.clearTimer('hookTimer');
    this.providerUp = false;
    this.connectedAt = null;
    this.nextRetryAt = null;
    this.publicUrl = null;
    this.callbackUrl = null;
    if (this.callback.state === 'pending' || this.callback.state === 'failed') {
      this.callback = { ...this.callback, state: 'none', nextRetryAt: null };
    }
    if (this.state !== 'stopped') this.setState('stopped', null);
    try {
      await this.provider.stop();
    } catch (err) {
      this.log?.warn('reachability.provider_stop_failed', { message: messageOf(err) });
    }
  }

  /** stop() for good: also detaches from the provider. */
  async dispose(): Promise<void> {
    await this.stop();
    this.unsubscribeDown();
    this.listeners.clear();
  }

  /**
   * Switch provider (Settings → Connection: localtunnel ⇄ own URL, another subdomain or server).
   * Stops the old one; starts the new one if supervision was running. A new URL is re-pointed.
   */
  async setProvider(provider: TunnelProvider): Promise<ReachabilityStatus> {
    const wasRunning = this.state !== 'stopped';
    await this.stop();
    this.unsubscribeDown();
    this.provider = provider;
    this.unsubscribeDown = provider.onDown((reason) => this.onProviderDown(reason));
    return wasRunning ? this.start() : this.status;
  }

  /** Restart the provider now (the owner's "Reconnect" button); resets the backoff. */
  async restart(): Promise<ReachabilityStatus> {
    if (this.state === 'stopped') return this.start();
    this.epoch++;
    this.clearTimer('pauseTimer');
    this.clearTimer('probeTimer');
    this.clearTimer('retryTimer');
    this.providerUp = false;
    this.attempt = 0;
    this.restarts++;
    this.setState('connecting', tr('tunnel.reconnecting'));
    await this.connect();
    return this.status;
  }

  /**
   * Re-check now (resume from sleep, network change): probe at once when the tunnel is up, retry at
   * once when a retry is waiting. Resolves with the resulting status.
   */
  async checkNow(): Promise<ReachabilityStatus> {
    if (this.state === 'stopped') return this.status;
    if (this.providerUp) {
      this.clearTimer('retryTimer');
      await this.probe();
    } else if (this.retryTimer !== null) {
      this.clearTimer('retryTimer');
      this.restarts++;
      await this.connect();
    } else if (this.connecting) await this.connecting.p;
    return this.status;
  }

  /**
   * Run the `onPublicUrl` hook again for the current URL even though it succeeded before (the
   * number's callback was found pointing elsewhere, or the owner chose to take it over).
   */
  republish(): void {
    this.publishedUrl = null;
    this.hookAttempt = 0;
    this.clearTimer('hookTimer');
    this.maybePublish();
  }

  // --- internals --------------------------------------------------------------------------------

  /** One connect per epoch: a stale one (from before a stop/failure/restart) is not waited for. */
  private connect(): Promise<void> {
    if (this.connecting && this.connecting.epoch === this.epoch) return this.connecting.p;
    const entry = { epoch: this.epoch, p: Promise.resolve() };
    entry.p = this.doConnect().finally(() => {
      if (this.connecting === entry) this.connecting = null;
    });
    this.connecting = entry;
    return entry.p;
  }

  private async doConnect(): Promise<void> {
    const epoch = this.epoch;
    this.nextRetryAt = null;
    let url: string;
    try {
      url = (await this.provider.start(this.opts.localPort)).url;
    } catch (err) {
      if (epoch !== this.epoch) return;
      this.fail(messageOf(err));
      return;
    }
    if (epoch !== this.epoch) return;
    this.providerUp = true;
    this.publicUrl = url;
    this.callbackUrl = joinUrl(url, this.opts.webhookPath);
    if (this.opts.onPublicUrl) {
      const known = this.callbackUrl === this.publishedUrl;
      if (this.callback.url !== this.callbackUrl) this.hookAttempt = 0;
      this.clearTimer('hookTimer');
      this.callback = {
        ...this.callback,
        state: known ? 'registered' : 'pending',
        url: this.callbackUrl,
        reason: null,
        at: this.clock().toISOString(),
        nextRetryAt: null,
      };
    }
    this.log?.info('reachability.tunnel_open', { provider: this.provider.kind, publicUrl: url });
    this.emit();
    await this.probe();
  }

  private probe(): Promise<void> {
    if (this.probing && this.probing.epoch === this.epoch) return this.probing.p;
    const entry = { epoch: this.epoch, p: Promise.resolve() };
    entry.p = this.doProbe().finally(() => {
      if (this.probing === entry) this.probing = null;
    });
    this.probing = entry;
    return entry.p;
  }

  private async doProbe(): Promise<void> {
    const epoch = this.epoch;
    const callbackUrl = this.callbackUrl;
    if (!this.providerUp || !callbackUrl) return;
    this.clearTimer('probeTimer');
    let result = await this.runProbe(callbackUrl, 'public');
    if (!result.ok && this.confirmDelayMs > 0 && epoch === this.epoch) {
      // One failure may be a blip (a tunnel socket that closed just then): confirm before acting,
      // since restarting localtunnel usually means a new URL and re-pointing Meta.
      this.log?.info('reachability.probe_unconfirmed', { reason: result.reason });
      await this.pause(this.confirmDelayMs);
      if (epoch !== this.epoch) return;
      result = await this.runProbe(callbackUrl, 'public');
    }
    if (epoch !== this.epoch || callbackUrl !== this.callbackUrl) return;
    if (!result.ok) {
      // Is it the tunnel, or the receiver behind it? Restarting the tunnel would not help the latter
      // (and would cost a new URL and a re-point).
      const local = await this.runProbe(
        `http://${this.opts.localHost ?? '127.0.0.1'}:${this.opts.localPort}${this.webhookPath()}`,
        'local',
      );
      if (epoch !== this.epoch || callbackUrl !== this.callbackUrl) return;
      if (!local.ok) {
        this.lastProbeAt = this.clock();
        this.lastProbeOk = false;
        this.log?.warn('reachability.receiver_not_answering', { reason: local.reason });
        const why = { reason: local.reason };
        this.fail(local.kind === 'answer' ? tr('tunnel.receiverFailedCheck', why) : tr('tunnel.receiverNotAnswering', why), {
          keepProvider: true,
        });
        return;
      }
      // The receiver is fine: give the tunnel one more chance before it costs a URL.
      if (this.confirmDelayMs > 0) {
        await this.pause(this.confirmDelayMs);
        if (epoch !== this.epoch || callbackUrl !== this.callbackUrl) return;
        result = await this.runProbe(callbackUrl, 'public');
        if (epoch !== this.epoch || callbackUrl !== this.callbackUrl) return;
      }
    }
    this.lastProbeAt = this.clock();
    this.lastProbeOk = result.ok;
    if (!result.ok) {
      this.log?.warn('reachability.probe_failed', { reason: result.reason });
      this.fail(tr('tunnel.healthFailed', { reason: result.reason }));
      return;
    }
    if (this.state !== 'connected') {
      this.connectedAt = this.lastProbeAt.getTime();
      this.setState('connected', null);
    } else {
      this.emit();
    }
    this.probeTimer = this.timers.setTimeout(() => {
      this.probeTimer = null;
      void this.probe();
    }, this.probeIntervalMs);
    this.maybePublish();
  }

  /** A wait that stop()/fail() cut short (so no timer outlives supervision). */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.pauseWake = resolve;
      this.pauseTimer = this.timers.setTimeout(() => {
        this.pauseTimer = null;
        this.pauseWake = null;
        resolve();
      }, ms);
    });
  }

  /** Runs one probe with a fresh nonce (never throws) and records its outcome. */
  private async runProbe(url: string, via: 'public' | 'local'): Promise<ProbeResult> {
    const started = performance.now();
    let result: ProbeResult;
    try {
      const nonce = newProbeNonce();
      const expected = this.opts.probeAnswer(nonce);
      result = await (this.opts.probe
        ? this.opts.probe(url, nonce, expected)
        : probeWebhook(url, nonce, expected, { timeoutMs: this.opts.probeTimeoutMs ?? 10_000, timers: this.timers }));
    } catch (err) {
      result = { ok: false, kind: 'network', reason: messageOf(err) };
    }
    this.probes.push({
      at: this.clock().toISOString(),
      via,
      ok: result.ok,
      reason: result.ok ? null : result.reason,
      ms: Math.round(performance.now() - started),
    });
    if (this.probes.length > this.historyLimit) this.probes.splice(0, this.probes.length - this.historyLimit);
    return result;
  }

  private webhookPath(): string {
    return this.opts.webhookPath.startsWith('/') ? this.opts.webhookPath : `/${this.opts.webhookPath}`;
  }

  private onProviderDown(reason: string): void {
    if (!this.providerUp || this.state === 'stopped') return;
    this.log?.warn('reachability.provider_down', { reason });
    this.fail(reason);
  }

  /**
   * Something failed: unreachable, retry scheduled with backoff. The provider is stopped (the retry
   * restarts it) unless `keepProvider` (the receiver, not the tunnel, failed: the retry re-probes).
   */
  private fail(reason: string, opts: { keepProvider?: boolean } = {}): void {
    this.epoch++;
    const now = this.clock();
    if (this.connectedAt !== null && now.getTime() - this.connectedAt >= this.stableMs) this.attempt = 0;
    this.connectedAt = null;
    this.clearTimer('pauseTimer');
    this.clearTimer('probeTimer');
    this.clearTimer('retryTimer');
    if (this.providerUp && !opts.keepProvider) {
      this.providerUp = false;
      void this.provider.stop().catch((err: unknown) => this.log?.warn('reachability.provider_stop_failed', { message: messageOf(err) }));
    }
    const delay = backoffDelay(this.attempt, { floorMs: this.floorMs, capMs: this.capMs, random: this.random });
    this.attempt++;
    this.nextRetryAt = new Date(now.getTime() + delay);
    this.log?.info('reachability.retry_scheduled', { delayMs: delay, attempt: this.attempt });
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      if (this.providerUp) {
        void this.probe();
        return;
      }
      this.restarts++;
      void this.connect();
    }, delay);
    this.setState('unreachable', reason);
  }

  private maybePublish(): void {
    const hook = this.opts.onPublicUrl;
    const publicUrl = this.publicUrl;
    const target = this.callbackUrl;
    if (!hook || this.hookRunning || this.state !== 'connected' || !publicUrl || !target) return;
    if (target === this.publishedUrl) return;
    this.clearTimer('hookTimer');
    this.hookRunning = true;
    this.callback = { ...this.callback, state: 'pending', url: target, reason: null, at: this.clock().toISOString(), nextRetryAt: null };
    this.emit();
    this.log?.info('reachability.repoint_started', { callbackUrl: target });
    let outcome: Promise<void>;
    try {
      outcome = Promise.resolve(hook({ publicUrl, callbackUrl: target }));
    } catch (err) {
      outcome = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    outcome.then(
      () => {
        this.hookRunning = false;
        this.publishedUrl = target;
        this.hookAttempt = 0;
        this.log?.info('reachability.repointed', { callbackUrl: target });
        const current = target === this.callbackUrl;
        this.callback = current
          ? { state: 'registered', url: target, reason: null, at: this.clock().toISOString(), nextRetryAt: null, registeredUrl: target }
          : { ...this.callback, registeredUrl: target }; // the URL moved on meanwhile: still pending for the new one
        this.emit();
        this.maybePublish();
      },
      (err: unknown) => {
        this.hookRunning = false;
        if (this.state === 'stopped') return;
        const reason = messageOf(err);
        if (target !== this.callbackUrl) {
          // Superseded by a newer URL: its own re-point follows (now, or after its first good probe).
          this.log?.info('reachability.repoint_superseded', { callbackUrl: target });
          this.maybePublish();
          return;
        }
        const delay = backoffDelay(this.hookAttempt++, { floorMs: this.floorMs, capMs: this.capMs, random: this.random });
        const now = this.clock();
        this.callback = {
          ...this.callback,
          state: 'failed',
          url: target,
          reason,
          at: now.toISOString(),
          nextRetryAt: new Date(now.getTime() + delay).toISOString(),
        };
        this.log?.warn('reachability.repoint_failed', { callbackUrl: target, reason, retryInMs: delay });
        this.emit();
        this.hookTimer = this.timers.setTimeout(() => {
          this.hookTimer = null;
          this.maybePublish();
        }, delay);
      },
    );
  }

  private setState(state: ReachabilityState, reason: string | null): void {
    const changed = state !== this.state;
    if (!changed && reason === this.reason) return this.emit();
    this.reason = reason;
    if (changed) {
      this.state = state;
      this.since = this.clock();
      this.history.push({ state, at: this.since.toISOString(), reason });
      if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
      this.log?.info('reachability.state', { state, reason, provider: this.provider.kind, publicUrl: this.publicUrl });
    }
    this.emit();
  }

  private emit(): void {
    if (!this.listeners.size) return;
    const snapshot = this.status;
    for (const l of [...this.listeners]) {
      try {
        l(snapshot);
      } catch {
        // a broken listener must not stop supervision
      }
    }
  }

  private clearTimer(which: 'probeTimer' | 'retryTimer' | 'hookTimer' | 'pauseTimer'): void {
    const handle = this[which];
    if (handle !== null) this.timers.clearTimeout(handle);
    this[which] = null;
    if (which === 'pauseTimer' && this.pauseWake) {
      const wake = this.pauseWake;
      this.pauseWake = null;
      wake();
    }
  }
}
