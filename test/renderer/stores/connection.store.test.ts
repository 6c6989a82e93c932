import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { flushPromises } from '@vue/test-utils';
import type { ResultOf } from '../../../common/bridge-contract.ts';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { formFromView, useConnectionStore, validateTunnelForm, type TunnelForm } from '../../../renderer/src/stores/connection.store.ts';
import { createFakeTransport, type FakeHandlers, type FakeTransport } from '../support/fake-bridge.ts';
import { sampleConnection, sampleDiagnostics, unreachableConnection } from '../support/connection-fixtures.ts';

let fake: FakeTransport;
function setup(handlers: FakeHandlers = {}): ReturnType<typeof useConnectionStore> {
  fake = createFakeTransport({ getConnection: () => sampleConnection(), ...handlers });
  setBridge(createBridge(fake));
  return useConnectionStore();
}
const form = (over: Partial<TunnelForm> = {}): TunnelForm => ({ provider: 'localtunnel', subdomain: '', host: '', publicUrl: '', ...over });

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => setBridge(null));

describe('validateTunnelForm', () => {
  it('normalises localtunnel settings (empty → null, subdomain lower-cased)', () => {
    expect(validateTunnelForm(form({ subdomain: '  My-Shop ', host: ' https://lt.example.com ' }))).toEqual({
      params: { provider: 'localtunnel', subdomain: 'my-shop', host: 'https://lt.example.com' },
      errors: null,
    });
    expect(validateTunnelForm(form()).params).toEqual({ provider: 'localtunnel', subdomain: null, host: null });
  });

  it('names the field that is wrong', () => {
    expect(validateTunnelForm(form({ subdomain: 'a b' })).errors).toEqual({ subdomain: { kind: 'invalid' } });
    expect(validateTunnelForm(form({ subdomain: 'ab' })).errors).toEqual({ subdomain: { kind: 'invalid' } });
    expect(validateTunnelForm(form({ host: 'ftp://x.example' })).errors).toEqual({ host: { kind: 'invalid' } });
    expect(validateTunnelForm(form({ provider: 'public-url' })).errors).toEqual({ publicUrl: { kind: 'required' } });
    expect(validateTunnelForm(form({ provider: 'public-url', publicUrl: 'http://calls.example.com' })).errors).toEqual({
      publicUrl: { kind: 'invalid' },
    });
    expect(validateTunnelForm(form({ provider: 'public-url', publicUrl: 'not a url' })).errors).toEqual({ publicUrl: { kind: 'invalid' } });
  });

  it('accepts an https public URL (and ignores the localtunnel fields)', () => {
    expect(validateTunnelForm(form({ provider: 'public-url', publicUrl: ' https://calls.example.com ', subdomain: '!!' }))).toEqual({
      params: { provider: 'public-url', publicUrl: 'https://calls.example.com' },
      errors: null,
    });
  });

  it('formFromView reads the saved configuration', () => {
    expect(formFromView(null)).toEqual(form());
    expect(
      formFromView(sampleConnection({ provider: 'public-url', tunnel: { subdomain: 'shop', host: null, publicUrl: 'https://x.example' } })),
    ).toEqual({
      provider: 'public-url',
      subdomain: 'shop',
      host: '',
      publicUrl: 'https://x.example',
    });
  });
});

describe('connection store', () => {
  it('loads the connection and follows the connection event', async () => {
    const store = setup();
    await store.start();
    expect(store.state).toBe('connected');
    expect(store.history.map((h) => h.state)).toEqual(['connected', 'connecting']);

    fake.emit('connection', unreachableConnection());
    expect(store.state).toBe('unreachable');
    expect(store.view?.reason).toBe('The tunnel server refused the connection');
  });

  it('keeps a load failure as a plain message, and reloads when the bridge reconnects', async () => {
    let fail = true;
    const store = setup({
      getConnection: () => (fail ? { error: { code: 'unavailable', message: 'Not answering' } } : sampleConnection()),
    });
    await store.start();
    expect(store.loadError).toBe('Not answering');
    expect(store.view).toBeNull();

    fail = false;
    fake.setConnection({ state: 'connecting', reason: 'lost' });
    fake.setConnection({ state: 'open', reason: null });
    await flushPromises();
    expect(store.loadError).toBeNull();
    expect(store.state).toBe('connected');
  });

  it('start() subscribes once', async () => {
    const store = setup();
    await store.start();
    await store.start();
    let n = 0;
    fake.handlers.getConnection = () => {
      n++;
      return sampleConnection();
    };
    fake.setConnection({ state: 'closed', reason: 'lost' });
    fake.setConnection({ state: 'open', reason: null });
    await flushPromises();
    expect(n).toBe(1);
  });

  it('test delivery shows progress, then the round trip', async () => {
    let resolve!: (r: ResultOf<'testDelivery'>) => void;
    const store = setup({ testDelivery: () => new Promise((r) => (resolve = r)) });
    const pending = store.testDelivery();
    expect(store.testing).toBe(true);
    expect(await store.testDelivery()).toBeNull(); // one at a time
    resolve({ ok: true, roundTripMs: 84, message: 'A test event went through the public address and arrived in 84 ms.' });
    await pending;
    expect(store.testing).toBe(false);
    expect(store.testResult).toMatchObject({ ok: true, roundTripMs: 84 });
  });

  it('test delivery reports a failed call as a failed result', async () => {
    const store = setup({ testDelivery: () => ({ error: { code: 'unavailable', message: 'Switchboard did not answer.' } }) });
    await store.testDelivery();
    expect(store.testResult).toMatchObject({ ok: false, roundTripMs: null, message: 'Switchboard did not answer.' });
  });

  it('restart takes the returned view, or keeps the error', async () => {
    const store = setup({ restartTunnel: () => sampleConnection({ state: 'connecting', restarts: 1 }) });
    expect(await store.restart()).toBe(true);
    expect(store.state).toBe('connecting');

    fake.handlers.restartTunnel = () => ({ error: { code: 'not_connected', message: 'Connect your account first.' } });
    expect(await store.restart()).toBe(false);
    expect(store.actionError).toBe('Connect your account first.');
  });

  it('saveTunnel refuses bad values by field without asking main', async () => {
    const store = setup();
    expect(await store.saveTunnel(form({ provider: 'public-url', publicUrl: 'http://insecure.example' }))).toBe(false);
    expect(store.fieldErrors).toEqual({ publicUrl: { kind: 'invalid' } });
    expect(fake.calls.some((c) => c.name === 'setTunnel')).toBe(false);

    store.resetSave('publicUrl');
    expect(store.fieldErrors).toEqual({});
  });

  it('saveTunnel sends the normalised choice and takes the new view', async () => {
    const store = setup({
      setTunnel: (p) =>
        sampleConnection({ state: 'connecting', provider: p.provider, tunnel: { subdomain: 'my-shop', host: null, publicUrl: null } }),
    });
    expect(await store.saveTunnel(form({ subdomain: 'My-Shop' }))).toBe(true);
    expect(fake.calls.find((c) => c.name === 'setTunnel')?.params).toEqual({ provider: 'localtunnel', subdomain: 'my-shop', host: null });
    expect(store.saved).toBe(true);
    expect(store.view?.tunnel.subdomain).toBe('my-shop');
  });

  it('puts main’s invalid_params refusal next to its field', async () => {
    const store = setup({
      setTunnel: () => ({ error: { code: 'invalid_params', message: 'publicUrl: That address does not answer over HTTPS.' } }),
    });
    expect(await store.saveTunnel(form({ provider: 'public-url', publicUrl: 'https://calls.example.com' }))).toBe(false);
    expect(store.fieldErrors).toEqual({ publicUrl: { kind: 'server', message: 'That address does not answer over HTTPS.' } });
    expect(store.saveError).toBeNull();

    fake.handlers.setTunnel = () => ({
      error: { code: 'invalid_params', message: 'Invalid parameters', details: [{ path: ['subdomain'], message: 'Too long' }] },
    });
    await store.saveTunnel(form({ subdomain: 'shop' }));
    expect(store.fieldErrors.subdomain).toEqual({ kind: 'server', message: 'Too long' });

    fake.handlers.setTunnel = () => ({ error: { code: 'internal', message: '"setTunnel" failed unexpectedly.' } });
    await store.saveTunnel(form());
    expect(store.fieldErrors).toEqual({});
    expect(store.saveError).toBe('"setTunnel" failed unexpectedly.');
    expect(store.saving).toBe(false);
  });

  it('loads diagnostics on demand and refreshes them', async () => {
    let accepted = 43;
    const store = setup({
      getDiagnostics: () =>
        sampleDiagnostics({ receiver: { port: 1, accepted: accepted++, rejectedSignature: 0, rejectedTooLarge: 0, slowSendersCut: 0 } }),
    });
    expect(fake.calls.some((c) => c.name === 'getDiagnostics')).toBe(false);
    await store.loadDiagnostics();
    expect(store.diagnostics?.receiver.accepted).toBe(43);
    expect(store.diagnosticsAt).not.toBeNull();
    await store.loadDiagnostics();
    expect(store.diagnostics?.receiver.accepted).toBe(44);

    fake.handlers.getDiagnostics = () => ({ error: { code: 'internal', message: 'Inbox unavailable' } });
    await store.loadDiagnostics();
    expect(store.diagnosticsError).toBe('Inbox unavailable');
    expect(store.diagnostics?.receiver.accepted).toBe(44);
  });
});
