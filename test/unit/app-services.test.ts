/** Main's services wired together, fed by the simulator's webhooks straight to the receiver. */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../common/bridge-contract.ts';
import { customerWrites, defaultSeed as seed, startSimApp, until, type SimApp } from '../support/sim-app.ts';

let app: SimApp | null = null;
let sim: SimApp['sim'] | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function setup() {
  app = await startSimApp({ timeFactor: 100 });
  sim = app.sim;
  const pushed: Array<{ event: EventName; payload: unknown }> = [];
  app.services.events.subscribe((event, payload) => pushed.push({ event, payload }));
  return { c: app.creds, s: app.services, pushed };
}

describe('app services', () => {
  it("turns a customer's message into a thread", async () => {
    const { s } = await setup();
    const user = seed.users[0]!;
    await customerWrites(app!, user.wa_id!, 'Bom dia!');
    const thread = await until('thread', () => s.threads.listThreads()[0]);
    expect(thread).toMatchObject({ unreadCount: 1, contact: { waId: user.wa_id, profileName: user.name }, lastItem: { body: 'Bom dia!' } });
  });

  it('replies inside the 24-hour window and follows the status to read; refuses free text outside it', async () => {
    const { c, s } = await setup();
    const [ana, jonas] = [seed.users[0]!, seed.users[1]!];
    await customerWrites(app!, ana.wa_id!, 'Vocês entregam?');
    const thread = await until('thread', () => s.threads.listThreads()[0]);
    const sent = await s.messaging.sendText(thread.id, 'Sim, entregamos no bairro.');
    expect(sent).toMatchObject({ status: 'sent', direction: 'out', body: 'Sim, entregamos no bairro.' });
    expect(sent.metaId).toMatch(/^wamid\./);
    const inbox = (await (await fetch(`${c.controlUrl}/users/${ana.wa_id}/inbox`)).json()) as {
      data: Array<{ type?: string; text?: { body?: string } }>;
    };
    expect(inbox.data.some((m) => JSON.stringify(m).includes('Sim, entregamos no bairro.'))).toBe(true);
    await until('read status', () => s.threads.item(sent.id)?.status === 'read', 15_000);

    // A customer who never wrote: no window, nothing sent.
    const other = s.threads.addOutgoingMessage({
      contact: { waId: jonas.wa_id!, userId: null, parentUserId: null, profileName: null, username: null },
      wamid: 'wamid.old',
      type: 'text',
      body: 'old',
      at: '2025-01-01T00:00:00.000Z',
    });
    const before = sim!.ctx.sent.length;
    await expect(s.messaging.sendText(other.threadId, 'Hello?')).rejects.toThrow(/24 hours/);
    expect(sim!.ctx.sent.length).toBe(before);
  });

  it('marks a thread read on WhatsApp when the owner opens it', async () => {
    const { s } = await setup();
    const ana = seed.users[0]!;
    await customerWrites(app!, ana.wa_id!, 'Oi');
    const thread = await until('thread', () => s.threads.listThreads()[0]);
    await s.messaging.markRead(thread.id);
    expect(s.threads.listThreads()[0]!.unreadCount).toBe(0);
    expect(sim!.ctx.sent.some((x) => x.kind === 'message' && (x.body as { status?: string }).status === 'read' && x.status === 200)).toBe(
      true,
    );
  });

  it('serves threads over the bridge: list, timeline pages, search, send, open; pushes threadsChanged', async () => {
    const { s, pushed } = await setup();
    const ana = seed.users[0]!;
    for (const text of ['Primeira mensagem', 'Segunda mensagem', 'Tem pão de queijo?']) await customerWrites(app!, ana.wa_id!, text);
    await until('three items', () => s.threads.listThreads()[0] && s.threads.timeline(s.threads.listThreads()[0]!.id).length === 3);
    await until('threadsChanged pushed', () => pushed.some((p) => p.event === 'threadsChanged'));
    const list = await s.dispatch('listThreads', {});
    if (!list.ok) throw new Error(list.error.message);
    const { threads } = list.result as { threads: Array<{ id: number; unreadCount: number }> };
    expect(threads).toHaveLength(1);
    const page1 = await s.dispatch('getTimeline', { threadId: threads[0]!.id, limit: 2 });
    expect(page1).toMatchObject({
      ok: true,
      result: { items: [{ body: 'Tem pão de queijo?' }, { body: 'Segunda mensagem' }], window: { open: true } },
    });
    const next = (page1 as { result: { next: { at: string; id: number } } }).result.next;
    expect(await s.dispatch('getTimeline', { threadId: threads[0]!.id, limit: 2, before: next })).toMatchObject({
      ok: true,
      result: { items: [{ body: 'Primeira mensagem' }], next: null },
    });
    expect(await s.dispatch('search', { query: 'queijo' })).toMatchObject({ ok: true, result: { hits: [{ threadId: threads[0]!.id }] } });
    expect(await s.dispatch('sendTextMessage', { threadId: threads[0]!.id, text: 'Tem sim!' })).toMatchObject({
      ok: true,
      result: { status: 'sent', body: 'Tem sim!' },
    });
    expect(await s.dispatch('openThread', { threadId: threads[0]!.id })).toEqual({ ok: true, result: { opened: true } });
    expect(s.threads.listThreads()[0]!.unreadCount).toBe(0);
    expect(await s.dispatch('getTimeline', { threadId: 99999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // Jumping to an old item: a page centred on it, with cursors both ways.
    const middle = s.threads.timeline(threads[0]!.id).find((i) => i.body === 'Segunda mensagem')!;
    const around = await s.dispatch('getTimeline', { threadId: threads[0]!.id, aroundItemId: middle.id, limit: 2 });
    expect(around).toMatchObject({
      ok: true,
      result: { items: [{ body: 'Tem pão de queijo?' }, { body: 'Segunda mensagem' }, { body: 'Primeira mensagem' }] },
    });

    // The owner names the customer and keeps a note; search finds the new name.
    expect(
      await s.dispatch('updateContact', { threadId: threads[0]!.id, ownerName: 'Ana (bakery orders)', notes: 'Prefers calls after 5 pm' }),
    ).toMatchObject({ ok: true, result: { thread: { contact: { ownerName: 'Ana (bakery orders)' } }, notes: 'Prefers calls after 5 pm' } });
    expect(s.threads.searchContacts('bakery')).toHaveLength(1);
    expect(await s.dispatch('updateContact', { threadId: threads[0]!.id, ownerName: '  ', notes: null })).toMatchObject({
      ok: true,
      result: { thread: { contact: { ownerName: null } }, notes: null },
    });
  });

  it('sends a template outside the window, downloads media once, and exports the thread', async () => {
    const { s } = await setup();
    const ana = seed.users[0]!;
    const image = await fetch(`${app!.creds.controlUrl}/users/${ana.wa_id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'image', caption: '=HYPERLINK("http://x")' }),
    });
    expect(image.status).toBe(201);
    const thread = await until('thread', () => s.threads.listThreads()[0]);
    const item = s.threads.timeline(thread.id)[0]!;
    const media = await s.dispatch('getMedia', { itemId: item.id });
    expect(media).toMatchObject({ ok: true, result: { mimeType: 'image/png' } });
    const png = Buffer.from((media as { result: { base64: string } }).result.base64, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    const list = await s.dispatch('listTemplates', {});
    if (!list.ok) throw new Error(list.error.message);
    const templates = (list.result as { templates: Array<{ name: string; language: string; parameterCount: number }> }).templates;
    expect(templates.length).toBeGreaterThan(0);
    const t = templates[0]!;
    const wrong = await s.dispatch('sendTemplate', { threadId: thread.id, name: t.name, language: t.language, parameters: [] });
    if (t.parameterCount > 0) expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    const sent = await s.dispatch('sendTemplate', {
      threadId: thread.id,
      name: t.name,
      language: t.language,
      parameters: Array.from({ length: t.parameterCount }, (_, i) => `value ${i + 1}`),
    });
    expect(sent).toMatchObject({ ok: true, result: { type: 'template', status: 'sent' } });

    const csv = await s.dispatch('exportThread', { threadId: thread.id, format: 'csv' });
    if (!csv.ok) throw new Error(csv.error.message);
    const content = (csv.result as { content: string }).content;
    expect(content.split('\r\n')[0]).toBe('at,kind,direction,type,status,text,duration_seconds,whatsapp_id,recording');
    // A cell that a spreadsheet would run as a formula is neutralised and quoted.
    expect(content).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(content).not.toMatch(/,=HYPERLINK/);
    const json = await s.dispatch('exportThread', { threadId: thread.id, format: 'json' });
    expect(JSON.parse((json as { result: { content: string } }).result.content).items).toHaveLength(2);

    // Media is kept after the first download: it still shows with WhatsApp unreachable.
    await sim!.close();
    expect(await s.dispatch('getMedia', { itemId: item.id })).toMatchObject({ ok: true, result: { mimeType: 'image/png' } });
  });

  it("keeps this computer's call preferences, and refuses a bad TURN address with the reason", async () => {
    const { s } = await setup();
    expect(await s.dispatch('getCallPreferences', {})).toEqual({
      ok: true,
      result: {
        preAccept: true,
        ringDeviceId: null,
        ringtone: 'chimes',
        ringVolume: 70,
        inputDeviceId: null,
        outputDeviceId: null,
        turnServers: [],
        stunServer: null,
      },
    });
    // The ringtone, its volume and the call devices are kept; an unknown tone or a volume past 100 is refused.
    expect(
      await s.dispatch('setCallPreferences', { ringtone: 'marimba', ringVolume: 35, inputDeviceId: 'mic-2', outputDeviceId: null }),
    ).toMatchObject({ ok: true, result: { ringtone: 'marimba', ringVolume: 35, inputDeviceId: 'mic-2', outputDeviceId: null } });
    expect(s.config.get().preferences).toMatchObject({ ringtone: 'marimba', ringVolume: 35, inputDeviceId: 'mic-2' });
    expect(await s.dispatch('setCallPreferences', { ringtone: 'siren' } as never)).toMatchObject({
      ok: false,
      error: { code: 'invalid_params' },
    });
    expect(await s.dispatch('setCallPreferences', { ringVolume: 101 })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(s.config.get().preferences).toMatchObject({ ringtone: 'marimba', ringVolume: 35 });
    expect(
      await s.dispatch('setCallPreferences', {
        preAccept: false,
        turnServers: [{ urls: 'turns:turn.example.com:443?transport=tcp', username: 'shop', credential: 'pw' }],
      }),
    ).toMatchObject({
      ok: true,
      result: { preAccept: false, turnServers: [{ urls: 'turns:turn.example.com:443?transport=tcp', username: 'shop' }] },
    });
    const bad = await s.dispatch('setCallPreferences', {
      turnServers: [{ urls: 'http://turn.example.com', username: null, credential: null }],
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_params', message: 'A TURN address starts with turn: or turns:' } });
    expect(s.config.get().preferences.turnServers).toHaveLength(1);
    // STUN: off by default, a stun: address is kept, anything else refused with the reason.
    expect(await s.dispatch('setCallPreferences', { stunServer: 'stun:stun.example.com:3478' })).toMatchObject({
      ok: true,
      result: { stunServer: 'stun:stun.example.com:3478' },
    });
    expect(await s.dispatch('setCallPreferences', { stunServer: 'https://stun.example.com' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_params' },
    });
    expect(s.config.get().preferences.stunServer).toBe('stun:stun.example.com:3478');
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
