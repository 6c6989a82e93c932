/**
 * The shared state and services the simulator's domain modules work on. `simulator.ts` builds it;
 * `permissions.ts`, `messages.ts`, `calls.ts`, `graph-api.ts` and `control-api.ts` use it.
 */
import type { SimClock } from './clock.ts';
import type { SimEventBus } from './events.ts';
import type { GraphFault } from './graph-faults.ts';
import type { CallingSettings, Restriction } from './settings.ts';
import type { SimUser, UserStore } from './users.ts';
import type { WebhookDispatcher } from './webhooks.ts';

export interface Business {
  appId: string;
  appName: string;
  appSecret: string;
  accessToken: string;
  wabaId: string;
  wabaName: string;
  phoneNumberId: string;
  /** Digits with country code, as webhooks' metadata.display_phone_number carries it. */
  displayPhoneNumber: string;
  verifiedName: string;
  /** ISO country of the business number (BIC availability, §4.4). */
  country: string;
  qualityRating: string;
  /** Unique recipients / 24 h; below 2000 enabling calling fails with 138015. */
  messagingLimit: number;
  /** Public test number / sandbox: relaxed limits (§4.2). */
  sandbox: boolean;
  /**
   * The WABA's other phone numbers: listed by `GET /{waba-id}/phone_numbers` and readable with
   * `GET /{id}`, but no edge of theirs works (no calls, messages or webhooks).
   */
  otherNumbers: OtherPhoneNumber[];
}

/** A number of the WABA other than the business's own (seed `otherPhoneNumbers`). */
export interface OtherPhoneNumber {
  id: string;
  /** Digits with country code. */
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating: string;
  /** `CLOUD_API`, `ON_PREMISE` or `NOT_APPLICABLE` (added to the WABA, not registered for an API). */
  platformType: string;
  codeVerificationStatus: string;
}

/** What `debug_token` says of the access token, and what Graph lets it do (PUT /_sim/token). */
export interface TokenState {
  /** `data.scopes`; a missing WhatsApp permission makes the endpoints that need it answer 200. */
  scopes: string[];
  /** An expired token: every request with it gets 190 (subcode 463). */
  expired: boolean;
  /**
   * The WABAs the permissions were granted for (`granular_scopes[].target_ids`; default the
   * business's). Without its WABA, the WABA and its numbers answer 200.
   */
  wabaIds: string[];
}

export interface SimConfig {
  /** How long a user-initiated call may ring before Meta gives up (sim ms; doc: 30–60 s). */
  acceptWindowMs: number;
  /** How long a business-initiated call rings before it counts as unanswered (UNCONFIRMED; sim ms). */
  bicRingTimeoutMs: number;
  /** Media watchdogs (§6.5). */
  enforceMedia: boolean;
  mediaStartTimeoutMs: number;
  mediaMidCallTimeoutMs: number;
  /** Outbound message status webhooks on the sim clock; null = that status is not sent. */
  messageStatuses: { enabled: boolean; sentAfterMs: number; deliveredAfterMs: number | null; readAfterMs: number | null };
  sdpLineEndings: 'crlf' | 'tolerant';
  bicUnavailableCountries: string[];
  mediaUrlTtlMs: number;
  customerServiceWindowMs: number;
  temporaryPermissionMs: number;
  /** GET call_permissions rate limit (613); docs say 100/s (permissions page) or 5/s (reference). */
  callPermissionsPerSecond: number;
  /** Concurrent calls per number (FAQ: 1000) → 138002 on connect; callers get "can't be placed". */
  maxConcurrentCalls: number;
  /** `connect` requests per 24 h per number (BIC page: 10 000) → 138005. */
  maxConnectsPerDay: number;
  /**
   * When the business-initiated `ACCEPTED` status is sent: 'prompt' at pickup; 'late' 10 s of sim
   * time after (Meta describes it as arriving after the call is established, for auditing);
   * 'missing' never. A business that waits for it stays silent and the phone ends the call (138021).
   */
  acceptedStatus: 'prompt' | 'late' | 'missing';
  /** A valid payment method on the WABA; without one a customer's call is refused and the business gets a `calls` webhook with only `errors` (131044). */
  paymentMethod: boolean;
  /**
   * Low pickup rate enforcement (pickup.ts): after this many customer calls in a row nobody picked
   * up, the warning webhook, then the hidden call button. Null (the default): off — the reliability
   * suites make hundreds of calls nobody answers.
   */
  lowPickup: { warnAfter: number; restrictAfter: number } | null;
  /** Sim ms from the end of a recorded call to its `call_recording_available` webhook (Meta: "typically under one minute"). */
  recordingReadyAfterMs: number;
  /** Sim ms from the end of a transcribed call to its `call_transcription_available` webhook. */
  transcriptReadyAfterMs: number;
}

export function defaultConfig(): SimConfig {
  return {
    acceptWindowMs: 45_000,
    bicRingTimeoutMs: 60_000,
    enforceMedia: true,
    mediaStartTimeoutMs: 20_000,
    mediaMidCallTimeoutMs: 30_000,
    messageStatuses: { enabled: true, sentAfterMs: 200, deliveredAfterMs: 1_000, readAfterMs: 3_000 },
    sdpLineEndings: 'crlf',
    bicUnavailableCountries: ['US', 'CA', 'EG', 'VN', 'NG'],
    mediaUrlTtlMs: 5 * 60_000,
    customerServiceWindowMs: 24 * 3600_000,
    temporaryPermissionMs: 7 * 24 * 3600_000,
    callPermissionsPerSecond: 100,
    maxConcurrentCalls: 1000,
    maxConnectsPerDay: 10_000,
    paymentMethod: true,
    acceptedStatus: 'prompt',
    lowPickup: null,
    recordingReadyAfterMs: 5_000,
    transcriptReadyAfterMs: 8_000,
  };
}

export interface Sent {
  kind: 'message' | 'call-action';
  at: number;
  path: string;
  body: unknown;
  response: unknown;
  /** The HTTP status the business got; 0 when it got no answer (an injected hang or reset). */
  status: number;
  /** The injected Graph fault that shaped the answer (graph-faults.ts), if any. */
  fault?: GraphFault & { after: boolean };
}

export interface SimContext {
  clock: SimClock;
  events: SimEventBus;
  business: Business;
  config: SimConfig;
  users: UserStore;
  webhooks: WebhookDispatcher;
  state: {
    settings: CallingSettings;
    restrictions: Restriction[];
    /** Forced failure when enabling calling (seed/control), else derived from the setup. */
    enableCallingError: 138015 | 138018 | undefined;
    /** The phone number's messaging health (PUT /_sim/health); LIMITED carries Meta's explanation. */
    phoneHealth?: { canSendMessage: 'AVAILABLE' | 'LIMITED' | 'BLOCKED'; additionalInfo: string[] };
    /** The access token as debug_token describes it (seed `business.tokenScopes`, PUT /_sim/token). */
    token: TokenState;
  };
  /** Everything the business sent to Graph (for the control API's inspection routes). */
  sent: Sent[];
  baseUrl: () => string;
}

/** `metadata` of every webhook value. */
export function metadata(ctx: SimContext): { display_phone_number: string; phone_number_id: string } {
  return { display_phone_number: ctx.business.displayPhoneNumber, phone_number_id: ctx.business.phoneNumberId };
}

export function activeRestrictions(ctx: SimContext): typeof ctx.state.restrictions {
  const nowS = ctx.clock.nowSeconds();
  return ctx.state.restrictions.filter((r) => r.expiration === undefined || r.expiration > nowS);
}

export function hasRestriction(ctx: SimContext, type: string): boolean {
  return activeRestrictions(ctx).some((r) => r.type === type || r.type === 'RESTRICTED_BIZ_INITIATED_AND_USER_INITIATED_CALLING');
}

/** Opens or refreshes the user's 24 h customer-service window (§7). */
export function openWindow(ctx: SimContext, user: SimUser): void {
  user.windowUntil = ctx.clock.now() + ctx.config.customerServiceWindowMs;
}

export function windowOpen(ctx: SimContext, user: SimUser): boolean {
  return user.windowUntil > ctx.clock.now();
}

export function randomDigits(n: number): string {
  let s = String(1 + Math.floor(Math.random() * 9));
  while (s.length < n) s += String(Math.floor(Math.random() * 10));
  return s;
}
