/**
 * Settings → Account with two fields (issue 20): what Meta must have set up, the access token and
 * the app secret, the numbers found, Connect on the pick; and where focus goes and what is said
 * when something fails.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import AccountSettings from '../../../renderer/src/components/settings/AccountSettings.vue';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import { useAppStore } from '../../../renderer/src/stores/app.store.ts';
import type { ConnectAccountResult, DiscoveredNumber, DiscoverNumbersResult } from '../../../common/bridge-contract.ts';
import { createFakeTransport, sampleStatus, type FakeHandlers, type FakeTransport } from '../support/fake-bridge.ts';
import { sampleAccount } from '../support/calling-fixtures.ts';

let wrapper: VueWrapper | null = null;
let fake: FakeTransport;

async function mountAccount(handlers: FakeHandlers = {}): Promise<VueWrapper> {
  fake = createFakeTransport({
    getStatus: () => sampleStatus({ account: { state: 'not_connected' } }),
    getAccount: () => sampleAccount(),
    ...handlers,
  });
  setBridge(createBridge(fake));
  const pinia = createPinia();
  wrapper = mount(AccountSettings, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
  await useAppStore(pinia).start();
  await flushPromises();
  return wrapper;
}
const byTestId = (w: VueWrapper, id: string) => w.get(`[data-testid="${id}"]`);
const focusedTestId = (): string | null => document.activeElement?.getAttribute('data-testid') ?? null;

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setBridge(null);
});

const number = (over: Partial<DiscoveredNumber> = {}): DiscoveredNumber => ({
  wabaId: '2000000000000002',
  wabaName: 'Padaria Aurora',
  phoneNumberId: '3000000000000003',
  displayPhoneNumber: '+55 11 95555-0100',
  verifiedName: 'Padaria Aurora',
  qualityRating: 'GREEN',
  platformType: 'CLOUD_API',
  onCloudApi: true,
  canMessage: true,
  ...over,
});
const found = (numbers: DiscoveredNumber[], over: Partial<DiscoverNumbersResult> = {}): DiscoverNumbersResult => ({
  appId: '1000000000000001',
  appName: 'Switchboard Demo',
  tokenExpiresAt: null,
  numbers,
  ...over,
});
const notCloud = number({
  phoneNumberId: '3000000000000007',
  displayPhoneNumber: '+55 11 95555-0177',
  verifiedName: 'Padaria Aurora Entregas',
  qualityRating: 'NA',
  platformType: 'NOT_APPLICABLE',
  onCloudApi: false,
});
const saved: ConnectAccountResult = { saved: true, fieldErrors: {}, steps: [], phone: null };

async function typeCredentials(w: VueWrapper, token = 'EAAGOODTOKEN0123456789', secret = 'sim-app-secret-0123456789abcdef'): Promise<void> {
  await byTestId(w, 'connect-field-accessToken').setValue(token);
  await byTestId(w, 'connect-field-appSecret').setValue(secret);
}

describe('what Meta must have set up', () => {
  it('lists the four prerequisites, each linking to its Meta page outside the app', async () => {
    const w = await mountAccount();
    const links = Object.fromEntries(
      ['app', 'token', 'number', 'calling'].map((k) => [k, byTestId(w, `connect-prereq-link-${k}`).attributes()]),
    );
    expect(links['app']!['href']).toBe('https://developers.facebook.com/apps/');
    expect(links['token']!['href']).toBe('https://business.facebook.com/settings/system-users');
    expect(links['number']!['href']).toBe('https://business.facebook.com/wa/manage/phone-numbers/');
    expect(links['calling']!['href']).toMatch(/^https:\/\/developers\.facebook\.com\/documentation\/business-messaging\/whatsapp\/calling/);
    for (const a of Object.values(links)) {
      expect(a['target']).toBe('_blank');
      expect(a['rel']).toBe('noopener noreferrer');
    }
    expect(byTestId(w, 'connect-prereq-token').text()).toContain('whatsapp_business_management');
    expect(byTestId(w, 'connect-prereq-calling').text()).toContain('2,000');
  });
});

describe('connecting with the access token and the app secret', () => {
  it('finds the numbers, shows the one not on the Cloud API disabled with why, picks the only usable one, and connects it', async () => {
    const w = await mountAccount({
      discoverNumbers: () => found([number(), notCloud]),
      connectAccount: () => saved,
    });
    // Only two fields are in view; the ids wait behind "Enter IDs by hand".
    expect(byTestId(w, 'connect-manual').isVisible()).toBe(false);
    expect(byTestId(w, 'connect-manual-toggle').attributes('aria-expanded')).toBe('false');
    expect(w.find('[data-testid="connect-submit"]').exists()).toBe(false);
    await typeCredentials(w);
    expect(byTestId(w, 'connect-discover').text()).toBe('Find my numbers');
    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();

    expect(fake.calls.filter((c) => c.name === 'discoverNumbers').map((c) => c.params)).toEqual([
      {
        accessToken: 'EAAGOODTOKEN0123456789',
        appSecret: 'sim-app-secret-0123456789abcdef',
        graphBaseUrl: 'https://graph.facebook.com',
        apiVersion: 'v25.0',
      },
    ]);
    const good = byTestId(w, 'connect-number-radio-3000000000000003').element as HTMLInputElement;
    const bad = byTestId(w, 'connect-number-radio-3000000000000007').element as HTMLInputElement;
    expect(good.checked).toBe(true);
    expect(good.disabled).toBe(false);
    expect(bad.disabled).toBe(true);
    expect(byTestId(w, 'connect-number-3000000000000003').text()).toContain('+55 11 95555 0100');
    expect(byTestId(w, 'connect-number-3000000000000003').text()).toContain('Quality: high');
    expect(byTestId(w, 'connect-number-reason-3000000000000007').text()).toContain('Not registered for the Cloud API');
    expect(bad.getAttribute('aria-describedby')).toContain('connect-number-3000000000000007-reason');
    // Focus is on the picked number, and the status region says what was found.
    expect(focusedTestId()).toBe('connect-number-radio-3000000000000003');
    expect(byTestId(w, 'connect-status').text()).toContain('Found your number');

    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();
    expect(fake.calls.filter((c) => c.name === 'connectAccount').map((c) => c.params)).toEqual([
      {
        graphBaseUrl: 'https://graph.facebook.com',
        apiVersion: 'v25.0',
        accessToken: 'EAAGOODTOKEN0123456789',
        appSecret: 'sim-app-secret-0123456789abcdef',
        appId: '1000000000000001',
        wabaId: '2000000000000002',
        phoneNumberId: '3000000000000003',
        saveAnyway: false,
      },
    ]);
  });

  it('with several usable numbers none is picked for the owner, and Connect waits for a pick', async () => {
    const w = await mountAccount({
      discoverNumbers: () =>
        found([number(), number({ phoneNumberId: '3000000000000009', wabaId: '2000000000000008', wabaName: 'Aurora Delivery' })]),
    });
    await typeCredentials(w);
    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();
    expect(byTestId(w, 'connect-submit').attributes('disabled')).toBeDefined();
    // Numbers from two accounts say which account each is in.
    expect(byTestId(w, 'connect-number-3000000000000009').text()).toContain('Account: Aurora Delivery');
    expect(focusedTestId()).toBe('connect-number-radio-3000000000000003');
    await byTestId(w, 'connect-number-radio-3000000000000009').setValue(true);
    expect(byTestId(w, 'connect-submit').attributes('disabled')).toBeUndefined();
  });

  it('a changed token forgets what was found', async () => {
    const w = await mountAccount({ discoverNumbers: () => found([number()]) });
    await typeCredentials(w);
    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();
    expect(w.find('[data-testid="connect-picker"]').exists()).toBe(true);
    await byTestId(w, 'connect-field-accessToken').setValue('EAAOTHERTOKEN0123456789');
    expect(w.find('[data-testid="connect-picker"]').exists()).toBe(false);
    expect(w.find('[data-testid="connect-discover"]').exists()).toBe(true);
  });

  it('a token that expires soon is pointed out', async () => {
    const w = await mountAccount({ discoverNumbers: () => found([number()], { tokenExpiresAt: '2026-12-02T10:00:00.000Z' }) });
    await typeCredentials(w);
    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();
    expect(byTestId(w, 'connect-token-expires').text()).toContain('never expires');
  });
});

describe('a problem takes focus and is announced', () => {
  it('a refused token: focus on the token field, marked invalid, the reason announced and shown with its fix', async () => {
    const w = await mountAccount({
      discoverNumbers: () => ({
        error: {
          code: 'invalid_token',
          message: 'WhatsApp refused this access token: it is wrong, expired or revoked.',
          details: { field: 'accessToken', fix: 'Create a token.', expired: false },
        },
      }),
    });
    await typeCredentials(w, 'EAAWRONGTOKEN000000000000000');
    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();
    expect(focusedTestId()).toBe('connect-field-accessToken');
    const input = byTestId(w, 'connect-field-accessToken');
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(input.attributes('aria-describedby')).toContain('connect-discover-error');
    expect(byTestId(w, 'connect-announce').attributes('role')).toBe('alert');
    expect(byTestId(w, 'connect-announce').text()).toBe('WhatsApp refused this access token: it is wrong, expired or revoked.');
    expect(byTestId(w, 'connect-discover-error').text()).toContain('System users');
  });

  it('a missing permission names which one; a wrong app secret focuses the app secret', async () => {
    let code = 'missing_permission';
    const w = await mountAccount({
      discoverNumbers: () =>
        code === 'missing_permission'
          ? {
              error: {
                code,
                message: 'x',
                details: { field: 'accessToken', fix: null, missing: ['whatsapp_business_messaging'] },
              },
            }
          : { error: { code, message: 'x', details: { field: 'appSecret', fix: null } } },
    });
    await typeCredentials(w);
    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();
    expect(byTestId(w, 'connect-announce').text()).toBe('This access token doesn’t have the whatsapp_business_messaging permission.');
    code = 'app_secret_mismatch';
    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();
    expect(focusedTestId()).toBe('connect-field-appSecret');
    expect(byTestId(w, 'connect-announce').text()).toBe('This app secret doesn’t belong to the access token’s app.');
    expect(byTestId(w, 'connect-field-accessToken').attributes('aria-invalid')).toBe('false');
  });

  it('no numbers at all: focus on the explanation, which is announced', async () => {
    const w = await mountAccount({
      discoverNumbers: () => ({ error: { code: 'no_numbers', message: 'x', details: { field: null, fix: null } } }),
    });
    await typeCredentials(w);
    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();
    expect(focusedTestId()).toBe('connect-discover-error');
    expect(byTestId(w, 'connect-announce').text()).toBe('Your WhatsApp Business account has no phone number yet.');
  });

  it('a failed check after Connect: focus on the first failed step, announced with its message', async () => {
    const w = await mountAccount({
      discoverNumbers: () => found([number()]),
      connectAccount: (): ConnectAccountResult => ({
        saved: false,
        fieldErrors: {},
        steps: [
          { id: 'token', state: 'ok', message: 'The access token works.', fix: null },
          { id: 'phone', state: 'ok', message: '+55…', fix: null },
          { id: 'app', state: 'failed', message: 'The app id and app secret do not belong together.', fix: 'Copy both.' },
          { id: 'settings', state: 'failed', message: 'Later failure.', fix: null },
        ],
        phone: null,
      }),
    });
    await typeCredentials(w);
    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();
    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();
    expect(focusedTestId()).toBe('connect-step-app');
    expect(byTestId(w, 'connect-announce').text()).toBe('App ID and secret failed: The app id and app secret do not belong together.');
    expect(w.find('[data-testid="connect-save-anyway"]').exists()).toBe(true);
  });

  it('a wrong field typed by hand: "Enter IDs by hand" opens if needed and focus lands on that field', async () => {
    const w = await mountAccount({
      connectAccount: (): ConnectAccountResult => ({
        saved: false,
        fieldErrors: { wabaId: 'The WhatsApp Business Account id is a number', phoneNumberId: 'The phone number id is a number' },
        steps: [],
        phone: null,
      }),
    });
    await byTestId(w, 'connect-manual-toggle').trigger('click');
    expect(byTestId(w, 'connect-manual').isVisible()).toBe(true);
    await typeCredentials(w);
    await byTestId(w, 'connect-field-wabaId').setValue('my-waba');
    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();
    expect(focusedTestId()).toBe('connect-field-wabaId');
    expect(byTestId(w, 'connect-announce').text()).toBe('WhatsApp Business Account ID: The WhatsApp Business Account id is a number');
  });
});
