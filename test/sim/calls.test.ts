import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { businessLikeSdp } from './sdp.ts';
import type { Harness } from './test-helpers.ts';
import { callEvent, callStatus, err, startHarness, waitFor } from './test-helpers.ts';

const PNID = '3000000000000003';
let h: Harness;

afterEach(async () => {
  await h.close();
});

async function userCalls(user: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await h.control('POST', `users/${user}/call`, body);
  expect(r.status).toBe(201);
  return r.json['id'] as string;
}

async function grant(user: string, permanent = false): Promise<void> {
  const r = await h.control('POST', `users/${user}/permission`, { response: 'accept', source: 'profile', permanent });
  expect(r.status).toBe(201);
}

describe('user-initiated calls', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  it('offer → connect webhook → pre_accept → accept (same SDP) → terminate webhook COMPLETED', async () => {
    const id = await userCalls('5511987650001', { cta_payload: 'order-42' });
    const connect = await waitFor(() => callEvent(h.rx, id, 'connect'), 'connect webhook');
    const call = (connect['calls'] as Array<Record<string, unknown>>)[0] ?? {};
    // As real connects from a customer known by number: no BSUID, the profile name is the digits.
    expect(call).toMatchObject({ from: '5511987650001', to: '5511955550100', direction: 'USER_INITIATED', cta_payload: 'order-42' });
    expect(call['from_user_id']).toBeUndefined();
    expect((call['session'] as Record<string, unknown>)['sdp_type']).toBe('offer');
    expect(connect['contacts']).toEqual([{ profile: { name: '5511987650001' }, wa_id: '5511987650001' }]);
    expect(id).toMatch(/^wacid\.[A-Za-z0-9+/]+==$/);

    const answer = businessLikeSdp('answer');
    const pre = await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      call_id: id,
      action: 'pre_accept',
      session: { sdp_type: 'answer', sdp: answer },
    });
    expect(pre).toEqual({ status: 200, json: { messaging_product: 'whatsapp', success: true } });
    const poll = await h.control('GET', `calls/${id}/answer`);
    expect(poll.json['sdp']).toBe(answer);

    const acc = await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      call_id: id,
      action: 'accept',
      session: { sdp_type: 'answer', sdp: answer },
      biz_opaque_callback_data: 'abc',
    });
    expect(acc.status).toBe(200);
    await h.control('POST', `calls/${id}/media`, { receiving: true });
    h.sim.clock.advance(65_000);
    const term = await h.graph('POST', `${PNID}/calls`, { messaging_product: 'whatsapp', call_id: id, action: 'terminate' });
    expect(term.status).toBe(200);
    const t = await waitFor(() => callEvent(h.rx, id, 'terminate'), 'terminate webhook');
    const tc = (t['calls'] as Array<Record<string, unknown>>)[0] ?? {};
    expect(tc).toMatchObject({ status: 'COMPLETED', biz_opaque_callback_data: 'abc', cta_payload: 'order-42' });
    expect(tc['duration']).toBeGreaterThanOrEqual(65);
    expect(typeof tc['start_time']).toBe('string');
  });

  it('refuses an accept SDP that differs from the pre_accept one, and sdp_type offer', async () => {
    const id = await userCalls('5511987650001');
    await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      call_id: id,
      action: 'pre_accept',
      session: { sdp_type: 'answer', sdp: businessLikeSdp('answer') },
    });
    const diff = await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      call_id: id,
      action: 'accept',
      session: { sdp_type: 'answer', sdp: businessLikeSdp('answer') },
    });
    expect(diff.status).toBe(400);
    expect(err(diff.json).code).toBe(100);
    expect(err(diff.json).error_data.details).toMatch(/identical/);
    const offer = await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      call_id: id,
      action: 'accept',
      session: { sdp_type: 'offer', sdp: businessLikeSdp('answer') },
    });
    expect(err(offer.json).code).toBe(100);
    expect(err(offer.json).error_data.details).toMatch(/sdp_type must be "answer"/);
  });

  it('reject ends the call with a terminate webhook; further actions on it are 100', async () => {
    const id = await userCalls('5511987650001');
    expect((await h.graph('POST', `${PNID}/calls`, { messaging_product: 'whatsapp', call_id: id, action: 'reject' })).status).toBe(200);
    const t = await waitFor(() => callEvent(h.rx, id, 'terminate'), 'terminate');
    expect((t['calls'] as Array<Record<string, unknown>>)[0]?.['status']).toBe('FAILED');
    const again = await h.graph('POST', `${PNID}/calls`, { messaging_product: 'whatsapp', call_id: id, action: 'terminate' });
    expect(err(again.json).code).toBe(100);
    const unknown = await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      call_id: 'wacid.nope',
      action: 'accept',
      session: { sdp_type: 'answer', sdp: businessLikeSdp('answer') },
    });
    expect(unknown.status).toBe(400);
    expect(err(unknown.json).code).toBe(100);
  });

  it('the accept window expires on the sim clock: terminate webhook, call ended', async () => {
    const id = await userCalls('5511987650001');
    h.sim.clock.advance(44_000);
    expect(h.sim.calls.get(id)?.state).toBe('ringing');
    h.sim.clock.advance(2_000);
    const t = await waitFor(() => callEvent(h.rx, id, 'terminate'), 'terminate');
    expect((t['calls'] as Array<Record<string, unknown>>)[0]?.['status']).toBe('FAILED');
    const late = await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      call_id: id,
      action: 'accept',
      session: { sdp_type: 'answer', sdp: businessLikeSdp('answer') },
    });
    expect(err(late.json).code).toBe(100);
  });

  it('no media 20 s after accept → terminate with 138021 in calls[0].errors and value.errors', async () => {
    const id = await userCalls('5511987650001');
    await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      call_id: id,
      action: 'accept',
      session: { sdp_type: 'answer', sdp: businessLikeSdp('answer') },
    });
    h.sim.clock.advance(21_000);
    const t = await waitFor(() => callEvent(h.rx, id, 'terminate'), 'terminate');
    const c = (t['calls'] as Array<Record<string, unknown>>)[0] ?? {};
    expect(c['status']).toBe('FAILED');
    expect((c['errors'] as Array<Record<string, unknown>>)[0]?.['code']).toBe(138021);
    expect((t['errors'] as Array<Record<string, unknown>>)[0]?.['code']).toBe(138021);
    expect(c['start_time']).toBeDefined();
  });

  it('media stopping mid-call ends the call after 30 s', async () => {
    const id = await userCalls('5511987650001');
    await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      call_id: id,
      action: 'accept',
      session: { sdp_type: 'answer', sdp: businessLikeSdp('answer') },
    });
    await h.control('POST', `calls/${id}/media`, { receiving: true });
    h.sim.clock.advance(120_000);
    expect(h.sim.calls.get(id)?.state).toBe('accepted');
    await h.control('POST', `calls/${id}/media`, { receiving: false });
    h.sim.clock.advance(29_000);
    expect(h.sim.calls.get(id)?.state).toBe('accepted');
    h.sim.clock.advance(2_000);
    expect(h.sim.calls.get(id)?.errorCode).toBe(138021);
  });

  it('user hangs up: terminate webhook', async () => {
    const id = await userCalls('MX.10000000000000000004');
    await h.control('POST', `calls/${id}/hangup`);
    const t = await waitFor(() => callEvent(h.rx, id, 'terminate'), 'terminate');
    const c = (t['calls'] as Array<Record<string, unknown>>)[0] ?? {};
    expect(c['from']).toBeUndefined();
    expect(c['from_user_id']).toBe('MX.10000000000000000004');
  });
});

describe('user-initiated calls refused on the phone (no webhook)', () => {
  it('calling disabled, call icon hidden, country restriction (but call button works), outside call hours', async () => {
    h = await startHarness({ seed: { calling: { status: 'DISABLED' } } });
    let r = await h.control('POST', 'users/5511987650001/call', {});
    expect(r.status).toBe(409);
    expect(r.json['reason']).toBe('calling_disabled');

    h.sim.ctx.state.settings.status = 'ENABLED';
    h.sim.ctx.state.settings.call_icon_visibility = 'DISABLE_ALL';
    r = await h.control('POST', 'users/5511987650001/call', {});
    expect(r.json['reason']).toBe('call_icon_hidden');
    r = await h.control('POST', 'users/5511987650001/call', { via: 'contact' });
    expect(r.status).toBe(201);
    await h.control('POST', `calls/${r.json['id'] as string}/hangup`);

    h.sim.ctx.state.settings.call_icon_visibility = 'DEFAULT';
    h.sim.ctx.state.settings.call_icons = { restrict_to_user_countries: ['BR'] };
    r = await h.control('POST', 'users/4915112340002/call', {});
    expect(r.json['reason']).toBe('country_restricted');
    r = await h.control('POST', 'users/4915112340002/call', { via: 'call_button', cta_payload: 'x' });
    expect(r.status).toBe(201);
    await h.control('POST', `calls/${r.json['id'] as string}/hangup`);

    h.sim.ctx.state.settings.call_hours = {
      status: 'ENABLED',
      timezone_id: 'UTC',
      weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0000', close_time: '0001' }],
    };
    h.sim.ctx.state.settings.callback_permission_status = 'ENABLED';
    r = await h.control('POST', 'users/5511987650001/call', { via: 'call_button' });
    expect(r.json).toMatchObject({ refused: true, reason: 'outside_call_hours', callback_request_available: true });
    expect(
      h.rx.changes('calls').filter((c) => (c.value['calls'] as Array<Record<string, unknown>>)[0]?.['event'] === 'connect'),
    ).toHaveLength(2);

    // A holiday entry is special opening hours for its date (Meta: an override of the weekly
    // schedule with opening and closing times): open within them even on a closed weekday…
    const now = new Date(h.sim.clock.now());
    const today = now.toISOString().slice(0, 10);
    const hhmm = (d: Date): string => `${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}`;
    const from = new Date(Math.max(now.getTime() - 3_600_000, Date.parse(`${today}T00:00:00Z`)));
    const to = new Date(Math.min(now.getTime() + 3_600_000, Date.parse(`${today}T23:58:00Z`)));
    h.sim.ctx.state.settings.call_hours = {
      ...h.sim.ctx.state.settings.call_hours,
      holiday_schedule: [{ date: today, start_time: hhmm(from), end_time: hhmm(to) }],
    };
    r = await h.control('POST', 'users/5511987650001/call', { via: 'call_button' });
    expect(r.status).toBe(201);
    await h.control('POST', `calls/${r.json['id'] as string}/hangup`);
    // …and closed outside them, even when the weekly hours would be open.
    h.sim.ctx.state.settings.call_hours = {
      status: 'ENABLED',
      timezone_id: 'UTC',
      weekly_operating_hours: (['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const).map((d) => ({
        day_of_week: d,
        open_time: '0000',
        close_time: '2359',
      })),
      holiday_schedule: [{ date: today, start_time: '0000', end_time: '0001' }],
    };
    r = await h.control('POST', 'users/5511987650001/call', { via: 'call_button' });
    if (hhmm(now) >= '0001') expect(r.json).toMatchObject({ refused: true, reason: 'outside_call_hours' });
  });
});

describe('business-initiated calls', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  const connect = (to: string, extra: Record<string, unknown> = {}): Promise<{ status: number; json: Record<string, unknown> }> =>
    h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      to,
      action: 'connect',
      session: { sdp_type: 'offer', sdp: businessLikeSdp('offer') },
      ...extra,
    });

  it('permission request → grant → connect → phone answers → connect webhook (answer) + RINGING → ACCEPTED → terminate', async () => {
    await h.control('POST', 'users/5511987650001/messages', { text: 'hi' });
    const req = await h.graph('POST', `${PNID}/messages`, {
      messaging_product: 'whatsapp',
      to: '5511987650001',
      type: 'interactive',
      interactive: { type: 'call_permission_request', action: { name: 'call_permission_request' }, body: { text: 'May we call?' } },
    });
    expect(req.status).toBe(200);
    const reqId = ((req.json['messages'] as Array<Record<string, unknown>>)[0] ?? {})['id'];
    const none = await connect('5511987650001');
    expect(none.status).toBe(401);
    expect(err(none.json).code).toBe(138006);

    const g = await h.control('POST', 'users/5511987650001/permission', { response: 'accept' });
    expect(g.status).toBe(201);
    const reply = await waitFor(
      () =>
        h.rx
          .changes('messages')
          .find(
            (c) =>
              (
                (c.value['messages'] as Array<Record<string, unknown>> | undefined)?.[0]?.['interactive'] as
                  Record<string, unknown> | undefined
              )?.['type'] === 'call_permission_reply',
          ),
      'permission reply',
    );
    const m = (reply.value['messages'] as Array<Record<string, unknown>>)[0] ?? {};
    expect(m['context']).toEqual({ from: '5511955550100', id: reqId });
    // As on Meta's permissions page: no `type` on the message, no `is_permanent` for a temporary grant.
    expect(m['type']).toBeUndefined();
    expect((m['interactive'] as Record<string, unknown>)['call_permission_reply']).toMatchObject({
      response: 'accept',
      response_source: 'user_action',
    });
    expect((m['interactive'] as Record<string, Record<string, unknown>>)['call_permission_reply']!['is_permanent']).toBeUndefined();

    const perm = await h.graph('GET', `${PNID}/call_permissions?user_wa_id=5511987650001`);
    expect((perm.json['permission'] as Record<string, unknown>)['status']).toBe('temporary');

    const c = await connect('5511987650001', { biz_opaque_callback_data: 'tracking-1' });
    expect(c.status).toBe(200);
    const id = ((c.json['calls'] as Array<Record<string, unknown>>)[0] ?? {})['id'] as string;
    expect(id).toMatch(/^wacid\./);
    expect(c.json['messaging_product']).toBe('whatsapp');
    const dup = await connect('5511987650001');
    expect(err(dup.json).code).toBe(138003);

    const phoneAnswer = (await h.control('GET', `calls/${id}/answer`)).json;
    expect(phoneAnswer['sdp_type']).toBe('offer');
    await h.control('POST', `calls/${id}/answer`, {});
    const cw = await waitFor(() => callEvent(h.rx, id, 'connect'), 'connect webhook');
    const cc = (cw['calls'] as Array<Record<string, unknown>>)[0] ?? {};
    expect(cc).toMatchObject({
      from: '5511955550100',
      to: '5511987650001',
      to_user_id: 'BR.10000000000000000001',
      direction: 'BUSINESS_INITIATED',
      biz_opaque_callback_data: 'tracking-1',
    });
    expect((cc['session'] as Record<string, unknown>)['sdp_type']).toBe('answer');
    await waitFor(() => callStatus(h.rx, id, 'RINGING'), 'RINGING');
    expect(callStatus(h.rx, id, 'ACCEPTED')).toBeUndefined();
    await h.control('POST', `calls/${id}/pickup`);
    const acc = await waitFor(() => callStatus(h.rx, id, 'ACCEPTED'), 'ACCEPTED');
    expect((acc['statuses'] as Array<Record<string, unknown>>)[0]).toMatchObject({
      type: 'call',
      recipient_id: '5511987650001',
      recipient_user_id: 'BR.10000000000000000001',
      biz_opaque_callback_data: 'tracking-1',
    });
    await h.control('POST', `calls/${id}/media`, { receiving: true });
    await h.control('POST', `calls/${id}/hangup`);
    const t = await waitFor(() => callEvent(h.rx, id, 'terminate'), 'terminate');
    expect((t['calls'] as Array<Record<string, unknown>>)[0]?.['status']).toBe('COMPLETED');
    const after = await h.graph('GET', `${PNID}/call_permissions?user_wa_id=5511987650001`);
    const start = (after.json['actions'] as Array<Record<string, unknown>>).find((a) => a['action_name'] === 'start_call');
    expect((start?.['limits'] as Array<Record<string, unknown>>)[0]).toMatchObject({
      time_period: 'PT24H',
      max_allowed: 100,
      current_usage: 1,
    });
  });

  it('declined: REJECTED then terminate; 4 unanswered in a row revoke the permission automatically', async () => {
    await grant('4915112340002');
    for (let i = 0; i < 4; i++) {
      const c = await connect('4915112340002');
      expect(c.status).toBe(200);
      const id = ((c.json['calls'] as Array<Record<string, unknown>>)[0] ?? {})['id'] as string;
      if (i % 2 === 0) await h.control('POST', `calls/${id}/decline`);
      else h.sim.clock.advance(61_000);
      await waitFor(() => callEvent(h.rx, id, 'terminate'), 'terminate');
      if (i === 0) expect(callStatus(h.rx, id, 'REJECTED')).toBeDefined();
    }
    const revoked = await waitFor(
      () =>
        h.rx
          .changes('messages')
          .find(
            (c) =>
              (
                (c.value['messages'] as Array<Record<string, unknown>> | undefined)?.[0]?.['interactive'] as
                  Record<string, unknown> | undefined
              )?.['call_permission_reply'] !== undefined && JSON.stringify(c.value).includes('"automatic"'),
          ),
      'automatic revocation',
    );
    const m = (revoked.value['messages'] as Array<Record<string, unknown>>)[0] ?? {};
    expect(m['context']).toBeUndefined();
    expect((m['interactive'] as Record<string, unknown>)['call_permission_reply']).toMatchObject({
      response: 'reject',
      response_source: 'automatic',
    });
    expect(err((await connect('4915112340002')).json).code).toBe(138006);
  });

  it('100 connected calls per 24 h → 138012 with the next allowed time', async () => {
    await grant('5511987650001', true);
    for (let i = 0; i < 100; i++) {
      const c = await connect('5511987650001');
      const id = ((c.json['calls'] as Array<Record<string, unknown>>)[0] ?? {})['id'] as string;
      h.sim.calls.userPickup(id);
      h.sim.calls.userHangup(id);
    }
    const r = await connect('5511987650001');
    expect(r.status).toBe(400);
    expect(err(r.json).code).toBe(138012);
    // The next allowed call time is in the details text (calling-api.md), not a field of its own.
    expect(err(r.json).error_data['next_allowed_time']).toBeUndefined();
    expect(String(err(r.json).error_data['details'])).toMatch(/next call allowed at \d{4}-\d{2}-\d{2}T/);
    h.sim.clock.advance(24 * 3600_000 + 1000);
    expect((await connect('5511987650001')).status).toBe(200);
  });

  it('calling disabled → 138000; business in the US → 138013; bad SDP → 100/138008', async () => {
    await grant('5511987650001');
    const noVideo = businessLikeSdp('offer').replace('a=ssrc', 'm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\na=ssrc');
    let r = await connect('5511987650001', { session: { sdp_type: 'offer', sdp: noVideo } });
    expect(err(r.json).code).toBe(100);
    expect(err(r.json).error_data.details).toMatch(/only one media section/);
    r = await connect('5511987650001', {
      session: { sdp_type: 'offer', sdp: businessLikeSdp('offer').replace('opus/48000/2', 'G722/8000') },
    });
    expect(err(r.json).error_data.details).toMatch(/opus/);
    r = await connect('5511987650001', { session: { sdp_type: 'offer', sdp: businessLikeSdp('offer').replace(/\r\n/g, '\n') } });
    expect(err(r.json).error_data.details).toMatch(/CRLF/);
    const sdp = businessLikeSdp('offer');
    const fp = /a=fingerprint:[^\r]+\r\n/.exec(sdp)?.[0] ?? '';
    r = await connect('5511987650001', { session: { sdp_type: 'offer', sdp: sdp.replace(fp, fp + fp.replace('sha-256', 'sha-384')) } });
    expect(err(r.json).code).toBe(138008);
    r = await connect('5511987650001', {
      session: { sdp_type: 'offer', sdp: businessLikeSdp('offer').replace(/a=ice-pwd:[^\r]+\r\n/, '') },
    });
    expect(err(r.json).error_data.details).toMatch(/ice-pwd/);

    h.sim.ctx.state.settings.status = 'DISABLED';
    r = await connect('5511987650001');
    expect(r.status).toBe(401);
    expect(err(r.json).code).toBe(138000);
    expect(err(r.json).message).toMatch(/^\(#138000\) /);
    h.sim.ctx.state.settings.status = 'ENABLED';
    h.sim.ctx.business.country = 'US';
    r = await connect('5511987650001');
    expect(err(r.json).code).toBe(138013);
  });

  it('concurrent call limit → 138002 (callers refused without webhook); connect rate limit → 138005', async () => {
    h.sim.ctx.config.maxConcurrentCalls = 1;
    h.sim.ctx.config.maxConnectsPerDay = 2;
    await grant('5511987650001');
    await grant('4915112340002');
    const first = await connect('5511987650001');
    expect(first.status).toBe(200);
    const busy = await connect('4915112340002');
    expect(busy.status).toBe(429);
    expect(err(busy.json).code).toBe(138002);
    expect((await h.control('POST', 'users/MX.10000000000000000004/call', {})).json['reason']).toBe('concurrent_limit');
    await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      call_id: ((first.json['calls'] as Array<Record<string, unknown>>)[0] ?? {})['id'],
      action: 'terminate',
    });
    const second = await connect('4915112340002');
    expect(second.status).toBe(200);
    await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      call_id: ((second.json['calls'] as Array<Record<string, unknown>>)[0] ?? {})['id'],
      action: 'terminate',
    });
    const third = await connect('4915112340002');
    expect(third.status).toBe(429);
    expect(err(third.json).code).toBe(138005);
  });

  it('action omitted with a session defaults to connect', async () => {
    await grant('5511987650001');
    const r = await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      to: '5511987650001',
      type: 'audio',
      session: { sdp_type: 'offer', sdp: businessLikeSdp('offer') },
    });
    expect(r.status).toBe(200);
    expect(((r.json['calls'] as Array<Record<string, unknown>>)[0] ?? {})['id']).toMatch(/^wacid\./);
  });
});

describe('voicemail and callback permission', () => {
  it('a rejected caller leaves a voicemail: audio messages webhook whose id is the wacid; the caller gets an automatic temporary permission', async () => {
    h = await startHarness({
      seed: {
        calling: { status: 'ENABLED', callback_permission_status: 'ENABLED', voicemail: { status: 'ENABLED', triggers: ['REJECT'] } },
      },
    });
    const id = await userCalls('5511987650001');
    await h.graph('POST', `${PNID}/calls`, { messaging_product: 'whatsapp', call_id: id, action: 'reject' });
    const auto = await waitFor(
      () => h.rx.changes('messages').find((c) => JSON.stringify(c.value).includes('call_permission_reply')),
      'auto permission',
    );
    const am = (auto.value['messages'] as Array<Record<string, unknown>>)[0] ?? {};
    expect(am['context']).toEqual({ from: '5511955550100', id });
    const vm = await h.control('POST', `calls/${id}/voicemail`);
    expect(vm.status).toBe(201);
    const ch = await waitFor(
      () => h.rx.changes('messages').find((c) => (c.value['messages'] as Array<Record<string, unknown>> | undefined)?.[0]?.['id'] === id),
      'voicemail webhook',
    );
    const msg = (ch.value['messages'] as Array<Record<string, unknown>>)[0] ?? {};
    expect(msg['type']).toBe('audio');
    const mediaId = (msg['audio'] as Record<string, unknown>)['id'] as string;
    const meta = await h.graph('GET', mediaId);
    expect(meta.json).toMatchObject({ messaging_product: 'whatsapp', id: mediaId, mime_type: 'audio/ogg; codecs=opus' });
    expect((await h.control('POST', `calls/${id}/voicemail`)).status).toBe(409);
  });
});
