/**
 * Bridge contract, app slice: what the app knows about itself — name and version, the status
 * line, diagnostics. Handlers: main/core/diagnostics-handlers.ts. Error codes: see shared.ts.
 */
import { z } from 'zod';
import { NoParams } from './shared.ts';

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
} as const;

export const appEvents = {
  /** Sent whenever any part of AppStatus changes. */
  status: AppStatus,
} as const;
