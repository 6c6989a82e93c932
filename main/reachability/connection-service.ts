/**
 * Reachability, end to end: which tunnel provider runs (from the config), the supervisor that
 * keeps it healthy, and — whenever the public URL changes — re-pointing Meta at it:
 *
 *   POST /{phone-number-id} {webhook_configuration: {override_callback_uri, verify_token}}
 *   GET  /{phone-number-id}?fields=webhook_configuration   → must now name our callback URL
 *
 * Meta verifies the new callback with the hub.* handshake before accepting it, which the receiver
 * answers; a failure is shown in the connection view with its fix and retried by the supervisor.
 *
 * One number, two computers: before every re-point, and every `holderCheckMs` while connected,
 * the number's current override is read. Ours is the URL this installation last registered (kept
 * in the config) or the one it is about to register; no override is free to take. Anything else
 * is another installation (or another tool): it is never taken silently — the view's `holder`
 * says 'elsewhere' with the address, the re-point is refused (and re-checked with backoff) until
 * the owner presses Take over (`takeOverCallback`), or chooses Leave it there
 * (`leaveCallbackElsewhere`, remembered). So two installations never fight over the number.
 * Also: "test delivery" (a signed test event sent through the public URL, seen arriving in the
 * inbox) and the view the renderer shows in the status bar and Settings → Connection.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ConnectionView } from '../../common/bridge-contract.ts';
import type { AccountService, WebhookFieldsResult } from '../account/account-service.ts';
import type { ConfigStore } from '../account/config-store.ts';
import type { Logger } from '../core/log.ts';
import { GraphError } from '../graph/graph-errors.ts';
import { whatsapp } from '../graph/whatsapp.ts';
import { tr } from '../i18n/tr.ts';
import type { WebhookInbox } from '../webhooks/inbox.ts';
import { signBody } from '../webhooks/signature.ts';
import type { WebhookReceiver } from '../webhooks/webhook-receiver.ts';
import { LocaltunnelProvider } from './localtunnel-provider.ts';
import { PublicUrlProvider } from './public-url-provider.ts';
import type { TunnelProvider } from './tunnel-provider.ts';
import { TunnelSupervisor, type PublicUrlChange, type ReachabilityStatus } from './tunnel-supervisor.ts';

const PhoneWebhookConfig = z.looseObject({ webhook_configuration: z.looseObject({ phone_number: z.string().optional() }).optional() });

/** Who receives the number's webhooks, as far as we know. */
export interface CallbackHolder {
  state: 'unknown' | 'this-computer' | 'elsewhere';
  /** The other address (when elsewhere). */
  url: string | null;
  /** When we first saw it there. */
  since: string | null;
  /** The owner chose to leave it there. */
  left: boolean;
}

/** The re-point was refused because another address holds the number. */
export class CallbackHeldElsewhereError extends Error {
  readonly url: string;
  constructor(url: string) {
    super(tr('callback.heldElsewhere', { url }));
    this.name = 'CallbackHeldElsewhereError';
    this.url = url;
  }
}

export interface ConnectionServiceOptions {
  account: AccountService;
  config: ConfigStore;
  receiver: WebhookReceiver;
  inbox: WebhookInbox;
  log: Logger;
  /** Where the localtunnel worker script lives (the Electron bundle passes its own). */
  localtunnelWorkerUrl?: URL;
  /** Overrides the default localtunnel server (tests use a loopback one). */
  localtunnelHost?: string;
  probeIntervalMs?: number;
  backoff?: { floorMs?: number; capMs?: number };
  /** How often the number's callback is re-read while connected (default 5 min). */
  holderCheckMs?: number;
  clock?: () => Date;
}

export class ConnectionService {
  private readonly o: ConnectionServiceOptions;
  private supervisor: TunnelSupervisor | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly listeners = new Set<(v: ConnectionView) => void>();
  private startError: string | null = null;
  private holder: CallbackHolder = { state: 'unknown', url: null, since: null, left: false };
  private takeOver = false;
  private holderTimer: NodeJS.Timeout | null = null;
  private fields: WebhookFieldsResult | null = null;

  constructor(opts: ConnectionServiceOptions) {
    this.o = opts;
  }

  onChange(listener: (v: ConnectionView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    const v = this.view();
    for (const l of [...this.listeners]) l(v);
  }

  private makeProvider(): TunnelProvider {
    const t = this.o.config.get().tunnel;
    if (t.provider === 'public-url') return new PublicUrlProvider(t.publicUrl ?? '');
    return new LocaltunnelProvider({
      ...((this.o.localtunnelHost ?? t.host) ? { host: (this.o.localtunnelHost ?? t.host)! } : {}),
      ...(t.subdomain ? { subdomain: t.subdomain } : {}),
      ...(this.o.localtunnelWorkerUrl ? { workerUrl: this.o.localtunnelWorkerUrl } : {}),
      log: this.o.log.child('localtunnel'),
    });
  }

  /** Starts the tunnel when an account is connected (no-op otherwise). */
  async start(): Promise<void> {
    await this.stop();
    if (!this.o.account.account()) return;
    let provider: TunnelProvider;
    try {
      provider = this.makeProvider();
      this.startError = null;
    } catch (err) {
      this.startError = (err as Error).message;
      this.emit();
      return;
    }
    this.supervisor = new TunnelSupervisor({
      provider,
      localPort: this.o.receiver.port,
      webhookPath: this.o.receiver.path,
      probeAnswer: (nonce) => this.o.receiver.expectedProbeAnswer(nonce),
      onPublicUrl: (change) => this.repoint(change),
      log: this.o.log.child('tunnel'),
      ...(this.o.probeIntervalMs ? { probeIntervalMs: this.o.probeIntervalMs } : {}),
      ...(this.o.backoff ? { backoff: this.o.backoff } : {}),
      ...(this.o.clock ? { clock: this.o.clock } : {}),
    });
    this.unsubscribe = this.supervisor.onChange(() => this.emit());
    this.holder = { ...this.holder, left: this.o.config.get().tunnel.leaveCallbackElsewhere };
    void this.supervisor.start();
    this.holderTimer = setInterval(() => void this.checkHolder(), this.o.holderCheckMs ?? 5 * 60_000);
    this.holderTimer.unref();
    this.emit();
  }

  /**
   * Re-reads who holds the number. Taken away from us (another installation re-pointed it): stop
   * re-pointing and say so — the supervisor's retry re-checks and refuses until the owner decides.
   */
  async checkHolder(): Promise<CallbackHolder> {
    const sup = this.supervisor;
    const current = await this.readOverride().catch(() => undefined);
    if (current === undefined || !sup) return this.holder;
    const ours = this.isOurs(current, sup.status.callbackUrl);
    if (!ours) {
      this.setHolderElsewhere(current!);
      if (sup.status.callback.state === 'registered') {
        this.o.log.warn('connection.callback_taken', {});
        sup.republish(); // → refused until the owner takes it over
      }
    } else if (current && this.holder.state !== 'this-computer' && current === sup.status.callback.registeredUrl) {
      this.holder = { state: 'this-computer', url: null, since: null, left: false };
      this.emit();
    }
    return this.holder;
  }

  /** The owner's Take over: point the number at this computer now. */
  async takeOverCallback(): Promise<ConnectionView> {
    this.takeOver = true;
    this.o.config.update((c) => {
      c.tunnel.leaveCallbackElsewhere = false;
    });
    this.holder = { ...this.holder, left: false };
    this.supervisor?.republish();
    this.emit();
    return this.view();
  }

  /** The owner's Leave it there: stop asking; this computer does not receive the number's calls. */
  leaveCallbackElsewhere(): ConnectionView {
    this.takeOver = false;
    this.o.config.update((c) => {
      c.tunnel.leaveCallbackElsewhere = true;
    });
    this.holder = { ...this.holder, left: true };
    this.emit();
    return this.view();
  }

  /**
   * Before the number is disconnected (or replaced by another): delete its override when it is
   * ours (Meta takes an empty string as "delete"), so WhatsApp stops sending that number's events
   * here — and an override another computer holds is left alone. Says what happened.
   */
  async releaseCallback(): Promise<{ state: 'cleared' | 'not_ours' | 'none' | 'failed'; message: string }> {
    const graph = this.o.account.graph({ timeoutMs: 15_000 });
    const a = this.o.account.account();
    if (!graph || !a) return { state: 'none', message: tr('callback.noNumber') };
    try {
      const current = await this.readOverride();
      const ours =
        current !== null &&
        (current === this.supervisor?.status.callbackUrl || current === this.o.config.get().tunnel.registeredCallbackUrl);
      if (current === null) return { state: 'none', message: tr('callback.noneOurs') };
      if (!ours)
        return {
          state: 'not_ours',
          message: tr('callback.notOurs', { url: current }),
        };
      await whatsapp(graph, a.phoneNumberId).phoneNumber.clearCallbackOverride();
      this.o.config.update((c) => {
        c.tunnel.registeredCallbackUrl = null;
        c.tunnel.leaveCallbackElsewhere = false;
      });
      this.holder = { state: 'unknown', url: null, since: null, left: false };
      this.o.log.info('connection.callback_released', {});
      return { state: 'cleared', message: tr('callback.cleared') };
    } catch (err) {
      const why = err instanceof GraphError ? err.userMessage : (err as Error).message;
      this.o.log.warn('connection.callback_release_failed', { error: why });
      return {
        state: 'failed',
        message: tr('callback.clearFailed', { why }),
      };
    }
  }

  private isOurs(current: string | null, callbackUrl: string | null): boolean {
    if (!current) return true; // nobody holds it
    return current === callbackUrl || current === this.o.config.get().tunnel.registeredCallbackUrl;
  }

  private setHolderElsewhere(url: string): void {
    const since =
      this.holder.state === 'elsewhere' && this.holder.url === url && this.holder.since
        ? this.holder.since
        : (this.o.clock?.() ?? new Date()).toISOString();
    this.holder = { state: 'elsewhere', url, since, left: this.o.config.get().tunnel.leaveCallbackElsewhere };
    this.emit();
  }

  /** The number's own override (null: none); throws when Graph cannot be asked. */
  private async readOverride(): Promise<string | null> {
    const graph = this.o.account.graph({ timeoutMs: 30_000 });
    const a = this.o.account.account();
    if (!graph || !a) throw new Error(tr('callback.noAccount'));
    const check = await whatsapp(graph, a.phoneNumberId).phoneNumber.webhookConfiguration(PhoneWebhookConfig);
    return check.webhook_configuration?.phone_number || null;
  }

  async stop(): Promise<void> {
    if (this.holderTimer) clearInterval(this.holderTimer);
    this.holderTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    const s = this.supervisor;
    this.supervisor = null;
    if (s) await s.stop();
  }

  async restart(): Promise<ConnectionView> {
    if (this.supervisor) await this.supervisor.restart();
    else await this.start();
    return this.view();
  }

  /** Re-probes at once (resume from sleep, network change). */
  checkNow(): void {
    void this.supervisor?.checkNow();
  }

  /**
   * The network came back or the laptop woke up: a running tunnel's connection did not survive,
   * so restart it at once (the supervisor probes as soon as it is up) instead of waiting for the
   * next probe to notice. Does nothing when the tunnel is stopped (no account, or stopped on purpose).
   */
  async restartNow(): Promise<boolean> {
    const s = this.supervisor;
    if (!s) return false;
    await s.restart();
    return true;
  }

  /** Meta must call the new URL: set the phone number's override, then confirm it took. */
  private async repoint(change: PublicUrlChange): Promise<void> {
    const graph = this.o.account.graph({ timeoutMs: 30_000 });
    const a = this.o.account.account();
    const token = this.o.account.verifyToken();
    if (!graph || !a || !token) throw new Error(tr('callback.noAccount'));
    try {
      const current = await this.readOverride();
      if (!this.takeOver && !this.isOurs(current, change.callbackUrl)) {
        this.setHolderElsewhere(current!);
        this.o.log.warn('connection.callback_held_elsewhere', {});
        throw new CallbackHeldElsewhereError(current!);
      }
      const phoneNumber = whatsapp(graph, a.phoneNumberId).phoneNumber;
      await phoneNumber.setCallbackOverride(change.callbackUrl, token);
      const check = await phoneNumber.webhookConfiguration(PhoneWebhookConfig);
      const now = check.webhook_configuration?.phone_number;
      if (now !== change.callbackUrl)
        throw new Error(tr('callback.stillOther', { now: now ?? tr('callback.noAddress'), url: change.callbackUrl }));
      this.o.config.update((c) => {
        c.tunnel.registeredCallbackUrl = change.callbackUrl;
        c.tunnel.leaveCallbackElsewhere = false;
      });
      this.takeOver = false;
      this.holder = { state: 'this-computer', url: null, since: null, left: false };
      this.o.log.info('connection.repointed', { callbackUrl: change.callbackUrl });
      // The override only receives the fields the app subscribed to: make sure calls and messages are.
      this.fields = await this.o.account.ensureWebhookFields(
        change.callbackUrl,
        (url) => url === change.callbackUrl || url === this.o.config.get().tunnel.registeredCallbackUrl,
      );
      this.emit();
    } catch (err) {
      if (err instanceof GraphError) throw new Error(tr('callback.pointFailed', { error: err.userMessage }), { cause: err });
      throw err;
    }
  }

  status(): ReachabilityStatus | null {
    return this.supervisor?.status ?? null;
  }

  view(): ConnectionView {
    const t = this.o.config.get().tunnel;
    const s = this.supervisor?.status ?? null;
    const startOfDay = new Date(this.o.clock?.() ?? new Date());
    startOfDay.setHours(0, 0, 0, 0);
    return {
      state: s?.state ?? (this.startError ? 'unreachable' : 'stopped'),
      since: s?.since ?? null,
      reason: s?.reason ?? this.startError ?? (this.o.account.account() ? null : tr('common.notConnectedShort')),
      provider: t.provider,
      publicUrl: s?.publicUrl ?? null,
      callbackUrl: s?.callbackUrl ?? null,
      callback: s
        ? { state: s.callback.state, url: s.callback.url, reason: s.callback.reason }
        : { state: 'none', url: null, reason: null },
      lastProbeAt: s?.lastProbeAt ?? null,
      nextRetryAt: s?.nextRetryAt ?? null,
      restarts: s?.restarts ?? 0,
      lastEventAt: this.o.receiver.stats.lastEventAt,
      eventsToday: this.o.inbox.receivedSince(startOfDay.toISOString()),
      history: (s?.history ?? []).map((h) => ({ state: h.state, at: h.at, reason: h.reason })),
      probes: s?.probes ?? [],
      holder: { ...this.holder },
      webhookFields: this.fields
        ? { state: this.fields.state, message: this.fields.message, fix: 'fix' in this.fields ? this.fields.fix : null }
        : null,
      tunnel: { subdomain: t.subdomain, host: t.host, publicUrl: t.publicUrl },
    };
  }

  /**
   * Sends a signed test event through the public URL — the same path Meta's webhooks take — and
   * waits for it to arrive in the inbox.
   */
  async testDelivery(timeoutMs = 10_000): Promise<{ ok: boolean; roundTripMs: number | null; message: string }> {
    const s = this.supervisor?.status;
    const secret = this.o.account.appSecret();
    const a = this.o.account.account();
    if (!s?.callbackUrl || !secret || !a) return { ok: false, roundTripMs: null, message: tr('delivery.noAddress') };
    const nonce = randomBytes(12).toString('hex');
    const body = Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: a.wabaId, changes: [{ field: 'switchboard_test_delivery', value: { nonce } }] }],
      }),
    );
    const started = performance.now();
    const arrived = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, timeoutMs);
      const off = this.o.inbox.subscribe((e) => {
        if (e.kind === 'unknown' && e.field === 'switchboard_test_delivery' && JSON.stringify(e.raw).includes(nonce)) {
          clearTimeout(timer);
          off();
          resolve(true);
        }
      });
    });
    try {
      const res = await fetch(s.callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, secret), 'bypass-tunnel-reminder': '1' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status !== 200) return { ok: false, roundTripMs: null, message: tr('delivery.http', { status: res.status }) };
    } catch (err) {
      return { ok: false, roundTripMs: null, message: tr('delivery.unreachable', { error: (err as Error).message }) };
    }
    const ok = await arrived;
    const ms = Math.round(performance.now() - started);
    return ok
      ? { ok: true, roundTripMs: ms, message: tr('delivery.ok', { ms }) }
      : { ok: false, roundTripMs: null, message: tr('delivery.late') };
  }
}
