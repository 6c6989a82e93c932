/**
 * Unanswered calls, both ways (calling-api.md §4.2, §4.5): business calls unanswered in a row nudge
 * the customer after 2 and revoke the permission after 4 (sandbox 5 and 10); customers' calls
 * nobody picks up, when the seed turns enforcement on, bring the low-pickup warning and then the
 * hidden call button in the settings' `restrictions` (pickup.ts has the guess and its evidence).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { businessLikeSdp } from './sdp.ts';
import type { Harness } from './test-helpers.ts';
import { startHarness, waitFor } from './test-helpers.ts';

const PNID = '3000000000000003';
const ANA = '5511987650001';
let h: Harness;

afterEach(async () => {
  await h.close();
});

const accountUpdates = () => h.rx.changes('account_update').map((c) => c.value);
const permissionOf = async (key: string) => ((await h.control('GET', `users/${key}`)).json['permission'] as Record<string, unknown>) ?? {};

async function placeUnanswered(how: 'ring-out' | 'decline'): Promise<void> {
  const c = await h.graph('POST', `${PNID}/calls`, {
    messaging_product: 'whatsapp',
    to: ANA,
    action: 'connect',
    session: { sdp_type: 'offer', sdp: businessLikeSdp('offer') },
  });
  expect(c.status, JSON.stringify(c.json)).toBe(200);
  const id = ((c.json['calls'] as Array<Record<string, unknown>>)[0] ?? {})['id'] as string;
  expect((await h.control('POST', `calls/${id}/${how}`)).status).toBeLessThan(300);
}

describe('business calls unanswered in a row', () => {
  it('nudges the customer after the 2nd (no webhook), revokes the permission after the 4th', async () => {
    h = await startHarness();
    expect((await h.control('POST', `users/${ANA}/permission`, { response: 'accept', source: 'profile', permanent: false })).status).toBe(
      201,
    );
    const events = () => h.sim.ctx.events.since(0).map((e) => e.type);
    await placeUnanswered('ring-out');
    expect(await permissionOf(ANA)).toMatchObject({ status: 'temporary', consecutive_unanswered: 1, nudged_at: null });
    await placeUnanswered('decline');
    const second = await permissionOf(ANA);
    expect(second).toMatchObject({ status: 'temporary', consecutive_unanswered: 2 });
    expect(second['nudged_at']).toEqual(expect.any(Number));
    expect(events().filter((t) => t === 'permission.nudge')).toHaveLength(1);
    const repliesBefore = h.rx.changes('messages').length;
    await placeUnanswered('ring-out');
    expect(await permissionOf(ANA)).toMatchObject({ status: 'temporary', consecutive_unanswered: 3 });
    expect(h.rx.changes('messages')).toHaveLength(repliesBefore); // the nudge is the phone's business only
    await placeUnanswered('ring-out');
    expect(await permissionOf(ANA)).toMatchObject({ status: 'no_permission', consecutive_unanswered: 0 });
    const revoked = await waitFor(
      () =>
        h.rx
          .changes('messages')
          .flatMap((c) => (c.value['messages'] as Array<Record<string, unknown>> | undefined) ?? [])
          .find((m) => JSON.stringify(m).includes('"response":"reject"')),
      'the revocation',
    );
    expect(revoked['interactive']).toMatchObject({ call_permission_reply: { response: 'reject', response_source: 'automatic' } });
    // No permission now: a fifth call is refused.
    const fifth = await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      to: ANA,
      action: 'connect',
      session: { sdp_type: 'offer', sdp: businessLikeSdp('offer') },
    });
    expect((fifth.json['error'] as { code: number }).code).toBe(138006);
  });
});

describe('customers’ calls nobody picks up (low pickup rate)', () => {
  it('off by default: the run is counted, nothing is enforced', async () => {
    h = await startHarness({ seed: { calling: { status: 'ENABLED' } as never } });
    for (let i = 0; i < 6; i++) {
      const call = await h.control('POST', `users/${ANA}/call`, {});
      await h.control('POST', `calls/${call.json['id'] as string}/hangup`);
    }
    const state = (await h.control('GET', 'state')).json;
    expect(state['customer_calls_unanswered_in_a_row']).toBe(6);
    expect(state['restrictions']).toEqual([]);
    expect(accountUpdates()).toEqual([]);
  });

  it('warns after warnAfter in a row, hides the call button after restrictAfter (no expiry, in the settings), and an accepted call resets the run', async () => {
    h = await startHarness({
      seed: { calling: { status: 'ENABLED' } as never, config: { lowPickup: { warnAfter: 2, restrictAfter: 3 } } },
    });
    const missed = async () => {
      const call = await h.control('POST', `users/${ANA}/call`, {});
      expect(call.status).toBe(201);
      // Rings out at the answer window.
      h.sim.clock.advance(46_000);
      await waitFor(() => (h.sim.calls.get(call.json['id'] as string)?.state === 'ended' ? true : null), 'the call rang out');
    };
    await missed();
    expect(accountUpdates()).toEqual([]);
    await missed();
    const warning = await waitFor(() => accountUpdates()[0], 'the warning');
    expect(warning).toMatchObject({
      event: 'ACCOUNT_VIOLATION',
      violation_info: {
        violation_type: 'USER_INITIATED_CALLS_LOW_PICKUP_RATE',
        remediation: expect.stringContaining('not being picked up'),
      },
    });
    expect((await h.graph('GET', `${PNID}/settings`)).json['calling']).not.toHaveProperty('restrictions');
    await missed();
    const restriction = await waitFor(() => accountUpdates()[1], 'the restriction');
    expect(restriction).toMatchObject({
      event: 'ACCOUNT_RESTRICTION',
      restriction_info: [{ restriction_type: 'RESTRICTED_USER_INITIATED_CALLING_CALL_BUTTON_HIDDEN' }],
    });
    const settings = (await h.graph('GET', `${PNID}/settings`)).json['calling'] as Record<string, unknown>;
    expect(settings['restrictions']).toEqual({
      restrictions_list: [
        {
          type: 'RESTRICTED_USER_INITIATED_CALLING_CALL_BUTTON_HIDDEN',
          reason: 'The call button has been hidden due to low pickup rates.',
        },
      ],
    });
    // Enforced: the call icon is gone; a call button still rings (§4.5 hides the button in the chat).
    const icon = await h.control('POST', `users/${ANA}/call`, {});
    expect(icon.json).toMatchObject({ refused: true, reason: 'call_icon_hidden' });
    h.sim.clock.advance(30 * 86_400_000);
    expect((await h.control('POST', `users/${ANA}/call`, {})).json).toMatchObject({ reason: 'call_icon_hidden' }); // no expiry
    // Lifted by hand (WhatsApp Manager), then a call the business accepts ends the run.
    await h.control('PUT', 'restrictions', { restrictions: [] });
    const next = await h.control('POST', `users/${ANA}/call`, {});
    const id = next.json['id'] as string;
    await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      call_id: id,
      action: 'accept',
      session: { sdp_type: 'answer', sdp: businessLikeSdp('answer') },
    });
    await h.control('POST', `calls/${id}/hangup`);
    expect((await h.control('GET', 'state')).json['customer_calls_unanswered_in_a_row']).toBe(0);
  });
});
