/**
 * The calls store: what the call UI shows, and the link between main's call controller and the
 * renderer's media engine.
 *
 *  - `call` events (CallView) are kept by localId; `listCalls` fills the list on start and after a
 *    reconnect. Main is the only authority on state: Answer / Decline / Hang up are requests, and a
 *    refusal (`invalid_state`) is shown next to the call.
 *  - `mediaCommand` events go to the media engine, which answers each with `mediaReport`.
 *  - The caller's name, number and country come from the call's thread (`listThreads`).
 *  - An ended call stays on screen for a few seconds with its outcome, then goes away.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CallPreferences, CallView, ThreadSummary } from '../../../common/bridge-contract.ts';
import { useBridge } from '../bridge/bridge.ts';
import { isLiveCall } from '../../../common/rules/call-state.ts';
import { customerDisplayName, customerInitials, customerName } from '../../../common/rules/customer.ts';
import { errorText } from '../format/error-text.ts';
import { formatPhone, phoneCountry } from '../format/phone.ts';
import { MediaEngine, type MediaEngineState, type MediaReportParams } from '../media/media-engine.ts';
import { useRecordingStore } from './recording.store.ts';
import type { RingtoneName } from '../../../common/rules/ringtone.ts';

/** The part of the media engine the store uses (tests stand a fake one in; the optional part they may leave out). */
export type CallMediaEngine = Pick<
  MediaEngine,
  'handle' | 'state' | 'onChange' | 'setMuted' | 'sendDtmf' | 'setInputDevice' | 'setOutputDevice' | 'refreshDevices' | 'dispose'
> &
  Partial<Pick<MediaEngine, 'notifyWaiting' | 'setRingDevice' | 'silence' | 'setRingtone' | 'previewRingtone'>>;

/** TURN (and an optional STUN) server from this computer's call preferences, read by the engine for every new call. */
let iceServers: RTCIceServer[] = [];
export function setIceServers(
  servers: ReadonlyArray<{ urls: string; username: string | null; credential: string | null }>,
  stun: string | null = null,
): void {
  iceServers = [
    ...(stun ? [{ urls: stun }] : []),
    ...servers.map((t) => ({
      urls: t.urls,
      ...(t.username ? { username: t.username } : {}),
      ...(t.credential ? { credential: t.credential } : {}),
    })),
  ];
}

const realEngine = (report: (r: MediaReportParams) => unknown): CallMediaEngine =>
  new MediaEngine({ report, iceServers: () => iceServers });
let engineFactory: (report: (r: MediaReportParams) => unknown) => CallMediaEngine = realEngine;

/** Tests: replace how the store makes its media engine (`null` restores the real one). */
export function setMediaEngineFactory(f: typeof engineFactory | null): void {
  engineFactory = f ?? realEngine;
}

export interface CallerInfo {
  /** The person's name (the owner's name for them, else their profile name). */
  name: string | null;
  /** What to call them: the name, else the number, @username or BSUID (common/rules/customer.ts). */
  title: string | null;
  /** The avatar's letters ("" when the caller is unknown). */
  initials: string;
  /** wa_id (international digits) when known. */
  number: string | null;
  /** ISO country code. */
  country: string | null;
}

const UNKNOWN_CALLER: CallerInfo = { name: null, title: null, initials: '', number: null, country: null };

/** How long an ended call stays on screen. */
export const ENDED_LINGER_MS = 6000;
/** Ended calls are forgotten after this long (main's call controller does the same). */
export const PRUNE_MS = 10 * 60_000;

const EMPTY_MEDIA: MediaEngineState = {
  calls: {},
  ringing: false,
  ringingIds: [],
  silencedIds: [],
  inputs: [],
  outputs: [],
  inputDeviceId: '',
  outputDeviceId: '',
  ringDeviceId: '',
};

type CommandKind = 'answer' | 'decline' | 'hangup';
const REQUEST = { answer: 'answerCall', decline: 'declineCall', hangup: 'hangUpCall' } as const;

export const useCallsStore = defineStore('calls', () => {
  const calls = ref<Record<string, CallView>>({});
  const media = shallowRef<MediaEngineState>(EMPTY_MEDIA);
  const callers = ref<Record<number, CallerInfo>>({});
  /** A refused or failed command, per call, in plain words. */
  const errors = ref<Record<string, string>>({});
  const pending = ref<Record<string, CommandKind>>({});
  /** When this window first saw each call active (for the timer) and ended (for the linger). */
  const activeSince = ref<Record<string, number>>({});
  const endedAt = ref<Record<string, number>>({});
  const dismissed = ref<Record<string, true>>({});
  const preferences = shallowRef<CallPreferences | null>(null);
  const now = ref(Date.now());

  let engine: CallMediaEngine | null = null;
  let stops: Array<() => void> = [];
  let ticker: ReturnType<typeof setInterval> | null = null;
  let started = false;

  const sorted = computed(() => Object.values(calls.value).sort((a, b) => a.startedAt.localeCompare(b.startedAt)));
  const live = computed(() => sorted.value.filter((c) => c.state !== 'ended'));

  /** The call the panel is about: one already taken or being placed, else the first ringing one. */
  const current = computed<CallView | null>(() => live.value.find((c) => c.state !== 'ringing') ?? live.value[0] ?? null);

  /** Other customers calling while `current` is live: shown as waiting, never ringing. */
  const waiting = computed(() => live.value.filter((c) => c !== current.value && c.state === 'ringing'));

  /** The last call that ended, while it lingers on screen (only when no call is live). */
  const recentEnded = computed<CallView | null>(() => {
    if (current.value) return null;
    const ended = sorted.value.filter(
      (c) => c.state === 'ended' && !dismissed.value[c.localId] && now.value - (endedAt.value[c.localId] ?? 0) < ENDED_LINGER_MS,
    );
    return ended[ended.length - 1] ?? null;
  });

  const visible = computed(() => current.value !== null || recentEnded.value !== null);

  function mediaOf(localId: string) {
    return media.value.calls[localId] ?? null;
  }

  function callerOf(call: CallView | null): CallerInfo {
    if (!call || call.threadId === null) return UNKNOWN_CALLER;
    return callers.value[call.threadId] ?? UNKNOWN_CALLER;
  }

  /** Seconds left in the answer window (null when there is none). */
  function secondsLeft(call: CallView): number | null {
    if (!call.answerDeadline) return null;
    return Math.max(0, Math.ceil((Date.parse(call.answerDeadline) - now.value) / 1000));
  }

  /** Seconds since the call became active (null before); an ended call's stop when it ended. */
  function elapsed(call: CallView): number | null {
    const since = activeSince.value[call.localId];
    const until = (call.state === 'ended' && endedAt.value[call.localId]) || now.value;
    return since === undefined ? null : Math.max(0, Math.floor((until - since) / 1000));
  }

  /**
   * Calls that ended more than PRUNE_MS ago are forgotten here too, as main forgets them (their
   * record stays in the thread): a softphone open for weeks keeps a bounded list.
   */
  function prune(): void {
    const cutoff = Date.now() - PRUNE_MS;
    const old = Object.keys(calls.value).filter((id) => calls.value[id]!.state === 'ended' && (endedAt.value[id] ?? 0) < cutoff);
    if (old.length === 0) return;
    const without = <T>(r: Record<string, T>): Record<string, T> =>
      Object.fromEntries(Object.entries(r).filter(([id]) => !old.includes(id)));
    calls.value = without(calls.value);
    activeSince.value = without(activeSince.value);
    endedAt.value = without(endedAt.value);
    dismissed.value = without(dismissed.value);
    errors.value = without(errors.value);
    pending.value = without(pending.value);
  }

  function upsert(view: CallView, fromSnapshot = false): void {
    prune();
    const before = calls.value[view.localId];
    // A new call ringing while the owner talks: main does not ring it; a discreet chime says it waits.
    const busy = Object.values(calls.value).some((c) => c.localId !== view.localId && c.state !== 'ringing' && c.state !== 'ended');
    if (!before && !fromSnapshot && view.state === 'ringing' && busy) engine?.notifyWaiting?.();
    calls.value = { ...calls.value, [view.localId]: view };
    if (view.state === 'active' && activeSince.value[view.localId] === undefined)
      activeSince.value = { ...activeSince.value, [view.localId]: Date.now() };
    if (view.state === 'ended' && before?.state !== 'ended') {
      endedAt.value = { ...endedAt.value, [view.localId]: fromSnapshot ? 0 : Date.now() };
    }
    if (view.threadId !== null && !callers.value[view.threadId]) void loadCallers();
    tick();
  }

  let loadingCallers: Promise<void> | null = null;
  async function loadCallers(): Promise<void> {
    if (loadingCallers) return loadingCallers;
    loadingCallers = (async () => {
      try {
        const { threads } = await useBridge().request('listThreads', { filter: 'all', after: null, limit: 200 });
        const next = { ...callers.value };
        for (const t of threads) next[t.id] = callerFromThread(t);
        callers.value = next;
      } catch {
        // The number stays unknown; the card says "Unknown caller".
      } finally {
        loadingCallers = null;
      }
    })();
    return loadingCallers;
  }

  /** Keeps `now` moving (countdown, timer, linger) while anything call-related is on screen. */
  function tick(): void {
    now.value = Date.now();
    const needed = live.value.length > 0 || recentEnded.value !== null;
    if (needed && !ticker) ticker = setInterval(tick, 250);
    else if (!needed && ticker) {
      clearInterval(ticker);
      ticker = null;
    }
  }

  async function refresh(): Promise<void> {
    try {
      const { calls: list } = await useBridge().request('listCalls', {});
      for (const c of list) upsert(c, true);
    } catch {
      // Calls arrive as events anyway.
    }
  }

  function applyPreferences(p: CallPreferences): void {
    setIceServers(p.turnServers, p.stunServer ?? null);
    if (!engine) return;
    void engine.setRingDevice?.(p.ringDeviceId ?? '').catch(() => undefined);
    engine.setRingtone?.(p.ringtone, p.ringVolume);
    // The microphone and speaker chosen before (in a call or in Settings); an unplugged one falls back to the default.
    const m = engine.state();
    if ((p.inputDeviceId ?? '') !== m.inputDeviceId) void engine.setInputDevice(p.inputDeviceId ?? '').catch(() => undefined);
    if ((p.outputDeviceId ?? '') !== m.outputDeviceId) void engine.setOutputDevice(p.outputDeviceId ?? '').catch(() => undefined);
  }

  /** This computer's call preferences: TURN servers for new calls, the ringtone and where it plays, the call devices. */
  async function loadPreferences(): Promise<CallPreferences> {
    const p = await useBridge().request('getCallPreferences', {});
    preferences.value = p;
    applyPreferences(p);
    return p;
  }

  /** Saves a change to this computer's call preferences (main validates it) and applies the result. */
  async function savePreferences(patch: Partial<CallPreferences>): Promise<CallPreferences> {
    const p = await useBridge().request('setCallPreferences', patch);
    preferences.value = p;
    applyPreferences(p);
    return p;
  }

  async function start(): Promise<void> {
    if (started) return;
    started = true;
    const bridge = useBridge();
    engine = engineFactory((r) => bridge.request('mediaReport', r).catch(() => undefined));
    stops.push(
      engine.onChange((s) => {
        media.value = s;
      }),
      bridge.on('call', (view) => upsert(view)),
      bridge.on('mediaCommand', (cmd) => void engine?.handle(cmd)),
      bridge.on('threadsChanged', (e) => {
        // A call's thread may be created just after the call event: fill in the caller then.
        if (live.value.some((c) => c.threadId !== null && e.threadIds.includes(c.threadId) && !callers.value[c.threadId]))
          void loadCallers();
      }),
      bridge.onConnectionChange((c) => {
        if (c.state !== 'open') return;
        void refresh();
        void loadPreferences().catch(() => undefined);
      }),
    );
    media.value = engine.state();
    if (bridge.connection.state === 'open') {
      void loadPreferences().catch(() => undefined);
      await refresh();
    }
  }

  function stop(): void {
    for (const s of stops) s();
    stops = [];
    engine?.dispose();
    engine = null;
    if (ticker) clearInterval(ticker);
    ticker = null;
    started = false;
  }

  /** `record` (answer only): under "ask me per call", whether WhatsApp records this call (stores/recording.store.ts). */
  async function command(kind: CommandKind, localId: string, extra: { record?: boolean } = {}): Promise<void> {
    if (pending.value[localId]) return; // a double click sends nothing more
    pending.value = { ...pending.value, [localId]: kind };
    const { [localId]: _dropped, ...rest } = errors.value;
    errors.value = rest;
    try {
      upsert(await useBridge().request(REQUEST[kind], kind === 'answer' ? { localId, ...extra } : { localId }));
    } catch (err) {
      const text = errorText(err);
      errors.value = { ...errors.value, [localId]: text };
    } finally {
      const { [localId]: _done, ...others } = pending.value;
      pending.value = others;
    }
  }

  /** Why the last `placeCall` was refused (no permission, limit reached…), in plain words. */
  const dialError = ref<string | null>(null);

  /**
   * Calls the customer of a thread (for the thread's Call button); null when main refused, see `dialError`.
   * `record`: under "ask me per call", whether WhatsApp records this call (default: the session's Record choice).
   */
  async function placeCall(threadId: number, extra: { record?: boolean } = useRecordingStore().recordParam()): Promise<CallView | null> {
    dialError.value = null;
    try {
      const view = await useBridge().request('placeCall', { threadId, ...extra });
      upsert(view);
      return view;
    } catch (err) {
      dialError.value = errorText(err);
      return null;
    }
  }

  // Without an explicit choice (End & answer, Call back, the dial pad, the call-back list), the
  // session's Record choice applies under "ask me per call", as it does on the card that shows it.
  const answer = (localId: string, extra: { record?: boolean } = useRecordingStore().recordParam()) => command('answer', localId, extra);
  const decline = (localId: string) => command('decline', localId);
  const hangUp = (localId: string) => command('hangup', localId);

  /** A waiting call: hang up the live one, then answer this one. */
  async function endAndAnswer(localId: string): Promise<void> {
    const live = current.value;
    if (live && live.localId !== localId && isLiveCall(live.state)) {
      await command('hangup', live.localId);
      if (errors.value[live.localId]) return;
    }
    await command('answer', localId);
  }

  function toggleMute(localId: string): void {
    engine?.setMuted(localId, !(mediaOf(localId)?.muted ?? false));
  }

  function sendDigits(localId: string, digits: string): boolean {
    return engine?.sendDtmf(localId, digits) ?? false;
  }

  /** Keeps a device choice in this computer's preferences: null when saved (or unchanged), else why not, in plain words. */
  async function rememberDevice(field: 'inputDeviceId' | 'outputDeviceId', deviceId: string): Promise<string | null> {
    if ((preferences.value?.[field] ?? '') === deviceId) return null;
    try {
      await savePreferences({ [field]: deviceId || null });
      return null;
    } catch (err) {
      return errorText(err);
    }
  }

  /**
   * Switches the microphone (in a call at once) and remembers it on this computer for the next
   * calls. Throws when the device cannot be used; resolves to why it was not remembered, or null.
   */
  async function setInputDevice(deviceId: string): Promise<string | null> {
    await engine?.setInputDevice(deviceId);
    return rememberDevice('inputDeviceId', deviceId);
  }
  /** Switches the speaker for the customer's voice and remembers it, as the microphone. */
  async function setOutputDevice(deviceId: string): Promise<string | null> {
    await engine?.setOutputDevice(deviceId);
    return rememberDevice('outputDeviceId', deviceId);
  }

  /** Silence: no more ringtone here for this call; it keeps ringing on WhatsApp until answered, declined or its timeout. */
  function silence(localId: string): void {
    engine?.silence?.(localId);
  }
  const isSilenced = (localId: string): boolean => media.value.silencedIds.includes(localId);
  /** Main asked this call to ring here (not under do-not-disturb, not a call waiting behind a live one). */
  const ringsHere = (localId: string): boolean => media.value.ringingIds.includes(localId);

  /** Settings' Play: one cadence of a ringtone on the ring device. */
  async function previewRingtone(tone: RingtoneName, volume: number): Promise<void> {
    await engine?.previewRingtone?.(tone, volume);
  }
  async function refreshDevices(): Promise<void> {
    await engine?.refreshDevices();
  }

  function dismiss(localId: string): void {
    dismissed.value = { ...dismissed.value, [localId]: true };
    tick();
  }

  return {
    calls,
    media,
    callers,
    errors,
    pending,
    dialError,
    now,
    current,
    waiting,
    recentEnded,
    visible,
    mediaOf,
    callerOf,
    secondsLeft,
    elapsed,
    start,
    stop,
    refresh,
    placeCall,
    endAndAnswer,
    answer,
    decline,
    hangUp,
    toggleMute,
    preferences,
    loadPreferences,
    savePreferences,
    sendDigits,
    setInputDevice,
    setOutputDevice,
    refreshDevices,
    silence,
    isSilenced,
    ringsHere,
    previewRingtone,
    dismiss,
  };
});

function callerFromThread(t: ThreadSummary): CallerInfo {
  const c = t.contact;
  return {
    name: customerName(c),
    title: customerDisplayName(c, formatPhone),
    initials: customerInitials(c),
    number: c.waId,
    country: c.country ?? (c.waId ? phoneCountry(c.waId) : null),
  };
}
