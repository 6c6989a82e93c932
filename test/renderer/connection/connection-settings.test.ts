import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { ResultOf } from '../../../common/bridge-contract.ts';
import ConnectionSettings from '../../../renderer/src/components/settings/ConnectionSettings.vue';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import { useAppStore } from '../../../renderer/src/stores/app.store.ts';
import { useUiStore } from '../../../renderer/src/stores/ui.store.ts';
import { createFakeTransport, sampleStatus, type FakeHandlers, type FakeTransport } from '../support/fake-bridge.ts';
import { sampleConnection, sampleDiagnostics, unreachableConnection } from '../support/connection-fixtures.ts';

let wrapper: VueWrapper | null = null;
let fake: FakeTransport;
let pinia: Pinia;

async function mountView(handlers: FakeHandlers = {}, account: 'connected' | 'not_connected' = 'connected'): Promise<VueWrapper> {
  fake = createFakeTransport({
    getStatus: () => sampleStatus({ account: { state: account } }),
    getConnection: () => sampleConnection(),
    getDiagnostics: () => sampleDiagnostics(),
    ...handlers,
  });
  setBridge(createBridge(fake));
  pinia = createPinia();
  setActivePinia(pinia);
  await useAppStore().start();
  wrapper = mount(ConnectionSettings, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

const get = (w: VueWrapper, id: string) => w.get(`[data-testid="${id}"]`);
const has = (w: VueWrapper, id: string): boolean => w.find(`[data-testid="${id}"]`).exists();

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setBridge(null);
});

describe('Settings → Connection', () => {
  it('shows a reachable connection: URLs, WhatsApp registration, last event and events today', async () => {
    const w = await mountView();
    expect(get(w, 'connection-status').attributes('data-state')).toBe('connected');
    expect(get(w, 'connection-headline').text()).toBe('Reachable — calls will ring here');
    expect(get(w, 'public-url').text()).toBe('https://quiet-owl-42.loca.lt');
    expect(get(w, 'callback-url').text()).toBe('https://quiet-owl-42.loca.lt/webhook');
    expect(get(w, 'callback-state').text()).toContain('Yes');
    expect(get(w, 'events-today').text()).toBe('12');
    expect(get(w, 'last-event').text()).not.toBe('None yet');
    expect(has(w, 'connection-reason')).toBe(false);
    expect(
      get(w, 'connection-history')
        .findAll('li')
        .map((li) => li.attributes('data-state')),
    ).toEqual(['connected', 'connecting']);
  });

  it('says calls will be missed while unreachable, with the reason, since when and the next try', async () => {
    const w = await mountView({ getConnection: () => unreachableConnection() });
    const status = get(w, 'connection-status');
    expect(status.attributes('data-state')).toBe('unreachable');
    expect(get(w, 'connection-headline').text()).toBe('Unreachable — calls will be missed');
    expect(get(w, 'connection-explain').text()).toContain('Incoming calls will be missed while this computer is unreachable');
    expect(get(w, 'connection-reason').text()).toBe('The tunnel server refused the connection');
    // A day that is not today is named (the fixture's date), so "since" is never ambiguous.
    expect(get(w, 'connection-since').text()).toMatch(/^Since Nov 25, \d{1,2}:\d{2}/);
    expect(get(w, 'connection-retry').text()).toMatch(/^Next try in \d+ sec/);
  });

  it('says only the time when the outage started today', async () => {
    const since = new Date(Date.now() - 60_000);
    const w = await mountView({ getConnection: () => unreachableConnection({ since: since.toISOString() }) });
    const time = since.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });
    // Just after midnight the minute before was yesterday: then the day is named too.
    const sameDay = since.toDateString() === new Date().toDateString();
    expect(get(w, 'connection-since').text()).toEqual(sameDay ? `Since ${time}` : expect.stringContaining(time));
  });

  it('follows the connection event', async () => {
    const w = await mountView();
    fake.emit(
      'connection',
      sampleConnection({ state: 'connecting', reason: 'Reconnecting the tunnel', publicUrl: null, callbackUrl: null }),
    );
    await flushPromises();
    expect(get(w, 'connection-headline').text()).toBe('Connecting…');
    expect(get(w, 'connection-reason').text()).toBe('Reconnecting the tunnel');
    expect(get(w, 'connection-facts').text()).toContain('Not available yet');
    expect(get(w, 'test-delivery').attributes('disabled')).toBeDefined();
  });

  it('shows a failed WhatsApp registration with its reason and the fix', async () => {
    const w = await mountView({
      getConnection: () =>
        sampleConnection({
          callback: {
            state: 'failed',
            url: 'https://quiet-owl-42.loca.lt/webhook',
            reason: 'Could not point WhatsApp at this computer: the token lacks permission.',
          },
        }),
    });
    expect(get(w, 'callback-state').attributes('data-state')).toBe('failed');
    expect(get(w, 'callback-reason').text()).toContain('the token lacks permission');
    expect(get(w, 'callback-state').text()).toContain('To fix:');
  });

  it('Test delivery shows progress, then the round trip', async () => {
    let resolve!: (r: ResultOf<'testDelivery'>) => void;
    const w = await mountView({ testDelivery: () => new Promise((r) => (resolve = r)) });
    await get(w, 'test-delivery').trigger('click');
    expect(get(w, 'test-delivery').text()).toBe('Sending a test event…');
    expect(get(w, 'test-delivery').attributes('disabled')).toBeDefined();
    resolve({ ok: true, roundTripMs: 84, message: 'ok' });
    await flushPromises();
    expect(get(w, 'test-result').attributes('data-ok')).toBe('true');
    expect(get(w, 'test-result').text()).toContain('round trip 84 ms');
    expect(get(w, 'test-delivery').text()).toBe('Test delivery');
  });

  it('Test delivery shows the failure message', async () => {
    const w = await mountView({
      testDelivery: () => ({
        ok: false,
        roundTripMs: null,
        message: 'The public address answered HTTP 502 instead of accepting the event.',
      }),
    });
    await get(w, 'test-delivery').trigger('click');
    await flushPromises();
    expect(get(w, 'test-result').attributes('data-ok')).toBe('false');
    expect(get(w, 'test-result').text()).toContain('Test delivery failed');
    expect(get(w, 'test-result').text()).toContain('HTTP 502');
  });

  it('Restart tunnel asks main and shows the new state', async () => {
    const w = await mountView({ restartTunnel: () => sampleConnection({ state: 'connecting', reason: 'Reconnecting the tunnel' }) });
    await get(w, 'restart-tunnel').trigger('click');
    await flushPromises();
    expect(fake.calls.some((c) => c.name === 'restartTunnel')).toBe(true);
    expect(get(w, 'connection-status').attributes('data-state')).toBe('connecting');
  });

  it('the tunnel form shows a bad value next to its field and does not save it', async () => {
    const w = await mountView();
    expect(get(w, 'tunnel-save').attributes('disabled')).toBeDefined(); // nothing changed yet
    await get(w, 'tunnel-provider-public-url').setValue(true);
    await flushPromises();
    expect(get(w, 'tunnel-forward-hint').text()).toContain('45381'); // the receiver's port, from diagnostics
    await get(w, 'tunnel-public-url').setValue('http://calls.example.com');
    await get(w, 'tunnel-form').trigger('submit');
    await flushPromises();
    expect(get(w, 'tunnel-public-url-error').text()).toContain('starting with https://');
    expect(get(w, 'tunnel-public-url').attributes('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(get(w, 'tunnel-public-url').element);
    expect(fake.calls.some((c) => c.name === 'setTunnel')).toBe(false);

    // Typing again clears the message.
    await get(w, 'tunnel-public-url').setValue('https://calls.example.com');
    expect(has(w, 'tunnel-public-url-error')).toBe(false);
  });

  it('the tunnel form shows main’s refusal next to the field', async () => {
    const w = await mountView({
      setTunnel: () => ({ error: { code: 'invalid_params', message: 'subdomain: That subdomain is reserved.' } }),
    });
    await get(w, 'tunnel-subdomain').setValue('admin');
    await get(w, 'tunnel-form').trigger('submit');
    await flushPromises();
    expect(get(w, 'tunnel-subdomain-error').text()).toBe('That subdomain is reserved.');
    expect(get(w, 'tunnel-subdomain').attributes('aria-invalid')).toBe('true');
  });

  it('saving the tunnel applies it and says so', async () => {
    const w = await mountView({
      setTunnel: () =>
        sampleConnection({
          state: 'connecting',
          provider: 'public-url',
          publicUrl: null,
          callbackUrl: null,
          tunnel: { subdomain: null, host: null, publicUrl: 'https://calls.example.com' },
        }),
    });
    await get(w, 'tunnel-provider-public-url').setValue(true);
    await get(w, 'tunnel-public-url').setValue('https://calls.example.com');
    await get(w, 'tunnel-form').trigger('submit');
    await flushPromises();
    expect(fake.calls.find((c) => c.name === 'setTunnel')?.params).toEqual({
      provider: 'public-url',
      publicUrl: 'https://calls.example.com',
    });
    expect(get(w, 'tunnel-saved').text()).toContain('Saved');
    expect(get(w, 'connection-status').attributes('data-state')).toBe('connecting');
    expect((get(w, 'tunnel-public-url').element as HTMLInputElement).value).toBe('https://calls.example.com');
  });

  it('says under each tunnel choice who can read the webhooks, with a Learn more that expands', async () => {
    const w = await mountView();
    const local = get(w, 'tunnel-privacy-localtunnel').text();
    expect(local).toContain('loca.lt');
    expect(local).toContain('anyone on the network');
    expect(get(w, 'tunnel-privacy-public-url').text()).toContain('where your HTTPS ends');

    // Learn more: a real button (Enter and Space work), collapsed until asked.
    const toggle = get(w, 'tunnel-privacy-toggle');
    expect(toggle.element.tagName).toBe('BUTTON');
    expect(toggle.attributes('type')).toBe('button');
    expect(toggle.attributes('aria-expanded')).toBe('false');
    expect(has(w, 'tunnel-privacy-details')).toBe(false);
    await toggle.trigger('click');
    expect(toggle.attributes('aria-expanded')).toBe('true');
    const details = get(w, 'tunnel-privacy-details');
    expect(toggle.attributes('aria-controls')).toBe(details.attributes('id'));
    const text = details.text();
    expect(text).toContain('customers’ messages, names and phone numbers, and call offers');
    expect(text).toContain('signed with your app secret');
    expect(text).toContain('wherever your HTTPS ends');
    expect(text).toContain('Encrypted tunnels');
    // Learn more is not a way to change the choice.
    expect(fake.calls.some((c) => c.name === 'setTunnel')).toBe(false);
    expect((get(w, 'tunnel-provider-localtunnel').element as HTMLInputElement).checked).toBe(true);

    // Both notes stay whichever option is chosen.
    await get(w, 'tunnel-provider-public-url').setValue(true);
    expect(has(w, 'tunnel-privacy-localtunnel')).toBe(true);
    expect(has(w, 'tunnel-privacy-public-url')).toBe(true);
    await toggle.trigger('click');
    expect(has(w, 'tunnel-privacy-details')).toBe(false);
  });

  it('shows the same notes before a number is connected, where the tunnel is first chosen', async () => {
    const w = await mountView(
      { getConnection: () => sampleConnection({ state: 'stopped', publicUrl: null, callbackUrl: null, history: [] }) },
      'not_connected',
    );
    expect(has(w, 'connection-needs-account')).toBe(true);
    expect(get(w, 'tunnel-privacy-localtunnel').text()).toContain('loca.lt');
    expect(get(w, 'tunnel-privacy-public-url').text()).toContain('where your HTTPS ends');
    expect(has(w, 'tunnel-privacy-toggle')).toBe(true);
  });

  it('keeps diagnostics collapsed until asked, then shows counts and the recent events', async () => {
    const w = await mountView();
    const toggle = get(w, 'diagnostics-toggle');
    expect(toggle.attributes('aria-expanded')).toBe('false');
    expect(has(w, 'diagnostics-body')).toBe(false);
    expect(fake.calls.some((c) => c.name === 'getDiagnostics')).toBe(false);

    await toggle.trigger('click');
    await flushPromises();
    expect(toggle.attributes('aria-expanded')).toBe('true');
    expect(get(w, 'inbox-total').text()).toBe('43');
    expect(get(w, 'inbox-malformed').text()).toBe('2');
    expect(get(w, 'receiver-accepted').text()).toBe('43');
    expect(get(w, 'receiver-rejectedSignature').text()).toBe('5');
    expect(get(w, 'receiver-rejectedTooLarge').text()).toBe('1');
    const rows = get(w, 'diagnostics-events').findAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.text()).toContain('message.received');
    expect(rows[0]!.text()).toContain('msg:wamid.HBgM123');
    expect(rows[1]!.text()).toContain('call.connect');
    // Every health probe, newest first, with the failure's reason.
    expect(get(w, 'diagnostics-probes-summary').text()).toBe('1 of the last 3 failed');
    const probes = get(w, 'diagnostics-probes').findAll('tbody tr');
    expect(probes.map((r) => r.attributes('data-ok'))).toEqual(['true', 'true', 'false']);
    expect(probes[2]!.text()).toContain('the connection was closed before an answer');
    expect(probes[0]!.text()).toContain('Passed');

    fake.handlers.getDiagnostics = () => sampleDiagnostics({ recentEvents: [] });
    await get(w, 'diagnostics-refresh').trigger('click');
    await flushPromises();
    expect(get(w, 'diagnostics-events-empty').text()).toContain('No events received yet');
  });

  it('without an account, says so and links to Settings → Account', async () => {
    const w = await mountView(
      {
        getConnection: () =>
          sampleConnection({
            state: 'stopped',
            since: null,
            reason: 'Connect your account first.',
            publicUrl: null,
            callbackUrl: null,
            history: [],
          }),
      },
      'not_connected',
    );
    expect(has(w, 'connection-status')).toBe(false);
    expect(get(w, 'connection-needs-account').text()).toContain('Connect your number first');
    await get(w, 'connection-go-account').trigger('click');
    const ui = useUiStore();
    expect(ui.view).toBe('settings');
    expect(ui.settingsSection).toBe('account');
    // The tunnel can still be chosen beforehand.
    expect(has(w, 'tunnel-form')).toBe(true);
  });

  it('falls back to the status bar’s reachability when the connection cannot be read', async () => {
    const w = await mountView({
      getStatus: () =>
        sampleStatus({
          account: { state: 'connected' },
          reachability: { state: 'unreachable', since: '2026-11-25T14:02:00Z', detail: 'The tunnel server refused the connection' },
        }),
      getConnection: () => ({ error: { code: 'unavailable', message: 'Switchboard’s background service did not answer.' } }),
    });
    expect(get(w, 'connection-load-error').text()).toContain('did not answer');
    expect(get(w, 'connection-headline').text()).toBe('Unreachable — calls will be missed');
    expect(get(w, 'connection-reason').text()).toBe('The tunnel server refused the connection');
  });
});
