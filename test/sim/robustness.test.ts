import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './test-helpers.ts';
import { startHarness } from './test-helpers.ts';

const PNID = '3000000000000003';
const WABA = '2000000000000002';
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const BODIES: unknown[] = [
  'null',
  '[]',
  '"x"',
  '1',
  '{}',
  '{"messaging_product":"whatsapp"}',
  { messaging_product: 'whatsapp', to: 5, type: 'text', text: null },
  { messaging_product: 'whatsapp', to: '5511987650001', type: 'interactive', interactive: null },
  { messaging_product: 'whatsapp', to: '5511987650001', type: 'template', template: { name: 'hello_world', language: 'en' } },
  { messaging_product: 'whatsapp', action: 'accept', call_id: 7, session: { sdp_type: 'answer', sdp: 5 } },
  { messaging_product: 'whatsapp', action: 'connect', to: '5511987650001', session: { sdp_type: 'offer', sdp: 'v=0' } },
  { messaging_product: 'whatsapp', connection: { webrtc: { sdp: '{not json' } } },
  { messaging_product: 'whatsapp', connection: null },
  { calling: { call_hours: { status: 'ENABLED', timezone_id: 5, weekly_operating_hours: 'x' } } },
  { calling: { sip: { servers: [{}] } } },
  { webhook_configuration: { override_callback_uri: 'not a url', verify_token: 't' } },
  { webhook_configuration: { override_callback_uri: 'http://127.0.0.1:1/x', verify_token: 't' } },
  { object: 'whatsapp_business_account', callback_url: 'ftp://x', verify_token: 't', fields: ['messages'] },
  { name: 'Bad Name', language: 'en', category: 'X', components: 'no' },
];
const PATHS = [
  `${PNID}/messages`,
  `${PNID}/calls`,
  `${PNID}/settings`,
  PNID,
  `${WABA}/subscribed_apps`,
  '1000000000000001/subscriptions',
  `${WABA}/message_templates`,
];

describe('malformed input', () => {
  it('malformed bodies on every POST route get a Graph 4xx error, never a 5xx', async () => {
    for (const path of PATHS) {
      for (const body of BODIES) {
        const r = await h.graph('POST', path, typeof body === 'string' ? body : JSON.stringify(body));
        const e = r.json['error'] as Record<string, unknown> | undefined;
        const where = `${path} ${JSON.stringify(body)}`;
        expect(r.status, where).toBeLessThan(500);
        // subscribed_apps ignores unrelated keys (a bare POST subscribes), so only the 5xx check applies there.
        if (path.endsWith('subscribed_apps')) continue;
        expect(r.status, where).toBeGreaterThanOrEqual(400);
        expect(typeof e?.['code'], where).toBe('number');
        expect(String(e?.['message']), where).toMatch(/^\(#\d+\) /);
      }
    }
  });

  it('control routes reject garbage with 4xx', async () => {
    for (const [m, p, b] of [
      ['POST', 'users/5511987650001/messages', { type: 'video' }],
      ['POST', 'users/5511987650001/call', { via: 'pigeon' }],
      ['POST', 'users/5511987650001/call', { sdp: 'v=0\r\nm=video 9 RTP/AVP 96\r\n' }],
      ['POST', 'calls/wacid.x/answer', {}],
      ['POST', 'faults', { run: { explode: true } }],
      ['PUT', 'config', { acceptWindowMs: 'soon' }],
      ['PUT', 'restrictions', { restrictions: 'all' }],
    ] as const) {
      const r = await h.control(m, p, b);
      expect(r.status, `${m} ${p}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${m} ${p}`).toBeLessThan(500);
    }
  });
});
