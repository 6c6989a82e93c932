/**
 * The missed-call reply (issue 17) end to end in Node: main's services against the Cloud API
 * simulator (real signed webhooks, real Graph sends with Meta's rules). Nobody answers in these
 * tests (no window is attached), so every customer's call is missed: it rings out at the
 * simulator's answer window, or the customer hangs up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MissedCallReply } from '../../../common/bridge-contract.ts';
import { nextOpeningText } from '../../../common/rules/missed-call-reply.ts';
import { MissedCallReplies } from '../../../main/calls/missed-call-reply.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { customerWrites, defaultSeed as seed, startSimApp, until, type SimApp } from '../../support/sim-app.ts';

let app: SimApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

const ana = seed.users[0]!;
const jonas = seed.users[1]!;
const carlos = seed.users[3]!;

async function control(path: string, body: unknown = {}, method = 'POST'): Promise<Record<string, unknown>> {
  const res = await fetch(`${app!.creds.controlUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return (await res.json()) as Record<string, unknown>;
}

/** What the business sent this customer (the simulated phone's inbox). */
async function inbox(waId: string): Promise<Array<{ type: string; body: unknown }>> {
  const res = await fetch(`${app!.creds.controlUrl}/users/${waId}/inbox`);
  return ((await res.json()) as { data: Array<{ type: string; body: unknown }> }).data;
}

async function setReply(changes: Partial<MissedCallReply>): Promise<MissedCallReply> {
  const res = await app!.services.dispatch('setMissedCallReply', changes);
  expect(res.ok, JSON.stringify(res)).toBe(true);
  return (res as { result: MissedCallReply }).result;
}

/** The customer calls and gives up before anyone answers: a missed call. Returns its call id. */
async function missedCall(waId: string): Promise<string> {
  const call = (await control(`/users/${waId}/call`)) as { id: string };
  await until('the call rings here', () => app!.services.threads.callItem(call.id));
  await control(`/calls/${encodeURIComponent(call.id)}/hangup`);
  await until('the call is missed', () => app!.services.threads.callItem(call.id)?.status === 'missed');
  return call.id;
}

const replies = (threadId: number) =>
  app!.services.threads.timeline(threadId, { limit: 100 }).filter((i) => i.kind === 'message' && i.direction === 'out');

describe('missed-call reply', () => {
  it('is off by default: a missed call gets no message', async () => {
    app = await startSimApp();
    expect((await app.services.dispatch('getMissedCallReply', {})) as unknown).toMatchObject({ ok: true, result: { enabled: false } });
    const callId = await missedCall(ana.wa_id!);
    await new Promise((r) => setTimeout(r, 300));
    expect(await inbox(ana.wa_id!)).toEqual([]);
    expect(replies(app.services.threads.callItem(callId)!.threadId)).toEqual([]);
  });

  it('inside the window the call opened: the free text with the name, once — replays, catch-up and a second call within the cooldown send nothing more', async () => {
    app = await startSimApp();
    await customerWrites(app, ana.wa_id!, 'Oi, vou ligar');
    const on = await setReply({ enabled: true, text: 'Hi {name}, sorry we missed your call. We open {next_opening}.' });
    expect(on.enabledAt).not.toBeNull();
    await control('/faults', { next: [{ match: { field: 'calls', event: 'terminate' }, faults: { duplicate: true }, count: 1 }] }, 'PUT');
    const callId = await missedCall(ana.wa_id!);
    const threadId = app.services.threads.callItem(callId)!.threadId;
    const sent = await until('the reply reached the phone', async () => ((await inbox(ana.wa_id!)).length ? inbox(ana.wa_id!) : null));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.type).toBe('text');
    // No call hours: the business is open, so {next_opening} reads "now".
    expect(JSON.stringify(sent[0]!.body)).toContain('Hi Ana Souza, sorry we missed your call. We open now.');
    // It is in the thread like any message, marked as the automatic reply to that call.
    const mine = await until('the reply is sent in the thread', () => replies(threadId).find((i) => i.status !== 'sending'));
    expect(mine).toMatchObject({ type: 'text', status: 'sent', body: 'Hi Ana Souza, sorry we missed your call. We open now.' });
    expect(mine.data['autoReply']).toEqual({ for: callId });

    // The terminate webhook was delivered twice (Meta retries: see the fault below), and the
    // catch-up after a restart finds the call answered: nothing more.
    expect(app.sim.webhooks.posts.filter((p) => p.duplicateOf !== undefined).length).toBeGreaterThan(0);
    const sends: string[] = [];
    const again = new MissedCallReplies({
      db: app.services.db,
      threads: app.services.threads,
      messaging: {
        sendText: async (id, text) => (sends.push(text), app!.services.threads.item(mine.id)!),
        sendTemplate: async () => (sends.push('template'), app!.services.threads.item(mine.id)!),
        sendInteractive: async () => (sends.push('interactive'), app!.services.threads.item(mine.id)!),
      },
      settings: () => app!.services.config.get().callers.missedCallReply,
      permission: async () => {
        throw new Error('not asked');
      },
      callHours: async () => null,
      log: memoryLogger().log,
    });
    again.catchUp();
    await again.settled();
    expect(sends).toEqual([]);
    // Had the app stopped before it could answer (no row for the call), the catch-up answers it, once.
    app.services.db.prepare('DELETE FROM missed_call_replies WHERE key = ?').run(callId);
    again.catchUp();
    again.catchUp();
    await again.settled();
    expect(sends).toHaveLength(1);
    expect(again.stateOf(callId)).toMatchObject({ state: 'sent', kind: 'text' });
    await app.services.dispatch('setMissedCallReply', { cooldownHours: 1 });
    app.services.threads.catchUp();
    // A second missed call within the hour: the customer already has a reply.
    await missedCall(ana.wa_id!);
    await new Promise((r) => setTimeout(r, 500));
    expect(await inbox(ana.wa_id!)).toHaveLength(1);
    expect(replies(threadId)).toHaveLength(1);
  });

  it('outside the window: the chosen template with the name and the next opening; without a template, nothing', async () => {
    app = await startSimApp();
    // Outside call hours WhatsApp refuses the call itself (no webhook) and offers a callback instead.
    const now = new Date(app.sim.clock.now());
    const today = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'][now.getUTCDay()]!;
    const hours = {
      status: 'ENABLED' as const,
      timezone_id: 'UTC',
      weekly_operating_hours: [
        { day_of_week: today === 'MONDAY' ? ('TUESDAY' as const) : ('MONDAY' as const), open_time: '0900', close_time: '1700' },
      ],
      holiday_schedule: [],
    };
    await control('/settings', {
      calling: { call_hours: { ...hours, holiday_schedule: undefined }, callback_permission_status: 'ENABLED' },
    });
    await setReply({
      enabled: true,
      template: { name: 'missed_call_followup', language: 'en', values: [{ kind: 'name' }, { kind: 'next_opening' }] },
    });
    // Jonas never wrote or called: his callback request has no 24-hour window behind it.
    const refused = await fetch(`${app.creds.controlUrl}/users/${jonas.wa_id}/call`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ reason: 'outside_call_hours', callback_request_available: true });
    await control(`/users/${jonas.wa_id}/request-callback`);
    const sent = await until('the template reached the phone', async () =>
      (await inbox(jonas.wa_id!)).length ? inbox(jonas.wa_id!) : null,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]!.type).toBe('template');
    const body = JSON.stringify(sent[0]!.body);
    expect(body).toContain('missed_call_followup');
    // Jonas Weber's name from the webhook's profile, and when the call hours open next ("Monday 9:00 AM", "tomorrow 9:00 AM"…).
    expect(body).toContain('Jonas Weber');
    expect(body).toContain(JSON.stringify(nextOpeningText(hours, new Date(), 'en')).slice(1, -1));
    expect(nextOpeningText(hours, new Date(), 'en')).toMatch(/^(today|tomorrow|Monday|Tuesday) 9:00/);

    // Carlos asks too, but no template is chosen any more: nothing is sent, and the reason is kept.
    await setReply({ template: null });
    const asked = (await control(`/users/${carlos.user_id}/request-callback`)) as { call_id: string };
    const why = await until('the decision', () =>
      app!.services.db.prepare('SELECT state, reason FROM missed_call_replies WHERE key = ?').get(asked.call_id),
    );
    expect(why).toEqual({ state: 'skipped', reason: 'No template is chosen for customers outside the 24-hour window.' });
    expect(await inbox(carlos.user_id!)).toEqual([]);
  });

  it('a call declined by hand gets no reply unless the owner asked for it; one declined by do-not-disturb does', async () => {
    app = await startSimApp();
    await customerWrites(app, ana.wa_id!, 'Oi');
    await customerWrites(app, jonas.wa_id!, 'Hallo');
    await setReply({ enabled: true, cooldownHours: 1 });
    const s = app.services;
    // Ana's call: the owner declines it.
    const call = (await control(`/users/${ana.wa_id}/call`)) as { id: string };
    const ringing = await until('ringing', () => s.calls.list().find((c) => c.callId === call.id && c.state === 'ringing'));
    expect(s.calls.decline(ringing.localId)).toBe(true);
    await until('declined', () => s.threads.callItem(call.id)?.status === 'declined' && s.threads.callItem(call.id)?.data['endedAt']);
    await new Promise((r) => setTimeout(r, 300));
    expect(await inbox(ana.wa_id!)).toEqual([]);
    // Jonas's call under do-not-disturb with "decline at once": a reply.
    await s.dispatch('setDesktopPreferences', { dnd: 'hour', dndDeclineAtOnce: true });
    const call2 = (await control(`/users/${jonas.wa_id}/call`)) as { id: string };
    await until('declined at once', () => s.threads.callItem(call2.id)?.data['declinedBy'] === 'dnd');
    const sent = await until('the reply after do-not-disturb', async () =>
      (await inbox(jonas.wa_id!)).length ? inbox(jonas.wa_id!) : null,
    );
    expect(JSON.stringify(sent[0]!.body)).toContain('Hi Jonas Weber, sorry we missed your call.');
  });

  it('"call me": a permission request with the text when WhatsApp allows asking, the text alone when not; or a call button', async () => {
    app = await startSimApp();
    await customerWrites(app, ana.wa_id!, 'Oi');
    await setReply({ enabled: true, callMe: 'permission_request', cooldownHours: 1, text: 'Sorry {name}! May we call you back?' });
    await missedCall(ana.wa_id!);
    const first = await until('the request', async () => ((await inbox(ana.wa_id!)).length ? inbox(ana.wa_id!) : null));
    expect(first[0]!.type).toBe('interactive');
    expect(JSON.stringify(first[0]!.body)).toContain('call_permission_request');
    expect(JSON.stringify(first[0]!.body)).toContain('Sorry Ana Souza! May we call you back?');

    // Jonas already gave permission (from the business profile): asking again would be refused, so the text goes alone.
    await customerWrites(app, jonas.wa_id!, 'Hallo');
    await control(`/users/${jonas.wa_id}/permission`, { response: 'accept', source: 'profile' });
    await missedCall(jonas.wa_id!);
    const alone = await until('the text alone', async () => ((await inbox(jonas.wa_id!)).length ? inbox(jonas.wa_id!) : null));
    expect(alone[0]!.type).toBe('text');
    expect(JSON.stringify(alone[0]!.body)).toContain('Sorry Jonas Weber! May we call you back?');

    // A call button for Carlos (known only by his BSUID), its payload naming the call.
    await customerWrites(app, carlos.user_id!, 'Hola');
    await setReply({ callMe: 'call_button', buttonText: 'Call us back' });
    const callId = await missedCall(carlos.user_id!);
    const button = await until('the button', async () => ((await inbox(carlos.user_id!)).length ? inbox(carlos.user_id!) : null));
    expect(JSON.stringify(button[0]!.body)).toContain('voice_call');
    expect(JSON.stringify(button[0]!.body)).toContain('Call us back');
    expect(JSON.stringify(button[0]!.body)).toContain(`missed-call:${callId}`);
  });

  it('refuses a setting WhatsApp would refuse, naming the field', async () => {
    app = await startSimApp();
    const res = await app.services.dispatch('setMissedCallReply', { buttonText: 'A call button text that is far too long' });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });
});
