import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './test-helpers.ts';
import { callEvent, err, startHarness, startReceiver, validSignature, waitFor } from './test-helpers.ts';

const PNID = '3000000000000003';
const WABA = '2000000000000002';
let h: Harness;

afterEach(async () => {
  await h.close();
});

describe('webhook delivery', () => {
  it('envelope and X-Hub-Signature-256 over the exact body bytes', async () => {
    h = await startHarness();
    await h.control('POST', 'users/5511987650001/messages', { text: 'Olá, ção ✓' });
    const p = await waitFor(() => h.rx.posts[0], 'a POST');
    expect(validSignature('test-app-secret-0123456789', p.raw, p.signature)).toBe(true);
    expect(validSignature('wrong-secret', p.raw, p.signature)).toBe(false);
    const tampered = Buffer.from(p.raw.toString('utf8').replace('Olá', 'Ola'), 'utf8');
    expect(validSignature('test-app-secret-0123456789', tampered, p.signature)).toBe(false);
    expect(p.json.object).toBe('whatsapp_business_account');
    expect(p.json.entry[0]?.id).toBe(WABA);
    const change = p.json.entry[0]?.changes[0];
    expect(change?.field).toBe('messages');
    expect(change?.value).toMatchObject({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '5511955550100', phone_number_id: PNID },
      contacts: [{ profile: { name: 'Ana' }, wa_id: '5511987650001', user_id: 'BR.10000000000000000001' }],
      messages: [{ from: '5511987650001', type: 'text', text: { body: 'Olá, ção ✓' } }],
    });
  });

  it('precedence phone override → WABA override → app, each new URL verified with the hub.* handshake first', async () => {
    h = await startHarness();
    const waba = await startReceiver('waba-token');
    const phone = await startReceiver('phone-token');
    try {
      let r = await h.graph('POST', `${WABA}/subscribed_apps`, { override_callback_uri: waba.url, verify_token: 'waba-token' });
      expect(r.json).toEqual({ success: true });
      expect(waba.verifications).toHaveLength(1);
      expect(waba.verifications[0]).toMatchObject({ mode: 'subscribe', token: 'waba-token' });
      await h.control('POST', 'users/5511987650001/messages', { text: 'one' });
      await waitFor(() => waba.posts.length === 1, 'WABA override delivery');

      // A wrong verify token: the override is refused with an error and nothing changes.
      r = await h.graph('POST', PNID, { webhook_configuration: { override_callback_uri: phone.url, verify_token: 'nope' } });
      expect(r.status).toBe(400);
      expect(err(r.json).code).toBe(2200);
      r = await h.graph('POST', PNID, { webhook_configuration: { override_callback_uri: phone.url, verify_token: 'phone-token' } });
      expect(r.json).toEqual({ success: true });
      await h.control('POST', 'users/5511987650001/messages', { text: 'two' });
      await waitFor(() => phone.posts.length === 1, 'phone override delivery');

      // account_update ignores overrides and goes to the app callback.
      await h.control('PUT', 'restrictions', { restrictions: [{ type: 'RESTRICTED_BUSINESS_INITIATED_CALLING' }] });
      await waitFor(() => h.rx.changes('account_update').length === 1, 'account_update at the app callback');

      r = await h.graph('POST', PNID, { webhook_configuration: { override_callback_uri: '' } });
      expect(r.json).toEqual({ success: true });
      await h.control('POST', 'users/5511987650001/messages', { text: 'three' });
      await waitFor(() => waba.posts.length === 2, 'back to the WABA override');
      r = await h.graph('POST', `${WABA}/subscribed_apps`);
      await h.control('POST', 'users/5511987650001/messages', { text: 'four' });
      await waitFor(() => h.rx.changes('messages').length === 1, 'back to the app callback');
      expect(h.rx.verifications.length).toBeGreaterThanOrEqual(1);
    } finally {
      await waba.close();
      await phone.close();
    }
  });

  it('a 500 is retried with backoff until it succeeds; the delivery log shows the attempts', async () => {
    h = await startHarness();
    h.rx.respondWith = (n) => (n <= 2 ? 500 : 200);
    await h.control('POST', 'users/5511987650001/messages', { text: 'retry me' });
    await waitFor(() => h.rx.posts.length === 1, 'delivery after retries');
    await waitFor(() => h.sim.webhooks.posts[0]?.state === 'delivered', 'logged success');
    const log = (await h.control('GET', 'webhooks')).json;
    const posts = log['attempts'] as Array<Record<string, unknown>>;
    expect(posts.filter((a) => a['kind'] === 'post').map((a) => a['status'])).toEqual([500, 500, 200]);
    expect((log['posts'] as Array<Record<string, unknown>>)[0]).toMatchObject({ state: 'delivered', attempts: 3 });
  });

  it('a receiver that does not answer in time is retried', async () => {
    h = await startHarness({ sim: { webhookTimeoutMs: 20_000 } });
    h.rx.respondWith = (n) => (n === 1 ? 0 : 200);
    await h.control('POST', 'users/5511987650001/messages', { text: 'slow' });
    await waitFor(() => h.rx.posts.length === 1, 'delivery after a timeout');
    // The receiver records a POST before the simulator has logged the answer: wait for the log too.
    await waitFor(() => h.sim.webhooks.log.some((a) => a.kind === 'post' && a.status === 200), 'logged success');
    const attempts = h.sim.webhooks.log.filter((a) => a.kind === 'post');
    expect(attempts[0]?.error).toMatch(/timed out/);
    expect(attempts[1]?.status).toBe(200);
  });

  it('an unreachable callback queues events until it is reachable again', async () => {
    const rx2 = await startReceiver('tok2');
    const url = rx2.url;
    await rx2.close();
    h = await startHarness({ seed: { webhooks: { appCallbackUrl: url, verifyToken: 'tok2' } }, sim: { timeFactor: 1 } });
    await h.control('POST', 'users/5511987650001/messages', { text: 'a' });
    await h.control('POST', 'users/4915112340002/messages', { text: 'b' });
    await waitFor(() => h.sim.webhooks.log.filter((a) => a.error).length >= 2, 'failed attempts');
    expect(h.rx.posts).toHaveLength(0);
    // Re-point the app to a live receiver: everything queued is delivered.
    const r = await h.graph('POST', `1000000000000001/subscriptions`, {
      object: 'whatsapp_business_account',
      callback_url: h.rx.url,
      verify_token: h.rx.verifyToken,
      fields: 'messages,calls',
    });
    expect(r.json).toEqual({ success: true });
    await waitFor(() => h.rx.posts.length === 2, 'queued events delivered');
  });

  it('faults: duplicate, BSUID-only (no phone numbers), terminate status as array, batch, reorder', async () => {
    h = await startHarness();
    await h.control('PUT', 'faults', { next: [{ match: { field: 'messages' }, faults: { duplicate: true } }] });
    await h.control('POST', 'users/5511987650001/messages', { text: 'dup' });
    await waitFor(() => h.rx.posts.length === 2, 'duplicate');
    expect(h.rx.posts[0]?.raw.equals(h.rx.posts[1]?.raw ?? Buffer.alloc(0))).toBe(true);

    await h.control('PUT', 'faults', { run: { omitPhoneNumbers: true, terminateStatusAsArray: true } });
    const id = (await h.control('POST', 'users/5511987650001/call', {})).json['id'] as string;
    await h.control('POST', `calls/${id}/hangup`);
    const t = await waitFor(() => callEvent(h.rx, id, 'terminate'), 'terminate');
    const c = (t['calls'] as Array<Record<string, unknown>>)[0] ?? {};
    expect(c['status']).toEqual(['FAILED']);
    expect(c['from']).toBeUndefined();
    expect(c['from_user_id']).toBe('BR.10000000000000000001');
    expect((t['contacts'] as Array<Record<string, unknown>>)[0]?.['wa_id']).toBeUndefined();
    expect((t['contacts'] as Array<Record<string, unknown>>)[0]?.['user_id']).toBe('BR.10000000000000000001');
    await h.control('DELETE', 'faults');

    const before = h.rx.posts.length;
    await h.control('PUT', 'faults', { next: [{ faults: { batch: 3 } }] });
    for (const text of ['x', 'y', 'z']) await h.control('POST', 'users/4915112340002/messages', { text });
    await waitFor(() => h.rx.posts.length === before + 1, 'one batched POST');
    expect(h.rx.posts[before]?.json.entry[0]?.changes).toHaveLength(3);

    const n = h.rx.posts.length;
    await h.control('PUT', 'faults', { next: [{ faults: { reorder: true } }] });
    await h.control('POST', 'users/4915112340002/messages', { text: 'first' });
    await h.control('POST', 'users/4915112340002/messages', { text: 'second' });
    await waitFor(() => h.rx.posts.length === n + 2, 'two posts');
    const bodies = h.rx.posts
      .slice(n)
      .map(
        (p) =>
          ((p.json.entry[0]?.changes[0]?.value['messages'] as Array<Record<string, unknown>>)[0]?.['text'] as Record<string, unknown>)[
            'body'
          ],
      );
    expect(bodies).toEqual(['second', 'first']);
  });

  it('delay fault holds an event until the sim clock reaches it', async () => {
    h = await startHarness();
    await h.control('PUT', 'faults', { next: [{ faults: { delayMs: 60_000 } }] });
    await h.control('POST', 'users/5511987650001/messages', { text: 'late' });
    await h.control('POST', 'users/5511987650001/messages', { text: 'on time' });
    await waitFor(() => h.rx.posts.length === 1, 'undelayed event');
    await h.control('POST', 'clock/advance', { seconds: 61 });
    await waitFor(() => h.rx.posts.length === 2, 'delayed event');
  });

  it('events for fields the app did not subscribe to are not sent', async () => {
    h = await startHarness({ seed: { webhooks: { fields: ['calls'] } } });
    await h.control('POST', 'users/5511987650001/messages', { text: 'nobody hears this' });
    const id = (await h.control('POST', 'users/5511987650001/call', {})).json['id'] as string;
    await waitFor(() => callEvent(h.rx, id, 'connect'), 'connect');
    expect(h.rx.changes('messages')).toHaveLength(0);
  });
});
