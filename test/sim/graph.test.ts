import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './test-helpers.ts';
import { err, startHarness, waitFor } from './test-helpers.ts';

const PNID = '3000000000000003';
const WABA = '2000000000000002';
let h: Harness;

afterEach(async () => {
  await h.close();
});

const hours = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  status: 'ENABLED',
  timezone_id: 'America/Sao_Paulo',
  weekly_operating_hours: [
    { day_of_week: 'MONDAY', open_time: '0900', close_time: '1200' },
    { day_of_week: 'MONDAY', open_time: '1300', close_time: '1800' },
  ],
  ...extra,
});

describe('Graph API basics', () => {
  it('190 for a missing or wrong token, in the Graph error envelope', async () => {
    h = await startHarness();
    for (const token of [null, 'wrong']) {
      const r = await h.graph('GET', `${PNID}/settings`, undefined, { token });
      expect(r.status).toBe(401);
      const e = err(r.json);
      expect(e).toMatchObject({ code: 190, type: 'OAuthException', error_data: { messaging_product: 'whatsapp' } });
      expect(e.message).toMatch(/^\(#190\) /);
      expect(typeof e.fbtrace_id).toBe('string');
    }
  });

  it('any /vNN.0/ prefix; unknown nodes and malformed bodies get a 100, never a crash', async () => {
    h = await startHarness();
    expect((await h.graph('GET', PNID, undefined, { version: 'v19.0' })).status).toBe(200);
    const unknown = await h.graph('GET', '999999');
    expect(unknown.status).toBe(400);
    expect(err(unknown.json)).toMatchObject({ code: 100, error_subcode: 33 });
    const bad = await h.graph('POST', `${PNID}/messages`, '{"messaging_product": "whatsapp",');
    expect(err(bad.json).code).toBe(100);
    for (const body of ['[]', '"x"', '{"calling": 5}', '{"calling": {"status": "ON"}}', '{}']) {
      const r = await h.graph('POST', `${PNID}/settings`, body);
      expect(r.status).toBe(400);
      expect(err(r.json).code).toBe(100);
    }
    const calls = await h.graph('POST', `${PNID}/calls`, { messaging_product: 'whatsapp', action: 'dance' });
    expect(err(calls.json).error_data.details).toMatch(/action must be one of/);
    const missing = await h.graph('GET', `${PNID}/call_permissions`);
    expect(err(missing.json).code).toBe(100);
  });

  it('phone number node: default fields, ?fields= with health_status and webhook_configuration, unknown field', async () => {
    h = await startHarness();
    const r = await h.graph('GET', PNID);
    expect(r.json).toEqual({
      code_verification_status: 'VERIFIED',
      display_phone_number: '5511955550100',
      id: PNID,
      quality_rating: 'GREEN',
      verified_name: 'Test Business',
    });
    const hs = await h.graph('GET', `${PNID}?fields=health_status`);
    const entities = ((hs.json['health_status'] as Record<string, unknown>)['entities'] as Array<Record<string, unknown>>).map(
      (e) => e['entity_type'],
    );
    expect(entities).toEqual(['PHONE_NUMBER', 'WABA', 'BUSINESS', 'APP']);
    expect(hs.json['id']).toBe(PNID);
    const wc = await h.graph('GET', `${PNID}?fields=webhook_configuration`);
    expect(wc.json).toEqual({ webhook_configuration: { application: h.rx.url }, id: PNID });
    expect(err((await h.graph('GET', `${PNID}?fields=nope`)).json).code).toBe(100);
    const list = await h.graph('GET', `${WABA}/phone_numbers`);
    // The list formats the number as Meta's "Get all phone numbers" example does; the node gives digits.
    expect(list.json).toMatchObject({
      data: [{ verified_name: 'Test Business', display_phone_number: '+55 11 95555-0100', id: PNID, quality_rating: 'GREEN' }],
    });
  });

  it('subscribed_apps and app subscriptions', async () => {
    h = await startHarness();
    let r = await h.graph('GET', `${WABA}/subscribed_apps`);
    expect((r.json['data'] as Array<Record<string, unknown>>)[0]?.['whatsapp_business_api_data']).toMatchObject({ id: '1000000000000001' });
    expect((await h.graph('DELETE', `${WABA}/subscribed_apps`)).json).toEqual({ success: true });
    expect((await h.graph('GET', `${WABA}/subscribed_apps`)).json).toEqual({ data: [] });
    r = await h.graph('GET', '1000000000000001/subscriptions', undefined, { token: '1000000000000001|test-app-secret-0123456789' });
    expect((r.json['data'] as Array<Record<string, unknown>>)[0]).toMatchObject({
      object: 'whatsapp_business_account',
      callback_url: h.rx.url,
      active: true,
    });
  });

  it('media: GET /{media-id}, download with the token, URL expires after 5 sim-minutes', async () => {
    h = await startHarness();
    await h.control('POST', 'users/5511987650001/messages', {
      type: 'image',
      data_base64: Buffer.from('PNGDATA').toString('base64'),
      mime_type: 'image/png',
    });
    const ch = await waitFor(() => h.rx.changes('messages')[0], 'image message');
    const image = ((ch.value['messages'] as Array<Record<string, unknown>>)[0]?.['image'] ?? {}) as Record<string, unknown>;
    const meta = await h.graph('GET', image['id'] as string);
    expect(meta.json).toMatchObject({
      messaging_product: 'whatsapp',
      mime_type: 'image/png',
      sha256: image['sha256'],
      file_size: '7',
      id: image['id'],
    });
    const url = meta.json['url'] as string;
    expect((await fetch(url)).status).toBe(401);
    const ok = await fetch(url, { headers: { Authorization: `Bearer ${h.sim.business.accessToken}` } });
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).toString()).toBe('PNGDATA');
    h.sim.clock.advance(5 * 60_000 + 1);
    expect((await fetch(url, { headers: { Authorization: `Bearer ${h.sim.business.accessToken}` } })).status).toBe(404);
  });
});

describe('settings', () => {
  it('partial updates keep absent keys; call_hours is replaced whole and omitting holiday_schedule deletes holidays', async () => {
    h = await startHarness({ sim: { startAtMs: Date.parse('2026-03-01T12:00:00Z') } });
    let r = await h.graph('POST', `${PNID}/settings`, {
      calling: {
        call_icon_visibility: 'DISABLE_ALL',
        call_hours: hours({ holiday_schedule: [{ date: '2026-12-25', start_time: '0000', end_time: '2359' }] }),
      },
    });
    expect(r.json).toEqual({ success: true });
    r = await h.graph('POST', `${PNID}/settings`, { calling: { callback_permission_status: 'ENABLED' } });
    expect(r.json).toEqual({ success: true });
    let c = (await h.graph('GET', `${PNID}/settings`)).json['calling'] as Record<string, unknown>;
    expect(c).toMatchObject({ status: 'ENABLED', call_icon_visibility: 'DISABLE_ALL', callback_permission_status: 'ENABLED' });
    expect((c['call_hours'] as Record<string, unknown>)['holiday_schedule']).toHaveLength(1);
    expect(c['srtp_key_exchange_protocol']).toBeUndefined();
    await h.graph('POST', `${PNID}/settings`, { calling: { call_hours: hours() } });
    c = (await h.graph('GET', `${PNID}/settings`)).json['calling'] as Record<string, unknown>;
    expect((c['call_hours'] as Record<string, unknown>)['holiday_schedule']).toBeUndefined();
  });

  it.each([
    [
      'HHMM format',
      { call_hours: hours({ weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '9am', close_time: '1700' }] }) },
      /HHMM/,
    ],
    [
      'open before close',
      { call_hours: hours({ weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '1700', close_time: '0900' }] }) },
      /earlier than close_time/,
    ],
    [
      'at most 2 slots a day',
      {
        call_hours: hours({
          weekly_operating_hours: ['0100', '0300', '0500'].map((t) => ({
            day_of_week: 'FRIDAY',
            open_time: t,
            close_time: `0${Number(t[1]) + 1}00`,
          })),
        }),
      },
      /At most 2/,
    ],
    [
      'no overlaps',
      {
        call_hours: hours({
          weekly_operating_hours: [
            { day_of_week: 'MONDAY', open_time: '0900', close_time: '1300' },
            { day_of_week: 'MONDAY', open_time: '1200', close_time: '1800' },
          ],
        }),
      },
      /overlap/,
    ],
    ['weekly hours not empty', { call_hours: hours({ weekly_operating_hours: [] }) }, /must not be empty/],
    ['valid time zone', { call_hours: hours({ timezone_id: 'Mars/Olympus_Mons' }) }, /timezone_id/],
    [
      'holiday date format',
      { call_hours: hours({ holiday_schedule: [{ date: '25/12/2026', start_time: '0000', end_time: '2359' }] }) },
      /YYYY-MM-DD/,
    ],
    [
      'holiday not in the past',
      { call_hours: hours({ holiday_schedule: [{ date: '2026-02-27', start_time: '0000', end_time: '2359' }] }) },
      /in the past/,
    ],
    [
      'at most 20 holidays',
      {
        call_hours: hours({
          holiday_schedule: Array.from({ length: 21 }, (_, i) => ({
            date: `2026-04-${String(i + 1).padStart(2, '0')}`,
            start_time: '0000',
            end_time: '2359',
          })),
        }),
      },
      /at most 20/,
    ],
    ['voicemail triggers', { voicemail: { status: 'ENABLED', triggers: [] } }, /triggers/],
    [
      'voicemail timeout range',
      { voicemail: { status: 'ENABLED', triggers: ['TIMEOUT'], audio: { default: { timeout_seconds: 31 } } } },
      /timeout_seconds/,
    ],
    ['enum values', { call_icon_visibility: 'HIDDEN' }, /call_icon_visibility/],
    ['unknown keys', { colour: 'blue' }, /colour/],
  ])('refuses %s with 100 and details', async (_name, calling, details) => {
    h = await startHarness({ sim: { startAtMs: Date.parse('2026-03-01T12:00:00Z') } });
    const r = await h.graph('POST', `${PNID}/settings`, { calling });
    expect(r.status).toBe(400);
    expect(err(r.json).code).toBe(100);
    expect(err(r.json).error_data.details).toMatch(details);
  });

  it('account_settings_update webhook for reported keys only', async () => {
    h = await startHarness();
    await h.graph('POST', `${PNID}/settings`, { calling: { audio: { additional_codecs: ['PCMA'] } } });
    await h.graph('POST', `${PNID}/settings`, { calling: { call_icon_visibility: 'DISABLE_ALL' } });
    const ch = await waitFor(() => h.rx.changes('account_settings_update')[0], 'settings webhook');
    expect(h.rx.changes('account_settings_update')).toHaveLength(1);
    expect(ch.value).toMatchObject({
      messaging_product: 'whatsapp',
      type: 'PHONE_NUMBER_SETTINGS',
      phone_number_settings: {
        phone_number_id: PNID,
        calling: { call_icon_visibility: 'DISABLE_ALL', audio: { additional_codecs: ['PCMA'] } },
      },
    });
  });

  it('enabling calling fails with 138015 (messaging limit) or 138018 (no calls subscription)', async () => {
    h = await startHarness({
      seed: {
        calling: { status: 'DISABLED' },
        business: {
          ...{
            appId: '1000000000000001',
            appSecret: 'test-app-secret-0123456789',
            accessToken: 'EAATESTTOKEN0123456789',
            wabaId: WABA,
            phoneNumberId: PNID,
            displayPhoneNumber: '5511955550100',
            country: 'BR',
          },
          messagingLimit: 1000,
        },
      },
    });
    let r = await h.graph('POST', `${PNID}/settings`, { calling: { status: 'ENABLED' } });
    expect(err(r.json).code).toBe(138015);
    h.sim.business.messagingLimit = 2000;
    h.sim.webhooks.routing.app.fields.delete('calls');
    r = await h.graph('POST', `${PNID}/settings`, { calling: { status: 'ENABLED' } });
    expect(err(r.json).code).toBe(138018);
    h.sim.webhooks.routing.app.fields.add('calls');
    expect((await h.graph('POST', `${PNID}/settings`, { calling: { status: 'ENABLED' } })).json).toEqual({ success: true });
  });

  it('restrictions appear in GET settings while active and refuse BIC with 138014', async () => {
    h = await startHarness();
    await h.control('PUT', 'restrictions', {
      restrictions: [{ type: 'RESTRICTED_BUSINESS_INITIATED_CALLING', reason: 'negative feedback' }],
    });
    const c = (await h.graph('GET', `${PNID}/settings`)).json['calling'] as Record<string, unknown>;
    expect((c['restrictions'] as Record<string, unknown>)['restrictions_list']).toEqual([
      { type: 'RESTRICTED_BUSINESS_INITIATED_CALLING', reason: 'negative feedback', expiration: expect.any(Number) as number },
    ]);
    await h.control('POST', 'users/5511987650001/permission', { source: 'profile' });
    await h.control('POST', 'users/5511987650001/messages', { text: 'hi' });
    const r = await h.graph('POST', `${PNID}/messages`, {
      messaging_product: 'whatsapp',
      to: '5511987650001',
      type: 'interactive',
      interactive: { type: 'call_permission_request', action: { name: 'call_permission_request' } },
    });
    expect(err(r.json).code).toBe(138014);
    h.sim.clock.advance(8 * 24 * 3600_000);
    expect(((await h.graph('GET', `${PNID}/settings`)).json['calling'] as Record<string, unknown>)['restrictions']).toBeUndefined();
  });
});
