/**
 * The media engine: the renderer's half of a WhatsApp call. Plain TypeScript (no Vue); the calls
 * store feeds it main's `mediaCommand`s and sends its reports back with `mediaReport`.
 *
 * One RTCPeerConnection per call, and exactly ONE audio transceiver for the whole call (Meta allows
 * one m=audio and one SSRC — calling-api.md §6.2). Rules it keeps:
 *  - prepareAnswer: the microphone is opened BEFORE the answer is made (Chromium then puts real host
 *    addresses in the candidates instead of mDNS names), but it is not sent: the sender's track stays
 *    null until `attachMicrophone` (a caller's phone treats the first media packet as "answered").
 *  - ICE is gathered in full before any SDP leaves (bounded by `gatherTimeoutMs`; what was gathered
 *    by then is sent). There is no trickle and never any renegotiation: mute is `track.enabled`,
 *    switching microphones is `replaceTrack`, switching speakers is `setSinkId`.
 *  - Only Opus/48000 and telephone-event/8000 are offered (setCodecPreferences); DTMF is RFC 4733
 *    through `RTCDTMFSender`. An answer's stray `a=setup:actpass` is read as `active`.
 *  - A watchdog reports the call lost (`{type:'lost'}`) when ICE fails or, once the call is up, no
 *    audio packet arrived for longer than WhatsApp's own limits (`noAudioAtStartMs`, `noAudioMidCallMs`);
 *    shorter silences show as `silentForMs` ("Reconnecting…"). Stats every second give RTT, jitter, loss and an
 *    estimated MOS with a hysteresis warning (media-stats.ts).
 */
import type { MediaCommand, ParamsOf } from '../../../common/bridge-contract.ts';
import { sampleCall, type CallStats } from './media-stats.ts';
import { QualityMonitor, type QualityLevel } from './quality.ts';
import { Ringtone } from './ringtone.ts';
import { Ringing, type RingtonePort } from './ringing.ts';
import type { RingtoneName } from '../../../common/rules/ringtone.ts';
import { fixAnswerSetup, isWantedCodec } from './sdp.ts';
import { errorText } from '../format/error-text.ts';

export type MediaReportParams = ParamsOf<'mediaReport'>;

export type { CallStats } from './media-stats.ts';
export type { RingtonePort } from './ringing.ts';

/** What the UI can show about one call's media. */
export interface CallMediaState {
  localId: string;
  ice: RTCIceConnectionState;
  connection: RTCPeerConnectionState;
  /** The microphone is being sent (after accept succeeded / the callee answered). */
  micAttached: boolean;
  muted: boolean;
  /** `Date.now()` when the first audio packet from the customer arrived. */
  firstAudioAt: number | null;
  stats: CallStats | null;
  quality: QualityLevel | null;
  qualityWarning: boolean;
  /** Set once the engine reported the call lost (plain words). */
  lost: string | null;
  /** While the call is up: how long no audio has arrived (ms), once that is past a blip; else null ("Reconnecting…"). */
  silentForMs: number | null;
}

export interface AudioDevice {
  deviceId: string;
  label: string;
}

export interface MediaEngineState {
  calls: Record<string, CallMediaState>;
  ringing: boolean;
  /** The calls main asked to ring, and those the owner silenced here (ringing.ts). */
  ringingIds: string[];
  silencedIds: string[];
  inputs: AudioDevice[];
  outputs: AudioDevice[];
  inputDeviceId: string;
  outputDeviceId: string;
  ringDeviceId: string;
}

export interface MediaEngineOptions {
  /** Where reports go (the store sends them over the bridge as `mediaReport`). */
  report: (r: MediaReportParams) => unknown;
  /** STUN/TURN servers (a TURN server helps where UDP to Meta is blocked); a function is read per call. */
  iceServers?: RTCIceServer[] | (() => RTCIceServer[]);
  /** Cap on ICE gathering before the SDP is sent anyway (default 3000 ms). */
  gatherTimeoutMs?: number;
  /** A command that takes longer fails (main gives up at 15 s; default 12 000 ms). */
  commandTimeoutMs?: number;
  /**
   * No inbound audio for this long → lost. WhatsApp ends a call itself after 20 s without media at
   * the start and 30 s later on, and its own leg reconnects by itself, so Switchboard waits longer
   * than that (defaults 22 000 ms before the first packet, 32 000 ms after) — it never hangs up first.
   */
  noAudioAtStartMs?: number;
  noAudioMidCallMs?: number;
  /** Silence longer than this shows as "Reconnecting…" with the seconds (default 3000 ms). */
  silenceShownAfterMs?: number;
  statsIntervalMs?: number;
  /** Echo cancellation, noise suppression and gain control on the microphone (default on). */
  audioProcessing?: boolean;
  mediaDevices?: MediaDevices;
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
  createAudioElement?: () => HTMLAudioElement;
  ringtone?: RingtonePort;
  now?: () => number;
}

type SinkAudioElement = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

interface Session {
  localId: string;
  pc: RTCPeerConnection;
  transceiver: RTCRtpTransceiver | null;
  mic: MediaStream | null;
  micAttached: boolean;
  muted: boolean;
  remote: SinkAudioElement | null;
  statsTimer: ReturnType<typeof setInterval> | null;
  quality: QualityMonitor;
  last: { received: number; lost: number };
  lastPacketAt: number;
  attachedAt: number | null;
  firstAudioAt: number | null;
  stats: CallStats | null;
  lost: string | null;
  closed: boolean;
  silentForMs: number | null;
}

const DEFAULTS = {
  gatherTimeoutMs: 3000,
  commandTimeoutMs: 12_000,
  noAudioAtStartMs: 22_000,
  noAudioMidCallMs: 32_000,
  silenceShownAfterMs: 3000,
  statsIntervalMs: 1000,
  audioProcessing: true,
};

function message(err: unknown): string {
  if (err instanceof DOMException && (err.name === 'NotAllowedError' || err.name === 'SecurityError'))
    return 'microphone access was refused';
  if (err instanceof DOMException && err.name === 'NotFoundError') return 'no microphone was found';
  if (err instanceof DOMException && err.name === 'NotReadableError') return 'the microphone is in use by another app or not working';
  return errorText(err);
}

export class MediaEngine {
  private readonly o: MediaEngineOptions & typeof DEFAULTS;
  private readonly sessions = new Map<string, Session>();
  private readonly rings: Ringing;
  private readonly listeners = new Set<(s: MediaEngineState) => void>();
  private readonly ringtone: RingtonePort;
  private inputs: AudioDevice[] = [];
  private outputs: AudioDevice[] = [];
  private inputDeviceId = '';
  private outputDeviceId = '';
  private ringDeviceId = '';
  private readonly onDeviceChange = () => void this.refreshDevices();

  constructor(opts: MediaEngineOptions) {
    this.o = { ...DEFAULTS, ...opts };
    this.ringtone = opts.ringtone ?? new Ringtone();
    this.rings = new Ringing(this.ringtone);
    this.devices()?.addEventListener?.('devicechange', this.onDeviceChange);
  }

  // ---- state for the UI ------------------------------------------------------------------

  state(): MediaEngineState {
    const calls: Record<string, CallMediaState> = {};
    for (const s of this.sessions.values()) calls[s.localId] = this.callState(s);
    return {
      calls,
      ringing: this.rings.any,
      ringingIds: this.rings.ringingIds,
      silencedIds: this.rings.silencedIds,
      inputs: this.inputs,
      outputs: this.outputs,
      inputDeviceId: this.inputDeviceId,
      outputDeviceId: this.outputDeviceId,
      ringDeviceId: this.ringDeviceId,
    };
  }

  onChange(listener: (s: MediaEngineState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    const s = this.state();
    for (const l of this.listeners) l(s);
  }

  private callState(s: Session): CallMediaState {
    return {
      localId: s.localId,
      ice: s.pc.iceConnectionState,
      connection: s.pc.connectionState,
      micAttached: s.micAttached,
      muted: s.muted,
      firstAudioAt: s.firstAudioAt,
      stats: s.stats,
      quality: s.quality.level,
      qualityWarning: s.quality.warning,
      lost: s.lost,
      silentForMs: s.silentForMs,
    };
  }

  // ---- commands from main ----------------------------------------------------------------

  /** Carries out one `mediaCommand`; every command but ring/close is answered with a report. */
  async handle(cmd: MediaCommand): Promise<void> {
    if (cmd.command === 'ring') {
      this.ring(cmd.localId, cmd.on);
      return;
    }
    if (cmd.command === 'close') {
      this.close(cmd.localId);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | null = null;
    try {
      const work = (async (): Promise<string | undefined> => {
        switch (cmd.command) {
          case 'prepareAnswer':
            return this.prepareAnswer(cmd.localId, cmd.offerSdp);
          case 'prepareOffer':
            return this.prepareOffer(cmd.localId);
          case 'applyAnswer':
            await this.applyAnswer(cmd.localId, cmd.sdp);
            return undefined;
          case 'attachMicrophone':
            await this.attachMicrophone(cmd.localId);
            return undefined;
        }
      })();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('setting up the audio took too long')), this.o.commandTimeoutMs);
      });
      const sdp = await Promise.race([work, timeout]);
      await this.o.report(sdp ? { type: 'done', requestId: cmd.requestId, sdp } : { type: 'done', requestId: cmd.requestId });
    } catch (err) {
      await this.o.report({ type: 'failed', requestId: cmd.requestId, message: message(err).slice(0, 500) });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private devices(): MediaDevices | undefined {
    return this.o.mediaDevices ?? globalThis.navigator?.mediaDevices;
  }

  private async openMicrophone(): Promise<MediaStream> {
    const md = this.devices();
    if (!md?.getUserMedia) throw new Error('this window cannot use a microphone');
    const processing = this.o.audioProcessing;
    const base: MediaTrackConstraints = {
      echoCancellation: processing,
      noiseSuppression: processing,
      autoGainControl: processing,
      channelCount: 1,
    };
    if (this.inputDeviceId) {
      try {
        return await md.getUserMedia({ audio: { ...base, deviceId: { exact: this.inputDeviceId } } });
      } catch {
        // The chosen microphone is gone (unplugged): fall back to the system default.
      }
    }
    const stream = await md.getUserMedia({ audio: base });
    void this.refreshDevices(); // labels appear once permission was given
    return stream;
  }

  /** Opens the mic for a session; if the call was closed meanwhile, releases it at once. */
  private async openSessionMicrophone(s: Session): Promise<void> {
    const mic = await this.openMicrophone();
    if (s.closed) {
      for (const t of mic.getTracks()) t.stop();
      throw new Error('closed');
    }
    s.mic = mic;
  }

  private newSession(localId: string): Session {
    this.closeSession(localId);
    const iceServers = typeof this.o.iceServers === 'function' ? this.o.iceServers() : (this.o.iceServers ?? []);
    const config: RTCConfiguration = { iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
    const pc = this.o.createPeerConnection ? this.o.createPeerConnection(config) : new RTCPeerConnection(config);
    const now = this.now();
    const s: Session = {
      localId,
      pc,
      transceiver: null,
      mic: null,
      micAttached: false,
      muted: false,
      remote: null,
      statsTimer: null,
      quality: new QualityMonitor(),
      last: { received: 0, lost: 0 },
      lastPacketAt: now,
      attachedAt: null,
      firstAudioAt: null,
      stats: null,
      lost: null,
      closed: false,
      silentForMs: null,
    };
    this.sessions.set(localId, s);
    pc.addEventListener('track', (e) => this.playRemote(s, e.track));
    pc.addEventListener('iceconnectionstatechange', () => {
      if (pc.iceConnectionState === 'failed') this.lose(s, 'The network connection to WhatsApp failed (no route for the call’s audio).');
      this.changed();
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed') this.lose(s, 'The secure audio connection to WhatsApp failed.');
      this.changed();
    });
    s.statsTimer = setInterval(() => void this.sample(s), this.o.statsIntervalMs);
    return s;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  /** Restrict the transceiver to Opus/48000 + telephone-event/8000 where the browser allows it. */
  private preferCodecs(t: RTCRtpTransceiver): void {
    const caps = globalThis.RTCRtpReceiver?.getCapabilities?.('audio');
    if (!caps || typeof t.setCodecPreferences !== 'function') return;
    const wanted = caps.codecs.filter(isWantedCodec);
    if (wanted.some((c) => c.mimeType.toLowerCase() === 'audio/opus')) t.setCodecPreferences(wanted);
  }

  private async gathered(pc: RTCPeerConnection): Promise<string> {
    if (pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          pc.removeEventListener('icegatheringstatechange', check);
          resolve();
        };
        const check = () => {
          if (pc.iceGatheringState === 'complete') done();
        };
        const timer = setTimeout(done, this.o.gatherTimeoutMs);
        pc.addEventListener('icegatheringstatechange', check);
      });
    }
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error('no local description was made');
    return sdp;
  }

  async prepareAnswer(localId: string, offerSdp: string): Promise<string> {
    const existing = this.sessions.get(localId);
    if (existing?.pc.localDescription?.type === 'answer') return existing.pc.localDescription.sdp; // a repeated command
    const s = this.newSession(localId);
    try {
      await this.openSessionMicrophone(s);
      await s.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp }).catch((err: unknown) => {
        throw new Error(`the caller’s call offer could not be used (${message(err)})`);
      });
      const audio = s.pc.getTransceivers().filter((t) => t.receiver.track.kind === 'audio');
      if (audio.length !== 1) throw new Error(`the offer has ${audio.length} audio streams (WhatsApp sends exactly one)`);
      const t = audio[0]!;
      s.transceiver = t;
      t.direction = 'sendrecv';
      // Nothing is sent before accept: the microphone is open but not on the sender yet.
      await t.sender.replaceTrack(null);
      if (s.mic) t.sender.setStreams?.(s.mic);
      this.preferCodecs(t);
      await s.pc.setLocalDescription(await s.pc.createAnswer());
      const sdp = await this.gathered(s.pc);
      if (s.closed) throw new Error('closed');
      this.changed();
      return sdp;
    } catch (err) {
      const endedMeanwhile = s.closed;
      if (this.sessions.get(localId) === s) this.closeSession(localId);
      throw endedMeanwhile ? new Error('the call ended before its audio was ready') : err;
    }
  }

  async prepareOffer(localId: string): Promise<string> {
    const s = this.newSession(localId);
    try {
      await this.openSessionMicrophone(s);
      const t = s.pc.addTransceiver('audio', { direction: 'sendrecv', streams: s.mic ? [s.mic] : [] });
      s.transceiver = t;
      this.preferCodecs(t);
      await s.pc.setLocalDescription(await s.pc.createOffer());
      const sdp = await this.gathered(s.pc);
      if (s.closed) throw new Error('closed');
      this.changed();
      return sdp;
    } catch (err) {
      const endedMeanwhile = s.closed;
      if (this.sessions.get(localId) === s) this.closeSession(localId);
      throw endedMeanwhile ? new Error('the call ended before its audio was ready') : err;
    }
  }

  async applyAnswer(localId: string, sdp: string): Promise<void> {
    const s = this.session(localId);
    if (s.pc.signalingState === 'stable' && s.pc.remoteDescription) return; // a late duplicate
    await s.pc.setRemoteDescription({ type: 'answer', sdp: fixAnswerSetup(sdp) }).catch((err: unknown) => {
      throw new Error(`the customer’s answer could not be used (${message(err)})`);
    });
    this.changed();
  }

  async attachMicrophone(localId: string): Promise<void> {
    const s = this.session(localId);
    if (!s.transceiver) throw new Error('the call has no audio stream yet');
    const track = s.mic?.getAudioTracks()[0];
    if (!track || track.readyState === 'ended') {
      s.mic = await this.openMicrophone();
    }
    const mic = s.mic!.getAudioTracks()[0]!;
    mic.enabled = !s.muted;
    await s.transceiver.sender.replaceTrack(mic);
    this.watchTrack(s, mic);
    s.micAttached = true;
    s.attachedAt = this.now();
    s.lastPacketAt = s.attachedAt;
    this.changed();
  }

  private session(localId: string): Session {
    const s = this.sessions.get(localId);
    if (!s) throw new Error('this call has no audio session (was the window reloaded?)');
    return s;
  }

  /** Ends the call's media: ringtone off, microphone released, connection closed. */
  close(localId: string): void {
    this.ring(localId, false);
    this.closeSession(localId);
  }

  private closeSession(localId: string): void {
    const s = this.sessions.get(localId);
    if (!s) return;
    s.closed = true;
    this.sessions.delete(localId);
    if (s.statsTimer) clearInterval(s.statsTimer);
    for (const t of s.mic?.getTracks() ?? []) t.stop();
    if (s.remote) {
      s.remote.pause();
      s.remote.srcObject = null;
    }
    s.pc.close();
    this.changed();
  }

  ring(localId: string, on: boolean): void {
    if (this.rings.set(localId, on)) this.changed();
  }

  /** Silence (ringing.ts): the ringtone stops here; the call keeps ringing on WhatsApp. Nothing is sent. */
  silence(localId: string): void {
    if (this.rings.silence(localId)) this.changed();
  }

  /** Which generated ringtone rings, and how loud (percent). */
  setRingtone(tone: RingtoneName, volume: number): void {
    this.ringtone.configure?.(tone, volume);
  }

  /** Settings' Play: one cadence on the ring device; resolves when it has played. */
  async previewRingtone(tone: RingtoneName, volume: number): Promise<void> {
    await this.ringtone.preview?.(tone, volume);
  }

  // ---- during the call -------------------------------------------------------------------

  /** Mute: the track is disabled, so packets (of silence) keep flowing and Meta's media timers stay happy. */
  setMuted(localId: string, muted: boolean): void {
    const s = this.sessions.get(localId);
    if (!s) return;
    s.muted = muted;
    for (const t of s.mic?.getAudioTracks() ?? []) t.enabled = !muted;
    this.changed();
  }

  /** RFC 4733 digits (0-9 * #) on the call's one audio stream; false when they cannot be sent now. */
  sendDtmf(localId: string, digits: string): boolean {
    const dtmf = this.sessions.get(localId)?.transceiver?.sender.dtmf;
    if (!dtmf || !dtmf.canInsertDTMF) return false;
    dtmf.insertDTMF(dtmf.toneBuffer + digits, 100, 70);
    return true;
  }

  /** Switches the microphone for every call (replaceTrack: no renegotiation). */
  async setInputDevice(deviceId: string): Promise<void> {
    this.inputDeviceId = deviceId;
    for (const s of this.sessions.values()) {
      if (!s.mic) continue;
      const next = await this.openMicrophone();
      const track = next.getAudioTracks()[0];
      if (!track) continue;
      track.enabled = !s.muted;
      if (s.micAttached && s.transceiver) {
        await s.transceiver.sender.replaceTrack(track);
        this.watchTrack(s, track);
      }
      for (const t of s.mic.getTracks()) t.stop();
      s.mic = next;
    }
    this.changed();
  }

  /** Where the customer's voice plays (setSinkId on the call's audio element). */
  async setOutputDevice(deviceId: string): Promise<void> {
    this.outputDeviceId = deviceId;
    for (const s of this.sessions.values()) await s.remote?.setSinkId?.(deviceId);
    this.changed();
  }

  /** A second call is waiting while the owner talks: one discreet chime, no ringing. */
  notifyWaiting(): void {
    this.ringtone.chime?.();
  }

  /** Where the ringtone plays (separately from the call's audio). */
  async setRingDevice(deviceId: string): Promise<void> {
    this.ringDeviceId = deviceId;
    await this.ringtone.setSinkId(deviceId);
    this.changed();
  }

  async refreshDevices(): Promise<void> {
    const md = this.devices();
    if (!md?.enumerateDevices) return;
    const all = await md.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
    const pick = (kind: MediaDeviceKind) =>
      all
        .filter((d) => d.kind === kind && d.deviceId && d.deviceId !== 'communications')
        .map((d) => ({ deviceId: d.deviceId === 'default' ? '' : d.deviceId, label: d.label }));
    this.inputs = pick('audioinput');
    this.outputs = pick('audiooutput');
    this.changed();
  }

  dispose(): void {
    for (const id of [...this.sessions.keys()]) this.close(id);
    this.rings.clear();
    this.devices()?.removeEventListener?.('devicechange', this.onDeviceChange);
    this.listeners.clear();
  }

  // ---- internals -------------------------------------------------------------------------

  private playRemote(s: Session, track: MediaStreamTrack): void {
    if (track.kind !== 'audio' || s.remote) return;
    const el = (this.o.createAudioElement?.() ?? new Audio()) as SinkAudioElement;
    el.autoplay = true;
    el.srcObject = new MediaStream([track]);
    if (this.outputDeviceId) void el.setSinkId?.(this.outputDeviceId).catch(() => undefined);
    void el.play().catch(() => undefined);
    s.remote = el;
    track.addEventListener('unmute', () => {
      if (s.firstAudioAt === null) {
        this.firstAudio(s);
        this.changed();
      }
    });
  }

  private watchTrack(s: Session, track: MediaStreamTrack): void {
    track.addEventListener('ended', () => {
      if (!this.sessions.has(s.localId) || s.mic?.getAudioTracks()[0] !== track) return;
      // The microphone went away (unplugged): carry on with the default one.
      this.inputDeviceId = '';
      void this.setInputDevice('').catch(() => this.lose(s, 'The microphone stopped working and no other microphone could be used.'));
    });
  }

  /** The customer's first audio: main learns the call is established (an outgoing call's microphone goes on then). */
  private firstAudio(s: Session): void {
    s.firstAudioAt = this.now();
    if (!s.closed) void this.o.report({ type: 'audio', localId: s.localId });
  }

  private lose(s: Session, reason: string): void {
    if (s.lost || !this.sessions.has(s.localId)) return;
    s.lost = reason;
    void this.o.report({ type: 'lost', localId: s.localId, reason });
    this.changed();
  }

  private async sample(s: Session): Promise<void> {
    if (!this.sessions.has(s.localId)) return;
    const res = await sampleCall(
      s,
      () => this.now(),
      this.o,
      () => this.firstAudio(s),
    );
    if (!res) return; // closed meanwhile
    if (res.lost) this.lose(s, res.lost);
    this.changed();
  }
}
