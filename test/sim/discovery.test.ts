/**
 * What Switchboard reads to find a number from a token (issue 20): `debug_token` and the WABA's
 * `phone_numbers`, as Graph answers them — 190 for a wrong or expired token, the permissions the
 * token really has, the other numbers of the WABA with their platform.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './test-helpers.ts';
import { err, startHarness, TEST_SEED } from './test-helpers.ts';

const APP = '1000000000000001';
const WABA = '2000000000000002';
const PNID = '3000000000000003';
const APP_TOKEN = `${APP}|test-app-secret-0123456789`;
let h: Harness;

afterEach(async () => {
  await h.close();
});

const withOtherNumber = {
  business: {
    ...TEST_SEED.business,
    otherPhoneNumbers: [
      {
        id: '3000000000000007',
        displayPhoneNumber: '5511955550177',
        verifiedName: 'Test Business Deliveries',
        platformType: 'NOT_APPLICABLE' as const,
        codeVerificationStatus: 'NOT_VERIFIED' as const,
      },
    ],
  },
};

describe('debug_token', () => {
  it('describes the token to itself and to the app token: app id, validity, permissions, the WABAs they were granted for', async () => {
    h = await startHarness();
    for (const token of [undefined, APP_TOKEN]) {
      const r = await h.graph('GET', `debug_token?input_token=${TEST_SEED.business!.accessToken}`, undefined, token ? { token } : {});
      expect(r.status).toBe(200);
      expect(r.json['data']).toMatchObject({
        app_id: APP,
        type: 'SYSTEM_USER',
        is_valid: true,
        expires_at: 0,
        scopes: ['whatsapp_business_management', 'whatsapp_business_messaging'],
        granular_scopes: [
          { scope: 'whatsapp_business_management', target_ids: [WABA] },
          { scope: 'whatsapp_business_messaging', target_ids: [WABA] },
        ],
      });
    }
  });

  it('a wrong token or a wrong app secret gets 190 in the OAuth envelope; a token it cannot read is is_valid: false', async () => {
    h = await startHarness();
    for (const token of ['EAAWRONG000000000000', `${APP}|wrong-secret-0000000000`]) {
      const r = await h.graph('GET', 'debug_token?input_token=EAAWRONG000000000000', undefined, { token });
      expect(r.status).toBe(401);
      expect(err(r.json)).toMatchObject({ code: 190, type: 'OAuthException' });
    }
    const unreadable = await h.graph('GET', 'debug_token?input_token=EAAWRONG000000000000', undefined, { token: APP_TOKEN });
    expect(unreadable.json['data']).toMatchObject({ is_valid: false, error: { code: 190 } });
    expect(err((await h.graph('GET', 'debug_token')).json).code).toBe(100);
    // The app token opens debug_token and the app's subscriptions, nothing else.
    expect(err((await h.graph('GET', PNID, undefined, { token: APP_TOKEN })).json).code).toBe(190);
  });

  it('a token without a permission lists only what it has, and the endpoints that need the other one answer 200', async () => {
    h = await startHarness({ seed: { business: { ...TEST_SEED.business, tokenScopes: ['whatsapp_business_messaging'] } } });
    const r = await h.graph('GET', `debug_token?input_token=${TEST_SEED.business!.accessToken}`);
    expect(r.json['data']).toMatchObject({
      scopes: ['whatsapp_business_messaging'],
      granular_scopes: [{ scope: 'whatsapp_business_messaging', target_ids: [WABA] }],
    });
    const list = await h.graph('GET', `${WABA}/phone_numbers`);
    expect(list.status).toBe(403);
    expect(err(list.json)).toMatchObject({ code: 200, error_data: { details: expect.stringContaining('whatsapp_business_management') } });
    // Switched at run time: management only, so sending needs the missing messaging permission.
    expect((await h.control('PUT', 'token', { scopes: ['whatsapp_business_management'] })).status).toBe(200);
    expect((await h.graph('GET', `${WABA}/phone_numbers`)).status).toBe(200);
    const send = await h.graph('POST', `${PNID}/messages`, {
      messaging_product: 'whatsapp',
      to: '5511987650001',
      type: 'text',
      text: { body: 'hi' },
    });
    expect(err(send.json).code).toBe(200);
  });

  it('an expired token gets 190 with subcode 463 everywhere; the app token sees it as expired', async () => {
    h = await startHarness();
    await h.control('PUT', 'token', { expired: true });
    const r = await h.graph('GET', `debug_token?input_token=${TEST_SEED.business!.accessToken}`);
    expect(r.status).toBe(401);
    expect(err(r.json)).toMatchObject({ code: 190, error_subcode: 463 });
    expect(err((await h.graph('GET', PNID)).json).error_subcode).toBe(463);
    const byApp = await h.graph('GET', `debug_token?input_token=${TEST_SEED.business!.accessToken}`, undefined, { token: APP_TOKEN });
    expect(byApp.json['data']).toMatchObject({ is_valid: false, error: { code: 190, subcode: 463 } });
    expect((byApp.json['data'] as { expires_at: number }).expires_at).toBeGreaterThan(0);
  });
});

describe('GET /{waba-id}/phone_numbers', () => {
  it('lists the business number and the seed’s other numbers with the fields asked for, paged by cursor', async () => {
    h = await startHarness({ seed: withOtherNumber });
    const fields = 'id,display_phone_number,verified_name,quality_rating,platform_type,code_verification_status';
    const all = await h.graph('GET', `${WABA}/phone_numbers?fields=${fields}`);
    expect(all.json['data']).toEqual([
      {
        id: PNID,
        display_phone_number: '+55 11 95555-0100',
        verified_name: 'Test Business',
        quality_rating: 'GREEN',
        platform_type: 'CLOUD_API',
        code_verification_status: 'VERIFIED',
      },
      {
        id: '3000000000000007',
        display_phone_number: '+55 11 95555-0177',
        verified_name: 'Test Business Deliveries',
        quality_rating: 'NA',
        platform_type: 'NOT_APPLICABLE',
        code_verification_status: 'NOT_VERIFIED',
      },
    ]);
    expect(all.json['paging']).not.toHaveProperty('next');

    const first = await h.graph('GET', `${WABA}/phone_numbers?fields=id&limit=1`);
    expect(first.json['data']).toEqual([{ id: PNID }]);
    const paging = first.json['paging'] as { cursors: { after: string }; next: string };
    expect(paging.next).toContain(`after=${paging.cursors.after}`);
    const second = await h.graph('GET', `${WABA}/phone_numbers?fields=id&limit=1&after=${paging.cursors.after}`);
    expect(second.json['data']).toEqual([{ id: '3000000000000007' }]);
    expect(second.json['paging']).not.toHaveProperty('next');

    expect(err((await h.graph('GET', `${WABA}/phone_numbers?fields=id,health_status`)).json).code).toBe(100);
    // The other number is readable, but none of its edges work.
    expect((await h.graph('GET', '3000000000000007')).json).toMatchObject({ display_phone_number: '5511955550177' });
    expect(err((await h.graph('GET', '3000000000000007/settings')).json).code).toBe(100);
  });
});

describe('the WABAs a token was granted', () => {
  it('lists them in granular_scopes; without the business’s, its WABA and numbers answer 200', async () => {
    h = await startHarness();
    expect((await h.control('PUT', 'token', { wabaIds: [] })).json).toMatchObject({ token: { wabaIds: [] } });
    const r = await h.graph('GET', `debug_token?input_token=${TEST_SEED.business!.accessToken}`);
    expect((r.json['data'] as { granular_scopes: unknown }).granular_scopes).toEqual([
      { scope: 'whatsapp_business_management', target_ids: [] },
      { scope: 'whatsapp_business_messaging', target_ids: [] },
    ]);
    expect(err((await h.graph('GET', `${WABA}/phone_numbers`)).json).code).toBe(200);
    expect(err((await h.graph('GET', PNID)).json).code).toBe(200);
  });
});
