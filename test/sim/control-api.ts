/**
 * The control API (`/_sim/...`, JSON): what tests, the customer-phone page and people use to make
 * simulated users act, inspect what the business sent, move the clock and switch faults on.
 * Every route is documented in README.md. Errors: `{"error": "<text>"}` with 400/404/409.
 */
import type http from 'node:http';
import type { Calls, SimCall } from './calls.ts';
import { CaptureFaultError, parseScript } from './capture.ts';
import type { SimConfig, SimContext } from './context.ts';
import { metadata } from './context.ts';
import type { MediaStore } from './media.ts';
import { fakeOggOpus, fakePng } from './media.ts';
import type { Messaging } from './messages.ts';
import type { Permissions } from './permissions.ts';
import { applySettingsPatch, parseSettingsPost, renderCalling } from './settings.ts';
import { GraphError } from './graph-errors.ts';
import type { Credentials } from './simulator.ts';
import { sendJson } from './simulator.ts';
import type { SimUser } from './users.ts';
import type { EventFaultRule, EventFaults } from './webhooks.ts';
import { GraphFaultError, type GraphFaults } from './graph-faults.ts';

export interface ControlDeps {
  ctx: SimContext;
  calls: Calls;
  messaging: Messaging;
  permissions: Permissions;
  media: MediaStore;
  credentials: () => Credentials;
  graphFaults: GraphFaults;
}

class ControlError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function renderUser(u: SimUser, perms: Permissions): Record<string, unknown> {
  const p = perms.get(u);
  return {
    wa_id: u.waId ?? null,
    user_id: u.userId,
    parent_user_id: u.parentUserId ?? null,
    name: u.name,
    username: u.username ?? null,
    country: u.country,
    app_version: u.appVersion,
    platform: u.platform,
    window_open_until: u.windowUntil > 0 ? u.windowUntil : null,
    permission: {
      status: p.status,
      expires_at: p.expiresAt ?? null,
      consecutive_unanswered: p.consecutiveUnanswered,
      nudged_at: p.nudgedAt ?? null,
    },
  };
}

export function renderCall(c: SimCall): Record<string, unknown> {
  return {
    id: c.id,
    direction: c.direction,
    user_id: c.userId,
    state: c.state,
    created_at: c.createdAt,
    accepted_at: c.acceptedAt ?? null,
    ended_at: c.endedAt ?? null,
    end_status: c.endStatus ?? null,
    end_reason: c.endReason ?? null,
    error_code: c.errorCode ?? null,
    offer_sdp: c.offerSdp,
    answer_sdp: c.answerSdp ?? null,
    biz_opaque_callback_data: c.bizOpaque ?? null,
    cta_payload: c.ctaPayload ?? null,
    deeplink_payload: c.deeplinkPayload ?? null,
    media_receiving: c.mediaReceiving,
    user_timer_started_at: c.userTimerStartedAt ?? null,
    voicemail_available: c.voicemailEligible && !c.voicemailLeft,
    actions: c.actions,
    recording: c.capture.recording ?? null,
    transcription: c.capture.transcription ?? null,
    audio_source: c.capture.audio !== undefined,
    recording_media_id: c.capture.recordingMediaId ?? null,
    transcript_media_id: c.capture.transcriptMediaId ?? null,
    transcript_script: c.capture.script ?? null,
  };
}

export class ControlApi {
  private readonly d: ControlDeps;
  private readonly sse = new Set<http.ServerResponse>();

  constructor(d: ControlDeps) {
    this.d = d;
  }

  close(): void {
    for (const r of this.sse) r.end();
    this.sse.clear();
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string, raw: Buffer): Promise<void> {
    let parts = url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
    // Call ids are `wacid.` + standard base64, which may hold '/' (even '//'): an unencoded one
    // spans segments, so the id is everything between `calls/` and the action.
    const callPath = /^\/_sim\/calls\/(.+?)(?:\/(answer|pickup|decline|ring-out|hangup|media|voicemail|transcript))?$/.exec(url.pathname);
    if (callPath) parts = ['calls', decodeURIComponent(callPath[1]!), ...(callPath[2] ? [callPath[2]] : [])];
    if (method === 'OPTIONS') {
      res.writeHead(204, cors()).end();
      return;
    }
    if (parts[0] === 'events' && method === 'GET' && url.searchParams.get('poll') === null) {
      this.stream(req, res, Number(url.searchParams.get('since') ?? '0'));
      return;
    }
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      try {
        const j: unknown = JSON.parse(raw.toString('utf8'));
        if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new Error('not an object');
        body = j as Record<string, unknown>;
      } catch {
        sendJson(res, 400, { error: 'body must be a JSON object' }, cors());
        return;
      }
    }
    try {
      const out = await this.route(method, parts, url.searchParams, body);
      sendJson(res, out.status ?? 200, out.json, cors());
    } catch (err) {
      const status = err instanceof ControlError ? err.status : 400;
      const message = err instanceof GraphError ? `${err.message.split(':')[0] ?? ''}: ${err.details}` : (err as Error).message;
      sendJson(res, status, { error: message }, cors());
    }
  }

  private stream(req: http.IncomingMessage, res: http.ServerResponse, since: number): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', ...cors() });
    res.write(': sim events\n\n');
    const send = (e: { seq: number; type: string }): void => {
      res.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    };
    for (const e of this.d.ctx.events.since(since)) send(e);
    const off = this.d.ctx.events.subscribe(send);
    this.sse.add(res);
    req.on('close', () => {
      off();
      this.sse.delete(res);
    });
  }

  private user(key: string | undefined): SimUser {
    const u = key ? this.d.ctx.users.find(key) : undefined;
    if (!u) throw new ControlError(404, `no user ${key ?? ''}`);
    return u;
  }

  private call(id: string | undefined): SimCall {
    const c = id ? this.d.calls.get(id) : undefined;
    if (!c) throw new ControlError(404, `no call ${id ?? ''}`);
    return c;
  }

  private wrap<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ControlError) throw err;
      throw new ControlError(409, (err as Error).message);
    }
  }

  private async route(
    method: string,
    p: string[],
    q: URLSearchParams,
    body: Record<string, unknown>,
  ): Promise<{ status?: number; json: unknown }> {
    const { ctx, calls, messaging, permissions } = this.d;
    const [a, b, c] = p;
    // `users/:1/...` and `calls/:1/...` take an id as second segment; other routes are literal.
    const hasId = a === 'users' || a === 'calls';
    const route = `${method} ${a ?? ''}${b !== undefined ? (hasId ? '/:1' : `/${b}`) : ''}${c !== undefined ? `/${c}` : ''}`;
    if (p.length > 3) throw new ControlError(404, `no control route ${method} /_sim/${p.join('/')}`);
    switch (route) {
      case 'GET ':
      case 'GET state':
        return {
          json: {
            credentials: this.d.credentials(),
            now: ctx.clock.now(),
            settings: ctx.state.settings,
            restrictions: ctx.state.restrictions,
            customer_calls_unanswered_in_a_row: calls.pickup.unansweredInARow,
            token: ctx.state.token,
            users: ctx.users.all().map((u) => renderUser(u, permissions)),
            calls: [...calls.calls.values()].map(renderCall),
            webhooks: { routing: this.routing(), pending: ctx.webhooks.pendingCount(), faults: ctx.webhooks.getRunFaults() },
            config: ctx.config,
          },
        };
      case 'GET credentials':
        return { json: this.d.credentials() };
      case 'GET users':
        return { json: { data: ctx.users.all().map((u) => renderUser(u, permissions)) } };
      case 'POST users': {
        const u = this.wrap(() =>
          ctx.users.create({
            wa_id: str(body['wa_id']),
            user_id: str(body['user_id']),
            parent_user_id: str(body['parent_user_id']),
            name: str(body['name']),
            username: str(body['username']),
            country: str(body['country']),
            app_version: str(body['app_version']),
            platform: body['platform'] === 'ios' ? 'ios' : body['platform'] === 'android' ? 'android' : undefined,
          }),
        );
        ctx.events.emit('user.created', { userId: u.userId });
        return { status: 201, json: renderUser(u, permissions) };
      }
      case 'GET users/:1':
        return { json: renderUser(this.user(b), permissions) };
      case 'GET users/:1/inbox': {
        const u = this.user(b);
        return { json: { data: messaging.outbound.filter((m) => m.userId === u.userId) } };
      }
      case 'POST users/:1/change-number': {
        const u = this.user(b);
        const next = str(body['wa_id']);
        if (!next || !/^\d{6,15}$/.test(next.replace(/^\+/, '')))
          throw new ControlError(400, 'wa_id (the new phone number, digits) is required');
        if (ctx.users.byWaId(next.replace(/^\+/, ''))) throw new ControlError(409, `a user with wa_id ${next} already exists`);
        return { status: 201, json: { messages: messaging.userChangesNumber(u, next.replace(/^\+/, '')) } };
      }
      case 'POST users/:1/messages': {
        const u = this.user(b);
        const type = str(body['type']) ?? 'text';
        if (type === 'text') {
          const text = str(body['text']);
          if (!text) throw new ControlError(400, 'text is required');
          return { status: 201, json: { message: messaging.userSends(u, 'text', { body: text }) } };
        }
        if (type === 'image' || type === 'audio') {
          const data = str(body['data_base64']);
          const bytes = data ? Buffer.from(data, 'base64') : type === 'image' ? fakePng() : fakeOggOpus('voice note');
          const mime = str(body['mime_type']) ?? (type === 'image' ? 'image/png' : 'audio/ogg; codecs=opus');
          const caption = str(body['caption']);
          const msg = messaging.userSendsMedia(u, type, bytes, mime, { voice: body['voice'] !== false, ...(caption ? { caption } : {}) });
          return { status: 201, json: { message: msg } };
        }
        throw new ControlError(400, 'type must be text, image or audio');
      }
      case 'POST users/:1/call':
        return this.userCall(this.user(b), body, undefined);
      case 'POST users/:1/tap-call-button': {
        const u = this.user(b);
        const msgId = str(body['message_id']);
        const candidates = messaging.outbound.filter((m) => m.userId === u.userId && callButtonPayload(m.body) !== null);
        const m = msgId ? candidates.find((x) => x.id === msgId) : candidates[candidates.length - 1];
        if (!m) throw new ControlError(409, 'the business sent this user no call button');
        const payload = callButtonPayload(m.body);
        return this.userCall(u, { ...body, via: 'call_button', cta_payload: payload ?? undefined }, m.id);
      }
      case 'POST users/:1/deeplink':
        return this.userCall(
          this.user(b),
          { ...body, via: 'deeplink', deeplink_payload: str(body['biz_payload']) ?? str(body['deeplink_payload']) ?? '' },
          undefined,
        );
      case 'POST users/:1/permission': {
        const u = this.user(b);
        const response =
          body['response'] === 'reject' ? 'reject' : body['response'] === 'accept' || body['response'] === undefined ? 'accept' : null;
        if (!response) throw new ControlError(400, 'response must be accept or reject');
        const fromProfile = body['source'] === 'profile';
        const contextId = fromProfile ? undefined : (str(body['message_id']) ?? permissions.get(u).lastRequestMessageId);
        if (!fromProfile && !contextId)
          throw new ControlError(
            409,
            'the business has not requested permission from this user (use source:"profile" to grant from the business profile)',
          );
        const msg = permissions.grant(u, {
          response,
          permanent: body['permanent'] === true || (fromProfile && body['permanent'] !== false),
          source: 'user_action',
          contextId,
        });
        return { status: 201, json: { message: msg, permission: renderUser(u, permissions)['permission'] } };
      }
      case 'GET calls':
        return { json: { data: [...calls.calls.values()].map(renderCall) } };
      case 'GET calls/:1':
        return { json: renderCall(this.call(b)) };
      case 'GET calls/:1/answer': {
        // Poll endpoint for phones: UIC → the business's SDP answer (pre_accept/accept); BIC → offer.
        const call = this.call(b);
        return {
          json: {
            id: call.id,
            state: call.state,
            direction: call.direction,
            sdp: call.direction === 'USER_INITIATED' ? (call.answerSdp ?? null) : call.offerSdp,
            sdp_type: call.direction === 'USER_INITIATED' ? 'answer' : 'offer',
          },
        };
      }
      case 'POST calls/:1/answer': {
        const call = this.call(b);
        this.wrap(() => calls.userAnswerSdp(call.id, str(body['sdp'])));
        if (body['pickup'] === true) this.wrap(() => calls.userPickup(call.id));
        return { json: renderCall(call) };
      }
      case 'POST calls/:1/pickup':
        return { json: renderCall(this.wrap(() => calls.userPickup(this.call(b).id))) };
      case 'POST calls/:1/decline':
        return { json: renderCall(this.wrap(() => calls.userDecline(this.call(b).id))) };
      case 'POST calls/:1/ring-out':
        return { json: renderCall(this.wrap(() => calls.ringOut(this.call(b).id))) };
      case 'POST calls/:1/hangup':
        return { json: renderCall(this.wrap(() => calls.userHangup(this.call(b).id))) };
      case 'POST calls/:1/media': {
        if (typeof body['receiving'] !== 'boolean') throw new ControlError(400, 'receiving (boolean) is required');
        const receiving = body['receiving'];
        return { json: renderCall(this.wrap(() => calls.reportMedia(this.call(b).id, receiving))) };
      }
      case 'POST calls/:1/transcript': {
        // The words of the call's transcript: {lines: [{speaker: 'business'|'user', text}], language?}.
        const call = this.call(b);
        let script: ReturnType<typeof parseScript>;
        try {
          script = parseScript(body);
        } catch (err) {
          throw new ControlError(400, (err as Error).message);
        }
        calls.setTranscriptScript(call.id, script.lines, script.language);
        return { json: renderCall(call) };
      }
      case 'GET capture-faults':
        return { json: { rules: calls.capture.faults.list() } };
      case 'PUT capture-faults':
      case 'POST capture-faults': {
        try {
          calls.capture.faults.add(body);
        } catch (err) {
          if (err instanceof CaptureFaultError) throw new ControlError(400, err.message);
          throw err;
        }
        return { json: { rules: calls.capture.faults.list() } };
      }
      case 'DELETE capture-faults':
        calls.capture.faults.clear();
        return { json: { rules: [] } };
      case 'POST calls/:1/voicemail':
        return { status: 201, json: { message: this.wrap(() => calls.leaveVoicemail(this.call(b).id)) } };
      case 'GET sent': {
        const kind = q.get('kind');
        return { json: { data: ctx.sent.filter((s) => !kind || s.kind === kind) } };
      }
      case 'GET messages':
        return { json: { outbound: messaging.outbound, inbound: messaging.inbound } };
      case 'GET webhooks':
        return {
          json: {
            routing: this.routing(),
            pending: ctx.webhooks.pendingCount(),
            posts: ctx.webhooks.posts.map((x) => ({ ...x, body: JSON.parse(x.body) as unknown })),
            attempts: ctx.webhooks.log,
          },
        };
      case 'GET clock':
        return { json: { now: ctx.clock.now(), offset_ms: ctx.clock.offset, pending: ctx.clock.pending() } };
      case 'POST clock/advance': {
        const ms = typeof body['ms'] === 'number' ? body['ms'] : typeof body['seconds'] === 'number' ? body['seconds'] * 1000 : NaN;
        if (!Number.isFinite(ms) || ms < 0) throw new ControlError(400, 'ms or seconds (non-negative number) is required');
        ctx.clock.advance(ms);
        return { json: { now: ctx.clock.now(), offset_ms: ctx.clock.offset } };
      }
      case 'GET faults':
        return { json: { run: ctx.webhooks.getRunFaults(), rules: ctx.webhooks.getRules() } };
      case 'PUT faults':
      case 'POST faults': {
        if (body['run'] !== undefined) ctx.webhooks.setRunFaults(parseFaults(body['run']));
        if (body['next'] !== undefined) {
          if (!Array.isArray(body['next'])) throw new ControlError(400, 'next must be an array of rules');
          ctx.webhooks.addRules(body['next'].map(parseRule));
        }
        return { json: { run: ctx.webhooks.getRunFaults(), rules: ctx.webhooks.getRules() } };
      }
      case 'DELETE faults':
        ctx.webhooks.clearFaults();
        return { json: { run: {}, rules: [] } };
      case 'GET graph-faults':
        return { json: { rules: this.d.graphFaults.list(), requests: this.d.graphFaults.requests.slice(-500) } };
      case 'PUT graph-faults':
      case 'POST graph-faults': {
        try {
          this.d.graphFaults.add(body);
        } catch (err) {
          if (err instanceof GraphFaultError) throw new ControlError(400, err.message);
          throw err;
        }
        return { json: { rules: this.d.graphFaults.list() } };
      }
      case 'DELETE graph-faults':
        this.d.graphFaults.clear();
        return { json: { rules: [] } };
      case 'PUT health': {
        const pn = (body['phone_number'] ?? {}) as Record<string, unknown>;
        const can = str(pn['can_send_message']) ?? 'AVAILABLE';
        if (can !== 'AVAILABLE' && can !== 'LIMITED' && can !== 'BLOCKED')
          throw new ControlError(400, 'can_send_message must be AVAILABLE, LIMITED or BLOCKED');
        const info = Array.isArray(pn['additional_info']) ? pn['additional_info'].map(String) : [];
        ctx.state.phoneHealth = { canSendMessage: can, additionalInfo: info };
        return { json: { phone_number: { can_send_message: can, additional_info: info } } };
      }
      case 'PUT token': {
        // The access token as debug_token describes it: its permissions, and whether it expired.
        const t = ctx.state.token;
        if (body['scopes'] !== undefined) {
          if (!Array.isArray(body['scopes']) || !body['scopes'].every((x) => typeof x === 'string'))
            throw new ControlError(400, 'scopes must be an array of strings');
          t.scopes = [...(body['scopes'] as string[])];
        }
        if (body['wabaIds'] !== undefined) {
          if (!Array.isArray(body['wabaIds']) || !body['wabaIds'].every((x) => typeof x === 'string'))
            throw new ControlError(400, 'wabaIds must be an array of strings');
          t.wabaIds = [...(body['wabaIds'] as string[])];
        }
        if (body['expired'] !== undefined) {
          if (typeof body['expired'] !== 'boolean') throw new ControlError(400, 'expired must be true or false');
          t.expired = body['expired'];
        }
        return { json: { token: { scopes: t.scopes, expired: t.expired, wabaIds: t.wabaIds } } };
      }
      case 'PUT restrictions': {
        const list = body['restrictions'];
        if (!Array.isArray(list)) throw new ControlError(400, 'restrictions must be an array');
        const parsed = list.map((r: unknown) => {
          const o = (r ?? {}) as Record<string, unknown>;
          const type = str(o['type']);
          if (!type) throw new ControlError(400, 'each restriction needs a type');
          return {
            type,
            reason:
              str(o['reason']) ??
              'Calling capability has been temporarily disabled for this phone number due to high negative feedback from users.',
            // `expiration: null`: one WhatsApp lifts only when asked (as the hidden call button of a low pickup rate).
            ...(o['expiration'] === null
              ? {}
              : { expiration: typeof o['expiration'] === 'number' ? o['expiration'] : ctx.clock.nowSeconds() + 7 * 24 * 3600 }),
          };
        });
        ctx.state.restrictions = parsed;
        if (parsed.length > 0 && body['notify'] !== false) {
          ctx.webhooks.emit('account_update', {
            phone_number: ctx.business.displayPhoneNumber,
            event: 'ACCOUNT_RESTRICTION',
            restriction_info: parsed.map((r) => ({
              restriction_type: r.type,
              ...(r.expiration !== undefined ? { expiration: r.expiration } : {}),
            })),
          });
        }
        return { json: { restrictions: parsed } };
      }
      case 'PUT config':
      case 'PATCH config': {
        const allowed: Array<keyof SimConfig> = [
          'acceptWindowMs',
          'bicRingTimeoutMs',
          'enforceMedia',
          'mediaStartTimeoutMs',
          'mediaMidCallTimeoutMs',
          'messageStatuses',
          'sdpLineEndings',
          'bicUnavailableCountries',
          'mediaUrlTtlMs',
          'customerServiceWindowMs',
          'temporaryPermissionMs',
          'callPermissionsPerSecond',
          'maxConcurrentCalls',
          'maxConnectsPerDay',
          'paymentMethod',
          'acceptedStatus',
          'lowPickup',
          'recordingReadyAfterMs',
          'transcriptReadyAfterMs',
        ];
        for (const [k, v] of Object.entries(body)) {
          if (k === 'windowEnforcement') {
            if (v !== 'sync' && v !== 'webhook') throw new ControlError(400, 'windowEnforcement must be sync or webhook');
            messaging.windowEnforcement = v;
            continue;
          }
          if (!(allowed as string[]).includes(k)) throw new ControlError(400, `unknown config key ${k}`);
          if (k === 'acceptedStatus' && v !== 'prompt' && v !== 'late' && v !== 'missing')
            throw new ControlError(400, 'acceptedStatus must be prompt, late or missing');
          if (k === 'lowPickup') {
            const o = v as { warnAfter?: unknown; restrictAfter?: unknown } | null;
            const count = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x > 0;
            if (o !== null && (typeof o !== 'object' || !count(o.warnAfter) || !count(o.restrictAfter)))
              throw new ControlError(400, 'lowPickup must be null or {warnAfter, restrictAfter} (whole numbers above 0)');
            ctx.config.lowPickup = o === null ? null : { warnAfter: Number(o.warnAfter), restrictAfter: Number(o.restrictAfter) };
            continue;
          }
          const cur = (ctx.config as unknown as Record<string, unknown>)[k];
          if (typeof cur !== typeof v || (Array.isArray(cur) && !Array.isArray(v)))
            throw new ControlError(400, `config ${k} has the wrong type`);
          (ctx.config as unknown as Record<string, unknown>)[k] =
            typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...(cur as object), ...v } : v;
        }
        return { json: { config: ctx.config, windowEnforcement: messaging.windowEnforcement } };
      }
      case 'POST settings': {
        // Control-side settings change: same validation as Graph, but no webhook and no
        // enable-calling prerequisites (e.g. to start a scenario from a given state).
        const patch = parseSettingsPost(body, ctx.clock.now());
        ctx.state.settings = applySettingsPatch(ctx.state.settings, patch, {
          appId: ctx.business.appId,
          randomPassword: () => 'sim-sip-password',
        });
        return { json: { calling: renderCalling(ctx.state.settings) } };
      }
      case 'POST users/:1/request-callback': {
        // Outside call hours with callback permission enabled the user may ask for a callback:
        // an automatic temporary permission naming the refused call (calls.ts requestCallback).
        const r = calls.requestCallback(this.user(b), str(body['call_id']));
        if (!r.ok) throw new ControlError(409, r.details);
        return { status: 201, json: { message: r.message, call_id: r.callId } };
      }
      case 'POST account-update': {
        const value = { phone_number: ctx.business.displayPhoneNumber, ...body };
        ctx.webhooks.emit('account_update', value);
        return { status: 201, json: { value } };
      }
      case 'GET events':
        return { json: { data: ctx.events.since(Number(q.get('since') ?? '0')) } };
      case 'GET metadata':
        return { json: metadata(ctx) };
    }
    throw new ControlError(404, `no control route ${method} /_sim/${p.join('/')}`);
  }

  private userCall(u: SimUser, body: Record<string, unknown>, viaMessage: string | undefined): { status: number; json: unknown } {
    const via = str(body['via']);
    const allowed = ['call_icon', 'call_button', 'deeplink', 'contact', 'call_log'] as const;
    const v = allowed.find((x) => x === via);
    if (via !== undefined && !v) throw new ControlError(400, `via must be one of ${allowed.join(', ')}`);
    const r = this.d.calls.userCalls(u, {
      sdp: str(body['sdp']),
      via: v,
      ctaPayload: str(body['cta_payload']),
      deeplinkPayload: str(body['deeplink_payload']),
    });
    if (!r.ok || !r.call) {
      // `request_callback: true`: the user also taps "Request a callback" on the closed screen.
      const callback =
        body['request_callback'] === true && r.callbackRequestAvailable && r.attemptId
          ? this.d.calls.requestCallback(u, r.attemptId)
          : null;
      return {
        status: 409,
        json: {
          refused: true,
          reason: r.reason,
          details: r.details,
          callback_request_available: r.callbackRequestAvailable ?? false,
          ...(r.attemptId ? { call_id: r.attemptId } : {}),
          ...(callback?.ok ? { callback_requested: true, message: callback.message } : {}),
        },
      };
    }
    return { status: 201, json: { ...renderCall(r.call), via_message: viaMessage ?? null } };
  }

  private routing(): Record<string, unknown> {
    const r = this.d.ctx.webhooks.routing;
    return {
      app: { callback: r.app.callback?.url ?? null, fields: [...r.app.fields], active: r.app.active },
      waba_subscribed: r.wabaSubscribed,
      waba_override: r.wabaOverride?.url ?? null,
      phone_override: r.phoneOverride?.url ?? null,
    };
  }
}

function cors(): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type',
  };
}

/** The payload of a voice_call button in a message the business sent, or null if none. */
function callButtonPayload(body: Record<string, unknown>): string | null {
  const it = body['interactive'] as Record<string, unknown> | undefined;
  if (it?.['type'] === 'voice_call') {
    const params = (it['action'] as Record<string, unknown> | undefined)?.['parameters'] as Record<string, unknown> | undefined;
    return typeof params?.['payload'] === 'string' ? params['payload'] : '';
  }
  const t = body['template'] as Record<string, unknown> | undefined;
  const comps = Array.isArray(t?.['components']) ? (t['components'] as Array<Record<string, unknown>>) : [];
  for (const comp of comps) {
    if (comp['sub_type'] === 'voice_call') {
      const params = Array.isArray(comp['parameters']) ? (comp['parameters'] as Array<Record<string, unknown>>) : [];
      const p = params.find((x) => x['type'] === 'payload');
      return typeof p?.['payload'] === 'string' ? p['payload'] : '';
    }
  }
  return null;
}

function parseFaults(v: unknown): EventFaults {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ControlError(400, 'faults must be an object');
  const o = v as Record<string, unknown>;
  const out: EventFaults = {};
  for (const [k, val] of Object.entries(o)) {
    switch (k) {
      case 'duplicate':
      case 'reorder':
      case 'omitPhoneNumbers':
      case 'emptyPhoneNumbers':
      case 'noDirection':
      case 'businessInTo':
      case 'terminateStatusAsArray':
        if (typeof val !== 'boolean') throw new ControlError(400, `${k} must be a boolean`);
        out[k] = val;
        break;
      case 'asPhoneNumber': {
        const o2 = val as Record<string, unknown> | null;
        if (
          typeof o2 !== 'object' ||
          o2 === null ||
          typeof o2['phone_number_id'] !== 'string' ||
          typeof o2['display_phone_number'] !== 'string'
        ) {
          throw new ControlError(400, 'asPhoneNumber must be {phone_number_id, display_phone_number} (strings)');
        }
        out.asPhoneNumber = { phone_number_id: o2['phone_number_id'], display_phone_number: o2['display_phone_number'] };
        break;
      }
      case 'delayMs':
      case 'batch':
        if (typeof val !== 'number' || val < 0) throw new ControlError(400, `${k} must be a non-negative number`);
        out[k] = val;
        break;
      default:
        throw new ControlError(400, `unknown fault ${k}`);
    }
  }
  return out;
}

function parseRule(v: unknown): EventFaultRule {
  if (typeof v !== 'object' || v === null) throw new ControlError(400, 'a rule must be an object');
  const o = v as Record<string, unknown>;
  const m = (o['match'] ?? {}) as Record<string, unknown>;
  const match: NonNullable<EventFaultRule['match']> = {};
  if (typeof m['field'] === 'string') match.field = m['field'];
  if (typeof m['event'] === 'string') match.event = m['event'];
  if (typeof m['status'] === 'string') match.status = m['status'];
  return { match, faults: parseFaults(o['faults'] ?? {}), count: typeof o['count'] === 'number' ? o['count'] : 1 };
}
