/**
 * WhatsApp's call recordings and transcripts (issue 16) in the window, with the fake bridge: the
 * settings card (saves, main's refusal beside its field), the Record choice reaching answerCall and
 * placeCall, the live indicator, the call card's states (waiting, downloading, failed with Retry,
 * ready), the player (fetched on play, speed, seeking by keyboard), the transcript (hostile text
 * stays text; a line's time seeks) and a search hit in a transcript opening the call at its line.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type {
  CallView,
  RecordingFile,
  RecordingSettings,
  RecordingState,
  ResultOf,
  TranscriptLine,
} from '../../../common/bridge-contract.ts';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import CallArea from '../../../renderer/src/components/calls/CallArea.vue';
import CallCard from '../../../renderer/src/components/conversations/CallCard.vue';
import ConversationsView from '../../../renderer/src/components/conversations/ConversationsView.vue';
import RecordingCard from '../../../renderer/src/components/settings/calling/RecordingCard.vue';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import { setMediaEngineFactory, useCallsStore, type CallMediaEngine } from '../../../renderer/src/stores/calls.store.ts';
import { useRecordingStore } from '../../../renderer/src/stores/recording.store.ts';
import { useThreadsStore } from '../../../renderer/src/stores/threads.store.ts';
import type { MediaEngineState } from '../../../renderer/src/media/media-engine.ts';
import { createFakeTransport, type FakeHandlers, type FakeTransport } from '../support/fake-bridge.ts';
import { idleEngineState, ringingCall } from '../support/call-fixtures.ts';
import { item, pageTimeline, thread } from '../support/thread-fixtures.ts';

let wrapper: VueWrapper | null = null;
let fake: FakeTransport;
let pinia: Pinia;

const SETTINGS: RecordingSettings = { mode: 'off', audio: true, transcript: true, purpose: '', announcementLanguage: 'en_US' };
const DEFAULT_PURPOSE = 'To improve our service and keep a record of what we agreed.';

function setup(handlers: FakeHandlers): void {
  fake = createFakeTransport(handlers);
  setBridge(createBridge(fake));
}
const requests = (name: string) => fake.calls.filter((c) => c.name === name).map((c) => c.params);
const byTestId = (id: string) => wrapper!.get(`[data-testid="${id}"]`);

beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  let n = 0;
  vi.spyOn(URL, 'createObjectURL').mockImplementation(() => `blob:recording-${++n}`);
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(function (this: HTMLMediaElement) {
    this.dispatchEvent(new Event('play'));
    return Promise.resolve();
  });
  vi.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(function (this: HTMLMediaElement) {
    this.dispatchEvent(new Event('pause'));
  });
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setMediaEngineFactory(null);
  setBridge(null);
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

// ---- settings ---------------------------------------------------------------------------------

describe('Settings → Calling → Recording and transcripts', () => {
  function settingsMain(initial: RecordingSettings = SETTINGS) {
    let stored = { ...initial };
    return {
      getRecordingSettings: () => ({ settings: stored, defaultPurpose: DEFAULT_PURPOSE, recordChoice: false }),
      setRecordingSettings: (p: Partial<RecordingSettings>) => {
        const next = { ...stored, ...p };
        if (next.mode !== 'off' && !next.audio && !next.transcript)
          return {
            error: {
              code: 'invalid_params',
              message: 'Keep the audio, the transcript or both while recording is on.',
              details: { field: p.audio === false ? 'audio' : 'transcript' },
            },
          };
        stored = next;
        return { settings: stored, defaultPurpose: DEFAULT_PURPOSE, recordChoice: false };
      },
    } satisfies FakeHandlers;
  }

  async function mountCard(initial?: RecordingSettings): Promise<VueWrapper> {
    setup(settingsMain(initial));
    wrapper = mount(RecordingCard, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
    await flushPromises();
    return wrapper;
  }

  it('shows the settings, saves each change at once and says so beside it', async () => {
    await mountCard();
    expect((byTestId('recording-mode-off').element as HTMLInputElement).checked).toBe(true);
    const purpose = byTestId('recording-purpose');
    expect(purpose.attributes('placeholder')).toBe(DEFAULT_PURPOSE);
    expect(purpose.attributes('maxlength')).toBe('250');
    expect(byTestId('recording-purpose-count').text()).toBe('0 / 250');
    // The announcement languages by name, in the window's language: never a bare code.
    const names = byTestId('recording-language')
      .findAll('option')
      .map((o) => [o.attributes('value'), o.text()]);
    expect(names).toHaveLength(18);
    const name = (code: string) => names.find(([c]) => c === code)![1]!;
    expect(name('pt')).toMatch(/Portuguese/);
    expect(name('pt')).toMatch(/Brazil/);
    expect(name('es_ES')).toMatch(/Spanish|Spain/);
    expect(name('es')).not.toBe(name('es_ES'));
    expect(byTestId('recording-notes').text()).toContain('announcement');
    expect(byTestId('recording-notes').text()).toContain('7 days');

    await byTestId('recording-mode-ask').setValue(true);
    await flushPromises();
    expect(requests('setRecordingSettings')).toEqual([{ mode: 'ask' }]);
    expect(byTestId('recording-mode-note').text()).toBe('Saved');
    expect(useRecordingStore(pinia).mode).toBe('ask');

    await purpose.setValue('So we remember your order.');
    expect(byTestId('recording-purpose-count').text()).toBe('26 / 250');
    await purpose.trigger('change');
    await flushPromises();
    expect(requests('setRecordingSettings').at(-1)).toEqual({ purpose: 'So we remember your order.' });
    expect(byTestId('recording-purpose-note').text()).toBe('Saved');

    await byTestId('recording-language').setValue('es_ES');
    await flushPromises();
    expect(requests('setRecordingSettings').at(-1)).toEqual({ announcementLanguage: 'es_ES' });
  });

  it("shows main's refusal next to what is kept, and the box goes back to what is stored", async () => {
    await mountCard({ ...SETTINGS, mode: 'all', transcript: false });
    const audio = byTestId('recording-keep-audio');
    await audio.setValue(false);
    await flushPromises();
    expect(requests('setRecordingSettings')).toEqual([{ audio: false }]);
    expect(byTestId('recording-kept-error').text()).toBe('Keep the audio, the transcript or both while recording is on.');
    expect(byTestId('recording-kept-error').attributes('role')).toBe('alert');
    expect((audio.element as HTMLInputElement).checked).toBe(true);
    expect(wrapper!.find('[data-testid="recording-purpose-error"]').exists()).toBe(false);
    // Fixed by keeping the transcript: the error goes.
    await byTestId('recording-keep-transcript').setValue(true);
    await flushPromises();
    expect(wrapper!.find('[data-testid="recording-kept-error"]').exists()).toBe(false);
    expect(byTestId('recording-kept-note').text()).toBe('Saved');
  });

  it('names the languages in the window’s language', async () => {
    setup(settingsMain());
    wrapper = mount(RecordingCard, { global: { plugins: [pinia, createAppI18n('pt-BR')] }, attachTo: document.body });
    await flushPromises();
    const pt = byTestId('recording-language').find('option[value="pt"]').text();
    expect(pt).toMatch(/portugu[eê]s/i);
    expect(byTestId('recording-settings').text()).toContain('Gravação e transcrições');
  });
});

// ---- the Record choice ----------------------------------------------------------------------

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const call = (overrides: Partial<CallView> = {}): CallView =>
  ringingCall({ startedAt: T0, answerDeadline: Date.now() + 30_000 }, overrides);

function fakeEngine(): void {
  const state: MediaEngineState = idleEngineState();
  const engine = {
    handle: vi.fn(async () => undefined),
    state: () => state,
    onChange: () => () => undefined,
    setMuted: vi.fn(),
    sendDtmf: vi.fn(() => true),
    setInputDevice: vi.fn(async () => undefined),
    setOutputDevice: vi.fn(async () => undefined),
    refreshDevices: vi.fn(async () => undefined),
    dispose: vi.fn(),
  } as unknown as CallMediaEngine;
  setMediaEngineFactory(() => engine);
}

describe('Record, per call', () => {
  async function ringing(mode: RecordingSettings['mode'], view: CallView = call()): Promise<void> {
    fakeEngine();
    setup({
      getRecordingSettings: () => ({ settings: { ...SETTINGS, mode }, defaultPurpose: DEFAULT_PURPOSE, recordChoice: false }),
      setRecordChoice: (p) => ({ settings: { ...SETTINGS, mode }, defaultPurpose: DEFAULT_PURPOSE, recordChoice: p.record }),
      listCalls: () => ({ calls: [view] }),
      answerCall: (p) => call({ localId: p.localId, state: 'answering', recording: p.record ? { audio: true, transcript: true } : null }),
      mediaReport: () => ({ received: true }),
    });
    await useCallsStore(pinia).start();
    wrapper = mount(CallArea, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
    await flushPromises();
  }
  afterEach(() => useCallsStore(pinia).stop());

  it('under "ask me per call": the ringing card’s Record toggle goes with Answer, and is remembered', async () => {
    await ringing('ask');
    const toggle = byTestId('incoming-record');
    expect(toggle.attributes('aria-pressed')).toBe('false');
    await toggle.trigger('click');
    expect(toggle.attributes('aria-pressed')).toBe('true');
    await byTestId('incoming-answer').trigger('click');
    await flushPromises();
    expect(requests('answerCall')).toEqual([{ localId: 'call-1', record: true }]);
    // The choice stays for the session (not stored anywhere); main holds it too, for a notification's or a shortcut's Answer.
    expect(useRecordingStore(pinia).recordChoice).toBe(true);
    expect(requests('setRecordChoice')).toEqual([{ record: true }]);
    expect(requests('setRecordingSettings')).toEqual([]);
  });

  it('not pressed: Answer says record: false; under "all" a Recorded hint and no toggle; off: nothing', async () => {
    await ringing('ask');
    await byTestId('incoming-answer').trigger('click');
    await flushPromises();
    expect(requests('answerCall')).toEqual([{ localId: 'call-1', record: false }]);
    wrapper!.unmount();
    useCallsStore(pinia).stop();

    pinia = createPinia();
    setActivePinia(pinia);
    await ringing('all');
    expect(wrapper!.find('[data-testid="incoming-record"]').exists()).toBe(false);
    expect(byTestId('incoming-record-all').text()).toBe('Recorded');
    await byTestId('incoming-answer').trigger('click');
    await flushPromises();
    expect(requests('answerCall')).toEqual([{ localId: 'call-1' }]);
    wrapper!.unmount();
    useCallsStore(pinia).stop();

    pinia = createPinia();
    setActivePinia(pinia);
    await ringing('off');
    expect(wrapper!.find('[data-testid="incoming-record"]').exists()).toBe(false);
    expect(wrapper!.find('[data-testid="incoming-record-all"]').exists()).toBe(false);
  });

  it('the call panel says the call is being recorded, and what is kept, politely', async () => {
    await ringing('ask', call({ state: 'active', recording: { audio: true, transcript: false } }));
    const indicator = byTestId('call-recording');
    expect(indicator.attributes('role')).toBe('status');
    expect(indicator.text()).toContain('Recording');
    expect(indicator.text()).toContain('audio');
    expect(indicator.text()).not.toContain('transcript');
    expect(indicator.find('.rec-dot').exists()).toBe(true);
  });

  it('no indicator when nothing is recorded', async () => {
    await ringing('all', call({ state: 'active', recording: null }));
    expect(wrapper!.find('[data-testid="call-panel"]').exists()).toBe(true);
    expect(wrapper!.find('[data-testid="call-recording"]').exists()).toBe(false);
  });

  it("the thread's Call button: Record beside it goes with placeCall", async () => {
    fakeEngine();
    setup({
      getRecordingSettings: () => ({ settings: { ...SETTINGS, mode: 'ask' }, defaultPurpose: DEFAULT_PURPOSE, recordChoice: false }),
      openThread: () => ({ opened: true as const }),
      listThreads: () => ({ threads: [thread(1)], next: null }),
      getTimeline: pageTimeline(() => [item(1)], { open: true, expiresAt: '2099-01-01T00:00:00.000Z' }),
      getCallPermission: () => ({
        status: 'permanent',
        expiresAt: null,
        canCall: true,
        callBlockedReason: null,
        canRequest: false,
        requestBlockedReason: null,
        requestNeedsTemplate: false,
        unansweredInARow: 0,
      }),
      placeCall: (p) => call({ localId: 'c1', direction: 'outgoing', state: 'preparing', threadId: p.threadId }) as ResultOf<'placeCall'>,
    });
    wrapper = mount(ConversationsView, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
    await flushPromises();
    await useThreadsStore(pinia).select(1);
    await flushPromises();
    const toggle = byTestId('thread-call-record');
    await toggle.trigger('click');
    expect(toggle.attributes('aria-pressed')).toBe('true');
    await byTestId('thread-call').trigger('click');
    await flushPromises();
    expect(requests('placeCall')).toEqual([{ threadId: 1, record: true }]);
  });
});

// ---- the call card --------------------------------------------------------------------------

function file(state: RecordingFile['state'], over: Partial<RecordingFile> = {}): RecordingFile {
  return {
    state,
    mediaId: state === 'waiting' ? null : 'media.1',
    mimeType: 'audio/ogg',
    receivedAt: state === 'waiting' ? null : '2026-11-25T10:06:00.000Z',
    expiresAt: state === 'waiting' ? null : '2026-12-02T10:06:00.000Z',
    bytes: state === 'ready' ? 64_000 : null,
    durationMs: state === 'ready' ? 200_000 : null,
    lines: state === 'ready' ? 3 : null,
    error: null,
    errorCode: null,
    canRetry: false,
    ...over,
  };
}
function recorded(audio: RecordingFile | null, transcript: RecordingFile | null): RecordingState {
  return { requested: { audio: audio !== null, transcript: transcript !== null }, audio, transcript };
}
function callItem(id: number, recording: RecordingState | null) {
  return item(id, {
    kind: 'call',
    type: 'call',
    body: null,
    status: 'completed',
    data: { durationSeconds: 200, ...(recording ? { recording } : {}) },
  });
}

const LINES: TranscriptLine[] = [
  { index: 0, speaker: 'customer', speakerLabel: 'Speaker 1', startMs: 1_000, endMs: 4_000, text: 'Hi, is my cake ready?' },
  { index: 1, speaker: 'business', speakerLabel: 'Speaker 2', startMs: 65_000, endMs: 70_000, text: 'Yes, come at five.' },
  { index: 2, speaker: null, speakerLabel: 'SPEAKER_03', startMs: null, endMs: null, text: 'Thanks!' },
];

describe('the call card with a recording', () => {
  function mountCard(recording: RecordingState | null, handlers: FakeHandlers = {}): VueWrapper {
    setup({
      getCallRecording: () => ({ mimeType: 'audio/ogg', base64: btoa('OggS fake'), bytes: 9 }),
      getCallTranscript: () => ({ lines: LINES, language: 'en' }),
      ...handlers,
    });
    wrapper = mount(CallCard, {
      props: { item: callItem(5, recording), customerName: 'Ana Souza' },
      global: { plugins: [pinia, createAppI18n()] },
      attachTo: document.body,
    });
    return wrapper;
  }

  it('none: a call without a recording shows nothing of it', () => {
    mountCard(null);
    expect(wrapper!.find('[data-testid="call-recording-section"]').exists()).toBe(false);
  });

  it('waiting: says WhatsApp sends it after the call', () => {
    mountCard(recorded(file('waiting'), file('waiting')));
    expect(byTestId('call-recording-section').text()).toContain('audio and transcript');
    expect(byTestId('recording-waiting').text()).toBe('Recording requested — WhatsApp sends it a minute or so after the call.');
    expect(wrapper!.find('[data-testid="recording-play"]').exists()).toBe(false);
  });

  it('pending: downloading, with a spinner', () => {
    mountCard(recorded(file('pending'), null));
    expect(byTestId('recording-pending').text()).toBe('Downloading…');
    expect(byTestId('recording-pending').find('.spin').exists()).toBe(true);
    expect(wrapper!.find('[data-testid="recording-waiting"]').exists()).toBe(false);
  });

  it('failed: the reason, and Retry when WhatsApp still serves it (the item updates)', async () => {
    const failed = file('failed', { error: 'WhatsApp answered with an error (500).', errorCode: 'graph_error', canRetry: true });
    mountCard(recorded(failed, file('failed', { error: 'The link has expired.', errorCode: 'expired', canRetry: false })), {
      retryCallRecording: () => recorded(file('pending'), file('failed', { error: 'The link has expired.' })),
    });
    expect(byTestId('recording-failed-audio').text()).toContain('WhatsApp answered with an error (500).');
    expect(byTestId('recording-failed-transcript').text()).toContain('The link has expired.');
    expect(wrapper!.find('[data-testid="recording-retry-transcript"]').exists()).toBe(false);
    await byTestId('recording-retry-audio').trigger('click');
    await flushPromises();
    expect(requests('retryCallRecording')).toEqual([{ itemId: 5, part: 'audio' }]);
  });

  it('a refused retry says why', async () => {
    mountCard(recorded(file('failed', { error: 'Hash mismatch.', canRetry: true }), null), {
      retryCallRecording: () => ({ error: { code: 'expired', message: 'WhatsApp no longer has this recording (7 days).' } }),
    });
    await byTestId('recording-retry-audio').trigger('click');
    await flushPromises();
    expect(byTestId('recording-retry-error').text()).toBe('WhatsApp no longer has this recording (7 days).');
  });

  it('ready: fetched only on play; play/pause, speed 1× → 1.5× → 2× → 1×, seeking by keyboard', async () => {
    mountCard(recorded(file('ready'), null));
    await flushPromises();
    expect(requests('getCallRecording')).toEqual([]);
    const seek = byTestId('recording-seek');
    expect(seek.attributes('aria-valuetext')).toBe('0:00 of 3:20');
    expect(byTestId('recording-time').text()).toBe('0:00 / 3:20');

    // Seeking works before anything is fetched: ← → 5 s, Page Up / Down 30 s, Home, End.
    await seek.trigger('keydown', { key: 'ArrowRight' });
    expect(seek.attributes('aria-valuetext')).toBe('0:05 of 3:20');
    await seek.trigger('keydown', { key: 'PageUp' });
    await seek.trigger('keydown', { key: 'PageUp' });
    expect(seek.attributes('aria-valuetext')).toBe('1:05 of 3:20');
    await seek.trigger('keydown', { key: 'ArrowLeft' });
    expect(seek.attributes('aria-valuetext')).toBe('1:00 of 3:20');
    await seek.trigger('keydown', { key: 'End' });
    expect(seek.attributes('aria-valuetext')).toBe('3:20 of 3:20');
    await seek.trigger('keydown', { key: 'Home' });
    expect(seek.attributes('aria-valuetext')).toBe('0:00 of 3:20');
    expect(requests('getCallRecording')).toEqual([]);

    const play = byTestId('recording-play');
    expect(play.attributes('aria-label')).toBe('Play recording');
    await play.trigger('click');
    await flushPromises();
    expect(requests('getCallRecording')).toEqual([{ itemId: 5 }]);
    const audio = byTestId('recording-audio').element as HTMLAudioElement;
    expect(audio.getAttribute('src')).toBe('blob:recording-1');
    expect(play.attributes('aria-label')).toBe('Pause recording');
    await play.trigger('click');
    expect(play.attributes('aria-label')).toBe('Play recording');

    const speed = byTestId('recording-speed');
    expect(speed.text()).toBe('1×');
    for (const [text, rate] of [
      ['1.5×', 1.5],
      ['2×', 2],
      ['1×', 1],
    ] as const) {
      await speed.trigger('click');
      expect(speed.text()).toBe(text);
      expect(audio.playbackRate).toBe(rate);
    }

    // The slider moves the audio too, once it is loaded.
    await seek.trigger('keydown', { key: 'ArrowRight' });
    expect(audio.currentTime).toBe(5);
    await (seek.element as HTMLInputElement).setAttribute('value', '65000');
    (seek.element as HTMLInputElement).value = '65000';
    await seek.trigger('input');
    expect(audio.currentTime).toBe(65);
    expect(seek.attributes('aria-valuetext')).toBe('1:05 of 3:20');

    // Gone from the screen: the blob: URL is let go.
    wrapper!.unmount();
    wrapper = null;
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:recording-1');
  });

  it('transcript: collapsed, fetched when opened, speakers named, a line’s time seeks and plays', async () => {
    mountCard(recorded(file('ready'), file('ready')));
    const toggle = byTestId('transcript-toggle');
    expect(toggle.attributes('aria-expanded')).toBe('false');
    expect(toggle.text()).toBe('Transcript (3 lines)');
    expect(wrapper!.find('[data-testid="transcript"]').exists()).toBe(false);
    expect(requests('getCallTranscript')).toEqual([]);
    await toggle.trigger('click');
    await flushPromises();
    expect(toggle.attributes('aria-expanded')).toBe('true');
    expect(toggle.attributes('aria-controls')).toBe(byTestId('transcript').attributes('id'));
    expect(requests('getCallTranscript')).toEqual([{ itemId: 5 }]);
    const speakers = wrapper!.findAll('[data-testid="transcript-speaker"]').map((s) => s.text());
    expect(speakers).toEqual(['Ana Souza', 'You', 'SPEAKER_03']);
    expect(byTestId('transcript-time-1').text()).toBe('1:05');
    expect(byTestId('transcript-time-1').attributes('aria-label')).toBe('Play from 1:05');
    expect(wrapper!.find('[data-testid="transcript-time-2"]').exists()).toBe(false);

    await byTestId('transcript-time-1').trigger('click');
    await flushPromises();
    expect(requests('getCallRecording')).toEqual([{ itemId: 5 }]);
    const audio = byTestId('recording-audio').element as HTMLAudioElement;
    expect(audio.currentTime).toBe(65);
    expect(HTMLMediaElement.prototype.play).toHaveBeenCalled();
    expect(byTestId('recording-seek').attributes('aria-valuetext')).toBe('1:05 of 3:20');
    expect(byTestId('recording-play').attributes('aria-label')).toBe('Pause recording');
  });

  it('a transcript without audio: times are shown, not buttons', async () => {
    mountCard(recorded(null, file('ready')));
    await byTestId('transcript-toggle').trigger('click');
    await flushPromises();
    expect(wrapper!.find('[data-testid="recording-player"]').exists()).toBe(false);
    expect(byTestId('transcript-time-0').element.tagName).toBe('SPAN');
  });

  it('hostile transcript text stays text: markup, a right-to-left override, a 1 MB line', async () => {
    const markup = '<img src=x onerror="alert(1)"><script>alert(2)</script><b>bold</b>';
    const rlo = '\u202Egnp.exe \u2066abc';
    const huge = 'A'.repeat(1024 * 1024);
    mountCard(recorded(file('ready'), file('ready')), {
      getCallTranscript: () => ({
        lines: [
          { index: 0, speaker: null, speakerLabel: '<i>label</i>\u202E', startMs: 0, endMs: 1, text: markup },
          { index: 1, speaker: 'customer', speakerLabel: null, startMs: 2_000, endMs: 3_000, text: rlo },
          { index: 2, speaker: 'business', speakerLabel: null, startMs: 4_000, endMs: 5_000, text: huge },
        ],
        language: null,
      }),
    });
    await byTestId('transcript-toggle').trigger('click');
    await flushPromises();
    const box = byTestId('transcript');
    expect(box.find('img').exists()).toBe(false);
    expect(box.find('script').exists()).toBe(false);
    expect(box.find('b').exists()).toBe(false);
    expect(box.find('i').exists()).toBe(false);
    const texts = box.findAll('[data-testid="transcript-text"]');
    expect(texts.map((x) => x.element.textContent)).toEqual([markup, rlo, huge]);
    for (const x of texts) expect(x.attributes('dir')).toBe('auto');
    for (const s of box.findAll('[data-testid="transcript-speaker"]')) expect(s.attributes('dir')).toBe('auto');
    expect(box.findAll('[data-testid="transcript-speaker"]')[0]!.element.textContent).toBe('<i>label</i>\u202E');
    // The override is inside its own line's element: the time button after it is separate.
    const line1 = byTestId('transcript-line-1');
    expect(line1.get('[data-testid="transcript-text"]').element.childNodes).toHaveLength(1);
    expect(byTestId('transcript-time-2').text()).toBe('0:04');
    // The 1 MB line wraps inside a bounded, scrolling box (its CSS: overflow-wrap: anywhere; max-height).
    expect(texts[2]!.classes()).toContain('text');
    expect(box.classes()).toContain('box');
  });
});

// ---- search -----------------------------------------------------------------------------------

describe('a search hit in a transcript', () => {
  it('opens the thread at the call card, expands the transcript, highlights and focuses the line', async () => {
    const items = [
      item(1),
      callItem(5, recorded(file('ready'), file('ready'))),
      ...Array.from({ length: 3 }, (_, i) => item(10 + i, { body: `Later ${i}` })),
    ];
    setup({
      openThread: () => ({ opened: true as const }),
      listThreads: () => ({ threads: [thread(1)], next: null }),
      getTimeline: pageTimeline(() => items),
      getCallTranscript: () => ({ lines: LINES, language: 'en' }),
      search: () => ({
        hits: [
          { itemId: 10, threadId: 1, at: items[2]!.at, snippet: 'Later \u0001cake\u0002', line: null },
          { itemId: 5, threadId: 1, at: items[1]!.at, snippet: 'Yes, come at \u0001five\u0002.', line: 1 },
        ],
        contactIds: [],
      }),
    });
    wrapper = mount(ConversationsView, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
    await flushPromises();
    const search = useThreadsStore(pinia);
    search.setQuery('five');
    await search.runSearch('five');
    await flushPromises();

    const hit = byTestId('search-hit-5-line-1');
    expect(hit.attributes('data-kind')).toBe('transcript');
    expect(hit.find('[data-testid="search-hit-transcript"]').exists()).toBe(true);
    expect(hit.get('[data-testid="search-snippet"]').find('mark').text()).toBe('five');
    expect(byTestId('search-hit-10').attributes('data-kind')).toBe('message');
    expect(byTestId('search-hit-10').find('[data-testid="search-hit-transcript"]').exists()).toBe(false);

    await hit.trigger('click');
    await flushPromises();
    await flushPromises();
    expect(requests('getTimeline')).toContainEqual(expect.objectContaining({ threadId: 1, aroundItemId: 5 }));
    const card = byTestId('item-5');
    expect(card.get('[data-testid="transcript-toggle"]').attributes('aria-expanded')).toBe('true');
    const line = card.get('[data-testid="transcript-line-1"]');
    expect(line.attributes('data-hit')).toBe('true');
    expect(line.classes()).toContain('hit');
    expect(document.activeElement).toBe(line.element);
    expect(card.get('[data-testid="transcript-line-0"]').attributes('data-hit')).toBeUndefined();
  });
});
