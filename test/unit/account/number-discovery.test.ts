/**
 * Connecting with the access token and the app secret alone (issue 20): `discoverNumbers` through
 * the real services and bridge dispatcher, against the Cloud API simulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startAppServices, type AppServices } from '../../../main/app-services.ts';
import { defaultGraphBaseUrl } from '../../../main/account/account-handlers.ts';
import type { DiscoverNumbersResult } from '../../../common/bridge-contract.ts';
import { createSimulator, type Credentials, type Simulator } from '../../sim/simulator.ts';
import { testServiceOptions } from '../../support/host.ts';
import { defaultSeed } from '../../support/sim-app.ts';
import { memoryLogger } from '../../support/test-log.ts';

let sim: Simulator | null = null;
let services: AppServices | null = null;
afterEach(async () => {
  await services?.close();
  await sim?.close();
  services = null;
  sim = null;
});

async function setup(seed: Record<string, unknown> = defaultSeed): Promise<{ creds: Credentials; lines: () => string }> {
  sim = createSimulator({ seed });
  await sim.listen(0);
  const { log, sink } = memoryLogger();
  services = await startAppServices({ ...testServiceOptions(log), localtunnelHost: 'http://127.0.0.1:1' });
  return { creds: sim.credentials(), lines: () => sink.lines.join('\n') };
}

type Outcome = { ok: true; result: DiscoverNumbersResult } | { ok: false; error: { code: string; message: string; details?: unknown } };

async function discover(creds: Credentials, over: Record<string, unknown> = {}): Promise<Outcome> {
  return (await services!.dispatch('discoverNumbers', {
    accessToken: creds.accessToken,
    appSecret: creds.appSecret,
    graphBaseUrl: creds.graphBaseUrl,
    apiVersion: creds.apiVersion,
    ...over,
  })) as Outcome;
}

async function failure(
  creds: Credentials,
  over: Record<string, unknown> = {},
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  const res = await discover(creds, over);
  if (res.ok) throw new Error(`discovery succeeded: ${JSON.stringify(res.result)}`);
  return res.error as { code: string; message: string; details: Record<string, unknown> };
}

const control = (method: string, path: string, body: unknown) =>
  fetch(`${sim!.url}/_sim/${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('finding the numbers from the access token and the app secret', () => {
  it('finds the app, the account and both numbers, the one not on the Cloud API marked as such', async () => {
    const { creds, lines } = await setup();
    const res = await discover(creds);
    expect(res.ok).toBe(true);
    const r = (res as { result: DiscoverNumbersResult }).result;
    expect(r).toEqual({
      appId: creds.appId,
      appName: 'Switchboard Demo',
      tokenExpiresAt: null,
      numbers: [
        {
          wabaId: creds.wabaId,
          wabaName: 'Padaria Aurora',
          phoneNumberId: creds.phoneNumberId,
          displayPhoneNumber: '+55 11 95555-0100',
          verifiedName: 'Padaria Aurora',
          qualityRating: 'GREEN',
          platformType: 'CLOUD_API',
          onCloudApi: true,
          canMessage: true,
        },
        {
          wabaId: creds.wabaId,
          wabaName: 'Padaria Aurora',
          phoneNumberId: '3000000000000007',
          displayPhoneNumber: '+55 11 95555-0177',
          verifiedName: 'Padaria Aurora Entregas',
          qualityRating: 'NA',
          platformType: 'NOT_APPLICABLE',
          onCloudApi: false,
          canMessage: true,
        },
      ],
    });
    // Only reads: debug_token twice (the token, then the app token), the account's name, its numbers.
    expect(sim!.graphFaults.requests.map((x) => `${x.method} ${x.path}`)).toEqual([
      'GET /debug_token',
      'GET /debug_token',
      `GET /${creds.wabaId}`,
      `GET /${creds.wabaId}/phone_numbers`,
    ]);
    // Nothing saved, and the secrets are in no log line.
    expect(services!.account.account()).toBeNull();
    expect(lines()).not.toContain(creds.accessToken);
    expect(lines()).not.toContain(creds.appSecret);
  });

  it('then connects the picked number with the discovered ids', async () => {
    const { creds } = await setup();
    const found = ((await discover(creds)) as { result: DiscoverNumbersResult }).result;
    const pick = found.numbers.find((n) => n.onCloudApi)!;
    const res = await services!.dispatch('connectAccount', {
      accessToken: creds.accessToken,
      appSecret: creds.appSecret,
      graphBaseUrl: creds.graphBaseUrl,
      apiVersion: creds.apiVersion,
      appId: found.appId,
      wabaId: pick.wabaId,
      phoneNumberId: pick.phoneNumberId,
    });
    expect(res.ok && (res.result as { saved: boolean }).saved).toBe(true);
    expect(services!.account.account()).toMatchObject({ appId: creds.appId, wabaId: creds.wabaId, phoneNumberId: creds.phoneNumberId });
  });

  it('a wrong token is invalid_token, about the token field; an expired one says so', async () => {
    const { creds } = await setup();
    const wrong = await failure(creds, { accessToken: 'EAAWRONGTOKEN000000000000000' });
    expect(wrong).toMatchObject({ code: 'invalid_token', details: { field: 'accessToken', expired: false } });
    expect(wrong.message).toContain('refused this access token');
    expect(String(wrong.details['fix'])).toContain('System User');

    await control('PUT', 'token', { expired: true });
    const expired = await failure(creds);
    expect(expired).toMatchObject({ code: 'invalid_token', message: 'This access token has expired.', details: { expired: true } });
  });

  it('a token without a permission is missing_permission, naming which one', async () => {
    const { creds } = await setup();
    await control('PUT', 'token', { scopes: ['whatsapp_business_management'] });
    const one = await failure(creds);
    expect(one).toMatchObject({ code: 'missing_permission', details: { field: 'accessToken', missing: ['whatsapp_business_messaging'] } });
    expect(one.message).toBe('This access token does not have the whatsapp_business_messaging permission.');
    await control('PUT', 'token', { scopes: ['public_profile'] });
    const both = await failure(creds);
    expect(both.details['missing']).toEqual(['whatsapp_business_management', 'whatsapp_business_messaging']);
  });

  it('a wrong app secret is app_secret_mismatch, about the app secret field, naming the app', async () => {
    const { creds } = await setup();
    const e = await failure(creds, { appSecret: 'ffffffffffffffffffffffffffffffff' });
    expect(e).toMatchObject({ code: 'app_secret_mismatch', details: { field: 'appSecret' } });
    expect(String(e.details['fix'])).toContain(`app ${creds.appId} (Switchboard Demo)`);
  });

  it('values wrong on their face are refused before any request, per field', async () => {
    const { creds } = await setup();
    const e = await failure(creds, { accessToken: 'short', appSecret: 'not a secret!' });
    expect(e.code).toBe('invalid_params');
    expect(e.details).toMatchObject({
      field: 'accessToken',
      fieldErrors: { accessToken: expect.stringContaining('too short'), appSecret: expect.stringContaining('app secret') },
    });
    expect(sim!.graphFaults.requests).toEqual([]);
    // An http server off this computer would get the token in the clear.
    const far = await failure(creds, { graphBaseUrl: 'http://graph.example.com' });
    expect(far.code).toBe('invalid_params');
    expect(sim!.graphFaults.requests).toEqual([]);
  });

  it('a token granted no WhatsApp Business Account is no_waba', async () => {
    const { creds } = await setup();
    await control('PUT', 'token', { wabaIds: [] });
    const e = await failure(creds);
    expect(e).toMatchObject({ code: 'no_waba', details: { field: 'accessToken' } });
    expect(String(e.details['fix'])).toContain('Assign assets');
  });

  it('an account without numbers is no_numbers; one whose numbers the token may not read is missing_permission', async () => {
    // Graph answering an empty list: the simulator's account always has its number, so the answer is emptied on its way.
    const { creds } = await setup();
    await services!.close();
    const { log } = memoryLogger();
    const empty: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      return String(input).includes('/phone_numbers') ? Response.json({ data: [] }) : res;
    };
    services = await startAppServices({ ...testServiceOptions(log), localtunnelHost: 'http://127.0.0.1:1', fetch: empty });
    const none = await failure(creds);
    expect(none).toMatchObject({ code: 'no_numbers', details: { field: null } });
    expect(none.message).toBe(`The WhatsApp Business Account ${creds.wabaId} has no phone number yet.`);
    expect(String(none.details['fix'])).toContain('WhatsApp Manager');

    // The token lists the account, but Graph refuses its numbers (200).
    await services.close();
    const refusing: typeof fetch = async (input, init) =>
      String(input).includes('/phone_numbers')
        ? Response.json({ error: { message: '(#200) Permissions error', type: 'OAuthException', code: 200 } }, { status: 403 })
        : fetch(input, init);
    services = await startAppServices({ ...testServiceOptions(log), localtunnelHost: 'http://127.0.0.1:1', fetch: refusing });
    const refused = await failure(creds);
    expect(refused).toMatchObject({ code: 'missing_permission', details: { missing: ['whatsapp_business_management'] } });
    expect(refused.message).toContain(creds.wabaId);
  });

  it('unreachable Graph is graph_network with the host named', async () => {
    const { creds } = await setup();
    const e = await failure(creds, { graphBaseUrl: 'http://127.0.0.1:1' });
    expect(e.code).toBe('graph_network');
    expect(e.message).toContain('127.0.0.1:1');
  });
});

describe('the connect form’s default Graph server', () => {
  it('is Meta’s unless SWITCHBOARD_GRAPH_BASE_URL names one secrets may go to', () => {
    expect(defaultGraphBaseUrl({})).toEqual({ url: 'https://graph.facebook.com', refused: null });
    expect(defaultGraphBaseUrl({ SWITCHBOARD_GRAPH_BASE_URL: 'http://127.0.0.1:4010/' })).toEqual({
      url: 'http://127.0.0.1:4010',
      refused: null,
    });
    const far = defaultGraphBaseUrl({ SWITCHBOARD_GRAPH_BASE_URL: 'http://graph.example.com' });
    expect(far.url).toBe('https://graph.facebook.com');
    expect(far.refused).toContain('https://');
  });
});
