/**
 * WhatsApp's own call recording and transcription (issue 16), end to end with real audio: the
 * Cloud API simulator, main's services and the browser host run in this process; Chromium runs
 * the built renderer with a fake microphone playing 440 Hz (the business); the customer is a
 * werift phone sending 1000 Hz. The simulator records the call from the phone's real packets
 * (left = business, right = customer), posts call_recording_available /
 * call_transcription_available after the call (delays shortened with PUT /_sim/config), and the
 * app downloads both. What is asserted is what the owner sees and hears: the Recording indicator,
 * the call card's player (its decoded audio holds both tones), the transcript, search, failures.
 *
 * Screenshots (not committed) go to test/screenshots/recordings/.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAX_LINE_CHARS } from '../../main/recordings/transcript.ts';
import { encodeWav, toneSamples } from '../sim/peer/audio.ts';
import { createPhonePeer, type PhonePeer } from '../sim/peer/phone-peer.ts';
import { callAppSpec, type CallApp } from './support/call-app.ts';

const BUSINESS_TONE = 440;
const CUSTOMER_TONE = 1000;
const seed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../sim/seed.default.json'), 'utf8')) as {
  users: Array<{ wa_id?: string; name: string }>;
};
const ana = seed.users[0]!;
const shotsDir = path.resolve(import.meta.dirname, '../screenshots/recordings');

// The business's microphone: 2 s of 440 Hz (a whole number of cycles, so Chromium loops it without a click).
const wavDir = mkdtempSync(path.join(tmpdir(), 'sb-recordings-'));
const wav = path.join(wavDir, 'mic-440hz.wav');
writeFileSync(wav, encodeWav(toneSamples({ frequency: BUSINESS_TONE, amplitude: 0.5 }, 96_000, 1)));
const spec = callAppSpec({ shotsDir, launchArgs: [`--use-file-for-fake-audio-capture=${wav}`, '--allow-loopback-in-peer-connection'] });

test.describe.configure({ mode: 'serial' });
test.afterAll(() => rmSync(wavDir, { recursive: true, force: true }));

async function sim(app: CallApp, method: string, pathname: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${app.controlUrl}${pathname}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  expect(res.status, `${method} ${pathname}: ${text.slice(0, 300)}`).toBeLessThan(300);
  return text ? (JSON.parse(text) as unknown) : null;
}

type SimCall = {
  recording: Record<string, unknown> | null;
  transcription: Record<string, unknown> | null;
  recording_media_id: string | null;
  transcript_media_id: string | null;
};

/**
 * Test-only instrumentation, injected before the app loads: keeps each Blob the app turns into an
 * object URL (the page's CSP, connect-src 'self', forbids fetching a blob: URL back), and counts
 * alert() calls.
 */
function instrument(): void {
  const w = window as unknown as { __blobs: Map<string, Blob>; __alerts: number };
  w.__blobs = new Map();
  w.__alerts = 0;
  const create = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (obj: Blob | MediaSource): string => {
    const url = create(obj);
    if (obj instanceof Blob) w.__blobs.set(url, obj);
    return url;
  };
  window.alert = () => void (w.__alerts += 1);
}

/** A running app whose simulator sends the recording's webhooks soon after a call (sim clock). */
async function startApp(): Promise<CallApp> {
  const app = await spec.start({ seed, viewport: { width: 1280, height: 800 }, initScript: instrument });
  await sim(app, 'PUT', '/config', { recordingReadyAfterMs: 300, transcriptReadyAfterMs: 600 });
  return app;
}

/** Settings → Calling → Recording and transcripts: which calls are recorded, through the UI. */
async function chooseMode(p: Page, mode: 'off' | 'all' | 'ask'): Promise<Locator> {
  await p.getByTestId('nav-settings').click();
  await p.getByTestId('settings-nav-calling').click();
  const card = p.getByTestId('recording-settings');
  await expect(card).toBeVisible();
  await card.getByTestId(`recording-mode-${mode}`).check();
  await expect(card.getByTestId('recording-mode-note')).toContainText('Saved');
  await expect(card.getByTestId(`recording-mode-${mode}`)).toBeChecked();
  return card;
}

/**
 * Ana calls with a phone sending 1000 Hz; the owner answers in the UI (pressing Record first when
 * `record`); the phone connects and both sides hear each other. `script`: the words of the call's
 * transcript (set before it ends). Returns the call and the phone.
 */
async function answeredCall(
  app: CallApp,
  o: { record?: boolean; script?: Array<{ speaker: 'business' | 'user'; text: string }> } = {},
): Promise<{ callId: string; customer: PhonePeer }> {
  const p = app.page;
  const customer = createPhonePeer({
    label: 'customer',
    metaShaped: true,
    source: { kind: 'tone', frequency: CUSTOMER_TONE, amplitude: 0.3 },
  });
  spec.peers.push(customer);
  const { id: callId } = (await sim(app, 'POST', `/users/${ana.wa_id}/call`, { sdp: await customer.createOffer() })) as { id: string };
  if (o.script) await sim(app, 'POST', `/calls/${callId}/transcript`, { lines: o.script });
  const ringing = p.getByTestId('incoming-call');
  await expect(ringing).toBeVisible();
  if (o.record !== undefined) {
    const toggle = ringing.getByTestId('incoming-record');
    await expect(toggle).toBeVisible();
    if ((await toggle.getAttribute('aria-pressed')) !== String(o.record)) await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', String(o.record));
  }
  await ringing.getByTestId('incoming-answer').click();
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
  const answer = (await sim(app, 'GET', `/calls/${callId}/answer`)) as { sdp: string };
  await customer.applyAnswer(answer.sdp);
  await customer.waitForConnected(15_000);
  customer.startSending();
  await sim(app, 'POST', `/calls/${callId}/media`, { receiving: true });
  await customer.waitFor(
    () => Math.abs(customer.analyze(300).frequency - BUSINESS_TONE) <= 15 && customer.analyze(300).rms > 0.01,
    15_000,
    'the customer hears 440 Hz',
  );
  return { callId, customer };
}

/** The owner hangs up (unless done), then opens Ana's conversation; its last call card. */
async function hangUpAndOpenCard(p: Page): Promise<Locator> {
  if (await p.getByTestId('call-hangup').isVisible()) await p.getByTestId('call-hangup').click();
  await expect(p.getByTestId('call-panel')).toHaveCount(0);
  await p.getByTestId('nav-threads').click();
  await p.locator('[data-testid^="thread-row-"][data-thread-id]').first().click();
  const card = p
    .getByTestId('timeline')
    .locator('[data-testid^="item-"]')
    .filter({ has: p.getByTestId('call-recording-section') });
  await expect(card.last()).toBeVisible();
  return card.last();
}

/** Light and dark, at 960 and 1440 px wide, with `target` scrolled into view. */
async function shots(p: Page, name: string, target: Locator): Promise<void> {
  const size = p.viewportSize();
  for (const width of [960, 1440]) {
    await p.setViewportSize({ width, height: 900 });
    for (const scheme of ['light', 'dark'] as const) {
      await p.emulateMedia({ colorScheme: scheme });
      await target.scrollIntoViewIfNeeded();
      await p.waitForTimeout(120);
      await p.screenshot({ path: path.join(shotsDir, `${name}-${width}-${scheme}.png`) });
    }
  }
  await p.emulateMedia({ colorScheme: 'light' });
  if (size) await p.setViewportSize(size);
}

/**
 * In the page: the recording the player holds (its blob: URL, the bytes main handed over),
 * decoded by Chromium, and the level of each tone in each channel (Goertzel, as an amplitude).
 */
async function toneLevels(
  p: Page,
): Promise<{ seconds: number; channels: number; left: Record<string, number>; right: Record<string, number> }> {
  return p.getByTestId('recording-audio').evaluate(
    async (el: HTMLAudioElement, freqs: number[]) => {
      const blob = (window as unknown as { __blobs: Map<string, Blob> }).__blobs.get(el.src);
      if (!blob) throw new Error(`no blob behind ${el.src}`);
      const bytes = await blob.arrayBuffer();
      const ctx = new OfflineAudioContext(2, 48_000, 48_000);
      const buf = await ctx.decodeAudioData(bytes);
      const level = (x: Float32Array, f: number): number => {
        // Goertzel over the whole channel, normalised to the amplitude of a sine at f.
        const w = (2 * Math.PI * f) / buf.sampleRate;
        const k = 2 * Math.cos(w);
        let s1 = 0;
        let s2 = 0;
        for (const v of x) {
          const s0 = v + k * s1 - s2;
          s2 = s1;
          s1 = s0;
        }
        return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - k * s1 * s2))) / x.length;
      };
      const of = (ch: number) =>
        Object.fromEntries(freqs.map((f) => [String(f), level(buf.getChannelData(Math.min(ch, buf.numberOfChannels - 1)), f)]));
      return { seconds: buf.duration, channels: buf.numberOfChannels, left: of(0), right: of(1) };
    },
    [BUSINESS_TONE, CUSTOMER_TONE, 700],
  );
}

test('recording on for all calls: indicator, webhooks, a player with both tones, speed, a transcript whose times seek', async () => {
  test.setTimeout(60_000);
  const app = await startApp();
  const p = app.page;

  // Settings → Calling → Recording and transcripts: on for every call.
  const settings = await chooseMode(p, 'all');
  await shots(p, 'settings', settings);

  await p.getByTestId('nav-threads').click();
  const { callId } = await answeredCall(app);
  await expect(p.getByTestId('call-recording')).toContainText('Recording');
  await expect(p.getByTestId('call-recording')).toContainText('audio and transcript');
  // What Graph's accept carried: both objects, with a purpose and a language WhatsApp knows.
  const asked = (await sim(app, 'GET', `/calls/${callId}`)) as SimCall;
  for (const o of [asked.recording, asked.transcription]) {
    expect(o).toMatchObject({ status: 'ENABLED', purpose: expect.stringMatching(/\S/), announcement_language: 'en_US' });
  }
  await p.waitForTimeout(3500); // a few seconds of both tones

  // Hung up: the ended call says how long it lasted, and that stays put while it lingers.
  await p.getByTestId('call-hangup').click();
  const outcome = p.getByTestId('call-ended').getByTestId('call-outcome');
  await expect(outcome).toContainText(/Lasted 0:0\d/);
  const lasted = await outcome.innerText();
  await p.waitForTimeout(1100);
  await expect(outcome).toHaveText(lasted);

  const card = await hangUpAndOpenCard(p);
  // The webhooks arrive, the files are fetched: the player and the transcript's toggle.
  const play = card.getByTestId('recording-play');
  await expect(play).toBeVisible();
  await expect(card.getByTestId('transcript-toggle')).toBeVisible();
  expect(((await sim(app, 'GET', `/calls/${callId}`)) as SimCall).recording_media_id).toBeTruthy();

  // Play: fetched on demand, and it plays.
  await expect(card.getByTestId('recording-audio')).toHaveCount(0);
  await play.click();
  await expect(play).toHaveAttribute('data-playing', 'true');
  const audio = card.getByTestId('recording-audio');
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeGreaterThan(0.3);

  // What was recorded: the business's 440 Hz on the left, the customer's 1000 Hz on the right.
  const levels = await toneLevels(p);
  console.log(
    `[recordings] ${levels.seconds.toFixed(2)} s, ${levels.channels} ch; left ${JSON.stringify(levels.left)}; right ${JSON.stringify(levels.right)}`,
  );
  expect(levels.channels).toBe(2);
  expect(levels.seconds).toBeGreaterThan(2.5);
  expect(levels.left['440']).toBeGreaterThan(0.02);
  expect(levels.left['440']).toBeGreaterThan(10 * levels.left['1000']!);
  expect(levels.left['440']).toBeGreaterThan(10 * levels.left['700']!);
  expect(levels.right['1000']).toBeGreaterThan(0.02);
  expect(levels.right['1000']).toBeGreaterThan(10 * levels.right['440']!);
  expect(levels.right['1000']).toBeGreaterThan(10 * levels.right['700']!);
  await expect(card.getByTestId('recording-time')).toHaveText(/^\d+:\d\d \/ 0:0[3-6]$/);

  // Speed: 1× → 1.5× → 2× → 1×, and the element plays at that rate.
  const speed = card.getByTestId('recording-speed');
  for (const [text, rate] of [
    ['1.5×', 1.5],
    ['2×', 2],
    ['1×', 1],
  ] as const) {
    await speed.click();
    await expect(speed).toHaveText(text);
    expect(await audio.evaluate((a: HTMLAudioElement) => a.playbackRate)).toBe(rate);
  }

  // The transcript: speaker-labelled, time-stamped lines (the simulator's default names each side's tone).
  await card.getByTestId('transcript-toggle').click();
  await expect(card.getByTestId('transcript-toggle')).toHaveAttribute('aria-expanded', 'true');
  const lines = card.locator('[data-testid^="transcript-line-"]');
  await expect(lines).toHaveCount(2);
  await expect(lines.nth(0).getByTestId('transcript-speaker')).toHaveText('You');
  await expect(lines.nth(0).getByTestId('transcript-text')).toContainText('440 hertz');
  await expect(lines.nth(1).getByTestId('transcript-speaker')).toHaveText(ana.name);
  await expect(lines.nth(1).getByTestId('transcript-text')).toContainText('1000 hertz');
  for (const i of [0, 1]) await expect(lines.nth(i).locator('[data-testid^="transcript-time-"]')).toHaveText(/^\d+:\d\d$/);

  // A line's time: the player goes there and plays.
  if ((await play.getAttribute('data-playing')) === 'true') await play.click(); // pause, unless it already ended
  await expect(play).toHaveAttribute('data-playing', 'false');
  await audio.evaluate((a: HTMLAudioElement) => (a.currentTime = 0));
  const stamp = lines.nth(1).locator('[data-testid^="transcript-time-"]');
  const [m, s] = (await stamp.innerText()).split(':').map(Number) as [number, number];
  const at = m * 60 + s;
  expect(at).toBeGreaterThanOrEqual(1);
  await stamp.click();
  await expect(play).toHaveAttribute('data-playing', 'true');
  const pos = await audio.evaluate((a: HTMLAudioElement) => a.currentTime);
  expect(pos).toBeGreaterThanOrEqual(at);
  expect(pos).toBeLessThan(at + 1.5);

  await shots(p, 'card', card);
});

test('search finds a word only the transcript has: the hit opens the call card at that line', async () => {
  test.setTimeout(45_000);
  const app = await startApp();
  const p = app.page;
  await chooseMode(p, 'all');
  await p.getByTestId('nav-threads').click();
  await answeredCall(app, {
    script: [
      { speaker: 'business', text: 'Good afternoon, how can I help?' },
      { speaker: 'user', text: 'My order number mentions the word quetzalcoatlus twice.' },
    ],
  });
  await p.waitForTimeout(1500);
  const card = await hangUpAndOpenCard(p);
  await expect(card.getByTestId('transcript-toggle')).toBeVisible();
  await expect(card.getByTestId('transcript')).toHaveCount(0); // collapsed

  await p.getByTestId('thread-search').fill('quetzalcoatlus');
  const hit = p.locator('[data-testid^="search-hit-"][data-kind="transcript"]');
  await expect(hit).toHaveCount(1);
  await expect(hit.getByTestId('search-snippet')).toContainText('quetzalcoatlus');
  await hit.click();
  const line = p.locator('[data-testid^="transcript-line-"][data-hit="true"]');
  await expect(line).toHaveCount(1);
  await expect(line).toBeVisible();
  await expect(line.getByTestId('transcript-text')).toHaveText('My order number mentions the word quetzalcoatlus twice.');
  await expect(line).toBeFocused();
  await expect(line).toBeInViewport();
});

test('a file that does not match its hash offers Retry, which then plays; an expired one offers no Retry', async () => {
  test.setTimeout(45_000);
  const app = await startApp();
  const p = app.page;
  await chooseMode(p, 'all');
  await p.getByTestId('nav-threads').click();

  // The recording's first download has one byte changed (the fault ends after that request).
  await sim(app, 'PUT', '/capture-faults', { rules: [{ asset: 'recording', fault: 'hash_mismatch', times: 1 }] });
  await answeredCall(app);
  await p.waitForTimeout(1500);
  let card = await hangUpAndOpenCard(p);
  const failed = card.getByTestId('recording-failed-audio');
  await expect(failed).toContainText('The recording couldn’t be downloaded.');
  await expect(failed).toContainText('does not match');
  await expect(card.getByTestId('recording-player')).toHaveCount(0);
  await expect(card.getByTestId('transcript-toggle')).toBeVisible(); // the transcript was fine
  await card.getByTestId('recording-retry-audio').click();
  await expect(card.getByTestId('recording-player')).toBeVisible();
  await expect(failed).toHaveCount(0);
  await card.getByTestId('recording-play').click();
  await expect(card.getByTestId('recording-play')).toHaveAttribute('data-playing', 'true');
  await card.getByTestId('recording-play').click();

  // WhatsApp no longer has the next call's recording.
  await sim(app, 'PUT', '/capture-faults', { rules: [{ asset: 'recording', fault: 'expired' }] });
  await answeredCall(app);
  await p.waitForTimeout(1500);
  card = await hangUpAndOpenCard(p);
  const gone = card.getByTestId('recording-failed-audio');
  await expect(gone).toContainText('WhatsApp no longer has this file');
  await expect(card.getByTestId('recording-retry-audio')).toHaveCount(0);
  await expect(card.getByTestId('recording-player')).toHaveCount(0);
});

test('a hostile transcript (markup, U+202E, a 1 MB line) is shown as text and does not widen the timeline', async () => {
  test.setTimeout(45_000);
  const app = await startApp();
  const p = app.page;
  await chooseMode(p, 'all');
  await p.getByTestId('nav-threads').click();
  const markup = '<img src=x onerror=alert(1)><b>bold</b>';
  const rtl = 'refund \u202Egpj.exe\u202C now';
  const huge = 'W'.repeat(1024 * 1024);
  await answeredCall(app, {
    script: [
      { speaker: 'user', text: markup },
      { speaker: 'business', text: rtl },
      { speaker: 'user', text: huge },
    ],
  });
  await p.waitForTimeout(1500);
  const card = await hangUpAndOpenCard(p);
  await card.getByTestId('transcript-toggle').click();
  const texts = card.getByTestId('transcript-text');
  await expect(texts).toHaveCount(3);
  await expect(texts.nth(0)).toHaveText(markup);
  await expect(texts.nth(1)).toHaveText(rtl);
  // Main keeps the first MAX_LINE_CHARS (100 000) characters of a line, and says it cut it with an ellipsis.
  expect(await texts.nth(2).evaluate((el) => el.textContent)).toBe(`${huge.slice(0, MAX_LINE_CHARS - 1)}…`);
  const transcript = card.getByTestId('transcript');
  expect(await transcript.locator('img, b, script, iframe').count()).toBe(0);
  expect(await p.evaluate(() => (window as unknown as { __alerts: number }).__alerts)).toBe(0);
  // The U+202E stays inside its own line: the speaker label beside it reads as written.
  await expect(card.locator('[data-testid^="transcript-line-"]').nth(1).getByTestId('transcript-speaker')).toHaveText('You');

  const timeline = p.getByTestId('timeline');
  await card.scrollIntoViewIfNeeded();
  const widths = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  expect(await timeline.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  const t = (await timeline.boundingBox())!;
  const c = (await card.boundingBox())!;
  expect(c.x).toBeGreaterThanOrEqual(t.x - 0.5);
  expect(c.x + c.width).toBeLessThanOrEqual(t.x + t.width + 0.5);
});

test('"ask me per call": the ringing card offers Record; without it no recording is asked for, with it one is', async () => {
  test.setTimeout(45_000);
  const app = await startApp();
  const p = app.page;
  await chooseMode(p, 'ask');
  await p.getByTestId('nav-threads').click();

  const plain = await answeredCall(app, { record: false });
  await expect(p.getByTestId('call-recording')).toHaveCount(0);
  await p.getByTestId('call-hangup').click();
  await expect(p.getByTestId('call-panel')).toHaveCount(0);
  const without = (await sim(app, 'GET', `/calls/${plain.callId}`)) as SimCall;
  expect(without.recording).toBeNull();
  expect(without.transcription).toBeNull();

  const recorded = await answeredCall(app, { record: true });
  await expect(p.getByTestId('call-recording')).toContainText('Recording');
  const withRecord = (await sim(app, 'GET', `/calls/${recorded.callId}`)) as SimCall;
  expect(withRecord.recording).toMatchObject({ status: 'ENABLED', announcement_language: 'en_US' });
  expect(withRecord.transcription).toMatchObject({ status: 'ENABLED' });
  await p.getByTestId('call-hangup').click();
  await expect(p.getByTestId('call-panel')).toHaveCount(0);
});

test('WhatsApp refusing the recording objects does not lose the call: it is answered unrecorded, and nothing says it is recorded', async () => {
  test.setTimeout(45_000);
  const app = await startApp();
  const p = app.page;
  await chooseMode(p, 'all');
  await p.getByTestId('nav-threads').click();
  // The next accept is refused the way Meta refuses a bad recording object (error 100, naming the field).
  await sim(app, 'PUT', '/graph-faults', {
    rules: [
      {
        match: { method: 'POST', path: '/calls', action: 'accept' },
        fault: { error: 100, details: 'recording.announcement_language: not a supported locale code' },
        count: 1,
      },
    ],
  });
  const { callId } = await answeredCall(app);
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
  await expect(p.getByTestId('call-recording')).toHaveCount(0);
  const call = (await sim(app, 'GET', `/calls/${callId}`)) as SimCall & { state: string };
  expect(call.state).toBe('accepted');
  expect(call.recording).toBeNull();
  expect(call.transcription).toBeNull();
  // Its card promises no recording.
  await p.getByTestId('call-hangup').click();
  await expect(p.getByTestId('call-panel')).toHaveCount(0);
  await p.locator('[data-testid^="thread-row-"][data-thread-id]').first().click();
  const card = p.getByTestId('timeline').locator('[data-kind="call"]').last();
  await expect(card).toContainText('Incoming call');
  await expect(p.getByTestId('timeline').getByTestId('call-recording-section')).toHaveCount(0);
});
