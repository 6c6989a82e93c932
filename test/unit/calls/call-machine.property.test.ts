/**
 * Property-based tests of the call state machine: random interleavings of webhooks (duplicated,
 * reordered), owner actions (double clicks included), media reports and Graph answers. Whatever
 * happens: ended is final, Graph sees at most one accept — with the SDP that pre_accept carried —
 * the microphone is never attached before the call was accepted, and a terminate webhook always
 * ends the call.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  startIncoming,
  startOutgoing,
  transition,
  type CallContext,
  type CallEffect,
  type CallEvent,
} from '../../../main/calls/call-machine.ts';

const event: fc.Arbitrary<CallEvent> = fc.oneof(
  fc.constant<CallEvent>({ type: 'answer' }),
  fc.constant<CallEvent>({ type: 'decline' }),
  fc.constant<CallEvent>({ type: 'hangup' }),
  fc.constantFrom<CallEvent>({ type: 'answer_sdp', sdp: 'SDP-A' }, { type: 'answer_sdp', sdp: 'SDP-B' }),
  fc.constant<CallEvent>({ type: 'offer_sdp', sdp: 'OFFER' }),
  fc.constantFrom<CallEvent>(
    { type: 'graph_ok', action: 'pre_accept' },
    { type: 'graph_ok', action: 'accept' },
    { type: 'graph_ok', action: 'reject' },
    { type: 'graph_ok', action: 'terminate' },
    { type: 'graph_ok', action: 'connect', callId: 'wacid.x' },
  ),
  fc.constantFrom<CallEvent>(
    { type: 'graph_failed', action: 'accept', reason: 'x' },
    { type: 'graph_failed', action: 'pre_accept', reason: 'x' },
    { type: 'graph_failed', action: 'connect', reason: 'x' },
  ),
  fc.constant<CallEvent>({ type: 'connect_answer', sdp: 'ANSWER' }),
  fc.constantFrom<CallEvent>(
    { type: 'status', status: 'RINGING' },
    { type: 'status', status: 'ACCEPTED' },
    { type: 'status', status: 'REJECTED' },
  ),
  fc.constant<CallEvent>({ type: 'terminate_webhook' }),
  fc.constant<CallEvent>({ type: 'answer_window_elapsed' }),
  fc.constant<CallEvent>({ type: 'ring_timeout' }),
  fc.constant<CallEvent>({ type: 'media_lost', reason: 'ICE failed' }),
);

/** What the properties tried, printed at the end (issue 9: every suite says what it tried). */
const tried = { runs: 0, events: 0, effects: 0, endedRuns: 0 };

function runAll(start: { context: CallContext; effects: CallEffect[] }, events: CallEvent[]) {
  tried.runs++;
  tried.events += events.length;
  let c = start.context;
  const effects: Array<{ fx: CallEffect; stateBefore: string; event: string; acceptedBefore: boolean }> = start.effects.map((fx) => ({
    fx,
    stateBefore: 'new',
    event: 'start',
    acceptedBefore: false,
  }));
  let accepted = false; // accept succeeded (incoming) or ACCEPTED (outgoing)
  const states: string[] = [c.state];
  for (const e of events) {
    const before = c.state;
    const t = transition(c, e);
    if (before === 'ended') expect(t.accepted).toBe(false);
    for (const fx of t.effects) effects.push({ fx, stateBefore: before, event: e.type, acceptedBefore: accepted });
    if (
      t.accepted &&
      ((e.type === 'graph_ok' && e.action === 'accept' && before === 'answering') || (e.type === 'status' && e.status === 'ACCEPTED'))
    )
      accepted = true;
    c = t.context;
    states.push(c.state);
  }
  tried.effects += effects.length;
  if (c.state === 'ended') tried.endedRuns++;
  return { c, effects, states };
}

const incomingStart = (preAccept: boolean) =>
  startIncoming({ type: 'incoming', callId: 'wacid.1', offerSdp: 'OFFER', stale: false, preAccept });

describe('call state machine properties', () => {
  afterAll(() => {
    console.log(
      `call machine properties: ${tried.runs} event sequences (${tried.events} events, ${tried.effects} effects checked; ${tried.endedRuns} ended); held: ended is final, ≤1 accept with the pre_accept SDP, mic only after accept/ACCEPTED, ≤1 connect/reject/terminate, a terminate webhook always ends the call`,
    );
  });

  it('incoming: ended is final, one accept with the pre_accept SDP, mic only after accept, terminate always ends', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(event, { maxLength: 40 }), (preAccept, events) => {
        const { c, effects, states } = runAll(incomingStart(preAccept), events);
        const endedAt = states.indexOf('ended');
        if (endedAt >= 0) expect(states.slice(endedAt).every((s) => s === 'ended')).toBe(true);
        const graph = effects.filter((x) => x.fx.type === 'graph').map((x) => x.fx as Extract<CallEffect, { type: 'graph' }>);
        const accepts = graph.filter((g) => g.action === 'accept');
        expect(accepts.length).toBeLessThanOrEqual(1);
        const pre = graph.find((g) => g.action === 'pre_accept');
        if (pre && accepts[0]) expect(accepts[0].sdp).toBe(pre.sdp);
        expect(graph.filter((g) => g.action === 'pre_accept').length).toBeLessThanOrEqual(1);
        if (!preAccept) expect(pre).toBeUndefined();
        expect(graph.some((g) => g.action === 'connect')).toBe(false);
        for (const x of effects)
          if (x.fx.type === 'media' && x.fx.command === 'attachMicrophone')
            expect(x.event === 'graph_ok' && x.stateBefore === 'answering').toBe(true);
        expect(graph.filter((g) => g.action === 'reject' || g.action === 'terminate').length).toBeLessThanOrEqual(1);
        // Whatever came before, a terminate webhook ends a call that has not ended yet.
        if (c.state !== 'ended') expect(transition(c, { type: 'terminate_webhook' }).context.state).toBe('ended');
      }),
      { numRuns: 3000 },
    );
  });

  it('outgoing: one connect, mic only after ACCEPTED, ended is final, nothing incoming-only is ever sent', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        const { effects, states } = runAll(startOutgoing(), events);
        const endedAt = states.indexOf('ended');
        if (endedAt >= 0) expect(states.slice(endedAt).every((s) => s === 'ended')).toBe(true);
        const graph = effects.filter((x) => x.fx.type === 'graph').map((x) => (x.fx as Extract<CallEffect, { type: 'graph' }>).action);
        expect(graph.filter((a) => a === 'connect').length).toBeLessThanOrEqual(1);
        expect(graph.some((a) => a === 'accept' || a === 'pre_accept' || a === 'reject')).toBe(false);
        for (const x of effects) if (x.fx.type === 'media' && x.fx.command === 'attachMicrophone') expect(x.event).toBe('status');
        expect(graph.filter((a) => a === 'terminate').length).toBeLessThanOrEqual(1);
        const last = states.at(-1)!;
        // Once a call id can exist (after the offer), a terminate webhook ends the call.
        if (last !== 'ended' && last !== 'preparing') {
          const { c } = runAll(startOutgoing(), events);
          expect(transition(c, { type: 'terminate_webhook' }).context.state).toBe('ended');
        }
      }),
      { numRuns: 3000 },
    );
  });
});
