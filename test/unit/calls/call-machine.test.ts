/**
 * The call state machine as data: scenario functions drive it the way webhooks, the owner and the
 * media engine would — duplicated, reordered and late events included — and check the Graph
 * actions it asks for and the outcome it ends with.
 */
import { describe, expect, it } from 'vitest';
import {
  acceptedEvents,
  startIncoming,
  startOutgoing,
  transition,
  TRANSITIONS,
  type CallContext,
  type CallEffect,
  type CallEvent,
  type CallStateName,
} from '../../../main/calls/call-machine.ts';

interface Run {
  context: CallContext;
  effects: CallEffect[];
  refused: CallEvent['type'][];
}

function run(start: { context: CallContext; effects: CallEffect[] }, events: CallEvent[]): Run {
  let context = start.context;
  const effects = [...start.effects];
  const refused: CallEvent['type'][] = [];
  for (const e of events) {
    const t = transition(context, e);
    if (!t.accepted) refused.push(e.type);
    context = t.context;
    effects.push(...t.effects);
  }
  return { context, effects, refused };
}

const graphActions = (r: Run) =>
  r.effects.filter((e): e is Extract<CallEffect, { type: 'graph' }> => e.type === 'graph').map((e) => e.action);
const incoming = (preAccept = true, stale = false) =>
  startIncoming({ type: 'incoming', callId: 'wacid.1', offerSdp: 'OFFER', stale, preAccept });
const SDP = 'ANSWER-SDP';

describe('incoming calls', () => {
  it('rings, pre-accepts while ringing, then accepts with the identical SDP and only then attaches the microphone', () => {
    const r = run(incoming(), [
      { type: 'answer_sdp', sdp: SDP },
      { type: 'graph_ok', action: 'pre_accept' },
      { type: 'answer' },
      { type: 'graph_ok', action: 'accept' },
    ]);
    expect(r.context.state).toBe('active');
    expect(graphActions(r)).toEqual(['pre_accept', 'accept']);
    const sdps = r.effects.filter((e) => e.type === 'graph').map((e) => (e as { sdp?: string }).sdp);
    expect(sdps).toEqual([SDP, SDP]);
    const micAt = r.effects.findIndex((e) => e.type === 'media' && e.command === 'attachMicrophone');
    const acceptAt = r.effects.findIndex((e) => e.type === 'graph' && e.action === 'accept');
    expect(micAt).toBeGreaterThan(acceptAt);
    expect(r.effects).toContainEqual({ type: 'ring', on: false });
  });

  it('answers directly without pre-accept when it is turned off', () => {
    const r = run(incoming(false), [{ type: 'answer_sdp', sdp: SDP }, { type: 'answer' }, { type: 'graph_ok', action: 'accept' }]);
    expect(graphActions(r)).toEqual(['accept']);
    expect(r.context.state).toBe('active');
  });

  it('waits for the SDP when Answer comes first, then accepts once', () => {
    const r = run(incoming(), [
      { type: 'answer' },
      { type: 'answer' },
      { type: 'answer_sdp', sdp: SDP },
      { type: 'answer_sdp', sdp: 'OTHER' },
      { type: 'graph_ok', action: 'accept' },
    ]);
    expect(graphActions(r)).toEqual(['accept']);
    expect(r.context.answerSdp).toBe(SDP);
    expect(r.refused).toEqual(['answer', 'answer_sdp']);
  });

  it('declines with reject, once, and a double click sends nothing more', () => {
    const r = run(incoming(), [
      { type: 'decline' },
      { type: 'decline' },
      { type: 'graph_ok', action: 'reject' },
      { type: 'terminate_webhook' },
    ]);
    expect(graphActions(r)).toEqual(['reject']);
    expect(r.context).toMatchObject({ state: 'ended', outcome: 'declined' });
  });

  it('becomes a missed call when the answer window passes or the caller hangs up — nothing is sent either way', () => {
    // No reject: it would count as a decline and fire the REJECT voicemail trigger; WhatsApp ends it.
    const timedOut = run(incoming(), [{ type: 'answer_window_elapsed' }, { type: 'terminate_webhook' }]);
    expect(graphActions(timedOut)).toEqual([]);
    expect(timedOut.context).toMatchObject({ state: 'ended', outcome: 'missed' });
    expect(timedOut.effects).toContainEqual({ type: 'ring', on: false });
    const hungUp = run(incoming(), [{ type: 'answer_sdp', sdp: SDP }, { type: 'terminate_webhook' }, { type: 'answer' }]);
    expect(graphActions(hungUp)).toEqual(['pre_accept']);
    expect(hungUp.context).toMatchObject({ state: 'ended', outcome: 'missed' });
    expect(hungUp.refused).toEqual(['answer']);
  });

  it('never rings for a stale connect', () => {
    const r = run(incoming(true, true), [{ type: 'answer' }]);
    expect(r.context).toMatchObject({ state: 'ended', outcome: 'missed' });
    expect(r.effects).toEqual([]);
    expect(r.refused).toEqual(['answer']);
  });

  it('hangs up with terminate, once, and ends completed', () => {
    const r = run(incoming(), [
      { type: 'answer_sdp', sdp: SDP },
      { type: 'answer' },
      { type: 'graph_ok', action: 'accept' },
      { type: 'hangup' },
      { type: 'hangup' },
      { type: 'terminate_webhook' },
      { type: 'graph_ok', action: 'terminate' },
    ]);
    expect(graphActions(r)).toEqual(['pre_accept', 'accept', 'terminate']);
    expect(r.context).toMatchObject({ state: 'ended', outcome: 'completed' });
  });

  it('ends as failed with a reason when media is lost, terminating the call', () => {
    const r = run(incoming(), [
      { type: 'answer_sdp', sdp: SDP },
      { type: 'answer' },
      { type: 'graph_ok', action: 'accept' },
      { type: 'media_lost', reason: 'No audio from the customer for 8 seconds' },
      { type: 'graph_ok', action: 'terminate' },
    ]);
    expect(r.context).toMatchObject({ state: 'ended', outcome: 'failed', reason: 'No audio from the customer for 8 seconds' });
    expect(graphActions(r).at(-1)).toBe('terminate');
  });

  it('terminates when accept fails', () => {
    const r = run(incoming(), [
      { type: 'answer_sdp', sdp: SDP },
      { type: 'answer' },
      { type: 'graph_failed', action: 'accept', reason: 'The call was not set up in time.' },
      { type: 'graph_ok', action: 'terminate' },
    ]);
    expect(graphActions(r)).toEqual(['pre_accept', 'accept', 'terminate']);
    expect(r.context).toMatchObject({ state: 'ended', outcome: 'failed', reason: 'The call was not set up in time.' });
  });
});

describe('outgoing calls', () => {
  it('offers, connects, rings, is answered and only then attaches the microphone', () => {
    const r = run(startOutgoing(), [
      { type: 'offer_sdp', sdp: 'OFFER' },
      { type: 'connect_answer', sdp: 'ANS' },
      { type: 'graph_ok', action: 'connect', callId: 'wacid.9' },
      { type: 'status', status: 'RINGING' },
      { type: 'status', status: 'RINGING' },
      { type: 'status', status: 'ACCEPTED' },
    ]);
    expect(r.context).toMatchObject({ state: 'active', callId: 'wacid.9' });
    expect(graphActions(r)).toEqual(['connect']);
    expect(r.effects).toContainEqual({ type: 'media', command: 'applyAnswer', sdp: 'ANS' });
    expect(r.effects.at(-1)).toEqual({ type: 'media', command: 'attachMicrophone' }); // the last effect: nothing follows the microphone
  });

  it("is established by the customer's audio on the applied answer (ACCEPTED late or missing): the microphone goes on once, never while it rings", () => {
    const mics = (r: Run) => r.effects.filter((e) => e.type === 'media' && e.command === 'attachMicrophone').length;
    // Audio before any answer was applied (cannot be theirs): refused, still silent.
    const early = run(startOutgoing(), [
      { type: 'offer_sdp', sdp: 'O' },
      { type: 'graph_ok', action: 'connect', callId: 'wacid.9' },
      { type: 'media_audio' },
    ]);
    expect(early.refused).toEqual(['media_audio']);
    expect(mics(early)).toBe(0);
    // Answer applied, their phone rings (RINGING), they pick up and talk; ACCEPTED comes late, or never.
    const late = run(startOutgoing(), [
      { type: 'offer_sdp', sdp: 'O' },
      { type: 'graph_ok', action: 'connect', callId: 'wacid.9' },
      { type: 'connect_answer', sdp: 'ANS' },
      { type: 'status', status: 'RINGING' },
      { type: 'media_audio' },
      { type: 'status', status: 'ACCEPTED' },
    ]);
    expect(late.context.state).toBe('active');
    expect(mics(late)).toBe(1);
    expect(late.refused).toEqual(['status']); // the late ACCEPTED changes nothing
    // ACCEPTED first: the audio that follows changes nothing either.
    const prompt = run(startOutgoing(), [
      { type: 'offer_sdp', sdp: 'O' },
      { type: 'connect_answer', sdp: 'ANS' },
      { type: 'status', status: 'ACCEPTED' },
      { type: 'media_audio' },
    ]);
    expect(mics(prompt)).toBe(1);
    // A terminate FAILED with an error while up or dialing is a failure, not "completed" or "no answer".
    const failedUp = run(startOutgoing(), [
      { type: 'offer_sdp', sdp: 'O' },
      { type: 'connect_answer', sdp: 'ANS' },
      { type: 'media_audio' },
      { type: 'terminate_webhook', failure: 'No media.' },
    ]);
    expect(failedUp.context).toMatchObject({ state: 'ended', outcome: 'failed', reason: 'No media.' });
    const failedDialing = run(startOutgoing(), [
      { type: 'offer_sdp', sdp: 'O' },
      { type: 'terminate_webhook', failure: 'Relay failed.' },
    ]);
    expect(failedDialing.context).toMatchObject({ outcome: 'failed', reason: 'Relay failed.' });
  });

  it('ends declined, not answered, cancelled or failed', () => {
    expect(
      run(startOutgoing(), [{ type: 'offer_sdp', sdp: 'O' }, { type: 'status', status: 'REJECTED' }, { type: 'terminate_webhook' }]).context
        .outcome,
    ).toBe('declined');
    expect(
      run(startOutgoing(), [
        { type: 'offer_sdp', sdp: 'O' },
        { type: 'status', status: 'RINGING' },
        { type: 'ring_timeout' },
        { type: 'graph_ok', action: 'terminate' },
      ]).context.outcome,
    ).toBe('no_answer');
    const cancelled = run(startOutgoing(), [
      { type: 'offer_sdp', sdp: 'O' },
      { type: 'hangup' },
      { type: 'graph_ok', action: 'terminate' },
    ]);
    expect(cancelled.context.outcome).toBe('cancelled');
    expect(graphActions(cancelled)).toEqual(['connect', 'terminate']);
    const refused = run(startOutgoing(), [
      { type: 'offer_sdp', sdp: 'O' },
      { type: 'graph_failed', action: 'connect', reason: 'This customer has not given permission to be called.' },
    ]);
    expect(refused.context).toMatchObject({
      state: 'ended',
      outcome: 'failed',
      reason: 'This customer has not given permission to be called.',
    });
  });
});

describe('the table', () => {
  const states = Object.keys(TRANSITIONS) as CallStateName[];
  it('has no way out of ended, and every other state can end', () => {
    expect(acceptedEvents('ended')).toEqual([]);
    for (const s of states.filter((x) => x !== 'ended')) {
      expect(
        acceptedEvents(s).some((e) => ['terminate_webhook', 'hangup', 'graph_failed', 'graph_ok', 'media_lost'].includes(e)),
        s,
      ).toBe(true);
    }
  });

  it('refuses every event in the ended state without effects', () => {
    const ended = run(incoming(), [{ type: 'terminate_webhook' }]).context;
    const all: CallEvent[] = [
      { type: 'answer' },
      { type: 'decline' },
      { type: 'hangup' },
      { type: 'answer_sdp', sdp: 'x' },
      { type: 'graph_ok', action: 'accept' },
      { type: 'status', status: 'ACCEPTED' },
      { type: 'terminate_webhook' },
      { type: 'media_lost', reason: 'x' },
    ];
    for (const e of all) {
      const t = transition(ended, e);
      expect(t.accepted).toBe(false);
      expect(t.effects).toEqual([]);
      expect(t.context).toBe(ended);
    }
  });
});
