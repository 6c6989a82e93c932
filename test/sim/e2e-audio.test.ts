/**
 * End to end through the simulator: the customer-phone page (/phone) in Debian Chromium, with a
 * fake mic playing 1000 Hz, talks to a "business" made of a real webhook receiver (registered as
 * the phone-number override through Graph, verify-token handshake) and a werift phone peer that
 * uses the simulator's Graph `/calls` like Switchboard would.
 *
 *  - user-initiated: the page calls (call-button payload) → connect webhook with the page's offer →
 *    pre_accept + accept (identical SDP) → audio both ways (business sends 660 Hz), DTMF from the
 *    page's keypad, the page hangs up → terminate COMPLETED;
 *  - business-initiated: the page sends a message, the business asks for call permission, the page
 *    allows it, the business connects with an offer, the page rings and answers → connect webhook
 *    with the page's answer → audio both ways (business sends 440 Hz), the business terminates.
 *
 * Every webhook the business received must carry a valid X-Hub-Signature-256.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumExecutable } from '../support/chromium.ts';
import { encodeWav, toneSamples } from './peer/audio.ts';
import { createPhonePeer, keepCandidatesOn, onlyTelephoneEvent8k, type PhonePeer } from './peer/phone-peer.ts';
import { loadSeedFile } from './seed.ts';
import { createSimulator, type Simulator } from './simulator.ts';
import { startReceiver, validSignature, waitFor, type Receiver } from './test-helpers.ts';

const CUSTOMER_TONE = 1000;
const BUSINESS_TONE_UIC = 660;
const BUSINESS_TONE_BIC = 440;
const TOL = 15;
const LOOPBACK = '127.0.0.1';
const ANA = '5511987650001';

const executable = chromiumExecutable();
if (!executable) console.warn('[e2e-audio] skipping: no Chromium');

type CallEntry = Record<string, unknown> & {
  id: string;
  event: string;
  direction?: string;
  session?: { sdp_type: string; sdp: string };
  status?: unknown;
};

describe.skipIf(!executable)('phone page ↔ werift business through the simulator (audio both ways, signed webhooks)', () => {
  let dir = '';
  let sim: Simulator;
  let rx: Receiver;
  let browser: Browser | undefined;
  let page: Page;
  const peers: PhonePeer[] = [];

  async function graph(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${sim.url}/v25.0/${path}`, {
      method,
      headers: { Authorization: `Bearer ${sim.business.accessToken}`, 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  function callEntries(): CallEntry[] {
    return rx.changes('calls').flatMap((c) => (c.value['calls'] as CallEntry[] | undefined) ?? []);
  }

  function callStatuses(id: string): string[] {
    return rx
      .changes('calls')
      .flatMap((c) => (c.value['statuses'] as Array<{ id: string; status: string }> | undefined) ?? [])
      .filter((s) => s.id === id)
      .map((s) => s.status);
  }

  function expectAllSigned(): void {
    expect(rx.posts.length).toBeGreaterThan(0);
    const bad = rx.posts.filter((p) => !validSignature(sim.business.appSecret, p.raw, p.signature));
    expect(bad).toEqual([]);
  }

  async function phaseIs(phase: string): Promise<void> {
    await page.waitForSelector(`[data-testid=call-state][data-state=${phase}]`, { timeout: 15_000 });
  }

  /** Poll the page's analyser until it hears `hz` (or time out), and return the last measurement. */
  async function pageHears(hz: number): Promise<number> {
    let f = 0;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      f = ((await page.evaluate('window.phone.measure()')) as { frequency: number }).frequency;
      if (Math.abs(f - hz) <= TOL) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return f;
  }

  async function twoWayAudio(biz: PhonePeer, businessTone: number, tag: string): Promise<void> {
    await biz.waitForConnected(15_000);
    biz.startSending();
    await biz.waitFor(
      () => biz.receiveStats().audioPackets > 25 && Math.abs(biz.analyze(400).frequency - CUSTOMER_TONE) <= TOL,
      15_000,
      `business hears ${CUSTOMER_TONE} Hz`,
    );
    const atBusiness = biz.analyze(400);
    const atPage = await pageHears(businessTone);
    console.info(
      `[e2e-audio ${tag}] business measured ${atBusiness.frequency.toFixed(1)} Hz (rms ${atBusiness.rms.toFixed(3)}); page measured ${atPage.toFixed(1)} Hz`,
    );
    expect(Math.abs(atBusiness.frequency - CUSTOMER_TONE)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(atPage - businessTone)).toBeLessThanOrEqual(TOL);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sim-e2e-'));
    const wav = join(dir, 'customer-1000hz.wav');
    writeFileSync(wav, encodeWav(toneSamples({ frequency: CUSTOMER_TONE, amplitude: 0.5 }, 96_000, 1)));
    sim = createSimulator({ seed: loadSeedFile(join(import.meta.dirname, 'seed.default.json')) });
    await sim.listen(0);
    rx = await startReceiver('business-verify-token');
    // The business registers its webhook receiver as the phone-number override (verified first).
    const reg = await graph('POST', sim.business.phoneNumberId, {
      webhook_configuration: { override_callback_uri: rx.url, verify_token: rx.verifyToken },
    });
    expect(reg.status).toBe(200);
    expect(rx.verifications.some((v) => v.mode === 'subscribe' && v.token === rx.verifyToken)).toBe(true);
    browser = await chromium.launch({
      executablePath: executable,
      args: chromiumArgs([`--use-file-for-fake-audio-capture=${wav}`, '--allow-loopback-in-peer-connection']),
    });
    page = await browser.newPage();
    await page.goto(`${sim.url}/phone?user=${ANA}&raw=1`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(peers.map((p) => p.close()));
    await browser?.close();
    await rx?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('user-initiated: page calls from a call button, business pre_accepts + accepts, tones both ways, DTMF, page hangs up', async () => {
    await page.click('[data-testid=call-options] summary');
    await page.selectOption('[data-testid=call-via]', 'call_button');
    await page.fill('[data-testid=call-payload]', 'order-42');
    await page.click('[data-testid=call-button]');

    const connect = await waitFor(
      () => callEntries().find((c) => c.event === 'connect' && c.direction === 'USER_INITIATED'),
      'connect webhook',
      15_000,
    );
    expect(connect['cta_payload']).toBe('order-42');
    expect(connect['from']).toBe(ANA);
    expect(connect.session?.sdp_type).toBe('offer');
    await phaseIs('ringing');

    const biz = createPhonePeer({ label: 'business-uic', source: { kind: 'tone', frequency: BUSINESS_TONE_UIC, amplitude: 0.3 } });
    peers.push(biz);
    const answer = await biz.acceptOffer(onlyTelephoneEvent8k(keepCandidatesOn(connect.session?.sdp ?? '', LOOPBACK)));
    const session = { sdp_type: 'answer', sdp: answer };
    const pre = await graph('POST', `${sim.business.phoneNumberId}/calls`, {
      messaging_product: 'whatsapp',
      call_id: connect.id,
      action: 'pre_accept',
      session,
    });
    expect(pre).toEqual({ status: 200, json: { messaging_product: 'whatsapp', success: true } });
    const acc = await graph('POST', `${sim.business.phoneNumberId}/calls`, {
      messaging_product: 'whatsapp',
      call_id: connect.id,
      action: 'accept',
      session,
    });
    expect(acc).toEqual({ status: 200, json: { messaging_product: 'whatsapp', success: true } });

    await phaseIs('connected');
    await twoWayAudio(biz, BUSINESS_TONE_UIC, 'user-initiated');
    // The page told the simulator it receives audio (the media watchdogs see the truth).
    await waitFor(() => sim.calls.get(connect.id)?.mediaReceiving === true, 'media reported by the page', 5000);

    await page.click('[data-testid=keypad-button]');
    await page.click('[data-testid=dtmf-1]');
    await page.click('[data-testid=dtmf-hash]');
    await biz.waitFor(() => biz.dtmfEvents().filter((e) => e.ended).length >= 2, 10_000, 'DTMF from the page');
    expect(biz.receivedDigits()).toBe('1#');

    await page.click('[data-testid=hangup-button]');
    await phaseIs('ended');
    expect(await page.textContent('[data-testid=call-end-reason]')).toBe('Call ended');
    const terminate = await waitFor(
      () => callEntries().find((c) => c.id === connect.id && c.event === 'terminate'),
      'terminate webhook',
      10_000,
    );
    expect(terminate.status).toBe('COMPLETED');
    expect(terminate['duration']).toEqual(expect.any(Number));
    expectAllSigned();
    await page.click('[data-testid=call-close]');
  }, 90_000);

  it('business-initiated: permission asked and granted on the page, page answers, tones both ways, business terminates', async () => {
    await page.fill('[data-testid=message-input]', 'Can you call me back?');
    await page.click('[data-testid=send-message]');
    await waitFor(
      () =>
        rx
          .changes('messages')
          .find(
            (c) => (c.value['messages'] as Array<{ text?: { body: string } }> | undefined)?.[0]?.text?.body === 'Can you call me back?',
          ),
      'text message webhook',
      10_000,
    );

    const req = await graph('POST', `${sim.business.phoneNumberId}/messages`, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: ANA,
      type: 'interactive',
      interactive: {
        type: 'call_permission_request',
        action: { name: 'call_permission_request' },
        body: { text: 'May we call you about your order?' },
      },
    });
    expect(req.status).toBe(200);
    const requestId = (req.json['messages'] as Array<{ id: string }>)[0]?.id;
    await page.click(`[data-message-id="${requestId}"] [data-testid=permission-allow]`);
    const reply = await waitFor(
      () =>
        rx
          .changes('messages')
          .flatMap((c) => (c.value['messages'] as Array<Record<string, unknown>> | undefined) ?? [])
          .find((m) => (m['interactive'] as { type?: string } | undefined)?.type === 'call_permission_reply'),
      'call_permission_reply webhook',
      10_000,
    );
    expect(reply['context']).toEqual({ from: sim.business.displayPhoneNumber, id: requestId });
    expect((reply['interactive'] as { call_permission_reply: { response: string } }).call_permission_reply.response).toBe('accept');

    const biz = createPhonePeer({ label: 'business-bic', source: { kind: 'tone', frequency: BUSINESS_TONE_BIC, amplitude: 0.3 } });
    peers.push(biz);
    const offer = await biz.createOffer();
    const conn = await graph('POST', `${sim.business.phoneNumberId}/calls`, {
      messaging_product: 'whatsapp',
      to: ANA,
      action: 'connect',
      session: { sdp_type: 'offer', sdp: offer },
    });
    expect(conn.status).toBe(200);
    const callId = (conn.json['calls'] as Array<{ id: string }>)[0]?.id ?? '';

    await phaseIs('incoming');
    await page.click('[data-testid=answer-button]');
    const connect = await waitFor(
      () => callEntries().find((c) => c.id === callId && c.event === 'connect'),
      'connect webhook with the answer',
      15_000,
    );
    expect(connect.session?.sdp_type).toBe('answer');
    await biz.applyAnswer(keepCandidatesOn(connect.session?.sdp ?? '', LOOPBACK));
    await phaseIs('connected');
    await twoWayAudio(biz, BUSINESS_TONE_BIC, 'business-initiated');
    await waitFor(() => sim.calls.get(callId)?.mediaReceiving === true, 'media reported by the page', 5000);
    await waitFor(() => callStatuses(callId).includes('ACCEPTED'), 'ACCEPTED status', 5000);
    expect(callStatuses(callId)).toEqual(['RINGING', 'ACCEPTED']);

    const term = await graph('POST', `${sim.business.phoneNumberId}/calls`, {
      messaging_product: 'whatsapp',
      call_id: callId,
      action: 'terminate',
    });
    expect(term.status).toBe(200);
    await phaseIs('ended');
    expect(await page.textContent('[data-testid=call-end-reason]')).toBe('Ended by the business');
    const terminate = await waitFor(
      () => callEntries().find((c) => c.id === callId && c.event === 'terminate'),
      'terminate webhook',
      10_000,
    );
    expect(terminate.status).toBe('COMPLETED');
    expectAllSigned();
  }, 90_000);
});
