/**
 * Main's services, wired together in plain Node. Both the Electron shell (`main/shell/`) and the
 * browser host (`main/host/`) start exactly this, then bind `dispatch` and `events` to their
 * transport. What differs between them comes in as options: where secrets are kept, which JSON
 * store backs the config, whether main can write the clipboard.
 *
 *   config (electron-store/conf) ─┐
 *   secrets (keychain) ───────────┼─ account ── graph client
 *   database (SQLite) ── inbox ───┴─ webhook receiver ── tunnel (reachability)
 */
import { mkdirSync, accessSync, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import type { ZodError } from 'zod';
import type { AccountView, AppInfo, AppStatus, ConnectAccountResult, ConnectionView } from '../common/bridge-contract.ts';
import { AccountService, ConnectInput } from './account/account-service.ts';
import { CallingSettingsService } from './account/calling-settings-service.ts';
import { ConfigStore, type JsonFileStoreFactory } from './account/config-store.ts';
import { KeychainUnavailableError, type SecretsService } from './account/secrets.ts';
import { TurnCredentials } from './account/turn-credentials.ts';
import { BridgeRequestError, createDispatcher, type BridgeHandlers, type Dispatch } from './bridge/dispatcher.ts';
import { BridgeEventBus } from './core/events.ts';
import { SecretRedactor, type Logger } from './core/log.ts';
import { DEFAULT_GRAPH_BASE_URL, DEFAULT_GRAPH_VERSION } from './graph/graph-client.ts';
import { buildDiagnostics } from './core/diagnostics.ts';
import { openDatabase, type Database } from './storage/database.ts';
import { WebhookInbox } from './webhooks/inbox.ts';
import { ConnectionService } from './reachability/connection-service.ts';
import { ThreadStore } from './threads/thread-store.ts';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/** The ISO country of a WhatsApp number (digits with country code), or null. */
function countryOfNumber(waId: string): string | null {
  return parsePhoneNumberFromString(`+${waId}`)?.country ?? null;
}
import { MessagingService } from './threads/messaging-service.ts';
import { CallController } from './calls/call-controller.ts';
import { BridgeMediaPort } from './calls/bridge-media-port.ts';
import { CallPermissions } from './calls/call-permissions.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhooks/webhook-receiver.ts';
import { DesktopPreferencesService, ShortcutConflictError } from './desktop/desktop-preferences.ts';
import { watchNetwork, type InterfacesFn } from './desktop/network-watch.ts';
import { ClockSkew } from './core/clock-skew.ts';
import { PlatformWarnings } from './account/platform-warnings.ts';

export interface AppServicesOptions {
  dataDir: string;
  version: string;
  host: AppInfo['host'];
  electronVersion?: string | null;
  chromeVersion?: string | null;
  log: Logger;
  /** The same redactor the log uses, so every secret the account learns is masked in logs. */
  redactor?: SecretRedactor;
  /** Where secrets live: the OS keychain normally; memory only for the demo. */
  secrets: SecretsService;
  /** electron-store in the shell, conf in the browser host. */
  configStore: JsonFileStoreFactory;
  /** Writes text to the OS clipboard from main (Electron); absent in the browser host. */
  writeClipboard?: (text: string) => void;
  /** Recent warnings/errors for the diagnostics bundle (the same lines the log got). */
  recentProblems?: { lines: string[] };
  /** Overrides the configured webhook receiver port (tests, demo). */
  webhookPort?: number;
  /** The localtunnel worker script (the Electron bundle ships its own copy). */
  localtunnelWorkerUrl?: URL;
  /** Overrides the localtunnel server (tests and the demo use a loopback one). */
  localtunnelHost?: string;
  /** Health-probe interval for the tunnel (default 20 s). */
  tunnelProbeIntervalMs?: number;
  /** Restart backoff for the tunnel (default floor 2 s, cap 5 min). */
  tunnelBackoff?: { floorMs?: number; capMs?: number };
  /** How often the number's webhook callback is re-read while connected (default 5 min). */
  callbackHolderCheckMs?: number;
  fetch?: typeof fetch;
  clock?: () => Date;
  /** How often to look for network changes, which restart the tunnel at once (default 5 s; 0 = off). */
  networkWatchIntervalMs?: number;
  /** Where the network watcher reads the interfaces (tests); default os.networkInterfaces. */
  networkInterfaces?: InterfacesFn;
}

export interface AppServices {
  readonly info: AppInfo;
  readonly events: BridgeEventBus;
  readonly dispatch: Dispatch;
  readonly account: AccountService;
  readonly inbox: WebhookInbox;
  readonly receiver: WebhookReceiver;
  /** What WhatsApp says is wrong with the number (restrictions, health, errors-only webhooks). */
  readonly warnings: PlatformWarnings;
  readonly connection: ConnectionService;
  readonly threads: ThreadStore;
  readonly messaging: MessagingService;
  readonly calls: CallController;
  readonly config: ConfigStore;
  /** Shortcuts, start at login, do-not-disturb (the shell attaches globalShortcut and listens). */
  readonly desktop: DesktopPreferencesService;
  /** Opens (creating if needed) the thread for a phone number — click-to-call links. */
  openThreadForNumber(waId: string, offerCall: boolean): number;
  readonly db: Database;
  status(): AppStatus;
  close(): Promise<void>;
}

/** Thrown when the data directory cannot be used; the message is meant for the person. */
export class DataDirError extends Error {
  override name = 'DataDirError';
}

export function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new DataDirError(`cannot create data dir ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    accessSync(dir, fsConstants.W_OK | fsConstants.R_OK);
  } catch {
    throw new DataDirError(`data dir ${dir} is not writable`);
  }
}

/** Field-level messages from a zod error, keyed by the first path segment. */
function fieldErrors(err: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of err.issues) {
    const key = String(issue.path[0] ?? 'form');
    out[key] ??= issue.message;
  }
  return out;
}

export async function startAppServices(opts: AppServicesOptions): Promise<AppServices> {
  const clock = opts.clock ?? (() => new Date());
  ensureDataDir(opts.dataDir);
  const log = opts.log;
  const redactor = opts.redactor ?? new SecretRedactor();
  const events = new BridgeEventBus({ redact: (text) => redactor.redactForRenderer(text) });

  const info: AppInfo = {
    name: 'Switchboard',
    version: opts.version,
    host: opts.host,
    platform: process.platform,
    versions: { node: process.versions.node, electron: opts.electronVersion ?? null, chrome: opts.chromeVersion ?? null },
  };

  const config = new ConfigStore(opts.dataDir, opts.configStore);
  if (config.problem) log.warn('config.reset', { problem: config.problem });
  // How far this computer's clock is from Meta's: Graph's Date header, and webhook timestamps.
  const skew = new ClockSkew(() => clock().getTime());
  const account = new AccountService({
    config,
    secrets: opts.secrets,
    log: log.child('account'),
    redactor,
    clock,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    onServerDate: (date, sent, answered) => skew.fromServerDate(date, sent, answered),
  });
  const { keychainProblem } = await account.load();
  const turn = new TurnCredentials({ config, secrets: opts.secrets, redactor, log: log.child('turn') });
  await turn.load();
  const callingSettings = new CallingSettingsService({ graph: () => account.graph(), phoneNumberId: () => account.account()?.phoneNumberId ?? null, log: log.child('calling-settings'), clock });

  const db = openDatabase(opts.dataDir);
  const inbox = new WebhookInbox(db, log.child('inbox'), clock);
  inbox.setOwnNumber(() => account.account()?.phoneNumberId ?? null);
  inbox.onTimestamp = (metaMs, receivedMs) => skew.fromWebhook(metaMs, receivedMs);
  // Threads are a projection of the webhook events, applied in the same transaction.
  const threads = new ThreadStore(db, { clock, countryOf: countryOfNumber });
  inbox.addApplier((e, id) => threads.apply(e, id));
  threads.catchUp();
  // Coalesced "these threads changed" pushes: the renderer refetches what it shows.
  const changed = new Set<number>();
  let changedTimer: ReturnType<typeof setTimeout> | null = null;
  const flushChanged = (): void => {
    if (changedTimer) clearTimeout(changedTimer);
    changedTimer = null;
    if (changed.size === 0) return;
    events.emit('threadsChanged', { threadIds: [...changed] });
    changed.clear();
  };
  const markChanged = (threadId: number): void => {
    changed.add(threadId);
    changedTimer ??= setTimeout(flushChanged, 30);
  };
  threads.onChange(markChanged);
  // Calls: the controller drives the renderer's media engine over the bridge.
  const mediaPort = new BridgeMediaPort(events);
  const desktop = new DesktopPreferencesService({ config, clock });
  desktop.onChange((view) => events.emit('desktopPreferences', view));
  const calls = new CallController({
    account,
    threads,
    media: mediaPort,
    log: log.child('calls'),
    clock,
    preAccept: () => config.get().preferences.preAccept,
    ringAllowed: () => !desktop.dndActive(),
    declineWhenSilenced: () => desktop.declineWhenSilenced(),
    voicemailTimeoutMs: () => callingSettings.voicemailTimeoutMs(),
    mediaServersConfigured: () => config.get().preferences.stunServer !== null || config.get().preferences.turnServers.length > 0,
    onChange: (view) => {
      if (view.outcome === 'failed') warnings.callFailed();
      events.emit('call', view);
    },
    clockOffsetMs: () => skew.decisionOffsetMs(),
  });
  mediaPort.onLost((localId, reason) => calls.mediaLost(localId, reason));
  mediaPort.onAudio((localId) => calls.mediaAudio(localId));
  const callPermissions = new CallPermissions({ threads, account });
  inbox.subscribe((e) => calls.onDomainEvent(e));
  // What WhatsApp says is wrong with the number (restrictions, health, errors-only webhooks).
  const warnings = new PlatformWarnings({ graph: () => account.graph(), phoneNumberId: () => account.account()?.phoneNumberId ?? null, callingSettings, log: log.child('warnings'), clock });
  inbox.subscribe((e) => warnings.onDomainEvent(e));
  const callCommand = (what: 'answer' | 'decline' | 'hangup', localId: string) => {
    const ok = what === 'answer' ? calls.answer(localId) : what === 'decline' ? calls.decline(localId) : calls.hangup(localId);
    const view = calls.get(localId);
    if (!view) throw new BridgeRequestError('not_found', 'That call is not known (it may have ended long ago).');
    const unanswerable = what === 'answer' && !ok ? calls.unanswerableReason(localId) : null;
    if (unanswerable) throw new BridgeRequestError('cannot_answer', `This call cannot be answered. ${unanswerable}`);
    if (!ok) throw new BridgeRequestError('invalid_state', what === 'answer' ? 'This call can no longer be answered.' : what === 'decline' ? 'This call is no longer ringing.' : 'This call has already ended.');
    return view;
  };
  const messaging = new MessagingService({ db, threads, account, log: log.child('messaging'), clock, onItem: (item) => markChanged(item.threadId) });
  // A settings change made elsewhere (WhatsApp Manager, another app) refreshes the settings screen.
  inbox.subscribe((e) => {
    if (e.kind !== 'settings.changed' || !account.account()) return;
    callingSettings.get().then(
      (view) => events.emit('callingSettings', view),
      (err: unknown) => log.warn('calling_settings.refresh_failed', { error: (err as Error).message }),
    );
  });
  const receiver = await startWebhookReceiver({
    inbox,
    port: opts.webhookPort ?? config.get().webhook.port,
    appSecret: () => account.appSecret(),
    verifyToken: () => account.verifyToken(),
    log: log.child('webhooks'),
    clock,
  });

  const status: AppStatus = {
    startedAt: clock().toISOString(),
    account: account.account() ? { state: 'connected', detail: account.account()!.displayPhoneNumber } : keychainProblem ? { state: 'error', detail: keychainProblem } : { state: 'not_connected', detail: null },
    reachability: { state: 'unknown', since: null, detail: null },
    clock: { offsetMs: null, warn: false },
  };
  const publishStatus = (): void => events.emit('status', structuredClone(status));
  warnings.onChange((list) => {
    status.warnings = list.map((w) => ({ kind: w.kind, key: w.key, text: w.text, until: w.until, at: w.at }));
    publishStatus();
  });
  skew.onChange((v) => {
    status.clock = { offsetMs: v.offsetMs, warn: v.warn };
    if (v.warn) log.warn('clock.skew', { offsetMs: v.offsetMs, source: v.source });
    publishStatus();
  });

  const accountView = (): AccountView => {
    const a = account.account();
    const verify = account.verifyToken();
    return {
      connected: a !== null,
      account: a,
      secretsBackend: account.secretsBackend,
      keychainProblem,
      configProblem: config.problem,
      verifyTokenHint: verify ? verify.slice(-4) : null,
      canCopyVerifyToken: typeof opts.writeClipboard === 'function' && verify !== null,
      defaults: { graphBaseUrl: DEFAULT_GRAPH_BASE_URL, apiVersion: DEFAULT_GRAPH_VERSION },
    };
  };

  const connection = new ConnectionService({
    account,
    config,
    receiver,
    inbox,
    log: log.child('connection'),
    clock,
    ...(opts.localtunnelWorkerUrl ? { localtunnelWorkerUrl: opts.localtunnelWorkerUrl } : {}),
    ...(opts.localtunnelHost ? { localtunnelHost: opts.localtunnelHost } : {}),
    ...(opts.tunnelProbeIntervalMs ? { probeIntervalMs: opts.tunnelProbeIntervalMs } : {}),
    ...(opts.tunnelBackoff ? { backoff: opts.tunnelBackoff } : {}),
    ...(opts.callbackHolderCheckMs ? { holderCheckMs: opts.callbackHolderCheckMs } : {}),
  });
  const REACHABILITY: Record<ConnectionView['state'], AppStatus['reachability']['state']> = { stopped: 'unknown', connecting: 'connecting', connected: 'connected', unreachable: 'unreachable' };
  connection.onChange((v) => {
    const elsewhere = v.holder.state === 'elsewhere' && v.holder.url ? { url: v.holder.url, since: v.holder.since, left: v.holder.left } : null;
    const next = { state: REACHABILITY[v.state], since: v.since, detail: v.reason, elsewhere };
    if (JSON.stringify(next) !== JSON.stringify(status.reachability)) {
      status.reachability = next;
      publishStatus();
    }
    events.emit('connection', v);
  });
  const connectionView = (): ConnectionView => connection.view();
  // The network came back or changed: the tunnel's link is dead, restart it and re-check at once.
  const network =
    opts.networkWatchIntervalMs === 0
      ? null
      : watchNetwork({
          intervalMs: opts.networkWatchIntervalMs ?? 5_000,
          ...(opts.networkInterfaces ? { interfaces: opts.networkInterfaces } : {}),
          onChange: (c) => {
            log.info('network.changed', { kind: c.kind, addresses: c.addresses.length });
            if (c.kind !== 'down') void connection.restartNow().catch((err: unknown) => log.warn('network.restart_failed', { error: (err as Error).message }));
          },
        });
  const callPreferences = () => {
    const p = config.get().preferences;
    return { preAccept: p.preAccept, ringDeviceId: p.ringDeviceId, turnServers: turn.servers(), stunServer: p.stunServer };
  };

  const handlers: BridgeHandlers = {
    getAppInfo: () => info,
    getStatus: () => structuredClone(status),
    getAccount: () => accountView(),
    connectAccount: async (params): Promise<ConnectAccountResult> => {
      const parsed = ConnectInput.safeParse(params);
      if (!parsed.success) return { saved: false, fieldErrors: fieldErrors(parsed.error), steps: [], phone: null };
      status.account = { state: 'connecting', detail: null };
      publishStatus();
      try {
        const previous = account.account();
        if (previous && previous.phoneNumberId !== parsed.data.phoneNumberId) {
          // Another number replaces this one: its override must not keep sending its events here.
          const released = await connection.releaseCallback();
          log.info('account.previous_number_released', { state: released.state });
        }
        const res = await account.connect(parsed.data, (step) => events.emit('account.progress', step));
        if (res.saved) {
          void connection.start();
          warnings.start();
        }
        return { ...res, fieldErrors: {} };
      } finally {
        const a = account.account();
        status.account = a ? { state: 'connected', detail: a.displayPhoneNumber } : { state: 'not_connected', detail: null };
        publishStatus();
      }
    },
    disconnectAccount: async () => {
      const callback = await connection.releaseCallback();
      warnings.stop();
      await connection.stop();
      await account.disconnect();
      status.account = { state: 'not_connected', detail: null };
      publishStatus();
      return { disconnected: true as const, callback };
    },
    copyVerifyToken: () => {
      const token = account.verifyToken();
      if (!token) return { copied: false, reason: 'Connect your account first; the verify token is created then.' };
      if (!opts.writeClipboard) return { copied: false, reason: 'Copying is only available in the desktop app.' };
      opts.writeClipboard(token);
      return { copied: true, reason: null };
    },
    getCallingSettings: () => callingSettings.get(),
    uploadVoicemailAnnouncement: (p) => callingSettings.uploadAnnouncement(Buffer.from(p.audioBase64, 'base64'), p.mimeType),
    updateCallingSettings: (params) => callingSettings.update(params.changes),
    getConnection: () => connectionView(),
    testDelivery: () => connection.testDelivery(),
    takeOverCallback: () => connection.takeOverCallback(),
    leaveCallbackElsewhere: () => connection.leaveCallbackElsewhere(),
    restartTunnel: () => {
      if (!account.account()) throw new BridgeRequestError('not_connected', 'Connect your account first.');
      return connection.restart();
    },
    setTunnel: async (params) => {
      if (params.provider === 'public-url') {
        // Meta accepts callback URLs of at most 200 characters (override_callback_uri).
        const callback = `${params.publicUrl.trim().replace(/\/+$/, '')}${receiver.path}`;
        if (callback.length > 200) throw new BridgeRequestError('invalid_params', `publicUrl: WhatsApp accepts webhook addresses of at most 200 characters; with ${receiver.path} this one has ${callback.length}. Use a shorter address.`);
      }
      try {
        config.update((c) => {
          c.tunnel.provider = params.provider;
          if (params.provider === 'localtunnel') {
            c.tunnel.subdomain = params.subdomain;
            c.tunnel.host = params.host;
          } else {
            c.tunnel.publicUrl = params.publicUrl.trim();
          }
        });
      } catch (err) {
        const issue = (err as ZodError).issues?.[0];
        throw new BridgeRequestError('invalid_params', issue ? `${String(issue.path.at(-1) ?? 'value')}: ${issue.message}` : 'Invalid tunnel settings.');
      }
      await connection.start();
      return connection.view();
    },
    listThreads: (p) => {
      const list = threads.listThreads({ filter: p.filter, after: p.after, limit: p.limit });
      const last = list.at(-1);
      return { threads: list, next: list.length === p.limit && last?.lastItemAt ? { at: last.lastItemAt, id: last.id } : null };
    },
    getTimeline: (p) => {
      const window = messaging.windowOf(p.threadId);
      const cursor = (i: { at: string; id: number } | undefined) => (i ? { at: i.at, id: i.id } : null);
      if (p.aroundItemId !== null) {
        const centre = threads.item(p.aroundItemId);
        if (!centre || centre.threadId !== p.threadId) throw new BridgeRequestError('not_found', 'That message is no longer in this conversation.');
        const half = Math.max(1, Math.floor(p.limit / 2));
        const older = threads.timeline(p.threadId, { before: centre, limit: half });
        const newer = threads.timelineAfter(p.threadId, centre, half);
        return { items: [...newer.reverse(), centre, ...older], next: older.length === half ? cursor(older.at(-1)) : null, newer: newer.length === half ? cursor(newer[0]) : null, window };
      }
      if (p.after) {
        const newer = threads.timelineAfter(p.threadId, p.after, p.limit);
        return { items: newer.reverse(), next: null, newer: newer.length === p.limit ? cursor(newer[0]) : null, window };
      }
      const items = threads.timeline(p.threadId, { before: p.before, limit: p.limit });
      return { items, next: items.length === p.limit ? cursor(items.at(-1)) : null, newer: null, window };
    },
    getThread: (p) => ({ thread: threads.thread(p.threadId), notes: threads.notesOf(p.threadId) }),
    updateContact: (p) => {
      if (!threads.contactOfThread(p.threadId)) throw new BridgeRequestError('not_found', 'That conversation no longer exists.');
      threads.updateContact(p.threadId, { ownerName: p.ownerName, notes: p.notes });
      return { thread: threads.thread(p.threadId), notes: threads.notesOf(p.threadId) };
    },
    search: (p) => ({ hits: threads.searchItems(p.query, p.limit), contactIds: threads.searchContacts(p.query) }),
    openThread: async (p) => {
      await messaging.markRead(p.threadId);
      changed.add(p.threadId);
      flushChanged();
      return { opened: true as const };
    },
    sendTextMessage: (p) => messaging.sendText(p.threadId, p.text),
    retryMessage: (p) => messaging.retry(p.itemId),
    getCallPreferences: () => callPreferences(),
    setCallPreferences: async (p) => {
      const refuse = (err: unknown, prefix: PropertyKey[]): never => {
        if (err instanceof KeychainUnavailableError) throw new BridgeRequestError('keychain_unavailable', `${err.message} ${err.fix}`);
        const issue = (err as ZodError).issues?.[0];
        if (!issue) throw err;
        throw new BridgeRequestError('invalid_params', issue.message, { field: [...prefix, ...issue.path].map(String).join('.') });
      };
      try {
        config.update((c) => {
          if (p.preAccept !== undefined) c.preferences.preAccept = p.preAccept;
          if (p.ringDeviceId !== undefined) c.preferences.ringDeviceId = p.ringDeviceId;
          if (p.stunServer !== undefined) c.preferences.stunServer = p.stunServer === null ? null : p.stunServer.trim();
        });
      } catch (err) {
        refuse(err, []);
      }
      // TURN credentials go to the keychain (turn-credentials.ts), never into the config file.
      if (p.turnServers !== undefined) await turn.set(p.turnServers).catch((err: unknown) => refuse(err, ['preferences', 'turnServers']));
      return callPreferences();
    },
    getDesktopPreferences: () => desktop.view(),
    setDesktopPreferences: (p) => {
      try {
        return desktop.update(p);
      } catch (err) {
        if (err instanceof ShortcutConflictError) throw new BridgeRequestError('shortcut_conflict', err.message, { fieldErrors: err.fieldErrors });
        const issue = (err as ZodError).issues?.[0];
        if (issue) throw new BridgeRequestError('invalid_params', issue.message, { field: issue.path.join('.') });
        throw err;
      }
    },
    listCalls: () => ({ calls: calls.list() }),
    answerCall: (p) => callCommand('answer', p.localId),
    declineCall: (p) => callCommand('decline', p.localId),
    hangUpCall: (p) => callCommand('hangup', p.localId),
    listTemplates: async () => ({ templates: await messaging.templates() }),
    sendTemplate: (p) => messaging.sendTemplate(p.threadId, { name: p.name, language: p.language, parameters: p.parameters }),
    getMedia: (p) => messaging.media(p.itemId, path.join(opts.dataDir, 'media')),
    exportThread: (p) => messaging.exportThread(p.threadId, p.format),
    getCallPermission: (p) => callPermissions.check(p.threadId),
    requestCallPermission: async (p) => {
      const sent = await callPermissions.request(p.threadId, p.template);
      // The request is part of the conversation: the customer's answer arrives next to it.
      const contact = threads.contactOfThread(p.threadId);
      if (contact) threads.addOutgoingMessage({ contact: { ...contact, parentUserId: null, profileName: null, username: null }, wamid: sent.wamid, type: 'call_permission_request', body: null, data: p.template ? { template: p.template } : {} });
      return sent;
    },
    sendCallButton: (p) => callPermissions.sendCallButton(p.threadId, { body: p.body, displayText: p.displayText, ttlMinutes: p.ttlMinutes, payload: p.payload }),
    getCallLink: (p) => {
      const url = callPermissions.callLink(p.payload);
      opts.writeClipboard?.(url);
      return { url, copied: typeof opts.writeClipboard === 'function' };
    },
    placeCall: async (p) => {
      const permission = await callPermissions.check(p.threadId);
      if (!permission.canCall) throw new BridgeRequestError('no_permission', permission.callBlockedReason ?? 'WhatsApp does not allow calling this customer right now.');
      const contact = threads.contactOfThread(p.threadId);
      if (!contact) throw new BridgeRequestError('not_found', 'That conversation no longer exists.');
      return calls.dial({ waId: contact.waId, userId: contact.userId }, p.threadId);
    },
    mediaReport: (p) => {
      mediaPort.report(p);
      return { received: true as const };
    },
    getDiagnosticsBundle: () => {
      const a = account.account();
      const text = buildDiagnostics({
        app: { name: info.name, version: info.version, host: info.host, versions: info.versions },
        account: { connected: a !== null, graphBaseUrl: a?.graphBaseUrl ?? null, apiVersion: a?.apiVersion ?? null, phoneNumberId: a?.phoneNumberId ?? null },
        reachability: { ...connection.view(), tunnel: undefined },
        inbox: { ...inbox.counts(), receiver: receiver.stats },
        recentProblems: opts.recentProblems?.lines ?? [],
        redactor,
        now: clock(),
      });
      if (opts.writeClipboard) opts.writeClipboard(text);
      return { text, copied: typeof opts.writeClipboard === 'function' };
    },
    getDiagnostics: () => ({
      inbox: inbox.counts(),
      aside: inbox.asideCounts(),
      receiver: { port: receiver.port, accepted: receiver.stats.accepted, rejectedSignature: receiver.stats.rejectedSignature, rejectedTooLarge: receiver.stats.rejectedTooLarge, slowSendersCut: receiver.stats.slowSendersCut },
      recentEvents: inbox.recentEvents(50),
    }),
  };

  if (account.account()) {
    void connection.start();
    warnings.start();
  }
  log.info('services.started', { host: opts.host, version: opts.version, webhookPort: receiver.port });

  return {
    info,
    events,
    account,
    inbox,
    receiver,
    connection,
    warnings,
    threads,
    messaging,
    calls,
    config,
    desktop,
    openThreadForNumber: (waId, offerCall) => {
      const threadId = threads.threadIdOf(threads.contactFor({ waId, userId: null, parentUserId: null, profileName: null, username: null }));
      events.emit('navigate', { threadId, offerCall });
      return threadId;
    },
    db,
    dispatch: createDispatcher(handlers, log.child('bridge'), { redact: (text) => redactor.redactForRenderer(text) }),
    status: () => structuredClone(status),
    close: async () => {
      if (changedTimer) clearTimeout(changedTimer);
      desktop.dispose();
      network?.stop();
      warnings.stop();
      await calls.shutdown();
      mediaPort.dispose();
      await connection.stop();
      await receiver.close();
      await inbox.close();
      db.close();
      log.info('services.stopped');
    },
  };
}
