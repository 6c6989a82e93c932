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
import type { AppInfo, AppStatus } from '../common/bridge-contract.ts';
import { accountHandlers } from './account/account-handlers.ts';
import { AccountService } from './account/account-service.ts';
import { CallingSettingsService } from './account/calling-settings-service.ts';
import { ConfigStore, type JsonFileStoreFactory } from './account/config-store.ts';
import { type PlatformWarnings } from './account/platform-warnings.ts';
import type { SecretsService } from './account/secrets.ts';
import { TurnCredentials } from './account/turn-credentials.ts';
import { startCallers } from './app/callers.ts';
import { startCalls } from './app/calls.ts';
import { ensureDataDir } from './app/data-dir.ts';
import { startLanguage } from './app/language.ts';
import { startReachability } from './app/reachability.ts';
import { startRecordings } from './app/recordings.ts';
import { startStatusBoard, startWarnings } from './app/status.ts';
import { openStorage } from './app/storage.ts';
import { createDispatcher, type BridgeHandlers, type Dispatch } from './bridge/dispatcher.ts';
import type { CallController } from './calls/call-controller.ts';
import { callHandlers } from './calls/calls-handlers.ts';
import { ClockSkew } from './core/clock-skew.ts';
import { diagnosticsHandlers } from './core/diagnostics-handlers.ts';
import { languageHandlers } from './core/language-handlers.ts';
import { BridgeEventBus } from './core/events.ts';
import { SecretRedactor, type Logger } from './core/log.ts';
import { desktopHandlers } from './desktop/desktop-handlers.ts';
import { DesktopPreferencesService } from './desktop/desktop-preferences.ts';
import type { InterfacesFn } from './desktop/network-watch.ts';
import { connectionHandlers } from './reachability/connection-handlers.ts';
import type { ConnectionService } from './reachability/connection-service.ts';
import type { Database } from './storage/database.ts';
import { MessagingService } from './threads/messaging-service.ts';
import type { ThreadStore } from './threads/thread-store.ts';
import { threadHandlers } from './threads/threads-handlers.ts';
import type { WebhookInbox } from './webhooks/inbox.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhooks/webhook-receiver.ts';

export { DataDirError } from './app/data-dir.ts';

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
  /**
   * The system's languages, most preferred first: Electron's preferred system languages in the
   * shell, `--lang` or LANG/LC_ALL in the browser host. Absent or empty: English (so tests never
   * follow the machine's LANG). The browser host also follows the languages the renderer reports.
   */
  systemLanguages?: readonly string[];
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
  /** Opens the thread for a phone number — click-to-call links; a number without one opens the dial pad (null). */
  openThreadForNumber(waId: string, offerCall: boolean): number | null;
  readonly db: Database;
  status(): AppStatus;
  close(): Promise<void>;
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
  const language = startLanguage(opts, { config, events, warnings: () => warnings });
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

  const storage = openStorage(opts.dataDir, { account, skew, events, log, clock });
  const { db, inbox, threads, changes, callLog, callbacks } = storage;
  const desktop = new DesktopPreferencesService({ config, clock });
  desktop.onChange((view) => events.emit('desktopPreferences', view));
  const recordings = startRecordings({ dataDir: opts.dataDir, db, inbox, threads, account, config, log, clock });
  const { calls, mediaPort, callPermissions } = startCalls({
    ...storage,
    account,
    config,
    desktop,
    callingSettings,
    skew,
    events,
    log,
    clock,
    onFailed: () => warnings.callFailed(),
    recordingPlan: (record) => recordings.settings.planFor(record),
  });
  inbox.subscribe((e) => calls.onDomainEvent(e));
  const warnings = startWarnings({ account, callingSettings, inbox, log, clock });
  const messaging = new MessagingService({
    db,
    threads,
    account,
    log: log.child('messaging'),
    clock,
    onItem: (item) => changes.mark(item.threadId),
    transcriptOf: (itemId) => recordings.transcriptText(itemId),
  });
  refreshSettingsOnChange({ inbox, account, callingSettings, events, log });
  const callers = startCallers({ ...storage, messaging, callPermissions, callingSettings, config, warnings, events, log, clock });
  const receiver = await startWebhookReceiver({
    inbox,
    port: opts.webhookPort ?? config.get().webhook.port,
    appSecret: () => account.appSecret(),
    verifyToken: () => account.verifyToken(),
    log: log.child('webhooks'),
    clock,
  });

  const status = startStatusBoard({ clock, account, keychainProblem, warnings, skew, events, log });
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
    ...threadHandlers({ threads, messaging, changes, dataDir: opts.dataDir, callLog, callbacks, clock }),
    ...callHandlers({ calls, callPermissions, threads, mediaPort, config, turn, writeClipboard: opts.writeClipboard }),
    ...desktopHandlers(desktop),
    ...languageHandlers(language),
    ...callers.handlers,
    ...recordings.handlers,
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
    openThreadForNumber: callers.openThreadForNumber,
    db,
    dispatch: createDispatcher(handlers, log.child('bridge'), { redact: (text) => redactor.redactForRenderer(text) }),
    status: () => status.snapshot(),
    close: async () => {
      changes.dispose();
      await callers.close();
      recordings.close();
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
