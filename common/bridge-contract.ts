/**
 * The bridge contract: every request the renderer may make of main, and every event main may
 * push to the renderer. This module is the single source of truth for three transports:
 *
 *  - Electron: `main/shell/ipc.ts` binds each request to `ipcMain.handle(channelOf(name))`,
 *    and `preload/index.ts` exposes one named function per request on `window.switchboard`.
 *  - Browser host: `main/host/ws-bridge.ts` serves the same requests over a WebSocket.
 *  - Renderer: `renderer/src/bridge/bridge.ts` picks whichever transport is present.
 *
 * Adding a request: add an entry to `requests` (params schema + result schema), implement its
 * handler in `main/app-services.ts` (the compiler insists), and call it from the renderer with
 * `bridge.request('name', params)`. Nothing else needs touching: the preload, the IPC binding
 * and the WebSocket host all derive their allowlists from this object.
 *
 * Pure TypeScript + zod: no Node built-ins, no DOM, so every process can import it.
 */
import { z } from 'zod';
import { CallingChanges, CallingSettings, CallTransport, Restriction } from './calling-settings.ts';

// ---- shared shapes -------------------------------------------------------------------------

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** "electron" when the desktop shell runs main, "browser-host" for `npm run web`. */
  host: z.enum(['electron', 'browser-host']),
  platform: z.string(),
  versions: z.object({ node: z.string(), electron: z.string().nullable(), chrome: z.string().nullable() }),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const AccountState = z.enum(['not_connected', 'connecting', 'connected', 'error']);
export const ReachabilityState = z.enum(['unknown', 'connecting', 'connected', 'unreachable']);

export const AppStatus = z.object({
  /** When main's services finished starting (ISO 8601). */
  startedAt: z.string(),
  account: z.object({ state: AccountState, detail: z.string().nullable() }),
  reachability: z.object({
    state: ReachabilityState,
    since: z.string().nullable(),
    detail: z.string().nullable(),
    /** The number's webhooks go to another address (another computer): this one will not ring. */
    elsewhere: z.object({ url: z.string(), since: z.string().nullable(), left: z.boolean() }).nullable().optional(),
  }),
  /** How far this computer's clock is ahead of Meta's (ms; negative: behind); `warn` past 10 s, when calls may be missed. */
  clock: z.object({ offsetMs: z.number().nullable(), warn: z.boolean() }).optional(),
  /** What WhatsApp says is wrong with the number: calling restrictions (with their end), health, errors-only webhooks. */
  warnings: z.array(z.object({ kind: z.enum(['restriction', 'health', 'webhook_error', 'setup']), key: z.string(), text: z.string(), until: z.string().nullable(), at: z.string() })).optional(),
});
export type AppStatus = z.infer<typeof AppStatus>;

const NoParams = z.object({}).strict();

// ---- account: the WhatsApp Business number Switchboard answers for --------------------------

export const AccountView = z.object({
  connected: z.boolean(),
  account: z
    .object({
      graphBaseUrl: z.string(),
      apiVersion: z.string(),
      appId: z.string(),
      wabaId: z.string(),
      phoneNumberId: z.string(),
      displayPhoneNumber: z.string().nullable(),
      verifiedName: z.string().nullable(),
      connectedAt: z.string().nullable(),
    })
    .nullable(),
  /** Where secrets are kept, e.g. "OS keychain — Secret Service (libsecret)". */
  secretsBackend: z.string(),
  /** Set when the keychain cannot be used: what is wrong and what to install. */
  keychainProblem: z.string().nullable(),
  /** Set when the settings file was unusable and defaults were used. */
  configProblem: z.string().nullable(),
  /** The last 4 characters of the webhook verify token (the token itself never leaves main). */
  verifyTokenHint: z.string().nullable(),
  /** Whether main can copy the verify token to the clipboard here (Electron: yes; browser host: no). */
  canCopyVerifyToken: z.boolean(),
  defaults: z.object({ graphBaseUrl: z.string(), apiVersion: z.string() }),
});
export type AccountView = z.infer<typeof AccountView>;

/** What the owner types on the connect screen. Secrets travel renderer → main once, never back. */
export const ConnectAccountParams = z.object({
  graphBaseUrl: z.string().max(500),
  apiVersion: z.string().max(20),
  accessToken: z.string().max(2000),
  appSecret: z.string().max(200),
  appId: z.string().max(40),
  wabaId: z.string().max(40),
  phoneNumberId: z.string().max(40),
  saveAnyway: z.boolean().default(false),
}).strict();

export const ConnectStep = z.object({
  id: z.enum(['token', 'phone', 'app', 'settings', 'health', 'webhooks']),
  state: z.enum(['pending', 'running', 'ok', 'warning', 'failed', 'skipped']),
  message: z.string(),
  fix: z.string().nullable(),
});
export type ConnectStep = z.infer<typeof ConnectStep>;

export const ConnectAccountResult = z.object({
  saved: z.boolean(),
  /** Field-level problems found before anything was sent (field name → message). */
  fieldErrors: z.record(z.string(), z.string()),
  steps: z.array(ConnectStep),
  phone: z
    .object({
      displayPhoneNumber: z.string().nullable(),
      verifiedName: z.string().nullable(),
      qualityRating: z.string().nullable(),
      platformType: z.string().nullable(),
      callingStatus: z.string().nullable(),
    })
    .nullable(),
});
export type ConnectAccountResult = z.infer<typeof ConnectAccountResult>;

// ---- calling settings: what Meta holds for the number, read and written via Graph --------

/** The number's calling settings as the server has them (see calling-settings.ts). */
export const CallingSettingsView = z.object({
  calling: CallingSettings,
  /** `calling.restrictions.restrictions_list` (read-only; `expiration` in Unix seconds). */
  restrictions: z.array(Restriction),
  /** SIP and SRTP key exchange: what would keep Switchboard from taking this number's calls. */
  transport: CallTransport,
  /** When main read them from Graph (ISO 8601). */
  fetchedAt: z.string(),
});
export type CallingSettingsView = z.infer<typeof CallingSettingsView>;

// ---- connection / reachability: whether Meta's webhooks (and so calls) can reach us ---------

export const ConnectionView = z.object({
  state: z.enum(['stopped', 'connecting', 'connected', 'unreachable']),
  since: z.string().nullable(),
  reason: z.string().nullable(),
  provider: z.enum(['localtunnel', 'public-url']),
  publicUrl: z.string().nullable(),
  callbackUrl: z.string().nullable(),
  callback: z.object({ state: z.enum(['none', 'pending', 'registered', 'failed']), url: z.string().nullable(), reason: z.string().nullable() }),
  lastProbeAt: z.string().nullable(),
  nextRetryAt: z.string().nullable(),
  restarts: z.number(),
  lastEventAt: z.string().nullable(),
  eventsToday: z.number(),
  history: z.array(z.object({ state: z.string(), at: z.string(), reason: z.string().nullable() })),
  /** The last health probes, oldest first: through the public URL, or to the receiver directly. */
  probes: z.array(z.object({ at: z.string(), via: z.enum(['public', 'local']), ok: z.boolean(), reason: z.string().nullable(), ms: z.number() })),
  /** Who receives the number's webhooks: this computer, another address (another installation), or not known yet. */
  holder: z.object({ state: z.enum(['unknown', 'this-computer', 'elsewhere']), url: z.string().nullable(), since: z.string().nullable(), left: z.boolean() }),
  /** Whether the app receives the calls and messages fields (checked, or subscribed by Switchboard, after each re-point). */
  webhookFields: z.object({ state: z.enum(['ok', 'subscribed', 'missing', 'unknown']), message: z.string(), fix: z.string().nullable() }).nullable(),
  tunnel: z.object({ subdomain: z.string().nullable(), host: z.string().nullable(), publicUrl: z.string().nullable() }),
});
export type ConnectionView = z.infer<typeof ConnectionView>;

export const Diagnostics = z.object({
  inbox: z.object({ pending: z.number(), processed: z.number(), malformed: z.number(), total: z.number() }),
  /** Events kept aside: for another phone number, and webhook items that could not be read. */
  aside: z.object({ otherNumber: z.number(), unreadable: z.number() }),
  receiver: z.object({ port: z.number().nullable(), accepted: z.number(), rejectedSignature: z.number(), rejectedTooLarge: z.number(), slowSendersCut: z.number() }),
  recentEvents: z.array(z.object({ id: z.number(), key: z.string(), kind: z.string(), occurredAt: z.string().nullable(), createdAt: z.string() })),
});
export type Diagnostics = z.infer<typeof Diagnostics>;

// ---- threads: contacts, conversations and their items, as the window pages through them ----

export const Contact = z.object({
  id: z.number(),
  waId: z.string().nullable(),
  userId: z.string().nullable(),
  profileName: z.string().nullable(),
  username: z.string().nullable(),
  ownerName: z.string().nullable(),
  country: z.string().nullable(),
});

export const ThreadSummary = z.object({
  id: z.number(),
  contact: Contact,
  lastItemAt: z.string().nullable(),
  lastItem: z.object({ kind: z.string(), type: z.string(), direction: z.string().nullable(), body: z.string().nullable(), status: z.string().nullable() }).nullable(),
  unreadCount: z.number(),
  missedCalls: z.number(),
  windowExpiresAt: z.string().nullable(),
});
export type ThreadSummary = z.infer<typeof ThreadSummary>;

export const TimelineItem = z.object({
  id: z.number(),
  threadId: z.number(),
  kind: z.enum(['message', 'call', 'system']),
  metaId: z.string().nullable(),
  direction: z.enum(['in', 'out']).nullable(),
  at: z.string(),
  type: z.string(),
  body: z.string().nullable(),
  status: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type TimelineItem = z.infer<typeof TimelineItem>;

/** Keyset cursor: the (at, id) of the last item of the previous page. */
export const PageCursor = z.object({ at: z.string().max(40), id: z.number().int().nonnegative() }).strict();

// ---- calls: the live calls the window shows and the commands it may send -------------------

export const CallView = z.object({
  localId: z.string(),
  callId: z.string().nullable(),
  direction: z.enum(['incoming', 'outgoing']),
  state: z.enum(['ringing', 'answering', 'active', 'preparing', 'dialing', 'remote_ringing', 'ending', 'ended']),
  outcome: z.enum(['completed', 'missed', 'declined', 'no_answer', 'cancelled', 'failed']).nullable(),
  reason: z.string().nullable(),
  threadId: z.number().nullable(),
  startedAt: z.string(),
  /** Incoming: when the answer window closes (the countdown). */
  answerDeadline: z.string().nullable(),
  /** Incoming: where the customer called from — a call button's payload or a call link's biz_payload. */
  origin: z.object({ ctaPayload: z.string().nullable(), deeplinkPayload: z.string().nullable() }).nullable(),
});
export type CallView = z.infer<typeof CallView>;

/**
 * What main asks the renderer's media engine to do. The engine answers each command with
 * `mediaReport` carrying the same `requestId`.
 */
export const MediaCommand = z.discriminatedUnion('command', [
  z.object({ requestId: z.string(), localId: z.string(), command: z.literal('prepareAnswer'), offerSdp: z.string() }),
  z.object({ requestId: z.string(), localId: z.string(), command: z.literal('prepareOffer') }),
  z.object({ requestId: z.string(), localId: z.string(), command: z.literal('applyAnswer'), sdp: z.string() }),
  z.object({ requestId: z.string(), localId: z.string(), command: z.literal('attachMicrophone') }),
  z.object({ requestId: z.string(), localId: z.string(), command: z.literal('close') }),
  z.object({ requestId: z.string(), localId: z.string(), command: z.literal('ring'), on: z.boolean() }),
]);
export type MediaCommand = z.infer<typeof MediaCommand>;

const SdpText = z.string().min(10).max(20_000);

export const MediaReport = z.discriminatedUnion('type', [
  /** The command succeeded; `sdp` for prepareAnswer / prepareOffer. */
  z.object({ type: z.literal('done'), requestId: z.string().max(100), sdp: SdpText.optional() }).strict(),
  /** The command failed, in plain words. */
  z.object({ type: z.literal('failed'), requestId: z.string().max(100), message: z.string().max(500) }).strict(),
  /** Unprompted: the call's media is gone (ICE failed, no audio, track ended). */
  z.object({ type: z.literal('lost'), localId: z.string().max(100), reason: z.string().max(500) }).strict(),
  /** Unprompted: the customer's audio has started arriving (the first inbound packet) — the call is established. */
  z.object({ type: z.literal('audio'), localId: z.string().max(100) }).strict(),
]);

export const CallPermissionView = z.object({
  status: z.enum(['none', 'temporary', 'permanent']),
  expiresAt: z.string().nullable(),
  canCall: z.boolean(),
  callBlockedReason: z.string().nullable(),
  canRequest: z.boolean(),
  requestBlockedReason: z.string().nullable(),
  requestNeedsTemplate: z.boolean(),
});

/** Preferences of this computer (not of the WhatsApp number). */
export const CallPreferences = z.object({
  /** Connect the call's audio while it rings, so it is there the moment the owner answers. */
  preAccept: z.boolean(),
  /** Where the ringtone plays (an audio output device id; null = the default). */
  ringDeviceId: z.string().max(500).nullable(),
  /** TURN servers for networks that block UDP (at most 3). */
  turnServers: z.array(z.object({ urls: z.string().max(300), username: z.string().max(200).nullable(), credential: z.string().max(200).nullable() })).max(3),
  /** A STUN server (`stun:host:port`), or null: off by default — see README "STUN". */
  stunServer: z.string().max(300).regex(/^stuns?:[^\s]+$/, 'A STUN address starts with stun: (for example stun:stun.example.com:3478)').nullable(),
});
export type CallPreferences = z.infer<typeof CallPreferences>;

// ---- desktop: how Switchboard behaves on this computer (shortcuts, tray, login, DND) -------

/** A global shortcut as an Electron accelerator ("CommandOrControl+Shift+A"), or null = off. */
const Accelerator = z.string().max(80).nullable();
export const ShortcutsView = z.object({ answer: Accelerator, declineOrHangUp: Accelerator, toggleMute: Accelerator, showWindow: Accelerator });
/** active = registered; taken = another app holds it; invalid = unusable; desktop-only = the browser host registers none. */
export const ShortcutStatus = z.enum(['active', 'off', 'taken', 'invalid', 'desktop-only']);
export const DesktopPreferences = z.object({
  shortcuts: ShortcutsView,
  shortcutStatus: z.object({ answer: ShortcutStatus, declineOrHangUp: ShortcutStatus, toggleMute: ShortcutStatus, showWindow: ShortcutStatus }),
  defaultShortcuts: ShortcutsView,
  /** Start at login, and if so hidden in the tray. */
  openAtLogin: z.boolean(),
  openAtLoginHidden: z.boolean(),
  /** Do not disturb until (ISO); calls are recorded but do not ring. Null = off. */
  dndUntil: z.string().nullable(),
  /** Under do-not-disturb: decline calls at once (else they ring out on WhatsApp's side, where voicemail can take them). */
  dndDeclineAtOnce: z.boolean(),
  /** True in the desktop app; the browser host stores these but has no tray, login item or global shortcuts. */
  desktop: z.boolean(),
  /** The platform main runs on (shortcut labels: ⌘ on macOS). */
  platform: z.string(),
});
export type DesktopPreferences = z.infer<typeof DesktopPreferences>;

// ---- requests ------------------------------------------------------------------------------

export const requests = {
  /** Name, version and runtime of the app; shown in the status bar and About. */
  getAppInfo: { params: NoParams, result: AppInfo },
  /** The current account / reachability status; changes arrive as the `status` event. */
  getStatus: { params: NoParams, result: AppStatus },

  /** The connected account (no secrets), and where secrets are kept. */
  getAccount: { params: NoParams, result: AccountView },
  /** Checks the credentials live (progress as `account.progress` events) and saves them if they pass. */
  connectAccount: { params: ConnectAccountParams, result: ConnectAccountResult },
  /** Removes the secrets from the keychain and the account from the configuration. */
  /** Forgets the number; first deletes its webhook override when it points at this computer (`callback` says what happened). */
  disconnectAccount: { params: NoParams, result: z.object({ disconnected: z.literal(true), callback: z.object({ state: z.enum(['cleared', 'not_ours', 'none', 'failed']), message: z.string() }) }) },
  /** Copies the webhook verify token to the OS clipboard from main (Electron only). */
  copyVerifyToken: { params: NoParams, result: z.object({ copied: z.boolean(), reason: z.string().nullable() }) },

  /** Reads `GET /{phone-number-id}/settings` (fails with `not_connected` before an account exists). */
  getCallingSettings: { params: NoParams, result: CallingSettingsView },
  /**
   * Sends only the changed keys (`call_hours` whole); validated in main before anything reaches
   * Graph (`invalid_settings`, details.fieldErrors). Graph's refusals come back as `graph_<code>`.
   * Answers with the settings re-read from the server.
   */
  updateCallingSettings: { params: z.object({ changes: CallingChanges }).strict(), result: CallingSettingsView },

  /** Uploads the voicemail announcement (Ogg/Opus under 60 s, made in the window) and answers its media id. */
  uploadVoicemailAnnouncement: {
    params: z.object({ audioBase64: z.string().max(7_000_000), mimeType: z.string().max(100) }).strict(),
    result: z.object({ mediaId: z.string() }),
  },
  /** Reachability: tunnel, public URL, callback registration, recent history. */
  getConnection: { params: NoParams, result: ConnectionView },
  /** Sends a signed test event through the public URL and reports whether it came back in. */
  testDelivery: { params: NoParams, result: z.object({ ok: z.boolean(), roundTripMs: z.number().nullable(), message: z.string() }) },
  /** Restarts the tunnel now (e.g. after changing networks). */
  restartTunnel: { params: NoParams, result: ConnectionView },
  /** The number's calls go to another address: point them at this computer now. */
  takeOverCallback: { params: NoParams, result: ConnectionView },
  /** The number's calls go to another address: leave them there (this computer will not ring). */
  leaveCallbackElsewhere: { params: NoParams, result: ConnectionView },
  /** Chooses how Meta reaches this computer. */
  setTunnel: {
    params: z.discriminatedUnion('provider', [
      z.object({ provider: z.literal('localtunnel'), subdomain: z.string().max(63).nullable().default(null), host: z.string().max(300).nullable().default(null) }).strict(),
      z.object({ provider: z.literal('public-url'), publicUrl: z.string().max(500) }).strict(),
    ]),
    result: ConnectionView,
  },
  /** Threads, most recent first (keyset pages). */
  listThreads: {
    params: z.object({ filter: z.enum(['all', 'unread', 'missed']).default('all'), after: PageCursor.nullable().default(null), limit: z.number().int().min(1).max(200).default(50) }).strict(),
    result: z.object({ threads: z.array(ThreadSummary), next: PageCursor.nullable() }),
  },
  /** A thread's items, newest first, older than `before` (keyset pages; cost independent of length). */
  getTimeline: {
    params: z
      .object({
        threadId: z.number().int().positive(),
        /** Older than this (scrolling up). */
        before: PageCursor.nullable().default(null),
        /** Newer than this (scrolling down after a jump). */
        after: PageCursor.nullable().default(null),
        /** A page centred on this item (jumping to a search hit, however old). */
        aroundItemId: z.number().int().positive().nullable().default(null),
        limit: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    result: z.object({
      items: z.array(TimelineItem),
      /** Cursor for older items (null at the beginning of the thread). */
      next: PageCursor.nullable(),
      /** Cursor for newer items (null when the newest item is included). */
      newer: PageCursor.nullable(),
      window: z.object({ open: z.boolean(), expiresAt: z.string().nullable() }),
    }),
  },
  /** One thread (also one without items yet, e.g. opened from a call link) and the owner's notes. */
  getThread: { params: z.object({ threadId: z.number().int().positive() }).strict(), result: z.object({ thread: ThreadSummary.nullable(), notes: z.string().nullable() }) },
  /** The owner's own name for the customer, and notes (empty clears them). */
  updateContact: {
    params: z.object({ threadId: z.number().int().positive(), ownerName: z.string().max(100).nullable(), notes: z.string().max(2000).nullable() }).strict(),
    result: z.object({ thread: ThreadSummary.nullable(), notes: z.string().nullable() }),
  },
  /** Full-text search over messages, and contacts by name or number. */
  search: {
    params: z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(200).default(50) }).strict(),
    result: z.object({ hits: z.array(z.object({ itemId: z.number(), threadId: z.number(), at: z.string(), snippet: z.string() })), contactIds: z.array(z.number()) }),
  },
  /** The owner opened a thread: clears its unread count and marks it read on WhatsApp. */
  openThread: { params: z.object({ threadId: z.number().int().positive() }).strict(), result: z.object({ opened: z.literal(true) }) },
  /** Sends free text inside the 24-hour window (refused with code `window_closed` outside it). */
  sendTextMessage: { params: z.object({ threadId: z.number().int().positive(), text: z.string().max(4096) }).strict(), result: TimelineItem },
  /** Sends a failed message again. */
  retryMessage: { params: z.object({ itemId: z.number().int().positive() }).strict(), result: TimelineItem },
  /** Call preferences of this computer. */
  getCallPreferences: { params: NoParams, result: CallPreferences },
  /** Changes some of them; refused with the field's problem when invalid. */
  setCallPreferences: { params: CallPreferences.partial().strict(), result: CallPreferences },
  /** Desktop preferences of this computer: global shortcuts (with their registration status), start at login, do not disturb. */
  getDesktopPreferences: { params: NoParams, result: DesktopPreferences },
  /**
   * Changes some of them. Shortcuts are checked as a whole (unusable, reserved by the system, the
   * same key twice) and refused with code `shortcut_conflict` and details.fieldErrors (action →
   * message), storing nothing. A shortcut another app holds is stored and reported as `taken`.
   */
  setDesktopPreferences: {
    params: z
      .object({
        shortcuts: ShortcutsView.partial().strict().optional(),
        openAtLogin: z.boolean().optional(),
        openAtLoginHidden: z.boolean().optional(),
        dnd: z.enum(['hour', 'tomorrow', 'off']).optional(),
        dndDeclineAtOnce: z.boolean().optional(),
      })
      .strict(),
    result: DesktopPreferences,
  },
  /** Calls the controller knows about (live ones and those that just ended). */
  listCalls: { params: NoParams, result: z.object({ calls: z.array(CallView) }) },
  /** Answer / decline a ringing call, hang up a live one; refused (code `invalid_state`) when the call's state does not allow it, `cannot_answer` (with the reason) when its audio could not be prepared. */
  answerCall: { params: z.object({ localId: z.string().max(100) }).strict(), result: CallView },
  declineCall: { params: z.object({ localId: z.string().max(100) }).strict(), result: CallView },
  hangUpCall: { params: z.object({ localId: z.string().max(100) }).strict(), result: CallView },
  /** Whether the owner may call this customer now, and if not, why (and whether asking is possible). */
  getCallPermission: { params: z.object({ threadId: z.number().int().positive() }).strict(), result: CallPermissionView },
  /** Asks the customer for permission to call (interactive inside the 24-hour window, else the given template). */
  requestCallPermission: {
    params: z
      .object({
        threadId: z.number().int().positive(),
        template: z.object({ name: z.string().max(512), language: z.string().max(20), parameters: z.array(z.string().max(1024)).max(20).default([]) }).strict().optional(),
      })
      .strict(),
    result: z.object({ wamid: z.string() }),
  },
  /** Sends a "call us" button (interactive voice_call, inside the 24-hour window). */
  sendCallButton: {
    params: z
      .object({
        threadId: z.number().int().positive(),
        body: z.string().min(1).max(1024),
        displayText: z.string().min(1).max(20),
        ttlMinutes: z.number().int().min(1).max(43_200).default(10_080),
        payload: z.string().max(512).nullable().default(null),
      })
      .strict(),
    result: z.object({ wamid: z.string() }),
  },
  /** A wa.me/call link for the business's number (payload → the call's deeplink_payload); main copies it in the desktop app. */
  getCallLink: { params: z.object({ payload: z.string().max(512).nullable().default(null) }).strict(), result: z.object({ url: z.string(), copied: z.boolean() }) },
  /** Calls the customer of this thread (refused with code `no_permission` and the reason when not allowed, `call_in_progress` while another call is up). */
  placeCall: { params: z.object({ threadId: z.number().int().positive() }).strict(), result: CallView },
  /** The media engine's answers to `mediaCommand` events, and its unprompted reports. */
  mediaReport: { params: MediaReport, result: z.object({ received: z.literal(true) }) },
  /** The business's approved templates (for the composer outside the 24-hour window). */
  listTemplates: {
    params: NoParams,
    result: z.object({ templates: z.array(z.object({ name: z.string(), language: z.string(), category: z.string().nullable(), body: z.string(), parameterCount: z.number(), buttons: z.array(z.string()) })) }),
  },
  /** Sends an approved template with its body parameters. */
  sendTemplate: {
    params: z.object({ threadId: z.number().int().positive(), name: z.string().max(512), language: z.string().max(20), parameters: z.array(z.string().max(1024)).max(20) }).strict(),
    result: TimelineItem,
  },
  /** An inbound item's media (downloaded once through Graph, then kept), base64. */
  getMedia: { params: z.object({ itemId: z.number().int().positive() }).strict(), result: z.object({ mimeType: z.string(), base64: z.string(), bytes: z.number() }) },
  /** The whole thread as JSON or CSV, for record keeping. */
  exportThread: {
    params: z.object({ threadId: z.number().int().positive(), format: z.enum(['json', 'csv']) }).strict(),
    result: z.object({ filename: z.string(), mimeType: z.string(), content: z.string() }),
  },
  /** "Copy diagnostics": version, OS, reachability history, recent errors — never secrets or message contents. Main copies it to the clipboard in the desktop app. */
  getDiagnosticsBundle: { params: NoParams, result: z.object({ text: z.string(), copied: z.boolean() }) },
  /** Webhook inbox counts and the most recent domain events (Settings → Connection → Diagnostics). */
  getDiagnostics: { params: NoParams, result: Diagnostics },
} as const;

// ---- pushed events -------------------------------------------------------------------------

export const events = {
  /** Main asks the window to show something (a click-to-call link, a notification click). */
  navigate: z.object({ threadId: z.number().nullable(), offerCall: z.boolean() }),
  /** A global shortcut the window acts on (the media engine owns mute). */
  shortcut: z.object({ action: z.enum(['toggleMute']) }),
  /** A call changed state (ringing, active, ended…). */
  call: CallView,
  /** A command for the renderer's media engine (answer with `mediaReport`). */
  mediaCommand: MediaCommand,
  /** Something changed in these threads (new items, statuses, unread counts); refetch what is shown. */
  threadsChanged: z.object({ threadIds: z.array(z.number()) }),
  /** Sent whenever any part of AppStatus changes. */
  status: AppStatus,
  /** One step of a running account check changed. */
  'account.progress': ConnectStep,
  /** The calling settings changed on the server (the `account_settings_update` webhook). */
  callingSettings: CallingSettingsView,
  /** Reachability changed (tunnel state, public URL, callback registration). */
  connection: ConnectionView,
  /** Desktop preferences changed (here, or from the tray's do-not-disturb menu). */
  desktopPreferences: DesktopPreferences,
} as const;

// ---- derived types and helpers -------------------------------------------------------------

export type RequestName = keyof typeof requests;
export type EventName = keyof typeof events;
export type ParamsOf<N extends RequestName> = z.input<(typeof requests)[N]['params']>;
export type ResultOf<N extends RequestName> = z.infer<(typeof requests)[N]['result']>;
export type PayloadOf<E extends EventName> = z.infer<(typeof events)[E]>;
/** What main answers one request with: the params as the contract parsed them, the promised result. */
export type HandlerOf<N extends RequestName> = (params: z.output<(typeof requests)[N]['params']>) => Promise<ResultOf<N>> | ResultOf<N>;
/** A domain's share of the handlers; the composition root merges the shares into all of them. */
export type HandlersFor<K extends RequestName> = { [N in K]: HandlerOf<N> };

export const requestNames = Object.keys(requests) as RequestName[];
export const eventNames = Object.keys(events) as EventName[];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requests, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

/** The IPC channel a request travels on; the `sb:` prefix keeps them apart from Electron's own. */
export const requestChannel = (name: RequestName): string => `sb:req:${name}`;
/** The IPC channel main pushes events on (one channel; the payload says which event). */
export const EVENT_CHANNEL = 'sb:event';

/** Error codes a bridge call can fail with. Domain errors add their own `code` strings. */
export const BridgeErrorCode = z.enum([
  'unknown_request',
  'invalid_params',
  'forbidden_sender',
  'internal',
  'unavailable',
]);

/** What travels back for every request, over every transport. */
export const BridgeError = z.object({
  code: z.string(),
  message: z.string(),
  /** Optional machine-readable details (e.g. which field failed validation). */
  details: z.unknown().optional(),
});
export type BridgeError = z.infer<typeof BridgeError>;

export type BridgeResponse<T> = { ok: true; result: T } | { ok: false; error: BridgeError };

/** The events envelope (WebSocket frames and the single IPC event channel). */
export type BridgeEventMessage = { [E in EventName]: { event: E; payload: PayloadOf<E> } }[EventName];

/** The shape `window.switchboard` has in the Electron shell (exposed by the preload). */
export type SwitchboardApi = {
  [N in RequestName]: (params: ParamsOf<N>) => Promise<BridgeResponse<ResultOf<N>>>;
} & {
  /** Subscribe to a pushed event; returns an unsubscribe function. */
  on: <E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void) => () => void;
};
