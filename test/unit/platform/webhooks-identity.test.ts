/**
 * Webhooks shaped as real Meta traffic, through the simulator into main's services: other phone
 * numbers' events, username customers in both of Meta's shapes, items that cannot be read, and
 * permission replies without `type`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Diagnostics } from '../../../common/bridge-contract.ts';
import { signBody } from '../../../main/webhooks/signature.ts';
import { customerWrites, defaultSeed as seed, startSimApp, until, type SimApp } from '../../support/sim-app.ts';
import { callEvent, postSigned } from '../../support/webhooks.ts';

let app: SimApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

const OTHER = { phone_number_id: '3999999999999999', display_phone_number: '5511955559999' };

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${app!.creds.controlUrl}/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

async function diagnostics(): Promise<Diagnostics> {
  const res = await app!.services.dispatch('getDiagnostics', {});
  if (!res.ok) throw new Error(`diagnostics failed: ${res.error.message}`);
  return res.result as Diagnostics;
}

async function settle(): Promise<void> {
  while ((await app!.services.inbox.drain()) > 0) {
    /* until nothing is pending */
  }
}

describe('webhooks as Meta sends them', () => {
  it('a call for another phone number never rings, never gets pre_accept, never reaches a thread; it shows as kept aside', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const s = app.services;
    const calls: unknown[] = [];
    s.events.subscribe((event, payload) => {
      if (event === 'call') calls.push(payload);
    });
    await control('PUT', 'faults', { next: [{ match: { field: 'calls' }, faults: { asPhoneNumber: OTHER }, count: 1 }] });
    const ana = seed.users[0]!;
    expect((await control('POST', `users/${ana.wa_id}/call`, {})).status).toBe(201);
    await until('the connect delivered', () => app!.sim.webhooks.posts.some((p) => p.fields.includes('calls') && p.state === 'delivered'));
    await settle();
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toEqual([]);
    expect(s.threads.listThreads()).toEqual([]);
    expect(app.sim.ctx.sent.filter((x) => x.kind === 'call-action')).toEqual([]);
    const diag = await diagnostics();
    expect(diag.aside.otherNumber).toBe(1);
    expect(diag.recentEvents[0]).toMatchObject({ kind: 'other_number' });

    // Our own number's events in the same POST as another number's still arrive.
    await control('PUT', 'faults', { next: [{ match: { field: 'messages' }, faults: { batch: 2, asPhoneNumber: OTHER }, count: 1 }] });
    await customerWrites(app, seed.users[1]!.wa_id!, 'not for this number');
    await customerWrites(app, ana.wa_id!, 'para nós');
    await until('our message in a thread', () => s.threads.listThreads().find((t) => t.lastItem?.body === 'para nós'));
    await settle();
    expect(s.threads.listThreads().map((t) => t.lastItem?.body)).toEqual(['para nós']);
    const batched = app.sim.webhooks.posts.find((p) => p.eventIds.length === 2);
    expect(batched?.state).toBe('delivered');
  });

  it('two username customers sent with from: "" (Meta’s earlier shape) and with the number left out get a thread each, with no number', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const s = app.services;
    const a = await control('POST', 'users', { user_id: 'BR.11110000000000000001', name: 'Beatriz', username: 'bia.doces' });
    const b = await control('POST', 'users', { user_id: 'BR.11110000000000000002', name: 'Bruno', username: 'bruno.pao' });
    const c = await control('POST', 'users', { user_id: 'BR.11110000000000000003', name: 'Clara', username: 'clara.flor' });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    await control('PUT', 'faults', { next: [{ match: { field: 'messages' }, faults: { emptyPhoneNumbers: true }, count: 2 }] });
    await customerWrites(app, 'BR.11110000000000000001', 'oi, sou a Bia');
    await customerWrites(app, 'BR.11110000000000000002', 'oi, sou o Bruno');
    await customerWrites(app, 'BR.11110000000000000003', 'oi, sou a Clara'); // the current shape: no number at all
    await until('three threads', () => s.threads.listThreads().length === 3);
    const threads = s.threads.listThreads();
    expect(threads.map((t) => t.contact.userId).sort()).toEqual([
      'BR.11110000000000000001',
      'BR.11110000000000000002',
      'BR.11110000000000000003',
    ]);
    for (const t of threads) expect(t.contact.waId).toBeNull();
    const raw = app.sim.webhooks.posts.filter((p) => p.fields.includes('messages')).map((p) => p.body);
    expect(raw[0]).toContain('"from":""'); // the test really sent the earlier shape
  });

  it('one unreadable item in a batch is kept aside; its neighbours are applied', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const s = app.services;
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: app.creds.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: app.creds.displayPhoneNumber, phone_number_id: app.creds.phoneNumberId },
                contacts: [{ profile: { name: 'Ana Souza' }, wa_id: '5511987650001' }],
                messages: [
                  { from: '5511987650001', id: 'wamid.ONE', timestamp: String(now), type: 'text', text: { body: 'primeira' } },
                  { from: '5511987650001', id: 12345, timestamp: String(now), type: 'text', text: { body: 'broken id' } },
                  { from: '5511987650001', id: 'wamid.THREE', timestamp: String(now), type: 'text', text: { body: 'terceira' } },
                ],
              },
            },
            {
              field: 'calls',
              value: {
                messaging_product: 'whatsapp',
                metadata: { phone_number_id: app.creds.phoneNumberId },
                calls: [{ event: 'connect' }],
              },
            },
          ],
        },
      ],
    });
    const res = await fetch(`http://127.0.0.1:${s.receiver.port}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(Buffer.from(body), app.creds.appSecret) },
      body,
    });
    expect(res.status).toBe(200);
    await settle();
    const thread = await until('the thread', () => s.threads.listThreads()[0]);
    const timeline = s.threads.timeline(thread.id, { limit: 10 }).map((i) => i.body);
    expect(timeline).toEqual(expect.arrayContaining(['primeira', 'terceira']));
    expect(s.inbox.asideCounts().unreadable).toBe(2);
    expect(s.inbox.counts()).toMatchObject({ malformed: 0 });
  });

  it('a call permission reply without `type` and without `is_permanent` (as on Meta’s permissions page) is understood', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const s = app.services;
    const ana = seed.users[0]!;
    await customerWrites(app, ana.wa_id!, 'pode me ligar');
    const thread = await until('thread', () => s.threads.listThreads()[0]);
    const asked = await s.dispatch('requestCallPermission', { threadId: thread.id });
    expect(asked.ok).toBe(true);
    expect((await control('POST', `users/${ana.wa_id}/permission`, { response: 'accept' })).status).toBe(201);
    const reply = await until('the reply delivered', () =>
      app!.sim.webhooks.posts.find((p) => p.body.includes('call_permission_reply') && p.state === 'delivered'),
    );
    expect(reply.body).not.toContain('"type":"interactive"');
    expect(reply.body).not.toContain('is_permanent');
    await settle();
    // Recognised as a permission reply (diagnostics name it so), not an unreadable message.
    expect((await diagnostics()).recentEvents.map((e) => e.kind)).toContain('permission.reply');
    expect(s.inbox.counts().malformed).toBe(0);
    const permission = await s.dispatch('getCallPermission', { threadId: thread.id });
    expect(permission).toMatchObject({ ok: true, result: { status: 'temporary', canCall: true } });
  });
});

describe('the laptop clock', () => {
  it('a laptop clock 60 s fast still rings a fresh call, and the owner is told the clock is off', async () => {
    // Meta's clock (the simulator's: webhook timestamps and Graph's Date header) 60 s behind ours.
    app = await startSimApp({ timeFactor: 100, startAtMs: Date.now() - 60_000 });
    const s = app.services;
    const calls: Array<{ state: string }> = [];
    s.events.subscribe((event, payload) => {
      if (event === 'call') calls.push(payload as { state: string });
    });
    const status = await s.dispatch('getStatus', {});
    expect(status).toMatchObject({ ok: true, result: { clock: { warn: true } } });
    const offset = (status as { result: { clock: { offsetMs: number } } }).result.clock.offsetMs;
    expect(offset).toBeGreaterThan(55_000);
    expect(offset).toBeLessThan(65_000);
    expect((await control('POST', `users/${seed.users[0]!.wa_id}/call`, {})).status).toBe(201);
    await until('the call rings', () => calls.find((c) => c.state === 'ringing'));
  });

  it('a connect retried long after Meta sent it is a missed call, not a ring', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const s = app.services;
    const calls: Array<{ state: string; outcome?: string | null }> = [];
    s.events.subscribe((event, payload) => {
      if (event === 'call') calls.push(payload as { state: string });
    });
    const sent = Math.floor(Date.now() / 1000) - 70; // Meta sent it 70 s ago; it arrives only now
    // Meta's user-initiated connect sample: no `direction`, the customer's number as their name.
    const body = callEvent({
      id: 'wacid.HBgLMTIxMTU1NTc5NDcVAgARGCAy+ODRQODNC/QzYwRjVDNzM3RkU1MTUzNTlGQkY5NkYy==',
      event: 'connect',
      direction: null,
      customer: { waId: '5511987650001' },
      timestamp: sent,
      business: { phoneNumberId: app.creds.phoneNumberId, displayPhoneNumber: app.creds.displayPhoneNumber },
      wabaId: app.creds.wabaId,
      extra: { session: { sdp_type: 'offer', sdp: 'v=0\r\n' } },
    });
    const res = await postSigned(s.receiver.port, '/webhook', body, app.creds.appSecret);
    expect(res.status).toBe(200);
    const call = await until('the call recorded', () => calls.at(-1));
    expect(call.state).toBe('ended');
    expect(calls.some((c) => c.state === 'ringing')).toBe(false);
    expect(app.sim.ctx.sent.filter((x) => x.kind === 'call-action')).toEqual([]);
  });
});

describe('a customer who changes number', () => {
  it('keeps their thread, takes the new number and BSUID, and the change shows as a system event (not a blank message)', async () => {
    // (Meta's system-messages reference, Aug 2026: one `user_changed_number` with the new wa_id,
    // the new user_id and previous_user_id, and no contacts array.)
    app = await startSimApp({ timeFactor: 100 });
    const s = app.services;
    const ana = seed.users[0]!;
    await customerWrites(app, ana.wa_id!, 'antes');
    const thread = await until('thread', () => s.threads.listThreads()[0]);
    const changed = await control('POST', `users/${ana.wa_id}/change-number`, { wa_id: '5511912340000' });
    expect(changed.status).toBe(201);
    await until('the system message delivered', () =>
      app!.sim.webhooks.posts.some((p) => p.body.includes('"type":"system"') && p.state === 'delivered'),
    );
    await settle();
    await customerWrites(app, '5511912340000', 'depois');
    await until('the new message', () => s.threads.listThreads().some((t) => t.lastItem?.body === 'depois'));
    const threads = s.threads.listThreads();
    expect(threads).toHaveLength(1);
    expect(threads[0]!.id).toBe(thread.id);
    expect(threads[0]!.contact.waId).toBe('5511912340000');
    expect(threads[0]!.contact.userId).not.toBe(ana.user_id);
    const items = s.threads.timeline(thread.id, { limit: 20 });
    const system = items.filter((i) => i.kind === 'system').map((i) => i.type);
    expect(system).toEqual(['customer_changed_number']);
    // No blank message, and the system events did not count as unread messages.
    expect(items.filter((i) => i.kind === 'message').map((i) => i.body)).toEqual(expect.arrayContaining(['antes', 'depois']));
    expect(items.filter((i) => i.kind === 'message')).toHaveLength(2);
  });
});

describe('a username customer whose BSUID changes', () => {
  it('keeps their thread under the new BSUID (user_changed_user_id, no number, no from)', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const s = app.services;
    expect((await control('POST', 'users', { user_id: 'BR.22220000000000000001', name: 'Duda', username: 'duda.bolos' })).status).toBe(201);
    await customerWrites(app, 'BR.22220000000000000001', 'oi');
    const thread = await until('thread', () => s.threads.listThreads()[0]);
    // The control route needs a new number even for a username user; it is not shared with the business.
    expect((await control('POST', 'users/BR.22220000000000000001/change-number', { wa_id: '5511900001111' })).status).toBe(201);
    await until('the system message delivered', () =>
      app!.sim.webhooks.posts.some((p) => p.body.includes('user_changed_user_id') && p.state === 'delivered'),
    );
    await settle();
    const users = (await control('GET', 'users')).json['data'] as Array<Record<string, unknown>>;
    const user = users.find((u) => u['name'] === 'Duda')!;
    expect(user['wa_id'] ?? null).toBeNull();
    const newId = String(user['user_id']);
    await customerWrites(app, newId, 'de novo');
    await until('the new message', () => s.threads.listThreads().some((t) => t.lastItem?.body === 'de novo'));
    expect(s.threads.listThreads().map((t) => t.id)).toEqual([thread.id]);
    expect(s.threads.listThreads()[0]!.contact).toMatchObject({ userId: newId, waId: null });
  });
});

describe('smaller disagreements with Meta', () => {
  it('a LIMITED health status shows Meta’s own explanation in the connect check', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const why = 'The phone number was recently registered and is in a messaging warm-up period.';
    expect((await control('PUT', 'health', { phone_number: { can_send_message: 'LIMITED', additional_info: [why] } })).status).toBe(200);
    const c = app.creds;
    const res = await app.services.dispatch('connectAccount', {
      graphBaseUrl: c.graphBaseUrl,
      apiVersion: c.apiVersion,
      accessToken: c.accessToken,
      appSecret: c.appSecret,
      appId: c.appId,
      wabaId: c.wabaId,
      phoneNumberId: c.phoneNumberId,
    });
    expect(res.ok).toBe(true);
    const health = (res as { result: { steps: Array<{ id: string; state: string; message: string }> } }).result.steps.find(
      (st) => st.id === 'health',
    );
    expect(health).toMatchObject({ state: 'warning' });
    expect(health!.message).toContain(why);
  });

  it('an own public URL whose callback would pass Meta’s 200 characters is refused, with the count', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const long = `https://shop.example.com/${'a'.repeat(180)}`;
    const res = await app.services.dispatch('setTunnel', { provider: 'public-url', publicUrl: long });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect((res as { error: { message: string } }).error.message).toMatch(/at most 200 characters; with \/webhook this one has 213/);
  });
});

describe('warnings from WhatsApp', () => {
  it('calling restrictions and a LIMITED health are read from Graph (no account_update reaches an override) and reach the status', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const s = app.services;
    const expiration = Math.floor(Date.now() / 1000) + 7 * 86_400;
    expect(
      (
        await control('PUT', 'restrictions', {
          restrictions: [{ type: 'RESTRICTED_USER_INITIATED_CALLING_CALL_BUTTON_HIDDEN', expiration }],
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await control('PUT', 'health', {
          phone_number: { can_send_message: 'LIMITED', additional_info: ['Messaging is limited while the display name is reviewed.'] },
        })
      ).status,
    ).toBe(200);
    await s.warnings.refresh();
    const status = await s.dispatch('getStatus', {});
    const warnings = (status as { result: { warnings: Array<{ kind: string; text: string; until: string | null }> } }).result.warnings;
    expect(warnings.find((w) => w.kind === 'restriction')).toMatchObject({
      text: expect.stringContaining('hiding the call button') as unknown,
      until: new Date(expiration * 1000).toISOString(),
    });
    expect(warnings.find((w) => w.kind === 'health')?.text).toContain('Messaging is limited while the display name is reviewed.');
    // The account_update the restriction also produced went to the app-level callback, not here.
    expect(s.inbox.eventCount('account.update')).toBe(0);
  });

  it('a calls webhook with only errors (131044) is an event in diagnostics and a warning with the error table’s words', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const s = app.services;
    await control('PUT', 'config', { paymentMethod: false });
    const refused = await control('POST', `users/${seed.users[0]!.wa_id}/call`, {});
    expect(refused.status).toBe(409);
    await until('the errors-only webhook delivered', () =>
      app!.sim.webhooks.posts.some((p) => p.fields.includes('calls') && p.state === 'delivered'),
    );
    await settle();
    expect((await diagnostics()).recentEvents.map((e) => e.kind)).toContain('webhook.error');
    const status = await s.dispatch('getStatus', {});
    const warnings = (status as { result: { warnings: Array<{ kind: string; text: string }> } }).result.warnings;
    expect(warnings).toEqual([
      expect.objectContaining({ kind: 'webhook_error', text: expect.stringContaining('valid payment method') as unknown }),
    ]);
  });
});

describe('call webhooks in the shapes of Meta’s own samples', () => {
  it('a user-initiated connect without `direction` still rings, in the caller’s thread', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const s = app.services;
    const calls: Array<{ state: string; direction?: string }> = [];
    s.events.subscribe((event, payload) => {
      if (event === 'call') calls.push(payload as { state: string });
    });
    await control('PUT', 'faults', { next: [{ match: { field: 'calls', event: 'connect' }, faults: { noDirection: true }, count: 1 }] });
    expect((await control('POST', `users/${seed.users[0]!.wa_id}/call`, {})).status).toBe(201);
    const post = await until('the connect delivered', () =>
      app!.sim.webhooks.posts.find((p) => p.fields.includes('calls') && p.state === 'delivered'),
    );
    expect(post.body).not.toContain('"direction"');
    await until('it rings', () => calls.find((c) => c.state === 'ringing'));
    expect(s.threads.listThreads().map((t) => t.contact.waId)).toEqual([seed.users[0]!.wa_id]);
  });
});

describe('unanswered calls and voicemail', () => {
  it('with voicemail on TIMEOUT, ringing stops when voicemail takes the call, and nothing (no reject, no terminate) is sent into it', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const s = app.services;
    const set = await control('POST', 'settings', {
      calling: { voicemail: { status: 'ENABLED', triggers: ['TIMEOUT'], audio: { default: { timeout_seconds: 2 } } } },
    });
    expect(set.status).toBe(200);
    expect((await s.dispatch('getCallingSettings', {})).ok).toBe(true); // the app knows when voicemail answers
    const calls: Array<{ localId: string; state: string; outcome: string | null }> = [];
    s.events.subscribe((event, payload) => {
      if (event === 'call') calls.push(payload as { localId: string; state: string; outcome: string | null });
    });
    // WhatsApp's terminate for the call voicemail took comes late (webhooks do).
    await control('PUT', 'faults', { next: [{ match: { field: 'calls', event: 'terminate' }, faults: { delayMs: 4_000 }, count: 1 }] });
    const placed = await control('POST', `users/${seed.users[0]!.wa_id}/call`, {});
    expect(placed.status).toBe(201);
    const id = String(placed.json['id']);
    const ringing = await until('it rings', () => calls.find((c) => c.state === 'ringing'));
    // Ringing here stops when voicemail takes the call (Meta's timestamp has whole seconds, so up
    // to a second before) — well before WhatsApp's delayed terminate could say so.
    await until('missed here', () => calls.find((c) => c.state === 'ended' && c.outcome === 'missed'), 3_500);
    await until('voicemail takes the call', () => app!.sim.calls.get(id)?.state === 'ended', 3_000);
    expect(app.sim.webhooks.posts.some((p) => p.body.includes('"terminate"') && p.state === 'delivered')).toBe(false);
    // Answer now would send accept into a call voicemail took: it is refused.
    const answered = await s.dispatch('answerCall', { localId: ringing.localId });
    expect(answered.ok).toBe(false);
    await until('WhatsApp ended it (voicemail)', () => app!.sim.calls.get(id)?.state === 'ended', 6_000);
    expect(app.sim.calls.get(id)?.voicemailEligible).toBe(true);
    const actions = app.sim.ctx.sent.filter((x) => x.kind === 'call-action').map((x) => (x.body as { action?: string }).action);
    expect(actions.filter((a) => a === 'reject' || a === 'terminate' || a === 'accept')).toEqual([]);
  });
});

describe('do not disturb', () => {
  it('lets a call ring out on WhatsApp’s side (no reject) unless the owner chose to decline at once', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const s = app.services;
    expect((await s.dispatch('setDesktopPreferences', { dnd: 'hour' })).ok).toBe(true);
    const rejects = () =>
      app!.sim.ctx.sent.filter((x) => x.kind === 'call-action' && (x.body as { action?: string }).action === 'reject').length;
    const first = await control('POST', `users/${seed.users[0]!.wa_id}/call`, {});
    expect(first.status).toBe(201);
    await until('recorded', () => s.calls.list().some((c) => c.callId === String(first.json['id'])));
    await new Promise((r) => setTimeout(r, 800));
    expect(rejects()).toBe(0);
    expect(app.sim.calls.get(String(first.json['id']))?.state).not.toBe('ended'); // still ringing on the customer's phone
    await control('POST', `calls/${String(first.json['id'])}/hangup`, {});

    expect((await s.dispatch('setDesktopPreferences', { dndDeclineAtOnce: true })).ok).toBe(true);
    const second = await control('POST', `users/${seed.users[1]!.wa_id}/call`, {});
    expect(second.status).toBe(201);
    await until('declined at once', () => rejects() === 1);
    await until('the customer’s call ended', () => app!.sim.calls.get(String(second.json['id']))?.state === 'ended');
  });
});

describe('numbers Switchboard cannot take calls on', () => {
  it('SIP on or SDES key exchange is shown in the connect check, the settings and the warnings, and can be switched back', async () => {
    app = await startSimApp({ timeFactor: 100 });
    const s = app.services;
    expect(
      (
        await control('POST', 'settings', {
          calling: {
            sip: { status: 'ENABLED', servers: [{ hostname: 'sip.example.com', port: 5061 }] },
            srtp_key_exchange_protocol: 'SDES',
          },
        })
      ).status,
    ).toBe(200);
    const c = app.creds;
    const res = await s.dispatch('connectAccount', {
      graphBaseUrl: c.graphBaseUrl,
      apiVersion: c.apiVersion,
      accessToken: c.accessToken,
      appSecret: c.appSecret,
      appId: c.appId,
      wabaId: c.wabaId,
      phoneNumberId: c.phoneNumberId,
    });
    const step = (res as { result: { steps: Array<{ id: string; state: string; message: string }> } }).result.steps.find(
      (x) => x.id === 'settings',
    );
    expect(step).toMatchObject({ state: 'warning', message: expect.stringContaining('SIP is on') as unknown });
    const view = await s.dispatch('getCallingSettings', {});
    expect(view).toMatchObject({ ok: true, result: { transport: { sip: 'ENABLED', srtp: 'SDES' } } });
    await s.warnings.refresh();
    const keys = () => ((s.status().warnings ?? []) as Array<{ key: string }>).map((w) => w.key).sort();
    expect(keys()).toEqual(['setup:sdes', 'setup:sip']);
    // The one-click fixes (the only settings of these Switchboard ever sends).
    expect(await s.dispatch('updateCallingSettings', { changes: { sip: { status: 'DISABLED' } } })).toMatchObject({
      ok: true,
      result: { transport: { sip: 'DISABLED' } },
    });
    expect(await s.dispatch('updateCallingSettings', { changes: { srtp_key_exchange_protocol: 'DTLS' } })).toMatchObject({
      ok: true,
      result: { transport: { srtp: 'DTLS' } },
    });
    expect(app.sim.ctx.state.settings.sip.status).toBe('DISABLED');
    await s.warnings.refresh();
    expect(keys()).toEqual([]);
    // Turning SIP on is not something Switchboard does.
    expect(await s.dispatch('updateCallingSettings', { changes: { sip: { status: 'ENABLED' } } } as never)).toMatchObject({ ok: false });
  });
});
