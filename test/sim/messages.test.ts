import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './test-helpers.ts';
import { err, startHarness, waitFor } from './test-helpers.ts';

const PNID = '3000000000000003';
let h: Harness;

afterEach(async () => {
  await h.close();
});

const text = (to: string, body = 'hello'): Record<string, unknown> => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body } });
const cpr = (to: string): Record<string, unknown> => ({
  messaging_product: 'whatsapp',
  to,
  type: 'interactive',
  interactive: { type: 'call_permission_request', action: { name: 'call_permission_request' } },
});
const cprTemplate = (to: string): Record<string, unknown> => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: {
    name: 'sample_cpr_template',
    language: { code: 'en' },
    components: [
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'A' },
          { type: 'text', text: 'B' },
        ],
      },
    ],
  },
});
const statusesOf = (id: string): string[] =>
  h.rx
    .changes('messages')
    .flatMap((c) =>
      ((c.value['statuses'] as Array<Record<string, unknown>> | undefined) ?? [])
        .filter((s) => s['id'] === id)
        .map((s) => s['status'] as string),
    );

describe('messages', () => {
  it('free-form outside the 24 h window → 131047; a user message opens it; it closes 24 h later', async () => {
    h = await startHarness();
    let r = await h.graph('POST', `${PNID}/messages`, text('+55 11 98765-0001'));
    expect(r.status).toBe(400);
    expect(err(r.json).code).toBe(131047);
    await h.control('POST', 'users/5511987650001/messages', { text: 'oi' });
    r = await h.graph('POST', `${PNID}/messages`, text('+55 11 98765-0001'));
    expect(r.json).toMatchObject({
      messaging_product: 'whatsapp',
      contacts: [{ input: '+55 11 98765-0001', wa_id: '5511987650001', user_id: 'BR.10000000000000000001' }],
    });
    h.sim.clock.advance(24 * 3600_000 + 1);
    expect(err((await h.graph('POST', `${PNID}/messages`, text('5511987650001'))).json).code).toBe(131047);
    expect((await h.graph('POST', `${PNID}/messages`, cprTemplate('5511987650001'))).status).toBe(200);
  });

  it('window enforcement "webhook" mode: accepted, then a failed status with 131047', async () => {
    h = await startHarness({
      statuses: true,
      seed: {
        config: {
          windowEnforcement: 'webhook',
          messageStatuses: { enabled: true, sentAfterMs: 0, deliveredAfterMs: 10, readAfterMs: null },
        },
      },
    });
    const r = await h.graph('POST', `${PNID}/messages`, text('5511987650001'));
    const id = ((r.json['messages'] as Array<Record<string, unknown>>)[0] ?? {})['id'] as string;
    await waitFor(() => statusesOf(id).includes('failed'), 'failed status');
    const st = h.rx.changes('messages').flatMap((c) => (c.value['statuses'] as Array<Record<string, unknown>> | undefined) ?? [])[0] ?? {};
    expect((st['errors'] as Array<Record<string, unknown>>)[0]?.['code']).toBe(131047);
  });

  it('status webhooks sent → delivered → read follow the sim clock; BSUID recipient accepted', async () => {
    h = await startHarness({ statuses: true });
    await h.control('POST', 'users/MX.10000000000000000004/messages', { text: 'hola' });
    const r = await h.graph('POST', `${PNID}/messages`, {
      messaging_product: 'whatsapp',
      recipient: 'MX.10000000000000000004',
      type: 'text',
      text: { body: 'hi' },
    });
    expect((r.json['contacts'] as Array<Record<string, unknown>>)[0]).toEqual({
      input: 'MX.10000000000000000004',
      user_id: 'MX.10000000000000000004',
    });
    const id = ((r.json['messages'] as Array<Record<string, unknown>>)[0] ?? {})['id'] as string;
    h.sim.clock.advance(150);
    await waitFor(() => statusesOf(id).length === 1, 'sent');
    expect(statusesOf(id)).toEqual(['sent']);
    h.sim.clock.advance(5_000);
    await waitFor(() => statusesOf(id).length === 3, 'delivered + read');
    expect(statusesOf(id)).toEqual(['sent', 'delivered', 'read']);
    const st =
      h.rx
        .changes('messages')
        .flatMap((c) => (c.value['statuses'] as Array<Record<string, unknown>> | undefined) ?? [])
        .find((s) => s['id'] === id) ?? {};
    expect(st['recipient_id']).toBeUndefined();
    expect(st['recipient_user_id']).toBe('MX.10000000000000000004');
  });

  it('mark as read: {success:true}; unknown wamid → 131009', async () => {
    h = await startHarness();
    const m = (await h.control('POST', 'users/5511987650001/messages', { text: 'read me' })).json['message'] as Record<string, unknown>;
    expect(
      (await h.graph('POST', `${PNID}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: m['id'] })).json,
    ).toEqual({ success: true });
    const bad = await h.graph('POST', `${PNID}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.unknown' });
    expect(bad.status).toBe(400);
    expect(err(bad.json).code).toBe(131009);
  });

  it('voice_call button limits and template errors', async () => {
    h = await startHarness();
    await h.control('POST', 'users/5511987650001/messages', { text: 'oi' });
    const vc = (parameters: Record<string, unknown>): Record<string, unknown> => ({
      messaging_product: 'whatsapp',
      to: '5511987650001',
      type: 'interactive',
      interactive: { type: 'voice_call', body: { text: 'Call us' }, action: { name: 'voice_call', parameters } },
    });
    expect((await h.graph('POST', `${PNID}/messages`, vc({ display_text: 'Call now', ttl_minutes: 60, payload: 'p' }))).status).toBe(200);
    for (const p of [{ display_text: 'x'.repeat(21) }, { ttl_minutes: 0 }, { ttl_minutes: 43201 }, { payload: 'x'.repeat(513) }]) {
      const r = await h.graph('POST', `${PNID}/messages`, vc(p));
      expect(err(r.json).code).toBe(100);
    }
    const unknownTpl = await h.graph('POST', `${PNID}/messages`, {
      messaging_product: 'whatsapp',
      to: '5511987650001',
      type: 'template',
      template: { name: 'nope', language: { code: 'en' } },
    });
    expect(unknownTpl.status).toBe(404);
    expect(err(unknownTpl.json).code).toBe(132001);
    const badParams = await h.graph('POST', `${PNID}/messages`, {
      messaging_product: 'whatsapp',
      to: '5511987650001',
      type: 'template',
      template: { name: 'sample_cpr_template', language: { code: 'en' } },
    });
    expect(err(badParams.json).code).toBe(132000);
  });

  it('the user taps a call button: the call carries the button payload as cta_payload', async () => {
    h = await startHarness();
    await h.control('POST', 'users/5511987650001/messages', { text: 'oi' });
    await h.graph('POST', `${PNID}/messages`, {
      messaging_product: 'whatsapp',
      to: '5511987650001',
      type: 'interactive',
      interactive: { type: 'voice_call', body: { text: 'Call us' }, action: { name: 'voice_call', parameters: { payload: 'ticket-7' } } },
    });
    const r = await h.control('POST', 'users/5511987650001/tap-call-button', {});
    expect(r.status).toBe(201);
    expect(r.json['cta_payload']).toBe('ticket-7');
    const d = await h.control('POST', 'users/4915112340002/deeplink', { biz_payload: 'campaign-9' });
    expect(d.json['deeplink_payload']).toBe('campaign-9');
  });
});

describe('call permission requests', () => {
  it('1 per 24 h and 2 per 7 days → 138009; a connected call resets the limits; GET call_permissions shows usage', async () => {
    h = await startHarness();
    await h.control('POST', 'users/5511987650001/messages', { text: 'oi' });
    expect((await h.graph('POST', `${PNID}/messages`, cpr('5511987650001'))).status).toBe(200);
    let r = await h.graph('POST', `${PNID}/messages`, cprTemplate('5511987650001'));
    expect(err(r.json).code).toBe(138009);
    let perm = await h.graph('GET', `${PNID}/call_permissions?user_wa_id=5511987650001`);
    const send =
      (perm.json['actions'] as Array<Record<string, unknown>>).find((a) => a['action_name'] === 'send_call_permission_request') ?? {};
    expect(send['can_perform_action']).toBe(false);
    expect(send['limits']).toEqual([
      { time_period: 'PT24H', max_allowed: 1, current_usage: 1, limit_expiration_time: expect.any(Number) as number },
      { time_period: 'P7D', max_allowed: 2, current_usage: 1 },
    ]);
    h.sim.clock.advance(25 * 3600_000);
    expect((await h.graph('POST', `${PNID}/messages`, cprTemplate('5511987650001'))).status).toBe(200);
    h.sim.clock.advance(25 * 3600_000);
    r = await h.graph('POST', `${PNID}/messages`, cprTemplate('5511987650001'));
    expect(err(r.json).code).toBe(138009);
    expect(err(r.json).error_data.details).toMatch(/7 days/);
    // A connected call (the user calls and we accept) resets the request limits.
    const id = (await h.control('POST', 'users/5511987650001/call', {})).json['id'] as string;
    h.sim.calls.handlePost({
      messaging_product: 'whatsapp',
      call_id: id,
      action: 'accept',
      session: { sdp_type: 'answer', sdp: (await import('./sdp.ts')).businessLikeSdp('answer') },
    });
    expect((await h.graph('POST', `${PNID}/messages`, cpr('5511987650001'))).status).toBe(200);
    perm = await h.graph('GET', `${PNID}/call_permissions?user_wa_id=5511987650001`);
    expect((perm.json['permission'] as Record<string, unknown>)['status']).toBe('no_permission');
  });

  it('permanent permission → 138017; temporary expires after 7 days; US business → 138013', async () => {
    h = await startHarness();
    await h.control('POST', 'users/5511987650001/messages', { text: 'oi' });
    await h.control('POST', 'users/5511987650001/permission', { source: 'profile', permanent: true });
    expect(err((await h.graph('POST', `${PNID}/messages`, cpr('5511987650001'))).json).code).toBe(138017);
    const perm = await h.graph('GET', `${PNID}/call_permissions?user_wa_id=5511987650001`);
    expect(perm.json['permission']).toEqual({ status: 'permanent' });

    await h.control('POST', 'users/4915112340002/permission', { source: 'profile', permanent: false });
    let p2 = await h.graph('GET', `${PNID}/call_permissions?recipient=DE.10000000000000000002`);
    expect((p2.json['permission'] as Record<string, unknown>)['status']).toBe('temporary');
    h.sim.clock.advance(7 * 24 * 3600_000 + 1000);
    p2 = await h.graph('GET', `${PNID}/call_permissions?user_wa_id=4915112340002`);
    expect(p2.json['permission']).toEqual({ status: 'no_permission' });

    h.sim.ctx.business.country = 'US';
    await h.control('POST', 'users/4915112340002/messages', { text: 'hi' });
    expect(err((await h.graph('POST', `${PNID}/messages`, cpr('4915112340002'))).json).code).toBe(138013);
  });
});
