/**
 * The renderer's media engine on its own, in real Chromium: the module is bundled as an
 * IIFE with Vite and loaded into a blank page on 127.0.0.1 (a secure context with a fake mic).
 *  - Regression: an offer shaped exactly like Meta's real one (calling-api.md §6.1: ice-lite,
 *    `==` ice-pwd, IPv4 + IPv6 host candidates, actpass) goes into prepareAnswer; the answer has one
 *    m=audio, Opus + telephone-event/8000 only, setup:active, and real host candidates.
 *  - prepareOffer offers only Opus/48000 and telephone-event/8000 on one m=audio.
 *  - The ringtone plays on a running AudioContext and stops.
 */
import { test, expect, chromium, type Browser, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { metaOfferSdp, randomMetaOfferParams } from '../sim/peer/meta-offer.ts';
import { rtpmapOf } from '../sim/peer/phone-peer.ts';
import { chromiumLaunchOptions } from '../support/chromium.ts';

test.describe.configure({ mode: 'serial' });

let dir = '';
let server: Server;
let origin = '';
let browser: Browser;
let page: Page;

test.beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sb-engine-'));
  await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      outDir: dir,
      emptyOutDir: true,
      minify: false,
      lib: {
        entry: path.resolve(import.meta.dirname, '../../renderer/src/media/media-engine.ts'),
        name: 'SB',
        formats: ['iife'],
        fileName: () => 'engine.js',
      },
    },
  });
  const js = readFileSync(path.join(dir, 'engine.js'));
  server = createServer((req, res) => {
    if (req.url === '/engine.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>engine</title><script src="/engine.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await chromium.launch(chromiumLaunchOptions(['--allow-loopback-in-peer-connection']));
});
test.afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});
test.beforeEach(async () => {
  page = await browser.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __ctxs: AudioContext[] };
    w.__pcs = [];
    w.__ctxs = [];
    const Pc = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Pc {
      constructor(c?: RTCConfiguration) {
        super(c);
        w.__pcs.push(this);
      }
    } as typeof RTCPeerConnection;
    const Ctx = window.AudioContext;
    window.AudioContext = class extends Ctx {
      constructor(o?: AudioContextOptions) {
        super(o);
        w.__ctxs.push(this);
      }
    } as typeof AudioContext;
  });
  await page.goto(origin);
  await page.evaluate(() => {
    const w = window as unknown as { SB: { MediaEngine: new (o: unknown) => unknown }; engine: unknown; reports: unknown[] };
    w.reports = [];
    w.engine = new w.SB.MediaEngine({ report: (r: unknown) => w.reports.push(r) });
  });
});
test.afterEach(async () => {
  await page.evaluate('window.engine.dispose()').catch(() => undefined);
  await page.close();
});

type Report = { type: string; requestId?: string; sdp?: string; message?: string };
const run = async (cmd: Record<string, unknown>): Promise<Report[]> =>
  (await page.evaluate(async (c) => {
    const w = window as unknown as { engine: { handle: (c: unknown) => Promise<void> }; reports: unknown[] };
    await w.engine.handle(c);
    return w.reports;
  }, cmd)) as Report[];

test('accepts Meta’s real offer shape: one m=audio, Opus + telephone-event/8000, setup:active, no audio before attach', async () => {
  const offer = metaOfferSdp(randomMetaOfferParams());
  expect(offer).toMatch(/a=ice-pwd:\S+==\r\n/);
  const started = Date.now();
  const reports = await run({ requestId: 'r1', localId: 'call-1', command: 'prepareAnswer', offerSdp: offer });
  const took = Date.now() - started;
  expect(reports).toHaveLength(1);
  expect(reports[0]).toMatchObject({ type: 'done', requestId: 'r1' });
  const sdp = reports[0]!.sdp!;
  expect(sdp.match(/^m=.*$/gm)).toEqual([expect.stringMatching(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 111 126\r?$/)]);
  expect([...rtpmapOf(sdp).entries()]).toEqual([
    [111, 'opus/48000/2'],
    [126, 'telephone-event/8000'],
  ]);
  expect(sdp).toMatch(/^a=setup:active\r?$/m);
  expect(sdp).toMatch(/^a=sendrecv\r?$/m);
  expect(sdp).toMatch(/^a=fingerprint:sha-256 /m);
  expect(sdp).not.toMatch(/^a=ice-lite/m);
  expect(sdp).toMatch(/^a=candidate:\S+ 1 udp \d+ \d+\.\d+\.\d+\.\d+ \d+ typ host/m); // a real address, gathered before sending
  expect(sdp).not.toMatch(/\.local /);
  expect(new Set([...sdp.matchAll(/^a=ssrc:(\d+)/gm)].map((m) => m[1])).size).toBeLessThanOrEqual(1);
  expect(took).toBeLessThan(5000); // gathering is bounded

  // The microphone is open but not on the sender until attachMicrophone; then it is.
  const senderTrack = () =>
    page.evaluate(() =>
      (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((pc) => pc.getSenders().map((s) => s.track?.kind ?? null)),
    );
  expect(await senderTrack()).toEqual([[null]]);
  expect((await run({ requestId: 'r2', localId: 'call-1', command: 'attachMicrophone' }))[1]).toEqual({ type: 'done', requestId: 'r2' });
  expect(await senderTrack()).toEqual([['audio']]);
  await run({ requestId: 'r3', localId: 'call-1', command: 'close' });
  expect(await page.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((pc) => pc.connectionState))).toEqual([
    'closed',
  ]);
});

test('prepareOffer offers one m=audio with only Opus/48000 and telephone-event/8000; an actpass answer is taken as active', async () => {
  const reports = await run({ requestId: 'o1', localId: 'out-1', command: 'prepareOffer' });
  expect(reports[0]).toMatchObject({ type: 'done', requestId: 'o1' });
  const sdp = reports[0]!.sdp!;
  expect(sdp.match(/^m=.*$/gm)).toHaveLength(1);
  expect([...rtpmapOf(sdp).values()].sort()).toEqual(['opus/48000/2', 'telephone-event/8000']);
  expect(sdp).toMatch(/^a=candidate:/m);

  // A Chromium peer answers (as Meta's relay would), its setup rewritten to the illegal actpass.
  const answer = await page.evaluate(async (offer) => {
    const pc = new RTCPeerConnection();
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
    const s = pc.localDescription!.sdp.replace(/a=setup:\w+/, 'a=setup:actpass');
    return s;
  }, sdp);
  const after = await run({ requestId: 'a1', localId: 'out-1', command: 'applyAnswer', sdp: answer });
  expect(after[1]).toEqual({ type: 'done', requestId: 'a1' });
});

test('rings on a running AudioContext, and stops', async () => {
  await run({ requestId: 'g1', localId: 'call-1', command: 'ring', on: true });
  const states = () => page.evaluate(() => (window as unknown as { __ctxs: AudioContext[] }).__ctxs.map((c) => c.state));
  await expect.poll(states).toEqual(['running']);
  expect(await page.evaluate('window.engine.state().ringing')).toBe(true);
  await run({ requestId: 'g2', localId: 'call-1', command: 'ring', on: false });
  await expect.poll(states).toEqual(['suspended']);
});
