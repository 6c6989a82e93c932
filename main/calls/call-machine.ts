/**
 * The call state machine, as data: states, events, the transitions allowed between them, and the
 * effects each transition asks for. It is pure — no I/O, no timers, no clock — so it can be
 * tested exhaustively; the call controller (which owns Graph, the media engine, the ringtone,
 * timers and the thread store) feeds it events and carries out the effects it returns.
 *
 * States
 *   ringing         a customer is calling (fresh `connect` webhook); the answer SDP is being made,
 *                   then pre-accepted (if enabled) so ICE/DTLS finish while it rings — no audio yet
 *   answering       the owner pressed Answer; `accept` (same SDP as pre_accept) is in flight
 *   active          the call is up: accept succeeded (incoming) or ACCEPTED arrived (outgoing)
 *   preparing       outgoing: the media engine is making the offer (ICE gathered in full)
 *   dialing         outgoing: `connect` sent / answered; waiting for the customer's phone to ring
 *   remote_ringing  outgoing: RINGING status received
 *   ending          reject/terminate sent; waiting for Graph's answer or the terminate webhook
 *   ended           final; `outcome` says how (completed, missed, declined, no_answer, cancelled, failed)
 *
 * Transitions (event → next state; anything not listed is refused and changes nothing)
 *
 * | from            | event                         | to              | effects (summary)                          |
 * |-----------------|-------------------------------|-----------------|--------------------------------------------|
 * | (new)           | incoming (fresh)              | ringing         | media.prepareAnswer, ring, answer timer    |
 * | (new)           | incoming (stale / tombstoned) | ended missed    | record only — never rings                  |
 * | ringing         | answer_sdp                    | ringing         | graph pre_accept (when enabled)            |
 * | ringing         | answer                        | answering       | graph accept (once the SDP exists)         |
 * | ringing         | decline                       | ending          | graph reject, stop ring, media.close       |
 * | ringing         | answer_window_elapsed         | ended missed    | stop ring, media.close — no reject: WhatsApp ends it (or voicemail takes it) |
 * | ringing         | terminate_webhook             | ended missed    | stop ring, media.close                     |
 * | answering       | answer_sdp                    | answering       | graph accept                               |
 * | answering       | graph_ok accept               | active          | stop ring, media.attachMic                 |
 * | answering       | graph_failed accept           | ending          | graph terminate                            |
 * | answering       | terminate_webhook             | ended missed    | stop ring, media.close                     |
 * | answering       | decline / hangup              | ending declined | reject (accept not sent) or terminate      |
 * | answering       | answer_window_elapsed         | ended missed    | only while accept was never sent; no reject |
 * | answering       | media_lost (no answer SDP)    | ending failed   | reject (accept not sent) or terminate      |
 * | (new)           | dial                          | preparing       | media.prepareOffer                         |
 * | preparing       | offer_sdp                     | dialing         | graph connect                              |
 * | preparing       | hangup                        | ended cancelled | media.close                                |
 * | dialing         | graph_ok connect              | dialing         | (call id known)                            |
 * | dialing/r_ring  | connect_answer (first only)   | same            | media.applyAnswer                          |
 * | active (out)    | connect_answer (first only)   | active          | media.applyAnswer (ACCEPTED came first)    |
 * | dialing         | status RINGING                | remote_ringing  |                                            |
 * | dialing/r_ring  | status ACCEPTED               | active          | media.attachMic                            |
 * | dialing/r_ring  | media_audio (answer applied)  | active          | media.attachMic                            |
 * | dialing/r_ring  | status REJECTED               | ended declined  | media.close                                |
 * | dialing/r_ring  | terminate_webhook             | ended no_answer | media.close (failed when FAILED + error)   |
 * | dialing/r_ring  | ring_timeout / hangup         | ending          | graph terminate (sent once the id is known)|
 * | dialing         | graph_failed connect          | ended failed    | media.close                                |
 * | dialing/r_ring  | media_lost                    | ending failed   | graph terminate, media.close               |
 * | active          | hangup                        | ending          | graph terminate, media.close               |
 * | active          | media_lost                    | ending          | graph terminate, media.close (failed)      |
 * | active          | terminate_webhook             | ended completed | media.close (failed when FAILED + error)   |
 * | ending          | graph_ok / graph_failed       | ended           | (outcome decided when ending began)        |
 * | ending (no id)  | graph_ok connect              | ending          | (the id arrives: the held terminate goes)  |
 * | ending (no id)  | graph_failed connect          | ended           | (no call was made)                         |
 * | ending          | terminate_webhook             | ended           |                                            |
 *
 * Duplicated and late events are expected (webhooks repeat and reorder): an event a state does not
 * list is simply refused — `accepted: false` — and never produces an effect.
 */

export type { CallDirection } from '../../common/bridge/calls.ts';
import type { CallDirection } from '../../common/bridge/calls.ts';
// The owner-facing reasons come from main's catalog, in the language in effect (a lookup: still no I/O).
import { tr } from '../i18n/tr.ts';
export type CallStateName = 'ringing' | 'answering' | 'active' | 'preparing' | 'dialing' | 'remote_ringing' | 'ending' | 'ended';
export type CallOutcome = 'completed' | 'missed' | 'declined' | 'no_answer' | 'cancelled' | 'failed';
export type GraphAction = 'pre_accept' | 'accept' | 'reject' | 'terminate' | 'connect';

export interface CallContext {
  /** Meta's wacid; null for an outgoing call until `connect` answers. */
  callId: string | null;
  direction: CallDirection;
  state: CallStateName;
  /**
   * Incoming: the SDP answer, made once, sent identically to pre_accept and accept. Outgoing: the
   * customer's answer, once applied (it is applied exactly once, whether it arrives before or
   * after the ACCEPTED status — webhooks reorder).
   */
  answerSdp: string | null;
  /** The SDP offer (outgoing). */
  offerSdp: string | null;
  acceptSent: boolean;
  /** The owner pressed Answer (accept goes out as soon as the answer SDP exists). */
  answerRequested: boolean;
  /** What `ended` will be recorded as; decided when ending begins. */
  outcome: CallOutcome | null;
  /** Plain-words reason for a failure or a drop. */
  reason: string | null;
  /** Options fixed when the call started. */
  preAccept: boolean;
}

export type CallEvent =
  | { type: 'incoming'; callId: string; offerSdp: string; stale: boolean; preAccept: boolean }
  | { type: 'dial' }
  | { type: 'answer_sdp'; sdp: string }
  | { type: 'offer_sdp'; sdp: string }
  | { type: 'answer' }
  | { type: 'decline' }
  | { type: 'hangup' }
  | { type: 'graph_ok'; action: GraphAction; callId?: string }
  | { type: 'graph_failed'; action: GraphAction; reason: string }
  | { type: 'connect_answer'; sdp: string }
  | { type: 'status'; status: 'RINGING' | 'ACCEPTED' | 'REJECTED' }
  /** `failure`: the terminate says the call failed (status FAILED with an error), in plain words. */
  | { type: 'terminate_webhook'; reason?: string | null; failure?: string | null }
  | { type: 'answer_window_elapsed' }
  | { type: 'ring_timeout' }
  | { type: 'media_lost'; reason: string }
  /** The customer's audio arrived (the media engine heard the first packet). */
  | { type: 'media_audio' };

export type CallEffect =
  | { type: 'graph'; action: GraphAction; sdp?: string }
  | { type: 'media'; command: 'prepareAnswer'; offerSdp: string }
  | { type: 'media'; command: 'prepareOffer' }
  | { type: 'media'; command: 'applyAnswer'; sdp: string }
  | { type: 'media'; command: 'attachMicrophone' }
  | { type: 'media'; command: 'close' }
  | { type: 'ring'; on: boolean }
  | { type: 'timer'; name: 'answer_window' | 'ring_timeout'; on: boolean };

export interface Transition {
  accepted: boolean;
  context: CallContext;
  effects: CallEffect[];
}

type Handler<E extends CallEvent = CallEvent> = (
  c: CallContext,
  e: E,
) => { next: Partial<CallContext> & { state: CallStateName }; effects: CallEffect[] } | null;
type HandlerMap = { [T in CallEvent['type']]?: Handler<Extract<CallEvent, { type: T }>> };

const end = (outcome: CallOutcome, reason: string | null = null): Partial<CallContext> & { state: 'ended' } => ({
  state: 'ended',
  outcome,
  reason,
});
const stopRinging: CallEffect[] = [
  { type: 'ring', on: false },
  { type: 'timer', name: 'answer_window', on: false },
];
const closeMedia: CallEffect = { type: 'media', command: 'close' };

/** Sends accept when both the owner's Answer and the SDP are there, and only once. */
function acceptIfReady(c: CallContext, sdp: string | null): CallEffect[] {
  return c.answerRequested && sdp && !c.acceptSent ? [{ type: 'graph', action: 'accept', sdp }] : [];
}

/** The transition table: for each state, the events it accepts. */
export const TRANSITIONS: Record<CallStateName, HandlerMap> = {
  ringing: {
    answer_sdp: (c, e) => {
      if (c.answerSdp) return null; // made once; a second answer would differ from pre_accept's
      const effects: CallEffect[] = c.preAccept && !c.answerRequested ? [{ type: 'graph', action: 'pre_accept', sdp: e.sdp }] : [];
      return { next: { state: 'ringing', answerSdp: e.sdp }, effects };
    },
    answer: (c) => ({
      next: { state: 'answering', answerRequested: true, acceptSent: c.answerSdp !== null },
      effects: acceptIfReady({ ...c, answerRequested: true }, c.answerSdp),
    }),
    decline: () => ({
      next: { state: 'ending', outcome: 'declined' },
      effects: [...stopRinging, { type: 'graph', action: 'reject' }, closeMedia],
    }),
    // Nobody answered in time: stop ringing here, but let WhatsApp end the call (or its voicemail
    // take it) — a `reject` would count as a decline and fire the REJECT voicemail trigger.
    answer_window_elapsed: () => ({ next: end('missed', tr('call.notAnswered')), effects: [...stopRinging, closeMedia] }),
    terminate_webhook: () => ({ next: end('missed'), effects: [...stopRinging, closeMedia] }),
    graph_ok: () => ({ next: { state: 'ringing' }, effects: [] }), // pre_accept done
    graph_failed: (c, e) =>
      // A failed pre_accept is not fatal: accept can still be sent when the owner answers.
      e.action === 'pre_accept' ? { next: { state: 'ringing', reason: e.reason }, effects: [] } : null,
  },
  answering: {
    answer_sdp: (c, e) => {
      if (c.answerSdp) return null;
      return { next: { state: 'answering', answerSdp: e.sdp, acceptSent: true }, effects: acceptIfReady(c, e.sdp) };
    },
    graph_ok: (_c, e) =>
      e.action === 'accept'
        ? { next: { state: 'active' }, effects: [...stopRinging, { type: 'media', command: 'attachMicrophone' }] }
        : e.action === 'pre_accept'
          ? { next: { state: 'answering' }, effects: [] }
          : null,
    graph_failed: (_c, e) =>
      e.action === 'accept'
        ? {
            next: { state: 'ending', outcome: 'failed', reason: e.reason },
            effects: [...stopRinging, { type: 'graph', action: 'terminate' }, closeMedia],
          }
        : e.action === 'pre_accept'
          ? { next: { state: 'answering' }, effects: [] }
          : null,
    terminate_webhook: () => ({ next: end('missed'), effects: [...stopRinging, closeMedia] }),
    // With accept already on its way, Graph's answer to it decides (a reject after accept is not
    // Meta's protocol); the window only closes a call whose answer SDP never came.
    answer_window_elapsed: (c) =>
      c.acceptSent ? null : { next: end('missed', tr('call.notAnswered')), effects: [...stopRinging, closeMedia] },
    // The owner gives up before the call is up, or the app quits / suspends (endAll).
    decline: (c) => cancelAnswering(c),
    hangup: (c) => cancelAnswering(c),
    // The audio could not be prepared (an offer Chromium refuses): this call can never connect.
    media_lost: (c, e) => ({
      next: { state: 'ending', outcome: 'failed', reason: e.reason },
      effects: [...stopRinging, { type: 'graph', action: c.acceptSent ? 'terminate' : 'reject' }, closeMedia],
    }),
  },
  preparing: {
    offer_sdp: (_c, e) => ({
      next: { state: 'dialing', offerSdp: e.sdp },
      effects: [
        { type: 'graph', action: 'connect', sdp: e.sdp },
        { type: 'timer', name: 'ring_timeout', on: true },
      ],
    }),
    hangup: () => ({ next: end('cancelled'), effects: [closeMedia] }),
    media_lost: (_c, e) => ({ next: end('failed', e.reason), effects: [closeMedia] }),
  },
  dialing: {
    graph_ok: (c, e) => (e.action === 'connect' ? { next: { state: 'dialing', callId: e.callId ?? c.callId }, effects: [] } : null),
    graph_failed: (_c, e) =>
      e.action === 'connect'
        ? { next: end('failed', e.reason), effects: [{ type: 'timer', name: 'ring_timeout', on: false }, closeMedia] }
        : null,
    connect_answer: (c, e) => applyCustomerAnswer(c, e.sdp),
    status: (_c, e) => outgoingStatus('dialing', e.status),
    terminate_webhook: (_c, e) => ({
      next: e.failure ? end('failed', e.failure) : end('no_answer', e.reason ?? null),
      effects: [{ type: 'timer', name: 'ring_timeout', on: false }, closeMedia],
    }),
    ring_timeout: () => ({
      next: { state: 'ending', outcome: 'no_answer' },
      effects: [{ type: 'graph', action: 'terminate' }, closeMedia],
    }),
    hangup: () => ({
      next: { state: 'ending', outcome: 'cancelled' },
      effects: [{ type: 'timer', name: 'ring_timeout', on: false }, { type: 'graph', action: 'terminate' }, closeMedia],
    }),
    media_lost: (_c, e) => audioFailedWhileDialing(e.reason),
    media_audio: (c) => establishedByAudio(c),
  },
  remote_ringing: {
    connect_answer: (c, e) => applyCustomerAnswer(c, e.sdp),
    status: (_c, e) => outgoingStatus('remote_ringing', e.status),
    terminate_webhook: (_c, e) => ({
      next: e.failure ? end('failed', e.failure) : end('no_answer', e.reason ?? null),
      effects: [{ type: 'timer', name: 'ring_timeout', on: false }, closeMedia],
    }),
    ring_timeout: () => ({
      next: { state: 'ending', outcome: 'no_answer' },
      effects: [{ type: 'graph', action: 'terminate' }, closeMedia],
    }),
    hangup: () => ({
      next: { state: 'ending', outcome: 'cancelled' },
      effects: [{ type: 'timer', name: 'ring_timeout', on: false }, { type: 'graph', action: 'terminate' }, closeMedia],
    }),
    graph_ok: (c, e) => (e.action === 'connect' ? { next: { state: 'remote_ringing', callId: e.callId ?? c.callId }, effects: [] } : null),
    media_lost: (_c, e) => audioFailedWhileDialing(e.reason),
    media_audio: (c) => establishedByAudio(c),
  },
  active: {
    hangup: () => ({ next: { state: 'ending', outcome: 'completed' }, effects: [{ type: 'graph', action: 'terminate' }, closeMedia] }),
    media_lost: (_c, e) => ({
      next: { state: 'ending', outcome: 'failed', reason: e.reason },
      effects: [{ type: 'graph', action: 'terminate' }, closeMedia],
    }),
    // WhatsApp ended a call that was up: completed, unless its terminate says FAILED with an error
    // (138021: the customer's phone got no audio) — then failed, with the error table's words.
    terminate_webhook: (_c, e) => ({
      next: e.failure ? end('failed', e.failure) : end('completed', e.reason ?? null),
      effects: [closeMedia],
    }),
    // ACCEPTED can beat the connect webhook that carries the customer's answer (webhooks reorder):
    // it is applied now. A duplicate of an answer already applied changes nothing.
    connect_answer: (c, e) => applyCustomerAnswer(c, e.sdp),
  },
  ending: {
    graph_ok: (c, e) => {
      // An outgoing call ended before Graph answered `connect`: its id arrives now (the controller
      // holds the terminate back until then — it cannot name the call without it).
      if (e.action === 'connect' && c.callId === null && c.direction === 'outgoing')
        return e.callId
          ? { next: { state: 'ending', callId: e.callId }, effects: [] }
          : { next: end(c.outcome ?? 'cancelled', c.reason), effects: [] };
      return e.action === 'reject' || e.action === 'terminate' ? { next: end(c.outcome ?? 'completed', c.reason), effects: [] } : null;
    },
    graph_failed: (c, e) => {
      if (e.action === 'connect' && c.callId === null && c.direction === 'outgoing')
        return { next: end(c.outcome ?? 'failed', c.reason), effects: [] }; // no call was made
      return e.action === 'reject' || e.action === 'terminate'
        ? { next: end(c.outcome ?? 'failed', c.reason ?? e.reason), effects: [] }
        : null;
    },
    terminate_webhook: (c) => ({ next: end(c.outcome ?? 'completed', c.reason), effects: [] }),
  },
  ended: {},
};

/** Applies the customer's SDP answer to an outgoing call, once (a repeated connect webhook is ignored). */
function applyCustomerAnswer(c: CallContext, sdp: string): ReturnType<Handler> {
  if (c.direction !== 'outgoing' || c.answerSdp !== null) return null;
  return { next: { state: c.state, answerSdp: sdp }, effects: [{ type: 'media', command: 'applyAnswer', sdp }] };
}

/**
 * An outgoing call is established when the customer's audio arrives on the answer we applied: the
 * microphone goes on now, not at the ACCEPTED status (Meta sends it after the call is established,
 * for auditing; a late or lost one meant a silent call that WhatsApp ended with 138021). Their
 * audio only flows once they picked up, so this never happens while their phone rings.
 */
function establishedByAudio(c: CallContext): ReturnType<Handler> {
  if (c.direction !== 'outgoing' || c.answerSdp === null) return null;
  return {
    next: { state: 'active' },
    effects: [
      { type: 'timer', name: 'ring_timeout', on: false },
      { type: 'media', command: 'attachMicrophone' },
    ],
  };
}

/** The customer's answer could not be applied (or the audio broke) before they picked up: no call without sound. */
function audioFailedWhileDialing(reason: string): ReturnType<Handler> {
  return {
    next: { state: 'ending', outcome: 'failed', reason },
    effects: [{ type: 'timer', name: 'ring_timeout', on: false }, { type: 'graph', action: 'terminate' }, closeMedia],
  };
}

/** Ends a call being answered: reject while accept was never sent, else terminate (Meta may have accepted it). */
function cancelAnswering(c: CallContext): ReturnType<Handler> {
  return {
    next: { state: 'ending', outcome: 'declined' },
    effects: [...stopRinging, { type: 'graph', action: c.acceptSent ? 'terminate' : 'reject' }, closeMedia],
  };
}

function outgoingStatus(from: 'dialing' | 'remote_ringing', status: 'RINGING' | 'ACCEPTED' | 'REJECTED'): ReturnType<Handler> {
  if (status === 'RINGING') return from === 'dialing' ? { next: { state: 'remote_ringing' }, effects: [] } : null;
  if (status === 'ACCEPTED')
    return {
      next: { state: 'active' },
      effects: [
        { type: 'timer', name: 'ring_timeout', on: false },
        { type: 'media', command: 'attachMicrophone' },
      ],
    };
  return { next: end('declined'), effects: [{ type: 'timer', name: 'ring_timeout', on: false }, closeMedia] };
}

/** A new incoming call: rings when fresh; a stale or already-terminated connect is a missed call. */
export function startIncoming(e: Extract<CallEvent, { type: 'incoming' }>): Transition {
  const base: CallContext = {
    callId: e.callId,
    direction: 'incoming',
    state: 'ringing',
    answerSdp: null,
    offerSdp: null,
    acceptSent: false,
    answerRequested: false,
    outcome: null,
    reason: null,
    preAccept: e.preAccept,
  };
  if (e.stale)
    return {
      accepted: true,
      context: { ...base, state: 'ended', outcome: 'missed', reason: tr('call.tooLate') },
      effects: [],
    };
  return {
    accepted: true,
    context: base,
    effects: [
      { type: 'media', command: 'prepareAnswer', offerSdp: e.offerSdp },
      { type: 'ring', on: true },
      { type: 'timer', name: 'answer_window', on: true },
    ],
  };
}

/** A new outgoing call (the permission check happens before this). */
export function startOutgoing(): Transition {
  return {
    accepted: true,
    context: {
      callId: null,
      direction: 'outgoing',
      state: 'preparing',
      answerSdp: null,
      offerSdp: null,
      acceptSent: false,
      answerRequested: false,
      outcome: null,
      reason: null,
      preAccept: false,
    },
    effects: [{ type: 'media', command: 'prepareOffer' }],
  };
}

/** Applies one event. Refused events (not in the table for this state) change nothing. */
export function transition(c: CallContext, e: CallEvent): Transition {
  const handler = TRANSITIONS[c.state][e.type] as Handler | undefined;
  const result = handler?.(c, e) ?? null;
  if (!result) return { accepted: false, context: c, effects: [] };
  return { accepted: true, context: { ...c, ...result.next }, effects: result.effects };
}

/** The events a state accepts (for guards in the UI and for tests). */
export function acceptedEvents(state: CallStateName): Array<CallEvent['type']> {
  return Object.keys(TRANSITIONS[state]) as Array<CallEvent['type']>;
}
