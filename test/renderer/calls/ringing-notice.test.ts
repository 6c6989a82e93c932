/**
 * A phone must be noticed (issue 20, part 3): Silence on the ringing card and in the media engine,
 * the generated ringtones and their volume, the ringing notice (live region, title, favicon, a web
 * notification only in the browser host), the audio check's level, the calls store remembering
 * devices, and where focus goes when what held it goes. The browser test
 * (test/browser/ringing-notice.spec.ts) runs the same through the simulator in Chromium.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { defineComponent, h } from 'vue';
import CallArea from '../../../renderer/src/components/calls/CallArea.vue';
import RingingNotice from '../../../renderer/src/components/calls/RingingNotice.vue';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import { setMediaEngineFactory, useCallsStore, type CallMediaEngine } from '../../../renderer/src/stores/calls.store.ts';
import { useAppStore } from '../../../renderer/src/stores/app.store.ts';
import { MediaEngine, type MediaEngineState } from '../../../renderer/src/media/media-engine.ts';
import { Ringtone, renderRingCycle, ringSoundLength } from '../../../renderer/src/media/ringtone.ts';
import { levelOf } from '../../../renderer/src/media/audio-check.ts';
import { RingingNotice as Notice } from '../../../renderer/src/composables/ringing-notice.ts';
import { focusAfterCall, focusIsLost } from '../../../renderer/src/composables/focus.ts';
import { handleShortcut } from '../../../renderer/src/composables/useShortcuts.ts';
import { useUiStore } from '../../../renderer/src/stores/ui.store.ts';
import { RINGTONES, ringGain } from '../../../common/rules/ringtone.ts';
import type { CallPreferences, CallView, ThreadSummary } from '../../../common/bridge-contract.ts';
import { idleEngineState } from '../support/call-fixtures.ts';
import { createFakeTransport, sampleInfo, type FakeHandlers, type FakeTransport } from '../support/fake-bridge.ts';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const call = (o: Partial<CallView> = {}): CallView => ({
  localId: 'call-1',
  callId: 'wacid.1',
  direction: 'incoming',
  state: 'ringing',
  outcome: null,
  reason: null,
  threadId: 7,
  startedAt: new Date(T0).toISOString(),
  answerDeadline: new Date(T0 + 30_000).toISOString(),
  origin: null,
  recording: null,
  ...o,
});
const anaThread: ThreadSummary = {
  id: 7,
  contact: { id: 7, waId: '5511987650001', userId: null, profileName: 'Ana Souza', username: null, ownerName: null, country: 'BR' },
  lastItemAt: null,
  lastItem: null,
  unreadCount: 0,
  missedCalls: 0,
} as unknown as ThreadSummary;
const PREFS: CallPreferences = {
  preAccept: true,
  ringDeviceId: null,
  ringtone: 'chimes',
  ringVolume: 70,
  inputDeviceId: null,
  outputDeviceId: null,
  turnServers: [],
  stunServer: null,
};

/** A media engine double whose ringing state the test sets (main's `ring` command). */
function fakeEngine() {
  const listeners = new Set<(s: MediaEngineState) => void>();
  let state: MediaEngineState = idleEngineState();
  const set = (patch: Partial<MediaEngineState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l(state);
  };
  const engine = {
    handle: vi.fn(async () => undefined),
    state: () => state,
    onChange: (l: (s: MediaEngineState) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    setMuted: vi.fn(),
    sendDtmf: vi.fn(() => true),
    setInputDevice: vi.fn(async (id: string) => set({ inputDeviceId: id })),
    setOutputDevice: vi.fn(async (id: string) => set({ outputDeviceId: id })),
    refreshDevices: vi.fn(async () => undefined),
    dispose: vi.fn(),
    setRingDevice: vi.fn(async () => undefined),
    setRingtone: vi.fn(),
    previewRingtone: vi.fn(async () => undefined),
    silence: vi.fn((id: string) => set({ silencedIds: [...state.silencedIds, id] })),
  };
  setMediaEngineFactory(() => engine as unknown as CallMediaEngine);
  return { engine, set, ring: (ids: string[]) => set({ ringing: ids.length > 0, ringingIds: ids }) };
}

let fake: FakeTransport;
let pinia: Pinia;
let wrapper: VueWrapper | null = null;
let media: ReturnType<typeof fakeEngine>;

async function start(handlers: FakeHandlers = {}, component: 'card' | 'notice' = 'card') {
  fake = createFakeTransport({
    listCalls: () => ({ calls: [] }),
    listThreads: () => ({ threads: [anaThread], next: null }),
    getCallPreferences: () => PREFS,
    setCallPreferences: (p) => ({ ...PREFS, ...p }),
    declineCall: (p) => call({ localId: p.localId, state: 'ending' }),
    ...handlers,
  });
  setBridge(createBridge(fake));
  const store = useCallsStore(pinia);
  await store.start();
  await useAppStore(pinia).start();
  const root = defineComponent({ render: () => h(component === 'card' ? CallArea : RingingNotice) });
  wrapper = mount(root, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
  await flushPromises();
  return store;
}
async function push(view: CallView) {
  fake.emit('call', view);
  await flushPromises();
}
const byTestId = (id: string) => wrapper!.get(`[data-testid="${id}"]`);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(T0);
  pinia = createPinia();
  setActivePinia(pinia);
  media = fakeEngine();
  document.head.innerHTML = '<title>Switchboard</title><link rel="icon" type="image/svg+xml" href="/favicon.svg" />';
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  useCallsStore(pinia).stop();
  setMediaEngineFactory(null);
  setBridge(null);
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('Silence on the ringing card', () => {
  it('stops the ring here (button or S), tells main nothing, and the card stays with a "Silenced" hint', async () => {
    await start();
    await push(call());
    media.ring(['call-1']);
    await flushPromises();
    const silence = byTestId('incoming-silence');
    expect(silence.attributes('disabled')).toBeUndefined();
    expect(silence.attributes('aria-keyshortcuts')).toBe('S');
    expect(byTestId('incoming-call').text()).toContain('S');
    expect(wrapper!.find('[data-testid="incoming-silenced"]').exists()).toBe(false);

    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 's', bubbles: true }));
    await flushPromises();
    expect(media.engine.silence).toHaveBeenCalledWith('call-1');
    expect(byTestId('incoming-silenced').text()).toContain('The call still rings on WhatsApp');
    expect(byTestId('incoming-silence').attributes('aria-pressed')).toBe('true');
    expect(byTestId('incoming-silence').attributes('disabled')).toBeDefined();
    expect(byTestId('incoming-call').text()).toContain('Silenced');
    // Nothing went to main: no decline, no request at all about the call.
    expect(fake.calls.map((c) => c.name).filter((n) => /Call$/.test(n))).toEqual([]);
    expect(byTestId('incoming-answer').attributes('disabled')).toBeUndefined();
  });

  it('is not offered while nothing rings here (do-not-disturb), and S is ignored while typing', async () => {
    await start();
    await push(call());
    expect(byTestId('incoming-silence').attributes('disabled')).toBeDefined();
    media.ring(['call-1']);
    await flushPromises();
    const input = document.createElement('input');
    document.body.appendChild(input);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 's', bubbles: true }));
    await flushPromises();
    expect(media.engine.silence).not.toHaveBeenCalled();
  });
});

describe('the media engine silences one call', () => {
  function engine() {
    const ringtone = { start: vi.fn(), stop: vi.fn(), setSinkId: vi.fn(async () => undefined), configure: vi.fn() };
    const e = new MediaEngine({ report: () => undefined, ringtone, mediaDevices: {} as MediaDevices });
    return { e, ringtone };
  }

  it('stops the ringtone, keeps the call ringing in its state, and a repeated ring command stays silent', () => {
    const { e, ringtone } = engine();
    e.ring('a', true);
    expect(ringtone.start).toHaveBeenCalledTimes(1);
    e.silence('a');
    expect(ringtone.stop).toHaveBeenCalledTimes(1);
    expect(e.state()).toMatchObject({ ringing: true, ringingIds: ['a'], silencedIds: ['a'] });
    e.ring('a', true);
    expect(ringtone.start).toHaveBeenCalledTimes(1);
    // Another call ringing (the first was silenced) rings; ending the silenced one forgets it.
    e.ring('b', true);
    expect(ringtone.start).toHaveBeenCalledTimes(2);
    e.close('a');
    expect(e.state()).toMatchObject({ ringingIds: ['b'], silencedIds: [] });
    e.silence('nope');
    expect(e.state().silencedIds).toEqual([]);
  });

  it('passes the ringtone and its volume on', () => {
    const { e, ringtone } = engine();
    e.setRingtone('marimba', 40);
    expect(ringtone.configure).toHaveBeenCalledWith('marimba', 40);
  });
});

describe('ringtones', () => {
  it('every tone sounds, then is silent, and each sounds different', () => {
    const rate = 16_000;
    const starts = new Set<string>();
    for (const tone of RINGTONES) {
      const cycle = renderRingCycle(rate, tone);
      const len = ringSoundLength(tone);
      const peak = (from: number, to: number) =>
        cycle.slice(Math.floor(from * rate), Math.floor(to * rate)).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(peak(0, len), tone).toBeGreaterThan(0.3);
      expect(peak(0, len), tone).toBeLessThanOrEqual(1);
      expect(peak(len + 0.01, cycle.length / rate), tone).toBe(0);
      starts.add(Array.from(cycle.slice(200, 260), (v) => v.toFixed(3)).join());
    }
    expect(starts.size).toBe(RINGTONES.length);
  });

  it('volume: 70 % is the loudness it always had; 0 is silent; never louder than 0.5', () => {
    expect(ringGain(70)).toBeCloseTo(0.245, 3);
    expect(ringGain(0)).toBe(0);
    expect(ringGain(100)).toBe(0.5);
    expect(ringGain(250)).toBe(0.5);
  });

  it('plays at the chosen volume, changes it while ringing, and previews on a context of its own', async () => {
    const made: Array<{ gains: Array<{ gain: { value: number } }>; closed: boolean; latency: string }> = [];
    const ctx = (latency: string) => {
      const c = {
        latency,
        closed: false,
        gains: [] as Array<{ gain: { value: number } }>,
        sampleRate: 8000,
        destination: {},
        resume: async () => undefined,
        suspend: async () => undefined,
        close: async () => {
          c.closed = true;
        },
        createBuffer: (_n: number, len: number) => ({ getChannelData: () => new Float32Array(len) }),
        createGain: () => {
          const g = { gain: { value: 0 }, connect: (x: unknown) => x };
          c.gains.push(g);
          return g;
        },
        createBufferSource: () => {
          const s = {
            buffer: null,
            loop: false,
            onended: null as null | (() => void),
            connect: (g: unknown) => g,
            disconnect: () => undefined,
            stop: () => undefined,
            start: () => setTimeout(() => s.onended?.(), 10),
          };
          return s;
        },
      };
      made.push(c);
      return c as unknown as AudioContext;
    };
    const r = new Ringtone({ createContext: () => ctx('playback'), createOneShotContext: () => ctx('interactive'), volume: 40 });
    r.start();
    expect(made[0]!.gains[0]!.gain.value).toBeCloseTo(ringGain(40));
    r.configure('chimes', 90);
    expect(made[0]!.gains[0]!.gain.value).toBeCloseTo(ringGain(90));
    r.stop();
    const done = r.preview('beeps', 20);
    vi.advanceTimersByTime(20);
    await done;
    expect(made[1]).toMatchObject({ latency: 'interactive', closed: true });
    expect(made[1]!.gains[0]!.gain.value).toBeCloseTo(ringGain(20));
  });
});

describe('the ringing notice', () => {
  it('announces the caller, titles the window and, in the browser host with permission, notifies; all goes when it stops', async () => {
    const made: Array<{ title: string; o: NotificationOptions; closed: boolean }> = [];
    class FakeNotification {
      static permission = 'granted';
      onclick: (() => void) | null = null;
      entry: { title: string; o: NotificationOptions; closed: boolean };
      constructor(title: string, o: NotificationOptions) {
        this.entry = { title, o, closed: false };
        made.push(this.entry);
      }
      close() {
        this.entry.closed = true;
      }
    }
    vi.stubGlobal('Notification', FakeNotification);
    await start({ getAppInfo: () => sampleInfo({ host: 'browser-host' }) }, 'notice');
    const region = byTestId('ringing-announcer');
    expect(region.attributes('aria-live')).toBe('assertive');
    expect(region.text()).toBe('');
    await push(call());
    media.ring(['call-1']);
    await flushPromises();
    expect(region.text()).toBe('Incoming WhatsApp call from Ana Souza');
    expect(document.title).toBe('Ringing: Ana Souza');
    expect(made).toEqual([
      {
        title: 'Incoming WhatsApp call',
        o: expect.objectContaining({
          body: 'Ana Souza is calling. Click to answer in Switchboard.',
          requireInteraction: true,
          silent: true,
        }),
        closed: false,
      },
    ]);
    media.ring([]);
    await push(call({ state: 'ended', outcome: 'declined' }));
    expect(region.text()).toBe('');
    expect(document.title).toBe('Switchboard');
    expect(made[0]!.closed).toBe(true);
  });

  it('never notifies from the window in the desktop app (main shows the native notification), nor without permission', async () => {
    const made: string[] = [];
    vi.stubGlobal(
      'Notification',
      class {
        static permission = 'granted';
        constructor(title: string) {
          made.push(title);
        }
        close() {}
      },
    );
    await start({ getAppInfo: () => sampleInfo({ host: 'electron' }) }, 'notice');
    await push(call());
    media.ring(['call-1']);
    await flushPromises();
    expect(document.title).toBe('Ringing: Ana Souza');
    expect(made).toEqual([]);
  });

  it('says nothing while nothing rings here (do-not-disturb: the card shows, no ring command came)', async () => {
    await start({}, 'notice');
    await push(call());
    vi.advanceTimersByTime(2000);
    await flushPromises();
    expect(byTestId('ringing-announcer').text()).toBe('');
    expect(document.title).toBe('Switchboard');
  });

  it('waits a moment for an unknown caller’s name, then announces "Unknown caller"', async () => {
    await start({ listThreads: () => ({ threads: [], next: null }) }, 'notice');
    await push(call({ threadId: null }));
    media.ring(['call-1']);
    await flushPromises();
    expect(byTestId('ringing-announcer').text()).toBe('');
    vi.advanceTimersByTime(1000);
    await flushPromises();
    expect(byTestId('ringing-announcer').text()).toBe('Incoming WhatsApp call from Unknown caller');
  });

  it('swaps the favicon for one with a dot, and puts the original back', async () => {
    const badge = vi.fn(async () => 'data:image/png;base64,AAAA');
    const n = new Notice(
      { document, notification: () => null, badge, focusWindow: () => undefined },
      { title: (name) => `Ringing: ${name}`, notificationTitle: () => 'x', notificationBody: (name) => name },
    );
    const original = document.querySelector('link[rel~="icon"]');
    n.show('a', 'Ana');
    await flushPromises();
    expect(badge).toHaveBeenCalledWith(expect.stringMatching(/favicon\.svg$/));
    const swapped = document.querySelector<HTMLLinkElement>('link[rel~="icon"]')!;
    expect(swapped.href).toBe('data:image/png;base64,AAAA');
    expect(swapped.type).toBe('image/png');
    n.clear();
    expect(document.querySelector('link[rel~="icon"]')).toBe(original);
    // Stopped before the dot was drawn: the icon is left alone.
    let release: (v: string) => void = () => undefined;
    const slow = new Notice(
      { document, notification: () => null, badge: () => new Promise<string>((r) => (release = r)), focusWindow: () => undefined },
      { title: (name) => name, notificationTitle: () => 'x', notificationBody: (name) => name },
    );
    slow.show('b', 'Jonas');
    slow.clear();
    release('data:image/png;base64,BBBB');
    await flushPromises();
    expect(document.querySelector('link[rel~="icon"]')).toBe(original);
    expect(document.title).toBe('Switchboard');
  });
});

describe('the audio check and the call devices', () => {
  it('reads a level from 0 (silence) to 1 (full scale), speech in the middle', () => {
    const sine = (amp: number) => Float32Array.from({ length: 1024 }, (_, i) => amp * Math.sin((2 * Math.PI * i) / 32));
    expect(levelOf(new Float32Array(1024))).toBe(0);
    expect(levelOf(sine(1))).toBeGreaterThan(0.9);
    expect(levelOf(sine(0.05))).toBeGreaterThan(0.4);
    expect(levelOf(sine(0.05))).toBeLessThan(0.7);
    expect(levelOf(sine(0.0005))).toBe(0);
  });

  it('remembers the microphone and speaker chosen (in a call or in Settings), and applies them when preferences load', async () => {
    let saved: CallPreferences = { ...PREFS, inputDeviceId: 'usb-mic', ringtone: 'beeps', ringVolume: 30 };
    const store = await start({ getCallPreferences: () => saved, setCallPreferences: (p) => (saved = { ...saved, ...p }) });
    expect(media.engine.setInputDevice).toHaveBeenCalledWith('usb-mic');
    expect(media.engine.setRingtone).toHaveBeenCalledWith('beeps', 30);
    expect(await store.setOutputDevice('headset')).toBeNull();
    expect(fake.calls.filter((c) => c.name === 'setCallPreferences').map((c) => c.params)).toEqual([{ outputDeviceId: 'headset' }]);
    fake.handlers.setCallPreferences = () => ({ error: { code: 'internal', message: 'The settings file could not be written.' } });
    expect(await store.setInputDevice('')).toBe('The settings file could not be written.');
    expect(media.engine.setInputDevice).toHaveBeenLastCalledWith('');
  });
});

describe('focus never drops to the page', () => {
  it('after a call: the caller’s thread’s Call button, else the message box, else the ended card', () => {
    document.body.innerHTML = `
      <button data-testid="thread-call">Call</button>
      <textarea id="composer-input"></textarea>
      <section data-testid="call-ended"><button>Dismiss</button></section>`;
    (document.activeElement as HTMLElement | null)?.blur();
    expect(focusIsLost()).toBe(true);
    focusAfterCall(true);
    expect(document.activeElement?.getAttribute('data-testid')).toBe('thread-call');
    (document.activeElement as HTMLElement).blur();
    focusAfterCall(false);
    expect(document.activeElement?.id).toBe('composer-input');
    // Something already has focus: left alone.
    focusAfterCall(true);
    expect(document.activeElement?.id).toBe('composer-input');
  });

  it('Ctrl+, opens Settings asking for the page heading to take focus', () => {
    const ui = useUiStore(pinia);
    const e = new KeyboardEvent('keydown', { key: ',', ctrlKey: true });
    expect(handleShortcut(e, ui)).toBe(true);
    expect(ui.view).toBe('settings');
    expect(ui.settingsFocusPending).toBe('heading');
  });
});
