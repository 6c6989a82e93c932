/**
 * Connecting Switchboard to a WhatsApp business number, and disconnecting it.
 *
 * `connect()` checks the credentials live, step by step, reporting progress as it goes:
 *   token     the access token works (Graph 190 otherwise; an unreachable URL is named as such)
 *   phone     the phone number id exists for this token and is on Cloud API (display number,
 *             verified name, quality rating)
 *   app       the app secret matches the app id (an app access token `appId|appSecret` is accepted)
 *   settings  calling settings can be read (calling on or off)
 *   health    the number's health status (messaging / calling blocks, with Meta's own solution)
 *   webhooks  the app is subscribed to the WABA and to the `calls` and `messages` fields
 *             (the calling prerequisites behind 138018)
 * Each step is a function at the end of this file (checkTokenAndPhone, checkApp, checkSettings,
 * checkHealth, checkWebhooks), all working on one ConnectRun. Nothing is saved unless every step
 * passed — or the owner chose "save anyway". Secrets go to the keychain (secrets.ts), the rest to
 * the config store; the webhook verify token is generated here and never leaves main.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ConnectAccountResult, ConnectStep } from '../../common/bridge-contract.ts';
import { GRAPH_SERVER_URL } from '../../common/rules/secure-url.ts';
import type { Logger, SecretRedactor } from '../core/log.ts';
import { defaultGraphTimeoutMs, GraphClient } from '../graph/graph-client.ts';
import { GraphError } from '../graph/graph-errors.ts';
import { metaApp, whatsapp, whatsappBusinessAccount } from '../graph/whatsapp.ts';
import { secureServerUrl, type AccountConfig, type ConfigStore } from './config-store.ts';
import type { SecretsService } from './secrets.ts';
import { HealthStatus } from './health-status.ts';
import { isMessageKey, tr, trList } from '../i18n/tr.ts';

export const ConnectInput = z.object({
  // The messages are functions: made in the owner's language when a value is refused.
  graphBaseUrl: secureServerUrl(GRAPH_SERVER_URL, () => tr('connect.field.graphBaseUrl')),
  apiVersion: z.string().regex(/^v\d+\.\d+$/, { error: () => tr('connect.field.apiVersion') }),
  accessToken: z
    .string()
    .trim()
    .min(20, { error: () => tr('connect.field.accessToken') })
    .max(2000),
  appSecret: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{16,128}$/, { error: () => tr('connect.field.appSecret') }),
  appId: z
    .string()
    .trim()
    .regex(/^\d{5,30}$/, { error: () => tr('connect.field.appId') }),
  wabaId: z
    .string()
    .trim()
    .regex(/^\d{5,30}$/, { error: () => tr('connect.field.wabaId') }),
  phoneNumberId: z
    .string()
    .trim()
    .regex(/^\d{5,30}$/, { error: () => tr('connect.field.phoneNumberId') }),
  saveAnyway: z.boolean().default(false),
});
export type ConnectInput = z.infer<typeof ConnectInput>;

export const CONNECT_STEPS = ['token', 'phone', 'app', 'settings', 'health', 'webhooks'] as const;
export type ConnectStepId = (typeof CONNECT_STEPS)[number];
export type StepState = ConnectStep['state'];
export type { ConnectStep };
export type PhoneInfo = NonNullable<ConnectAccountResult['phone']>;
export type ConnectResult = Omit<ConnectAccountResult, 'fieldErrors'>;

const PhoneNode = z.looseObject({
  id: z.string(),
  display_phone_number: z.string().optional(),
  verified_name: z.string().optional(),
  quality_rating: z.string().optional(),
  platform_type: z.string().optional(),
  code_verification_status: z.string().optional(),
});
const SettingsGet = z.looseObject({
  calling: z
    .looseObject({
      status: z.string().optional(),
      sip: z.looseObject({ status: z.string().optional() }).optional(),
      srtp_key_exchange_protocol: z.string().optional(),
    })
    .optional(),
});
const SubscribedApps = z.looseObject({
  data: z.array(z.looseObject({ whatsapp_business_api_data: z.looseObject({ id: z.string().optional() }).optional() })),
});
const AppSubscriptions = z.looseObject({
  data: z.array(
    z.looseObject({
      object: z.string(),
      callback_url: z.string().optional(),
      active: z.boolean().optional(),
      fields: z.array(z.looseObject({ name: z.string() })).optional(),
    }),
  ),
});

/** The webhook fields Switchboard needs from the app-level subscription (without them a per-number override receives nothing). */
export const REQUIRED_WEBHOOK_FIELDS = ['calls', 'messages'] as const;

export type WebhookFieldsResult =
  | { state: 'ok' | 'subscribed'; message: string }
  | { state: 'missing'; message: string; fix: string }
  | { state: 'unknown'; message: string };

export type ProgressListener = (step: ConnectStep) => void;

export class AccountService {
  private readonly config: ConfigStore;
  private readonly secrets: SecretsService;
  private readonly log: Logger;
  private readonly redactor: SecretRedactor;
  private readonly fetchImpl: typeof fetch | undefined;
  private readonly clock: () => Date;
  private cached: { accessToken: string | null; appSecret: string | null; verifyToken: string | null } = {
    accessToken: null,
    appSecret: null,
    verifyToken: null,
  };

  /** Every Graph answer's `Date` header goes here (clock-skew.ts). */
  private readonly onServerDate: ((date: string | null, sentAtMs: number, answeredAtMs: number) => void) | undefined;

  constructor(opts: {
    config: ConfigStore;
    secrets: SecretsService;
    log: Logger;
    redactor: SecretRedactor;
    fetch?: typeof fetch;
    clock?: () => Date;
    onServerDate?: (date: string | null, sentAtMs: number, answeredAtMs: number) => void;
  }) {
    this.onServerDate = opts.onServerDate;
    this.config = opts.config;
    this.secrets = opts.secrets;
    this.log = opts.log;
    this.redactor = opts.redactor;
    this.fetchImpl = opts.fetch;
    this.clock = opts.clock ?? (() => new Date());
  }

  /** Loads the stored secrets into memory (once at start); an unavailable keychain is reported, not thrown. */
  async load(): Promise<{ keychainProblem: string | null }> {
    if (!this.config.get().account) return { keychainProblem: null };
    try {
      const [accessToken, appSecret, verifyToken] = await Promise.all([
        this.secrets.get('accessToken'),
        this.secrets.get('appSecret'),
        this.secrets.get('verifyToken'),
      ]);
      this.cached = { accessToken, appSecret, verifyToken };
      for (const v of [accessToken, appSecret, verifyToken]) this.redactor.add(v);
      return { keychainProblem: null };
    } catch (err) {
      const e = err as Error & { fix?: string };
      return { keychainProblem: `${e.message}${e.fix ? ` ${e.fix}` : ''}` };
    }
  }

  account(): AccountConfig | null {
    return this.config.get().account;
  }
  accessToken(): string | null {
    return this.cached.accessToken;
  }
  appSecret(): string | null {
    return this.cached.appSecret;
  }
  verifyToken(): string | null {
    return this.cached.verifyToken;
  }
  get secretsBackend(): string {
    return this.secrets.backend;
  }

  /** What a Graph client made outside this service shares with its own (number-discovery.ts): log, redactor, fetch, clock-skew probe. */
  graphDeps(): {
    log: Logger;
    redactor: SecretRedactor;
    fetch?: typeof fetch;
    onServerDate?: (date: string | null, sentAtMs: number, answeredAtMs: number) => void;
  } {
    return {
      log: this.log,
      redactor: this.redactor,
      ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}),
      ...(this.onServerDate ? { onServerDate: this.onServerDate } : {}),
    };
  }

  /** A Graph client for the connected account (null when not connected). */
  graph(opts: { timeoutMs?: number } = {}): GraphClient | null {
    const a = this.account();
    if (!a) return null;
    return new GraphClient({
      baseUrl: a.graphBaseUrl,
      version: a.apiVersion,
      token: () => this.cached.accessToken,
      log: this.log.child('graph'),
      ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}),
      ...(this.onServerDate ? { onServerDate: this.onServerDate } : {}),
      ...opts,
    });
  }

  /**
   * Makes sure the app is subscribed to the `calls` and `messages` fields (Meta sends a number's
   * events to its override only for fields the app subscribed to). With no app-level callback, or
   * one that is this installation's (`ours`), Switchboard subscribes them itself with its own
   * callback and verify token (`POST /{app-id}/subscriptions`, app token). When another address
   * holds the app-level callback, changing it would take that integration's webhooks away, so
   * the owner is told the exact fix instead.
   */
  async ensureWebhookFields(callbackUrl: string, ours: (url: string) => boolean): Promise<WebhookFieldsResult> {
    const a = this.account();
    const appSecret = this.cached.appSecret;
    const verifyToken = this.cached.verifyToken;
    if (!a || !appSecret || !verifyToken) return { state: 'unknown', message: tr('webhookFields.noAccount') };
    const appGraph = new GraphClient({
      baseUrl: a.graphBaseUrl,
      version: a.apiVersion,
      token: () => `${a.appId}|${appSecret}`,
      log: this.log.child('graph'),
      ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}),
    });
    try {
      const subs = await metaApp(appGraph, a.appId).subscriptions.list(AppSubscriptions);
      const waba = subs.data.find((d) => d.object === 'whatsapp_business_account');
      const have = new Set((waba?.fields ?? []).map((f) => f.name));
      const missing = REQUIRED_WEBHOOK_FIELDS.filter((f) => !have.has(f));
      if (missing.length === 0) return { state: 'ok', message: tr('webhookFields.ok') };
      const named = { fields: trList(missing.map((m) => `"${m}"`)), n: missing.length };
      const current = waba?.callback_url ?? '';
      if (current && !ours(current)) {
        return {
          state: 'missing',
          message: tr('webhookFields.missingElsewhere', { ...named, current }),
          fix: tr('webhookFields.subscribeFix'),
        };
      }
      const fields = [...new Set([...have, ...REQUIRED_WEBHOOK_FIELDS, 'account_settings_update'])];
      await metaApp(appGraph, a.appId).subscriptions.subscribeWhatsApp({ callbackUrl, verifyToken, fields });
      this.webhookFields = new Set(fields);
      this.log.info('account.webhook_fields_subscribed', { fields: fields.join(',') });
      return {
        state: 'subscribed',
        message: tr('webhookFields.subscribed', named),
      };
    } catch (err) {
      const e = asGraphError(err);
      this.log.warn('account.webhook_fields_failed', { error: e.message });
      return {
        state: 'missing',
        message: tr('webhookFields.failed', { error: e.message }),
        fix: tr('webhookFields.subscribeFix'),
      };
    }
  }

  async connect(raw: unknown, onProgress: ProgressListener = () => {}): Promise<ConnectResult> {
    const input = ConnectInput.parse(raw);
    this.redactor.add(input.accessToken);
    this.redactor.add(input.appSecret);
    const run = this.startConnectRun(input, onProgress);

    await checkTokenAndPhone(run);
    if (run.steps.get('phone')!.state === 'ok') {
      this.webhookFields = await checkApp(run);
      await checkSettings(run);
      await checkHealth(run);
      await checkWebhooks(run, () => this.webhookFields);
    }

    const list = CONNECT_STEPS.map((id) => run.steps.get(id)!);
    const passed = list.every((s) => s.state === 'ok' || s.state === 'warning');
    if (!passed && !input.saveAnyway) return { saved: false, steps: list, phone: run.phone };

    await this.save(input, run.phone, run.graph, run.wabaUnsubscribed);
    return { saved: true, steps: list, phone: run.phone };
  }

  /** A run of the connect checks: every step pending, and Graph clients for the entered token and app secret. */
  private startConnectRun(input: ConnectInput, onProgress: ProgressListener): ConnectRun {
    const steps = new Map<ConnectStepId, ConnectStep>(CONNECT_STEPS.map((id) => [id, { id, state: 'pending', message: '', fix: null }]));
    const set = (id: ConnectStepId, state: StepState, message: string, fix: string | null = null): void => {
      const s = { id, state, message, fix };
      steps.set(id, s);
      onProgress(s);
    };
    const graph = new GraphClient({
      baseUrl: input.graphBaseUrl,
      version: input.apiVersion,
      token: () => input.accessToken,
      log: this.log.child('graph'),
      maxAttempts: 2,
      timeoutMs: Math.min(10_000, defaultGraphTimeoutMs()),
      ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}),
      ...(this.onServerDate ? { onServerDate: this.onServerDate } : {}),
    });
    const appGraph = new GraphClient({
      baseUrl: input.graphBaseUrl,
      version: input.apiVersion,
      token: () => `${input.appId}|${input.appSecret}`,
      log: this.log.child('graph'),
      maxAttempts: 2,
      timeoutMs: Math.min(10_000, defaultGraphTimeoutMs()),
      ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}),
    });
    return { input, graph, appGraph, steps, set, phone: null, wabaUnsubscribed: false };
  }

  private webhookFields: Set<string> | null = null;

  private async save(input: ConnectInput, phone: PhoneInfo | null, graph: GraphClient, wabaUnsubscribed: boolean): Promise<void> {
    const verifyToken = this.cached.verifyToken ?? randomBytes(24).toString('base64url');
    await this.secrets.set('accessToken', input.accessToken);
    await this.secrets.set('appSecret', input.appSecret);
    await this.secrets.set('verifyToken', verifyToken);
    this.redactor.add(verifyToken);
    this.cached = { accessToken: input.accessToken, appSecret: input.appSecret, verifyToken };
    this.config.update((c) => {
      c.account = {
        graphBaseUrl: input.graphBaseUrl.replace(/\/+$/, ''),
        apiVersion: input.apiVersion,
        appId: input.appId,
        wabaId: input.wabaId,
        phoneNumberId: input.phoneNumberId,
        displayPhoneNumber: phone?.displayPhoneNumber ?? null,
        verifiedName: phone?.verifiedName ?? null,
        connectedAt: this.clock().toISOString(),
      };
    });
    // Subscribe the app to the WABA when the check found it missing (harmless to repeat).
    if (wabaUnsubscribed) {
      try {
        await whatsappBusinessAccount(graph, input.wabaId).subscribedApps.subscribe();
      } catch (err) {
        this.log.warn('account.subscribe_failed', { error: asGraphError(err).message });
      }
    }
    this.log.info('account.connected', { phoneNumberId: input.phoneNumberId });
  }

  async disconnect(): Promise<void> {
    await this.secrets.clear();
    this.cached = { accessToken: null, appSecret: null, verifyToken: null };
    this.config.update((c) => void (c.account = null));
    this.log.info('account.disconnected');
  }
}

export function asGraphError(err: unknown): GraphError {
  if (err instanceof GraphError) return err;
  return new GraphError({ code: 'internal', category: 'unknown', message: (err as Error)?.message ?? String(err) });
}

/** One run of `connect()`'s checks: the input, Graph clients for its token and its app secret, the steps so far. */
interface ConnectRun {
  input: ConnectInput;
  /** Requests with the entered access token. */
  graph: GraphClient;
  /** Requests with the app access token `appId|appSecret`. */
  appGraph: GraphClient;
  steps: Map<ConnectStepId, ConnectStep>;
  /** Records a step's new state and reports it (progress event). */
  set: (id: ConnectStepId, state: StepState, message: string, fix?: string | null) => void;
  /** The number as Graph described it (once the phone step read it). */
  phone: PhoneInfo | null;
  /** The webhooks step found the app not subscribed to the WABA: saving subscribes it. */
  wabaUnsubscribed: boolean;
}

/** Marks every step from `from` on that has not run yet as skipped. */
function skipRest(run: ConnectRun, from: ConnectStepId, why: string): void {
  for (const id of CONNECT_STEPS.slice(CONNECT_STEPS.indexOf(from)))
    if (run.steps.get(id)!.state === 'pending') run.set(id, 'skipped', why);
}

/** The token and phone steps. */
async function checkTokenAndPhone(run: ConnectRun): Promise<void> {
  // token + phone: one request answers both (Graph checks the token before the object).
  run.set('token', 'running', tr('connect.token.running'));
  let node: z.infer<typeof PhoneNode> | null = null;
  try {
    node = await whatsapp(run.graph, run.input.phoneNumberId).phoneNumber.details(PhoneNode);
    run.set('token', 'ok', tr('connect.token.ok'));
  } catch (err) {
    const e = asGraphError(err);
    if (e.category === 'auth' || e.code === 190) {
      run.set('token', 'failed', tr('connect.token.refused'), tr('connect.token.refused.fix'));
      skipRest(run, 'phone', tr('connect.token.skipped'));
    } else if (e.category === 'network' || e.code === 'invalid_response') {
      run.set('token', 'failed', e.message, e.fix ?? tr('connect.token.checkBaseUrl'));
      skipRest(run, 'phone', tr('connect.unreachable.skipped'));
    } else {
      run.set('token', 'ok', tr('connect.token.ok'));
      run.set('phone', 'failed', tr('connect.phone.notVisible', { id: run.input.phoneNumberId }), tr('connect.phone.notVisible.fix'));
    }
  }
  if (node) {
    run.phone = {
      displayPhoneNumber: node.display_phone_number ?? null,
      verifiedName: node.verified_name ?? null,
      qualityRating: node.quality_rating ?? null,
      platformType: node.platform_type ?? null,
      callingStatus: null,
    };
    if (node.platform_type && node.platform_type !== 'CLOUD_API') {
      run.set(
        'phone',
        'failed',
        tr('connect.phone.notCloudApi', {
          number: node.display_phone_number ?? tr('connect.phone.thisNumber'),
          platform: node.platform_type,
        }),
        tr('connect.phone.notCloudApi.fix'),
      );
    } else {
      const number = node.display_phone_number ?? run.input.phoneNumberId;
      const name = node.verified_name ?? tr('connect.phone.noVerifiedName');
      const quality = node.quality_rating?.toLowerCase();
      run.set(
        'phone',
        'ok',
        quality
          ? tr('connect.phone.okQuality', { number, name, quality: word(`connect.quality.${quality}`, quality) })
          : tr('connect.phone.ok', { number, name }),
      );
    }
  }
}

/** The app step; resolves with the app's webhook fields for the WABA (null: no WABA subscription, or unknown). */
async function checkApp(run: ConnectRun): Promise<Set<string> | null> {
  run.set('app', 'running', tr('connect.app.running'));
  try {
    const subs = await metaApp(run.appGraph, run.input.appId).subscriptions.list(AppSubscriptions);
    run.set('app', 'ok', tr('connect.app.ok'));
    const waba = subs.data.find((d) => d.object === 'whatsapp_business_account');
    return waba ? new Set((waba.fields ?? []).map((f) => f.name)) : null;
  } catch (err) {
    const e = asGraphError(err);
    if (e.category === 'auth' || e.code === 190) run.set('app', 'failed', tr('connect.app.mismatch'), tr('connect.app.mismatch.fix'));
    else run.set('app', 'failed', e.message, e.fix);
    return null;
  }
}

/** The settings step: calling on or off, SIP, SDES. */
async function checkSettings(run: ConnectRun): Promise<void> {
  run.set('settings', 'running', tr('connect.settings.running'));
  try {
    const s = await whatsapp(run.graph, run.input.phoneNumberId).settings.get(SettingsGet);
    const status = s.calling?.status ?? 'DISABLED';
    run.phone!.callingStatus = status;
    const sip = s.calling?.sip?.status === 'ENABLED';
    const sdes = (s.calling?.srtp_key_exchange_protocol ?? '').toUpperCase() === 'SDES';
    if (sip) run.set('settings', 'warning', tr('connect.settings.sip'), tr('connect.settings.sip.fix'));
    else if (sdes) run.set('settings', 'warning', tr('connect.settings.sdes'), tr('connect.settings.sdes.fix'));
    else if (status === 'ENABLED') run.set('settings', 'ok', tr('connect.settings.on'));
    else run.set('settings', 'warning', tr('connect.settings.off'), tr('connect.settings.off.fix'));
  } catch (err) {
    const e = asGraphError(err);
    run.set(
      'settings',
      'failed',
      tr('connect.settings.unreadable', { error: e.message }),
      e.code === 10 || e.code === 200 ? tr('connect.settings.permission.fix') : e.fix,
    );
  }
}

/** The health step: messaging / calling blocks, with Meta's own solution. */
async function checkHealth(run: ConnectRun): Promise<void> {
  run.set('health', 'running', tr('connect.health.running'));
  try {
    const h = await whatsapp(run.graph, run.input.phoneNumberId).phoneNumber.health(HealthStatus);
    const problems = (h.health_status.entities ?? [])
      .flatMap((en) => (en.errors ?? []).map((er) => ({ entity: en.entity_type, ...er })))
      .filter((p) => p.error_code !== 138024 && p.error_code !== 138025); // SIP-only, irrelevant here
    // A LIMITED entity carries Meta's explanation in `additional_info` (no error item): show it.
    const limited = (h.health_status.entities ?? []).filter((en) => en.can_send_message === 'LIMITED');
    if (problems.length === 0 && limited.length) {
      const why = limited.flatMap((en) => (en.additional_info ?? []).map((i) => `${en.entity_type}: ${i}`));
      run.set(
        'health',
        'warning',
        tr('connect.health.limited', {
          why: why.length
            ? why.join(' ')
            : tr('connect.health.limitedNoReason', { entities: limited.map((en) => en.entity_type).join(', ') }),
        }),
      );
    } else if (problems.length === 0) {
      const state = (h.health_status.can_send_message ?? 'AVAILABLE').toLowerCase();
      run.set('health', 'ok', tr('connect.health.state', { state: word(`health.state.${state}`, state) }));
    } else {
      const p = problems[0]!;
      run.set(
        'health',
        'warning',
        tr(problems.length > 1 ? 'connect.health.problemMore' : 'connect.health.problem', {
          entity: p.entity,
          problem: p.error_description ?? tr('connect.health.errorCode', { code: String(p.error_code) }),
          more: problems.length - 1,
        }),
        p.possible_solution ?? null,
      );
    }
  } catch (err) {
    run.set('health', 'warning', tr('connect.health.unreadable', { error: asGraphError(err).message }));
  }
}

/** The webhooks step: the app subscribed to the WABA, and to the `calls` and `messages` fields (`webhookFields`: as the app step found them). */
async function checkWebhooks(run: ConnectRun, webhookFields: () => Set<string> | null): Promise<void> {
  run.set('webhooks', 'running', tr('connect.webhooks.running'));
  try {
    const apps = await whatsappBusinessAccount(run.graph, run.input.wabaId).subscribedApps.list(SubscribedApps);
    const subscribed = apps.data.some((d) => d.whatsapp_business_api_data?.id === run.input.appId);
    const fields = webhookFields();
    const missing = fields ? ['calls', 'messages'].filter((f) => !fields.has(f)) : [];
    run.wabaUnsubscribed = !subscribed;
    if (!subscribed) run.set('webhooks', 'warning', tr('connect.webhooks.notSubscribed'), tr('connect.webhooks.notSubscribed.fix'));
    else if (fields === null && run.steps.get('app')!.state === 'ok')
      run.set('webhooks', 'warning', tr('connect.webhooks.noAddress'), tr('connect.webhooks.noAddress.fix'));
    else if (missing.length)
      run.set(
        'webhooks',
        'failed',
        tr('connect.webhooks.missing', { fields: trList(missing.map((m) => `"${m}"`)), n: missing.length }),
        tr('webhookFields.subscribeFix'),
      );
    else run.set('webhooks', 'ok', tr('webhookFields.ok'));
  } catch (err) {
    const e = asGraphError(err);
    if (e.code === 100)
      run.set('webhooks', 'failed', tr('connect.webhooks.noWaba', { id: run.input.wabaId }), tr('connect.webhooks.noWaba.fix'));
    else run.set('webhooks', 'warning', tr('connect.webhooks.unreadable', { error: e.message }));
  }
}

/** A word Graph sends (a quality rating, a messaging state) in the owner's language; one the catalog lacks as Graph sent it. */
function word(key: string, fallback: string): string {
  return isMessageKey(key) ? tr(key) : fallback;
}
