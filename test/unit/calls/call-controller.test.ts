/**
 * The call controller end to end in Node: the simulator carries the signalling (real signed
 * webhooks into the real receiver, real Graph /calls requests with Meta's rules), and two werift
 * WebRTC peers carry real Opus audio — the customer's phone, and a stand-in for the renderer's
 * media engine behind the controller's MediaPort. Distinct tones are measured at both ends.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallController, type MediaPort } from '../../../main/calls/call-controller.ts';
import type { AccountService } from '../../../main/account/account-service.ts';
import { openDatabase } from '../../../main/storage/database.ts';
import { ThreadStore } from '../../../main/threads/thread-store.ts';
import type { DomainEvent } from '../../../main/webhooks/envelope.ts';
import { createPhonePeer, type PhonePeer } from '../../sim/peer/phone-peer.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { defaultSeed as seed, startSimApp, until, type SimApp } from '../../support/sim-app.ts';

let app: SimApp | null = null;
let sim: SimApp['sim'] | null = null;
let controller: CallController | null = null;
const peers: PhonePeer[] = [];
afterEach(async () => {
  await controller?.shutdown();
  controller = null;
  for (const p of peers.splice(0)) await p.close();
  await app?.close();
  app = null;
});

/** The media engine stand-in: one werift peer per call, sending a 440 Hz "microphone". */
function weriftMedia() {
  const engines = new Map<string, PhonePeer>();
  const log: string[] = [];
  const port: MediaPort = {
    prepareAnswer: async (id, offer) => {
      const p = createPhonePeer({ label: `business-${id}`, source: { kind: 'tone', frequency: 440 } });
      peers.push(p);
      engines.set(id, p);
      log.push('prepareAnswer');
      return p.acceptOffer(offer);
    },
    prepareOffer: async (id) => {
      const p = createPhonePeer({ label: `business-${id}`, source: { kind: 'tone', frequency: 440 } });
      peers.push(p);
      engines.set(id, p);
      return p.createOffer();
    },
    applyAnswer: async (id, sdp) => engines.get(id)!.applyAnswer(sdp),
    attachMicrophone: async (id) => {
      log.push('attachMicrophone');
      engines.get(id)!.startSending();
    },
    close: (id) => {
      log.push('close');
      void engines.get(id)?.close();
    },
    ring: (_id, on) => log.push(on ? 'ring' : 'ring-off'),
  };
  return { port, engines, log };
}

async function setup() {
  app = await startSimApp();
  sim = app.sim;
  const services = app.services;
  const c = app.creds;
  const media = weriftMedia();
  const calls = new CallController({ account: services.account, threads: services.threads, media: media.port, log: memoryLogger().log });
  controller = calls;
  services.inbox.subscribe((e) => calls.onDomainEvent(e));
  return { c, s: services, controller: calls, media };
}

const callActions = () =>
  sim!.ctx.sent.filter((x) => x.kind === 'call-action').map((x) => `${String((x.body as { action?: string }).action)}:${x.status}`);

describe('call controller with real audio through the simulator', () => {
  it("a call that WhatsApp ends FAILED with 138021 (no media reached the phone) is failed everywhere, with the error table's words", async () => {
    const { c, s, controller } = await setup();
    const customer = createPhonePeer({ label: 'customer', source: { kind: 'tone', frequency: 1000 } });
    peers.push(customer);
    const waId = seed.users[0]!.wa_id!;
    const placed = (await (
      await fetch(`${c.controlUrl}/users/${waId}/call`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sdp: await customer.createOffer() }),
      })
    ).json()) as { id: string };
    const ringing = await until('ringing', () => controller.list().find((x) => x.callId === placed.id && x.state === 'ringing'));
    expect(controller.answer(ringing.localId)).toBe(true);
    await until('active', () => controller.get(ringing.localId)?.state === 'active');
    // The customer's phone never reports audio: WhatsApp ends the call after 20 s with the real terminate.
    sim!.clock.advance(21_000);
    const ended = await until('ended', () => (controller.get(ringing.localId)?.state === 'ended' ? controller.get(ringing.localId) : null));
    const body = sim!.webhooks.posts.map((p) => p.body).find((b) => b.includes('"terminate"'))!;
    expect(body).toContain('"status":"FAILED"');
    expect(body).toContain('WhatsApp client terminated the call due to not receiving any media for a long time. Please try again');
    expect(ended.outcome).toBe('failed');
    // The controller here has no STUN or TURN server set: it says one may help.
    expect(ended.reason).toBe(
      "The customer's phone received no audio from Switchboard, so the call ended. Check the internet connection; a network that blocks UDP needs a TURN server. Setting a STUN or TURN server (Settings → Calling → On this computer) may help.",
    );
    await until('the thread card says failed', () => s.threads.callItem(placed.id)?.status === 'failed');
  });

  it('rings, pre-accepts, answers with the identical SDP, carries audio both ways, and hangs up', async () => {
    const { c, s, controller, media } = await setup();
    const customer = createPhonePeer({ label: 'customer', source: { kind: 'tone', frequency: 1000 } });
    peers.push(customer);
    const offer = await customer.createOffer();
    const waId = seed.users[0]!.wa_id!;
    const placed = (await (
      await fetch(`${c.controlUrl}/users/${waId}/call`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sdp: offer, via: 'deeplink', deeplink_payload: 'spring-promo' }),
      })
    ).json()) as { id: string };

    const ringing = await until('ringing', () => controller.list().find((x) => x.callId === placed.id && x.state === 'ringing'));
    expect(ringing.origin).toEqual({ ctaPayload: null, deeplinkPayload: 'spring-promo' });
    await until('pre_accept sent', () => callActions().includes('pre_accept:200'));
    expect(media.log).not.toContain('attachMicrophone'); // no audio before accept
    expect(controller.answer(ringing.localId)).toBe(true);
    expect(controller.answer(ringing.localId)).toBe(false); // a double click sends nothing more
    await until('active', () => controller.get(ringing.localId)?.state === 'active');
    expect(callActions()).toEqual(['pre_accept:200', 'accept:200']);

    const answer = (await (await fetch(`${c.controlUrl}/calls/${placed.id}/answer`)).json()) as { sdp: string };
    await customer.applyAnswer(answer.sdp);
    await customer.waitForConnected(15_000);
    customer.startSending();
    const business = media.engines.get(ringing.localId)!;
    await customer.waitFor(() => customer.analyze(400).rms > 0.05, 15_000, 'customer hears the business');
    await business.waitFor(() => business.analyze(400).rms > 0.05, 15_000, 'business hears the customer');
    const heardByCustomer = customer.analyze(400).frequency!;
    const heardByBusiness = business.analyze(400).frequency!;
    expect(Math.abs(heardByCustomer - 440)).toBeLessThan(15);
    expect(Math.abs(heardByBusiness - 1000)).toBeLessThan(15);
    await fetch(`${c.controlUrl}/calls/${placed.id}/media`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ receiving: true }),
    });

    expect(controller.hangup(ringing.localId)).toBe(true);
    await until('ended', () => controller.get(ringing.localId)?.state === 'ended');
    expect(controller.get(ringing.localId)?.outcome).toBe('completed');
    expect(callActions()).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
    const card = await until('call card completed', () =>
      s.threads.callItem(placed.id)?.status === 'completed' ? s.threads.callItem(placed.id) : null,
    );
    expect(card.direction).toBe('in');
    expect(controller.liveTimers()).toBe(0);
    expect(media.log.filter((l) => l === 'ring-off').length).toBeGreaterThan(0);
    console.log(`controller call: customer heard ${heardByCustomer.toFixed(0)} Hz, business heard ${heardByBusiness.toFixed(0)} Hz`);
  }, 60_000);

  it('declines with reject and records a declined call; a connect after its terminate never rings', async () => {
    const { c, s, controller, media } = await setup();
    const waId = seed.users[0]!.wa_id!;
    const placed = (await (
      await fetch(`${c.controlUrl}/users/${waId}/call`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    ).json()) as { id: string };
    const ringing = await until('ringing', () => controller.list().find((x) => x.callId === placed.id && x.state === 'ringing'));
    expect(controller.decline(ringing.localId)).toBe(true);
    await until('ended', () => controller.get(ringing.localId)?.state === 'ended');
    expect(controller.get(ringing.localId)?.outcome).toBe('declined');
    expect(callActions().filter((a) => a.startsWith('reject'))).toEqual(['reject:200']);
    await until('declined card', () => s.threads.callItem(placed.id)?.status === 'declined');

    // Terminate first, then its connect (webhooks reorder): recorded as missed, no ring.
    const rings = media.log.filter((l) => l === 'ring').length;
    controller.onDomainEvent({
      kind: 'call.terminate',
      key: 'k1',
      occurredAt: new Date().toISOString(),
      phoneNumberId: null,
      wabaId: '1',
      callId: 'wacid.LATE',
      direction: 'incoming',
      user: { waId, userId: null, parentUserId: null, profileName: null, username: null },
      status: 'FAILED',
      durationSeconds: null,
      errors: [],
      bizOpaque: null,
      raw: {},
    });
    controller.onDomainEvent({
      kind: 'call.connect',
      key: 'k2',
      occurredAt: new Date().toISOString(),
      phoneNumberId: null,
      wabaId: '1',
      callId: 'wacid.LATE',
      direction: 'incoming',
      user: { waId, userId: null, parentUserId: null, profileName: null, username: null },
      session: { sdpType: 'offer', sdp: 'v=0' },
      ctaPayload: null,
      deeplinkPayload: null,
      bizOpaque: null,
      raw: {},
    });
    expect(controller.list().find((x) => x.callId === 'wacid.LATE')).toMatchObject({ state: 'ended', outcome: 'missed' });
    expect(media.log.filter((l) => l === 'ring').length).toBe(rings);
  }, 60_000);

  it('asks for permission, is granted, calls the customer, and they talk (business-initiated)', async () => {
    const { c, s, controller, media } = await setup();
    const waId = seed.users[0]!.wa_id!;
    await fetch(`${c.controlUrl}/users/${waId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Me liga?' }),
    });
    const thread = await until('thread', () => s.threads.listThreads()[0]);

    const before = await s.dispatch('getCallPermission', { threadId: thread.id });
    expect(before).toMatchObject({ ok: true, result: { status: 'none', canCall: false, canRequest: true, requestNeedsTemplate: false } });
    expect((before as { result: { callBlockedReason: string } }).result.callBlockedReason).toMatch(/not given permission/);
    expect(await s.dispatch('placeCall', { threadId: thread.id })).toMatchObject({ ok: false, error: { code: 'no_permission' } });

    // A "call us" button whose payload comes back with the customer's call; and a call link.
    expect(
      await s.dispatch('sendCallButton', {
        threadId: thread.id,
        body: 'Call us about your order',
        displayText: 'Call the bakery',
        payload: 'order-42',
      }),
    ).toMatchObject({ ok: true });
    expect(await s.dispatch('getCallLink', { payload: 'spring promo' })).toEqual({
      ok: true,
      result: { url: `https://wa.me/call/${c.displayPhoneNumber}?biz_payload=spring%20promo`, copied: false },
    });
    expect(
      await s.dispatch('sendCallButton', { threadId: thread.id, body: 'x', displayText: 'This text is far too long for a button' }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_params' } });

    expect(await s.dispatch('requestCallPermission', { threadId: thread.id })).toMatchObject({ ok: true });
    expect(s.threads.timeline(thread.id).some((i) => i.type === 'call_permission_request' && i.direction === 'out')).toBe(true);
    const granted = await fetch(`${c.controlUrl}/users/${waId}/permission`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response: 'accept' }),
    });
    expect(granted.status).toBe(201);
    await until('permission recorded in the thread', () => s.threads.timeline(thread.id).some((i) => i.type === 'permission_granted'));
    expect(await s.dispatch('getCallPermission', { threadId: thread.id })).toMatchObject({
      ok: true,
      result: { status: 'temporary', canCall: true },
    });

    const customer = createPhonePeer({ label: 'customer', source: { kind: 'tone', frequency: 1000 } });
    peers.push(customer);
    const call = controller.dial({ waId, userId: null }, thread.id);
    const callId = await until('call id from connect', () => controller.get(call.localId)?.callId);
    const offer = (await (await fetch(`${c.controlUrl}/calls/${callId}/answer`)).json()) as { sdp: string };
    const answerSdp = await customer.acceptOffer(offer.sdp);
    await fetch(`${c.controlUrl}/calls/${callId}/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sdp: answerSdp, pickup: true }),
    });
    await until('active', () => controller.get(call.localId)?.state === 'active');
    await customer.waitForConnected(15_000);
    customer.startSending();
    const business = media.engines.get(call.localId)!;
    await customer.waitFor(() => customer.analyze(400).rms > 0.05, 15_000, 'customer hears the business');
    await business.waitFor(() => business.analyze(400).rms > 0.05, 15_000, 'business hears the customer');
    expect(Math.abs(customer.analyze(400).frequency! - 440)).toBeLessThan(15);
    expect(Math.abs(business.analyze(400).frequency! - 1000)).toBeLessThan(15);
    await fetch(`${c.controlUrl}/calls/${callId}/hangup`, { method: 'POST' });
    await until('ended', () => controller.get(call.localId)?.state === 'ended');
    expect(controller.get(call.localId)?.outcome).toBe('completed');
    await until('outgoing call card', () => s.threads.callItem(callId)?.status === 'completed');
    expect(s.threads.callItem(callId)?.direction).toBe('out');
    expect(controller.liveTimers()).toBe(0);
  }, 60_000);
});

// ---- Regression tests for what the property suite (call-controller.property.test.ts) found ----

type Deferred = {
  action: string;
  callId: unknown;
  body: Record<string, unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
};

/** The controller with a Graph and a media engine that answer only when the test says so. */
function fakeSetup() {
  const requests: Deferred[] = [];
  const mediaLog: string[] = [];
  const prepared: Array<{ localId: string; resolve: (sdp: string) => void; reject: (err: Error) => void }> = [];
  const knobs: { applyAnswerError: Error | null } = { applyAnswerError: null };
  const graph = {
    request: (req: { body: Record<string, unknown> }) =>
      new Promise((resolve, reject) =>
        requests.push({ action: String(req.body['action']), callId: req.body['call_id'], body: req.body, resolve, reject }),
      ),
  };
  const account = { graph: () => graph, account: () => ({ phoneNumberId: 'PN1' }) } as unknown as AccountService;
  const port: MediaPort = {
    prepareAnswer: (localId) => new Promise((resolve, reject) => prepared.push({ localId, resolve, reject })),
    prepareOffer: (localId) => new Promise((resolve, reject) => prepared.push({ localId, resolve, reject })),
    applyAnswer: async (localId, sdp) => {
      mediaLog.push(`apply:${localId}:${sdp}`);
      if (knobs.applyAnswerError) throw knobs.applyAnswerError;
    },
    attachMicrophone: async (localId) => void mediaLog.push(`mic:${localId}`),
    close: (localId) => void mediaLog.push(`close:${localId}`),
    ring: (localId, on) => void mediaLog.push(`ring-${on ? 'on' : 'off'}:${localId}`),
  };
  const threads = new ThreadStore(openDatabase(':memory:'));
  const calls = new CallController({ account, threads, media: port, log: memoryLogger().log });
  let eventId = 0;
  const user = (n: number) => ({ waId: `5511900000${n}`, userId: null, parentUserId: null, profileName: null, username: null });
  const deliver = (e: DomainEvent) => {
    threads.apply(e, ++eventId);
    calls.onDomainEvent(e);
  };
  const connect = (callId: string, n = 1) =>
    deliver({
      kind: 'call.connect',
      key: `call:${callId}:connect`,
      occurredAt: new Date().toISOString(),
      phoneNumberId: null,
      wabaId: '1',
      callId,
      direction: 'incoming',
      user: user(n),
      session: { sdpType: 'offer', sdp: 'v=0' },
      ctaPayload: null,
      deeplinkPayload: null,
      bizOpaque: null,
      raw: {},
    });
  const flush = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  /** Resolves the first pending Graph request for this action with success. */
  const ok = async (action: string, id?: string) => {
    const i = requests.findIndex((r) => r.action === action);
    if (i < 0) throw new Error(`no ${action} request pending: ${requests.map((r) => r.action).join(',')}`);
    const [r] = requests.splice(i, 1);
    r!.resolve(id ? { success: true, calls: [{ id }] } : { success: true });
    await flush();
  };
  const sent: string[] = [];
  const track = () => {
    for (const r of requests) if (!sent.includes(`${r.action}:${String(r.callId)}`)) sent.push(`${r.action}:${String(r.callId)}`);
    return sent;
  };
  /** An incoming call, rung, its answer SDP made, pre_accept answered. */
  const ringing = async (callId: string, n = 1) => {
    connect(callId, n);
    const view = calls.list().find((c) => c.callId === callId)!;
    prepared.find((p) => p.localId === view.localId)!.resolve(`ANSWER-${callId}`);
    await flush();
    await ok('pre_accept');
    return view.localId;
  };
  const active = async (callId: string, n = 1) => {
    const localId = await ringing(callId, n);
    expect(calls.answer(localId)).toBe(true);
    await ok('accept');
    expect(calls.get(localId)?.state).toBe('active');
    return localId;
  };
  return { calls, threads, requests, mediaLog, prepared, knobs, deliver, connect, flush, ok, track, ringing, active, user };
}

describe('call controller regressions (found by the property suite)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('forgets an ended call ten minutes after it ended even when no new call comes (list() was never pruned)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-12-01T09:00:00Z') });
    const f = fakeSetup();
    const localId = await f.ringing('wacid.P1');
    f.deliver({
      kind: 'call.terminate',
      key: 'call:wacid.P1:terminate',
      occurredAt: new Date().toISOString(),
      phoneNumberId: null,
      wabaId: '1',
      callId: 'wacid.P1',
      direction: 'incoming',
      user: f.user(1),
      status: 'COMPLETED',
      durationSeconds: 0,
      errors: [],
      bizOpaque: null,
      raw: {},
    });
    expect(f.calls.get(localId)?.state).toBe('ended');
    vi.advanceTimersByTime(9 * 60_000);
    expect(f.calls.list()).toHaveLength(1); // the "call ended" card still has it
    vi.advanceTimersByTime(60_001);
    expect(f.calls.list()).toEqual([]);
    expect(f.threads.callItem('wacid.P1')?.status).toBe('missed'); // the thread keeps the record
  });

  it('refuses to place a call while another call is live (counterexample: dial, dial → two calls preparing)', async () => {
    const f = fakeSetup();
    const first = f.calls.dial({ waId: '55119000001', userId: null }, null);
    expect(() => f.calls.dial({ waId: '55119000002', userId: null }, null)).toThrow(
      expect.objectContaining({ code: 'call_in_progress', message: expect.stringMatching(/already on a call/) }),
    );
    expect(f.calls.list().map((c) => c.localId)).toEqual([first.localId]);
    // On an answered call too.
    f.calls.hangup(first.localId);
    await f.active('wacid.P2');
    expect(() => f.calls.dial({ waId: '55119000002', userId: null }, null)).toThrow(/already on a call/);
  });

  it('refuses to answer a waiting call while another call is up; End & answer (hang up, then answer) works', async () => {
    const f = fakeSetup();
    const first = await f.active('wacid.P3', 1);
    const waiting = await f.ringing('wacid.P4', 2);
    expect(f.mediaLog).not.toContain(`ring-on:${waiting}`); // a waiting call never rings
    expect(f.calls.answer(waiting)).toBe(false); // e.g. the notification's Answer button, the global shortcut
    expect(f.requests.filter((r) => r.action === 'accept')).toEqual([]);
    expect(f.calls.get(waiting)?.state).toBe('ringing');
    expect(f.calls.hangup(first)).toBe(true);
    expect(f.calls.answer(waiting)).toBe(true);
    await f.ok('accept');
    expect(f.calls.get(waiting)?.state).toBe('active');
    expect(f.mediaLog.filter((l) => l.startsWith('mic:'))).toEqual([`mic:${first}`, `mic:${waiting}`]);
    expect(f.mediaLog.indexOf(`close:${first}`)).toBeLessThan(f.mediaLog.indexOf(`mic:${waiting}`));
  });

  it('silences a ringing call when the owner answers another one or places a call (counterexample: connect, settle, settle, dial, settle, ACCEPTED)', async () => {
    const f = fakeSetup();
    const a = await f.ringing('wacid.P5', 1);
    const b = await f.ringing('wacid.P6', 2); // waits silently behind a
    expect(f.mediaLog).toContain(`ring-on:${a}`);
    expect(f.calls.answer(b)).toBe(true);
    expect(f.mediaLog.lastIndexOf(`ring-off:${a}`)).toBeGreaterThan(f.mediaLog.indexOf(`ring-on:${a}`));
    f.calls.decline(b);

    const g = fakeSetup();
    const c = await g.ringing('wacid.P7', 1);
    g.calls.dial({ waId: '55119000002', userId: null }, null);
    expect(g.mediaLog.at(-1)).toBe(`ring-off:${c}`);
  });

  it('endAll ends a call that is being answered (counterexample: connect, answer, endAll → left answering)', async () => {
    const f = fakeSetup();
    const accepting = await f.ringing('wacid.P8');
    expect(f.calls.answer(accepting)).toBe(true); // accept is in flight
    f.calls.endAll(); // suspend / quit
    expect(f.calls.get(accepting)?.state).toBe('ending');
    await f.ok('accept'); // Graph's late answer does not bring it back
    await f.ok('terminate');
    expect(f.calls.get(accepting)).toMatchObject({ state: 'ended', outcome: 'declined' });
    expect(f.mediaLog).not.toContain(`mic:${accepting}`);
    expect(f.requests).toEqual([]);

    // Before the answer SDP exists accept was never sent: reject it instead.
    const g = fakeSetup();
    g.connect('wacid.P9');
    const early = g.calls.list()[0]!.localId;
    expect(g.calls.answer(early)).toBe(true);
    g.calls.endAll();
    expect(g.requests.map((r) => `${r.action}:${String(r.callId)}`)).toEqual(['reject:wacid.P9']);
  });

  it('never sends reject after accept when the answer window closes with accept in flight (counterexample: connect, settle, answer, clock +45 s)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-12-01T09:00:00Z') });
    const f = fakeSetup();
    const localId = await f.ringing('wacid.P10');
    expect(f.calls.answer(localId)).toBe(true);
    vi.advanceTimersByTime(45_001);
    await f.flush();
    expect(f.requests.map((r) => r.action)).toEqual(['accept']);
    await f.ok('accept');
    expect(f.calls.get(localId)?.state).toBe('active');
    // Without an answer SDP nothing was accepted: the window still closes the call here (missed),
    // and WhatsApp ends it — no reject, which would count as a decline and fire REJECT voicemail.
    const g = fakeSetup();
    g.connect('wacid.P11');
    const silent = g.calls.list()[0]!.localId;
    g.calls.answer(silent);
    vi.advanceTimersByTime(45_001);
    expect(g.requests).toEqual([]);
    expect(g.calls.get(silent)).toMatchObject({ state: 'ended', outcome: 'missed' });
  });

  it('hanging up before Graph answered connect terminates the call once its id is known, never with call_id null (counterexample: dial, settle, hangup)', async () => {
    const f = fakeSetup();
    const call = f.calls.dial({ waId: '55119000001', userId: null }, null);
    f.prepared[0]!.resolve('OFFER');
    await f.flush();
    expect(f.requests.map((r) => r.action)).toEqual(['connect']);
    expect(f.calls.hangup(call.localId)).toBe(true);
    expect(f.requests.map((r) => r.action)).toEqual(['connect']); // nothing to terminate yet
    expect(f.mediaLog).toContain(`close:${call.localId}`);
    await f.ok('connect', 'wacid.OUT1');
    expect(f.requests.map((r) => `${r.action}:${String(r.callId)}`)).toEqual(['terminate:wacid.OUT1']);
    await f.ok('terminate');
    expect(f.calls.get(call.localId)).toMatchObject({ state: 'ended', outcome: 'cancelled', callId: 'wacid.OUT1' });

    // If connect fails instead, no call was made: it simply ends.
    const g = fakeSetup();
    const other = g.calls.dial({ waId: '55119000001', userId: null }, null);
    g.prepared[0]!.resolve('OFFER');
    await g.flush();
    g.calls.hangup(other.localId);
    g.requests.shift()!.reject(new Error('network down'));
    await g.flush();
    expect(g.requests).toEqual([]);
    expect(g.calls.get(other.localId)).toMatchObject({ state: 'ended', outcome: 'cancelled' });
  });

  it("a decline stays a decline in the thread when the terminate webhook beats Graph's answer to reject (counterexample: connect, decline, terminate, reject fails)", async () => {
    const f = fakeSetup();
    const localId = await f.ringing('wacid.P12');
    expect(f.calls.decline(localId)).toBe(true);
    f.deliver({
      kind: 'call.terminate',
      key: 'call:wacid.P12:terminate',
      occurredAt: new Date().toISOString(),
      phoneNumberId: null,
      wabaId: '1',
      callId: 'wacid.P12',
      direction: 'incoming',
      user: f.user(1),
      status: 'COMPLETED',
      durationSeconds: 0,
      errors: [],
      bizOpaque: null,
      raw: {},
    });
    f.requests.shift()!.reject(new Error('network down'));
    await f.flush();
    expect(f.calls.get(localId)).toMatchObject({ state: 'ended', outcome: 'declined' });
    const card = f.threads.callItem('wacid.P12')!;
    expect(card.status).toBe('declined');
    expect(f.threads.thread(card.threadId)?.missedCalls).toBe(0); // no missed-call badge for a call the owner declined
  });

  it("ends an outgoing call whose audio cannot be set up from the customer's answer, instead of ringing on silently (counterexample: dial, settle, settle, remote answer, applyAnswer fails)", async () => {
    const f = fakeSetup();
    const call = f.calls.dial({ waId: '55119000001', userId: null }, null);
    f.prepared[0]!.resolve('OFFER');
    await f.flush();
    await f.ok('connect', 'wacid.OUT2');
    f.knobs.applyAnswerError = new Error('the answer could not be applied');
    f.deliver({
      kind: 'call.connect',
      key: 'call:wacid.OUT2:connect',
      occurredAt: new Date().toISOString(),
      phoneNumberId: null,
      wabaId: '1',
      callId: 'wacid.OUT2',
      direction: 'outgoing',
      user: f.user(1),
      session: { sdpType: 'answer', sdp: 'v=0' },
      ctaPayload: null,
      deeplinkPayload: null,
      bizOpaque: call.localId,
      raw: {},
    });
    await f.flush();
    expect(f.calls.get(call.localId)).toMatchObject({
      state: 'ending',
      outcome: 'failed',
      reason: expect.stringMatching(/could not be set up: the answer could not be applied/),
    });
    expect(f.requests.map((r) => `${r.action}:${String(r.callId)}`)).toEqual(['terminate:wacid.OUT2']);
    expect(f.mediaLog).toContain(`close:${call.localId}`);
  });
});

describe('an offer whose audio cannot be prepared (found by the security suite: a hostile SDP)', () => {
  it('while ringing: Answer is refused with the reason, nothing is sent to Graph, and the call becomes missed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-12-01T09:00:00Z') });
    try {
      const f = fakeSetup();
      f.connect('wacid.H1');
      const localId = f.calls.list()[0]!.localId;
      f.prepared[0]!.reject(new Error('Failed to parse SessionDescription'));
      await f.flush();
      expect(f.calls.unanswerableReason(localId)).toMatch(/could not be prepared: Failed to parse SessionDescription/);
      expect(f.calls.get(localId)).toMatchObject({ state: 'ringing', reason: expect.stringMatching(/could not be prepared/) });
      expect(f.calls.answer(localId)).toBe(false);
      expect(f.calls.get(localId)?.state).toBe('ringing');
      expect(f.requests).toEqual([]);
      await vi.advanceTimersByTimeAsync(60_000); // the answer window closes: missed here, nothing sent
      await f.flush();
      expect(f.requests).toEqual([]);
      expect(f.calls.get(localId)).toMatchObject({ state: 'ended', outcome: 'missed' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('while being answered (Answer pressed before the audio was ready): the call ends at once as failed, with one reject', async () => {
    const f = fakeSetup();
    f.connect('wacid.H2');
    const localId = f.calls.list()[0]!.localId;
    expect(f.calls.answer(localId)).toBe(true);
    expect(f.calls.get(localId)?.state).toBe('answering');
    f.prepared[0]!.reject(new Error('Failed to parse SessionDescription'));
    await f.flush();
    expect(f.calls.get(localId)).toMatchObject({
      state: 'ending',
      outcome: 'failed',
      reason: expect.stringMatching(/could not be prepared/),
    });
    expect(f.requests.map((r) => `${r.action}:${String(r.callId)}`)).toEqual(['reject:wacid.H2']);
    expect(f.mediaLog).toContain(`close:${localId}`);
    expect(f.mediaLog).toContain(`ring-off:${localId}`);
    await f.ok('reject');
    expect(f.calls.get(localId)).toMatchObject({ state: 'ended', outcome: 'failed' });
  });
});

describe("an outgoing call whose ACCEPTED status beats the webhook with the customer's answer (found by the soak)", () => {
  it('applies the answer when it arrives after ACCEPTED (the call had no audio and ended 11 s later), and only once', async () => {
    const f = fakeSetup();
    const call = f.calls.dial({ waId: '55119000001', userId: null }, null);
    f.prepared[0]!.resolve('OFFER');
    await f.flush();
    await f.ok('connect', 'wacid.OUT9');
    const at = () => new Date().toISOString();
    f.deliver({
      kind: 'call.status',
      key: 'call:wacid.OUT9:status:ACCEPTED',
      occurredAt: at(),
      phoneNumberId: null,
      wabaId: '1',
      callId: 'wacid.OUT9',
      status: 'ACCEPTED',
      user: f.user(1),
      bizOpaque: call.localId,
      raw: {},
    });
    await f.flush();
    expect(f.calls.get(call.localId)?.state).toBe('active');
    const answer = (key: string) =>
      f.deliver({
        kind: 'call.connect',
        key,
        occurredAt: at(),
        phoneNumberId: null,
        wabaId: '1',
        callId: 'wacid.OUT9',
        direction: 'outgoing',
        user: f.user(1),
        session: { sdpType: 'answer', sdp: 'ANSWER-9' },
        ctaPayload: null,
        deeplinkPayload: null,
        bizOpaque: call.localId,
        raw: {},
      });
    answer('call:wacid.OUT9:connect');
    await f.flush();
    answer('call:wacid.OUT9:connect#again'); // a repeat must not apply it twice (a second setRemoteDescription fails)
    await f.flush();
    expect(f.mediaLog.filter((l) => l.startsWith('apply:'))).toEqual([`apply:${call.localId}:ANSWER-9`]);
    expect(f.calls.get(call.localId)?.state).toBe('active');
    expect(f.requests).toEqual([]);
  });
});
