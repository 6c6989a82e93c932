/**
 * The call controller end to end in Node: the simulator carries the signalling (real signed
 * webhooks into the real receiver, real Graph /calls requests with Meta's rules), and two werift
 * WebRTC peers carry real Opus audio — the customer's phone, and a stand-in for the renderer's
 * media engine behind the controller's MediaPort. Distinct tones are measured at both ends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CallController, type MediaPort } from '../../../main/calls/call-controller.ts';
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

const callActions = () => sim!.ctx.sent.filter((x) => x.kind === 'call-action').map((x) => `${String((x.body as { action?: string }).action)}:${x.status}`);

describe('call controller with real audio through the simulator', () => {
  it('rings, pre-accepts, answers with the identical SDP, carries audio both ways, and hangs up', async () => {
    const { c, s, controller, media } = await setup();
    const customer = createPhonePeer({ label: 'customer', source: { kind: 'tone', frequency: 1000 } });
    peers.push(customer);
    const offer = await customer.createOffer();
    const waId = seed.users[0]!.wa_id!;
    const placed = (await (await fetch(`${c.controlUrl}/users/${waId}/call`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sdp: offer, via: 'deeplink', deeplink_payload: 'spring-promo' }) })).json()) as { id: string };

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
    await fetch(`${c.controlUrl}/calls/${placed.id}/media`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ receiving: true }) });

    expect(controller.hangup(ringing.localId)).toBe(true);
    await until('ended', () => controller.get(ringing.localId)?.state === 'ended');
    expect(controller.get(ringing.localId)?.outcome).toBe('completed');
    expect(callActions()).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
    const card = await until('call card completed', () => (s.threads.callItem(placed.id)?.status === 'completed' ? s.threads.callItem(placed.id) : null));
    expect(card.direction).toBe('in');
    expect(controller.liveTimers()).toBe(0);
    expect(media.log.filter((l) => l === 'ring-off').length).toBeGreaterThan(0);
    console.log(`controller call: customer heard ${heardByCustomer.toFixed(0)} Hz, business heard ${heardByBusiness.toFixed(0)} Hz`);
  }, 60_000);

  it('declines with reject and records a declined call; a connect after its terminate never rings', async () => {
    const { c, s, controller, media } = await setup();
    const waId = seed.users[0]!.wa_id!;
    const placed = (await (await fetch(`${c.controlUrl}/users/${waId}/call`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { id: string };
    const ringing = await until('ringing', () => controller.list().find((x) => x.callId === placed.id && x.state === 'ringing'));
    expect(controller.decline(ringing.localId)).toBe(true);
    await until('ended', () => controller.get(ringing.localId)?.state === 'ended');
    expect(controller.get(ringing.localId)?.outcome).toBe('declined');
    expect(callActions().filter((a) => a.startsWith('reject'))).toEqual(['reject:200']);
    await until('declined card', () => s.threads.callItem(placed.id)?.status === 'declined');

    // Terminate first, then its connect (webhooks reorder): recorded as missed, no ring.
    const rings = media.log.filter((l) => l === 'ring').length;
    controller.onDomainEvent({ kind: 'call.terminate', key: 'k1', occurredAt: new Date().toISOString(), phoneNumberId: null, wabaId: '1', callId: 'wacid.LATE', direction: 'USER_INITIATED', user: { waId, userId: null, parentUserId: null, profileName: null, username: null }, status: 'FAILED', durationSeconds: null, errors: [], bizOpaque: null, raw: {} });
    controller.onDomainEvent({ kind: 'call.connect', key: 'k2', occurredAt: new Date().toISOString(), phoneNumberId: null, wabaId: '1', callId: 'wacid.LATE', direction: 'USER_INITIATED', user: { waId, userId: null, parentUserId: null, profileName: null, username: null }, session: { sdpType: 'offer', sdp: 'v=0' }, ctaPayload: null, deeplinkPayload: null, bizOpaque: null, raw: {} });
    expect(controller.list().find((x) => x.callId === 'wacid.LATE')).toMatchObject({ state: 'ended', outcome: 'missed' });
    expect(media.log.filter((l) => l === 'ring').length).toBe(rings);
  }, 60_000);

  it('asks for permission, is granted, calls the customer, and they talk (business-initiated)', async () => {
    const { c, s, controller, media } = await setup();
    const waId = seed.users[0]!.wa_id!;
    await fetch(`${c.controlUrl}/users/${waId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Me liga?' }) });
    const thread = await until('thread', () => s.threads.listThreads()[0]);

    const before = await s.dispatch('getCallPermission', { threadId: thread.id });
    expect(before).toMatchObject({ ok: true, result: { status: 'none', canCall: false, canRequest: true, requestNeedsTemplate: false } });
    expect((before as { result: { callBlockedReason: string } }).result.callBlockedReason).toMatch(/not given permission/);
    expect(await s.dispatch('placeCall', { threadId: thread.id })).toMatchObject({ ok: false, error: { code: 'no_permission' } });

    // A "call us" button whose payload comes back with the customer's call; and a call link.
    expect(await s.dispatch('sendCallButton', { threadId: thread.id, body: 'Call us about your order', displayText: 'Call the bakery', payload: 'order-42' })).toMatchObject({ ok: true });
    expect(await s.dispatch('getCallLink', { payload: 'spring promo' })).toEqual({ ok: true, result: { url: `https://wa.me/call/${c.displayPhoneNumber}?biz_payload=spring%20promo`, copied: false } });
    expect(await s.dispatch('sendCallButton', { threadId: thread.id, body: 'x', displayText: 'This text is far too long for a button' })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });

    expect(await s.dispatch('requestCallPermission', { threadId: thread.id })).toMatchObject({ ok: true });
    expect(s.threads.timeline(thread.id).some((i) => i.type === 'call_permission_request' && i.direction === 'out')).toBe(true);
    const granted = await fetch(`${c.controlUrl}/users/${waId}/permission`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response: 'accept' }) });
    expect(granted.status).toBe(201);
    await until('permission recorded in the thread', () => s.threads.timeline(thread.id).some((i) => i.type === 'permission_granted'));
    expect(await s.dispatch('getCallPermission', { threadId: thread.id })).toMatchObject({ ok: true, result: { status: 'temporary', canCall: true } });

    const customer = createPhonePeer({ label: 'customer', source: { kind: 'tone', frequency: 1000 } });
    peers.push(customer);
    const call = controller.dial({ waId, userId: null }, thread.id);
    const callId = await until('call id from connect', () => controller.get(call.localId)?.callId);
    const offer = (await (await fetch(`${c.controlUrl}/calls/${callId}/answer`)).json()) as { sdp: string };
    const answerSdp = await customer.acceptOffer(offer.sdp);
    await fetch(`${c.controlUrl}/calls/${callId}/answer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sdp: answerSdp, pickup: true }) });
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
