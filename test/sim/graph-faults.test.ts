/** Graph fault injection (graph-faults.ts) through the control API: what a client receives. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './test-helpers.ts';
import { err, startHarness } from './test-helpers.ts';

const PNID = '3000000000000003';
let h: Harness;
afterEach(async () => {
  await h.close();
});

const text = { messaging_product: 'whatsapp', to: '+5511987650001', type: 'text', text: { body: 'oi' } };

async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${h.sim.url}/v25.0/${path}`, {
    method,
    headers: { Authorization: `Bearer ${h.sim.business.accessToken}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('Graph fault injection', () => {
  it("answers the next matching request with Meta's envelope for the code and its HTTP status, then is used up", async () => {
    h = await startHarness({ seed: { users: [{ wa_id: '5511987650001', name: 'Ana', country: 'BR' }] } });
    await h.control('POST', 'users/5511987650001/messages', { text: 'oi' });
    const put = await h.control('PUT', 'graph-faults', {
      rules: [
        { match: { method: 'POST', path: '/messages' }, fault: { error: 130429 }, count: 2 },
        { match: { path: '/calls', action: 'connect' }, fault: { error: 138006 } },
      ],
    });
    expect(put.status).toBe(200);
    expect((await h.control('GET', 'graph-faults')).json['rules']).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      const r = await h.graph('POST', `${PNID}/messages`, text);
      expect(r.status).toBe(400);
      expect(err(r.json)).toMatchObject({ code: 130429, type: 'OAuthException', error_data: { messaging_product: 'whatsapp' } });
      expect(err(r.json).message).toMatch(/^\(#130429\) /);
      expect(err(r.json).fbtrace_id).toMatch(/^\S{8,}$/);
    }
    expect((await h.graph('POST', `${PNID}/messages`, text)).status).toBe(200);
    // The connect rule matches only connect: a terminate of an unknown call gets the real 100.
    expect(
      err((await h.graph('POST', `${PNID}/calls`, { messaging_product: 'whatsapp', call_id: 'wacid.x', action: 'terminate' })).json).code,
    ).toBe(100);
    const c = await h.graph('POST', `${PNID}/calls`, {
      messaging_product: 'whatsapp',
      to: '5511987650001',
      action: 'connect',
      session: { sdp_type: 'offer', sdp: 'v=0' },
    });
    expect(c.status).toBe(401);
    expect(err(c.json).code).toBe(138006);
    expect((await h.control('GET', 'graph-faults')).json['rules']).toEqual([]);
    // Every request is logged with what was injected; /sent shows the faults too.
    const log = (await h.control('GET', 'graph-faults')).json['requests'] as Array<{ path: string; status: number; fault: string | null }>;
    expect(log.filter((x) => x.path.endsWith('/messages')).map((x) => [x.status, x.fault !== null])).toEqual([
      [400, true],
      [400, true],
      [200, false],
    ]);
    const sent = (await h.control('GET', 'sent?kind=message')).json['data'] as Array<{ status: number; fault?: { error: number } }>;
    expect(sent.map((s) => s.fault?.error ?? null)).toEqual([130429, 130429, null]);
    expect(h.sim.graphFaults.count('POST', '/calls', 'connect')).toBe(1);
  });

  it('after: true carries the request out, then loses the answer (5xx page, empty 5xx, reset)', async () => {
    h = await startHarness({ seed: { users: [{ wa_id: '5511987650001', name: 'Ana', country: 'BR' }] } });
    await h.control('POST', 'users/5511987650001/messages', { text: 'oi' });
    await h.control('PUT', 'graph-faults', { rules: [{ match: { path: '/messages' }, fault: { http: 502 }, after: true }] });
    const page = await raw('POST', `${PNID}/messages`, text);
    expect(page.status).toBe(502);
    expect(page.type).toMatch(/text\/html/);
    expect(page.text).toContain('<html>');
    await h.control('PUT', 'graph-faults', { rules: [{ match: { path: '/messages' }, fault: { http: 500, body: 'empty' }, after: true }] });
    const empty = await raw('POST', `${PNID}/messages`, text);
    expect([empty.status, empty.text]).toEqual([500, '']);
    await h.control('PUT', 'graph-faults', { rules: [{ match: { path: '/messages' }, fault: { reset: true }, after: true }] });
    await expect(raw('POST', `${PNID}/messages`, text)).rejects.toThrow();
    // All three messages reached the customer even though no answer said so.
    expect((h.sim.messaging.outbound as Array<{ body: unknown }>).filter((m) => JSON.stringify(m.body).includes('"oi"'))).toHaveLength(3);
    const sent = (await h.control('GET', 'sent?kind=message')).json['data'] as Array<{ status: number; fault?: { after: boolean } }>;
    expect(sent.map((s) => [s.status, s.fault?.after])).toEqual([
      [502, true],
      [500, true],
      [0, true],
    ]);
  });

  it('before the action a fault does nothing at WhatsApp; a hang never answers', async () => {
    h = await startHarness({ seed: { users: [{ wa_id: '5511987650001', name: 'Ana', country: 'BR' }] } });
    await h.control('POST', 'users/5511987650001/messages', { text: 'oi' });
    await h.control('PUT', 'graph-faults', {
      rules: [
        { match: { path: '/messages' }, fault: { http: 503, body: 'json' } },
        { match: { method: 'GET', path: '/settings' }, fault: { hang: true } },
      ],
    });
    const r = await h.graph('POST', `${PNID}/messages`, text);
    expect(r.status).toBe(503);
    expect(err(r.json).code).toBe(2);
    expect(h.sim.messaging.outbound).toHaveLength(0);
    const hung = await fetch(`${h.sim.url}/v25.0/${PNID}/settings`, {
      headers: { Authorization: `Bearer ${h.sim.business.accessToken}` },
      signal: AbortSignal.timeout(300),
    }).then(
      () => 'answered',
      (e: Error) => e.name,
    );
    expect(hung).toBe('TimeoutError');
    const del = await h.control('DELETE', 'graph-faults');
    expect(del.json).toEqual({ rules: [] });
  });

  it('refuses a bad rule with what is wrong', async () => {
    h = await startHarness();
    const bad = async (body: unknown) => {
      const r = await h.control('PUT', 'graph-faults', body);
      expect(r.status).toBe(400);
      return String(r.json['error']);
    };
    expect(await bad({ rules: [{ fault: { error: 999999 } }] })).toMatch(/999999 is not a code the simulator knows/);
    expect(await bad({ rules: [{ fault: { http: 418 } }] })).toMatch(/http must be 500, 502 or 503/);
    expect(await bad({ rules: [{ fault: { hang: true, reset: true } }] })).toMatch(/exactly one of/);
    expect(await bad({ rules: [{ match: { path: 'calls' }, fault: { reset: true } }] })).toMatch(/must start with "\/"/);
    expect(await bad({ rules: [{ fault: { reset: true }, count: 0 }] })).toMatch(/count must be a positive integer/);
    expect(await bad({ rules: [{ fault: { reset: true }, when: 'later' }] })).toMatch(/unknown key when/);
    expect(await bad({ nothing: true })).toMatch(/expected \{"rules"/);
    expect((await h.control('GET', 'graph-faults')).json['rules']).toEqual([]);
  });
});
