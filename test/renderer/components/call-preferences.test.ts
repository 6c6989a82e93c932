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
  let prefs: CallPreferences = {
    preAccept: true,
    ringDeviceId: null,
    ringtone: 'chimes',
    ringVolume: 70,
    inputDeviceId: null,
    outputDeviceId: null,
    turnServers: [],
    stunServer: null,
  };
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

const sets = () => fake.calls.filter((c) => c.name === 'setCallPreferences').map((c) => c.params);

// Every control saves at once, as Settings → This computer does: no Save buttons (issue 20).
describe('call preferences of this computer', () => {
  it('has no save buttons: every control saves itself', async () => {
    const w = await mountCard();
    expect(w.findAll('button').map((b) => b.text())).not.toContain('Save');
    expect(w.find('[data-testid="stun-save"]').exists()).toBe(false);
    expect(w.find('[data-testid="turn-save"]').exists()).toBe(false);
    expect(w.text()).toContain('Each change is saved on this computer at once');
  });

  it('STUN is off by default; a STUN server is saved when the field is left (or Enter), and cleared the same way', async () => {
    const w = await mountCard();
    expect((w.get('[data-testid="stun-url"]').element as HTMLInputElement).value).toBe('');
    await w.get('[data-testid="stun-url"]').setValue('stun:stun.example.com:3478'); // setValue fires input + change
    await flushPromises();
    expect(w.get('[data-testid="stun-note"]').text()).toBe('Saved');
    await w.get('[data-testid="stun-form"]').trigger('submit'); // Enter: nothing new to save
    await flushPromises();
    await w.get('[data-testid="stun-url"]').setValue('');
    await flushPromises();
    expect(sets()).toEqual([{ stunServer: 'stun:stun.example.com:3478' }, { stunServer: null }]);
  });

  it('turns pre-accept off and saves a TURN server as its fields are left, with a note beside each', async () => {
    const w = await mountCard();
    await w.get('[data-testid="pre-accept"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="pre-accept-note"]').text()).toBe('Saved');
    await w.get('[data-testid="turn-url"]').setValue('turns:turn.example.com:443');
    await flushPromises();
    await w.get('[data-testid="turn-user"]').setValue('shop');
    await flushPromises();
    expect(sets()).toEqual([
      { preAccept: false },
      { turnServers: [{ urls: 'turns:turn.example.com:443', username: null, credential: null }] },
      { turnServers: [{ urls: 'turns:turn.example.com:443', username: 'shop', credential: null }] },
    ]);
    // One "Saved" at a time: the latest change's.
    expect(w.find('[data-testid="pre-accept-note"]').exists()).toBe(false);
    expect(w.get('[data-testid="turn-note"]').text()).toBe('Saved');
  });

  it("shows main's reason beside the TURN fields when an address is refused, in the error style", async () => {
    const w = await mountCard();
    await w.get('[data-testid="turn-url"]').setValue('http://nope');
    await flushPromises();
    const note = w.get('[data-testid="turn-note"]');
    expect(note.text()).toBe('A TURN address starts with turn: or turns:');
    expect(note.attributes('role')).toBe('alert');
    expect(note.classes()).toContain('field-error');
    expect(w.get('[data-testid="turn-url"]').attributes('aria-invalid')).toBe('true');
  });

  it('chooses a ringtone and its volume, each saved at once', async () => {
    const w = await mountCard();
    const choice = w.get('[data-testid="ringtone-choice"]');
    expect((choice.element as HTMLSelectElement).value).toBe('chimes');
    expect(choice.findAll('option').map((o) => o.text())).toEqual(['Chimes', 'Classic phone', 'Marimba', 'Soft beeps']);
    await choice.setValue('marimba');
    await flushPromises();
    const volume = w.get('[data-testid="ring-volume"]');
    expect((volume.element as HTMLInputElement).value).toBe('70');
    await volume.setValue('40');
    await flushPromises();
    expect(sets()).toEqual([{ ringtone: 'marimba' }, { ringVolume: 40 }]);
    expect(w.get('[data-testid="ringtone-note"]').text()).toBe('Saved');
    expect(w.get('[data-testid="ringtone"]').text()).toContain('40%');
  });
});
