import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import CallPreferencesCard from '../../../renderer/src/components/settings/calling/CallPreferencesCard.vue';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import type { CallPreferences } from '../../../common/bridge-contract.ts';
import { createFakeTransport, type FakeTransport } from '../support/fake-bridge.ts';

let wrapper: VueWrapper | null = null;
let fake: FakeTransport;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setBridge(null);
});

async function mountCard(): Promise<VueWrapper> {
  let prefs: CallPreferences = { preAccept: true, ringDeviceId: null, turnServers: [], stunServer: null };
  fake = createFakeTransport({
    getCallPreferences: () => prefs,
    setCallPreferences: (p: Partial<CallPreferences>) => {
      if (p.turnServers?.some((t) => !t.urls.startsWith('turn')))
        return { error: { code: 'invalid_params', message: 'A TURN address starts with turn: or turns:' } };
      prefs = { ...prefs, ...p };
      return prefs;
    },
  });
  setBridge(createBridge(fake));
  wrapper = mount(CallPreferencesCard, { global: { plugins: [createPinia(), createAppI18n()] } });
  await flushPromises();
  return wrapper;
}

const turnForm = (w: VueWrapper) => w.findAll('form').find((f) => f.find('[data-testid="turn-url"]').exists())!;

describe('call preferences of this computer', () => {
  it('STUN is off by default; a STUN server can be saved and cleared', async () => {
    const w = await mountCard();
    expect((w.get('[data-testid="stun-url"]').element as HTMLInputElement).value).toBe('');
    await w.get('[data-testid="stun-url"]').setValue('stun:stun.example.com:3478');
    await w.get('[data-testid="stun-form"]').trigger('submit');
    await flushPromises();
    await w.get('[data-testid="stun-url"]').setValue('');
    await w.get('[data-testid="stun-form"]').trigger('submit');
    await flushPromises();
    const sets = fake.calls.filter((c) => c.name === 'setCallPreferences').map((c) => c.params);
    expect(sets).toEqual([{ stunServer: 'stun:stun.example.com:3478' }, { stunServer: null }]);
  });

  it('turns pre-accept off and saves a TURN server', async () => {
    const w = await mountCard();
    await w.get('[data-testid="pre-accept"]').trigger('click');
    await flushPromises();
    await w.get('[data-testid="turn-url"]').setValue('turns:turn.example.com:443');
    await turnForm(w).trigger('submit');
    await flushPromises();
    const sets = fake.calls.filter((c) => c.name === 'setCallPreferences').map((c) => c.params);
    expect(sets).toEqual([
      { preAccept: false },
      { turnServers: [{ urls: 'turns:turn.example.com:443', username: null, credential: null }] },
    ]);
    expect(w.get('[data-testid="call-prefs-note"]').text()).toBe('Saved.');
  });

  it("shows main's reason when a TURN address is refused", async () => {
    const w = await mountCard();
    await w.get('[data-testid="turn-url"]').setValue('http://nope');
    await turnForm(w).trigger('submit');
    await flushPromises();
    expect(w.get('[data-testid="call-prefs-note"]').text()).toBe('A TURN address starts with turn: or turns:');
  });
});
