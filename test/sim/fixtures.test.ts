/**
 * Every REQUEST sample in test/fixtures/meta-docs (a copy of ../shared/fixtures/meta-docs) (request-*.json/.jsonc and the cURL
 * samples) is accepted by the simulator and answered in the documented shape. Comments are
 * stripped and placeholders replaced by real values; nothing else about the samples is changed,
 * except where noted (doc artefacts that are not JSON at all: ". . ." elisions, a missing comma).
 */
import { muxOggOpus } from '../../renderer/src/media/ogg-mux.ts';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessLikeSdp } from './sdp.ts';
import type { Harness } from './test-helpers.ts';
import { callEvent, startHarness, waitFor } from './test-helpers.ts';

const DIR = new URL('../fixtures/meta-docs/', import.meta.url);
const PNID = '3000000000000003';
const WABA = '2000000000000002';

function read(name: string): string {
  return readFileSync(new URL(name, DIR), 'utf8');
}

/** Removes // and <!-- --> comments outside strings and trailing commas. */
export function stripJsonc(text: string): string {
  let out = '';
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (inStr) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') {
      inStr = true;
      out += ch;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      i = end < 0 ? text.length : end + 2;
    } else out += ch;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

function parseJsonc(text: string): Record<string, unknown> {
  return JSON.parse(stripJsonc(text)) as Record<string, unknown>;
}

/** The -d '...' body and URL of a cURL sample. */
function curl(name: string): { url: string; body: Record<string, unknown> } {
  const t = read(name);
  const url = /curl[^']*'([^']+)'/.exec(t)?.[1] ?? '';
  const start = t.indexOf("-d '") + 4;
  const raw = t.slice(start, t.lastIndexOf("'")).replace(/'\\''/g, "'");
  return { url, body: JSON.parse(raw) as Record<string, unknown> };
}

let h: Harness;
const US_USER = '14085551234';
const US_BSUID = 'US.13491208655302741918';

beforeAll(async () => {
  h = await startHarness({
    // The samples' holiday is 2026-01-01: run the clock in Dec 2025 so it is not "in the past".
    sim: { startAtMs: Date.parse('2025-12-01T12:00:00Z') },
    seed: {
      users: [
        { wa_id: US_USER, user_id: US_BSUID, name: 'Sample US user', country: 'US' },
        { wa_id: '14085550000', name: 'Sample callee', country: 'US' },
        { wa_id: '13287759822', name: 'Template recipient', country: 'US' },
        { wa_id: '16505551234', name: 'Sheena Nelson', country: 'US' },
        { wa_id: '5511987650001', name: 'Ana', country: 'BR' },
      ],
    },
  });
});
afterAll(async () => {
  await h.close();
});

const post = (path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => h.graph('POST', path, body);

describe('request samples from Meta docs', () => {
  it('lists the samples this suite covers (fails when a new request sample appears)', () => {
    const all = readdirSync(DIR)
      .filter((f) => f.startsWith('request-') || f.startsWith('curl-'))
      .sort();
    expect(all).toEqual([
      'curl-calls-samples-accept-call.txt',
      'curl-calls-samples-legacy-connection-param.txt',
      'curl-calls-samples-new-call.txt',
      'curl-messages-mark-as-read-example.txt',
      'curl-messages-send-text-example.txt',
      'request-calls-accept.json',
      'request-calls-connect.json',
      'request-calls-pre-accept.json',
      'request-calls-reject.json',
      'request-calls-terminate.json',
      'request-messages-call-permission-request-interactive.json',
      'request-messages-call-permission-request-template.jsonc',
      'request-messages-common-syntax.jsonc',
      'request-messages-voice-call-button-interactive.json',
      'request-messages-voice-call-button-template.json',
      'request-phone-number-webhook-override.json',
      'request-settings-call-hours-colon-format-variant.jsonc',
      'request-settings-post-calling-full.jsonc',
      'request-settings-post-sip.jsonc',
      'request-settings-post-srtp-key-exchange.jsonc',
      'request-subscribed-apps-override-callback.json',
      'request-template-create-call-permission-request.json',
      'request-template-create-voice-call-button.json',
    ]);
  });

  it('settings: full calling object, colon-time variant, SRTP, SIP', async () => {
    const full = read('request-settings-post-calling-full.jsonc')
      .replace('"ENABLED | DISABLED (default)"', '"DISABLED"')
      .replace('<SIP_SERVER_HOSTNAME>', '"sip.example.com"')
      .replace('SIP_SERVER_PORT', '5061');
    // The sample's announcement id must name a real voicemail-announcement upload (Meta's rule, and the simulator's).
    const greeting = h.sim.media.add(
      Buffer.from(muxOggOpus([new Uint8Array([0xf8, 0xff, 0xfe])], 960)),
      'audio/ogg',
      'call_voicemail_announcement',
    );
    let r = await post(`${PNID}/settings`, parseJsonc(full.replace('938884519013664', greeting.id)));
    expect(r).toEqual({ status: 200, json: { success: true } });
    const got = await h.graph('GET', `${PNID}/settings`);
    expect(got.json['calling']).toMatchObject({
      status: 'ENABLED',
      call_icons: { restrict_to_user_countries: ['US', 'BR'] },
      call_hours: { timezone_id: 'America/Manaus', holiday_schedule: [{ date: '2026-01-01', start_time: '0000', end_time: '2359' }] },
      audio: { additional_codecs: ['PCMA', 'PCMU'] },
      voicemail: { status: 'ENABLED', triggers: ['REJECT', 'TIMEOUT'] },
    });

    const colon = `{"calling": {${read('request-settings-call-hours-colon-format-variant.jsonc')}}}`;
    r = await post(`${PNID}/settings`, parseJsonc(colon));
    expect(r.json).toEqual({ success: true });
    const after = (await h.graph('GET', `${PNID}/settings`)).json['calling'] as Record<string, unknown>;
    expect((after['call_hours'] as Record<string, unknown>)['weekly_operating_hours']).toEqual([
      { day_of_week: 'MONDAY', open_time: '0400', close_time: '1020' },
      { day_of_week: 'TUESDAY', open_time: '0108', close_time: '1020' },
    ]);

    const srtp = read('request-settings-post-srtp-key-exchange.jsonc')
      .replace(/\. \. \./g, '')
      .replace('"DEFAULT"\n', '"DEFAULT",\n')
      .replace('"DTLS (default) | SDES"', '"SDES"');
    r = await post(`${PNID}/settings`, parseJsonc(srtp));
    expect(r.json).toEqual({ success: true });
    expect(((await h.graph('GET', `${PNID}/settings`)).json['calling'] as Record<string, unknown>)['srtp_key_exchange_protocol']).toBe(
      'SDES',
    );

    const sip = read('request-settings-post-sip.jsonc')
      .replace('...', '')
      .replace('SIP_SERVER_HOSTNAME\n', '"sip.example.com",\n')
      .replace('SIP_SERVER_PORT', '5061');
    r = await post(`${PNID}/settings`, parseJsonc(sip));
    expect(r.json).toEqual({ success: true });
    const withCreds = (await h.graph('GET', `${PNID}/settings?include_sip_credentials=true`)).json['calling'] as Record<string, unknown>;
    const server = ((withCreds['sip'] as Record<string, unknown>)['servers'] as Array<Record<string, unknown>>)[0] ?? {};
    expect(server).toMatchObject({ hostname: 'sip.example.com', port: 5061, app_id: '1000000000000001' });
    expect(typeof server['sip_user_password']).toBe('string');
    // Back to Graph signalling for the call samples below.
    r = await post(`${PNID}/settings`, {
      calling: {
        sip: { status: 'DISABLED' },
        srtp_key_exchange_protocol: 'DTLS',
        call_hours: {
          status: 'DISABLED',
          timezone_id: 'UTC',
          weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0000', close_time: '2359' }],
        },
        call_icons: { restrict_to_user_countries: [] },
        voicemail: { status: 'DISABLED' },
      },
    });
    expect(r.json).toEqual({ success: true });
  });

  it('webhook overrides: phone number and WABA', async () => {
    const phone = JSON.parse(
      read('request-phone-number-webhook-override.json')
        .replace('<PHONE_ALT_CALLBACK_URL>', `${h.rx.url}?phone`)
        .replace('<PHONE_ALT_CALLBACK_URL_TOKEN>', h.rx.verifyToken),
    ) as unknown;
    expect(await post(PNID, phone)).toEqual({ status: 200, json: { success: true } });
    const waba = JSON.parse(
      read('request-subscribed-apps-override-callback.json')
        .replace('<WABA_ALT_CALLBACK_URL>', `${h.rx.url}?waba`)
        .replace('<WABA_ALT_CALLBACK_URL_TOKEN>', h.rx.verifyToken),
    ) as unknown;
    expect(await post(`${WABA}/subscribed_apps`, waba)).toEqual({ status: 200, json: { success: true } });
    const cfg = await h.graph('GET', `${PNID}?fields=webhook_configuration`);
    expect(cfg.json).toEqual({
      webhook_configuration: { phone_number: `${h.rx.url}?phone`, whatsapp_business_account: `${h.rx.url}?waba`, application: h.rx.url },
      id: PNID,
    });
  });

  it('templates: create both calling templates', async () => {
    const cpr = JSON.parse(
      read('request-template-create-call-permission-request.json')
        .replace('"[MARKETING|UTILITY]"', '"MARKETING"')
        .replace('sample_cpr_template', 'sample_cpr_template_2'),
    ) as unknown;
    let r = await post(`${WABA}/message_templates`, cpr);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'APPROVED', category: 'MARKETING' });
    const vc = JSON.parse(
      read('request-template-create-voice-call-button.json')
        .replace('<NAME>', 'call_now_button')
        .replace('<CATEGORY>', 'UTILITY')
        .replace('<LANGUAGE>', 'en'),
    ) as unknown;
    r = await post(`${WABA}/message_templates`, vc);
    expect(r.json).toMatchObject({ status: 'APPROVED', category: 'UTILITY' });
    const list = await h.graph('GET', `${WABA}/message_templates`);
    expect((list.json['data'] as Array<Record<string, unknown>>).map((t) => t['name'])).toContain('call_now_button');
  });

  it('messages: text (cURL), common syntax, interactive + template permission requests, call buttons, mark as read', async () => {
    for (const wa of [US_USER, '13287759822', '16505551234', '14085550000'])
      await h.control('POST', `users/${wa}/messages`, { text: 'hello' });
    const shape = (r: { status: number; json: Record<string, unknown> }): void => {
      expect(r.status).toBe(200);
      expect(r.json['messaging_product']).toBe('whatsapp');
      expect((r.json['contacts'] as unknown[]).length).toBe(1);
      expect(((r.json['messages'] as Array<Record<string, unknown>>)[0] ?? {})['id']).toMatch(/^wamid\./);
    };
    const text = curl('curl-messages-send-text-example.txt');
    expect(text.url).toMatch(/\/v25\.0\/\d+\/messages$/);
    const t = await post(`${PNID}/messages`, text.body);
    shape(t);
    expect((t.json['contacts'] as Array<Record<string, unknown>>)[0]).toMatchObject({ input: '+16505551234', wa_id: '16505551234' });

    const common = parseJsonc(
      read('request-messages-common-syntax.jsonc')
        .replace('{<MESSAGE_CONTENTS>}', '{"body": "hi"}')
        .replace(/<MESSAGE_TYPE>/g, 'text')
        .replace('<RECIPIENT_TYPE>', 'individual')
        .replace('<WHATSAPP_USER_PHONE_NUMBER>', '14085550000'),
    );
    shape(await post(`${PNID}/messages`, common));

    const cpr = JSON.parse(
      read('request-messages-call-permission-request-interactive.json').replace('<PHONE_NUMBER_ID> or <WHATSAPP_ID>', US_USER),
    ) as unknown;
    const cprRes = await post(`${PNID}/messages`, cpr);
    shape(cprRes);
    expect((cprRes.json['contacts'] as Array<Record<string, unknown>>)[0]).toEqual({ input: US_USER, wa_id: US_USER, user_id: US_BSUID });

    // Same user would hit the 1-per-24h request limit; the template sample goes to its own recipient.
    const tpl = parseJsonc(read('request-messages-call-permission-request-template.jsonc'));
    const tplRes = await post(`${PNID}/messages`, tpl);
    shape(tplRes);
    expect(((tplRes.json['messages'] as Array<Record<string, unknown>>)[0] ?? {})['message_status']).toBe('accepted');

    shape(await post(`${PNID}/messages`, JSON.parse(read('request-messages-voice-call-button-interactive.json')) as unknown));
    shape(await post(`${PNID}/messages`, JSON.parse(read('request-messages-voice-call-button-template.json')) as unknown));

    const inbound = h.sim.messaging.inbound[0]?.id ?? '';
    const read1 = curl('curl-messages-mark-as-read-example.txt');
    read1.body['message_id'] = inbound;
    expect(await post(`${PNID}/messages`, read1.body)).toEqual({ status: 200, json: { success: true } });
  });

  it('calls: connect (JSON + cURL + legacy connection), pre_accept, accept (JSON + cURL), reject, terminate', async () => {
    for (const u of [US_USER, '14085550000']) {
      await h.control('POST', `users/${u}/permission`, { response: 'accept', source: 'profile' });
    }
    const connect = JSON.parse(
      read('request-calls-connect.json').replace('<<RFC 8866 SDP>>', businessLikeSdp('offer').replace(/\r\n/g, '\\r\\n')),
    ) as unknown;
    const c1 = await post(`${PNID}/calls`, connect);
    expect(c1.status).toBe(200);
    const id1 = ((c1.json['calls'] as Array<Record<string, unknown>>)[0] ?? {})['id'] as string;
    expect(c1.json).toEqual({ messaging_product: 'whatsapp', calls: [{ id: id1 }] });

    const terminate = (id: string): Promise<{ status: number; json: Record<string, unknown> }> =>
      post(`${PNID}/calls`, JSON.parse(read('request-calls-terminate.json').replace('wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh', id)) as unknown);
    expect(await terminate(id1)).toEqual({ status: 200, json: { messaging_product: 'whatsapp', success: true } });

    const newCall = curl('curl-calls-samples-new-call.txt');
    expect(newCall.url).toMatch(/\/v14\.0\/1234567890\/calls$/);
    const c2 = await h.graph('POST', `${PNID}/calls`, newCall.body, { version: 'v14.0' });
    expect(c2.status).toBe(200);
    const id2 = ((c2.json['calls'] as Array<Record<string, unknown>>)[0] ?? {})['id'] as string;
    expect((await terminate(id2)).status).toBe(200);

    const legacy = curl('curl-calls-samples-legacy-connection-param.txt');
    const c3 = await h.graph('POST', `${PNID}/calls`, legacy.body, { version: 'v14.0' });
    expect(c3.status).toBe(200);
    expect((await terminate(((c3.json['calls'] as Array<Record<string, unknown>>)[0] ?? {})['id'] as string)).status).toBe(200);

    // UIC: pre_accept + accept (JSON samples), then terminate.
    const uic = (await h.control('POST', 'users/5511987650001/call', {})).json['id'] as string;
    await waitFor(() => callEvent(h.rx, uic, 'connect'), 'connect');
    const answer = businessLikeSdp('answer').replace(/\r\n/g, '\\r\\n');
    const sub = (name: string): unknown =>
      JSON.parse(read(name).replace('wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh', uic).replace('<<RFC 8866 SDP>>', answer));
    expect(await post(`${PNID}/calls`, sub('request-calls-pre-accept.json'))).toEqual({
      status: 200,
      json: { messaging_product: 'whatsapp', success: true },
    });
    expect(await post(`${PNID}/calls`, sub('request-calls-accept.json'))).toEqual({
      status: 200,
      json: { messaging_product: 'whatsapp', success: true },
    });
    expect(h.sim.calls.get(uic)?.bizOpaque).toBe('random_string');
    expect((await terminate(uic)).status).toBe(200);

    // Reject sample on a fresh UIC; accept cURL sample (with "to" and a full SDP) on another.
    const uic2 = (await h.control('POST', 'users/5511987650001/call', {})).json['id'] as string;
    const rej = JSON.parse(read('request-calls-reject.json').replace('wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh', uic2)) as unknown;
    expect(await post(`${PNID}/calls`, rej)).toEqual({ status: 200, json: { messaging_product: 'whatsapp', success: true } });
    const uic3 = (await h.control('POST', 'users/5511987650001/call', {})).json['id'] as string;
    const acc = curl('curl-calls-samples-accept-call.txt');
    acc.body['call_id'] = uic3;
    expect(await h.graph('POST', `${PNID}/calls`, acc.body, { version: 'v14.0' })).toEqual({
      status: 200,
      json: { messaging_product: 'whatsapp', success: true },
    });
  });
});
