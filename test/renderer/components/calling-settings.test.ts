import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import CallingSettings from '../../../renderer/src/components/settings/CallingSettings.vue';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import { useAppStore } from '../../../renderer/src/stores/app.store.ts';
import type { CallingSettingsView } from '../../../common/bridge-contract.ts';
import { createFakeTransport, sampleStatus, type FakeHandlers, type FakeTransport } from '../support/fake-bridge.ts';
import { sampleCalling, weekdayHours } from '../support/calling-fixtures.ts';

let wrapper: VueWrapper | null = null;
let fake: FakeTransport;

async function mountCalling(view: CallingSettingsView, handlers: FakeHandlers = {}): Promise<VueWrapper> {
  let server = view;
  fake = createFakeTransport({
    getStatus: () => sampleStatus({ account: { state: 'connected' } }),
    getCallingSettings: () => server,
    updateCallingSettings: (p) => (server = { ...server, calling: { ...server.calling, ...p.changes } as CallingSettingsView['calling'] }),
    ...handlers,
  });
  setBridge(createBridge(fake));
  const pinia = createPinia();
  wrapper = mount(CallingSettings, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
  await useAppStore(pinia).start();
  await flushPromises();
  return wrapper;
}
const byTestId = (w: VueWrapper, id: string) => w.get(`[data-testid="${id}"]`);
const updates = () => fake.calls.filter((c) => c.name === 'updateCallingSettings');

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setBridge(null);
});

describe('Settings → Calling', () => {
  it('shows the server’s settings, and Save stays disabled until something changes', async () => {
    const w = await mountCalling(sampleCalling({ call_icons: { restrict_to_user_countries: ['BR'] } }));
    expect(byTestId(w, 'calling-status').attributes('aria-checked')).toBe('true');
    expect(byTestId(w, 'calling-callback').attributes('aria-checked')).toBe('false');
    expect(byTestId(w, 'country-chip-BR').text()).toContain('Brazil');
    expect(byTestId(w, 'open-state').text()).toContain('Open 24 hours');
    expect(byTestId(w, 'calling-save').attributes('disabled')).toBeDefined();
    expect(w.text()).toContain('up to 7 days');
  });

  it('saves one change with the button and shows the result', async () => {
    const w = await mountCalling(sampleCalling());
    await byTestId(w, 'calling-callback').trigger('click');
    expect(byTestId(w, 'calling-save').attributes('disabled')).toBeUndefined();
    await byTestId(w, 'calling-form').trigger('submit');
    await flushPromises();
    expect(updates().map((c) => c.params)).toEqual([{ changes: { callback_permission_status: 'ENABLED' } }]);
    expect(byTestId(w, 'calling-save-status').text()).toContain('Saved');
    expect(byTestId(w, 'calling-callback').attributes('aria-checked')).toBe('true');
  });

  it('saves with Ctrl+S', async () => {
    const w = await mountCalling(sampleCalling());
    await byTestId(w, 'codec-PCMU').setValue(true);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 's', ctrlKey: true }));
    await flushPromises();
    expect(updates().map((c) => c.params)).toEqual([{ changes: { audio: { additional_codecs: ['PCMU'] } } }]);
  });

  it('highlights invalid hours next to the field and sends nothing', async () => {
    const w = await mountCalling(sampleCalling({ call_hours: weekdayHours() }));
    const close = byTestId(w, 'hours-close-0');
    await close.setValue('08:00');
    await close.trigger('change');
    expect(close.attributes('aria-invalid')).toBe('true');
    expect(byTestId(w, 'hours-day-MONDAY').text()).toContain('Closing time must be later than opening time.');
    await byTestId(w, 'calling-form').trigger('submit');
    await flushPromises();
    expect(updates()).toEqual([]);
    expect(byTestId(w, 'calling-save-status').text()).toContain('Fix the highlighted fields');
  });

  it('shows the open state in the business’s time zone and the voicemail advice', async () => {
    const w = await mountCalling(sampleCalling({ call_hours: weekdayHours() }));
    expect(byTestId(w, 'open-state').text()).toMatch(/Open now, until (17:00|5:00\sPM)|Closed until/); // the locale's clock: English reads 12-hour
    expect(byTestId(w, 'open-state').text()).toContain('America/Sao_Paulo');
    expect(w.find('[data-testid="voicemail-hours-conflict"]').exists()).toBe(false);
    await byTestId(w, 'calling-voicemail').trigger('click');
    expect(byTestId(w, 'voicemail-hours-conflict').text()).toContain('turning call hours off');
    expect(byTestId(w, 'voicemail-announcement').text()).toContain('No greeting yet');
  });

  it('shows restrictions prominently with their expiry', async () => {
    const w = await mountCalling(sampleCalling({}, [{ type: 'RESTRICTED_USER_INITIATED_CALLING', reason: null, expiration: 1798761600 }]));
    const r = byTestId(w, 'calling-restrictions');
    expect(r.attributes('role')).toBe('alert');
    expect(r.text()).toContain('Customers can’t call you');
    expect(r.text()).toContain('2027');
  });

  it('shows Graph’s refusal in plain words', async () => {
    const w = await mountCalling(sampleCalling({ status: 'DISABLED' }), {
      updateCallingSettings: () => ({
        error: { code: 'graph_138018', message: 'Calling can’t be turned on: no app receives the calls webhook.' },
      }),
    });
    await byTestId(w, 'calling-status').trigger('click');
    await byTestId(w, 'calling-form').trigger('submit');
    await flushPromises();
    expect(byTestId(w, 'calling-save-error').text()).toBe('Calling can’t be turned on: no app receives the calls webhook.');
    expect(byTestId(w, 'calling-save-status').attributes('data-state')).toBe('failed');
  });

  it('adds a country from the searchable picker', async () => {
    const w = await mountCalling(sampleCalling());
    await byTestId(w, 'country-search').setValue('germ');
    await byTestId(w, 'country-option-DE').trigger('mousedown');
    expect(byTestId(w, 'country-chip-DE').text()).toContain('Germany');
    await byTestId(w, 'country-search').setValue('Port');
    await byTestId(w, 'country-search').trigger('keydown', { key: 'Enter' });
    expect(w.find('[data-testid="country-chip-PT"]').exists()).toBe(true);
  });
});
