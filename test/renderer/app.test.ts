import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import App from '../../renderer/src/App.vue';
import { createBridge, setBridge, type BridgeConnection } from '../../renderer/src/bridge/bridge.ts';
import { createAppI18n } from '../../renderer/src/i18n/index.ts';
import { THEME_STORAGE_KEY } from '../../renderer/src/stores/ui.store.ts';
import { createFakeTransport, sampleInfo, sampleStatus, type FakeHandlers, type FakeTransport } from './support/fake-bridge.ts';
import { sampleConnection } from './support/connection-fixtures.ts';

let wrapper: VueWrapper | null = null;
let fake: FakeTransport;

async function mountApp(handlers: FakeHandlers = {}, connection?: BridgeConnection): Promise<VueWrapper> {
  fake = createFakeTransport(handlers, connection);
  setBridge(createBridge(fake));
  wrapper = mount(App, { global: { plugins: [createPinia(), createAppI18n()] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

const byTestId = (w: VueWrapper, id: string) => w.get(`[data-testid="${id}"]`);
const has = (w: VueWrapper, id: string): boolean => w.find(`[data-testid="${id}"]`).exists();

beforeEach(() => {
  localStorage.clear();
  document.documentElement.removeAttribute('data-theme');
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setBridge(null);
});

describe('the app frame', () => {
  it('shows the version delivered through the bridge in the status bar', async () => {
    const w = await mountApp({ getAppInfo: () => sampleInfo({ version: '0.1.0' }) });
    expect(has(w, 'app-frame')).toBe(true);
    expect(byTestId(w, 'app-version').text()).toBe('Switchboard 0.1.0');
    expect(fake.calls.map((c) => c.name)).toContain('getAppInfo');
  });

  it('has the landmarks a screen reader expects', async () => {
    const w = await mountApp();
    expect(w.find('nav[aria-label="Main"]').exists()).toBe(true);
    expect(w.find('main').exists()).toBe(true);
    expect(w.find('footer[data-testid="status-bar"]').exists()).toBe(true);
    expect(w.find('[role="search"] input[type="search"]').attributes('id')).toBe('thread-search');
    expect(w.find('label[for="thread-search"]').text()).toBe('Search conversations');
    // The call dock exists but stays collapsed (and hidden) without a call.
    expect(byTestId(w, 'call-dock').attributes('data-state')).toBe('collapsed');
    expect(byTestId(w, 'call-dock').attributes('hidden')).toBeDefined();
  });

  it('shows the empty conversations and thread states', async () => {
    const w = await mountApp();
    expect(byTestId(w, 'threads-empty').text()).toContain('No conversations yet');
    expect(byTestId(w, 'threads-empty').text()).toContain('When customers message or call your WhatsApp number, they appear here.');
    expect(byTestId(w, 'thread-empty').text()).toContain('Select a conversation');
    await byTestId(w, 'filter-missed').trigger('click');
    expect(byTestId(w, 'filter-missed').attributes('aria-pressed')).toBe('true');
    expect(byTestId(w, 'threads-empty').text()).toContain('No missed calls');
  });
});

describe('the status bar', () => {
  it('shows bridge, account and reachability states', async () => {
    const w = await mountApp();
    expect(byTestId(w, 'bridge-state').text()).toBe('Connected');
    expect(byTestId(w, 'account-state').text()).toBe('Not connected');
    expect(byTestId(w, 'reachability-state').text()).toBe('Unknown');

    fake.emit('status', sampleStatus({ account: { state: 'connected' }, reachability: { state: 'connecting' } }));
    await flushPromises();
    expect(byTestId(w, 'account-state').text()).toBe('Connected');
    expect(byTestId(w, 'reachability-state').text()).toBe('Connecting…');

    fake.emit('status', sampleStatus({ account: { state: 'connected' }, reachability: { state: 'connected' } }));
    await flushPromises();
    expect(byTestId(w, 'reachability-state').text()).toBe('Reachable');

    fake.emit('status', sampleStatus({ account: { state: 'connected' }, reachability: { state: 'unreachable' } }));
    await flushPromises();
    expect(byTestId(w, 'reachability-state').text()).toBe('Unreachable — calls will be missed');
    expect(byTestId(w, 'unreachable-banner').text()).toContain('calls will be missed');
    await byTestId(w, 'unreachable-banner').get('button').trigger('click');
    expect(has(w, 'settings-connection')).toBe(true);

    fake.setConnection({ state: 'connecting', reason: 'lost' });
    await flushPromises();
    expect(byTestId(w, 'bridge-state').text()).toBe('Connecting…');
    expect(byTestId(w, 'bridge-banner').text()).toContain('Reconnecting to Switchboard');
  });

  it('the account item opens Settings → Account', async () => {
    const w = await mountApp();
    await byTestId(w, 'account-state').trigger('click');
    expect(has(w, 'settings-view')).toBe(true);
    expect(has(w, 'settings-account')).toBe(true);
    expect(byTestId(w, 'settings-nav-account').attributes('aria-current')).toBe('page');
  });

  it('without the browser host’s key, says to open the printed link', async () => {
    const w = await mountApp({}, { state: 'closed', reason: 'no_secret' });
    expect(byTestId(w, 'bridge-state').text()).toBe('Disconnected');
    const banner = byTestId(w, 'bridge-banner');
    expect(banner.text()).toContain('Open the link printed by npm run web');
    expect(banner.find('code').text()).toBe('npm run web');
    expect(w.find('[data-testid="first-run-banner"]').exists()).toBe(false);
    expect(fake.calls).toEqual([]);
  });
});

describe('first run', () => {
  it('invites the owner to connect their number, and the button goes to Settings → Account', async () => {
    const w = await mountApp();
    const banner = byTestId(w, 'first-run-banner');
    expect(banner.text()).toContain('Connect your WhatsApp Business number to start taking calls');
    await byTestId(w, 'first-run-connect').trigger('click');
    expect(byTestId(w, 'settings-account').text()).toContain('No number connected yet');
    expect(w.find('[data-testid="first-run-banner"]').exists()).toBe(false);
  });

  it('is not shown once an account is connected', async () => {
    const w = await mountApp({ getStatus: () => sampleStatus({ account: { state: 'connected' } }) });
    expect(w.find('[data-testid="first-run-banner"]').exists()).toBe(false);
  });
});

describe('settings', () => {
  it('navigates between sections from the rail and the section list', async () => {
    const w = await mountApp();
    await byTestId(w, 'nav-settings').trigger('click');
    expect(byTestId(w, 'nav-settings').attributes('aria-current')).toBe('page');
    for (const id of ['calling', 'connection', 'appearance', 'about', 'account']) {
      await byTestId(w, `settings-nav-${id}`).trigger('click');
      expect(has(w, `settings-${id}`)).toBe(true);
      expect(byTestId(w, `settings-nav-${id}`).attributes('aria-current')).toBe('page');
    }
    await byTestId(w, 'nav-threads').trigger('click');
    expect(has(w, 'conversations-view')).toBe(true);
  });

  it('About shows the version and the runtime', async () => {
    const w = await mountApp({
      getAppInfo: () => sampleInfo({ host: 'electron', versions: { node: '24.1.0', electron: '45.5.0', chrome: '140.0.0.0' } }),
    });
    await byTestId(w, 'nav-settings').trigger('click');
    await byTestId(w, 'settings-nav-about').trigger('click');
    expect(byTestId(w, 'about-version').text()).toBe('Version 0.1.0');
    const runtime = byTestId(w, 'about-runtime').text();
    expect(runtime).toContain('Desktop app');
    expect(runtime).toContain('45.5.0');
    expect(runtime).toContain('140.0.0.0');
  });

  it('Calling points to Account while no number is connected', async () => {
    const w = await mountApp();
    await byTestId(w, 'nav-settings').trigger('click');
    await byTestId(w, 'settings-nav-calling').trigger('click');
    expect(byTestId(w, 'settings-calling').text()).toContain('Connect your number first');
    await byTestId(w, 'settings-calling').get('button').trigger('click');
    expect(has(w, 'settings-account')).toBe(true);
  });

  it('Connection says calls will be missed while unreachable', async () => {
    const w = await mountApp({ getStatus: () => sampleStatus({ reachability: { state: 'unreachable', since: '2026-11-25T10:00:00Z' } }) });
    await byTestId(w, 'reachability-state').trigger('click');
    const text = byTestId(w, 'settings-connection').text();
    expect(text).toContain('Incoming calls will be missed');
    expect(text).toContain('Since');
  });
});

describe('one number, two computers', () => {
  it('says the number rings elsewhere, since when and where, and Take over asks main to move it here', async () => {
    const elsewhere = { url: 'https://other-shop-pc.loca.lt/webhook', since: '2026-11-25T10:00:00Z', left: false };
    const w = await mountApp({
      getStatus: () => sampleStatus({ account: { state: 'connected' }, reachability: { state: 'connected', elsewhere } }),
      takeOverCallback: () => sampleConnection(),
    });
    const banner = byTestId(w, 'elsewhere-banner');
    expect(banner.text()).toContain('This computer isn’t receiving this number’s calls');
    expect(banner.text()).toContain('https://other-shop-pc.loca.lt/webhook');
    expect(byTestId(w, 'reachability-state').attributes('data-state')).toBe('elsewhere');
    expect(byTestId(w, 'reachability-state').text()).toBe('Ringing on another computer');
    await byTestId(w, 'callback-take-over').trigger('click');
    await flushPromises();
    expect(fake.calls.map((c) => c.name)).toContain('takeOverCallback');
    // Once the owner chose to leave it there, no banner — the status bar still says so.
    fake.emit(
      'status',
      sampleStatus({ account: { state: 'connected' }, reachability: { state: 'connected', elsewhere: { ...elsewhere, left: true } } }),
    );
    await flushPromises();
    expect(has(w, 'elsewhere-banner')).toBe(false);
    expect(byTestId(w, 'reachability-state').attributes('data-state')).toBe('elsewhere');
  });
});

describe('warnings from WhatsApp', () => {
  it('shows what WhatsApp says is wrong with the number, with until when, in a banner and the status bar', async () => {
    const warnings = [
      {
        kind: 'restriction' as const,
        key: 'restriction:RESTRICTED_USER_INITIATED_CALLING',
        text: 'WhatsApp has paused customers’ calls to this number.',
        until: '2026-12-13T10:00:00.000Z',
        at: '2026-12-06T10:00:00.000Z',
      },
      {
        kind: 'webhook_error' as const,
        key: 'webhook:131044',
        text: 'Calls need a valid payment method on the WhatsApp Business Account. Add a payment method in WhatsApp Manager → Account tools → Payment methods.',
        until: null,
        at: '2026-12-06T10:00:00.000Z',
      },
    ];
    const w = await mountApp({
      getStatus: () => ({ ...sampleStatus({ account: { state: 'connected' }, reachability: { state: 'connected' } }), warnings }),
    });
    const banner = byTestId(w, 'warnings-banner');
    expect(banner.text()).toContain('WhatsApp reports 2 problems with this number');
    expect(banner.text()).toContain('paused customers’ calls');
    expect(banner.text()).toContain('(until Dec 13, 2026');
    expect(banner.text()).toContain('valid payment method');
    expect(byTestId(w, 'warnings-indicator').text()).toBe('WhatsApp: 2 warnings');
    await byTestId(w, 'warnings-indicator').trigger('click');
    expect(has(w, 'settings-calling')).toBe(true);
  });
});

describe('the laptop clock', () => {
  it('the status bar says when this computer’s clock is off from WhatsApp’s', async () => {
    const w = await mountApp({
      getStatus: () => ({
        ...sampleStatus({ account: { state: 'connected' }, reachability: { state: 'connected' } }),
        clock: { offsetMs: 125_000, warn: true },
      }),
    });
    expect(byTestId(w, 'clock-warning').attributes('aria-label')).toBe('Your computer’s clock is 2 min fast: calls may be missed');
    expect(byTestId(w, 'clock-warning').text()).toBe('Clock 2 min fast');
    fake.emit('status', {
      ...sampleStatus({ account: { state: 'connected' }, reachability: { state: 'connected' } }),
      clock: { offsetMs: -45_000, warn: true },
    });
    await flushPromises();
    expect(byTestId(w, 'clock-warning').attributes('aria-label')).toBe('Your computer’s clock is 45 s slow: calls may be missed');
    fake.emit('status', {
      ...sampleStatus({ account: { state: 'connected' }, reachability: { state: 'connected' } }),
      clock: { offsetMs: 2_000, warn: false },
    });
    await flushPromises();
    expect(has(w, 'clock-warning')).toBe(false);
  });
});

describe('themes', () => {
  it('sets data-theme on <html> from the Appearance choice and remembers it', async () => {
    const w = await mountApp();
    const root = document.documentElement;
    expect(root.dataset['themePreference']).toBe('system');
    expect(['light', 'dark']).toContain(root.dataset['theme']);
    await byTestId(w, 'nav-settings').trigger('click');
    await byTestId(w, 'settings-nav-appearance').trigger('click');
    await byTestId(w, 'theme-dark').setValue(true);
    expect(root.dataset['theme']).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    await byTestId(w, 'theme-light').setValue(true);
    expect(root.dataset['theme']).toBe('light');
    expect(root.dataset['themePreference']).toBe('light');
    expect((byTestId(w, 'theme-light').element as HTMLInputElement).checked).toBe(true);
  });
});

describe('keyboard', () => {
  it('Ctrl+K and "/" focus the search box, from anywhere; Ctrl+, opens settings', async () => {
    const w = await mountApp();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: ',', ctrlKey: true, bubbles: true }));
    await flushPromises();
    expect(has(w, 'settings-view')).toBe(true);

    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true, bubbles: true }));
    await flushPromises();
    expect(has(w, 'conversations-view')).toBe(true);
    expect(document.activeElement).toBe(byTestId(w, 'thread-search').element);

    (document.activeElement as HTMLElement).blur();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true }));
    await flushPromises();
    expect(document.activeElement).toBe(byTestId(w, 'thread-search').element);
  });

  it('"/" typed into a text field is just a character', async () => {
    const w = await mountApp();
    const input = byTestId(w, 'thread-search').element as HTMLInputElement;
    input.focus();
    const e = new KeyboardEvent('keydown', { key: '/', bubbles: true, cancelable: true });
    input.dispatchEvent(e);
    expect(e.defaultPrevented).toBe(false);
  });

  it('arrow keys move between settings sections', async () => {
    const w = await mountApp();
    await byTestId(w, 'nav-settings').trigger('click');
    const first = byTestId(w, 'settings-nav-account').element as HTMLElement;
    first.focus();
    first.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    expect(document.activeElement).toBe(byTestId(w, 'settings-nav-calling').element);
    (document.activeElement as HTMLElement).dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    expect(document.activeElement).toBe(byTestId(w, 'settings-nav-about').element);
  });
});

describe('main asks the window to show a conversation', () => {
  it('opens the thread named by a navigate event (a click-to-call link) from any screen', async () => {
    const w = await mountApp({ getTimeline: () => ({ items: [], next: null, newer: null, window: { open: false, expiresAt: null } }) });
    await byTestId(w, 'nav-settings').trigger('click');
    expect(has(w, 'settings-view')).toBe(true);
    fake.emit('navigate', { threadId: 42, offerCall: true });
    await flushPromises();
    expect(has(w, 'settings-view')).toBe(false);
    expect(fake.calls.some((c) => c.name === 'getTimeline' && (c.params as { threadId: number }).threadId === 42)).toBe(true);
  });
});
