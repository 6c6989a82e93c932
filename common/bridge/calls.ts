/**
 * Bridge contract, calls slice: the live calls the window shows and the commands it may send;
 * placing calls, call permission, the media engine's commands and reports, call preferences.
 * Handlers: main/calls/calls-handlers.ts. Error codes: see shared.ts.
 */
import { z } from 'zod';
import { NoParams, ThreadId, ThreadParams } from './shared.ts';
import { RINGTONES } from '../rules/ringtone.ts';
import { RecordingRequest } from './recordings.ts';

/** Who placed a call: the customer (incoming) or the business (outgoing). Meta's USER_INITIATED / BUSINESS_INITIATED end at the webhook parser. */
export const CallDirection = z.enum(['incoming', 'outgoing']);
export type CallDirection = z.infer<typeof CallDirection>;

export const CallView = z.object({
  localId: z.string(),
  callId: z.string().nullable(),
  direction: CallDirection,
  state: z.enum(['ringing', 'answering', 'active', 'preparing', 'dialing', 'remote_ringing', 'ending', 'ended']),
  outcome: z.enum(['completed', 'missed', 'declined', 'no_answer', 'cancelled', 'failed']).nullable(),
  reason: z.string().nullable(),
  threadId: z.number().nullable(),
  startedAt: z.string(),
  /** Incoming: when the answer window closes (the countdown). */
  answerDeadline: z.string().nullable(),
  /** Incoming: where the customer called from — a call button's payload or a call link's biz_payload. */
  origin: z.object({ ctaPayload: z.string().nullable(), deeplinkPayload: z.string().nullable() }).nullable(),
  /** What WhatsApp was asked to record of this call (announced to both parties); null = nothing. */
  recording: RecordingRequest.nullable(),
});
export type CallView = z.infer<typeof CallView>;

/**
 * What main asks the renderer's media engine to do. The engine answers each command with
 * `mediaReport` carrying the same `requestId`.
 */
export const MediaCommand = z.discriminatedUnion('command', [
  z.object({ requestId: z.string(), localId: z.string(), command: z.literal('prepareAnswer'), offerSdp: z.string() }),
  z.object({ requestId: z.string(), localId: z.string(), command: z.literal('prepareOffer') }),
  z.object({ requestId: z.string(), localId: z.string(), command: z.literal('applyAnswer'), sdp: z.string() }),
  z.object({ requestId: z.string(), localId: z.string(), command: z.literal('attachMicrophone') }),
  z.object({ requestId: z.string(), localId: z.string(), command: z.literal('close') }),
  z.object({ requestId: z.string(), localId: z.string(), command: z.literal('ring'), on: z.boolean() }),
]);
export type MediaCommand = z.infer<typeof MediaCommand>;

const SdpText = z.string().min(10).max(20_000);

export const MediaReport = z.discriminatedUnion('type', [
  /** The command succeeded; `sdp` for prepareAnswer / prepareOffer. */
  z.object({ type: z.literal('done'), requestId: z.string().max(100), sdp: SdpText.optional() }).strict(),
  /** The command failed, in plain words. */
  z.object({ type: z.literal('failed'), requestId: z.string().max(100), message: z.string().max(500) }).strict(),
  /** Unprompted: the call's media is gone (ICE failed, no audio, track ended). */
  z.object({ type: z.literal('lost'), localId: z.string().max(100), reason: z.string().max(500) }).strict(),
  /** Unprompted: the customer's audio has started arriving (the first inbound packet) — the call is established. */
  z.object({ type: z.literal('audio'), localId: z.string().max(100) }).strict(),
]);

export const CallPermissionView = z.object({
  status: z.enum(['none', 'temporary', 'permanent']),
  expiresAt: z.string().nullable(),
  canCall: z.boolean(),
  callBlockedReason: z.string().nullable(),
  canRequest: z.boolean(),
  requestBlockedReason: z.string().nullable(),
  requestNeedsTemplate: z.boolean(),
  /**
   * Business calls to this customer unanswered in a row, from this computer's records (WhatsApp
   * nudges the customer after 2 and revokes the permission after 4: common/rules/pickup.ts).
   */
  unansweredInARow: z.number().int().min(0).optional(),
});

/** Preferences of this computer (not of the WhatsApp number). */
export const CallPreferences = z.object({
  /** Connect the call's audio while it rings, so it is there the moment the owner answers. */
  preAccept: z.boolean(),
  /** Where the ringtone plays (an audio output device id; null = the default). */
  ringDeviceId: z.string().max(500).nullable(),
  /** Which generated ringtone plays (common/rules/ringtone.ts), and how loud: percent 0–100. */
  ringtone: z.enum(RINGTONES),
  ringVolume: z.number().int().min(0).max(100),
  /** The microphone and the speaker for calls (device ids; null = the system default), kept when chosen in a call or in Settings. */
  inputDeviceId: z.string().max(500).nullable(),
  outputDeviceId: z.string().max(500).nullable(),
  /** TURN servers for networks that block UDP (at most 3). */
  turnServers: z
    .array(z.object({ urls: z.string().max(300), username: z.string().max(200).nullable(), credential: z.string().max(200).nullable() }))
    .max(3),
  /** A STUN server (`stun:host:port`), or null: off by default — see README "STUN". */
  stunServer: z
    .string()
    .max(300)
    .regex(/^stuns?:[^\s]+$/, 'A STUN address starts with stun: (for example stun:stun.example.com:3478)')
    .nullable(),
});
export type CallPreferences = z.infer<typeof CallPreferences>;

/** Params naming one call by the controller's id for it. */
const CallParams = z.object({ localId: z.string().max(100) }).strict();
/**
 * `record`: under "ask me per call" (Settings → Calling → Recording), whether WhatsApp records
 * this call; ignored when recording is off (never) or on for all calls (always).
 */
const AnswerParams = z.object({ localId: z.string().max(100), record: z.boolean().optional() }).strict();
const PlaceCallParams = z.object({ threadId: ThreadId, record: z.boolean().optional() }).strict();

export const callRequests = {
  /**
   * Call preferences of this computer.
   * Errors: none of its own.
   */
  getCallPreferences: { params: NoParams, result: CallPreferences },
  /**
   * Changes some of them; refused with the field's problem when invalid.
   * Errors: `invalid_params` (details.field), `keychain_unavailable` (TURN credentials could not be
   * stored; the message says what to install).
   */
  setCallPreferences: { params: CallPreferences.partial().strict(), result: CallPreferences },
  /**
   * Calls the controller knows about (live ones and those that just ended).
   * Errors: none of its own.
   */
  listCalls: { params: NoParams, result: z.object({ calls: z.array(CallView) }) },
  /**
   * Answer / decline a ringing call, hang up a live one; refused (code `invalid_state`) when the call's state does not allow it, `cannot_answer` (with the reason) when its audio could not be prepared.
   * Errors: `not_found` (the call is not known), `cannot_answer`, `invalid_state`.
   */
  answerCall: { params: AnswerParams, result: CallView },
  /** Errors: `not_found` (the call is not known), `invalid_state` (it is no longer ringing). */
  declineCall: { params: CallParams, result: CallView },
  /** Errors: `not_found` (the call is not known), `invalid_state` (it has already ended). */
  hangUpCall: { params: CallParams, result: CallView },
  /**
   * Whether the owner may call this customer now, and if not, why (and whether asking is possible).
   * Errors: `not_connected`, `not_found`, `graph_<code>`.
   */
  getCallPermission: { params: ThreadParams, result: CallPermissionView },
  /**
   * Asks the customer for permission to call (interactive inside the 24-hour window, else the given template).
   * Errors: `not_connected`, `not_found`, `template_required` (outside the window without a
   * template), `graph_<code>`.
   */
  requestCallPermission: {
    params: z
      .object({
        threadId: ThreadId,
        template: z
          .object({
            name: z.string().max(512),
            language: z.string().max(20),
            parameters: z.array(z.string().max(1024)).max(20).default([]),
          })
          .strict()
          .optional(),
      })
      .strict(),
    result: z.object({ wamid: z.string() }),
  },
  /**
   * Sends a "call us" button (interactive voice_call, inside the 24-hour window).
   * Errors: `not_connected`, `not_found`, `window_closed`, `graph_<code>`.
   */
  sendCallButton: {
    params: z
      .object({
        threadId: ThreadId,
        body: z.string().min(1).max(1024),
        displayText: z.string().min(1).max(20),
        ttlMinutes: z.number().int().min(1).max(43_200).default(10_080),
        payload: z.string().max(512).nullable().default(null),
      })
      .strict(),
    result: z.object({ wamid: z.string() }),
  },
  /**
   * A wa.me/call link for the business's number (payload → the call's deeplink_payload); main copies it in the desktop app.
   * Errors: `not_connected` (no number, or its display number is not known).
   */
  getCallLink: {
    params: z.object({ payload: z.string().max(512).nullable().default(null) }).strict(),
    result: z.object({ url: z.string(), copied: z.boolean() }),
  },
  /**
   * Calls the customer of this thread (refused with code `no_permission` and the reason when not allowed, `call_in_progress` while another call is up).
   * Errors: `not_connected`, `not_found`, `graph_<code>` (checking the permission), `no_permission`,
   * `call_in_progress`.
   */
  placeCall: { params: PlaceCallParams, result: CallView },
  /**
   * The media engine's answers to `mediaCommand` events, and its unprompted reports.
   * Errors: none of its own (a late or unknown report is ignored).
   */
  mediaReport: { params: MediaReport, result: z.object({ received: z.literal(true) }) },
} as const;

export const callEvents = {
  /** A call changed state (ringing, active, ended…). */
  call: CallView,
  /** A command for the renderer's media engine (answer with `mediaReport`). */
  mediaCommand: MediaCommand,
} as const;
