/**
 * The simulated Graph API: routing of `/vNN.0/...` requests, the Bearer token check (190), and the
 * node/edge handlers that are not big enough for their own module (phone number, WABA, app
 * subscriptions, media). Every refusal is a GraphError rendered by graph-errors.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Calls } from './calls.ts';
import type { OtherPhoneNumber, SimContext } from './context.ts';
import { GraphError, invalidParam } from './graph-errors.ts';
import type { MediaStore } from './media.ts';
import { oggOpusInfo } from './media.ts';
import { mediaFaultError } from './capture.ts';
import type { UploadedFile } from './simulator.ts';
import type { Messaging } from './messages.ts';
import type { Permissions } from './permissions.ts';
import { applySettingsPatch, parseSettingsPost, renderCalling, reportableChange } from './settings.ts';
import { activeRestrictions } from './context.ts';
import type { Callback } from './webhooks.ts';
import { verifyCallback } from './webhooks.ts';

export interface GraphRequest {
  method: string;
  /** Path after the version prefix, split on "/" (e.g. ["123", "settings"]). */
  segments: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
  token: string | undefined;
}

export interface GraphResponse {
  status: number;
  json: unknown;
}

export interface GraphDeps {
  ctx: SimContext;
  calls: Calls;
  messaging: Messaging;
  permissions: Permissions;
  media: MediaStore;
}

const PHONE_DEFAULT_FIELDS = ['code_verification_status', 'display_phone_number', 'id', 'quality_rating', 'verified_name'];
const PHONE_FIELDS = new Set([
  ...PHONE_DEFAULT_FIELDS,
  'name_status',
  'health_status',
  'webhook_configuration',
  'platform_type',
  'throughput',
  'messaging_limit_tier',
  'is_official_business_account',
]);

function unsupported(method: string, id: string): GraphError {
  return new GraphError(
    100,
    `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    {
      subcode: 33,
      text: `Unsupported ${method.toLowerCase()} request`,
    },
  );
}

export class GraphApi {
  private readonly d: GraphDeps;

  constructor(deps: GraphDeps) {
    this.d = deps;
  }

  private get ctx(): SimContext {
    return this.d.ctx;
  }

  async handle(req: GraphRequest): Promise<GraphResponse> {
    const b = this.ctx.business;
    const [id = '', edge, ...rest] = req.segments;
    const appToken = `${b.appId}|${b.appSecret}`;
    // The app access token works where Meta documents it: the app's subscriptions and debug_token.
    const appTokenAllowed = (id === b.appId && edge === 'subscriptions') || (id === 'debug_token' && edge === undefined);
    if (!req.token)
      throw new GraphError(190, 'An access token is required to request this resource', {
        text: 'An active access token must be used to query information',
      });
    if (req.token !== b.accessToken && !(appTokenAllowed && req.token === appToken)) {
      throw new GraphError(190, 'Invalid OAuth access token', { text: 'Invalid OAuth access token - Cannot parse access token' });
    }
    if (req.token === b.accessToken && this.ctx.state.token.expired) throw expiredToken(this.ctx.clock.now());
    if (rest.length > 0) throw unsupported(req.method, req.segments.join('/'));
    const m = req.method;
    if (id === 'debug_token' && edge === undefined && m === 'GET') return ok(this.debugToken(req.query, appToken));
    if (req.token === b.accessToken) this.requirePermission(id, edge);
    const other = b.otherNumbers.find((n) => n.id === id);
    if (other && edge === undefined && m === 'GET') return ok(this.getOtherNumber(other, req.query));
    if (id === b.phoneNumberId) {
      if (edge === undefined && m === 'GET') return ok(this.getPhoneNumber(req.query));
      if (edge === undefined && m === 'POST') return ok(await this.postPhoneNumber(req.body));
      if (edge === 'settings' && m === 'GET') return ok(this.getSettings(req.query));
      if (edge === 'settings' && m === 'POST') return ok(this.postSettings(req.body));
      if (edge === 'messages' && m === 'POST') return ok(this.record('message', req, this.d.messaging.handlePost(req.body)));
      if (edge === 'calls' && m === 'POST') return ok(this.record('call-action', req, this.d.calls.handlePost(req.body)));
      if (edge === 'call_permissions' && m === 'GET') return ok(this.getCallPermissions(req.query));
      if (edge === 'media' && m === 'POST') return ok(this.uploadMedia(req.body));
    } else if (id === b.wabaId) {
      if (edge === undefined && m === 'GET') return ok(this.getWaba(req.query));
      if (edge === 'phone_numbers' && m === 'GET') return ok(this.listPhoneNumbers(req.query));
      if (edge === 'message_templates' && m === 'GET') return ok(this.listTemplates(req.query));
      if (edge === 'message_templates' && m === 'POST') return ok(this.createTemplate(req.body));
      if (edge === 'subscribed_apps') return ok(await this.subscribedApps(m, req.body));
    } else if (id === b.appId) {
      if (edge === 'subscriptions' && (m === 'GET' || m === 'POST' || m === 'DELETE')) return ok(await this.appSubscriptions(m, req.body));
    } else if (edge === undefined && m === 'GET') {
      const item = this.d.media.get(id);
      if (item) {
        const fault = this.d.media.takeFault(item, 'graph');
        if (fault) throw mediaFaultError(fault);
        return ok({
          messaging_product: 'whatsapp',
          url: this.d.media.issueUrl(item.id, this.ctx.baseUrl()),
          mime_type: item.mimeType,
          sha256: item.sha256,
          // Meta's media-URL syntax quotes it ("<MEDIA_FILE_SIZE>"); live answers have been seen with a number.
          file_size: String(item.bytes.length),
          id: item.id,
        });
      }
    }
    throw unsupported(m, edge ? `${id}/${edge}` : id);
  }

  private record(kind: 'message' | 'call-action', req: GraphRequest, response: Record<string, unknown>): Record<string, unknown> {
    this.ctx.sent.push({ kind, at: this.ctx.clock.now(), path: req.segments.join('/'), body: req.body, response, status: 200 });
    return response;
  }

  /** Records refused business requests too (called by the HTTP layer). */
  recordRefusal(req: GraphRequest, status: number, json: unknown): void {
    const edge = req.segments[1];
    if (req.segments[0] !== this.ctx.business.phoneNumberId || (edge !== 'messages' && edge !== 'calls')) return;
    this.ctx.sent.push({
      kind: edge === 'messages' ? 'message' : 'call-action',
      at: this.ctx.clock.now(),
      path: req.segments.join('/'),
      body: req.body,
      response: json,
      status,
    });
  }

  // ------------------------------------------------------------ phone number

  private fields(query: URLSearchParams, defaults: string[], allowed: Set<string>, nodeType: string): string[] {
    const f = query.get('fields');
    if (!f) return defaults;
    const list = f
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const x of list) {
      if (!allowed.has(x))
        throw new GraphError(100, `Tried accessing nonexisting field (${x}) on node type (${nodeType})`, {
          text: `Tried accessing nonexisting field (${x}) on node type (${nodeType})`,
        });
    }
    return list.includes('id') ? list : [...list, 'id'];
  }

  private healthStatus(nodeId: string): Record<string, unknown> {
    const b = this.ctx.business;
    const s = this.ctx.state.settings;
    const sipOk = s.sip.status === 'ENABLED' && (s.sip.servers?.length ?? 0) > 0;
    const sipErr = (code: number, description: string, solution: string): Record<string, unknown> => ({
      error_code: code,
      error_description: description,
      possible_solution: solution,
    });
    const ph = this.ctx.state.phoneHealth ?? { canSendMessage: 'AVAILABLE' as const, additionalInfo: [] };
    return {
      health_status: {
        can_send_message: ph.canSendMessage,
        entities: [
          {
            entity_type: 'PHONE_NUMBER',
            id: b.phoneNumberId,
            can_send_message: ph.canSendMessage,
            // As Meta's health-status page: a LIMITED entity explains itself in additional_info.
            ...(ph.canSendMessage === 'LIMITED' && ph.additionalInfo.length ? { additional_info: ph.additionalInfo } : {}),
            can_receive_call_sip: sipOk ? 'AVAILABLE' : 'BLOCKED',
            ...(sipOk
              ? {}
              : {
                  errors: [
                    sipErr(
                      138024,
                      'WhatsApp Business calling cannot use SIP because it is not enabled',
                      'Configure SIP using {PHONE_NUMBER_ID}/settings API',
                    ),
                  ],
                }),
          },
          { entity_type: 'WABA', id: b.wabaId, can_send_message: 'AVAILABLE' },
          { entity_type: 'BUSINESS', id: `9${b.wabaId.slice(1)}`, can_send_message: 'AVAILABLE' },
          {
            entity_type: 'APP',
            id: b.appId,
            can_send_message: 'AVAILABLE',
            can_receive_call_sip: sipOk ? 'AVAILABLE' : 'BLOCKED',
            ...(sipOk
              ? {}
              : {
                  errors: [
                    sipErr(
                      138025,
                      'This app cannot use SIP for WhatsApp Business calling because it has not configured a SIP server for this business phone number',
                      'Configure SIP server using {PHONE_NUMBER_ID}/settings API',
                    ),
                  ],
                }),
          },
        ],
      },
      id: nodeId,
    };
  }

  private getPhoneNumber(query: URLSearchParams): Record<string, unknown> {
    const b = this.ctx.business;
    const wanted = this.fields(query, PHONE_DEFAULT_FIELDS, PHONE_FIELDS, 'WhatsAppBusinessPhoneNumber');
    const r = this.ctx.webhooks.routing;
    const all: Record<string, () => unknown> = {
      code_verification_status: () => 'VERIFIED',
      display_phone_number: () => b.displayPhoneNumber,
      id: () => b.phoneNumberId,
      quality_rating: () => b.qualityRating,
      verified_name: () => b.verifiedName,
      name_status: () => 'APPROVED',
      platform_type: () => 'CLOUD_API',
      throughput: () => ({ level: 'STANDARD' }),
      messaging_limit_tier: () =>
        b.messagingLimit >= 100_000
          ? 'TIER_100K'
          : b.messagingLimit >= 10_000
            ? 'TIER_10K'
            : b.messagingLimit >= 2_000
              ? 'TIER_2K'
              : 'TIER_250',
      is_official_business_account: () => false,
      health_status: () => this.healthStatus(b.phoneNumberId)['health_status'],
      webhook_configuration: () => ({
        ...(r.phoneOverride ? { phone_number: r.phoneOverride.url } : {}),
        ...(r.wabaOverride ? { whatsapp_business_account: r.wabaOverride.url } : {}),
        ...(r.app.callback ? { application: r.app.callback.url } : {}),
      }),
    };
    const out: Record<string, unknown> = {};
    for (const f of wanted) out[f] = all[f]?.();
    return out;
  }

  private async verifyOrThrow(cb: Callback): Promise<void> {
    if (cb.url.length > 200) throw invalidParam('override_callback_uri must be at most 200 characters');
    let u: URL;
    try {
      u = new URL(cb.url);
    } catch {
      throw invalidParam(`Invalid callback URL ${cb.url}`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalidParam('The callback URL must be an https URL');
    const v = await verifyCallback(cb, this.ctx.webhooks.timeoutMs);
    if (!v.ok) throw new GraphError(2200, `Callback verification failed with the following errors: ${v.details}`);
    this.ctx.webhooks.markVerified(cb);
  }

  private async postPhoneNumber(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const wc = body['webhook_configuration'];
    if (typeof wc !== 'object' || wc === null || Array.isArray(wc)) throw invalidParam('The parameter webhook_configuration is required');
    const w = wc as Record<string, unknown>;
    const uri = w['override_callback_uri'];
    const token = w['verify_token'];
    if (typeof uri !== 'string') throw invalidParam('webhook_configuration.override_callback_uri must be a string');
    const r = this.ctx.webhooks.routing;
    if (uri === '') {
      r.phoneOverride = undefined;
    } else {
      if (typeof token !== 'string' || token === '')
        throw invalidParam('webhook_configuration.verify_token is required with override_callback_uri');
      const cb = { url: uri, verifyToken: token };
      await this.verifyOrThrow(cb);
      r.phoneOverride = cb;
    }
    this.ctx.events.emit('webhook.routing', { phoneOverride: r.phoneOverride?.url ?? null });
    this.ctx.webhooks.retryAllNow();
    return { success: true };
  }

  // ------------------------------------------------------------ settings

  private getSettings(query: URLSearchParams): Record<string, unknown> {
    const calling = renderCalling(this.ctx.state.settings, {
      includeSipCredentials: query.get('include_sip_credentials') === 'true',
      restrictions: activeRestrictions(this.ctx),
    });
    const f = query.get('fields');
    if (
      f &&
      !f
        .split(',')
        .map((s) => s.trim())
        .includes('calling')
    )
      return {};
    return { calling };
  }

  /**
   * `POST /{phone-number-id}/media` (multipart: messaging_product, type, file, use_case). For
   * `use_case=call_voicemail_announcement` the file must be Ogg/Opus under 60 s (Meta's call
   * settings page). Answers `{id}`.
   */
  private uploadMedia(body: Record<string, unknown>): Record<string, unknown> {
    if (body['messaging_product'] !== 'whatsapp') throw invalidParam('The parameter messaging_product is required and must be "whatsapp"');
    const file = body['file'] as UploadedFile | undefined;
    if (!file || typeof file !== 'object' || !Buffer.isBuffer(file.bytes)) throw invalidParam('The parameter file is required');
    const type = typeof body['type'] === 'string' ? body['type'] : file.contentType;
    const useCase = typeof body['use_case'] === 'string' ? body['use_case'] : undefined;
    if (useCase !== undefined && useCase !== 'call_voicemail_announcement') throw invalidParam(`Invalid use_case "${useCase}"`);
    if (useCase === 'call_voicemail_announcement') {
      if (!/^audio\/ogg\b/.test(type)) throw invalidParam('A voicemail announcement must be audio/ogg (Opus)');
      const info = oggOpusInfo(file.bytes);
      if (!info) throw invalidParam('A voicemail announcement must be Ogg/Opus audio');
      if (info.durationS >= 60)
        throw invalidParam(`A voicemail announcement must be shorter than 60 seconds (this one is ${Math.round(info.durationS)} s)`);
    }
    if (file.bytes.length > 16 * 1024 * 1024) throw invalidParam('The file is larger than 16 MB');
    const item = this.d.media.add(file.bytes, type, useCase);
    return { id: item.id };
  }

  private postSettings(body: Record<string, unknown>): Record<string, unknown> {
    const ctx = this.ctx;
    const patch = parseSettingsPost(body, ctx.clock.now());
    // Meta's call settings page (June 2026): announcement_media_id (an integer: a file uploaded with
    // use_case=call_voicemail_announcement) is required when voicemail is ENABLED.
    if (patch.voicemail?.status === 'ENABLED') {
      const id = patch.voicemail.audio?.default.announcement_media_id;
      if (id === undefined) throw invalidParam('voicemail.audio.default.announcement_media_id is required when voicemail is ENABLED');
      if (typeof id !== 'number') throw invalidParam('voicemail.audio.default.announcement_media_id must be an integer');
      const media = this.d.media.get(String(id));
      if (!media || media.useCase !== 'call_voicemail_announcement')
        throw invalidParam(
          `voicemail.audio.default.announcement_media_id ${id} is not a media uploaded with use_case=call_voicemail_announcement`,
        );
    }
    const before = ctx.state.settings;
    if (patch.status === 'ENABLED' && before.status !== 'ENABLED') {
      const forced = ctx.state.enableCallingError;
      if (forced === 138015 || (ctx.business.messagingLimit < 2000 && !ctx.business.sandbox)) {
        throw new GraphError(
          138015,
          `Calling cannot be enabled: the business messaging limit (${ctx.business.messagingLimit}) is below 2000`,
        );
      }
      const r = ctx.webhooks.routing;
      const sipOn = (patch.sip?.status ?? before.sip.status) === 'ENABLED';
      if (forced === 138018 || (!sipOn && !(r.wabaSubscribed && r.app.active && r.app.fields.has('calls')))) {
        throw new GraphError(
          138018,
          'Calling cannot be enabled: no app is subscribed to the calls webhook field and SIP is not configured',
        );
      }
    }
    const after = applySettingsPatch(before, patch, {
      appId: ctx.business.appId,
      randomPassword: () => randomBytes(16).toString('base64url'),
    });
    ctx.state.settings = after;
    ctx.events.emit('settings.changed', { calling: renderCalling(after) });
    if (reportableChange(before, after)) {
      ctx.webhooks.emit('account_settings_update', {
        messaging_product: 'whatsapp',
        timestamp: String(ctx.clock.nowSeconds()),
        type: 'PHONE_NUMBER_SETTINGS',
        phone_number_settings: {
          phone_number_id: ctx.business.phoneNumberId,
          calling: renderCalling(after, { restrictions: activeRestrictions(ctx) }),
        },
      });
    }
    return { success: true };
  }

  private permissionGets: number[] = [];

  private getCallPermissions(query: URLSearchParams): Record<string, unknown> {
    // Rate limit: the permissions page says 100 requests/second (the reference says 5) → 613.
    const now = this.ctx.clock.now();
    this.permissionGets = this.permissionGets.filter((t) => t > now - 1000);
    if (this.permissionGets.length >= this.ctx.config.callPermissionsPerSecond) {
      throw new GraphError(613, 'Calls to call_permissions have exceeded the rate limit');
    }
    this.permissionGets.push(now);
    const key = query.get('user_wa_id') ?? query.get('recipient');
    if (!key) throw invalidParam('The parameter user_wa_id (or recipient) is required');
    const user = this.ctx.users.find(key);
    if (!user) {
      return {
        messaging_product: 'whatsapp',
        permission: { status: 'no_permission' },
        actions: [
          { action_name: 'send_call_permission_request', can_perform_action: false, limits: [] },
          { action_name: 'start_call', can_perform_action: false, limits: [] },
        ],
      };
    }
    return this.d.permissions.render(user);
  }

  // ------------------------------------------------------------ WABA

  private getWaba(query: URLSearchParams): Record<string, unknown> {
    const b = this.ctx.business;
    const f = (query.get('fields') ?? 'id,name').split(',').map((s) => s.trim());
    const out: Record<string, unknown> = {};
    for (const x of f) {
      if (x === 'id') out['id'] = b.wabaId;
      else if (x === 'name') out['name'] = b.wabaName;
      else if (x === 'health_status') out['health_status'] = this.healthStatus(b.wabaId)['health_status'];
      else if (x === 'currency') out['currency'] = 'USD';
      else if (x === 'timezone_id') out['timezone_id'] = '1';
      else
        throw new GraphError(100, `Tried accessing nonexisting field (${x}) on node type (WhatsAppBusinessAccount)`, {
          text: `Tried accessing nonexisting field (${x}) on node type (WhatsAppBusinessAccount)`,
        });
    }
    out['id'] = b.wabaId;
    return out;
  }

  /**
   * `GET /{waba-id}/phone_numbers`: the business's number and the seed's other numbers. Without
   * `?fields=` the four fields of Meta's example; `display_phone_number` formatted as that example
   * has it ("+1 631-555-5555"), unlike the single node's digits. Cursor paging with `limit`/`after`.
   */
  private listPhoneNumbers(query: URLSearchParams): Record<string, unknown> {
    const b = this.ctx.business;
    const wanted = this.fields(query, LIST_DEFAULT_FIELDS, LIST_FIELDS, 'WhatsAppBusinessPhoneNumber');
    const numbers: OtherPhoneNumber[] = [
      {
        id: b.phoneNumberId,
        displayPhoneNumber: b.displayPhoneNumber,
        verifiedName: b.verifiedName,
        qualityRating: b.qualityRating,
        platformType: 'CLOUD_API',
        codeVerificationStatus: 'VERIFIED',
      },
      ...b.otherNumbers,
    ];
    const limitRaw = query.get('limit');
    const limit = limitRaw === null ? 25 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1) throw invalidParam('limit must be a positive integer');
    const afterRaw = query.get('after');
    const start = afterRaw === null ? 0 : Number(Buffer.from(afterRaw, 'base64url').toString('utf8')) + 1;
    if (!Number.isInteger(start) || start < 0) throw invalidParam('Invalid cursor');
    const page = numbers.slice(start, start + limit);
    const data = page.map((n) => {
      const out: Record<string, unknown> = {};
      for (const f of wanted) out[f] = numberField(n, f, { listed: true });
      return out;
    });
    const cursor = (i: number): string => Buffer.from(String(i)).toString('base64url');
    return {
      data,
      ...(page.length
        ? {
            paging: {
              cursors: { before: cursor(start), after: cursor(start + page.length - 1) },
              ...(start + page.length < numbers.length
                ? { next: `${this.ctx.baseUrl()}/v25.0/${b.wabaId}/phone_numbers?limit=${limit}&after=${cursor(start + page.length - 1)}` }
                : {}),
            },
          }
        : {}),
    };
  }

  /** `GET /{id}` of one of the WABA's other numbers: its own fields, nothing of the business's. */
  private getOtherNumber(n: OtherPhoneNumber, query: URLSearchParams): Record<string, unknown> {
    const wanted = this.fields(query, PHONE_DEFAULT_FIELDS, LIST_FIELDS, 'WhatsAppBusinessPhoneNumber');
    const out: Record<string, unknown> = {};
    for (const f of wanted) out[f] = numberField(n, f, { listed: false });
    return out;
  }

  // ------------------------------------------------------------ the access token

  /**
   * `GET /debug_token?input_token=…`, asked with the access token itself or the app token (Meta's
   * debug_token reference: "an app access token or an app developer's user access token for the
   * app associated with the input_token"). A token it cannot read is answered with `is_valid:
   * false` and the error inside `data`, not as a Graph error.
   */
  private debugToken(query: URLSearchParams, appToken: string): Record<string, unknown> {
    const b = this.ctx.business;
    const input = query.get('input_token');
    if (!input) throw invalidParam('The parameter input_token is required');
    const nowS = this.ctx.clock.nowSeconds();
    if (input === appToken) return { data: { app_id: b.appId, type: 'APP', application: b.appName, is_valid: true } };
    if (input !== b.accessToken)
      return {
        data: { error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' }, is_valid: false, scopes: [] },
      };
    const t = this.ctx.state.token;
    const common = { app_id: b.appId, type: 'SYSTEM_USER', application: b.appName, user_id: `6${b.appId.slice(1)}` };
    if (t.expired)
      return {
        data: {
          ...common,
          data_access_expires_at: 0,
          expires_at: nowS - 3600,
          is_valid: false,
          error: { code: 190, subcode: 463, message: expiredToken(this.ctx.clock.now()).details },
          issued_at: nowS - 90_000,
          scopes: [...t.scopes],
        },
      };
    return {
      data: {
        ...common,
        data_access_expires_at: 0,
        // A system user token that never expires: 0, as Meta's token debugger shows it.
        expires_at: 0,
        is_valid: true,
        issued_at: nowS - 86_400,
        scopes: [...t.scopes],
        // One entry per WhatsApp permission, naming the WABAs it was granted for (Meta's manage-accounts page).
        granular_scopes: t.scopes.filter((s) => WHATSAPP_SCOPES.includes(s)).map((scope) => ({ scope, target_ids: [...t.wabaIds] })),
      },
    };
  }

  /** A request with the access token must have the permission its endpoint needs (Meta's permissions page), else 200. */
  private requirePermission(id: string, edge: string | undefined): void {
    const b = this.ctx.business;
    const messagingEdges = new Set(['messages', 'calls', 'call_permissions', 'media']);
    const onNumber = id === b.phoneNumberId || b.otherNumbers.some((n) => n.id === id);
    const need =
      onNumber && edge !== undefined && messagingEdges.has(edge)
        ? 'whatsapp_business_messaging'
        : onNumber || id === b.wabaId
          ? 'whatsapp_business_management'
          : null;
    if (need && !this.ctx.state.token.scopes.includes(need))
      throw new GraphError(200, `The access token does not have the ${need} permission`, { text: 'Permissions error' });
    if (need && !this.ctx.state.token.wabaIds.includes(b.wabaId))
      throw new GraphError(200, `The access token was not granted WhatsApp Business Account ${b.wabaId}`, { text: 'Permissions error' });
  }

  private listTemplates(query: URLSearchParams): Record<string, unknown> {
    const name = query.get('name');
    const data = this.d.messaging.templates
      .filter((t) => !name || t.name === name)
      .map((t) => ({
        name: t.name,
        language: t.language,
        status: t.status,
        category: t.category,
        id: t.id,
        components: structuredClone(t.components),
      }));
    return { data };
  }

  /**
   * `POST /{waba-id}/message_templates`: checks the documented rules for the calling-related
   * components and approves the template at once (Meta reviews asynchronously; we do not).
   */
  private createTemplate(body: Record<string, unknown>): Record<string, unknown> {
    const name = body['name'];
    const language = body['language'];
    const category = body['category'];
    const components = body['components'];
    if (typeof name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(name))
      throw invalidParam('name must be lowercase letters, digits and underscores');
    if (typeof language !== 'string' || language === '') throw invalidParam('The parameter language is required');
    if (category !== 'MARKETING' && category !== 'UTILITY' && category !== 'AUTHENTICATION')
      throw invalidParam('category must be MARKETING, UTILITY or AUTHENTICATION');
    if (!Array.isArray(components) || components.length === 0) throw invalidParam('The parameter components is required');
    const comps = components as Array<Record<string, unknown>>;
    const type = (c: Record<string, unknown>): string => String(c['type']).toUpperCase();
    const bodyComp = comps.find((c) => type(c) === 'BODY');
    if (!bodyComp || typeof bodyComp['text'] !== 'string' || bodyComp['text'].trim() === '')
      throw invalidParam('A non-empty BODY component is required');
    if (comps.some((c) => type(c) === 'CALL_PERMISSION_REQUEST')) {
      if (category === 'AUTHENTICATION') throw invalidParam('call_permission_request templates must be MARKETING or UTILITY');
      if (comps.some((c) => type(c) === 'BUTTONS'))
        throw invalidParam('call_permission_request cannot be combined with other interactive components');
    }
    for (const c of comps.filter((x) => type(x) === 'BUTTONS')) {
      const buttons = Array.isArray(c['buttons']) ? (c['buttons'] as Array<Record<string, unknown>>) : [];
      for (const btn of buttons) {
        if (btn['type'] === 'voice_call') {
          const ttl = btn['ttl_minutes'];
          if (ttl !== undefined && (typeof ttl !== 'number' || ttl < 1440 || ttl > 43200))
            throw invalidParam('voice_call button ttl_minutes must be between 1440 and 43200');
        }
      }
    }
    if (this.d.messaging.templates.some((t) => t.name === name && t.language === language)) {
      throw invalidParam(`Content in this language already exists for template ${name}`);
    }
    const id = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
    this.d.messaging.templates.push({ id, name, language, category, status: 'APPROVED', components: structuredClone(comps) });
    return { id, status: 'APPROVED', category };
  }

  private async subscribedApps(method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const b = this.ctx.business;
    const r = this.ctx.webhooks.routing;
    if (method === 'GET') {
      if (!r.wabaSubscribed) return { data: [] };
      return {
        data: [
          {
            whatsapp_business_api_data: { id: b.appId, link: `https://www.facebook.com/games/?app_id=${b.appId}`, name: b.appName },
            ...(r.wabaOverride ? { override_callback_uri: r.wabaOverride.url } : {}),
          },
        ],
      };
    }
    if (method === 'DELETE') {
      r.wabaSubscribed = false;
      r.wabaOverride = undefined;
      return { success: true };
    }
    if (method !== 'POST') throw unsupported(method, `${b.wabaId}/subscribed_apps`);
    const uri = body['override_callback_uri'];
    const token = body['verify_token'];
    if (uri === undefined || uri === '') {
      r.wabaOverride = undefined;
    } else {
      if (typeof uri !== 'string') throw invalidParam('override_callback_uri must be a string');
      if (typeof token !== 'string' || token === '') throw invalidParam('verify_token is required with override_callback_uri');
      const cb = { url: uri, verifyToken: token };
      await this.verifyOrThrow(cb);
      r.wabaOverride = cb;
    }
    r.wabaSubscribed = true;
    this.ctx.webhooks.retryAllNow();
    return { success: true };
  }

  private async appSubscriptions(method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const app = this.ctx.webhooks.routing.app;
    if (method === 'GET') {
      if (!app.callback) return { data: [] };
      return {
        data: [
          {
            object: 'whatsapp_business_account',
            callback_url: app.callback.url,
            active: app.active,
            fields: [...app.fields].sort().map((name) => ({ name, version: 'v25.0' })),
          },
        ],
      };
    }
    if (method === 'DELETE') {
      app.callback = undefined;
      app.fields.clear();
      app.active = false;
      return { success: true };
    }
    if (body['object'] !== 'whatsapp_business_account') throw invalidParam('object must be "whatsapp_business_account"');
    const url = body['callback_url'];
    const token = body['verify_token'];
    const fieldsRaw = body['fields'];
    if (typeof url !== 'string' || url === '') throw invalidParam('The parameter callback_url is required');
    if (typeof token !== 'string' || token === '') throw invalidParam('The parameter verify_token is required');
    const fields = Array.isArray(fieldsRaw)
      ? fieldsRaw.map(String)
      : typeof fieldsRaw === 'string'
        ? fieldsRaw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
    if (fields.length === 0) throw invalidParam('The parameter fields is required');
    const known = new Set([
      'messages',
      'calls',
      'account_settings_update',
      'account_update',
      'account_alerts',
      'message_template_status_update',
      'phone_number_quality_update',
      'business_capability_update',
      'history',
      'smb_message_echoes',
      'user_preferences',
    ]);
    for (const f of fields) if (!known.has(f)) throw invalidParam(`Invalid field "${f}" for object whatsapp_business_account`);
    const cb = { url, verifyToken: token };
    if (url.length > 1000) throw invalidParam('callback_url is too long');
    const v = await verifyCallback(cb, this.ctx.webhooks.timeoutMs);
    if (!v.ok) throw new GraphError(2200, `Callback verification failed with the following errors: ${v.details}`);
    this.ctx.webhooks.markVerified(cb);
    app.callback = cb;
    for (const f of fields) app.fields.add(f);
    app.active = true;
    this.ctx.webhooks.retryAllNow();
    return { success: true };
  }
}

const LIST_DEFAULT_FIELDS = ['verified_name', 'display_phone_number', 'id', 'quality_rating'];
const LIST_FIELDS = new Set([...PHONE_DEFAULT_FIELDS, 'name_status', 'platform_type', 'throughput', 'is_official_business_account']);
const WHATSAPP_SCOPES = ['whatsapp_business_management', 'whatsapp_business_messaging'];

/** One field of a number as a phone-number node or the WABA's list gives it. */
function numberField(n: OtherPhoneNumber, field: string, opts: { listed: boolean }): unknown {
  switch (field) {
    case 'id':
      return n.id;
    case 'display_phone_number':
      return opts.listed ? listedDisplayNumber(n.displayPhoneNumber) : n.displayPhoneNumber;
    case 'verified_name':
      return n.verifiedName;
    case 'quality_rating':
      return n.qualityRating;
    case 'code_verification_status':
      return n.codeVerificationStatus;
    case 'platform_type':
      return n.platformType;
    case 'name_status':
      return 'APPROVED';
    case 'throughput':
      return { level: 'STANDARD' };
    case 'is_official_business_account':
      return false;
    default:
      return undefined;
  }
}

/** Digits as the WABA's number list shows them: "+55 11 95555-0100", "+1 631-555-5555", else "+<digits>". */
export function listedDisplayNumber(digits: string): string {
  const br = /^55(\d{2})(\d{4,5})(\d{4})$/.exec(digits);
  if (br) return `+55 ${br[1]} ${br[2]}-${br[3]}`;
  const nanp = /^1(\d{3})(\d{3})(\d{4})$/.exec(digits);
  if (nanp) return `+1 ${nanp[1]}-${nanp[2]}-${nanp[3]}`;
  return `+${digits}`;
}

/** Graph's answer to an expired token: 190, subcode 463 (Graph's error-handling guide). */
function expiredToken(nowMs: number): GraphError {
  const at = new Date(nowMs - 3_600_000).toUTCString();
  return new GraphError(190, `Error validating access token: Session has expired on ${at}.`, {
    subcode: 463,
    text: 'Error validating access token: Session has expired',
  });
}

function ok(json: unknown): GraphResponse {
  return { status: 200, json };
}
