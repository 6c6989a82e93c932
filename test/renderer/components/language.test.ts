/**
 * The window's language (issue 21): main's answer is applied at once — messages, <html lang>,
 * dates and times — from getLanguage, the `language` event and Settings → Appearance → Language;
 * the browser host reports the browser's languages; and the call-hours inputs read the same clock
 * as the times the app shows.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import AppearanceSettings from '../../../renderer/src/components/settings/AppearanceSettings.vue';
import CallingSettings from '../../../renderer/src/components/settings/CallingSettings.vue';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import { PSEUDO_STORAGE_KEY } from '../../../renderer/src/i18n/pseudo.ts';
import { formatTime, setFormatLocale } from '../../../renderer/src/format/intl.ts';
import { useAppStore } from '../../../renderer/src/stores/app.store.ts';
import { useLanguageStore } from '../../../renderer/src/stores/language.store.ts';
import type { CallingSettingsView, LanguageState } from '../../../common/bridge-contract.ts';
import type { LanguagePreference } from '../../../common/i18n/locales.ts';
import { effectiveLocale } from '../../../common/i18n/locales.ts';
import { createFakeTransport, sampleStatus, type FakeTransport } from '../support/fake-bridge.ts';
import { sampleCalling, weekdayHours } from '../support/calling-fixtures.ts';

let wrapper: VueWrapper | null = null;
let fake: FakeTransport;
const plain = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

/** A fake main that keeps a preference and resolves it against `system`. */
function fakeMain(system: string[] = ['en-US'], kind: 'fake' | 'websocket' = 'fake'): FakeTransport {
  let preference: LanguagePreference = 'system';
  let sys = system;
  const state = (): LanguageState => ({ preference, effective: effectiveLocale(preference, sys), system: sys });
  fake = createFakeTransport({
    getStatus: () => sampleStatus({ account: { state: 'connected' } }),
    getLanguage: () => state(),
    setLanguage: (p) => {
      preference = p.preference;
      return state();
    },
    reportSystemLanguages: (p) => {
      sys = p.languages;
      return state();
    },
  });
  (fake as { kind: string }).kind = kind;
  setBridge(createBridge(fake));
  return fake;
}

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  useLanguageStore().stop();
  setBridge(null);
  setFormatLocale('en');
  document.documentElement.lang = '';
});

async function mountAppearance(): Promise<VueWrapper> {
  const i18n = createAppI18n();
  wrapper = mount(AppearanceSettings, { global: { plugins: [i18n] }, attachTo: document.body });
  await useLanguageStore().start();
  await flushPromises();
  return wrapper;
}
const byTestId = (w: VueWrapper, id: string) => w.get(`[data-testid="${id}"]`);

describe('the language store', () => {
  it('applies main’s language at start: messages, <html lang> and the clock', async () => {
    fakeMain(['pt-BR', 'en-US']);
    const w = await mountAppearance();
    expect(document.documentElement.lang).toBe('pt-BR');
    expect(byTestId(w, 'settings-appearance').text()).toContain('Aparência');
    expect(formatTime(new Date(2026, 10, 25, 14, 5))).toBe('14:05');
    expect(localStorage.getItem('switchboard.locale')).toBe('pt-BR');
  });

  it('follows the language event without a restart', async () => {
    fakeMain(['en-US']);
    const w = await mountAppearance();
    expect(byTestId(w, 'settings-appearance').text()).toContain('Appearance');
    fake.emit('language', { preference: 'es', effective: 'es', system: ['en-US'] });
    await flushPromises();
    expect(byTestId(w, 'settings-appearance').text()).toContain('Apariencia');
    expect(document.documentElement.lang).toBe('es');
  });

  it('asks main again for the texts it made in the old language (status line) once the language changes', async () => {
    fakeMain(['en-US']);
    await useAppStore().start();
    await mountAppearance();
    const statusCalls = (): number => fake.calls.filter((c) => c.name === 'getStatus').length;
    const before = statusCalls();
    fake.emit('language', { preference: 'system', effective: 'en', system: ['en-US'] }); // same language: nothing to re-word
    await flushPromises();
    expect(statusCalls()).toBe(before);
    fake.emit('language', { preference: 'pt-BR', effective: 'pt-BR', system: ['en-US'] });
    await flushPromises();
    expect(statusCalls()).toBe(before + 1);
  });

  it('the browser host reports the browser’s languages instead of asking', async () => {
    fakeMain([], 'websocket');
    await mountAppearance();
    const reported = fake.calls.find((c) => c.name === 'reportSystemLanguages');
    expect(reported?.params).toEqual({ languages: [...navigator.languages] });
    expect(fake.calls.some((c) => c.name === 'getLanguage')).toBe(false);
  });

  it('keeps the window’s language when main cannot answer', async () => {
    fake = createFakeTransport({});
    setBridge(createBridge(fake));
    const w = await mountAppearance();
    expect(byTestId(w, 'settings-appearance').text()).toContain('Appearance');
    expect(useLanguageStore().error).toMatch(/getLanguage/);
  });

  it('the pseudo-locale wins over main’s answer when a developer turned it on', async () => {
    localStorage.setItem(PSEUDO_STORAGE_KEY, '1');
    setActivePinia(createPinia());
    fakeMain(['es']);
    const w = await mountAppearance();
    expect(w.get('#settings-appearance-title').text()).toMatch(/^\[Åþþéåŕåñçé/);
    expect(useLanguageStore().effective).toBe('es');
  });
});

describe('Settings → Appearance → Language', () => {
  it('offers System (naming what it stands for) and each language in its own name', async () => {
    fakeMain(['es-MX']);
    const w = await mountAppearance();
    const options = w.findAll('[data-testid="language-choice"] option').map((o) => [o.attributes('value'), o.text(), o.attributes('lang')]);
    expect(options).toEqual([
      ['system', 'Sistema (Español)', undefined],
      ['en', 'English', 'en'],
      ['pt-BR', 'Português (Brasil)', 'pt-BR'],
      ['es', 'Español', 'es'],
    ]);
    expect((byTestId(w, 'language-choice').element as HTMLSelectElement).value).toBe('system');
  });

  it('changes the language at once and keeps the choice in main', async () => {
    fakeMain(['en-US']);
    const w = await mountAppearance();
    await byTestId(w, 'language-choice').setValue('pt-BR');
    await flushPromises();
    expect(fake.calls.filter((c) => c.name === 'setLanguage').map((c) => c.params)).toEqual([{ preference: 'pt-BR' }]);
    expect(byTestId(w, 'settings-appearance').text()).toContain('Aparência');
    expect(document.documentElement.lang).toBe('pt-BR');
    expect((byTestId(w, 'language-choice').element as HTMLSelectElement).value).toBe('pt-BR');
    await byTestId(w, 'language-choice').setValue('system');
    await flushPromises();
    expect(byTestId(w, 'settings-appearance').text()).toContain('Appearance');
  });

  it('says why when main refuses, and keeps the choice it had', async () => {
    fakeMain(['en-US']);
    fake.handlers.setLanguage = () => ({ error: { code: 'internal', message: 'Disk full' } });
    const w = await mountAppearance();
    await byTestId(w, 'language-choice').setValue('es');
    await flushPromises();
    expect(byTestId(w, 'language-error').text()).toContain('Disk full');
    expect((byTestId(w, 'language-choice').element as HTMLSelectElement).value).toBe('system');
  });
});

describe('call hours read the locale’s clock', () => {
  async function mountCalling(view: CallingSettingsView, system: string[]): Promise<VueWrapper> {
    fakeMain(system);
    fake.handlers.getCallingSettings = () => view;
    fake.handlers.updateCallingSettings = () => view;
    const pinia = createPinia();
    setActivePinia(pinia);
    wrapper = mount(CallingSettings, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
    await useAppStore(pinia).start();
    await useLanguageStore(pinia).start();
    await flushPromises();
    return wrapper;
  }
  const value = (w: VueWrapper, id: string): string => plain((byTestId(w, id).element as HTMLInputElement).value);

  it('12-hour English shows and takes AM/PM, stored as Meta’s HHMM', async () => {
    const w = await mountCalling(sampleCalling({ call_hours: weekdayHours() }), ['en-US']);
    expect(value(w, 'hours-open-0')).toBe('9:00 AM');
    expect(value(w, 'hours-close-0')).toBe('5:00 PM');
    expect(value(w, 'holiday-end-0')).toBe('11:59 PM');
    expect(plain(byTestId(w, 'open-state').text())).toMatch(/Open now, until 5:00 PM|Closed until .*(AM|PM)/);
    const close = byTestId(w, 'hours-close-0');
    await close.setValue('6:30 pm');
    await close.trigger('change');
    await close.setValue('21:15'); // a 24-hour time is understood too
    await close.trigger('change');
    await flushPromises();
    expect(value(w, 'hours-close-0')).toBe('9:15 PM');
    await byTestId(w, 'calling-form').trigger('submit');
    await flushPromises();
    const sent = fake.calls.find((c) => c.name === 'updateCallingSettings')?.params as {
      changes: { call_hours: { weekly_operating_hours: Array<{ close_time: string }> } };
    };
    expect(sent.changes.call_hours.weekly_operating_hours[0]!.close_time).toBe('2115');
  });

  it('a 24-hour locale (en-GB, Portuguese) shows 24-hour times in the inputs and the open state', async () => {
    const w = await mountCalling(sampleCalling({ call_hours: weekdayHours() }), ['en-GB']);
    expect(value(w, 'hours-open-0')).toBe('09:00');
    expect(byTestId(w, 'open-state').text()).toMatch(/Open now, until 17:00|Closed until .*\d\d:\d\d/);
    expect(byTestId(w, 'open-state').text()).not.toMatch(/AM|PM/);
    await useLanguageStore().choose('pt-BR');
    await flushPromises();
    expect(value(w, 'hours-close-0')).toBe('17:00');
  });

  it('a time that is not a time is named in the locale’s clock', async () => {
    const w = await mountCalling(sampleCalling({ call_hours: weekdayHours() }), ['en-US']);
    const open = byTestId(w, 'hours-open-0');
    await open.setValue('25:00');
    await open.trigger('change');
    await flushPromises();
    expect(open.attributes('aria-invalid')).toBe('true');
    expect(plain(byTestId(w, 'hours-day-MONDAY').text())).toContain('Enter a time between 12:00 AM and 11:59 PM.');
  });
});
