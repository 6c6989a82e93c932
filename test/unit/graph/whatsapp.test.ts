/** The WhatsApp endpoint module: the exact method, path, query and body each function sends. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { GraphClient } from '../../../main/graph/graph-client.ts';
import { metaApp, PHONE_NUMBER_FIELDS, whatsapp, whatsappBusinessAccount, whatsappMedia } from '../../../main/graph/whatsapp.ts';
import { memoryLogger } from '../../support/test-log.ts';

interface Sent {
  method: string;
  /** Path after the version, e.g. /PN1/calls. */
  path: string;
  query: Record<string, string>;
  /** The JSON body exactly as sent (a string), or null. */
  json: string | null;
  form: FormData | null;
}

function fakeGraph(answer: unknown = { success: true }) {
  const sent: Sent[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    sent.push({
      method: init?.method ?? 'GET',
      path: url.pathname.replace(/^\/v25\.0/, ''),
      query: Object.fromEntries(url.searchParams),
      json: typeof init?.body === 'string' ? init.body : null,
      form: init?.body instanceof FormData ? init.body : null,
    });
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const graph = new GraphClient({
    baseUrl: 'https://graph.test',
    version: 'v25.0',
    token: () => 'TOKEN-123456',
    log: memoryLogger().log,
    fetch: fetchImpl,
    maxAttempts: 1,
  });
  const last = (): Sent => {
    const s = sent.at(-1);
    if (!s) throw new Error('nothing was sent');
    return s;
  };
  return { graph, sent, last };
}

const Any = z.looseObject({});
const ANA = { waId: '5511987650001', userId: null };
const BSUID = { waId: null, userId: 'BR.abc123' };

describe('whatsapp(graph, phoneNumberId).calls', () => {
  it('pre_accept / accept carry the SDP answer; reject / terminate only the call id', async () => {
    const { graph, last } = fakeGraph({ success: true });
    const calls = whatsapp(graph, 'PN1').calls;
    await calls.preAccept('wacid.1', 'v=0 answer');
    expect(last()).toMatchObject({ method: 'POST', path: '/PN1/calls' });
    expect(last().json).toBe(
      '{"messaging_product":"whatsapp","call_id":"wacid.1","action":"pre_accept","session":{"sdp_type":"answer","sdp":"v=0 answer"}}',
    );
    await calls.accept('wacid.1', 'v=0 answer');
    expect(last().json).toBe(
      '{"messaging_product":"whatsapp","call_id":"wacid.1","action":"accept","session":{"sdp_type":"answer","sdp":"v=0 answer"}}',
    );
    await calls.reject('wacid.2');
    expect(last()).toMatchObject({ method: 'POST', path: '/PN1/calls' });
    expect(last().json).toBe('{"messaging_product":"whatsapp","call_id":"wacid.2","action":"reject"}');
    await calls.terminate('wacid.3');
    expect(last().json).toBe('{"messaging_product":"whatsapp","call_id":"wacid.3","action":"terminate"}');
  });

  it('connect sends the offer to the wa_id (no +), or to the BSUID, and answers the call id', async () => {
    const { graph, last } = fakeGraph({ messaging_product: 'whatsapp', calls: [{ id: 'wacid.OUT' }] });
    const res = await whatsapp(graph, 'PN1').calls.connect(ANA, 'v=0 offer', 'local-1');
    expect(res.calls?.[0]?.id).toBe('wacid.OUT');
    expect(last()).toMatchObject({ method: 'POST', path: '/PN1/calls' });
    expect(last().json).toBe(
      '{"messaging_product":"whatsapp","to":"5511987650001","action":"connect","session":{"sdp_type":"offer","sdp":"v=0 offer"},"biz_opaque_callback_data":"local-1"}',
    );
    await whatsapp(graph, 'PN1').calls.connect(BSUID, 'v=0 offer', 'local-2');
    expect(last().json).toBe(
      '{"messaging_product":"whatsapp","recipient":"BR.abc123","action":"connect","session":{"sdp_type":"offer","sdp":"v=0 offer"},"biz_opaque_callback_data":"local-2"}',
    );
  });
});

describe('whatsapp(graph, phoneNumberId).messages', () => {
  const Wamid = z.looseObject({ messages: z.array(z.looseObject({ id: z.string() })) });

  it('text: to +wa_id (or the BSUID), without link previews', async () => {
    const { graph, last } = fakeGraph({ messages: [{ id: 'wamid.1' }] });
    const res = await whatsapp(graph, 'PN1').messages.sendText(ANA, 'Olá!', Wamid);
    expect(res.messages[0]!.id).toBe('wamid.1');
    expect(last()).toMatchObject({ method: 'POST', path: '/PN1/messages' });
    expect(last().json).toBe(
      '{"messaging_product":"whatsapp","recipient_type":"individual","to":"+5511987650001","type":"text","text":{"body":"Olá!","preview_url":false}}',
    );
    await whatsapp(graph, 'PN1').messages.sendText(BSUID, 'Hi', Wamid);
    expect(last().json).toBe(
      '{"messaging_product":"whatsapp","recipient_type":"individual","recipient":"BR.abc123","type":"text","text":{"body":"Hi","preview_url":false}}',
    );
  });

  it('template: body parameters as components, none when there are none', async () => {
    const { graph, last } = fakeGraph({ messages: [{ id: 'wamid.2' }] });
    await whatsapp(graph, 'PN1').messages.sendTemplate(ANA, { name: 'order_ready', language: 'pt_BR', parameters: ['Ana', '42'] }, Wamid);
    expect(last().json).toBe(
      '{"messaging_product":"whatsapp","recipient_type":"individual","to":"+5511987650001","type":"template","template":{"name":"order_ready","language":{"code":"pt_BR"},"components":[{"type":"body","parameters":[{"type":"text","text":"Ana"},{"type":"text","text":"42"}]}]}}',
    );
    await whatsapp(graph, 'PN1').messages.sendTemplate(ANA, { name: 'hello', language: 'en', parameters: [] }, Wamid);
    expect(last().json).toBe(
      '{"messaging_product":"whatsapp","recipient_type":"individual","to":"+5511987650001","type":"template","template":{"name":"hello","language":{"code":"en"}}}',
    );
  });

  it('interactive: the call button (payload only when given) and the call-permission request', async () => {
    const { graph, last } = fakeGraph({ messages: [{ id: 'wamid.3' }] });
    const m = whatsapp(graph, 'PN1').messages;
    await m.sendCallButton(ANA, { body: 'Call us', displayText: 'Call now', ttlMinutes: 60, payload: 'order-42' }, Wamid);
    expect(last()).toMatchObject({ method: 'POST', path: '/PN1/messages' });
    expect(last().json).toBe(
      '{"messaging_product":"whatsapp","recipient_type":"individual","to":"+5511987650001","type":"interactive","interactive":{"type":"voice_call","body":{"text":"Call us"},"action":{"name":"voice_call","parameters":{"display_text":"Call now","ttl_minutes":60,"payload":"order-42"}}}}',
    );
    await m.sendCallButton(BSUID, { body: 'Call us', displayText: 'Call now', ttlMinutes: 5, payload: null }, Wamid);
    expect(last().json).toBe(
      '{"messaging_product":"whatsapp","recipient_type":"individual","recipient":"BR.abc123","type":"interactive","interactive":{"type":"voice_call","body":{"text":"Call us"},"action":{"name":"voice_call","parameters":{"display_text":"Call now","ttl_minutes":5}}}}',
    );
    await m.sendCallPermissionRequest(ANA, 'May we call you on WhatsApp?', Wamid);
    expect(last().json).toBe(
      '{"messaging_product":"whatsapp","recipient_type":"individual","to":"+5511987650001","type":"interactive","interactive":{"type":"call_permission_request","action":{"name":"call_permission_request"},"body":{"text":"May we call you on WhatsApp?"}}}',
    );
  });

  it('mark read', async () => {
    const { graph, last } = fakeGraph({ success: true });
    await whatsapp(graph, 'PN1').messages.markRead('wamid.IN1');
    expect(last()).toMatchObject({ method: 'POST', path: '/PN1/messages' });
    expect(last().json).toBe('{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN1"}');
  });
});

describe('whatsapp(graph, phoneNumberId): permissions, settings, media, the number', () => {
  it('call permissions by wa_id or by BSUID', async () => {
    const { graph, last } = fakeGraph({ permission: { status: 'none' } });
    await whatsapp(graph, 'PN1').callPermissions.get(ANA, Any);
    expect(last()).toEqual({
      method: 'GET',
      path: '/PN1/call_permissions',
      query: { user_wa_id: '5511987650001' },
      json: null,
      form: null,
    });
    await whatsapp(graph, 'PN1').callPermissions.get(BSUID, Any);
    expect(last().query).toEqual({ recipient: 'BR.abc123' });
  });

  it('settings: GET, and POST of the calling object only', async () => {
    const { graph, last } = fakeGraph({ success: true });
    await whatsapp(graph, 'PN1').settings.get(Any);
    expect(last()).toEqual({ method: 'GET', path: '/PN1/settings', query: {}, json: null, form: null });
    await whatsapp(graph, 'PN1').settings.updateCalling({ status: 'ENABLED' });
    expect(last()).toMatchObject({ method: 'POST', path: '/PN1/settings' });
    expect(last().json).toBe('{"calling":{"status":"ENABLED"}}');
  });

  it('media upload: multipart with the product, type, use case and the file; answers the id as a string', async () => {
    const { graph, last } = fakeGraph({ id: 1234567890 });
    const bytes = new Uint8Array([0x4f, 0x67, 0x67, 0x53, 1, 2, 3]);
    const res = await whatsapp(graph, 'PN1').media.upload({
      bytes,
      type: 'audio/ogg',
      filename: 'voicemail-announcement.ogg',
      useCase: 'call_voicemail_announcement',
    });
    expect(res).toEqual({ id: '1234567890' });
    expect(last()).toMatchObject({ method: 'POST', path: '/PN1/media', json: null });
    const form = last().form!;
    expect([...form.keys()]).toEqual(['messaging_product', 'type', 'use_case', 'file']);
    expect(form.get('messaging_product')).toBe('whatsapp');
    expect(form.get('type')).toBe('audio/ogg');
    expect(form.get('use_case')).toBe('call_voicemail_announcement');
    const file = form.get('file') as File;
    expect(file.name).toBe('voicemail-announcement.ogg');
    expect(file.type).toBe('audio/ogg');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
  });

  it('the number: its fields, health, webhook override set, read and cleared', async () => {
    const { graph, last } = fakeGraph({ success: true });
    const n = whatsapp(graph, 'PN1').phoneNumber;
    await n.details(Any);
    expect(last()).toEqual({ method: 'GET', path: '/PN1', query: { fields: PHONE_NUMBER_FIELDS }, json: null, form: null });
    expect(PHONE_NUMBER_FIELDS).toBe('id,display_phone_number,verified_name,quality_rating,code_verification_status,platform_type');
    await n.health(Any);
    expect(last()).toEqual({ method: 'GET', path: '/PN1', query: { fields: 'health_status' }, json: null, form: null });
    await n.webhookConfiguration(Any);
    expect(last()).toEqual({ method: 'GET', path: '/PN1', query: { fields: 'webhook_configuration' }, json: null, form: null });
    await n.setCallbackOverride('https://a.example/webhook', 'verify-1');
    expect(last()).toMatchObject({ method: 'POST', path: '/PN1' });
    expect(last().json).toBe('{"webhook_configuration":{"override_callback_uri":"https://a.example/webhook","verify_token":"verify-1"}}');
    await n.clearCallbackOverride();
    expect(last().json).toBe('{"webhook_configuration":{"override_callback_uri":""}}');
  });
});

describe('media objects, the WABA and the app', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('media info by id, and its download with the token', async () => {
    const { graph, last } = fakeGraph({ id: 'M1', url: 'https://lookaside.test/M1', mime_type: 'image/jpeg' });
    await whatsappMedia(graph).info('M1');
    expect(last()).toEqual({ method: 'GET', path: '/M1', query: {}, json: null, form: null });
    const seen: Array<{ url: string; init: RequestInit | undefined }> = [];
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      seen.push({ url, init });
      return new Response('bytes');
    });
    const res = await whatsappMedia(graph).download('https://lookaside.test/M1', 'TOKEN-123456');
    expect(await res.text()).toBe('bytes');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('https://lookaside.test/M1');
    expect(seen[0]!.init?.headers).toEqual({ authorization: 'Bearer TOKEN-123456' });
    // Redirects are followed by the download itself, each checked before the token goes along.
    expect(seen[0]!.init?.redirect).toBe('manual');
  });

  it('WABA: subscribed apps (list, subscribe) and approved templates', async () => {
    const { graph, last } = fakeGraph({ success: true, data: [] });
    const w = whatsappBusinessAccount(graph, 'WABA1');
    await w.subscribedApps.list(Any);
    expect(last()).toEqual({ method: 'GET', path: '/WABA1/subscribed_apps', query: {}, json: null, form: null });
    await w.subscribedApps.subscribe();
    expect(last()).toEqual({ method: 'POST', path: '/WABA1/subscribed_apps', query: {}, json: null, form: null });
    await w.messageTemplates(Any);
    expect(last()).toEqual({ method: 'GET', path: '/WABA1/message_templates', query: { limit: '200' }, json: null, form: null });
  });

  it('app: webhook subscriptions (list, and subscribe the WABA object with our callback)', async () => {
    const { graph, last } = fakeGraph({ success: true, data: [] });
    const app = metaApp(graph, 'APP1');
    await app.subscriptions.list(Any);
    expect(last()).toEqual({ method: 'GET', path: '/APP1/subscriptions', query: {}, json: null, form: null });
    await app.subscriptions.subscribeWhatsApp({
      callbackUrl: 'https://a.example/webhook',
      verifyToken: 'verify-1',
      fields: ['calls', 'messages'],
    });
    expect(last()).toMatchObject({ method: 'POST', path: '/APP1/subscriptions' });
    expect(last().json).toBe(
      '{"object":"whatsapp_business_account","callback_url":"https://a.example/webhook","verify_token":"verify-1","fields":"calls,messages"}',
    );
  });

  it('nothing else is sent: one request per call', async () => {
    const { graph, sent } = fakeGraph({ success: true });
    await whatsapp(graph, 'PN1').calls.terminate('wacid.9');
    await whatsapp(graph, 'PN1').messages.markRead('wamid.9');
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual(['POST /PN1/calls', 'POST /PN1/messages']);
  });
});
