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
import { mkdirSync, accessSync, constants as fsConstants, readdirSync } from 'node:fs';
import path from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { AppInfo, AppStatus, ConnectionView } from '../common/bridge-contract.ts';
import { accountHandlers } from './account/account-handlers.ts';
import { AccountService } from './account/account-service.ts';
import { CallingSettingsService } from './account/calling-settings-service.ts';
import { ConfigStore, type JsonFileStoreFactory } from './account/config-store.ts';
import { PlatformWarnings } from './account/platform-warnings.ts';
import type { SecretsService } from './account/secrets.ts';
import { TurnCredentials } from './account/turn-credentials.ts';
import { createDispatcher, type BridgeHandlers, type Dispatch } from './bridge/dispatcher.ts';
import { BridgeMediaPort } from './calls/bridge-media-port.ts';
import { CallController } from './calls/call-controller.ts';
import { CallPermissions } from './calls/call-permissions.ts';
import { callHandlers } from './calls/calls-handlers.ts';
import { ClockSkew } from './core/clock-skew.ts';
import { diagnosticsHandlers } from './core/diagnostics-handlers.ts';
import { BridgeEventBus } from './core/events.ts';
import { SecretRedactor, type Logger } from './core/log.ts';
import { makePrivateTree, mkdirPrivate, sharedFolderReason } from './core/private-files.ts';
import { StatusBoard } from './core/status-board.ts';
import { desktopHandlers } from './desktop/desktop-handlers.ts';
import { DesktopPreferencesService } from './desktop/desktop-preferences.ts';
import { watchNetwork, type InterfacesFn } from './desktop/network-watch.ts';
import { connectionHandlers } from './reachability/connection-handlers.ts';
import { ConnectionService } from './reachability/connection-service.ts';
import { openDatabase, type Database } from './storage/database.ts';
import { MessagingService } from './threads/messaging-service.ts';
import { ThreadChanges } from './threads/thread-changes.ts';
import { ThreadStore } from './threads/thread-store.ts';
import { threadHandlers } from './threads/threads-handlers.ts';
import { WebhookInbox } from './webhooks/inbox.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhooks/webhook-receiver.ts';

/** The ISO country of a WhatsApp number (digits with country code), or null. */
function countryOfNumber(waId: string): string | null {
  return parsePhoneNumberFromString(`+${waId}`)?.country ?? null;
}

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

/**
 * What the app keeps at the top of its data dir: the database and its WAL, the config (and copies
 * set aside), the media cache, logs. Electron's userData also holds Chromium's own folders, which
 * are not the app's to change.
 */
const APP_DATA_ENTRY = /^(switchboard\.db(-wal|-shm|-journal)?|config\.json(\.invalid-.+)?|media|logs)$/;

/**
 * Creates the data dir (0700, parents too) or checks an existing one, and makes what the app keeps
 * there this user's alone: the folder 0700 and, under it, the app's own folders 0700 and files 0600
 * — older versions left them 755/644. A folder that is shared or the home folder is never made
 * 0700 (`npm run web -- --data-dir /tmp` must not lock other users out of /tmp): that is logged,
 * and only the app's own entries in it are tightened.
 */
export function ensureDataDir(dir: string, log?: Logger): void {
  const leftOpen = sharedFolderReason(dir);
  try {
    if (leftOpen) mkdirSync(dir, { recursive: true });
    else mkdirPrivate(dir);
  } catch (err) {
    throw new DataDirError(`cannot create data dir ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    accessSync(dir, fsConstants.W_OK | fsConstants.R_OK);
  } catch {
    throw new DataDirError(`data dir ${dir} is not writable`);
  }
  if (leftOpen) log?.warn('data_dir.shared', { reason: leftOpen });
  for (const name of readdirSync(dir)) if (APP_DATA_ENTRY.test(name)) makePrivateTree(path.join(dir, name));
}

/** The status line, kept current from the account, platform warnings and the clock check. */
function statusBoard(d: {
  clock: () => Date;
  account: AccountService;
  keychainProblem: string | null;
  warnings: PlatformWarnings;
  skew: ClockSkew;
  events: BridgeEventBus;
  log: Logger;
}): StatusBoard {
  const a = d.account.account();
  const status = new StatusBoard(
    {
      startedAt: d.clock().toISOString(),
      account: a
        ? { state: 'connected', detail: a.displayPhoneNumber }
        : d.keychainProblem
          ? { state: 'error', detail: d.keychainProblem }
          : { state: 'not_connected', detail: null },
      reachability: { state: 'unknown', since: null, detail: null },
      clock: { offsetMs: null, warn: false },
    },
    (snapshot) => d.events.emit('status', snapshot),
  );
  d.warnings.onChange((list) =>
    status.update((s) => {
      s.warnings = list.map((w) => ({ kind: w.kind, key: w.key, text: w.text, until: w.until, at: w.at }));
    }),
  );
  d.skew.onChange((v) => {
    if (v.warn) d.log.warn('clock.skew', { offsetMs: v.offsetMs, source: v.source });
    status.update((s) => {
      s.clock = { offsetMs: v.offsetMs, warn: v.warn };
    });
  });
  return status;
}

const REACHABILITY: Record<ConnectionView['state'], AppStatus['reachability']['state']> = {
  stopped: 'unknown',
  connecting: 'connecting',
  connected: 'connected',
  unreachable: 'unreachable',
};

/** The tunnel and its supervisor, reported on the status line, restarted when the network changes. */
function startReachability(
  opts: AppServicesOptions,
  d: {
    account: AccountService;
    config: ConfigStore;
    receiver: WebhookReceiver;
    inbox: WebhookInbox;
    status: StatusBoard;
    events: BridgeEventBus;
    log: Logger;
    clock: () => Date;
  },
): { connection: ConnectionService; network: { stop(): void } | null } {
  const { log } = d;
  const connection = new ConnectionService({
    account: d.account,
    config: d.config,
    receiver: d.receiver,
    inbox: d.inbox,
    log: log.child('connection'),
    clock: d.clock,
    ...(opts.localtunnelWorkerUrl ? { localtunnelWorkerUrl: opts.localtunnelWorkerUrl } : {}),
    ...(opts.localtunnelHost ? { localtunnelHost: opts.localtunnelHost } : {}),
    ...(opts.tunnelProbeIntervalMs ? { probeIntervalMs: opts.tunnelProbeIntervalMs } : {}),
    ...(opts.tunnelBackoff ? { backoff: opts.tunnelBackoff } : {}),
    ...(opts.callbackHolderCheckMs ? { holderCheckMs: opts.callbackHolderCheckMs } : {}),
  });
  connection.onChange((v) => {
    const elsewhere =
      v.holder.state === 'elsewhere' && v.holder.url ? { url: v.holder.url, since: v.holder.since, left: v.holder.left } : null;
    d.status.updateIfChanged('reachability', { state: REACHABILITY[v.state], since: v.since, detail: v.reason, elsewhere });
    d.events.emit('connection', v);
  });
  // The network came back or changed: the tunnel's link is dead, restart it and re-check at once.
  const network =
    opts.networkWatchIntervalMs === 0
      ? null
      : watchNetwork({
          intervalMs: opts.networkWatchIntervalMs ?? 5_000,
          ...(opts.networkInterfaces ? { interfaces: opts.networkInterfaces } : {}),
          onChange: (c) => {
            log.info('network.changed', { kind: c.kind, addresses: c.addresses.length });
            if (c.kind !== 'down')
              void connection.restartNow().catch((err: unknown) => log.warn('network.restart_failed', { error: (err as Error).message }));
          },
        });
  return { connection, network };
}

/** Name, version and runtime, as About and the diagnostics bundle show them. */
function appInfo(opts: AppServicesOptions): AppInfo {
  return {
    name: 'Switchboard',
    version: opts.version,
    host: opts.host,
    platform: process.platform,
    versions: { node: process.versions.node, electron: opts.electronVersion ?? null, chrome: opts.chromeVersion ?? null },
  };
}

/** Calls: the controller drives the renderer's media engine over the bridge. */
function startCalls(d: {
  account: AccountService;
  threads: ThreadStore;
  config: ConfigStore;
  desktop: DesktopPreferencesService;
  callingSettings: CallingSettingsService;
  skew: ClockSkew;
  events: BridgeEventBus;
  log: Logger;
  clock: () => Date;
  /** A call failed: WhatsApp may have restricted the number. */
  onFailed: () => void;
}): { calls: CallController; mediaPort: BridgeMediaPort; callPermissions: CallPermissions } {
  const { config, desktop, events } = d;
  const mediaPort = new BridgeMediaPort(events);
  const calls = new CallController({
    account: d.account,
    threads: d.threads,
    media: mediaPort,
    log: d.log.child('calls'),
    clock: d.clock,
    preAccept: () => config.get().preferences.preAccept,
    ringAllowed: () => !desktop.dndActive(),
    declineWhenSilenced: () => desktop.declineWhenSilenced(),
    voicemailTimeoutMs: () => d.callingSettings.voicemailTimeoutMs(),
    mediaServersConfigured: () => config.get().preferences.stunServer !== null || config.get().preferences.turnServers.length > 0,
    onChange: (view) => {
      if (view.outcome === 'failed') d.onFailed();
      events.emit('call', view);
    },
    clockOffsetMs: () => d.skew.decisionOffsetMs(),
  });
  mediaPort.onLost((localId, reason) => calls.mediaLost(localId, reason));
  mediaPort.onAudio((localId) => calls.mediaAudio(localId));
  const callPermissions = new CallPermissions({ threads: d.threads, account: d.account });
  return { calls, mediaPort, callPermissions };
}

/** The database, the webhook inbox and the threads projected from it, applied in the same transaction. */
function openStorage(
  dataDir: string,
  d: { account: AccountService; skew: ClockSkew; events: BridgeEventBus; log: Logger; clock: () => Date },
): { db: Database; inbox: WebhookInbox; threads: ThreadStore; changes: ThreadChanges } {
  const db = openDatabase(dataDir);
  const inbox = new WebhookInbox(db, d.log.child('inbox'), d.clock);
  inbox.setOwnNumber(() => d.account.account()?.phoneNumberId ?? null);
  inbox.onTimestamp = (metaMs, receivedMs) => d.skew.fromWebhook(metaMs, receivedMs);
  const threads = new ThreadStore(db, { clock: d.clock, countryOf: countryOfNumber });
  inbox.addApplier((e, id) => threads.apply(e, id));
  threads.catchUp();
  const changes = new ThreadChanges((threadIds) => d.events.emit('threadsChanged', { threadIds }));
  threads.onChange((id) => changes.mark(id));
  return { db, inbox, threads, changes };
}

/** A settings change made elsewhere (WhatsApp Manager, another app) refreshes the settings screen. */
function refreshSettingsOnChange(d: {
  inbox: WebhookInbox;
  account: AccountService;
  callingSettings: CallingSettingsService;
  events: BridgeEventBus;
  log: Logger;
}): void {
  d.inbox.subscribe((e) => {
    if (e.kind !== 'settings.changed' || !d.account.account()) return;
    d.callingSettings.get().then(
      (view) => d.events.emit('callingSettings', view),
      (err: unknown) => d.log.warn('calling_settings.refresh_failed', { error: (err as Error).message }),
    );
  });
}

export async function startAppServices(opts: AppServicesOptions): Promise<AppServices> {
  const clock = opts.clock ?? (() => new Date());
  ensureDataDir(opts.dataDir, opts.log);
  const log = opts.log;
  const redactor = opts.redactor ?? new SecretRedactor();
  const events = new BridgeEventBus({ redact: (text) => redactor.redactForRenderer(text) });
  const info = appInfo(opts);
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
  const callingSettings = new CallingSettingsService({
    graph: () => account.graph(),
    phoneNumberId: () => account.account()?.phoneNumberId ?? null,
    log: log.child('calling-settings'),
    clock,
  });

  const { db, inbox, threads, changes } = openStorage(opts.dataDir, { account, skew, events, log, clock });
  const desktop = new DesktopPreferencesService({ config, clock });
  desktop.onChange((view) => events.emit('desktopPreferences', view));
  const { calls, mediaPort, callPermissions } = startCalls({
    account,
    threads,
    config,
    desktop,
    callingSettings,
    skew,
    events,
    log,
    clock,
    onFailed: () => warnings.callFailed(),
  });
  inbox.subscribe((e) => calls.onDomainEvent(e));
  // What WhatsApp says is wrong with the number (restrictions, health, errors-only webhooks).
  const warnings = new PlatformWarnings({
    graph: () => account.graph(),
    phoneNumberId: () => account.account()?.phoneNumberId ?? null,
    callingSettings,
    log: log.child('warnings'),
    clock,
  });
  inbox.subscribe((e) => warnings.onDomainEvent(e));
  const messaging = new MessagingService({
    db,
    threads,
    account,
    log: log.child('messaging'),
    clock,
    onItem: (item) => changes.mark(item.threadId),
  });
  refreshSettingsOnChange({ inbox, account, callingSettings, events, log });
  const receiver = await startWebhookReceiver({
    inbox,
    port: opts.webhookPort ?? config.get().webhook.port,
    appSecret: () => account.appSecret(),
    verifyToken: () => account.verifyToken(),
    log: log.child('webhooks'),
    clock,
  });

  const status = statusBoard({ clock, account, keychainProblem, warnings, skew, events, log });
  const { connection, network } = startReachability(opts, { account, config, receiver, inbox, status, events, log, clock });
  const handlers: BridgeHandlers = {
    ...diagnosticsHandlers({
      info,
      status,
      account,
      connection,
      inbox,
      receiver,
      redactor,
      recentProblems: opts.recentProblems,
      writeClipboard: opts.writeClipboard,
      clock,
    }),
    ...accountHandlers({
      account,
      config,
      connection,
      warnings,
      callingSettings,
      events,
      status,
      log,
      keychainProblem,
      writeClipboard: opts.writeClipboard,
    }),
    ...connectionHandlers({ account, config, connection, webhookPath: receiver.path }),
    ...threadHandlers({ threads, messaging, changes, dataDir: opts.dataDir }),
    ...callHandlers({ calls, callPermissions, threads, mediaPort, config, turn, writeClipboard: opts.writeClipboard }),
    ...desktopHandlers(desktop),
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
      const threadId = threads.threadIdOf(
        threads.contactFor({ waId, userId: null, parentUserId: null, profileName: null, username: null }),
      );
      events.emit('navigate', { threadId, offerCall });
      return threadId;
    },
    db,
    dispatch: createDispatcher(handlers, log.child('bridge'), { redact: (text) => redactor.redactForRenderer(text) }),
    status: () => status.snapshot(),
    close: async () => {
      changes.dispose();
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
