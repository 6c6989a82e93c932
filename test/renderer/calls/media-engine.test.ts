/**
 * The media engine's command handling against a fake RTCPeerConnection (the real thing runs in
 * Chromium in test/browser/calls.spec.ts): order of operations, no audio before attachMicrophone,
 * full gathering before the SDP is reported, mute, DTMF, close, ring, and the quality maths.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MediaEngine, type MediaReportParams } from '../../../renderer/src/media/media-engine.ts';
import { estimateMos, QualityMonitor } from '../../../renderer/src/media/quality.ts';
import { fixAnswerSetup, summarizeSdp } from '../../../renderer/src/media/sdp.ts';
import { renderRingCycle } from '../../../renderer/src/media/ringtone.ts';

const log: string[] = [];

function fakeTrack() {
  return {
    kind: 'audio',
    enabled: true,
    readyState: 'live',
    stop: vi.fn(function (this: { readyState: string }) {
      this.readyState = 'ended';
    }),
    addEventListener: vi.fn(),
  };
}
type FakeTrack = ReturnType<typeof fakeTrack>;

function fakeStream(track = fakeTrack()) {
  return { track, getAudioTracks: () => [track], getTracks: () => [track] };
}

function fakeTransceiver() {
  const sender = {
    track: null as FakeTrack | null,
    replaceTrack: vi.fn(async (t: FakeTrack | null) => {
      log.push(`replaceTrack:${t ? 'mic' : 'null'}`);
      sender.track = t;
    }),
    setStreams: vi.fn(),
    dtmf: { canInsertDTMF: true, toneBuffer: '', insertDTMF: vi.fn() },
  };
  return { direction: 'recvonly', receiver: { track: { kind: 'audio' } }, sender, setCodecPreferences: vi.fn() };
}

class FakePc extends EventTarget {
  iceGatheringState = 'new';
  iceConnectionState = 'new';
  connectionState = 'new';
  signalingState = 'stable';
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  transceivers: Array<ReturnType<typeof fakeTransceiver>> = [];
  closed = false;
  config: RTCConfiguration;
  constructor(config: RTCConfiguration) {
    super();
    this.config = config;
  }
  async setRemoteDescription(d: { type: string; sdp: string }) {
    log.push(`srd:${d.type}:${/a=setup:(\w+)/.exec(d.sdp)?.[1] ?? ''}`);
    this.remoteDescription = d;
    if (d.type === 'offer') this.transceivers.push(fakeTransceiver());
  }
  getTransceivers() {
    return this.transceivers;
  }
  addTransceiver() {
    const t = fakeTransceiver();
    this.transceivers.push(t);
    return t;
  }
  async createAnswer() {
    log.push('createAnswer');
    return { type: 'answer', sdp: 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 126\r\n' };
  }
  async createOffer() {
    log.push('createOffer');
    return { type: 'offer', sdp: 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 126\r\n' };
  }
  async setLocalDescription(d: { type: string; sdp: string }) {
    this.localDescription = { ...d };
    this.iceGatheringState = 'gathering';
    setTimeout(() => {
      this.localDescription!.sdp += 'a=candidate:1 1 udp 2122260223 192.168.1.20 50000 typ host\r\n';
      this.iceGatheringState = 'complete';
      this.dispatchEvent(new Event('icegatheringstatechange'));
    }, 20);
  }
  async getStats() {
    return new Map();
  }
  close() {
    this.closed = true;
  }
}

function setup(opts: { gatherTimeoutMs?: number } = {}) {
  log.length = 0;
  const reports: MediaReportParams[] = [];
  const pcs: FakePc[] = [];
  const streams: Array<ReturnType<typeof fakeStream>> = [];
  const ringtone = { start: vi.fn(), stop: vi.fn(), setSinkId: vi.fn(async () => undefined) };
  const mediaDevices = {
    getUserMedia: vi.fn(async () => {
      log.push('getUserMedia');
      const s = fakeStream();
      streams.push(s);
      return s;
    }),
    enumerateDevices: vi.fn(async () => []),
    addEventListener: vi.fn(),
    removeEventListener: vi.fn(),
  };
  const engine = new MediaEngine({
    report: (r) => reports.push(r),
    iceServers: [{ urls: 'turn:turn.example.com:443', username: 'u', credential: 'c' }],
    mediaDevices: mediaDevices as unknown as MediaDevices,
    createPeerConnection: (c) => {
      const pc = new FakePc(c);
      pcs.push(pc);
      return pc as unknown as RTCPeerConnection;
    },
    ringtone,
    statsIntervalMs: 60_000,
    ...opts,
  });
  return { engine, reports, pcs, streams, ringtone, mediaDevices };
}

let current: ReturnType<typeof setup> | null = null;
afterEach(() => {
  current?.engine.dispose();
  current = null;
});

describe('media engine', () => {
  it('prepareAnswer opens the mic first, answers with the track null, and reports the SDP after gathering', async () => {
    const t = (current = setup());
    await t.engine.handle({ requestId: 'r1', localId: 'call-1', command: 'prepareAnswer', offerSdp: 'v=0\r\na=setup:actpass\r\n' });
    expect(log).toEqual(['getUserMedia', 'srd:offer:actpass', 'replaceTrack:null', 'createAnswer']);
    expect(t.reports).toHaveLength(1);
    expect(t.reports[0]).toMatchObject({ type: 'done', requestId: 'r1' });
    expect((t.reports[0] as { sdp: string }).sdp).toContain('typ host'); // gathered in full
    expect(t.pcs[0]!.config.iceServers).toEqual([{ urls: 'turn:turn.example.com:443', username: 'u', credential: 'c' }]);
    const tr = t.pcs[0]!.transceivers[0]!;
    expect(tr.direction).toBe('sendrecv');
    expect(tr.sender.track).toBeNull(); // no audio before accept

    await t.engine.handle({ requestId: 'r2', localId: 'call-1', command: 'attachMicrophone' });
    expect(t.reports[1]).toEqual({ type: 'done', requestId: 'r2' });
    expect(tr.sender.track).toBe(t.streams[0]!.track);
    expect(t.pcs).toHaveLength(1); // one connection, one transceiver, no renegotiation
    expect(t.pcs[0]!.transceivers).toHaveLength(1);
  });

  it('sends what was gathered when gathering does not finish in time', async () => {
    const t = (current = setup({ gatherTimeoutMs: 5 }));
    await t.engine.handle({ requestId: 'r1', localId: 'c', command: 'prepareAnswer', offerSdp: 'v=0\r\n' });
    expect(t.reports[0]).toMatchObject({ type: 'done' });
    expect((t.reports[0] as { sdp: string }).sdp).not.toContain('typ host');
  });

  it('prepareOffer adds one audio transceiver; applyAnswer reads actpass as active', async () => {
    const t = (current = setup());
    await t.engine.handle({ requestId: 'o1', localId: 'out-1', command: 'prepareOffer' });
    expect(t.reports[0]).toMatchObject({ type: 'done', requestId: 'o1' });
    expect(t.pcs[0]!.transceivers).toHaveLength(1);
    t.pcs[0]!.signalingState = 'have-local-offer';
    await t.engine.handle({ requestId: 'a1', localId: 'out-1', command: 'applyAnswer', sdp: 'v=0\r\na=setup:actpass\r\n' });
    expect(log).toContain('srd:answer:active');
    expect(t.reports[1]).toEqual({ type: 'done', requestId: 'a1' });
  });

  it('fails in plain words: no session, microphone refused', async () => {
    const t = (current = setup());
    await t.engine.handle({ requestId: 'x', localId: 'nope', command: 'attachMicrophone' });
    expect(t.reports[0]).toMatchObject({ type: 'failed', requestId: 'x', message: expect.stringContaining('no audio session') });
    t.mediaDevices.getUserMedia.mockRejectedValueOnce(new DOMException('denied', 'NotAllowedError'));
    await t.engine.handle({ requestId: 'y', localId: 'c2', command: 'prepareAnswer', offerSdp: 'v=0\r\n' });
    expect(t.reports[1]).toEqual({ type: 'failed', requestId: 'y', message: 'microphone access was refused' });
    expect(t.engine.state().calls['c2']).toBeUndefined();
  });

  it('a call closed while its microphone opens releases it and says the call ended', async () => {
    const t = (current = setup());
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const stream = fakeStream();
    t.mediaDevices.getUserMedia.mockImplementationOnce(async () => {
      await gate;
      return stream;
    });
    const pending = t.engine.handle({ requestId: 'r1', localId: 'c', command: 'prepareAnswer', offerSdp: 'v=0\r\n' });
    await t.engine.handle({ requestId: 'r2', localId: 'c', command: 'close' });
    release();
    await pending;
    expect(t.reports).toEqual([{ type: 'failed', requestId: 'r1', message: 'the call ended before its audio was ready' }]);
    expect(stream.track.stop).toHaveBeenCalled();
    expect(t.pcs[0]!.closed).toBe(true);
  });

  it('mutes with track.enabled, sends DTMF on the one sender, and close releases everything', async () => {
    const t = (current = setup());
    await t.engine.handle({ requestId: 'r1', localId: 'c', command: 'prepareAnswer', offerSdp: 'v=0\r\n' });
    await t.engine.handle({ requestId: 'r2', localId: 'c', command: 'attachMicrophone' });
    const track = t.streams[0]!.track;
    t.engine.setMuted('c', true);
    expect(track.enabled).toBe(false);
    expect(t.engine.state().calls['c']?.muted).toBe(true);
    expect(t.pcs[0]!.transceivers[0]!.sender.track).toBe(track); // still attached: packets keep flowing
    t.engine.setMuted('c', false);
    expect(track.enabled).toBe(true);
    expect(t.engine.sendDtmf('c', '12#')).toBe(true);
    expect(t.pcs[0]!.transceivers[0]!.sender.dtmf.insertDTMF).toHaveBeenCalledWith('12#', 100, 70);
    await t.engine.handle({ requestId: 'r3', localId: 'c', command: 'close' });
    expect(track.stop).toHaveBeenCalled();
    expect(t.pcs[0]!.closed).toBe(true);
    expect(t.engine.state().calls).toEqual({});
    expect(t.reports).toHaveLength(2); // close is not answered
  });

  it('switches microphones with replaceTrack (no new connection)', async () => {
    const t = (current = setup());
    await t.engine.handle({ requestId: 'r1', localId: 'c', command: 'prepareAnswer', offerSdp: 'v=0\r\n' });
    await t.engine.handle({ requestId: 'r2', localId: 'c', command: 'attachMicrophone' });
    t.engine.setMuted('c', true);
    await t.engine.setInputDevice('usb-headset');
    expect(t.mediaDevices.getUserMedia).toHaveBeenLastCalledWith({
      audio: expect.objectContaining({ deviceId: { exact: 'usb-headset' } }),
    });
    const next = t.streams[1]!.track;
    expect(t.pcs[0]!.transceivers[0]!.sender.track).toBe(next);
    expect(next.enabled).toBe(false); // still muted
    expect(t.streams[0]!.track.stop).toHaveBeenCalled();
    expect(t.pcs).toHaveLength(1);
  });

  it('rings while any call asks for it; close stops it', async () => {
    const t = (current = setup());
    await t.engine.handle({ requestId: 'g1', localId: 'a', command: 'ring', on: true });
    await t.engine.handle({ requestId: 'g2', localId: 'b', command: 'ring', on: true });
    expect(t.ringtone.start).toHaveBeenCalledTimes(1);
    expect(t.engine.state().ringing).toBe(true);
    await t.engine.handle({ requestId: 'g3', localId: 'a', command: 'ring', on: false });
    expect(t.ringtone.stop).not.toHaveBeenCalled();
    await t.engine.handle({ requestId: 'g4', localId: 'b', command: 'close' });
    expect(t.ringtone.stop).toHaveBeenCalledTimes(1);
    expect(t.engine.state().ringing).toBe(false);
    expect(t.reports).toEqual([]);
  });

  it('reports the call lost when ICE fails', async () => {
    const t = (current = setup());
    await t.engine.handle({ requestId: 'r1', localId: 'c', command: 'prepareAnswer', offerSdp: 'v=0\r\n' });
    t.pcs[0]!.iceConnectionState = 'failed';
    t.pcs[0]!.dispatchEvent(new Event('iceconnectionstatechange'));
    t.pcs[0]!.dispatchEvent(new Event('iceconnectionstatechange'));
    expect(t.reports.filter((r) => r.type === 'lost')).toEqual([
      { type: 'lost', localId: 'c', reason: expect.stringContaining('network connection to WhatsApp failed') },
    ]);
  });
});

describe('quality', () => {
  it('estimates MOS from latency, jitter and loss', () => {
    expect(estimateMos({ rttMs: 40, jitterMs: 2, lossPct: 0 })).toBeGreaterThan(4.3);
    expect(estimateMos({ rttMs: 600, jitterMs: 60, lossPct: 8 })).toBeLessThan(3);
    expect(estimateMos({ rttMs: null, jitterMs: 5, lossPct: 0 })).toBeGreaterThan(4);
  });

  it('raises the warning after 3 bad samples and clears it after 5 good ones', () => {
    const q = new QualityMonitor();
    q.push(2.5);
    q.push(2.5);
    expect(q.warning).toBe(false);
    q.push(2.5);
    expect(q.warning).toBe(true);
    expect(q.level).toBe('poor');
    for (let i = 0; i < 4; i++) q.push(4.2);
    expect(q.warning).toBe(true);
    q.push(3.6); // in between: resets the run
    for (let i = 0; i < 4; i++) q.push(4.2);
    expect(q.warning).toBe(true);
    q.push(4.2);
    expect(q.warning).toBe(false);
    expect(q.level).toBe('good');
  });
});

describe('sdp and ringtone', () => {
  it('reads a=setup:actpass in an answer as active and leaves others alone', () => {
    expect(fixAnswerSetup('v=0\r\na=setup:actpass\r\na=mid:0\r\n')).toBe('v=0\r\na=setup:active\r\na=mid:0\r\n');
    expect(fixAnswerSetup('a=setup:passive\n')).toBe('a=setup:passive\n');
    const s = summarizeSdp(
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 126\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:126 telephone-event/8000\r\na=setup:active\r\n',
    );
    expect([...s.codecs.values()]).toEqual(['opus/48000/2', 'telephone-event/8000']);
    expect(s.setup).toBe('active');
  });

  it('renders a ring cadence: sound, then silence', () => {
    const cycle = renderRingCycle(48_000);
    expect(cycle.length).toBe(4 * 48_000);
    const peak = (from: number, to: number) => cycle.slice(from * 48_000, to * 48_000).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(peak(0, 0.3)).toBeGreaterThan(0.3);
    expect(peak(1.5, 4)).toBe(0);
  });
});
