import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { useAccountStore, type ConnectForm } from '../../../renderer/src/stores/account.store.ts';
import type { ConnectAccountResult, ConnectStep } from '../../../common/bridge-contract.ts';
import { createFakeTransport, type FakeTransport } from '../support/fake-bridge.ts';
import { connectedAccount, sampleAccount } from '../support/calling-fixtures.ts';

let fake: FakeTransport;
const form: ConnectForm = {
  graphBaseUrl: 'https://graph.facebook.com',
  apiVersion: 'v25.0',
  accessToken: 'EAA' + 'x'.repeat(30),
  appSecret: 's'.repeat(32),
  appId: '1000000000000001',
  wabaId: '2000000000000002',
  phoneNumberId: '3000000000000003',
};
const step = (id: ConnectStep['id'], state: ConnectStep['state'], message = ''): ConnectStep => ({ id, state, message, fix: null });

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => setBridge(null));

describe('account store', () => {
  it('shows each step live while the check runs, then the result', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let connected = false;
    fake = createFakeTransport({
      getAccount: () => (connected ? connectedAccount() : sampleAccount()),
      connectAccount: async (): Promise<ConnectAccountResult> => {
        fake.emit('account.progress', step('token', 'running', 'Checking the access token…'));
        fake.emit('account.progress', step('token', 'ok', 'The access token works.'));
        await gate;
        connected = true;
        const steps = (['token', 'phone', 'app', 'settings', 'health', 'webhooks'] as const).map((id) => step(id, 'ok', 'fine'));
        return { saved: true, fieldErrors: {}, steps, phone: null };
      },
    });
    setBridge(createBridge(fake));
    const a = useAccountStore();
    await a.load();
    expect(a.connected).toBe(false);
    const done = a.connect(form);
    await Promise.resolve();
    await Promise.resolve();
    expect(a.connecting).toBe(true);
    expect(a.steps.map((s) => `${s.id}:${s.state}`)).toEqual([
      'token:ok',
      'phone:pending',
      'app:pending',
      'settings:pending',
      'health:pending',
      'webhooks:pending',
    ]);
    release();
    expect(await done).toBe(true);
    expect(a.connecting).toBe(false);
    expect(a.connected).toBe(true);
    expect(fake.calls.find((c) => c.name === 'connectAccount')!.params).toEqual({ ...form, saveAnyway: false });
  });

  it('keeps field errors and a failed check, and can save anyway', async () => {
    fake = createFakeTransport({
      getAccount: () => sampleAccount(),
      connectAccount: (p): ConnectAccountResult =>
        p.appId === 'bad'
          ? { saved: false, fieldErrors: { appId: 'The app id is a number' }, steps: [], phone: null }
          : {
              saved: p.saveAnyway === true,
              fieldErrors: {},
              steps: [step('token', 'failed', 'The access token was refused.')],
              phone: null,
            },
    });
    setBridge(createBridge(fake));
    const a = useAccountStore();
    expect(await a.connect({ ...form, appId: 'bad' })).toBe(false);
    expect(a.fieldErrors).toEqual({ appId: 'The app id is a number' });
    expect(a.steps).toEqual([]);
    expect(a.failed).toBe(false);
    expect(await a.connect(form)).toBe(false);
    expect(a.failed).toBe(true);
    expect(a.steps[0]!.message).toBe('The access token was refused.');
    expect(await a.connect(form, true)).toBe(true);
  });

  it('disconnects and reloads the account', async () => {
    let connected = true;
    fake = createFakeTransport({
      getAccount: () => (connected ? connectedAccount() : sampleAccount()),
      disconnectAccount: () => {
        connected = false;
        return {
          disconnected: true as const,
          callback: { state: 'cleared' as const, message: 'WhatsApp no longer sends this number’s events to this computer.' },
        };
      },
      copyVerifyToken: () => ({ copied: false, reason: 'Copying is only available in the desktop app.' }),
    });
    setBridge(createBridge(fake));
    const a = useAccountStore();
    await a.load();
    expect(a.connected).toBe(true);
    expect(await a.copyVerifyToken()).toEqual({ copied: false, reason: 'Copying is only available in the desktop app.' });
    expect(await a.disconnect()).toBe(true);
    expect(a.connected).toBe(false);
  });
});
