import { afterEach, describe, expect, it } from 'vitest';
import { businessLikeSdp } from './sdp.ts';
import type { Harness } from './test-helpers.ts';
import { callEvent, err, startHarness, waitFor } from './test-helpers.ts';

const PNID = '3000000000000003';
let h: Harness;

afterEach(async () => {
  await h.close();
});

describe('control API', () => {
  it('creates and lists users; refuses duplicates and bad input with 409/400', async () => {
    h = await startHarness();
    const r = await h.control('POST', 'users', { wa_id: '+34 600 000 005', name: 'Lucía', country: 'ES', app_version: '2.25.30.1' });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ wa_id: '34600000005', name: 'Lucía', country: 'ES' });
    expect(r.json['user_id']).toMatch(/^ES\.\d+$/);
    expect((await h.control('POST', 'users', { wa_id: '34600000005' })).status).toBe(409);
    expect((await h.control('POST', 'users', { name: 'nobody' })).status).toBe(409);
    const list = await h.control('GET', 'users');
    expect((list.json['data'] as unknown[]).length).toBe(4);
    expect((await h.control('GET', 'users/nope')).status).toBe(404);
    expect((await h.control('GET', 'nothing/here')).status).toBe(404);
    const bad = await fetch(`${h.sim.url}/_sim/users`, { method: 'POST', body: 'not json' });
    expect(bad.status).toBe(400);
  });

  it('streams events over SSE and lists what the business sent', async () => {
    h = await startHarness();
    const ac = new AbortController();
    const res = await fetch(`${h.sim.url}/_sim/events`, { signal: ac.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body?.getReader();
    const id = (await h.control('POST', 'users/5511987650001/call', {})).json['id'] as string;
    let text = '';
    while (reader && !text.includes('event: call.outgoing')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += Buffer.from(chunk.value).toString();
    }
    expect(text).toContain(id);
    ac.abort();
    await h.graph('POST', `${PNID}/calls`, { messaging_product: 'whatsapp', call_id: id, action: 'reject' });
    await h.graph('POST', `${PNID}/calls`, { messaging_product: 'whatsapp', call_id: id, action: 'reject' });
    const sent = await h.control('GET', 'sent?kind=call-action');
    expect((sent.json['data'] as Array<Record<string, unknown>>).map((s) => s['status'])).toEqual([200, 400]);
  });

  it('advances the clock and reports pending timers', async () => {
    h = await startHarness();
    await h.control('POST', 'users/5511987650001/call', {});
    const c = await h.control('GET', 'clock');
    expect((c.json['pending'] as Array<Record<string, unknown>>).some((p) => String(p['label']).startsWith('call accept-window'))).toBe(
      true,
    );
    const before = c.json['now'] as number;
    const a = await h.control('POST', 'clock/advance', { seconds: 3600 });
    expect((a.json['now'] as number) - before).toBeGreaterThanOrEqual(3600_000);
    expect((await h.control('POST', 'clock/advance', { ms: -1 })).status).toBe(400);
  });

  it('voicemail on TIMEOUT uses timeout_seconds as the ring time', async () => {
    h = await startHarness({
      seed: {
        calling: {
          status: 'ENABLED',
          voicemail: { status: 'ENABLED', triggers: ['TIMEOUT'], audio: { default: { timeout_seconds: 10 } } },
        },
      },
    });
    const id = (await h.control('POST', 'users/5511987650001/call', {})).json['id'] as string;
    expect((await h.control('POST', `calls/${id}/voicemail`)).status).toBe(409);
    h.sim.clock.advance(11_000);
    await waitFor(() => callEvent(h.rx, id, 'terminate'), 'terminate');
    expect((await h.control('POST', `calls/${id}/voicemail`)).status).toBe(201);
  });

  it('SIP enabled → 131055 on /calls; settings via the control API skip the webhook', async () => {
    h = await startHarness();
    const s = await h.control('POST', 'settings', { calling: { sip: { status: 'ENABLED', servers: [{ hostname: 'sip.example.com' }] } } });
    expect(s.status).toBe(200);
    const r = await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      to: '5511987650001',
      action: 'connect',
      session: { sdp_type: 'offer', sdp: businessLikeSdp('offer') },
    });
    expect(err(r.json).code).toBe(131055);
    expect((await h.control('POST', 'settings', { calling: { status: 'MAYBE' } })).status).toBe(400);
    expect(h.rx.changes('account_settings_update')).toHaveLength(0);
  });

  it('call_permissions GET over the rate limit → 613 (HTTP 429)', async () => {
    h = await startHarness({ seed: { config: { callPermissionsPerSecond: 2 } } });
    await h.graph('GET', `${PNID}/call_permissions?user_wa_id=5511987650001`);
    await h.graph('GET', `${PNID}/call_permissions?user_wa_id=5511987650001`);
    const r = await h.graph('GET', `${PNID}/call_permissions?user_wa_id=5511987650001`);
    expect(r.status).toBe(429);
    expect(err(r.json).code).toBe(613);
    h.sim.clock.advance(1001);
    expect((await h.graph('GET', `${PNID}/call_permissions?user_wa_id=5511987650001`)).status).toBe(200);
  });

  it('outside call hours the user may request a callback: automatic temporary permission', async () => {
    h = await startHarness({ seed: { calling: { status: 'ENABLED', callback_permission_status: 'ENABLED' } } });
    const r = await h.control('POST', 'users/4915112340002/request-callback', {});
    expect(r.status).toBe(201);
    const perm = await h.graph('GET', `${PNID}/call_permissions?user_wa_id=4915112340002`);
    expect((perm.json['permission'] as Record<string, unknown>)['status']).toBe('temporary');
  });
});
