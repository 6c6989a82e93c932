/**
 * Bridge contract, account slice: the WhatsApp Business number Switchboard answers for, and its
 * calling settings (what Meta holds for the number, read and written via Graph).
 * Handlers: main/account/account-handlers.ts. Error codes: see shared.ts.
 */
import { z } from 'zod';
import { CallingChanges, CallingSettings, CallTransport, Restriction } from '../calling-settings.ts';
import { NoParams } from './shared.ts';

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
export const ConnectAccountParams = z
  .object({
    graphBaseUrl: z.string().max(500),
    apiVersion: z.string().max(20),
    accessToken: z.string().max(2000),
    appSecret: z.string().max(200),
    appId: z.string().max(40),
    wabaId: z.string().max(40),
    phoneNumberId: z.string().max(40),
    saveAnyway: z.boolean().default(false),
  })
  .strict();

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

export const accountRequests = {
  /**
   * The connected account (no secrets), and where secrets are kept.
   * Errors: none of its own.
   */
  getAccount: { params: NoParams, result: AccountView },
  /**
   * Checks the credentials live (progress as `account.progress` events) and saves them if they pass.
   * Errors: none of its own — problems come back in the result (`fieldErrors`, failed `steps`, `saved: false`).
   */
  connectAccount: { params: ConnectAccountParams, result: ConnectAccountResult },
  /**
   * Removes the secrets from the keychain and the account from the configuration.
   * Forgets the number; first deletes its webhook override when it points at this computer (`callback` says what happened).
   * Errors: none of its own (a failed release is reported in `callback`, state `failed`).
   */
  disconnectAccount: {
    params: NoParams,
    result: z.object({
      disconnected: z.literal(true),
      callback: z.object({ state: z.enum(['cleared', 'not_ours', 'none', 'failed']), message: z.string() }),
    }),
  },
  /**
   * Copies the webhook verify token to the OS clipboard from main (Electron only).
   * Errors: none of its own (`copied: false` and the `reason` when it cannot).
   */
  copyVerifyToken: { params: NoParams, result: z.object({ copied: z.boolean(), reason: z.string().nullable() }) },

  /**
   * Reads `GET /{phone-number-id}/settings` (fails with `not_connected` before an account exists).
   * Errors: `not_connected`, `graph_<code>`.
   */
  getCallingSettings: { params: NoParams, result: CallingSettingsView },
  /**
   * Sends only the changed keys (`call_hours` whole); validated in main before anything reaches
   * Graph (`invalid_settings`, details.fieldErrors). Graph's refusals come back as `graph_<code>`.
   * Answers with the settings re-read from the server.
   * Errors: `not_connected`, `invalid_settings` (details.fieldErrors), `graph_<code>` (details.field
   * and details.message when Graph names the field).
   */
  updateCallingSettings: { params: z.object({ changes: CallingChanges }).strict(), result: CallingSettingsView },

  /**
   * Uploads the voicemail announcement (Ogg/Opus under 60 s, made in the window) and answers its media id.
   * Errors: `not_connected`, `invalid_audio` (not Ogg/Opus, or over 5 MB), `graph_<code>`.
   */
  uploadVoicemailAnnouncement: {
    params: z.object({ audioBase64: z.string().max(7_000_000), mimeType: z.string().max(100) }).strict(),
    result: z.object({ mediaId: z.string() }),
  },
} as const;

export const accountEvents = {
  /** One step of a running account check changed. */
  'account.progress': ConnectStep,
  /** The calling settings changed on the server (the `account_settings_update` webhook). */
  callingSettings: CallingSettingsView,
} as const;
