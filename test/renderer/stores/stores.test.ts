import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { flushPromises } from '@vue/test-utils';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { useAppStore } from '../../../renderer/src/stores/app.store.ts';
import { THEME_STORAGE_KEY, useUiStore } from '../../../renderer/src/stores/ui.store.ts';
import { createFakeTransport, sampleInfo, sampleStatus } from '../support/fake-bridge.ts';

beforeEach(() => {
  setActivePinia(createPinia());
  localStorage.clear();
});
afterEach(() => {
  setBridge(null);
  vi.unstubAllGlobals();
});

describe('app store', () => {
  it('loads app info and status through the bridge', async () => {
    const fake = createFakeTransport();
    setBridge(createBridge(fake));
    const app = useAppStore();
    expect(app.accountState).toBe('unknown');
    await app.start();
    expect(app.version).toBe('0.1.0');
    expect(app.info).toEqual(sampleInfo());
    expect(app.accountState).toBe('not_connected');
    expect(app.needsAccount).toBe(true);
    expect(app.reachabilityState).toBe('unknown');
    expect(app.transport).toBe('fake');
    expect(fake.calls.map((c) => c.name).sort()).toEqual(['getAppInfo', 'getStatus']);
  });

  it('follows the status event', async () => {
    const fake = createFakeTransport();
    setBridge(createBridge(fake));
    const app = useAppStore();
    await app.start();
    fake.emit('status', sampleStatus({ account: { state: 'connected' }, reachability: { state: 'unreachable', detail: 'Tunnel down' } }));
    expect(app.accountState).toBe('connected');
    expect(app.needsAccount).toBe(false);
    expect(app.reachabilityState).toBe('unreachable');
  });

  it('tracks the connection and takes a fresh snapshot whenever it reopens', async () => {
    let account: 'not_connected' | 'connected' = 'not_connected';
    const fake = createFakeTransport({ getStatus: () => sampleStatus({ account: { state: account } }) });
    setBridge(createBridge(fake));
    const app = useAppStore();
    await app.start();
    fake.setConnection({ state: 'connecting', reason: 'lost' });
    expect(app.connection).toEqual({ state: 'connecting', reason: 'lost' });
    account = 'connected'; // changed while we were away; the event was missed
    fake.setConnection({ state: 'open', reason: null });
    await flushPromises();
    expect(app.accountState).toBe('connected');
  });

  it('keeps a plain message when loading fails, and does not ask a closed bridge', async () => {
    const failing = createFakeTransport({ getAppInfo: () => ({ error: { code: 'internal', message: 'Something went wrong.' } }) });
    setBridge(createBridge(failing));
    const app = useAppStore();
    await app.start();
    expect(app.loadError).toBe('Something went wrong.');

    setActivePinia(createPinia());
    const closed = createFakeTransport({}, { state: 'closed', reason: 'no_secret' });
    setBridge(createBridge(closed));
    const app2 = useAppStore();
    await app2.start();
    expect(closed.calls).toEqual([]);
    expect(app2.connection).toEqual({ state: 'closed', reason: 'no_secret' });
  });

  it('stop() unsubscribes', async () => {
    const fake = createFakeTransport();
    setBridge(createBridge(fake));
    const app = useAppStore();
    await app.start();
    app.stop();
    fake.emit('status', sampleStatus({ account: { state: 'connected' } }));
    expect(app.accountState).toBe('not_connected');
  });
});

describe('ui store', () => {
  it('starts on conversations and navigates to settings sections', () => {
    const ui = useUiStore();
    expect(ui.view).toBe('threads');
    ui.showSettings('connection');
    expect(ui.view).toBe('settings');
    expect(ui.settingsSection).toBe('connection');
    ui.showSettings();
    expect(ui.settingsSection).toBe('connection');
    ui.focusSearch();
    expect(ui.view).toBe('threads');
    expect(ui.searchFocusPending).toBe(true);
  });

  it('persists the theme preference and restores it', () => {
    const ui = useUiStore();
    expect(ui.themePreference).toBe('system');
    ui.setThemePreference('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    setActivePinia(createPinia());
    expect(useUiStore().themePreference).toBe('dark');
    expect(useUiStore().theme).toBe('dark');
  });

  it('ignores a stored value it does not know', () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'purple');
    expect(useUiStore().themePreference).toBe('system');
  });

  it('resolves "system" from prefers-color-scheme and follows its changes', () => {
    let onChange: ((e: { matches: boolean }) => void) | null = null;
    vi.stubGlobal('matchMedia', (query: string) => ({
      matches: query === '(prefers-color-scheme: dark)',
      addEventListener: (_: string, l: (e: { matches: boolean }) => void) => (onChange = l),
    }));
    const ui = useUiStore();
    expect(ui.theme).toBe('dark');
    onChange!({ matches: false });
    expect(ui.theme).toBe('light');
    ui.setThemePreference('dark');
    expect(ui.theme).toBe('dark');
    ui.setThemePreference('light');
    expect(ui.theme).toBe('light');
  });
});
