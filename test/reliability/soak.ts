/**
 * Soak (issue 9; not in CI): Switchboard at a small business's pace for an hour, through the
 * Cloud API simulator with its webhook faults on, while its memory and handles are sampled.
 *
 *   npx electron-vite build     # once: the app's page is served from out/renderer
 *   node test/reliability/soak.ts [--minutes 60] [--sample-seconds 30] [--speed 1] [--no-browser]
 *
 * The app is main's services plus the browser host in a process of their own
 * (`test/support/app-process.ts`, with --expose-gc), so what is sampled is the app alone: the
 * simulator, the customers' phones and Chromium run elsewhere. Debian Chromium shows the app's page
 * and carries its call audio (fake microphone, 440 Hz); customers are werift phones (1000 Hz).
 *
 * The traffic, with jitter (seeded): a customer message every ~20 s (the owner replies to about
 * half, so statuses flow back), an incoming call every ~2 min (the owner answers in the page after
 * 1–4 s of ringing, they talk 20–60 s, then either side hangs up), an outgoing call every ~6 min
 * (placed as the Call button does, picked up by the customer's phone, 15–30 s, either side hangs
 * up), and every minute a few webhooks duplicated, reordered or delayed by 5 s. `--speed N` divides
 * every interval (for the smoke test).
 *
 * A warm-up (one call each way, not sampled) loads every code path first. Then, every
 * `--sample-seconds`, the app process reports RSS, heapUsed after a forced GC, its active
 * handles by type (`process.getActiveResourcesInfo()`), open file descriptors (/proc/self/fd),
 * the database size, and the page's JS heap (CDP Performance.getMetrics after a GC). At the end:
 * a table of the samples and the trend — the mean of the last third against the mean of the
 * second third (the first third is warm-up). It fails if the heap (app or page) grows more than
 * 20%, or handles or descriptors grow beyond a small tolerance, or a call or message went wrong.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { createSimulator } from '../sim/simulator.ts';
import type { SimEvent } from '../sim/events.ts';
import { createPhonePeer, type PhonePeer } from '../sim/peer/phone-peer.ts';
import { encodeWav, toneSamples } from '../sim/peer/audio.ts';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import { startAppProcess, type AppMetrics, type AppProcess } from '../support/app-process.ts';
import { defaultSeed } from '../support/sim-app.ts';
import { prng } from '../support/prng.ts';
import { cliNumber, cliOptions } from '../support/cli.ts';
import { until } from '../support/until.ts';

export interface SoakOptions {
  minutes: number;
  sampleSeconds: number;
  /** Divides every traffic interval (1 = a real small business). */
  speed?: number;
  /** Run Chromium with the app's page (calls need it); without it only messages flow. */
  browser?: boolean;
  seed?: number;
  progress?: (line: string) => void;
  /** Ends the traffic early (Ctrl+C); the soak still drains, samples and reports. */
  signal?: AbortSignal;
}

export interface SoakSample {
  t: number; // seconds since start
  rss: number;
  heapUsed: number;
  external: number;
  handles: number;
  timers: number;
  resources: Record<string, number>;
  fds: number;
  dbBytes: number;
  calls: number;
  pageHeap: number | null;
}

export interface SoakTrend {
  metric: string;
  second: number;
  last: number;
  change: number; // last − second
  ratio: number; // last / second
  limit: string;
  ok: boolean;
}

export interface SoakReport {
  minutes: number;
  counts: {
    warmUpCalls: number;
    customerMessages: number;
    replies: number;
    repliesFailed: number;
    incomingCalls: number;
    incomingAnswered: number;
    outgoingCalls: number;
    outgoingConnected: number;
    hangupsByCustomer: number;
    hangupsByOwner: number;
    faultRules: number;
    webhookPosts: number;
    retries: number;
    duplicatePosts: number;
  };
  samples: SoakSample[];
  trend: SoakTrend[];
  failures: string[];
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const napUntil = (ms: number, signal: AbortSignal | undefined) => wait(ms, undefined, signal ? { signal } : {}).catch(() => undefined);

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Mean of the last third against the mean of the second third (the first third is warm-up). */
export function soakTrend(samples: SoakSample[]): SoakTrend[] {
  const n = samples.length;
  const a = Math.floor(n / 3);
  const b = Math.floor((2 * n) / 3);
  const second = samples.slice(a, b);
  const last = samples.slice(b);
  const row = (
    metric: string,
    get: (s: SoakSample) => number | null,
    check: (s: number, l: number) => boolean,
    limit: string,
  ): SoakTrend | null => {
    const sv = second.map(get).filter((v): v is number => v !== null);
    const lv = last.map(get).filter((v): v is number => v !== null);
    if (!sv.length || !lv.length) return null;
    const s = mean(sv);
    const l = mean(lv);
    return { metric, second: s, last: l, change: l - s, ratio: s ? l / s : 1, limit, ok: check(s, l) };
  };
  return [
    row(
      'app heapUsed (after GC)',
      (s) => s.heapUsed,
      (s, l) => l <= s * 1.2,
      '≤ +20%',
    ),
    row(
      'app RSS',
      (s) => s.rss,
      (s, l) => l <= s * 1.2,
      '≤ +20%',
    ),
    row(
      'app handles (not timers)',
      (s) => s.handles - s.timers,
      (s, l) => l <= s + 2,
      '≤ +2',
    ),
    // Ended calls are remembered for 10 minutes (one timer each), so timers follow the call rate.
    row(
      'app timers',
      (s) => s.timers,
      (s, l) => l <= s + 4,
      '≤ +4',
    ),
    row(
      'app open fds',
      (s) => s.fds,
      (s, l) => l <= s + 3,
      '≤ +3',
    ),
    row(
      'page JS heap (after GC)',
      (s) => s.pageHeap,
      (s, l) => l <= s * 1.2,
      '≤ +20%',
    ),
    row(
      'database bytes',
      (s) => s.dbBytes,
      () => true,
      '(grows with data)',
    ),
  ].filter((r): r is SoakTrend => r !== null);
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const t0 = Date.now();
  const speed = opts.speed ?? 1;
  const rnd = prng(opts.seed ?? 9);
  const progress = opts.progress ?? (() => {});
  const jitter = (ms: number) => Math.round((ms / speed) * (0.6 + 0.8 * rnd()));
  const failures: string[] = [];
  const counts: SoakReport['counts'] = {
    warmUpCalls: 0,
    customerMessages: 0,
    replies: 0,
    repliesFailed: 0,
    incomingCalls: 0,
    incomingAnswered: 0,
    outgoingCalls: 0,
    outgoingConnected: 0,
    hangupsByCustomer: 0,
    hangupsByOwner: 0,
    faultRules: 0,
    webhookPosts: 0,
    retries: 0,
    duplicatePosts: 0,
  };
  const samples: SoakSample[] = [];
  const sim = createSimulator({ seed: defaultSeed, timeFactor: 20, webhookConcurrency: 2 });
  await sim.listen(0);
  const creds = sim.credentials();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-soak-'));
  const wavDir = mkdtempSync(path.join(tmpdir(), 'sb-soak-wav-'));
  let app: AppProcess | null = null;
  let browser: Browser | null = null;
  const peers = new Set<PhonePeer>();
  let stop = false;
  try {
    const useBrowser = opts.browser ?? true;
    app = await startAppProcess({
      dataDir,
      credentials: creds,
      exposeGc: true,
      logLevel: 'error',
      ...(useBrowser ? { ui: { port: 0, rendererDir: path.resolve(import.meta.dirname, '../../out/renderer') } } : {}),
    });
    void app.exited.then(({ code, signal }) => {
      if (!stop) failures.push(`the app exited during the soak (code ${code}, signal ${signal}): ${app!.output().slice(-1500)}`);
    });
    const graph = `${creds.graphBaseUrl}/${creds.apiVersion}`;
    const set = await fetch(`${graph}/${creds.phoneNumberId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${creds.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        webhook_configuration: { override_callback_uri: `http://127.0.0.1:${app.webhookPort}/webhook`, verify_token: app.verifyToken },
      }),
    });
    if (set.status !== 200) throw new Error(`the simulator refused the callback override: HTTP ${set.status}`);
    const control = async (method: string, p: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
      const res = await fetch(`${creds.controlUrl}${p}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };

    // Twenty customers with phone numbers; everyone has granted call permission from the profile.
    const customers: string[] = [];
    for (let i = 0; i < 20; i++) {
      const waId = `55219${String(20_000_000 + i)}`;
      const r = await control('POST', '/users', { wa_id: waId, name: `Cliente ${i}`, country: 'BR' });
      if (r.status !== 201) throw new Error(`could not create a customer: ${JSON.stringify(r.json)}`);
      customers.push(waId);
    }
    const pickCustomer = () => customers[Math.floor(rnd() * customers.length)]!;
    const threadIdOf = async (waId: string): Promise<number | null> => {
      const page: { threads: Array<{ id: number; contact: { waId: string | null } }> } = await app!.dispatch('listThreads', {
        filter: 'all',
        after: null,
        limit: 200,
      });
      return page.threads.find((t) => t.contact.waId === waId)?.id ?? null;
    };

    let page: Page | null = null;
    let cdp: CDPSession | null = null;
    if (useBrowser) {
      const wav = path.join(wavDir, 'mic-440hz.wav');
      writeFileSync(wav, encodeWav(toneSamples({ frequency: 440, amplitude: 0.5 }, 96_000, 1)));
      browser = await chromium.launch({
        ...chromiumLaunchOptions([`--use-file-for-fake-audio-capture=${wav}`, '--allow-loopback-in-peer-connection']),
        handleSIGINT: false,
        handleSIGTERM: false,
      });
      page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await page.goto(app.uiUrl!);
      await page.getByTestId('app-frame').waitFor({ timeout: 20_000 });
      cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
    }

    // ---- sampling ----
    const sample = async (): Promise<void> => {
      const m: AppMetrics = await app!.metrics();
      let pageHeap: number | null = null;
      if (cdp) {
        await cdp.send('HeapProfiler.collectGarbage').catch(() => undefined);
        const { metrics } = await cdp.send('Performance.getMetrics');
        pageHeap = metrics.find((x) => x.name === 'JSHeapUsedSize')?.value ?? null;
      }
      const s: SoakSample = {
        t: Math.round((Date.now() - measuredFrom) / 1000),
        rss: m.rss,
        heapUsed: m.heapUsed,
        external: m.external,
        handles: m.resourcesTotal,
        timers: (m.resources['Timeout'] ?? 0) + (m.resources['Immediate'] ?? 0),
        resources: m.resources,
        fds: m.fds,
        dbBytes: m.dbBytes,
        calls: m.calls,
        pageHeap,
      };
      samples.push(s);
      progress(
        `t=${s.t}s heap ${(s.heapUsed / 1e6).toFixed(1)} MB, rss ${(s.rss / 1e6).toFixed(1)} MB, handles ${s.handles} (${s.timers} timers), fds ${s.fds}, db ${(s.dbBytes / 1e3).toFixed(0)} kB, page heap ${pageHeap === null ? '—' : `${(pageHeap / 1e6).toFixed(1)} MB`}; ${counts.customerMessages} messages, ${counts.incomingCalls}+${counts.outgoingCalls} calls`,
      );
    };

    // ---- traffic ----
    const simEvents: SimEvent[] = [];
    const offSim = sim.ctx.events.subscribe((e) => {
      if (e.type.startsWith('call.')) simEvents.push(e);
      if (simEvents.length > 500) simEvents.splice(0, 250);
    });
    // Set once the warm-up is over.
    let measuredFrom = Date.now();
    let endAt = Infinity;
    const running = () => !stop && !opts.signal?.aborted && Date.now() < endAt;
    /** Waits, but not past the end of the soak. */
    const nap = (ms: number) => napUntil(Math.max(0, Math.min(ms, endAt - Date.now())), opts.signal);

    const messages = async (): Promise<void> => {
      while (running()) {
        await nap(jitter(20_000));
        if (!running()) break;
        const waId = pickCustomer();
        const r = await control('POST', `/users/${waId}/messages`, {
          text: `Olá! Pedido ${counts.customerMessages + 1}, vocês entregam hoje?`,
        });
        if (r.status !== 201) failures.push(`the simulator refused a message: ${JSON.stringify(r.json)}`);
        counts.customerMessages++;
        if (rnd() < 0.5) {
          const threadId = await until('the thread of a customer who wrote', () => threadIdOf(waId), 15_000, 200).catch(() => null);
          if (threadId === null) {
            failures.push(`no thread for ${waId} 15 s after they wrote`);
            continue;
          }
          counts.replies++;
          const item = await app!
            .dispatch<{ status: string | null }>('sendTextMessage', { threadId, text: 'Entregamos sim, até as 18h.' })
            .catch((err: Error) => ({ status: `error ${err.message}` }));
          if (item.status !== 'sent' && item.status !== 'delivered' && item.status !== 'read') {
            counts.repliesFailed++;
            failures.push(`a reply was not sent: ${item.status}`);
          }
        }
      }
    };

    let callBusy: Promise<void> = Promise.resolve();
    const withCallLock = (f: () => Promise<void>): Promise<void> => {
      const next = callBusy.then(f, f);
      callBusy = next.catch(() => undefined);
      return next;
    };

    const hangUp = async (callId: string): Promise<void> => {
      if (rnd() < 0.5) {
        counts.hangupsByCustomer++;
        await control('POST', `/calls/${callId}/hangup`);
      } else {
        counts.hangupsByOwner++;
        await page!.getByTestId('call-hangup').click({ timeout: 10_000 });
      }
      await page!.locator('[data-testid="call-ended"]').waitFor({ timeout: 15_000 });
      await until('the call ended at the simulator', () => sim.calls.get(callId)?.state === 'ended', 15_000);
    };

    const incoming = async (talkMs = Math.max(3000, (20_000 + rnd() * 40_000) / speed)): Promise<void> => {
      const waId = pickCustomer();
      const customer = createPhonePeer({ label: 'customer', metaShaped: true, source: { kind: 'tone', frequency: 1000, amplitude: 0.3 } });
      peers.add(customer);
      try {
        counts.incomingCalls++;
        const res = await control('POST', `/users/${waId}/call`, { sdp: await customer.createOffer() });
        if (res.status !== 201) throw new Error(`the simulator refused the call: ${JSON.stringify(res.json)}`);
        const callId = String(res.json['id']);
        let applied = false;
        const apply = async (): Promise<void> => {
          for (const e of simEvents) {
            if (e.data['callId'] !== callId) continue;
            if ((e.type === 'call.pre_accepted' || e.type === 'call.accepted') && !applied) {
              applied = true;
              await customer.applyAnswer(String(e.data['sdp']));
            }
            if (e.type === 'call.accepted' && applied) return;
          }
        };
        await page!.getByTestId('incoming-answer').waitFor({ timeout: 15_000 });
        await sleep(1000 + rnd() * 3000);
        await page!.getByTestId('incoming-answer').click();
        await until(
          'the call accepted',
          async () => {
            await apply();
            return simEvents.some((e) => e.type === 'call.accepted' && e.data['callId'] === callId) && applied;
          },
          15_000,
        );
        await customer.waitForConnected(15_000);
        customer.startSending();
        await control('POST', `/calls/${callId}/media`, { receiving: true });
        await page!.locator('[data-testid="call-state"][data-state="active"]').waitFor({ timeout: 15_000 });
        counts.incomingAnswered++;
        await sleep(talkMs);
        const heard = customer.analyze(500);
        if (heard.rms < 0.005) failures.push(`incoming call ${callId}: the customer heard nothing (rms ${heard.rms.toFixed(4)})`);
        await hangUp(callId);
      } finally {
        await customer.close().catch(() => undefined);
        peers.delete(customer);
      }
    };

    const outgoing = async (talkMs = Math.max(3000, (15_000 + rnd() * 15_000) / speed)): Promise<void> => {
      const waId = pickCustomer();
      // A customer who wrote earlier (so the thread exists) and allows calls from the profile.
      await control('POST', `/users/${waId}/messages`, { text: 'Pode me ligar?' });
      counts.customerMessages++;
      await control('POST', `/users/${waId}/permission`, { response: 'accept', source: 'profile' });
      const threadId = await until('the thread', () => threadIdOf(waId), 15_000, 200);
      await until(
        'call permission',
        async () => (await app!.dispatch<{ canCall: boolean }>('getCallPermission', { threadId })).canCall,
        15_000,
        300,
      );
      const phone = createPhonePeer({ label: 'customer-bic', source: { kind: 'tone', frequency: 1000, amplitude: 0.3 } });
      peers.add(phone);
      try {
        counts.outgoingCalls++;
        const since = simEvents.at(-1)?.seq ?? 0;
        await app!.dispatch('placeCall', { threadId });
        const incomingEvent = await until(
          'the call reaching the customer',
          () => simEvents.find((e) => e.seq > since && e.type === 'call.incoming' && e.data['waId'] === waId),
          20_000,
        );
        const callId = String(incomingEvent.data['callId']);
        await sleep(1000 + rnd() * 3000);
        const answer = await phone.acceptOffer(String(incomingEvent.data['sdp']));
        const r = await control('POST', `/calls/${callId}/answer`, { sdp: answer, pickup: true });
        if (r.status !== 200) throw new Error(`the phone could not pick up: ${JSON.stringify(r.json)}`);
        await phone.waitForConnected(15_000);
        phone.startSending();
        await control('POST', `/calls/${callId}/media`, { receiving: true });
        await page!.locator('[data-testid="call-state"][data-state="active"]').waitFor({ timeout: 15_000 });
        counts.outgoingConnected++;
        await sleep(talkMs);
        const heard = phone.analyze(500);
        if (heard.rms < 0.005) failures.push(`outgoing call ${callId}: the customer heard nothing (rms ${heard.rms.toFixed(4)})`);
        await hangUp(callId);
      } finally {
        await phone.close().catch(() => undefined);
        peers.delete(phone);
      }
    };

    /** The owner closes the "call ended" card (it would go by itself after a few seconds). */
    const dismissEnded = async (): Promise<void> => {
      await page!
        .getByTestId('call-dismiss')
        .click({ timeout: 2000 })
        .catch(() => undefined);
      await page!
        .locator('[data-testid="call-ended"]')
        .waitFor({ state: 'detached', timeout: 20_000 })
        .catch(() => undefined);
    };

    const callLoop = async (every: number, what: string, f: () => Promise<void>): Promise<void> => {
      while (running()) {
        await nap(jitter(every));
        if (!running()) break;
        await withCallLock(async () => {
          if (!running()) return;
          try {
            await f();
          } catch (err) {
            // What each side thought of the call, to tell an app fault from a harness one.
            const appCalls = await app!
              .dispatch<{
                calls: Array<{ callId: string | null; direction: string; state: string; outcome: string | null; reason: string | null }>;
              }>('listCalls', {})
              .catch(() => ({ calls: [] }));
            const live = appCalls.calls
              .slice(-2)
              .map(
                (c) => `${c.direction} ${c.callId ?? '?'} ${c.state}${c.outcome ? `/${c.outcome}` : ''}${c.reason ? ` (${c.reason})` : ''}`,
              );
            const simCalls = [...sim.calls.calls.values()].slice(-2).map((c) => `${c.id} ${c.state}`);
            const message = `${(err as Error).message.split('\n')[0]} [app: ${live.join('; ') || 'no calls'}; simulator: ${simCalls.join('; ')}]`;
            failures.push(`${what}: ${message}`);
            progress(`${what} FAILED: ${message}`);
            // Leave nothing ringing or connected behind for the next call.
            for (const c of [...sim.calls.calls.values()])
              if (c.state !== 'ended') await control('POST', `/calls/${c.id}/hangup`).catch(() => undefined);
          }
          await dismissEnded();
        });
      }
    };

    const faults = async (): Promise<void> => {
      while (running()) {
        const r = await control('PUT', '/faults', {
          next: [
            { faults: { duplicate: true }, count: 2 },
            { faults: { reorder: true }, count: 1 },
            { faults: { delayMs: 5000 }, count: 1 },
          ],
        });
        if (r.status === 200) counts.faultRules += 3;
        await nap(60_000 / speed);
      }
    };

    const sampler = async (): Promise<void> => {
      while (running()) {
        await sample().catch((err: unknown) => failures.push(`sampling failed: ${(err as Error).message}`));
        await nap(opts.sampleSeconds * 1000);
      }
    };

    // Warm-up, not measured: one call each way and a reply load every code path the traffic uses
    // (the page's call code, the media engine), so the samples show growth rather than first use.
    if (useBrowser) {
      for (const [what, f] of [
        ['warm-up incoming call', () => incoming(2000)],
        ['warm-up outgoing call', () => outgoing(2000)],
      ] as const) {
        await withCallLock(async () => {
          try {
            await f();
          } catch (err) {
            failures.push(`${what}: ${(err as Error).message}`);
          }
          await dismissEnded();
        });
      }
      counts.warmUpCalls = 2;
    }
    measuredFrom = Date.now();
    endAt = measuredFrom + opts.minutes * 60_000;
    progress(`warm-up done in ${((measuredFrom - t0) / 1000).toFixed(0)} s; measuring for ${opts.minutes} min`);
    await Promise.all([
      sampler(),
      messages(),
      faults(),
      ...(useBrowser ? [callLoop(120_000, 'incoming call', () => incoming()), callLoop(360_000, 'outgoing call', () => outgoing())] : []),
    ]);
    await callBusy;
    stop = true;
    offSim();
    // Everything the simulator sent must have arrived, and the app must have processed it.
    await until(
      'every webhook delivered',
      () => sim.webhooks.pendingCount() === 0 && sim.webhooks.posts.every((p) => p.state === 'delivered'),
      60_000,
      200,
    ).catch((err: Error) => failures.push(err.message));
    await until('the inbox processed', async () => (await app!.metrics()).inbox.pending === 0, 20_000, 200).catch((err: Error) =>
      failures.push(err.message),
    );
    await sample();
    const m = await app.metrics();
    if (m.inbox.malformed > 0) failures.push(`${m.inbox.malformed} webhook bodies marked malformed`);
    const posts = sim.webhooks.posts;
    counts.webhookPosts = posts.length;
    counts.retries = posts.reduce((n, p) => n + Math.max(0, p.attempts - 1), 0);
    counts.duplicatePosts = posts.filter((p) => p.duplicateOf !== undefined).length;
    const trend = soakTrend(samples);
    for (const t of trend)
      if (!t.ok) failures.push(`${t.metric} grew from ${fmt(t.metric, t.second)} to ${fmt(t.metric, t.last)} (limit ${t.limit})`);
    if (samples.length < 3) failures.push(`only ${samples.length} samples: run longer or sample more often for a trend`);
    return { minutes: opts.minutes, counts, samples, trend, failures, seconds: (Date.now() - t0) / 1000 };
  } finally {
    stop = true;
    for (const p of peers) await p.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    if (app) {
      const r = await app.stop();
      if (r.code !== 0) progress(`the app did not stop cleanly (code ${r.code}, signal ${r.signal})`);
    }
    await sim.close();
    rmSync(wavDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function fmt(metric: string, v: number): string {
  return /heap|RSS|bytes/.test(metric) ? `${(v / 1e6).toFixed(2)} MB` : v.toFixed(1);
}

export function formatSoak(r: SoakReport): string {
  const c = r.counts;
  const mb = (v: number | null) => (v === null ? '—' : (v / 1e6).toFixed(1));
  const lines = [
    `soak: ${r.minutes} min measured (${r.seconds.toFixed(0)} s in all, after a warm-up of ${c.warmUpCalls} calls, counted below): ${c.customerMessages} customer messages, ${c.replies} replies (${c.repliesFailed} failed), ${c.incomingCalls} incoming calls (${c.incomingAnswered} answered), ${c.outgoingCalls} outgoing (${c.outgoingConnected} connected), hung up by the customer ${c.hangupsByCustomer} / the owner ${c.hangupsByOwner}; faults: ${c.faultRules} fault rules, ${c.duplicatePosts} duplicated posts, ${c.retries} retries over ${c.webhookPosts} webhook posts`,
    '',
    `${'t (s)'.padStart(6)} ${'rss MB'.padStart(7)} ${'heap MB'.padStart(8)} ${'handles'.padStart(8)} ${'timers'.padStart(7)} ${'fds'.padStart(5)} ${'db kB'.padStart(7)} ${'calls'.padStart(6)} ${'page MB'.padStart(8)}  resources`,
    ...r.samples.map(
      (s) =>
        `${String(s.t).padStart(6)} ${mb(s.rss).padStart(7)} ${mb(s.heapUsed).padStart(8)} ${String(s.handles).padStart(8)} ${String(s.timers).padStart(7)} ${String(s.fds).padStart(5)} ${(s.dbBytes / 1e3).toFixed(0).padStart(7)} ${String(s.calls).padStart(6)} ${mb(s.pageHeap).padStart(8)}  ${Object.entries(
          s.resources,
        )
          .map(([k, v]) => `${k}:${v}`)
          .join(' ')}`,
    ),
    '',
    `trend (mean of the last third vs the second third; the first third is warm-up):`,
    ...r.trend.map(
      (t) =>
        `  ${t.metric.padEnd(28)} ${fmt(t.metric, t.second).padStart(10)} → ${fmt(t.metric, t.last).padStart(10)}  (${t.change >= 0 ? '+' : ''}${/heap|RSS|bytes/.test(t.metric) ? `${((t.ratio - 1) * 100).toFixed(1)}%` : t.change.toFixed(1)})  limit ${t.limit}  ${t.ok ? 'ok' : 'GREW'}`,
    ),
    r.failures.length === 0 ? 'every invariant held' : `FAILED (${r.failures.length}):\n  ${r.failures.slice(0, 30).join('\n  ')}`,
  ];
  return lines.join('\n');
}

if (process.argv[1] && process.argv[1].endsWith('soak.ts')) {
  const values = cliOptions(
    'usage: node test/reliability/soak.ts [--minutes 60] [--sample-seconds 30] [--speed 1] [--seed 9] [--no-browser]',
    {
      minutes: { type: 'string', default: '60' },
      'sample-seconds': { type: 'string', default: '30' },
      speed: { type: 'string', default: '1' },
      seed: { type: 'string', default: '9' },
      'no-browser': { type: 'boolean', default: false },
    },
  );
  const num = (name: string, v: string, min: number): number => cliNumber(name, v, min, { integer: false });
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('stopping: draining and reporting (again to quit at once)\n');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const r = await runSoak({
    signal: abort.signal,
    minutes: num('minutes', values.minutes, 0.1),
    sampleSeconds: num('sample-seconds', values['sample-seconds'], 1),
    speed: num('speed', values.speed, 0.1),
    seed: num('seed', values.seed, 0),
    browser: !values['no-browser'],
    progress: (l) => process.stderr.write(`${l}\n`),
  });
  console.log(formatSoak(r));
  process.exit(r.failures.length === 0 ? 0 : 1);
}
