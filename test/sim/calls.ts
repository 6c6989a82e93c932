/**
 * Calls: `POST /{phone-number-id}/calls` and the simulated users' side of every call
 * (calling-api.md §2, §3.2, §3.5, §5, §6.5).
 *
 * State machine (state → event → next state; anything else is refused with Graph error 100):
 *
 *   User-initiated (UIC), created by a user calling (connect webhook with the offer):
 *     ringing       --pre_accept(answer)-->        pre_accepted
 *     ringing|pre_accepted --accept(answer)-->     accepted     (answer must equal the pre_accept one)
 *     ringing|pre_accepted --reject-->             ended FAILED (voicemail if trigger REJECT)
 *     ringing|pre_accepted --accept window-->      ended FAILED "not answered" (voicemail if TIMEOUT)
 *     ringing|pre_accepted --user hangs up-->      ended FAILED
 *     accepted      --terminate | user hangs up--> ended COMPLETED
 *     accepted      --no media 20 s / 30 s-->      ended FAILED + error 138021
 *
 *   Business-initiated (BIC), created by action connect (offer):
 *     calling       --phone gives its SDP answer--> ringing   (connect webhook with answer + RINGING)
 *     calling|ringing --user picks up-->           accepted  (ACCEPTED; answer generated if none yet)
 *     calling|ringing --user declines-->           ended FAILED (REJECTED status, then terminate)
 *     calling|ringing --ring timeout-->            ended FAILED (unanswered)
 *     calling|ringing --terminate (business)-->    ended FAILED
 *     accepted      --terminate | user hangs up--> ended COMPLETED
 *     accepted      --no media-->                  ended FAILED + 138021
 *
 * Every end sends one terminate webhook. Unanswered/rejected BIC feed the permission
 * auto-revocation counter; connected calls reset the permission-request limits.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { CallAudioSource } from './call-audio.ts';
import { findCallAudio } from './call-audio.ts';
import type { CallCaptureState, CaptureOption, ScriptLine } from './capture.ts';
import { CallCapture, newCaptureState, parseCaptureOption } from './capture.ts';
import type { ScheduledTask } from './clock.ts';
import type { SimContext } from './context.ts';
import { hasRestriction, metadata, openWindow } from './context.ts';
import { GraphError, WEBHOOK_ERRORS, invalidParam } from './graph-errors.ts';
import type { MediaStore } from './media.ts';
import { fakeOggOpus } from './media.ts';
import type { Messaging } from './messages.ts';
import type { Permissions } from './permissions.ts';
import { PickupWatch } from './pickup.ts';
import { metaLikeAnswer, metaLikeOffer, validateSdp } from './sdp.ts';
import { isOpenAt } from './settings.ts';
import type { SimUser } from './users.ts';
import { contactOf } from './users.ts';
import { zodDetails } from './zod-details.ts';

export type CallDirection = 'USER_INITIATED' | 'BUSINESS_INITIATED';
export type CallState = 'calling' | 'ringing' | 'pre_accepted' | 'accepted' | 'ended';
export type CallEntry = 'call_icon' | 'call_button' | 'deeplink' | 'contact' | 'call_log';

export interface SimCall {
  id: string;
  direction: CallDirection;
  userId: string;
  state: CallState;
  createdAt: number;
  acceptedAt: number | undefined;
  endedAt: number | undefined;
  offerSdp: string;
  answerSdp: string | undefined;
  preAcceptSdp: string | undefined;
  bizOpaque: string | undefined;
  ctaPayload: string | undefined;
  deeplinkPayload: string | undefined;
  endStatus: 'COMPLETED' | 'FAILED' | undefined;
  endReason: string | undefined;
  errorCode: number | undefined;
  mediaReceiving: boolean | null;
  /** When the user's phone started its call timer (accept, or first media after pre_accept). */
  userTimerStartedAt: number | undefined;
  voicemailEligible: boolean;
  voicemailLeft: boolean;
  actions: Array<{ action: string; at: number }>;
  /** Recording / transcription asked for on connect or accept, the call's audio and the assets made (capture.ts). */
  capture: CallCaptureState;
}

export interface UserCallResult {
  ok: boolean;
  reason?: string;
  details?: string;
  callbackRequestAvailable?: boolean;
  /** A refused attempt's call id (outside call hours): what a callback request's permission names in `context.id`. */
  attemptId?: string;
  call?: SimCall;
}

export type CallbackRequestResult =
  | { ok: true; callId: string; message: Record<string, unknown> | null }
  | { ok: false; reason: 'callback_disabled' | 'unknown_attempt'; details: string };

const sessionSchema = z.strictObject({ sdp_type: z.string(), sdp: z.string() });
const callsBody = z.object({
  messaging_product: z.literal('whatsapp', { message: 'messaging_product must be "whatsapp"' }),
  action: z.enum(['connect', 'pre_accept', 'accept', 'reject', 'terminate'], {
    message: 'action must be one of connect, pre_accept, accept, reject, terminate',
  }),
  call_id: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  recipient: z.string().min(1).optional(),
  session: sessionSchema.optional(),
  biz_opaque_callback_data: z.string().max(512, 'biz_opaque_callback_data must be at most 512 characters').optional(),
  // Checked by capture.ts (parseCaptureOption), which names the field in error_data.details.
  recording: z.unknown().optional(),
  transcription: z.unknown().optional(),
  type: z.string().optional(),
});

export function wacid(): string {
  // Real call ids are `wacid.` + standard base64 (with '+', '/' and '=' padding), e.g.
  // wacid.HBgLMTIxMTU1NTc5NDcVAgARGCAyODRQODNCQzYwRjVDNzM3RkU1MTUzNTlGQkY5NkYyMBwYCzEyMTU1NTUxMjM0FQIAAA==
  let b64 = randomBytes(31).toString('base64');
  if (!/[+/]/.test(b64)) b64 = `${b64.slice(0, 7)}+${b64.slice(8, 20)}/${b64.slice(21)}`;
  return `wacid.${b64}`;
}

export class Calls {
  readonly calls = new Map<string, SimCall>();
  private readonly timers = new Map<string, Map<string, ScheduledTask>>();
  private readonly ctx: SimContext;
  private readonly permissions: Permissions;
  private readonly messaging: Messaging;
  private readonly media: MediaStore;

  constructor(ctx: SimContext, permissions: Permissions, messaging: Messaging, media: MediaStore) {
    this.ctx = ctx;
    this.permissions = permissions;
    this.messaging = messaging;
    this.media = media;
    this.pickup = new PickupWatch(ctx);
    this.capture = new CallCapture(ctx, media);
  }

  /** Call recording and transcription: the assets, their webhooks and download faults (capture.ts). */
  readonly capture: CallCapture;

  /** In process: the audio source of a call's recording (instead of, or before, the one found from its phone's SDP). */
  attachAudio(callId: string, source: CallAudioSource): void {
    const call = this.requireCall(callId);
    call.capture.audio = source;
    call.capture.audioAttached = true;
  }

  /** The lines the call's transcript will carry (else a default greeting from each side); `language` is ISO 639. */
  setTranscriptScript(callId: string, lines: ScriptLine[], language?: string): void {
    const call = this.requireCall(callId);
    call.capture.script = { lines: lines.map((l) => ({ ...l })), language };
  }

  /** Customers' calls nobody picked up, in a row (low pickup rate enforcement, pickup.ts). */
  readonly pickup: PickupWatch;

  private connectTimes: number[] = [];

  ongoingCount(): number {
    let n = 0;
    for (const c of this.calls.values()) if (c.state !== 'ended') n++;
    return n;
  }

  get(id: string): SimCall | undefined {
    return this.calls.get(id);
  }

  private user(call: SimCall): SimUser {
    const u = this.ctx.users.byUserId(call.userId);
    if (!u) throw new Error(`user ${call.userId} vanished`);
    return u;
  }

  ongoingWith(userId: string): SimCall | undefined {
    return [...this.calls.values()].find((c) => c.userId === userId && c.state !== 'ended');
  }

  // ---------------------------------------------------------------- Graph API

  handlePost(body: unknown): Record<string, unknown> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidParam('Request body must be a JSON object');
    const raw = { ...(body as Record<string, unknown>) };
    // Legacy `connection.webrtc.sdp` (a JSON string {sdp, type}); FAQ: do not use, still accepted.
    if (raw['session'] === undefined && raw['connection'] !== undefined) {
      const webrtc = (raw['connection'] as Record<string, unknown> | null)?.['webrtc'] as Record<string, unknown> | undefined;
      const s = webrtc?.['sdp'];
      if (typeof s !== 'string') throw invalidParam('connection.webrtc.sdp must be a string');
      let inner: unknown;
      try {
        inner = JSON.parse(s);
      } catch {
        throw invalidParam('connection.webrtc.sdp must be a JSON string {"sdp","type"}');
      }
      const i = inner as Record<string, unknown> | null;
      raw['session'] = { sdp_type: i?.['type'], sdp: i?.['sdp'] };
      delete raw['connection'];
    }
    // `action` omitted with a session → connect (Meta's own "New call" sample; UNCONFIRMED).
    if (raw['action'] === undefined && raw['session'] !== undefined) raw['action'] = 'connect';
    if (raw['action'] === undefined) throw invalidParam('The parameter action is required');
    const parsed = callsBody.safeParse(raw);
    if (!parsed.success) throw invalidParam(zodDetails(parsed.error));
    const b = parsed.data;
    // recording / transcription (Meta: on connect or accept only; pre_accept is refused, the strict reading).
    const capture: { recording?: CaptureOption; transcription?: CaptureOption } = {};
    for (const field of ['recording', 'transcription'] as const) {
      if (b[field] === undefined) continue;
      if (b.action !== 'connect' && b.action !== 'accept')
        throw invalidParam(`Param ${field} is not supported with action ${b.action}; send it with connect or accept`);
      capture[field] = parseCaptureOption(field, b[field]);
    }
    const s = this.ctx.state.settings;
    if (s.sip.status === 'ENABLED') throw new GraphError(131055, 'Calling API is not available when SIP is enabled for this phone number');
    if (s.status !== 'ENABLED') throw new GraphError(138000, 'Calling is not enabled for this phone number');
    if (b.action === 'connect') return this.connect(b, capture);
    if (!b.call_id) throw invalidParam(`The parameter call_id is required for action ${b.action}`);
    const call = this.calls.get(b.call_id);
    // Unknown or ended call id → 100 (our guess; Meta's exact answer is undocumented).
    if (!call) throw invalidParam(`Invalid call_id ${b.call_id}: no such call`);
    if (call.state === 'ended') throw invalidParam(`Invalid call_id ${b.call_id}: the call has already ended`);
    call.actions.push({ action: b.action, at: this.ctx.clock.now() });
    const ok = { messaging_product: 'whatsapp', success: true };
    switch (b.action) {
      case 'pre_accept':
      case 'accept': {
        if (call.direction !== 'USER_INITIATED') throw invalidParam(`Action ${b.action} only applies to user-initiated calls`);
        if (call.state !== 'ringing' && call.state !== 'pre_accepted')
          throw invalidParam(`Cannot ${b.action} a call in state ${call.state}`);
        if (!b.session) throw invalidParam(`The parameter session is required for action ${b.action}`);
        if (b.session.sdp_type !== 'answer') throw invalidParam(`session.sdp_type must be "answer" for action ${b.action}`);
        const check = validateSdp(b.session.sdp, 'answer', { lineEndings: this.ctx.config.sdpLineEndings });
        if (!check.ok) throw new GraphError(check.code, check.details);
        if (b.action === 'pre_accept') {
          if (call.preAcceptSdp !== undefined && call.preAcceptSdp !== b.session.sdp) {
            throw invalidParam('The SDP answer differs from the one already sent with pre_accept');
          }
          call.preAcceptSdp = b.session.sdp;
          call.answerSdp = b.session.sdp;
          call.state = 'pre_accepted';
          this.ctx.events.emit('call.pre_accepted', { callId: call.id, userId: call.userId, sdp: b.session.sdp });
          return ok;
        }
        if (call.preAcceptSdp !== undefined && call.preAcceptSdp !== b.session.sdp) {
          throw invalidParam('The SDP answer for accept must be identical to the one sent with pre_accept');
        }
        if (b.biz_opaque_callback_data !== undefined) call.bizOpaque = b.biz_opaque_callback_data;
        call.capture.recording = capture.recording;
        call.capture.transcription = capture.transcription;
        call.answerSdp = b.session.sdp;
        this.markAccepted(call);
        this.ctx.events.emit('call.accepted', { callId: call.id, userId: call.userId, sdp: b.session.sdp });
        return ok;
      }
      case 'reject': {
        if (call.direction !== 'USER_INITIATED') throw invalidParam('Action reject only applies to user-initiated calls; use terminate');
        if (call.state === 'accepted') throw invalidParam('Cannot reject a call that was already accepted; use terminate');
        this.end(call, { status: 'FAILED', reason: 'rejected_by_business', voicemailTrigger: 'REJECT' });
        return ok;
      }
      case 'terminate': {
        if (call.state === 'accepted') this.end(call, { status: 'COMPLETED', reason: 'terminated_by_business' });
        else this.end(call, { status: 'FAILED', reason: 'terminated_by_business' });
        return ok;
      }
    }
    throw invalidParam('Unsupported action');
  }

  private connect(
    b: z.infer<typeof callsBody>,
    capture: { recording?: CaptureOption; transcription?: CaptureOption },
  ): Record<string, unknown> {
    if (!b.to && !b.recipient) throw invalidParam('The parameter to (or recipient) is required for action connect');
    if (!b.session) throw invalidParam('The parameter session is required for action connect');
    // Meta's own "New call" sample sends sdp_type "answer" on connect; we accept both here.
    if (b.session.sdp_type !== 'offer' && b.session.sdp_type !== 'answer')
      throw invalidParam('session.sdp_type must be "offer" for action connect');
    const check = validateSdp(b.session.sdp, 'offer', { lineEndings: this.ctx.config.sdpLineEndings });
    if (!check.ok) throw new GraphError(check.code, check.details);
    if (this.ctx.config.bicUnavailableCountries.includes(this.ctx.business.country)) {
      throw new GraphError(
        138013,
        `Business initiated calling is not available for business phone numbers from ${this.ctx.business.country}`,
      );
    }
    if (hasRestriction(this.ctx, 'RESTRICTED_BUSINESS_INITIATED_CALLING')) {
      throw new GraphError(138014, 'Business initiated calling is temporarily disabled for this phone number');
    }
    const user = b.to ? this.ctx.users.find(b.to) : this.ctx.users.byUserId(b.recipient ?? '');
    if (b.to && !/^\d{6,15}$/.test(b.to) && !/^\+\d{6,15}$/.test(b.to))
      throw invalidParam('to must be the callee phone number, digits only');
    if (!user) throw new GraphError(138001, 'Receiver is uncallable: not a WhatsApp user');
    if (this.ongoingWith(user.userId)) throw new GraphError(138003, 'A call with this user is already ongoing');
    this.permissions.checkStartCall(user);
    if (this.ongoingCount() >= this.ctx.config.maxConcurrentCalls) {
      throw new GraphError(138002, `Concurrent calls limit of ${this.ctx.config.maxConcurrentCalls} reached for this phone number`);
    }
    const now = this.ctx.clock.now();
    this.connectTimes = this.connectTimes.filter((t) => t > now - 24 * 3600_000);
    if (this.connectTimes.length >= this.ctx.config.maxConnectsPerDay) {
      throw new GraphError(
        138005,
        `Call rate limit of ${this.ctx.config.maxConnectsPerDay} calls per 24 hours exceeded for this phone number`,
      );
    }
    this.connectTimes.push(now);
    const call = this.newCall('BUSINESS_INITIATED', user, b.session.sdp);
    call.state = 'calling';
    call.bizOpaque = b.biz_opaque_callback_data;
    call.capture.recording = capture.recording;
    call.capture.transcription = capture.transcription;
    call.actions.push({ action: 'connect', at: call.createdAt });
    this.timer(call, 'ring', this.ctx.config.bicRingTimeoutMs, () => this.ringOut(call.id));
    this.ctx.events.emit('call.incoming', {
      callId: call.id,
      userId: user.userId,
      waId: user.waId ?? null,
      sdp: b.session.sdp,
      direction: 'BUSINESS_INITIATED',
    });
    return { messaging_product: 'whatsapp', calls: [{ id: call.id }] };
  }

  private newCall(direction: CallDirection, user: SimUser, offer: string): SimCall {
    const call: SimCall = {
      id: wacid(),
      direction,
      userId: user.userId,
      state: 'ringing',
      createdAt: this.ctx.clock.now(),
      acceptedAt: undefined,
      endedAt: undefined,
      offerSdp: offer,
      answerSdp: undefined,
      preAcceptSdp: undefined,
      bizOpaque: undefined,
      ctaPayload: undefined,
      deeplinkPayload: undefined,
      endStatus: undefined,
      endReason: undefined,
      errorCode: undefined,
      mediaReceiving: null,
      userTimerStartedAt: undefined,
      voicemailEligible: false,
      voicemailLeft: false,
      actions: [],
      capture: newCaptureState(),
    };
    // A user's call: the offer is their phone's; a phone in this process recorded its audio (call-audio.ts).
    if (direction === 'USER_INITIATED') call.capture.audio = findCallAudio(offer);
    this.calls.set(call.id, call);
    return call;
  }

  // ---------------------------------------------------------------- users' side

  /** A user calls the business. Refusals are returned (no webhook), as on a real phone. */
  userCalls(
    user: SimUser,
    opts: { sdp?: string | undefined; via?: CallEntry | undefined; ctaPayload?: string | undefined; deeplinkPayload?: string | undefined },
  ): UserCallResult {
    const s = this.ctx.state.settings;
    const via = opts.via ?? (opts.ctaPayload !== undefined ? 'call_button' : opts.deeplinkPayload !== undefined ? 'deeplink' : 'call_icon');
    if (s.status !== 'ENABLED') return { ok: false, reason: 'calling_disabled', details: 'Calling is disabled for this business number' };
    if (s.sip.status === 'ENABLED') return { ok: false, reason: 'sip_enabled', details: 'Calls go to the SIP server (not simulated)' };
    if (hasRestriction(this.ctx, 'RESTRICTED_USER_INITIATED_CALLING')) {
      return { ok: false, reason: 'restricted', details: 'User-initiated calling is temporarily restricted for this number' };
    }
    if (!isOpenAt(s, this.ctx.clock.now())) {
      // The call is not placed (no webhook), but it has an id: a callback request names it.
      const attemptId = wacid();
      this.closedAttempts.set(user.userId, attemptId);
      return {
        ok: false,
        reason: 'outside_call_hours',
        details: 'The business is closed now (call hours)',
        callbackRequestAvailable: s.callback_permission_status === 'ENABLED',
        attemptId,
      };
    }
    if (via === 'call_icon') {
      if (s.call_icon_visibility !== 'DEFAULT')
        return { ok: false, reason: 'call_icon_hidden', details: `call_icon_visibility is ${s.call_icon_visibility}` };
      if (hasRestriction(this.ctx, 'RESTRICTED_USER_INITIATED_CALLING_CALL_BUTTON_HIDDEN')) {
        return { ok: false, reason: 'call_icon_hidden', details: 'The call button is hidden (low pickup rate restriction)' };
      }
      const countries = s.call_icons?.restrict_to_user_countries ?? [];
      if (countries.length > 0 && !countries.includes(user.country)) {
        return { ok: false, reason: 'country_restricted', details: `The call icon is shown only to users from ${countries.join(', ')}` };
      }
    }
    if (!this.ctx.config.paymentMethod) {
      // calling-api.md §2.2: 131044 is "sent as error webhook on UIC" — a `calls` change with only
      // `errors` (no call item), and the customer's call does not go through.
      const error = {
        code: 131044,
        title: 'Business eligibility payment issue',
        message: 'Business eligibility payment issue',
        error_data: { details: 'No valid payment method is attached to the WhatsApp Business Account' },
        href: '/documentation/business-messaging/whatsapp/support/error-codes',
      };
      this.ctx.webhooks.emit('calls', {
        messaging_product: 'whatsapp',
        metadata: metadata(this.ctx),
        errors: [error],
        timestamp: String(this.ctx.clock.nowSeconds()),
      });
      return { ok: false, reason: 'payment_method', details: 'The business cannot receive calls (no valid payment method)' };
    }
    if (this.ongoingWith(user.userId))
      return { ok: false, reason: 'already_in_call', details: 'This user already has a call with the business' };
    if (this.ongoingCount() >= this.ctx.config.maxConcurrentCalls) {
      return {
        ok: false,
        reason: 'concurrent_limit',
        details: "The call can't be placed (the business number is at its concurrent call limit)",
      };
    }
    // A number set to SDES gets SDES offers from WhatsApp, whatever the phone sent (no browser can answer them).
    const offer = s.srtp_key_exchange_protocol === 'SDES' ? metaLikeOffer({ sdes: true }) : (opts.sdp ?? metaLikeOffer());
    const check = validateSdp(offer, 'offer', { lineEndings: 'tolerant' });
    if (!check.ok) return { ok: false, reason: 'invalid_sdp', details: check.details };
    const call = this.newCall('USER_INITIATED', user, offer);
    call.ctaPayload = opts.ctaPayload;
    call.deeplinkPayload = opts.deeplinkPayload;
    openWindow(this.ctx, user);
    const c: Record<string, unknown> = { id: call.id };
    if (user.waId) c['from'] = user.waId;
    c['from_user_id'] = user.userId;
    if (user.parentUserId) c['from_parent_user_id'] = user.parentUserId;
    Object.assign(c, {
      to: this.ctx.business.displayPhoneNumber,
      event: 'connect',
      timestamp: String(this.ctx.clock.nowSeconds()),
      direction: 'USER_INITIATED',
    });
    if (call.deeplinkPayload !== undefined) c['deeplink_payload'] = call.deeplinkPayload;
    if (call.ctaPayload !== undefined) c['cta_payload'] = call.ctaPayload;
    c['session'] = { sdp_type: 'offer', sdp: offer };
    // As real user-initiated connects arrive: a customer known by number gets no BSUID here
    // (no from_user_id, no contacts[].user_id), and the profile name is the number's digits.
    const contact = contactOf(user);
    if (user.waId) {
      delete c['from_user_id'];
      delete c['from_parent_user_id'];
      delete contact['user_id'];
      delete contact['parent_user_id'];
      contact['profile'] = { ...(contact['profile'] as Record<string, unknown>), name: user.waId };
    }
    this.ctx.webhooks.emit('calls', { messaging_product: 'whatsapp', metadata: metadata(this.ctx), contacts: [contact], calls: [c] });
    const vm = s.voicemail;
    const vmTimeout =
      vm?.status === 'ENABLED' && (vm.triggers ?? []).includes('TIMEOUT') && vm.audio?.default.timeout_seconds !== undefined
        ? vm.audio.default.timeout_seconds * 1000
        : undefined;
    this.timer(call, 'accept-window', vmTimeout ?? this.ctx.config.acceptWindowMs, () => {
      if (call.state === 'ringing' || call.state === 'pre_accepted') {
        this.end(call, { status: 'FAILED', reason: 'not_answered', voicemailTrigger: vmTimeout !== undefined ? 'TIMEOUT' : undefined });
      }
    });
    this.ctx.events.emit('call.outgoing', { callId: call.id, userId: user.userId, via, sdp: offer });
    return { ok: true, call };
  }

  /** BIC: the user's phone produced its SDP answer (media path ready, still ringing). */
  userAnswerSdp(callId: string, sdp: string | undefined): SimCall {
    const call = this.requireCall(callId, 'BUSINESS_INITIATED');
    if (call.state !== 'calling') throw new Error(`call is ${call.state}; an SDP answer is only taken while calling`);
    const answer = sdp ?? metaLikeAnswer();
    const check = validateSdp(answer, 'answer', { lineEndings: 'tolerant' });
    if (!check.ok) throw new Error(`invalid SDP answer: ${check.details}`);
    call.answerSdp = answer;
    call.state = 'ringing';
    if (!call.capture.audioAttached) call.capture.audio ??= findCallAudio(sdp);
    const user = this.user(call);
    const c: Record<string, unknown> = { id: call.id, from: this.ctx.business.displayPhoneNumber };
    if (user.waId) c['to'] = user.waId;
    c['to_user_id'] = user.userId;
    if (user.parentUserId) c['to_parent_user_id'] = user.parentUserId;
    Object.assign(c, {
      event: 'connect',
      timestamp: String(this.ctx.clock.nowSeconds()),
      direction: 'BUSINESS_INITIATED',
      session: { sdp_type: 'answer', sdp: answer },
    });
    if (call.bizOpaque !== undefined) c['biz_opaque_callback_data'] = call.bizOpaque;
    this.ctx.webhooks.emit('calls', {
      messaging_product: 'whatsapp',
      metadata: metadata(this.ctx),
      contacts: [contactOf(user)],
      calls: [c],
    });
    this.emitStatus(call, 'RINGING');
    this.ctx.events.emit('call.answer_sdp', { callId: call.id, userId: call.userId, sdp: answer });
    return call;
  }

  userPickup(callId: string): SimCall {
    const call = this.requireCall(callId, 'BUSINESS_INITIATED');
    if (call.state === 'calling') this.userAnswerSdp(callId, undefined);
    if (call.state !== 'ringing') throw new Error(`call is ${call.state}; cannot pick up`);
    const when = this.ctx.config.acceptedStatus;
    if (when === 'prompt') this.emitStatus(call, 'ACCEPTED');
    else if (when === 'late')
      this.timer(call, 'accepted-status', 10_000, () => call.state === 'accepted' && this.emitStatus(call, 'ACCEPTED'));
    openWindow(this.ctx, this.user(call));
    this.markAccepted(call);
    this.ctx.events.emit('call.picked_up', { callId: call.id, userId: call.userId });
    return call;
  }

  userDecline(callId: string): SimCall {
    const call = this.requireCall(callId, 'BUSINESS_INITIATED');
    if (call.state !== 'calling' && call.state !== 'ringing') throw new Error(`call is ${call.state}; cannot decline`);
    this.emitStatus(call, 'REJECTED');
    this.permissions.onUnanswered(this.user(call));
    this.end(call, { status: 'FAILED', reason: 'rejected_by_user' });
    return call;
  }

  /** BIC rings out (timer or on demand). */
  ringOut(callId: string): SimCall {
    const call = this.requireCall(callId, 'BUSINESS_INITIATED');
    if (call.state !== 'calling' && call.state !== 'ringing') throw new Error(`call is ${call.state}; it is not ringing`);
    this.permissions.onUnanswered(this.user(call));
    this.end(call, { status: 'FAILED', reason: 'not_answered' });
    return call;
  }

  userHangup(callId: string): SimCall {
    const call = this.requireCall(callId);
    if (call.state === 'ended') throw new Error('call already ended');
    if (call.direction === 'BUSINESS_INITIATED' && call.state !== 'accepted') return this.userDecline(callId);
    this.end(call, { status: call.state === 'accepted' ? 'COMPLETED' : 'FAILED', reason: 'hung_up_by_user' });
    return call;
  }

  /** The user's phone reports whether it receives audio from the business. */
  reportMedia(callId: string, receiving: boolean): SimCall {
    const call = this.requireCall(callId);
    if (call.state === 'ended') throw new Error('call already ended');
    const was = call.mediaReceiving;
    call.mediaReceiving = receiving;
    if (receiving) {
      // WhatsApp treats the first media packet as "accepted" on the caller's phone (§6.6).
      call.userTimerStartedAt ??= this.ctx.clock.now();
      this.clearTimer(call, 'media');
    } else if (call.state === 'accepted' && was === true) {
      this.armMediaTimer(call, this.ctx.config.mediaMidCallTimeoutMs);
    }
    this.ctx.events.emit('call.media', { callId: call.id, receiving });
    return call;
  }

  /** After a declined/unanswered UIC with voicemail enabled, the user leaves a voicemail. */
  leaveVoicemail(callId: string): Record<string, unknown> {
    const call = this.requireCall(callId, 'USER_INITIATED');
    if (call.state !== 'ended') throw new Error('the call has not ended');
    if (!call.voicemailEligible) throw new Error('voicemail is not available for this call (disabled or trigger not met)');
    if (call.voicemailLeft) throw new Error('a voicemail was already left for this call');
    const user = this.user(call);
    const item = this.media.add(fakeOggOpus(`voicemail ${call.id}`), 'audio/ogg; codecs=opus');
    call.voicemailLeft = true;
    return this.messaging.userSends(user, 'audio', { id: item.id, sha256: item.sha256, mime_type: item.mimeType }, call.id);
  }

  // ---------------------------------------------------------------- internals

  private requireCall(callId: string, direction?: CallDirection): SimCall {
    const call = this.calls.get(callId);
    if (!call) throw new Error(`no call ${callId}`);
    if (direction && call.direction !== direction) throw new Error(`call ${callId} is ${call.direction}`);
    return call;
  }

  private markAccepted(call: SimCall): void {
    call.state = 'accepted';
    call.acceptedAt = this.ctx.clock.now();
    call.capture.realAcceptedAt = Date.now();
    call.userTimerStartedAt ??= call.acceptedAt;
    this.clearTimer(call, 'accept-window');
    this.clearTimer(call, 'ring');
    this.permissions.onConnected(this.user(call), call.direction);
    if (call.mediaReceiving !== true) this.armMediaTimer(call, this.ctx.config.mediaStartTimeoutMs);
  }

  private armMediaTimer(call: SimCall, ms: number): void {
    if (!this.ctx.config.enforceMedia) return;
    this.timer(call, 'media', ms, () => {
      if (call.state === 'accepted' && call.mediaReceiving !== true) {
        this.end(call, { status: 'FAILED', reason: 'media_timeout', errorCode: 138021 });
      }
    });
  }

  private timer(call: SimCall, name: string, ms: number, fn: () => void): void {
    this.clearTimer(call, name);
    let m = this.timers.get(call.id);
    if (!m) this.timers.set(call.id, (m = new Map()));
    m.set(name, this.ctx.clock.schedule(ms, `call ${name} ${call.id}`, fn));
  }

  private clearTimer(call: SimCall, name: string): void {
    this.timers.get(call.id)?.get(name)?.cancel();
    this.timers.get(call.id)?.delete(name);
  }

  private emitStatus(call: SimCall, status: 'RINGING' | 'ACCEPTED' | 'REJECTED'): void {
    const user = this.user(call);
    const st: Record<string, unknown> = { id: call.id, timestamp: String(this.ctx.clock.nowSeconds()), type: 'call', status };
    if (user.waId) st['recipient_id'] = user.waId;
    st['recipient_user_id'] = user.userId;
    if (user.parentUserId) st['recipient_parent_user_id'] = user.parentUserId;
    if (call.bizOpaque !== undefined) st['biz_opaque_callback_data'] = call.bizOpaque;
    this.ctx.webhooks.emit('calls', {
      messaging_product: 'whatsapp',
      metadata: metadata(this.ctx),
      contacts: [contactOf(user)],
      statuses: [st],
    });
    this.ctx.events.emit('call.status', { callId: call.id, status });
  }

  private end(
    call: SimCall,
    o: { status: 'COMPLETED' | 'FAILED'; reason: string; errorCode?: 138021; voicemailTrigger?: 'REJECT' | 'TIMEOUT' | undefined },
  ): void {
    if (call.state === 'ended') return;
    const wasAccepted = call.state === 'accepted';
    call.state = 'ended';
    call.endedAt = this.ctx.clock.now();
    call.endStatus = o.status;
    call.endReason = o.reason;
    call.errorCode = o.errorCode;
    for (const t of this.timers.get(call.id)?.values() ?? []) t.cancel();
    this.timers.delete(call.id);
    const user = this.user(call);
    const s = this.ctx.state.settings;
    if (o.voicemailTrigger && s.voicemail?.status === 'ENABLED' && (s.voicemail.triggers ?? []).includes(o.voicemailTrigger)) {
      call.voicemailEligible = true;
    }
    const c: Record<string, unknown> = { id: call.id };
    if (call.direction === 'USER_INITIATED') {
      if (user.waId) c['from'] = user.waId;
      c['from_user_id'] = user.userId;
      if (user.parentUserId) c['from_parent_user_id'] = user.parentUserId;
      c['to'] = this.ctx.business.displayPhoneNumber;
    } else {
      c['from'] = this.ctx.business.displayPhoneNumber;
      if (user.waId) c['to'] = user.waId;
      c['to_user_id'] = user.userId;
      if (user.parentUserId) c['to_parent_user_id'] = user.parentUserId;
    }
    Object.assign(c, { event: 'terminate', direction: call.direction, timestamp: String(this.ctx.clock.nowSeconds()), status: o.status });
    if (wasAccepted && call.acceptedAt !== undefined) {
      c['start_time'] = String(Math.floor(call.acceptedAt / 1000));
      c['end_time'] = String(Math.floor(call.endedAt / 1000));
      c['duration'] = Math.max(0, Math.round((call.endedAt - call.acceptedAt) / 1000));
    }
    if (call.bizOpaque !== undefined) c['biz_opaque_callback_data'] = call.bizOpaque;
    if (call.deeplinkPayload !== undefined) c['deeplink_payload'] = call.deeplinkPayload;
    if (call.ctaPayload !== undefined) c['cta_payload'] = call.ctaPayload;
    const value: Record<string, unknown> = {
      messaging_product: 'whatsapp',
      metadata: metadata(this.ctx),
      contacts: [contactOf(user)],
      calls: [c],
    };
    if (o.errorCode) {
      const err = {
        code: o.errorCode,
        title: WEBHOOK_ERRORS[o.errorCode],
        message: WEBHOOK_ERRORS[o.errorCode],
        href: '/documentation/business-messaging/whatsapp/calling/troubleshooting',
        error_data: { details: 'The WhatsApp client did not receive media from the business' },
      };
      c['errors'] = [err];
      value['errors'] = [err];
    }
    this.ctx.webhooks.emit('calls', value);
    // Recorded / transcribed calls that were connected: their assets and webhooks after a delay.
    this.capture.onEnded(call, user);
    this.ctx.events.emit('call.ended', {
      callId: call.id,
      userId: call.userId,
      status: o.status,
      reason: o.reason,
      errorCode: o.errorCode ?? null,
      voicemailAvailable: call.voicemailEligible,
    });
    if (call.direction === 'USER_INITIATED') this.pickup.onCustomerCallEnded(wasAccepted);
    // Callback permission (§1.2, §4.1): a user who called gets an automatic temporary permission.
    if (
      call.direction === 'USER_INITIATED' &&
      s.callback_permission_status === 'ENABLED' &&
      this.permissions.get(user).status === 'no_permission'
    ) {
      this.permissions.grant(user, { response: 'accept', permanent: false, source: 'automatic', contextId: call.id });
    }
  }

  /** Each user's latest call refused outside call hours (its wacid), until they request a callback. */
  private readonly closedAttempts = new Map<string, string>();

  /**
   * The user taps "Request a callback" on the screen WhatsApp shows when the business is closed
   * (calling-api.md §1.3; offered only with `callback_permission_status` ENABLED). They get the
   * automatic temporary permission of a callback (§1.2, §4.1): a `call_permission_reply` with
   * `response_source: "automatic"`, an `expiration_timestamp` 7 days on, and `context.id` = the
   * wacid of the call they tried (§3.3) — a call the business never received a webhook for.
   * Guesses (README): the request renews a temporary permission (a new webhook each time); a user
   * with a permanent permission gets nothing new and the business no webhook; without a refused
   * attempt on record (a test calling this directly) a fresh wacid stands for it.
   */
  requestCallback(user: SimUser, callId?: string): CallbackRequestResult {
    if (this.ctx.state.settings.callback_permission_status !== 'ENABLED')
      return { ok: false, reason: 'callback_disabled', details: 'callback_permission_status is not ENABLED' };
    const attempt = this.closedAttempts.get(user.userId);
    if (callId !== undefined && callId !== attempt)
      return { ok: false, reason: 'unknown_attempt', details: `${callId} is not this user's latest call refused outside call hours` };
    const id = attempt ?? wacid();
    this.closedAttempts.delete(user.userId);
    if (this.permissions.get(user).status === 'permanent') return { ok: true, callId: id, message: null };
    const message = this.permissions.grant(user, { response: 'accept', permanent: false, source: 'automatic', contextId: id });
    return { ok: true, callId: id, message };
  }

  /** Ends every live call without webhooks (simulator shutdown). */
  stopAll(): void {
    for (const m of this.timers.values()) for (const t of m.values()) t.cancel();
    this.timers.clear();
  }
}
