/**
 * Reachability end to end: the app's services with the REAL localtunnel client against a
 * loopback tunnel server, and the Cloud API simulator sending real signed webhooks. The app
 * re-points the simulator's phone-number override at each new public URL (passing the hub.*
 * handshake), and events flow again after the tunnel server restarts with new URLs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startAppServices, type AppServices } from '../../../main/app-services.ts';
import { createSimulator, type Simulator } from '../../sim/simulator.ts';
import { startTunnelServer, type TunnelServer } from '../../support/tunnel-server.ts';
import { testServiceOptions } from '../../support/host.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { waitFor } from './helpers.ts';

const seed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../sim/seed.default.json'), 'utf8')) as {
  users: Array<{ wa_id?: string }>;
};

let sim: Simulator | null = null;
let tunnel: TunnelServer | null = null;
let services: AppServices | null = null;
afterEach(async () => {
  await services?.close();
  await tunnel?.close();
  await sim?.close();
  services = null;
  tunnel = null;
  sim = null;
});

async function setup() {
  sim = createSimulator({ seed, timeFactor: 50 });
  await sim.listen(0);
  tunnel = await startTunnelServer();
  const { log } = memoryLogger();
  services = await startAppServices({ ...testServiceOptions(log), localtunnelHost: tunnel.url, tunnelProbeIntervalMs: 300 });
  const c = sim.credentials();
  const res = await services.dispatch('connectAccount', {
    graphBaseUrl: c.graphBaseUrl,
    apiVersion: c.apiVersion,
    accessToken: c.accessToken,
    appSecret: c.appSecret,
    appId: c.appId,
    wabaId: c.wabaId,
    phoneNumberId: c.phoneNumberId,
  });
  expect(res).toMatchObject({ ok: true, result: { saved: true } });
  return { c, s: services };
}

async function overrideOnSim(c: {
  graphBaseUrl: string;
  apiVersion: string;
  accessToken: string;
  phoneNumberId: string;
}): Promise<string | undefined> {
  const res = await fetch(`${c.graphBaseUrl}/${c.apiVersion}/${c.phoneNumberId}?fields=webhook_configuration`, {
    headers: { authorization: `Bearer ${c.accessToken}` },
  });
  return ((await res.json()) as { webhook_configuration?: { phone_number?: string } }).webhook_configuration?.phone_number;
}

async function customerWrites(c: { controlUrl: string }, text: string): Promise<void> {
  const waId = seed.users[0]!.wa_id!;
  const res = await fetch(`${c.controlUrl}/users/${waId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  expect(res.status).toBe(201);
}

const texts = (s: AppServices): string[] =>
  (s.db.prepare("SELECT payload FROM domain_events WHERE kind = 'message.received'").all() as Array<{ payload: string }>).map(
    (r) => (JSON.parse(r.payload) as { raw: { text?: { body?: string } } }).raw.text?.body ?? '',
  );

describe('reachability through the real localtunnel client', () => {
  it('re-points Meta at the tunnel, receives events, and survives a tunnel server restart', async () => {
    const { c, s } = await setup();
    const first = await waitFor(
      'callback registered',
      () => (s.connection.view().callback.state === 'registered' ? s.connection.view() : null),
      20_000,
    );
    expect(first.state).toBe('connected');
    expect(first.callbackUrl).toMatch(new RegExp(`^${tunnel!.url}/t/[a-z0-9]+/webhook$`));
    expect(await overrideOnSim(c)).toBe(first.callbackUrl);
    expect(s.status().reachability.state).toBe('connected');

    await customerWrites(c, 'first through the tunnel');
    await waitFor('first message', () => texts(s).includes('first through the tunnel') || null, 15_000);

    const delivery = await s.dispatch('testDelivery', {});
    expect(delivery).toMatchObject({ ok: true, result: { ok: true } });

    // The tunnel server restarts and hands out new URLs: Switchboard notices and re-points.
    await tunnel!.restart();
    const second = await waitFor(
      'new callback registered',
      () => {
        const v = s.connection.view();
        return v.callback.state === 'registered' && v.callbackUrl !== first.callbackUrl ? v : null;
      },
      30_000,
    );
    expect(await overrideOnSim(c)).toBe(second.callbackUrl);
    await customerWrites(c, 'second after the restart');
    await waitFor('second message', () => texts(s).includes('second after the restart') || null, 15_000);
    expect(texts(s).filter((t) => t === 'first through the tunnel')).toHaveLength(1);
    expect(s.connection.view().history.some((h) => h.state === 'unreachable')).toBe(true);
  }, 90_000);

  it('says it is unreachable, and why, while the tunnel server refuses connections', async () => {
    const { s } = await setup();
    await waitFor('connected', () => (s.connection.view().state === 'connected' ? true : null), 20_000);
    await tunnel!.refuse(true);
    tunnel!.kill();
    const down = await waitFor('unreachable', () => (s.connection.view().state === 'unreachable' ? s.connection.view() : null), 20_000);
    expect(down.reason).toBeTruthy();
    expect(s.status().reachability).toMatchObject({ state: 'unreachable' });
    await tunnel!.refuse(false);
    await waitFor('back', () => (s.connection.view().state === 'connected' ? true : null), 30_000);
  }, 90_000);

  it('two computers, one number: the second does not take the number silently; Take over moves it, and the first stops re-pointing', async () => {
    const { c, s: a } = await setup();
    const aView = await waitFor(
      'A registered',
      () => (a.connection.view().callback.state === 'registered' ? a.connection.view() : null),
      20_000,
    );
    expect(aView.holder.state).toBe('this-computer');
    expect(await overrideOnSim(c)).toBe(aView.callbackUrl);

    // The same number connected on a second computer.
    const { log } = memoryLogger();
    const b = await startAppServices({
      ...testServiceOptions(log),
      localtunnelHost: tunnel!.url,
      tunnelProbeIntervalMs: 300,
      tunnelBackoff: { floorMs: 100, capMs: 400 },
    });
    try {
      const res = await b.dispatch('connectAccount', {
        graphBaseUrl: c.graphBaseUrl,
        apiVersion: c.apiVersion,
        accessToken: c.accessToken,
        appSecret: c.appSecret,
        appId: c.appId,
        wabaId: c.wabaId,
        phoneNumberId: c.phoneNumberId,
      });
      expect(res).toMatchObject({ ok: true });
      const held = await waitFor(
        'B sees the number held elsewhere',
        () => (b.connection.view().holder.state === 'elsewhere' ? b.connection.view() : null),
        20_000,
      );
      expect(held.holder).toMatchObject({ state: 'elsewhere', url: aView.callbackUrl, left: false });
      expect(held.holder.since).not.toBeNull();
      expect(held.callback.state).not.toBe('registered');
      await new Promise((r) => setTimeout(r, 800)); // B's retries re-check; none re-points
      expect(await overrideOnSim(c)).toBe(aView.callbackUrl);
      await customerWrites(c, 'to whoever holds the number');
      await waitFor('A receives it', () => texts(a).includes('to whoever holds the number'), 10_000);
      expect(texts(b)).not.toContain('to whoever holds the number');

      // The owner presses Take over on B.
      const taken = await b.dispatch('takeOverCallback', {});
      expect(taken.ok).toBe(true);
      const bView = await waitFor(
        'B registered',
        () => (b.connection.view().callback.state === 'registered' ? b.connection.view() : null),
        20_000,
      );
      expect(bView.holder.state).toBe('this-computer');
      expect(await overrideOnSim(c)).toBe(bView.callbackUrl);

      // A notices on its next check, says so, and does not fight — not even after its tunnel restarts.
      const aHolder = await a.connection.checkHolder();
      expect(aHolder).toMatchObject({ state: 'elsewhere', url: bView.callbackUrl });
      await a.dispatch('restartTunnel', {});
      await waitFor(
        'A connected again',
        () => a.connection.view().state === 'connected' && a.connection.view().callbackUrl !== aView.callbackUrl,
        20_000,
      );
      await new Promise((r) => setTimeout(r, 800));
      expect(await overrideOnSim(c)).toBe(bView.callbackUrl);
      expect(a.connection.view().holder.state).toBe('elsewhere');

      // Leave it there is remembered.
      const left = await a.dispatch('leaveCallbackElsewhere', {});
      expect(left).toMatchObject({ ok: true, result: { holder: { state: 'elsewhere', left: true } } });
      await customerWrites(c, 'to the second computer');
      await waitFor('B receives it', () => texts(b).includes('to the second computer'), 10_000);
      expect(texts(a)).not.toContain('to the second computer');
    } finally {
      await b.close();
    }
  }, 90_000);

  it('an app without the calls and messages fields: Switchboard subscribes them with its own address once the tunnel is up, and events arrive', async () => {
    // A Meta app with no webhook subscription at all: Meta drops every field for the number.
    sim = createSimulator({ seed: { ...seed, webhooks: { fields: [] } }, timeFactor: 50 });
    await sim.listen(0);
    tunnel = await startTunnelServer();
    const { log } = memoryLogger();
    services = await startAppServices({ ...testServiceOptions(log), localtunnelHost: tunnel.url, tunnelProbeIntervalMs: 300 });
    const c = sim.credentials();
    const res = await services.dispatch('connectAccount', {
      graphBaseUrl: c.graphBaseUrl,
      apiVersion: c.apiVersion,
      accessToken: c.accessToken,
      appSecret: c.appSecret,
      appId: c.appId,
      wabaId: c.wabaId,
      phoneNumberId: c.phoneNumberId,
    });
    expect(res).toMatchObject({ ok: true, result: { saved: true } });
    const step = (
      res as { result: { steps: Array<{ id: string; state: string; message: string; fix: string | null }> } }
    ).result.steps.find((x) => x.id === 'webhooks');
    expect(step).toMatchObject({ state: 'warning' });
    expect(step!.fix).toContain('Switchboard subscribes the app to the "calls" and "messages" fields with its own address');
    const s = services;
    await waitFor('fields subscribed', () => s.connection.view().webhookFields?.state === 'subscribed', 20_000);
    const subs = await fetch(`${c.graphBaseUrl}/${c.apiVersion}/${c.appId}/subscriptions`, {
      headers: { authorization: `Bearer ${c.appId}|${c.appSecret}` },
    });
    const data = ((await subs.json()) as { data: Array<{ callback_url: string; fields: Array<{ name: string }> }> }).data[0]!;
    expect(data.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['calls', 'messages']));
    expect(data.callback_url).toBe(s.connection.view().callbackUrl);
    await customerWrites(c, 'chegou?');
    await waitFor('the message', () => texts(s).includes('chegou?'), 10_000);
  });
});
