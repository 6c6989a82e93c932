/**
 * Calls end to end with real audio: the simulator, main's services and the browser host
 * run in this process; Chromium runs the real renderer with a fake microphone playing 440 Hz; the
 * customer is a werift phone sending 1000 Hz. Each side measures the other's tone.
 */
import { test, expect, chromium, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppServices } from '../../main/app-services.ts';
import type { BrowserHost } from '../../main/host/http-host.ts';
import type { Simulator } from '../sim/simulator.ts';
import { createPhonePeer, rtpmapOf, type PhonePeer } from '../sim/peer/phone-peer.ts';
import { metaOfferSdp, randomMetaOfferParams } from '../sim/peer/meta-offer.ts';
import { encodeWav, toneSamples } from '../sim/peer/audio.ts';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import { startCallApp } from './support/call-app.ts';
import { callEvent, postSigned } from '../support/webhooks.ts';
import { formatPhone } from '../../renderer/src/format/phone.ts';
import { until } from '../support/until.ts';

const BUSINESS_TONE = 440;
const CUSTOMER_TONE = 1000;
const TOL = 15;
const seed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../sim/seed.default.json'), 'utf8')) as {
  users: Array<{ wa_id?: string; name: string }>;
};
const ana = seed.users[0]!;
const shotsDir = path.resolve(import.meta.dirname, '../screenshots/calls');

test.describe.configure({ mode: 'serial' });

let wavDir = '';
let browser: Browser;
test.beforeAll(async () => {
  wavDir = mkdtempSync(path.join(tmpdir(), 'sb-calls-'));
  const wav = path.join(wavDir, 'mic-440hz.wav');
  // 2 s of 440 Hz is a whole number of cycles: Chromium loops the file without a click.
  writeFileSync(wav, encodeWav(toneSamples({ frequency: BUSINESS_TONE, amplitude: 0.5 }, 96_000, 1)));
  browser = await chromium.launch(
    chromiumLaunchOptions([`--use-file-for-fake-audio-capture=${wav}`, '--allow-loopback-in-peer-connection']),
  );
  mkdirSync(shotsDir, { recursive: true });
});
test.afterAll(async () => {
  await browser?.close();
  if (wavDir) rmSync(wavDir, { recursive: true, force: true });
});

let sim: Simulator | null = null;
let services: AppServices | null = null;
let host: BrowserHost | null = null;
let page: Page | null = null;
const peers: PhonePeer[] = [];
test.afterEach(async () => {
  await page?.close().catch(() => undefined);
  page = null;
  for (const p of peers.splice(0)) await p.close().catch(() => undefined);
  await host?.close();
  await services?.close();
  await sim?.close();
  host = null;
  services = null;
  sim = null;
});

/**
 * Test-only instrumentation, injected before the app loads: remembers every RTCPeerConnection the
 * app makes, and measures what the remote track plays (AnalyserNode peak + inbound-rtp counters).
 */
function instrument(): void {
  type Probe = { ctx: AudioContext; analyser: AnalyserNode; el: HTMLAudioElement };
  const w = window as unknown as { __pcs: RTCPeerConnection[]; __probe: Map<RTCPeerConnection, Probe>; __measure: () => Promise<unknown> };
  w.__pcs = [];
  w.__probe = new Map();
  const Orig = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Orig {
    constructor(config?: RTCConfiguration) {
      super(config);
      w.__pcs.push(this);
    }
  } as typeof RTCPeerConnection;
  // The ringtone's AudioContext is the one made with latencyHint 'playback'.
  const rings: AudioContext[] = [];
  (window as unknown as { __ringing: () => boolean }).__ringing = () => rings.some((c) => c.state === 'running');
  const Ctx = window.AudioContext;
  window.AudioContext = class extends Ctx {
    constructor(o?: AudioContextOptions) {
      super(o);
      if (o?.latencyHint === 'playback') rings.push(this);
    }
  } as typeof AudioContext;
  w.__measure = async () => {
    const pc = w.__pcs[w.__pcs.length - 1];
    if (!pc) return null;
    const track = pc.getReceivers()[0]?.track;
    let probe = w.__probe.get(pc);
    if (!probe && track) {
      const stream = new MediaStream([track]);
      const el = new Audio();
      el.muted = true;
      el.srcObject = stream;
      void el.play().catch(() => undefined);
      const ctx = new AudioContext();
      void ctx.resume();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 16384;
      analyser.smoothingTimeConstant = 0;
      ctx.createMediaStreamSource(stream).connect(analyser);
      probe = { ctx, analyser, el };
      w.__probe.set(pc, probe);
    }
    let frequency = 0;
    if (probe) {
      const bins = new Float32Array(probe.analyser.frequencyBinCount);
      probe.analyser.getFloatFrequencyData(bins);
      const binHz = probe.ctx.sampleRate / probe.analyser.fftSize;
      let best = Math.ceil(50 / binHz);
      for (let i = best; i < bins.length - 1; i++) if ((bins[i] ?? -Infinity) > (bins[best] ?? -Infinity)) best = i;
      const a = bins[best - 1] ?? 0;
      const b = bins[best] ?? 0;
      const c = bins[best + 1] ?? 0;
      const denom = a - 2 * b + c;
      if (Number.isFinite(b)) frequency = (best + (denom !== 0 && Number.isFinite(denom) ? (0.5 * (a - c)) / denom : 0)) * binHz;
    }
    let packetsReceived = 0;
    let packetsSent = 0;
    (await pc.getStats()).forEach((s: { type?: string; kind?: string; packetsReceived?: number; packetsSent?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') packetsReceived = s.packetsReceived ?? 0;
      if (s.type === 'outbound-rtp' && s.kind === 'audio') packetsSent = s.packetsSent ?? 0;
    });
    return { frequency, packetsReceived, packetsSent, pcs: w.__pcs.length };
  };
}

type PageMeasure = { frequency: number; packetsReceived: number; packetsSent: number; pcs: number };
const measure = async (p: Page) => (await p.evaluate('window.__measure()')) as PageMeasure | null;
const ringing = async (p: Page) => (await p.evaluate('window.__ringing()')) as boolean;

async function setup(): Promise<{ controlUrl: string; page: Page }> {
  const app = await startCallApp(browser, { seed, initScript: instrument });
  ({ sim, services, host, page } = app);
  return { controlUrl: app.controlUrl, page: app.page };
}

async function placeCall(controlUrl: string, body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${controlUrl}/users/${ana.wa_id}/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const callActions = () =>
  sim!.ctx.sent.filter((x) => x.kind === 'call-action').map((x) => `${String((x.body as { action?: string }).action)}:${x.status}`);

async function shoot(p: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await p.emulateMedia({ colorScheme: scheme });
    await p.waitForTimeout(150);
    await p.screenshot({ path: path.join(shotsDir, `${name}-${scheme}.png`) });
  }
  await p.emulateMedia({ colorScheme: 'light' });
}

/** Customer calls with a 1000 Hz phone; the owner answers in the UI; both tones are measured. */
async function answeredCall(controlUrl: string, p: Page, opts: { screenshots?: boolean } = {}) {
  const customer = createPhonePeer({
    label: 'customer',
    metaShaped: true,
    source: { kind: 'tone', frequency: CUSTOMER_TONE, amplitude: 0.3 },
  });
  peers.push(customer);
  const callId = await placeCall(controlUrl, { sdp: await customer.createOffer() });

  // Ringing: the card with the caller, their number and country, and the countdown.
  const card = p.getByTestId('incoming-call');
  await expect(card).toBeVisible();
  // A first contact by call: Meta's connect names a customer known by number with the number's
  // digits (no BSUID, no profile name), so the card shows the number, never the raw digits.
  await expect(card.getByTestId('caller-name')).toHaveText(formatPhone(ana.wa_id!));
  await expect(card.getByTestId('caller-meta')).toContainText('Brazil');
  await expect(card.getByTestId('incoming-countdown')).toContainText(/\d+s left to answer/);
  await until('pre_accept', () => callActions().includes('pre_accept:200'));
  expect((await measure(p))?.packetsSent ?? 0).toBe(0); // no audio before accept
  await until('the ringtone plays', () => ringing(p));
  if (opts.screenshots) await shoot(p, 'ringing');

  await card.getByTestId('incoming-answer').click();
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
  await until('the ringtone stops', async () => !(await ringing(p)));
  expect(callActions()).toEqual(['pre_accept:200', 'accept:200']);

  // The customer's phone gets the business's answer (as Meta relays it) and talks.
  const answer = (await (await fetch(`${controlUrl}/calls/${callId}/answer`)).json()) as { sdp: string };
  await customer.applyAnswer(answer.sdp);
  await customer.waitForConnected(15_000);
  customer.startSending();
  await fetch(`${controlUrl}/calls/${callId}/media`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ receiving: true }),
  });

  await customer.waitFor(
    () => Math.abs(customer.analyze(400).frequency - BUSINESS_TONE) <= TOL && customer.analyze(400).rms > 0.01,
    15_000,
    'customer hears 440 Hz',
  );
  const heardByCustomer = customer.analyze(400);
  const inPage = await until('the app hears 1000 Hz', async () => {
    const m = await measure(p);
    return m && m.packetsReceived > 25 && Math.abs(m.frequency - CUSTOMER_TONE) <= TOL ? m : null;
  });
  expect(inPage.pcs).toBe(1);
  console.log(
    `[calls] customer heard ${heardByCustomer.frequency.toFixed(1)} Hz (rms ${heardByCustomer.rms.toFixed(3)}); app heard ${inPage.frequency.toFixed(1)} Hz (${inPage.packetsReceived} packets)`,
  );
  return { customer, callId };
}

test('an incoming call is answered with audio both ways, muted, sent DTMF, and hung up', async () => {
  test.setTimeout(120_000);
  const { controlUrl, page: p } = await setup();
  const { customer } = await answeredCall(controlUrl, p, { screenshots: true });
  await expect(p.getByTestId('call-quality')).toHaveAttribute('data-level', /good|fair|poor/);
  await expect(p.getByTestId('call-timer')).toHaveText(/^\d+:\d\d$/);
  await shoot(p, 'live');
  await p.getByTestId('call-devices-toggle').click();
  await expect(p.getByTestId('call-input-device')).toBeVisible();
  await shoot(p, 'devices');
  await p.getByTestId('call-devices-toggle').click();

  // Mute: the customer hears near-silence while packets keep arriving.
  await p.getByTestId('call-mute').click();
  await expect(p.getByTestId('call-mute')).toHaveAttribute('aria-pressed', 'true');
  await p.waitForTimeout(800);
  const before = customer.receiveStats().audioPackets;
  await customer.waitFor(() => customer.analyze(400).rms < 0.003, 10_000, 'customer hears silence');
  await p.waitForTimeout(500);
  const mutedRms = customer.analyze(400).rms;
  expect(customer.receiveStats().audioPackets - before).toBeGreaterThan(20);
  console.log(`[calls] muted: customer rms ${mutedRms.toFixed(5)}, ${customer.receiveStats().audioPackets - before} packets meanwhile`);

  // DTMF from the keypad (RFC 4733 on PT 126).
  await p.getByTestId('call-keypad-toggle').click();
  for (const key of ['1', '2', '#']) await p.getByTestId(`call-key-${key}`).click();
  await customer.waitFor(() => customer.receivedDigits() === '12#', 10_000, 'DTMF 12#');
  await expect(p.getByTestId('call-dtmf-sent')).toHaveText('12#');
  await shoot(p, 'keypad-muted');

  // Hang up: terminate, and the outcome is shown.
  await p.getByTestId('call-hangup').click();
  await expect(p.getByTestId('call-ended')).toHaveAttribute('data-outcome', 'completed');
  await until('terminate sent', () => callActions().includes('terminate:200'));
  expect(callActions()).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
  await until(
    'peer connection closed',
    async () => (await p.evaluate('window.__pcs.every((pc) => pc.connectionState === "closed")')) === true,
  );
});

test('no audio from the customer: "Reconnecting…" with the seconds, and the call ends only after WhatsApp\'s 30 s (media watchdog)', async () => {
  test.setTimeout(90_000);
  const { controlUrl, page: p } = await setup();
  const { customer } = await answeredCall(controlUrl, p);
  const silentFrom = Date.now();
  customer.stopSending();
  // WhatsApp's own leg reconnects by itself: Switchboard says so and waits.
  await expect(p.getByTestId('call-reconnecting')).toContainText(/Reconnecting… no audio for \d+ s/, { timeout: 10_000 });
  await shoot(p, 'reconnecting');
  await p.waitForTimeout(12_000);
  expect(await p.getByTestId('call-state').getAttribute('data-state')).toBe('active'); // past the old 10 s
  await expect(p.getByTestId('call-ended')).toHaveAttribute('data-outcome', 'failed', { timeout: 30_000 });
  expect(Date.now() - silentFrom).toBeGreaterThanOrEqual(30_000); // never before WhatsApp's mid-call limit
  await expect(p.getByTestId('call-reason')).toContainText('No audio has arrived from the customer');
  await until('terminate sent', () => callActions().includes('terminate:200'));
  await shoot(p, 'lost');
});

test('an outgoing call: Calling… → Ringing… → connected with audio both ways; the customer hangs up', async () => {
  test.setTimeout(90_000);
  const { controlUrl, page: p } = await setup();
  const json = { 'content-type': 'application/json' };
  await fetch(`${controlUrl}/users/${ana.wa_id}/messages`, { method: 'POST', headers: json, body: JSON.stringify({ text: 'Me liga?' }) });
  await fetch(`${controlUrl}/users/${ana.wa_id}/permission`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ response: 'accept', source: 'profile' }),
  });
  const threadId = await until('thread', () => services!.threads.listThreads()[0]?.id);
  await until('permission', async () => {
    const r = await services!.dispatch('getCallPermission', { threadId });
    return r.ok && (r.result as { canCall: boolean }).canCall;
  });
  // The Call button lives in the thread header; the request is the same one it sends.
  const placed = await services!.dispatch('placeCall', { threadId });
  expect(placed.ok).toBe(true);
  const localId = (placed as { result: { localId: string } }).result.localId;
  await expect(p.getByTestId('call-panel')).toBeVisible();
  await expect(p.getByTestId('caller-name')).toHaveText(ana.name);
  const callId = await until('call id', () => services!.calls.get(localId)?.callId);
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'dialing');
  await expect(p.getByTestId('call-timer')).toHaveText('Calling…');

  const customer = createPhonePeer({ label: 'customer', source: { kind: 'tone', frequency: CUSTOMER_TONE, amplitude: 0.3 } });
  peers.push(customer);
  const offer = (await (await fetch(`${controlUrl}/calls/${callId}/answer`)).json()) as { sdp: string };
  expect([...rtpmapOf(offer.sdp).values()].sort()).toEqual(['opus/48000/2', 'telephone-event/8000']);
  const answerSdp = await customer.acceptOffer(offer.sdp);
  await fetch(`${controlUrl}/calls/${callId}/answer`, { method: 'POST', headers: json, body: JSON.stringify({ sdp: answerSdp }) });
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'remote_ringing');
  await expect(p.getByTestId('call-timer')).toHaveText('Ringing…');
  expect((await measure(p))?.packetsSent ?? 0).toBe(0); // nothing sent before they pick up

  await fetch(`${controlUrl}/calls/${callId}/pickup`, { method: 'POST', headers: json, body: '{}' });
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
  await customer.waitForConnected(15_000);
  customer.startSending();
  await fetch(`${controlUrl}/calls/${callId}/media`, { method: 'POST', headers: json, body: JSON.stringify({ receiving: true }) });
  await customer.waitFor(
    () => Math.abs(customer.analyze(400).frequency - BUSINESS_TONE) <= TOL && customer.analyze(400).rms > 0.01,
    15_000,
    'customer hears 440 Hz',
  );
  const inPage = await until('the app hears 1000 Hz', async () => {
    const m = await measure(p);
    return m && m.packetsReceived > 25 && Math.abs(m.frequency - CUSTOMER_TONE) <= TOL ? m : null;
  });
  console.log(
    `[calls] outgoing: customer heard ${customer.analyze(400).frequency.toFixed(1)} Hz; app heard ${inPage.frequency.toFixed(1)} Hz`,
  );

  // The customer hangs up.
  await fetch(`${controlUrl}/calls/${callId}/hangup`, { method: 'POST', headers: json, body: '{}' });
  await expect(p.getByTestId('call-ended')).toHaveAttribute('data-outcome', 'completed');
  expect(callActions().filter((a) => a.startsWith('terminate'))).toEqual([]);
});

test('an outgoing call whose ACCEPTED status never comes: the customer hears the business as soon as their audio arrives', async () => {
  test.setTimeout(90_000);
  const { controlUrl, page: p } = await setup();
  const json = { 'content-type': 'application/json' };
  // Meta describes ACCEPTED as arriving after the call is established, for auditing; here it never does.
  expect(
    (await fetch(`${controlUrl}/config`, { method: 'PUT', headers: json, body: JSON.stringify({ acceptedStatus: 'missing' }) })).status,
  ).toBe(200);
  await fetch(`${controlUrl}/users/${ana.wa_id}/messages`, { method: 'POST', headers: json, body: JSON.stringify({ text: 'Me liga?' }) });
  await fetch(`${controlUrl}/users/${ana.wa_id}/permission`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ response: 'accept', source: 'profile' }),
  });
  const threadId = await until('thread', () => services!.threads.listThreads()[0]?.id);
  await until('permission', async () => {
    const r = await services!.dispatch('getCallPermission', { threadId });
    return r.ok && (r.result as { canCall: boolean }).canCall;
  });
  const placed = await services!.dispatch('placeCall', { threadId });
  expect(placed.ok).toBe(true);
  const localId = (placed as { result: { localId: string } }).result.localId;
  const callId = await until('call id', () => services!.calls.get(localId)?.callId);
  const customer = createPhonePeer({ label: 'customer', source: { kind: 'tone', frequency: CUSTOMER_TONE, amplitude: 0.3 } });
  peers.push(customer);
  const offer = (await (await fetch(`${controlUrl}/calls/${callId}/answer`)).json()) as { sdp: string };
  const answerSdp = await customer.acceptOffer(offer.sdp);
  await fetch(`${controlUrl}/calls/${callId}/answer`, { method: 'POST', headers: json, body: JSON.stringify({ sdp: answerSdp }) });
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'remote_ringing');
  await customer.waitForConnected(15_000);
  await p.waitForTimeout(1500);
  expect((await measure(p))?.packetsSent ?? 0).toBe(0); // ICE/DTLS up while it rings, and still silent
  // The customer picks up (no ACCEPTED is sent) and talks.
  await fetch(`${controlUrl}/calls/${callId}/pickup`, { method: 'POST', headers: json, body: '{}' });
  customer.startSending();
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'active', { timeout: 10_000 });
  await customer.waitFor(
    () => Math.abs(customer.analyze(400).frequency - BUSINESS_TONE) <= TOL && customer.analyze(400).rms > 0.01,
    15_000,
    'customer hears 440 Hz',
  );
  const statuses = (await (await fetch(`${controlUrl}/webhooks`)).json()) as { posts: Array<{ body: unknown }> };
  expect(statuses.posts.some((x) => JSON.stringify(x.body).includes('ACCEPTED'))).toBe(false);
  console.log(`[calls] no ACCEPTED: customer heard ${customer.analyze(400).frequency.toFixed(1)} Hz`);
  await fetch(`${controlUrl}/calls/${callId}/hangup`, { method: 'POST', headers: json, body: '{}' });
  await expect(p.getByTestId('call-ended')).toHaveAttribute('data-outcome', 'completed');
});

async function outgoingRinging(controlUrl: string, p: Page): Promise<{ callId: string }> {
  const json = { 'content-type': 'application/json' };
  await fetch(`${controlUrl}/users/${ana.wa_id}/messages`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ text: 'Pode me ligar' }),
  });
  await fetch(`${controlUrl}/users/${ana.wa_id}/permission`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ response: 'accept', source: 'profile' }),
  });
  const threadId = await until('thread', () => services!.threads.listThreads()[0]?.id);
  await until('permission', async () => {
    const r = await services!.dispatch('getCallPermission', { threadId });
    return r.ok && (r.result as { canCall: boolean }).canCall;
  });
  const placed = await services!.dispatch('placeCall', { threadId });
  expect(placed.ok).toBe(true);
  const localId = (placed as { result: { localId: string } }).result.localId;
  const callId = await until('call id', () => services!.calls.get(localId)?.callId);
  const customer = createPhonePeer({ label: 'customer', source: { kind: 'tone', frequency: CUSTOMER_TONE, amplitude: 0.3 } });
  peers.push(customer);
  const offer = (await (await fetch(`${controlUrl}/calls/${callId}/answer`)).json()) as { sdp: string };
  const answerSdp = await customer.acceptOffer(offer.sdp);
  await fetch(`${controlUrl}/calls/${callId}/answer`, { method: 'POST', headers: json, body: JSON.stringify({ sdp: answerSdp }) });
  await expect(p.getByTestId('call-timer')).toHaveText('Ringing…');
  return { callId };
}

test('an outgoing call the customer declines ends as declined', async () => {
  test.setTimeout(60_000);
  const { controlUrl, page: p } = await setup();
  const { callId } = await outgoingRinging(controlUrl, p);
  await fetch(`${controlUrl}/calls/${callId}/decline`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await expect(p.getByTestId('call-ended')).toHaveAttribute('data-outcome', 'declined');
  await until('declined card', () => services!.threads.callItem(callId)?.status === 'declined');
});

test('an outgoing call nobody answers ends as not answered', async () => {
  test.setTimeout(60_000);
  const { controlUrl, page: p } = await setup();
  const { callId } = await outgoingRinging(controlUrl, p);
  await fetch(`${controlUrl}/calls/${callId}/ring-out`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await expect(p.getByTestId('call-ended')).toHaveAttribute('data-outcome', 'no_answer');
  await until('not-answered card', () => services!.threads.callItem(callId)?.status === 'no_answer');
});

/** A calls webhook as Meta would send it, signed with the app secret, straight to the receiver. */
async function deliverCallEvent(callId: string, event: 'connect' | 'terminate', ageSeconds: number): Promise<void> {
  const extra = event === 'connect' ? { session: { sdp_type: 'offer', sdp: metaOfferSdp(randomMetaOfferParams()) } } : { status: 'FAILED' };
  const body = callEvent({
    id: callId,
    event,
    customer: { waId: ana.wa_id!, name: ana.name },
    timestamp: Math.floor(Date.now() / 1000) - ageSeconds,
    business: sim!.business,
    wabaId: sim!.business.wabaId,
    extra,
  });
  const res = await postSigned(services!.receiver.port, '/webhook', body, sim!.business.appSecret);
  expect(res.status).toBe(200);
}

test('a connect that arrives too late (the laptop slept, Meta retried) is a missed call and never rings', async () => {
  test.setTimeout(60_000);
  const { page: p } = await setup();
  await deliverCallEvent('wacid.STALE1', 'connect', 120);
  await until('missed call card', () => services!.threads.callItem('wacid.STALE1')?.status === 'missed');
  expect(services!.calls.list().find((c) => c.callId === 'wacid.STALE1')).toMatchObject({ state: 'ended', outcome: 'missed' });
  await p.waitForTimeout(500);
  await expect(p.getByTestId('incoming-call')).toHaveCount(0);
});

test('a terminate that arrives before its connect is respected: missed, never rings', async () => {
  test.setTimeout(60_000);
  const { page: p } = await setup();
  await deliverCallEvent('wacid.EARLYEND', 'terminate', 0);
  await deliverCallEvent('wacid.EARLYEND', 'connect', 1);
  const known = await until('the late connect reached the controller', () =>
    services!.calls.list().find((c) => c.callId === 'wacid.EARLYEND'),
  );
  expect(known).toMatchObject({ state: 'ended', outcome: 'missed' });
  expect(services!.threads.callItem('wacid.EARLYEND')?.status).toBe('missed');
  await p.waitForTimeout(500);
  await expect(p.getByTestId('incoming-call')).toHaveCount(0);
});

test('a second call while one is live waits without ringing; Decline rejects only that one', async () => {
  test.setTimeout(90_000);
  const { controlUrl, page: p } = await setup();
  await answeredCall(controlUrl, p);
  const jonas = seed.users[1]!;
  const res = await fetch(`${controlUrl}/users/${jonas.wa_id}/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(201);
  const waiting = p.getByTestId('waiting-call');
  await expect(waiting).toBeVisible();
  await expect(waiting.getByTestId('caller-name')).toHaveText(formatPhone(jonas.wa_id!)); // first contact by call: the number
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'active'); // the live call stays in front
  await p.waitForTimeout(500);
  expect(await ringing(p)).toBe(false);
  await shoot(p, 'waiting');
  await waiting.getByTestId('waiting-decline').click();
  await expect(waiting).toHaveCount(0);
  await until('reject sent', () => callActions().includes('reject:200'));
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
  await p.getByTestId('call-hangup').click();
  await until('terminate sent', () => callActions().includes('terminate:200'));
  expect(callActions()).toEqual(['pre_accept:200', 'accept:200', 'pre_accept:200', 'reject:200', 'terminate:200']);
});

test('Meta’s real offer shape is answered with one m=audio, Opus + telephone-event/8000 and setup:active; D declines', async () => {
  const { controlUrl, page: p } = await setup();
  const offer = metaOfferSdp(randomMetaOfferParams());
  const callId = await placeCall(controlUrl, { sdp: offer });
  await expect(p.getByTestId('incoming-call')).toBeVisible();
  await until('pre_accept', () => callActions().includes('pre_accept:200'));
  const { sdp } = (await (await fetch(`${controlUrl}/calls/${callId}/answer`)).json()) as { sdp: string };
  expect(sdp.match(/^m=/gm)).toEqual(['m=']);
  expect(sdp).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 111 126\r?$/m);
  expect([...rtpmapOf(sdp).values()].sort()).toEqual(['opus/48000/2', 'telephone-event/8000']);
  expect(sdp).toMatch(/^a=setup:active\r?$/m);
  expect(sdp).toMatch(/^a=fingerprint:sha-256 /m);
  expect(sdp).toMatch(/^a=candidate:.* typ host/m);
  expect(new Set([...sdp.matchAll(/^a=ssrc:(\d+)/gm)].map((m) => m[1])).size).toBeLessThanOrEqual(1);
  expect(sdp).not.toMatch(/^a=ice-lite/m); // Chromium is ICE-full and controlling, as Meta wants

  // Keyboard: D declines (focus is not in a text field).
  await p.keyboard.press('d');
  await expect(p.getByTestId('call-ended')).toHaveAttribute('data-outcome', 'declined');
  await until('reject sent', () => callActions().includes('reject:200'));
  expect(callActions()).toEqual(['pre_accept:200', 'reject:200']);
});

test('Decline sends reject', async () => {
  const { controlUrl, page: p } = await setup();
  await placeCall(controlUrl, {});
  await expect(p.getByTestId('incoming-call')).toBeVisible();
  await p.getByTestId('incoming-decline').click();
  await expect(p.getByTestId('incoming-call')).toHaveCount(0);
  await expect(p.getByTestId('call-ended')).toHaveAttribute('data-outcome', 'declined');
  await until('reject sent', () => callActions().some((a) => a === 'reject:200'));
});

test('the customer hanging up while it rings makes a missed call', async () => {
  const { controlUrl, page: p } = await setup();
  const callId = await placeCall(controlUrl, {});
  await expect(p.getByTestId('incoming-call')).toBeVisible();
  await fetch(`${controlUrl}/calls/${callId}/hangup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await expect(p.getByTestId('incoming-call')).toHaveCount(0);
  await expect(p.getByTestId('call-ended')).toHaveAttribute('data-outcome', 'missed');
  await p.waitForTimeout(500); // an audio setup cut short by the hang-up must not rewrite the outcome
  await expect(p.getByTestId('call-reason')).toHaveCount(0);
  await shoot(p, 'missed');
  expect(callActions().filter((a) => a.startsWith('accept') || a.startsWith('reject'))).toEqual([]);
  // The ended card goes away by itself.
  await expect(p.getByTestId('call-dock')).toBeHidden({ timeout: 10_000 });
});
