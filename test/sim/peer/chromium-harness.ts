/**
 * Headless Debian Chromium driven by Playwright, hosting one RTCPeerConnection ("the agent's app")
 * with a fake microphone fed from a WAV file. Talks to the werift phone peer via SDP strings.
 *
 * The page is served from http://127.0.0.1 (a secure context, so getUserMedia exists; about:blank
 * is not). The in-page code is plain JS (the node tsconfig has no DOM lib).
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../../support/chromium.ts';

export const CHROMIUM_PATH = process.env['SWITCHBOARD_CHROMIUM'] ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** In-page harness: `window.sim`. */
const PAGE_SCRIPT = String.raw`
window.sim = {
  pc: null, mic: null, ctx: null, analyser: null, remoteEl: null, remoteStream: null, dtmfSent: '',
  async start() {
    this.mic = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    this.pc = new RTCPeerConnection();
    this.pc.ontrack = (e) => this.attachRemote(e.track);
    return true;
  },
  attachRemote(track) {
    if (this.remoteStream) return;
    this.remoteStream = new MediaStream([track]);
    // Chromium only pulls remote WebRTC audio into WebAudio if a media element also plays it.
    this.remoteEl = new Audio();
    this.remoteEl.muted = true;
    this.remoteEl.srcObject = this.remoteStream;
    this.remoteEl.play().catch(() => {});
    this.ctx = new AudioContext();
    this.ctx.resume().catch(() => {});
    const src = this.ctx.createMediaStreamSource(this.remoteStream);
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 16384;
    this.analyser.smoothingTimeConstant = 0;
    src.connect(this.analyser);
  },
  async gathered() {
    const pc = this.pc;
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((r) => {
        const t = setTimeout(r, 10000);
        pc.addEventListener('icegatheringstatechange', () => {
          if (pc.iceGatheringState === 'complete') { clearTimeout(t); r(); }
        });
      });
    }
    return pc.localDescription.sdp;
  },
  async createOffer() {
    this.pc.addTrack(this.mic.getAudioTracks()[0], this.mic);
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.gathered();
  },
  async answer(offerSdp) {
    this.pc.addTrack(this.mic.getAudioTracks()[0], this.mic);
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.gathered();
  },
  async applyAnswer(answerSdp) {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    return true;
  },
  /** Only parse + answer (no ICE expected), in a throwaway connection. */
  async answerOnly(offerSdp) {
    const pc = new RTCPeerConnection();
    try {
      pc.addTrack(this.mic.getAudioTracks()[0], this.mic);
      await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      return { ok: true, sdp: answer.sdp, error: '' };
    } catch (e) {
      return { ok: false, sdp: '', error: String(e && e.message || e) };
    } finally {
      pc.close();
    }
  },
  insertDtmf(digits) {
    const sender = this.pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
    if (!sender || !sender.dtmf) return false;
    sender.dtmf.insertDTMF(digits, 120, 80);
    this.dtmfSent += digits;
    return true;
  },
  dtmfPending() {
    const sender = this.pc.getSenders().find((s) => s.dtmf);
    return sender ? sender.dtmf.toneBuffer : '';
  },
  state() {
    const pc = this.pc;
    return pc ? { ice: pc.iceConnectionState, connection: pc.connectionState, signaling: pc.signalingState } : null;
  },
  /** Peak of the remote audio spectrum (parabolic interpolation) + inbound RTP stats. */
  async measure() {
    let frequency = 0, peakDb = -Infinity, sampleRate = 0;
    if (this.analyser) {
      const bins = new Float32Array(this.analyser.frequencyBinCount);
      this.analyser.getFloatFrequencyData(bins);
      sampleRate = this.ctx.sampleRate;
      const binHz = sampleRate / this.analyser.fftSize;
      let best = -1;
      const lo = Math.floor(50 / binHz);
      for (let i = Math.max(1, lo); i < bins.length - 1; i++) {
        if (best < 0 || bins[i] > bins[best]) best = i;
      }
      if (best > 0 && Number.isFinite(bins[best])) {
        const a = bins[best - 1], b = bins[best], c = bins[best + 1];
        const denom = a - 2 * b + c;
        const delta = denom !== 0 && Number.isFinite(denom) ? 0.5 * (a - c) / denom : 0;
        frequency = (best + delta) * binHz;
        peakDb = b;
      }
    }
    let packetsReceived = 0, audioLevel = 0, bytesReceived = 0, packetsSent = 0, codec = '';
    if (this.pc) {
      const stats = await this.pc.getStats();
      const byId = new Map();
      stats.forEach((s) => byId.set(s.id, s));
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          packetsReceived = s.packetsReceived || 0;
          bytesReceived = s.bytesReceived || 0;
          audioLevel = s.audioLevel || 0;
          const c = byId.get(s.codecId);
          if (c) codec = c.mimeType + '/' + c.clockRate;
        }
        if (s.type === 'outbound-rtp' && s.kind === 'audio') packetsSent = s.packetsSent || 0;
      });
    }
    return { frequency, peakDb, sampleRate, packetsReceived, bytesReceived, audioLevel, packetsSent, codec };
  },
  close() {
    if (this.pc) this.pc.close();
    if (this.ctx) this.ctx.close();
    if (this.mic) this.mic.getTracks().forEach((t) => t.stop());
    this.pc = null;
    return true;
  },
};
`;

const PAGE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>switchboard sim phone harness</title>
<script>${PAGE_SCRIPT}</script></head><body></body></html>`;

export interface ChromiumMeasure {
  frequency: number;
  peakDb: number;
  sampleRate: number;
  packetsReceived: number;
  bytesReceived: number;
  audioLevel: number;
  packetsSent: number;
  codec: string;
}

export interface AnswerOnlyResult {
  ok: boolean;
  sdp: string;
  error: string;
}

export interface ChromiumPeerState {
  ice: string;
  connection: string;
  signaling: string;
}

export interface SimChromium {
  readonly browser: Browser;
  /** A fresh page with `window.sim` loaded and the fake mic opened (one RTCPeerConnection per page). */
  newPeerPage(): Promise<ChromiumPeer>;
  close(): Promise<void>;
}

export interface ChromiumPeer {
  readonly page: Page;
  createOffer(): Promise<string>;
  answer(offerSdp: string): Promise<string>;
  applyAnswer(answerSdp: string): Promise<void>;
  answerOnly(offerSdp: string): Promise<AnswerOnlyResult>;
  insertDtmf(digits: string): Promise<boolean>;
  state(): Promise<ChromiumPeerState | null>;
  measure(): Promise<ChromiumMeasure>;
  close(): Promise<void>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

async function call(page: Page, method: string, ...args: string[]): Promise<unknown> {
  const argList = args.map((a) => JSON.stringify(a)).join(', ');
  return page.evaluate(`window.sim.${method}(${argList})`);
}

async function callString(page: Page, method: string, ...args: string[]): Promise<string> {
  const r = await call(page, method, ...args);
  if (typeof r !== 'string') throw new Error(`sim.${method} returned ${typeof r}`);
  return r;
}

export async function launchSimChromium(opts: { fakeAudioWav: string; extraArgs?: string[] }): Promise<SimChromium> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(PAGE_HTML);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const browser = await chromium.launch({
    headless: true,
    ...chromiumLaunchOptions([
      `--use-file-for-fake-audio-capture=${opts.fakeAudioWav}`,
      // gather 127.0.0.1 host candidates so everything stays on loopback
      '--allow-loopback-in-peer-connection',
      ...(opts.extraArgs ?? []),
    ]),
  });
  return {
    browser,
    async newPeerPage(): Promise<ChromiumPeer> {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await call(page, 'start');
      return {
        page,
        createOffer: () => callString(page, 'createOffer'),
        answer: (sdp) => callString(page, 'answer', sdp),
        applyAnswer: async (sdp) => {
          await call(page, 'applyAnswer', sdp);
        },
        answerOnly: async (sdp) => {
          const r = await call(page, 'answerOnly', sdp);
          if (!isRecord(r)) throw new Error('answerOnly: bad result');
          return { ok: r['ok'] === true, sdp: String(r['sdp'] ?? ''), error: String(r['error'] ?? '') };
        },
        insertDtmf: async (digits) => (await call(page, 'insertDtmf', digits)) === true,
        state: async () => {
          const r = await call(page, 'state');
          if (!isRecord(r)) return null;
          return { ice: String(r['ice']), connection: String(r['connection']), signaling: String(r['signaling']) };
        },
        measure: async () => {
          const r = await call(page, 'measure');
          if (!isRecord(r)) throw new Error('measure: bad result');
          const num = (k: string): number => {
            const v = r[k];
            return typeof v === 'number' ? v : Number.NaN;
          };
          return {
            frequency: num('frequency'),
            peakDb: num('peakDb'),
            sampleRate: num('sampleRate'),
            packetsReceived: num('packetsReceived'),
            bytesReceived: num('bytesReceived'),
            audioLevel: num('audioLevel'),
            packetsSent: num('packetsSent'),
            codec: String(r['codec'] ?? ''),
          };
        },
        close: async () => {
          await call(page, 'close').catch(() => undefined);
          await page.close().catch(() => undefined);
        },
      };
    },
    async close(): Promise<void> {
      await browser.close().catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
