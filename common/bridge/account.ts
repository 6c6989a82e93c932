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

/** Connecting with two values: the access token and the app secret; main finds the rest through Graph. */
export const DiscoverNumbersParams = z
  .object({
    accessToken: z.string().max(2000),
    appSecret: z.string().max(200),
    /** A test server such as the simulator; Meta's (the connect form's default) when left out. */
    graphBaseUrl: z.string().max(500).optional(),
    apiVersion: z.string().max(20).optional(),
  })
  .strict();

/** One number the token reaches, as Graph lists it under its WhatsApp Business Account. */
export const DiscoveredNumber = z.object({
  wabaId: z.string(),
  /** The WhatsApp Business Account's name (null when Graph would not say). */
  wabaName: z.string().nullable(),
  phoneNumberId: z.string(),
  /** As Graph lists it: "+55 11 95555-0100", or digits. */
  displayPhoneNumber: z.string().nullable(),
  verifiedName: z.string().nullable(),
  /** GREEN, YELLOW, RED, NA or UNKNOWN. */
  qualityRating: z.string().nullable(),
  /** CLOUD_API, ON_PREMISE or NOT_APPLICABLE (null: Graph did not say). */
  platformType: z.string().nullable(),
  /** On the Cloud API (or Graph did not say, which the connect check lets through too): only these can connect. */
  onCloudApi: z.boolean(),
  /** The token has whatsapp_business_messaging for this number's account: without it, it cannot send or call. */
  canMessage: z.boolean(),
});
export type DiscoveredNumber = z.infer<typeof DiscoveredNumber>;

export const DiscoverNumbersResult = z.object({
  appId: z.string(),
  appName: z.string().nullable(),
  /** When the token stops working (ISO 8601); null: it does not expire (a system user token). */
  tokenExpiresAt: z.string().nullable(),
  /** Every number of every WhatsApp Business Account the token may manage, usable or not. */
  numbers: z.array(DiscoveredNumber),
});
export type DiscoverNumbersResult = z.infer<typeof DiscoverNumbersResult>;

/** Which form field a discovery error is about (`details.field`), when it is about one. */
export const DiscoveryErrorDetails = z.object({
  field: z.enum(['accessToken', 'appSecret']).nullable(),
  /** The next step, in the owner's words. */
  fix: z.string().nullable(),
  /** `missing_permission`: which of the two WhatsApp permissions the token lacks. */
  missing: z.array(z.string()).optional(),
});
export type DiscoveryErrorDetails = z.infer<typeof DiscoveryErrorDetails>;

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
   * Finds what the connect form needs from the access token and the app secret alone: the app (Graph's
   * `debug_token`, asked with the token itself, then with the app token to check the secret), the
   * WhatsApp Business Accounts the token may manage (`granular_scopes`) and each one's numbers
   * (`/{waba-id}/phone_numbers`). Nothing is saved; the owner picks a number and `connectAccount` runs.
   * Errors (details: DiscoveryErrorDetails): `invalid_params` (details.fieldErrors: a value wrong on its
   * face), `invalid_token` (wrong, expired or revoked), `missing_permission` (details.missing names
   * whatsapp_business_management and/or whatsapp_business_messaging), `app_secret_mismatch`, `no_waba`
   * (the token may manage no WhatsApp Business Account), `no_numbers` (its accounts have no number),
   * `graph_<code>` (Graph could not be reached or refused otherwise).
   */
  discoverNumbers: { params: DiscoverNumbersParams, result: DiscoverNumbersResult },
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
