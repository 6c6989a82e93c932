import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import AccountSettings from '../../../renderer/src/components/settings/AccountSettings.vue';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import { useAppStore } from '../../../renderer/src/stores/app.store.ts';
import type { AccountView, ConnectAccountResult } from '../../../common/bridge-contract.ts';
import { createFakeTransport, sampleStatus, type FakeHandlers, type FakeTransport } from '../support/fake-bridge.ts';
import { connectedAccount, sampleAccount } from '../support/calling-fixtures.ts';

let wrapper: VueWrapper | null = null;
let fake: FakeTransport;

async function mountAccount(view: AccountView, handlers: FakeHandlers = {}): Promise<VueWrapper> {
  fake = createFakeTransport({
    getStatus: () => sampleStatus({ account: { state: view.connected ? 'connected' : 'not_connected' } }),
    getAccount: () => view,
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

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setBridge(null);
});

describe('Settings → Account', () => {
  it('offers the connect form with main’s defaults, hints and hidden secrets', async () => {
    const w = await mountAccount(sampleAccount());
    expect((byTestId(w, 'connect-field-apiVersion').element as HTMLInputElement).value).toBe('v25.0');
    expect((byTestId(w, 'connect-field-graphBaseUrl').element as HTMLInputElement).value).toBe('https://graph.facebook.com');
    expect(byTestId(w, 'connect-field-accessToken').attributes('type')).toBe('password');
    await w.get('button[aria-label="Show Access token"]').trigger('click');
    expect(byTestId(w, 'connect-field-accessToken').attributes('type')).toBe('text');
    expect(w.text()).toContain('App Dashboard → WhatsApp → API Setup');
  });

  it('shows field errors next to their fields', async () => {
    const w = await mountAccount(sampleAccount(), {
      connectAccount: (): ConnectAccountResult => ({
        saved: false,
        fieldErrors: { phoneNumberId: 'The phone number id is a number' },
        steps: [],
        phone: null,
      }),
    });
    // The ids are typed by hand: Connect then checks them as they are.
    await byTestId(w, 'connect-manual-toggle').trigger('click');
    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();
    expect(byTestId(w, 'connect-error-phoneNumberId').text()).toBe('The phone number id is a number');
    expect(byTestId(w, 'connect-field-phoneNumberId').attributes('aria-invalid')).toBe('true');
    expect(byTestId(w, 'connect-field-appId').attributes('aria-invalid')).toBe('false');
  });

  it('shows the steps live and offers "Save anyway" when the check fails', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const w = await mountAccount(sampleAccount(), {
      connectAccount: async (p): Promise<ConnectAccountResult> => {
        fake.emit('account.progress', { id: 'token', state: 'running', message: 'Checking the access token…', fix: null });
        await gate;
        return {
          saved: p.saveAnyway === true,
          fieldErrors: {},
          steps: [
            { id: 'token', state: 'ok', message: 'The access token works.', fix: null },
            {
              id: 'phone',
              state: 'failed',
              message: 'No phone number with id 1 is visible to this token.',
              fix: 'Copy the Phone number ID.',
            },
          ],
          phone: null,
        };
      },
    });
    await byTestId(w, 'connect-manual-toggle').trigger('click');
    await byTestId(w, 'connect-form').trigger('submit');
    await flushPromises();
    expect(byTestId(w, 'connect-step-token').attributes('data-state')).toBe('running');
    expect(byTestId(w, 'connect-submit').text()).toContain('Checking');
    release();
    await flushPromises();
    expect(byTestId(w, 'connect-step-phone').text()).toContain('Copy the Phone number ID.');
    expect(byTestId(w, 'connect-failed').text()).toContain('nothing was saved');
    await byTestId(w, 'connect-save-anyway').trigger('click');
    await flushPromises();
    expect(fake.calls.filter((c) => c.name === 'connectAccount').map((c) => (c.params as { saveAnyway: boolean }).saveAnyway)).toEqual([
      false,
      true,
    ]);
  });

  it('shows the connected number, masked verify token and keychain problems', async () => {
    const w = await mountAccount(
      connectedAccount({ canCopyVerifyToken: true, keychainProblem: 'No Secret Service is running. Install gnome-keyring.' }),
      {
        copyVerifyToken: () => ({ copied: true, reason: null }),
      },
    );
    expect(byTestId(w, 'account-number').text()).toBe('+55 11 95555 0100');
    expect(byTestId(w, 'account-verified-name').text()).toBe('Padaria Aurora');
    expect(byTestId(w, 'account-verify-token').text()).toContain('••••••••x9Qa');
    expect(byTestId(w, 'account-keychain-problem').text()).toContain('Install gnome-keyring');
    await byTestId(w, 'account-copy-verify-token').trigger('click');
    await flushPromises();
    expect(byTestId(w, 'account-copy-verify-token').text()).toContain('Copied');
  });

  it('asks before disconnecting', async () => {
    let connected = true;
    const w = await mountAccount(connectedAccount(), {
      getAccount: () => (connected ? connectedAccount() : sampleAccount()),
      disconnectAccount: () => {
        connected = false;
        return {
          disconnected: true as const,
          callback: { state: 'cleared' as const, message: 'WhatsApp no longer sends this number’s events to this computer.' },
        };
      },
    });
    await byTestId(w, 'account-disconnect').trigger('click');
    expect((byTestId(w, 'disconnect-dialog').element as HTMLDialogElement).open).toBe(true);
    await byTestId(w, 'disconnect-cancel').trigger('click');
    expect((byTestId(w, 'disconnect-dialog').element as HTMLDialogElement).open).toBe(false);
    expect(fake.calls.some((c) => c.name === 'disconnectAccount')).toBe(false);
    await byTestId(w, 'account-disconnect').trigger('click');
    await byTestId(w, 'disconnect-confirm').trigger('click');
    await flushPromises();
    expect(fake.calls.some((c) => c.name === 'disconnectAccount')).toBe(true);
    expect(w.find('[data-testid="connect-form"]').exists()).toBe(true);
    expect(byTestId(w, 'disconnect-note').text()).toContain('no longer sends this number’s events to this computer');
  });
});
