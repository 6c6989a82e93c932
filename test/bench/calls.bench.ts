/**
 * Benchmark: calls through the Cloud API simulator in Chromium. The simulator, main's
 * services and the browser host run in this process; Debian Chromium runs the real renderer with a
 * fake microphone playing 440 Hz; the customer is a werift phone sending 1000 Hz.
 *
 *   npx electron-vite build   # once: the browser host serves out/renderer
 *   node test/bench/calls.bench.ts [--runs 20]
 *
 * Measures, N runs each (after one warm-up run of each kind, not counted), and prints side by side:
 *  (a) connect webhook emitted by the simulator → the ringing card in the page's DOM and painted
 *      (target p95 < 150 ms). Both ends are read on the wall clock with sub-ms resolution
 *      (`performance.timeOrigin + performance.now()` in Node and in the page): the webhook's
 *      emission from the simulator's event bus, the card from a MutationObserver in the page plus
 *      the next animation frame.
 *  (b) Answer click → first audio at both ends, with pre-accept and without it, runs interleaved
 *      (target: with pre-accept p95 < 400 ms, and at least 2× faster than without, on the medians).
 *      The click is timestamped by a capture listener in the page. Customer end: the first 20 ms
 *      window of decoded audio with RMS > 0.01 at the werift phone. App end: the first getStats
 *      with inbound-rtp `totalAudioEnergy` > 0 (decoded audio; `packetsReceived` > 0 is printed
 *      too). "Both ends" is the later of the two. The phone applies the business's answer SDP as
 *      soon as the simulator relays it (pre_accept or accept) and starts talking when the call is
 *      accepted, as a real phone does. The owner clicks Answer once the card has rung for 1 s and,
 *      with pre-accept, ICE/DTLS has finished.
 *  (c) Call → `connect` received by the simulator (Graph request log, timestamped as it is
 *      recorded; target p95 < 1.5 s). The thread header's Call button is not wired yet
 *      (aria-disabled), so the call is placed with the bridge request the button will send
 *      (`placeCall`), dispatched in-process; the renderer's media engine still makes the offer
 *      with full (bounded) ICE gathering. The customer picks up and the owner hangs up after each
 *      run, so the simulator's 4-unanswered-calls revocation does not kick in.
 * No renderer or main code is instrumented: everything is observed from outside.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliNumber, cliOptions } from '../support/cli.ts';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startBrowserHost, type BrowserHost } from '../../main/host/http-host.ts';
import { createPhonePeer, type PhonePeer } from '../sim/peer/phone-peer.ts';
import { encodeWav, toneSamples } from '../sim/peer/audio.ts';
import type { SimEvent } from '../sim/events.ts';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import { defaultSeed, startSimApp, type SimApp } from '../support/sim-app.ts';
import { memoryLogger } from '../support/test-log.ts';
import { PAGE_CLOCK, machineLine, stat, wallNow, type Stat } from './page-clock.ts';
import { until } from '../support/until.ts';

const values = cliOptions('usage: node test/bench/calls.bench.ts [--runs 20]', { runs: { type: 'string', default: '20' } });
const RUNS = cliNumber('runs', values.runs, 1);

const BUSINESS_TONE = 440;
const CUSTOMER_TONE = 1000;
const RMS_THRESHOLD = 0.01;
const RING_BEFORE_ANSWER_MS = 1000;
const ana = defaultSeed.users[0]!;

const now = wallNow;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Injected before the app loads, next to PAGE_CLOCK (plain JS: this file is type-checked without
 * the DOM library): remembers the app's peer connections and polls getStats for the first inbound
 * audio.
 */
const INSTRUMENT = `(() => {
  const t = () => performance.timeOrigin + performance.now();
  window.__pcs = [];
  const Orig = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Orig {
    constructor(config) { super(config); window.__pcs.push(this); }
  };
  window.__firstAudio = async (timeoutMs) => {
    const end = t() + timeoutMs;
    let packets = null;
    let decoded = null;
    while (decoded === null && t() < end) {
      const pc = window.__pcs[window.__pcs.length - 1];
      if (pc) {
        const stats = await pc.getStats();
        const at = t();
        stats.forEach((s) => {
          if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
          if (packets === null && (s.packetsReceived || 0) > 0) packets = at;
          if (decoded === null && (s.totalAudioEnergy || 0) > 0) decoded = at;
        });
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    return { packets, decoded };
  };
})();`;

let app: SimApp | null = null;
let host: BrowserHost | null = null;
let browser: Browser | null = null;
const peers = new Set<PhonePeer>();
const wavDir = mkdtempSync(path.join(tmpdir(), 'sb-bench-calls-'));

async function cleanup(): Promise<void> {
  for (const p of peers) await p.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await host?.close().catch(() => undefined);
  await app?.close().catch(() => undefined);
  rmSync(wavDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const machine = `${machineLine()}, before the run`;
  const wav = path.join(wavDir, 'mic-440hz.wav');
  writeFileSync(wav, encodeWav(toneSamples({ frequency: BUSINESS_TONE, amplitude: 0.5 }, 96_000, 1)));
  browser = await chromium.launch(
    chromiumLaunchOptions([`--use-file-for-fake-audio-capture=${wav}`, '--allow-loopback-in-peer-connection']),
  );
  app = await startSimApp();
  const { sim, services, creds } = app;
  host = await startBrowserHost({
    services,
    rendererDir: path.resolve(import.meta.dirname, '../../out/renderer'),
    port: 0,
    log: memoryLogger().log,
  });
  const page: Page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.addInitScript({ content: PAGE_CLOCK });
  await page.addInitScript({ content: INSTRUMENT });
  await page.goto(host.url);
  await page.getByTestId('app-frame').waitFor({ timeout: 15_000 });

  // Every Graph request the business makes, timestamped as the simulator records it.
  const sentAt = new WeakMap<object, number>();
  const sent = sim.ctx.sent;
  const push = sent.push.bind(sent);
  sent.push = (...items) => {
    for (const it of items) sentAt.set(it, now());
    return push(...items);
  };
  const callActions = (action: string) => sent.filter((x) => x.kind === 'call-action' && (x.body as { action?: string }).action === action);
  const json = { 'content-type': 'application/json' };
  const control = async (p: string, body: unknown = {}): Promise<Response> =>
    fetch(`${creds.controlUrl}${p}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
  const pcsClosed = async () => (await page.evaluate('window.__pcs.every((pc) => pc.connectionState === "closed")')) === true;

  // ---- (a) + (b): incoming calls, pre-accept on and off interleaved ----
  const ringMs: number[] = [];
  const ringDomMs: number[] = [];
  const answer = {
    on: { customer: [] as number[], app: [] as number[], appPackets: [] as number[], both: [] as number[] },
    off: { customer: [] as number[], app: [] as number[], appPackets: [] as number[], both: [] as number[] },
  };

  async function incoming(preAccept: boolean, record: boolean): Promise<void> {
    services.config.update((c) => {
      c.preferences.preAccept = preAccept;
    });
    const customer = createPhonePeer({
      label: 'customer',
      metaShaped: true,
      source: { kind: 'tone', frequency: CUSTOMER_TONE, amplitude: 0.3 },
    });
    peers.add(customer);
    let callId = '';
    let emittedAt = 0;
    let answered = false;
    const early: SimEvent[] = [];
    const onEvent = (e: SimEvent) => {
      if (e.type === 'webhook.emitted' && !emittedAt) {
        const v = e.data['value'] as { calls?: Array<{ event?: string }> } | undefined;
        if (e.data['field'] === 'calls' && v?.calls?.[0]?.event === 'connect') emittedAt = now();
      }
      if (!callId) {
        early.push(e);
        return;
      }
      handle(e);
    };
    // The phone: applies the business's answer as soon as it is relayed, talks once accepted.
    const handle = (e: SimEvent) => {
      if (e.data['callId'] !== callId) return;
      if ((e.type === 'call.pre_accepted' || e.type === 'call.accepted') && !answered) {
        answered = true;
        void customer.applyAnswer(String(e.data['sdp'])).then(() => {
          if (e.type === 'call.accepted') customer.startSending();
        });
      } else if (e.type === 'call.accepted') {
        customer.startSending();
      }
    };
    const unsubscribe = sim.ctx.events.subscribe(onEvent);
    try {
      const appear = page.evaluate('window.__appear(\'[data-testid="incoming-call"]\', 10000)') as Promise<{
        dom: number;
        painted: number;
      } | null>;
      const res = await control(`/users/${ana.wa_id}/call`, { sdp: await customer.createOffer() });
      if (res.status !== 201) throw new Error(`the simulator refused the call: HTTP ${res.status} ${await res.text()}`);
      callId = ((await res.json()) as { id: string }).id;
      for (const e of early.splice(0)) handle(e);
      const shown = await appear;
      if (!shown || !emittedAt) throw new Error('the ringing card did not appear');
      const ringingSince = now();
      if (record) {
        ringMs.push(shown.painted - emittedAt);
        ringDomMs.push(shown.dom - emittedAt);
      }
      if (preAccept) {
        await until('pre_accept', () => callActions('pre_accept').some((x) => x.status === 200 && JSON.stringify(x.body).includes(callId)));
        await customer.waitForConnected(10_000);
      }
      await sleep(Math.max(0, ringingSince + RING_BEFORE_ANSWER_MS - now()));

      // Answer: the customer's ear and the app's ear are watched from the click on.
      const appAudio = page.evaluate('window.__firstAudio(10000)') as Promise<{ packets: number | null; decoded: number | null }>;
      const customerHears = (async () => {
        const end = Date.now() + 10_000;
        while (Date.now() < end) {
          if (customer.analyze(20).rms > RMS_THRESHOLD) return now();
          await sleep(2);
        }
        return null;
      })();
      await page.getByTestId('incoming-answer').click();
      const [a, c] = await Promise.all([appAudio, customerHears]);
      const clickedAt = (await page.evaluate('window.__clicks["incoming-answer"]')) as number;
      if (a.decoded === null || c === null)
        throw new Error(`no audio after Answer (app ${String(a.decoded)}, customer ${String(c)}, pre-accept ${String(preAccept)})`);
      if (record) {
        const m = answer[preAccept ? 'on' : 'off'];
        m.customer.push(c - clickedAt);
        m.app.push(a.decoded - clickedAt);
        m.appPackets.push((a.packets ?? a.decoded) - clickedAt);
        m.both.push(Math.max(c, a.decoded) - clickedAt);
      }
      // The frequency heard is a sanity check that the audio is the other side's.
      const heard = customer.analyze(200);
      if (Math.abs(heard.frequency - BUSINESS_TONE) > 20)
        console.warn(`  (customer heard ${heard.frequency.toFixed(0)} Hz, expected ${BUSINESS_TONE})`);
      await page.getByTestId('call-hangup').click();
      await page.locator('[data-testid="call-ended"]').waitFor({ timeout: 10_000 });
      await until('peer connection closed', pcsClosed);
    } finally {
      unsubscribe();
      await customer.close().catch(() => undefined);
      peers.delete(customer);
    }
    await page.locator('[data-testid="incoming-call"]').waitFor({ state: 'detached', timeout: 10_000 });
    await sleep(200);
  }

  process.stdout.write(`incoming calls: ${RUNS} with pre-accept, ${RUNS} without, interleaved `);
  await incoming(true, false);
  await incoming(false, false);
  for (let i = 0; i < RUNS; i++) {
    await incoming(true, true);
    await incoming(false, true);
    process.stdout.write('.');
  }
  process.stdout.write('\n');

  // ---- (c): outgoing calls ----
  await control(`/users/${ana.wa_id}/messages`, { text: 'Me liga?' });
  await control(`/users/${ana.wa_id}/permission`, { response: 'accept', source: 'profile' });
  const threadId = await until('the thread', () => services.threads.listThreads().find((t) => t.contact.waId === ana.wa_id)?.id);
  await until('call permission', async () => {
    const r = await services.dispatch('getCallPermission', { threadId });
    return r.ok && (r.result as { canCall: boolean }).canCall;
  });
  const connectMs: number[] = [];
  async function outgoing(record: boolean): Promise<void> {
    const before = callActions('connect').length;
    const t0 = now();
    const placed = await services.dispatch('placeCall', { threadId });
    if (!placed.ok) throw new Error(`placeCall failed: ${JSON.stringify(placed)}`);
    const connect = await until('connect', () => callActions('connect')[before], 10_000, 2);
    if (connect.status !== 200) throw new Error(`connect refused: ${JSON.stringify(connect.response)}`);
    if (record) connectMs.push(sentAt.get(connect)! - t0);
    const localId = (placed.result as { localId: string }).localId;
    const callId = await until('call id', () => services.calls.get(localId)?.callId);
    await control(`/calls/${callId}/pickup`);
    await page.locator('[data-testid="call-state"][data-state="active"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('call-hangup').click();
    await page.locator('[data-testid="call-ended"]').waitFor({ timeout: 10_000 });
    await until('peer connection closed', pcsClosed);
    await sleep(200);
  }
  process.stdout.write(`outgoing calls: ${RUNS} `);
  await outgoing(false);
  for (let i = 0; i < RUNS; i++) {
    await outgoing(true);
    process.stdout.write('.');
  }
  process.stdout.write('\n\n');

  // ---- the table ----
  console.log(machine);
  const ms = (x: number) => `${x.toFixed(1).padStart(8)}`;
  const row = (label: string, s: Stat, target = '', verdict = '') =>
    console.log(`${label.padEnd(50)}${String(s.n).padStart(5)}${ms(s.p50)}${ms(s.p95)}   ${target.padEnd(22)}${verdict}`);
  const met = (ok: boolean) => (ok ? 'MET' : 'MISSED');
  console.log(`${'measure (ms)'.padEnd(50)}${'runs'.padStart(5)}${'p50'.padStart(8)}${'p95'.padStart(8)}   ${'target'.padEnd(22)}result`);
  const ring = stat(ringMs);
  row('(a) connect webhook → ringing card in DOM', stat(ringDomMs));
  row('(a) connect webhook → ringing card painted', ring, 'p95 < 150', met(ring.p95 < 150));
  const on = {
    customer: stat(answer.on.customer),
    app: stat(answer.on.app),
    appPackets: stat(answer.on.appPackets),
    both: stat(answer.on.both),
  };
  const off = {
    customer: stat(answer.off.customer),
    app: stat(answer.off.app),
    appPackets: stat(answer.off.appPackets),
    both: stat(answer.off.both),
  };
  console.log(`${'(b) Answer click → first audio'.padEnd(38)}${'with pre-accept'.padEnd(27)}|  without (baseline)`);
  const pair = (label: string, a: Stat, b: Stat) =>
    console.log(`    ${label.padEnd(34)}p50 ${ms(a.p50)} p95 ${ms(a.p95)}  |  p50 ${ms(b.p50)} p95 ${ms(b.p95)}`);
  pair('customer hears the business', on.customer, off.customer);
  pair('app: first packet', on.appPackets, off.appPackets);
  pair('app: first decoded audio', on.app, off.app);
  pair('both ends', on.both, off.both);
  row('(b) both ends, with pre-accept', on.both, 'p95 < 400', met(on.both.p95 < 400));
  row('(b) both ends, without pre-accept', off.both);
  const speedP50 = off.both.p50 / on.both.p50;
  const speedP95 = off.both.p95 / on.both.p95;
  console.log(
    `${'(b) speed-up from pre-accept (without ÷ with)'.padEnd(50)}${''.padStart(5)}${`${speedP50.toFixed(1)}×`.padStart(8)}${`${speedP95.toFixed(1)}×`.padStart(8)}   ${'≥ 2× (on p50)'.padEnd(22)}${met(speedP50 >= 2)}`,
  );
  const conn = stat(connectMs);
  row('(c) Call → connect received by the simulator', conn, 'p95 < 1500', met(conn.p95 < 1500));
}

const watchdog = setTimeout(() => {
  console.error('benchmark timed out (15 min)');
  void cleanup().finally(() => process.exit(1));
}, 15 * 60_000);
watchdog.unref();
try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
