/**
 * Non-secret configuration and preferences (which Graph URL, ids, UI preferences), in a JSON file
 * managed by electron-store in the desktop shell and by `conf` — the library electron-store is
 * built on, same file format — in the browser host. Validated with zod on every read and write:
 * a corrupt or hand-edited file never crashes the app; it is set aside (renamed, not deleted),
 * safe defaults are used, and `problem` says so in plain words for the UI.
 *
 * Secrets never go here (see secrets.ts); the schema has no place for them.
 */
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LOCALES } from '../../common/i18n/locales.ts';
import { GRAPH_SERVER_URL } from '../../common/rules/secure-url.ts';
import { DEFAULT_RING_VOLUME, DEFAULT_RINGTONE, RINGTONES } from '../../common/rules/ringtone.ts';
import { DEFAULT_SHORTCUTS } from '../../common/shortcuts.ts';
import { MissedCallReply } from '../../common/rules/missed-call-reply.ts';
import { AnnouncementLanguage, RECORDING_PURPOSE_MAX, RecordingMode } from '../../common/bridge/recordings.ts';
import { PICKUP_THRESHOLD } from '../../common/rules/pickup.ts';
import { PRIVATE_FILE_MODE } from '../core/private-files.ts';
import { secureUrlProblemText } from '../i18n/secure-url.ts';
import { tr } from '../i18n/tr.ts';

/**
 * A URL that secrets are sent to: https, or http to this computer only (common/rules/secure-url.ts),
 * with the rule's own words as the issue message.
 */
export function secureServerUrl(what: string, message?: string | (() => string)): z.ZodType<string> {
  return z.url({ protocol: /^https?$/, ...(message ? { error: message } : {}) }).superRefine((value, ctx) => {
    const problem = secureUrlProblemText(value, what as typeof GRAPH_SERVER_URL);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

export const AccountConfig = z.object({
  // The access token goes to this server with every request: a settings file naming an http://
  // server off this computer is set aside like any other invalid value, never used.
  graphBaseUrl: secureServerUrl(GRAPH_SERVER_URL),
  apiVersion: z.string().regex(/^v\d+\.\d+$/),
  appId: z.string().regex(/^\d{1,30}$/),
  wabaId: z.string().regex(/^\d{1,30}$/),
  phoneNumberId: z.string().regex(/^\d{1,30}$/),
  displayPhoneNumber: z.string().max(40).nullable().default(null),
  verifiedName: z.string().max(200).nullable().default(null),
  connectedAt: z.string().nullable().default(null),
});
export type AccountConfig = z.infer<typeof AccountConfig>;

export const Preferences = z.object({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** The language Switchboard speaks: 'system' follows the OS / browser (common/i18n/locales.ts). */
  language: z.enum(['system', ...LOCALES]).default('system'),
  preAccept: z.boolean().default(true),
  ringDeviceId: z.string().max(500).nullable().default(null),
  /** The generated ringtone and its volume in percent (common/rules/ringtone.ts). */
  ringtone: z.enum(RINGTONES).default(DEFAULT_RINGTONE),
  ringVolume: z.number().int().min(0).max(100).default(DEFAULT_RING_VOLUME),
  inputDeviceId: z.string().max(500).nullable().default(null),
  outputDeviceId: z.string().max(500).nullable().default(null),
  /** TURN servers for networks that block UDP to WhatsApp's media relays (urls turn:/turns:). */
  turnServers: z
    .array(
      z.object({
        urls: z
          .string()
          .regex(/^turns?:[^\s]+$/, { error: () => tr('config.turnAddress') })
          .max(300),
        username: z.string().max(200).nullable().default(null),
        credential: z.string().max(200).nullable().default(null),
      }),
    )
    .max(3)
    .default([]),
  /** A STUN server for the call's ICE (null: none — WhatsApp's relay learns this computer's address from its own checks). */
  stunServer: z
    .string()
    .regex(/^stuns?:[^\s]+$/)
    .max(300)
    .nullable()
    .default(null),
  /** Do not disturb until this time (ISO); calls are recorded but do not ring. */
  dndUntil: z.string().max(40).nullable().default(null),
  /** Under do-not-disturb, decline calls at once instead of letting them ring out on WhatsApp's side. */
  dndDeclineAtOnce: z.boolean().default(false),
  /** Desktop: start at login, and whether hidden (to the tray). */
  openAtLogin: z.boolean().default(false),
  openAtLoginHidden: z.boolean().default(true),
  /** Desktop: the one-line "still running in the tray" note was shown. */
  closeToTrayExplained: z.boolean().default(false),
  /**
   * Desktop: global shortcuts, per action an Electron accelerator or null (= off). Checked for
   * conflicts by DesktopPreferences before anything is stored; a hand-edited unusable one is
   * reported as such on the settings screen, never registered.
   */
  shortcuts: z
    .object({
      answer: z.string().max(80).nullable().default(DEFAULT_SHORTCUTS.answer),
      declineOrHangUp: z.string().max(80).nullable().default(DEFAULT_SHORTCUTS.declineOrHangUp),
      toggleMute: z.string().max(80).nullable().default(DEFAULT_SHORTCUTS.toggleMute),
      showWindow: z.string().max(80).nullable().default(DEFAULT_SHORTCUTS.showWindow),
    })
    .default(() => ({ ...DEFAULT_SHORTCUTS })),
});

export const TunnelConfig = z.object({
  provider: z.enum(['localtunnel', 'public-url']).default('localtunnel'),
  /** localtunnel: a preferred subdomain (not guaranteed) and a custom server. */
  subdomain: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{2,62}$/)
    .nullable()
    .default(null),
  host: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .default(null),
  /** public-url: the owner's own public HTTPS base URL that forwards to the receiver. */
  publicUrl: z
    .url({ protocol: /^https$/ })
    .nullable()
    .default(null),
  /**
   * The callback URL this installation last pointed the number at: when Meta still names it after
   * our tunnel restarts, the number is ours to re-point; any other address belongs to someone else.
   */
  registeredCallbackUrl: z.string().max(300).nullable().default(null),
  /** The owner chose to leave the number with the other address (until they take it over). */
  leaveCallbackElsewhere: z.boolean().default(false),
});

export const WebhookConfig = z.object({
  /** 0 = pick a free port at start. */
  port: z.number().int().min(0).max(65535).default(0),
});

/** "Never lose a caller" (issue 17): the missed-call reply and the pickup-rate threshold; settings of this app, not of WhatsApp. */
export const CallersConfig = z.object({
  missedCallReply: MissedCallReply.default(() => MissedCallReply.parse({})),
  /** Below this share of customers' calls picked up (percent), Settings → Calling and the status bar say so. */
  pickupThreshold: z.number().int().min(PICKUP_THRESHOLD.min).max(PICKUP_THRESHOLD.max).default(PICKUP_THRESHOLD.default),
});

/**
 * WhatsApp's call recording and transcription (issue 16): which calls, what is kept, what both
 * parties hear. Off by default. `announcementLanguage` null = the one matching the owner's language.
 */
export const RecordingConfig = z.object({
  mode: RecordingMode.default('off'),
  audio: z.boolean().default(true),
  transcript: z.boolean().default(true),
  purpose: z.string().max(RECORDING_PURPOSE_MAX).default(''),
  announcementLanguage: AnnouncementLanguage.nullable().default(null),
});

export const AppConfig = z.object({
  version: z.literal(1).default(1),
  account: AccountConfig.nullable().default(null),
  preferences: Preferences.default(() => Preferences.parse({})),
  tunnel: TunnelConfig.default(() => TunnelConfig.parse({})),
  webhook: WebhookConfig.default(() => WebhookConfig.parse({})),
  callers: CallersConfig.default(() => CallersConfig.parse({})),
  recording: RecordingConfig.default(() => RecordingConfig.parse({})),
});
export type AppConfig = z.infer<typeof AppConfig>;

/** What electron-store and conf have in common. */
export interface JsonFileStore {
  store: Record<string, unknown>;
  readonly path: string;
}
export type JsonFileStoreFactory = (opts: {
  cwd: string;
  configName: string;
  clearInvalidConfig: boolean;
  /** The file's mode (0600: it names the WhatsApp account); conf and electron-store chmod it on every write. */
  configFileMode: number;
}) => JsonFileStore;

export const CONFIG_NAME = 'config';

export class ConfigStore {
  private readonly file: JsonFileStore;
  private current: AppConfig;
  /** What was wrong with the file on disk, when it could not be used: worded by `problem` in the language in effect. */
  private readonly trouble: { kind: 'unreadable' | 'invalid'; detail: string; aside: string } | null;

  constructor(dataDir: string, factory: JsonFileStoreFactory) {
    const filePath = path.join(dataDir, `${CONFIG_NAME}.json`);
    let trouble: ConfigStore['trouble'] = null;
    let file: JsonFileStore;
    try {
      file = factory({ cwd: dataDir, configName: CONFIG_NAME, clearInvalidConfig: false, configFileMode: PRIVATE_FILE_MODE });
    } catch (err) {
      const aside = setAside(filePath);
      trouble = {
        kind: 'unreadable',
        detail: (err as Error).message.split('\n')[0]?.slice(0, 120) ?? '',
        aside: path.basename(aside ?? filePath),
      };
      file = factory({ cwd: dataDir, configName: CONFIG_NAME, clearInvalidConfig: true, configFileMode: PRIVATE_FILE_MODE });
    }
    const parsed = AppConfig.safeParse(file.store);
    if (parsed.success) {
      this.current = parsed.data;
    } else {
      const issue = parsed.error.issues[0];
      const aside = setAside(file.path);
      trouble ??= {
        kind: 'invalid',
        detail: issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown',
        aside: path.basename(aside ?? file.path),
      };
      this.current = AppConfig.parse({});
    }
    this.file = file;
    this.trouble = trouble;
    this.file.store = this.current as unknown as Record<string, unknown>;
  }

  /** Set when the file on disk could not be used; shown once in the UI, in the language in effect. */
  get problem(): string | null {
    const t = this.trouble;
    if (!t) return null;
    return tr(t.kind === 'unreadable' ? 'config.unreadable' : 'config.invalid', { detail: t.detail, file: t.aside });
  }

  get(): AppConfig {
    return structuredClone(this.current);
  }

  /** Validates the whole new config before anything is written; a bad value leaves the file as it was. */
  update(mutate: (draft: AppConfig) => void): AppConfig {
    const draft = structuredClone(this.current);
    mutate(draft);
    const next = AppConfig.parse(draft);
    this.file.store = next as unknown as Record<string, unknown>;
    this.current = next;
    return structuredClone(next);
  }

  get path(): string {
    return this.file.path;
  }
}

function setAside(file: string): string | null {
  if (!existsSync(file)) return null;
  const aside = `${file}.invalid-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(file, aside);
    return aside;
  } catch {
    return null;
  }
}
