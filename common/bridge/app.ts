/**
 * Bridge contract, app slice: what the app knows about itself — name and version, the status
 * line, diagnostics, the language it speaks. Handlers: main/core/diagnostics-handlers.ts and
 * main/core/language-handlers.ts. Error codes: see shared.ts.
 */
import { z } from 'zod';
import { LOCALES } from '../i18n/locales.ts';
import { NoParams } from './shared.ts';

/** A language Switchboard speaks (common/i18n/locales.ts). */
export const LocaleSchema = z.enum(LOCALES);
/** The owner's choice: a language, or 'system' to follow the OS / browser. */
export const LanguagePreferenceSchema = z.enum(['system', ...LOCALES]);

/**
 * The language the app speaks: the owner's `preference` (kept in main's config), the `effective`
 * locale it resolves to (main's texts and the renderer's catalog both follow it), and the `system`
 * languages it was resolved from (the OS's, or the browser's in the browser host; most preferred first).
 */
export const LanguageState = z.object({
  preference: LanguagePreferenceSchema,
  effective: LocaleSchema,
  system: z.array(z.string()),
});
export type LanguageState = z.infer<typeof LanguageState>;

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
  warnings: z
    .array(
      z.object({
        kind: z.enum(['restriction', 'health', 'webhook_error', 'setup']),
        key: z.string(),
        text: z.string(),
        until: z.string().nullable(),
        at: z.string(),
      }),
    )
    .optional(),
});
export type AppStatus = z.infer<typeof AppStatus>;

export const Diagnostics = z.object({
  inbox: z.object({ pending: z.number(), processed: z.number(), malformed: z.number(), total: z.number() }),
  /** Events kept aside: for another phone number, and webhook items that could not be read. */
  aside: z.object({ otherNumber: z.number(), unreadable: z.number() }),
  receiver: z.object({
    port: z.number().nullable(),
    accepted: z.number(),
    rejectedSignature: z.number(),
    rejectedTooLarge: z.number(),
    slowSendersCut: z.number(),
  }),
  recentEvents: z.array(
    z.object({ id: z.number(), key: z.string(), kind: z.string(), occurredAt: z.string().nullable(), createdAt: z.string() }),
  ),
});
export type Diagnostics = z.infer<typeof Diagnostics>;

export const appRequests = {
  /**
   * Name, version and runtime of the app; shown in the status bar and About.
   * Errors: none of its own.
   */
  getAppInfo: { params: NoParams, result: AppInfo },
  /**
   * The current account / reachability status; changes arrive as the `status` event.
   * Errors: none of its own.
   */
  getStatus: { params: NoParams, result: AppStatus },
  /**
   * "Copy diagnostics": version, OS, reachability history, recent errors — never secrets or message contents. Main copies it to the clipboard in the desktop app.
   * Errors: none of its own.
   */
  getDiagnosticsBundle: { params: NoParams, result: z.object({ text: z.string(), copied: z.boolean() }) },
  /**
   * Webhook inbox counts and the most recent domain events (Settings → Connection → Diagnostics).
   * Errors: none of its own.
   */
  getDiagnostics: { params: NoParams, result: Diagnostics },
  /**
   * The language preference, the locale in effect and the system languages it follows.
   * Errors: none of its own.
   */
  getLanguage: { params: NoParams, result: LanguageState },
  /**
   * Sets the language preference ('system' or a locale) and keeps it in main's config; main's
   * texts (banners, errors, notifications, the tray) follow at once, and the `language` event is sent.
   * Errors: none of its own.
   */
  setLanguage: { params: z.object({ preference: LanguagePreferenceSchema }).strict(), result: LanguageState },
  /**
   * The renderer reports the browser's languages (navigator.languages, most preferred first), so
   * the browser host follows the browser under 'system'. The Electron shell ignores it: there the
   * OS's languages come from Electron. Sends the `language` event when the effective locale changes.
   * Errors: none of its own.
   */
  reportSystemLanguages: {
    params: z.object({ languages: z.array(z.string().max(64)).max(32) }).strict(),
    result: LanguageState,
  },
} as const;

export const appEvents = {
  /** Sent whenever any part of AppStatus changes. */
  status: AppStatus,
  /** Sent when the language preference, the system languages or the effective locale change. */
  language: LanguageState,
} as const;
