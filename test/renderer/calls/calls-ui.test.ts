/** The calls store and the call UI against the fake bridge and a fake media engine. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import CallArea from '../../../renderer/src/components/calls/CallArea.vue';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import {
  ENDED_LINGER_MS,
  PRUNE_MS,
  setMediaEngineFactory,
  useCallsStore,
  type CallMediaEngine,
} from '../../../renderer/src/stores/calls.store.ts';
import type { CallMediaState, MediaEngineState, MediaReportParams } from '../../../renderer/src/media/media-engine.ts';
import type { CallView, MediaCommand, ThreadSummary } from '../../../common/bridge-contract.ts';
import { createFakeTransport, type FakeHandlers, type FakeTransport } from '../support/fake-bridge.ts';
import { ringingCall } from '../support/call-fixtures.ts';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');

const call = (overrides: Partial<CallView> = {}): CallView => ringingCall({ startedAt: T0, answerDeadline: T0 + 30_000 }, overrides);

const thread = (id: number, name: string, waId: string, country: string): ThreadSummary => ({
  id,
  contact: { id, waId, userId: null, profileName: name, username: null, ownerName: null, country },
  lastItemAt: null,
  lastItem: null,
  unreadCount: 0,
  missedCalls: 0,
  windowExpiresAt: null,
});

function fakeEngine() {
  const handled: MediaCommand[] = [];
  const listeners = new Set<(s: MediaEngineState) => void>();
  let state: MediaEngineState = {
    calls: {},
    ringing: false,
    ringingIds: [],
    silencedIds: [],
    inputs: [{ deviceId: 'usb', label: 'USB headset' }],
    outputs: [],
    inputDeviceId: '',
    outputDeviceId: '',
    ringDeviceId: '',
  };
  let report: ((r: MediaReportParams) => unknown) | null = null;
  const media = (id: string): CallMediaState =>
    state.calls[id] ?? {
      localId: id,
      ice: 'connected',
      connection: 'connected',
      micAttached: true,
      muted: false,
      firstAudioAt: 1,
      stats: null,
      quality: null,
      qualityWarning: false,
      lost: null,
      silentForMs: null,
    };
  const set = (id: string, patch: Partial<CallMediaState>) => {
    state = { ...state, calls: { ...state.calls, [id]: { ...media(id), ...patch } } };
    for (const l of listeners) l(state);
  };
  const engine: CallMediaEngine = {
    handle: vi.fn(async (c: MediaCommand) => {
      handled.push(c);
    }),
    state: () => state,
    onChange: (l: (s: MediaEngineState) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    setMuted: vi.fn((id: string, muted: boolean) => set(id, { muted })),
    sendDtmf: vi.fn(() => true),
    setInputDevice: vi.fn(async () => undefined),
    setOutputDevice: vi.fn(async () => undefined),
    refreshDevices: vi.fn(async () => undefined),
    dispose: vi.fn(),
    notifyWaiting: vi.fn(),
  } as unknown as CallMediaEngine;
  setMediaEngineFactory((r) => {
    report = r;
    return engine;
  });
  return { engine, handled, set, report: (r: MediaReportParams) => report?.(r) };
}

let fake: FakeTransport;
let pinia: Pinia;
let wrapper: VueWrapper | null = null;
let engine: ReturnType<typeof fakeEngine>;

async function start(handlers: FakeHandlers = {}) {
  fake = createFakeTransport({
    listCalls: () => ({ calls: [] }),
    listThreads: () => ({
      threads: [thread(7, 'Ana Souza', '5511987650001', 'BR'), thread(8, 'Jonas Weber', '4915112340002', 'DE')],
      next: null,
    }),
    answerCall: (p) => call({ localId: p.localId, state: 'answering' }),
    declineCall: (p) => call({ localId: p.localId, state: 'ending' }),
    hangUpCall: (p) => call({ localId: p.localId, state: 'ending' }),
    mediaReport: () => ({ received: true }),
    ...handlers,
  });
  setBridge(createBridge(fake));
  const store = useCallsStore(pinia);
  await store.start();
  wrapper = mount(CallArea, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
  await flushPromises();
  return store;
}

async function push(view: CallView) {
  fake.emit('call', view);
  await flushPromises();
}
const byTestId = (id: string) => wrapper!.get(`[data-testid="${id}"]`);
const requests = (name: string) => fake.calls.filter((c) => c.name === name).map((c) => c.params);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(T0);
  pinia = createPinia();
  setActivePinia(pinia);
  engine = fakeEngine();
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  useCallsStore(pinia).stop();
  setMediaEngineFactory(null);
  setBridge(null);
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('calls store', () => {
  it('loads calls, hands media commands to the engine and sends its reports back', async () => {
    const store = await start({ listCalls: () => ({ calls: [call()] }) });
    expect(requests('listCalls')).toHaveLength(1);
    expect(store.current?.localId).toBe('call-1');
    fake.emit('mediaCommand', { requestId: 'r1', localId: 'call-1', command: 'prepareAnswer', offerSdp: 'v=0' });
    expect(engine.handled).toEqual([{ requestId: 'r1', localId: 'call-1', command: 'prepareAnswer', offerSdp: 'v=0' }]);
    await engine.report({ type: 'done', requestId: 'r1', sdp: 'v=0 answer' });
    expect(requests('mediaReport')).toEqual([{ type: 'done', requestId: 'r1', sdp: 'v=0 answer' }]);
  });

  it('places a call for a thread, and keeps main’s refusal in plain words', async () => {
    const store = await start({
      placeCall: (p) =>
        p.threadId === 7
          ? call({ direction: 'outgoing', state: 'preparing', answerDeadline: null })
          : { error: { code: 'no_permission', message: 'Jonas Weber has not given permission to be called.' } },
    });
    expect(await store.placeCall(8)).toBeNull();
    expect(store.dialError).toBe('Jonas Weber has not given permission to be called.');
    const view = await store.placeCall(7);
    expect(view?.state).toBe('preparing');
    expect(store.dialError).toBeNull();
    await flushPromises();
    expect(byTestId('call-panel').attributes('data-state')).toBe('preparing');
    expect(byTestId('call-timer').text()).toBe('Preparing the call…');
  });

  it('does not show calls that had already ended before the window opened', async () => {
    const store = await start({ listCalls: () => ({ calls: [call({ state: 'ended', outcome: 'missed' })] }) });
    expect(store.visible).toBe(false);
  });
});

describe('incoming call card', () => {
  it('shows the caller from the thread and counts the answer window down', async () => {
    await start();
    await push(call());
    const card = byTestId('incoming-call');
    expect(card.get('[data-testid="caller-name"]').text()).toBe('Ana Souza');
    expect(card.get('[data-testid="caller-meta"]').text()).toContain('Brazil');
    // The same name and letters as the thread's header and avatar (common/rules/customer.ts).
    expect(card.get('.avatar').text()).toBe('AS');
    expect(byTestId('incoming-countdown').text()).toBe('30s left to answer');
    vi.advanceTimersByTime(5000);
    await flushPromises();
    expect(byTestId('incoming-countdown').text()).toBe('25s left to answer');
  });

  it("says where the customer called from (a call button's payload)", async () => {
    await start();
    await push(call({ origin: { ctaPayload: 'spring-promo', deeplinkPayload: null } }));
    expect(byTestId('incoming-origin').text()).toBe('Called from: spring-promo');
  });

  it('shows "Unknown caller" without a thread', async () => {
    await start();
    await push(call({ threadId: null }));
    expect(byTestId('caller-name').text()).toBe('Unknown caller');
  });

  it('Answer and Decline ask main; a double click sends one request', async () => {
    await start();
    await push(call());
    await byTestId('incoming-answer').trigger('click');
    await byTestId('incoming-answer').trigger('click');
    await flushPromises();
    expect(requests('answerCall')).toEqual([{ localId: 'call-1' }]);
    await push(call({ localId: 'call-2', startedAt: new Date(T0 + 1).toISOString() }));
    await push(call({ state: 'ended', outcome: 'completed' }));
    await byTestId('incoming-decline').trigger('click');
    await flushPromises();
    expect(requests('declineCall')).toEqual([{ localId: 'call-2' }]);
  });

  it('shows main’s refusal in plain words', async () => {
    await start({ answerCall: () => ({ error: { code: 'invalid_state', message: 'This call can no longer be answered.' } }) });
    await push(call());
    await byTestId('incoming-answer').trigger('click');
    await flushPromises();
    expect(byTestId('call-error').text()).toContain('This call can no longer be answered.');
  });

  it('answers with Enter or A and declines with Escape or D — but not while typing', async () => {
    await start();
    await push(call());
    const input = document.createElement('input');
    document.body.appendChild(input);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', bubbles: true }));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'd', bubbles: true }));
    await flushPromises();
    expect(requests('answerCall')).toEqual([]);
    expect(requests('declineCall')).toEqual([]);
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await flushPromises();
    expect(requests('answerCall')).toEqual([{ localId: 'call-1' }]);
    // Answered: the card is gone, so Escape no longer declines it.
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await flushPromises();
    expect(requests('declineCall')).toEqual([]);
    await push(call({ state: 'ended', outcome: 'completed' }));
    await push(call({ localId: 'call-2', startedAt: new Date(T0 + 1).toISOString() }));
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await flushPromises();
    expect(requests('declineCall')).toEqual([{ localId: 'call-2' }]);
  });
});

describe('call panel', () => {
  it('shows the timer, mutes, sends keypad tones and hangs up', async () => {
    await start();
    await push(call({ state: 'active' }));
    expect(byTestId('call-panel').attributes('data-state')).toBe('active');
    expect(byTestId('call-timer').text()).toBe('0:00');
    vi.advanceTimersByTime(65_000);
    await flushPromises();
    expect(byTestId('call-timer').text()).toBe('1:05');

    await byTestId('call-mute').trigger('click');
    expect(engine.engine.setMuted).toHaveBeenCalledWith('call-1', true);
    await flushPromises();
    expect(byTestId('call-mute').attributes('aria-pressed')).toBe('true');

    await byTestId('call-keypad-toggle').trigger('click');
    for (const k of ['1', '2', '#']) await byTestId(`call-key-${k}`).trigger('click');
    expect(vi.mocked(engine.engine.sendDtmf).mock.calls).toEqual([
      ['call-1', '1'],
      ['call-1', '2'],
      ['call-1', '#'],
    ]);
    expect(byTestId('call-dtmf-sent').text()).toBe('12#');

    await byTestId('call-devices-toggle').trigger('click');
    await byTestId('call-input-device').setValue('usb');
    expect(engine.engine.setInputDevice).toHaveBeenCalledWith('usb');

    await byTestId('call-hangup').trigger('click');
    await flushPromises();
    expect(requests('hangUpCall')).toEqual([{ localId: 'call-1' }]);
  });

  it('shows the quality from the engine and the poor-connection warning', async () => {
    await start();
    await push(call({ state: 'active' }));
    engine.set('call-1', {
      quality: 'poor',
      qualityWarning: true,
      stats: { rttMs: 420, jitterMs: 40, lossPct: 9, mos: 2.4, packetsReceived: 500, packetsSent: 500 },
    });
    await flushPromises();
    expect(byTestId('call-quality').attributes('data-level')).toBe('poor');
    expect(byTestId('call-quality').attributes('title')).toContain('MOS 2.4');
    expect(wrapper!.text()).toContain('The connection is poor');
  });

  it('says "Reconnecting…" with the seconds while no audio arrives, and stops when it comes back', async () => {
    await start();
    await push(call({ state: 'active' }));
    engine.set('call-1', { silentForMs: 12_400 });
    await flushPromises();
    expect(byTestId('call-reconnecting').text()).toBe('Reconnecting… no audio for 12 s');
    expect(byTestId('call-state').attributes('data-state')).toBe('active');
    engine.set('call-1', { silentForMs: null });
    await flushPromises();
    expect(wrapper!.find('[data-testid="call-reconnecting"]').exists()).toBe(false);
  });

  it('a second call while one is live waits (with Decline) instead of taking over', async () => {
    await start();
    await push(call({ state: 'active' }));
    await push(call({ localId: 'call-2', threadId: 8, startedAt: new Date(T0 + 5000).toISOString() }));
    expect(wrapper!.find('[data-testid="call-panel"]').exists()).toBe(true);
    expect(wrapper!.find('[data-testid="incoming-call"]').exists()).toBe(false);
    // No ringing over the live call: one discreet chime.
    expect((engine.engine as unknown as { notifyWaiting: ReturnType<typeof vi.fn> }).notifyWaiting).toHaveBeenCalledTimes(1);
    const waiting = byTestId('waiting-call');
    expect(waiting.text()).toContain('Jonas Weber');
    await waiting.get('[data-testid="waiting-decline"]').trigger('click');
    await flushPromises();
    expect(requests('declineCall')).toEqual([{ localId: 'call-2' }]);
  });

  it('“End current & answer” hangs up the live call, then answers the waiting one', async () => {
    await start();
    await push(call({ state: 'active' }));
    await push(call({ localId: 'call-2', threadId: 8, startedAt: new Date(T0 + 5000).toISOString() }));
    await byTestId('waiting-end-and-answer').trigger('click');
    await flushPromises();
    expect(fake.calls.filter((c) => c.name === 'hangUpCall' || c.name === 'answerCall')).toEqual([
      { name: 'hangUpCall', params: { localId: 'call-1' } },
      { name: 'answerCall', params: { localId: 'call-2' } },
    ]);
  });

  it('“End current & answer” while the live call is already ending answers at once (no hang-up that main would refuse)', async () => {
    const store = await start();
    await push(call({ state: 'active' }));
    await push(call({ localId: 'call-2', threadId: 8, startedAt: new Date(T0 + 5000).toISOString() }));
    await push(call({ state: 'ending' }));
    await store.endAndAnswer('call-2');
    await flushPromises();
    expect(fake.calls.filter((c) => c.name === 'hangUpCall' || c.name === 'answerCall')).toEqual([
      { name: 'answerCall', params: { localId: 'call-2' } },
    ]);
  });

  it('forgets calls ten minutes after they ended, as main does (a softphone open for weeks stays bounded)', async () => {
    const store = await start();
    for (let i = 1; i <= 5; i++) {
      await push(call({ localId: `old-${i}`, state: 'ringing' }));
      await push(call({ localId: `old-${i}`, state: 'ended', outcome: 'missed' }));
    }
    expect(Object.keys(store.calls)).toHaveLength(5);
    vi.advanceTimersByTime(PRUNE_MS + 1000);
    await push(call({ localId: 'new-1', state: 'ringing' }));
    expect(Object.keys(store.calls)).toEqual(['new-1']);
  });

  it('shows the outcome and reason briefly after the call ends', async () => {
    const store = await start();
    await push(call({ state: 'active' }));
    await push(
      call({
        state: 'ended',
        outcome: 'failed',
        reason: 'No audio has arrived from the customer for 32 seconds — the connection was lost.',
      }),
    );
    expect(byTestId('call-ended').attributes('data-outcome')).toBe('failed');
    expect(byTestId('call-outcome').text()).toContain('Call failed');
    expect(byTestId('call-reason').text()).toContain('No audio has arrived');
    vi.advanceTimersByTime(ENDED_LINGER_MS + 500);
    await flushPromises();
    expect(store.visible).toBe(false);
    expect(wrapper!.find('[data-testid="call-ended"]').exists()).toBe(false);
  });
});

describe('after a call ends', () => {
  it("offers to call back a missed call, and shows main's refusal in plain words", async () => {
    await start({
      placeCall: () => ({
        error: { code: 'no_permission', message: 'This customer has not given permission to be called. Ask them first.' },
      }),
    });
    await push(call({ state: 'ringing' }));
    await push(call({ state: 'ended', outcome: 'missed' }));
    await byTestId('call-back').trigger('click');
    await flushPromises();
    expect(requests('placeCall')).toEqual([{ threadId: 7 }]);
    expect(byTestId('call-back-error').text()).toBe('This customer has not given permission to be called. Ask them first.');
  });
});
