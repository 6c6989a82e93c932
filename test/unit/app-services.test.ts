/** Main's services wired together, fed by the simulator's webhooks straight to the receiver. */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startAppServices, type AppServices } from '../../main/app-services.ts';
import type { EventName } from '../../common/bridge-contract.ts';
import { createSimulator, type Simulator } from '../sim/simulator.ts';
import { testServiceOptions } from '../support/host.ts';
import { memoryLogger } from '../support/test-log.ts';

const seed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../sim/seed.default.json'), 'utf8')) as { users: Array<{ wa_id?: string; name: string }> };

let sim: Simulator | null = null;
let services: AppServices | null = null;
afterEach(async () => {
  await services?.close();
  await sim?.close();
});

async function until<T>(what: string, f: () => T | null | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function setup() {
  sim = createSimulator({ seed, timeFactor: 100 });
  await sim.listen(0);
  const c = sim.credentials();
  // No tunnel here: point the simulator straight at the receiver on loopback.
  services = await startAppServices({ ...testServiceOptions(memoryLogger().log), localtunnelHost: 'http://127.0.0.1:1' });
  const pushed: Array<{ event: EventName; payload: unknown }> = [];
  services.events.subscribe((event, payload) => pushed.push({ event, payload }));
  const res = await services.dispatch('connectAccount', { graphBaseUrl: c.graphBaseUrl, apiVersion: c.apiVersion, accessToken: c.accessToken, appSecret: c.appSecret, appId: c.appId, wabaId: c.wabaId, phoneNumberId: c.phoneNumberId });
  expect(res).toMatchObject({ ok: true, result: { saved: true } });
  await services.connection.stop();
  const set = await fetch(`${c.graphBaseUrl}/${c.apiVersion}/${c.phoneNumberId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ webhook_configuration: { override_callback_uri: `http://127.0.0.1:${services.receiver.port}/webhook`, verify_token: services.account.verifyToken() } }),
  });
  expect(set.status).toBe(200);
  return { c, s: services, pushed };
}

describe('app services', () => {
  it('turns a customer\'s message into a thread', async () => {
    const { c, s } = await setup();
    const user = seed.users[0]!;
    await fetch(`${c.controlUrl}/users/${user.wa_id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Bom dia!' }) });
    const thread = await until('thread', () => s.threads.listThreads()[0]);
    expect(thread).toMatchObject({ unreadCount: 1, contact: { waId: user.wa_id, profileName: user.name }, lastItem: { body: 'Bom dia!' } });
  });

  it('replies inside the 24-hour window and follows the status to read; refuses free text outside it', async () => {
    const { c, s } = await setup();
    const [ana, jonas] = [seed.users[0]!, seed.users[1]!];
    await fetch(`${c.controlUrl}/users/${ana.wa_id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Vocês entregam?' }) });
    const thread = await until('thread', () => s.threads.listThreads()[0]);
    const sent = await s.messaging.sendText(thread.id, 'Sim, entregamos no bairro.');
    expect(sent).toMatchObject({ status: 'sent', direction: 'out', body: 'Sim, entregamos no bairro.' });
    expect(sent.metaId).toMatch(/^wamid\./);
    const inbox = (await (await fetch(`${c.controlUrl}/users/${ana.wa_id}/inbox`)).json()) as { data: Array<{ type?: string; text?: { body?: string } }> };
    expect(inbox.data.some((m) => JSON.stringify(m).includes('Sim, entregamos no bairro.'))).toBe(true);
    await until('read status', () => s.threads.item(sent.id)?.status === 'read', 15_000);

    // A customer who never wrote: no window, nothing sent.
    const other = s.threads.addOutgoingMessage({ contact: { waId: jonas.wa_id!, userId: null, parentUserId: null, profileName: null, username: null }, wamid: 'wamid.old', type: 'text', body: 'old', at: '2025-01-01T00:00:00.000Z' });
    const before = sim!.ctx.sent.length;
    await expect(s.messaging.sendText(other.threadId, 'Hello?')).rejects.toThrow(/24 hours/);
    expect(sim!.ctx.sent.length).toBe(before);
  });

  it('marks a thread read on WhatsApp when the owner opens it', async () => {
    const { c, s } = await setup();
    const ana = seed.users[0]!;
    await fetch(`${c.controlUrl}/users/${ana.wa_id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Oi' }) });
    const thread = await until('thread', () => s.threads.listThreads()[0]);
    await s.messaging.markRead(thread.id);
    expect(s.threads.listThreads()[0]!.unreadCount).toBe(0);
    expect(sim!.ctx.sent.some((x) => x.kind === 'message' && (x.body as { status?: string }).status === 'read' && x.status === 200)).toBe(true);
  });

  it('serves threads over the bridge: list, timeline pages, search, send, open; pushes threadsChanged', async () => {
    const { c, s, pushed } = await setup();
    const ana = seed.users[0]!;
    for (const text of ['Primeira mensagem', 'Segunda mensagem', 'Tem pão de queijo?']) {
      await fetch(`${c.controlUrl}/users/${ana.wa_id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    }
    await until('three items', () => s.threads.listThreads()[0] && s.threads.timeline(s.threads.listThreads()[0]!.id).length === 3);
    await until('threadsChanged pushed', () => pushed.some((p) => p.event === 'threadsChanged'));
    const list = await s.dispatch('listThreads', {});
    if (!list.ok) throw new Error(list.error.message);
    const { threads } = list.result as { threads: Array<{ id: number; unreadCount: number }> };
    expect(threads).toHaveLength(1);
    const page1 = await s.dispatch('getTimeline', { threadId: threads[0]!.id, limit: 2 });
    expect(page1).toMatchObject({ ok: true, result: { items: [{ body: 'Tem pão de queijo?' }, { body: 'Segunda mensagem' }], window: { open: true } } });
    const next = (page1 as { result: { next: { at: string; id: number } } }).result.next;
    expect(await s.dispatch('getTimeline', { threadId: threads[0]!.id, limit: 2, before: next })).toMatchObject({ ok: true, result: { items: [{ body: 'Primeira mensagem' }], next: null } });
    expect(await s.dispatch('search', { query: 'queijo' })).toMatchObject({ ok: true, result: { hits: [{ threadId: threads[0]!.id }] } });
    expect(await s.dispatch('sendTextMessage', { threadId: threads[0]!.id, text: 'Tem sim!' })).toMatchObject({ ok: true, result: { status: 'sent', body: 'Tem sim!' } });
    expect(await s.dispatch('openThread', { threadId: threads[0]!.id })).toEqual({ ok: true, result: { opened: true } });
    expect(s.threads.listThreads()[0]!.unreadCount).toBe(0);
    expect(await s.dispatch('getTimeline', { threadId: 99999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('pushes fresh calling settings when the account_settings_update webhook says they changed', async () => {
    const { c, pushed } = await setup();
    const res = await fetch(`${c.graphBaseUrl}/${c.apiVersion}/${c.phoneNumberId}/settings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ calling: { call_icon_visibility: 'DISABLE_ALL' } }),
    });
    expect(res.status).toBe(200);
    const push = await until('callingSettings event', () => pushed.find((p) => p.event === 'callingSettings'));
    expect(push.payload).toMatchObject({ calling: { call_icon_visibility: 'DISABLE_ALL' } });
  });
});
