/**
 * A customer who calls while the business is closed (call hours) and asks to be called back
 * (calling-api.md §1.2, §1.3, §3.3, §4.1): the call is refused with no `calls` webhook, the user
 * taps "Request a callback", and the business receives an automatic temporary permission whose
 * `context.id` is the refused call's wacid.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './test-helpers.ts';
import { startHarness, waitFor } from './test-helpers.ts';

const PNID = '3000000000000003';
const JONAS = '4915112340002';
let h: Harness;

afterEach(async () => {
  await h.close();
});

/** Open one minute a week (Monday 00:00–00:01 UTC): closed whenever a test runs, but on a Monday's first minute. */
const CLOSED = {
  status: 'ENABLED',
  timezone_id: 'UTC',
  weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0000', close_time: '0001' }],
};

const permissionReplies = (): Array<Record<string, unknown>> =>
  h.rx
    .changes('messages')
    .flatMap((c) => (c.value['messages'] as Array<Record<string, unknown>> | undefined) ?? [])
    .filter((m) => (m['interactive'] as { type?: string } | undefined)?.type === 'call_permission_reply');

async function closedHarness(callback: 'ENABLED' | 'DISABLED' = 'ENABLED'): Promise<void> {
  h = await startHarness({ seed: { calling: { status: 'ENABLED', callback_permission_status: callback, call_hours: CLOSED as never } } });
  h.sim.clock.advance(2 * 60_000); // never in Monday's open minute
}

describe('callback requests outside call hours', () => {
  it('a call outside hours is refused without a webhook; requesting a callback sends an automatic temporary permission naming that call', async () => {
    await closedHarness();
    const refused = await h.control('POST', `users/${JONAS}/call`, {});
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ refused: true, reason: 'outside_call_hours', callback_request_available: true });
    const attempt = refused.json['call_id'] as string;
    expect(attempt).toMatch(/^wacid\./);
    expect(permissionReplies()).toHaveLength(0);

    const asked = await h.control('POST', `users/${JONAS}/request-callback`, {});
    expect(asked.status).toBe(201);
    expect(asked.json['call_id']).toBe(attempt);
    const [reply] = await waitFor(() => (permissionReplies().length ? permissionReplies() : null), 'the permission webhook');
    const expected = Math.floor((h.sim.clock.now() + 7 * 86_400_000) / 1000);
    expect(reply).toMatchObject({
      from: JONAS,
      context: { id: attempt },
      interactive: {
        type: 'call_permission_reply',
        call_permission_reply: { response: 'accept', response_source: 'automatic' },
      },
    });
    const r = (reply!['interactive'] as { call_permission_reply: Record<string, unknown> }).call_permission_reply;
    expect(Math.abs(Number(r['expiration_timestamp']) - expected)).toBeLessThanOrEqual(1);
    expect(r).not.toHaveProperty('is_permanent');
    expect(reply).not.toHaveProperty('type');
    // No call ever reached the business.
    expect(h.rx.changes('calls')).toHaveLength(0);
    const perm = await h.graph('GET', `${PNID}/call_permissions?user_wa_id=${JONAS}`);
    expect(perm.json['permission']).toMatchObject({ status: 'temporary', expiration_time: expected });
  });

  it('request_callback: true on the call does both at once', async () => {
    await closedHarness();
    const r = await h.control('POST', `users/${JONAS}/call`, { request_callback: true });
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ reason: 'outside_call_hours', callback_requested: true });
    const [reply] = await waitFor(() => (permissionReplies().length ? permissionReplies() : null), 'the permission webhook');
    expect(reply!['context']).toEqual({ from: h.sim.credentials().displayPhoneNumber, id: r.json['call_id'] });
  });

  it('is not offered with callback permission off, names only the user’s own latest attempt, and leaves a permanent permission alone', async () => {
    await closedHarness('DISABLED');
    const refused = await h.control('POST', `users/${JONAS}/call`, { request_callback: true });
    expect(refused.json).toMatchObject({ reason: 'outside_call_hours', callback_request_available: false });
    expect(refused.json).not.toHaveProperty('callback_requested');
    expect((await h.control('POST', `users/${JONAS}/request-callback`, {})).status).toBe(409);
    await h.close();

    await closedHarness();
    const first = await h.control('POST', `users/${JONAS}/call`, {});
    const other = await h.control('POST', 'users/5511987650001/call', {});
    const wrong = await h.control('POST', `users/${JONAS}/request-callback`, { call_id: other.json['call_id'] });
    expect(wrong.status).toBe(409);
    expect((await h.control('POST', `users/${JONAS}/request-callback`, { call_id: first.json['call_id'] })).status).toBe(201);
    await waitFor(() => permissionReplies().length === 1, 'one permission webhook');

    await h.control('POST', `users/${JONAS}/permission`, { source: 'profile' }); // permanent, from the business profile
    await waitFor(() => permissionReplies().length === 2, 'the profile grant');
    await h.control('POST', `users/${JONAS}/call`, {});
    const again = await h.control('POST', `users/${JONAS}/request-callback`, {});
    expect(again.json).toMatchObject({ message: null });
    h.sim.clock.advance(1000);
    expect(permissionReplies()).toHaveLength(2);
    const perm = await h.graph('GET', `${PNID}/call_permissions?user_wa_id=${JONAS}`);
    expect(perm.json['permission']).toEqual({ status: 'permanent' });
  });
});
