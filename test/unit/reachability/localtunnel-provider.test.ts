/**
 * The localtunnel provider with the REAL localtunnel 2.0.2 client, isolated in a worker thread,
 * against the loopback tunnel server (test/support/tunnel-server.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LocaltunnelProvider, checkLocaltunnelOptions } from '../../../main/reachability/localtunnel-provider.ts';
import { TunnelStartError } from '../../../main/reachability/tunnel-provider.ts';
import { startTunnelServer, type TunnelServer } from '../../support/tunnel-server.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { deadPort, getText, postJson, startFakeReceiver, waitFor, WEBHOOK_PATH, VERIFY_TOKEN, type FakeReceiver } from './helpers.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: { maxConnCount?: number } = {}): Promise<{ server: TunnelServer; receiver: FakeReceiver }> {
  const server = await startTunnelServer({ socketWaitMs: 300, ...opts });
  cleanups.push(() => server.close());
  const receiver = await startFakeReceiver();
  cleanups.push(() => receiver.close());
  return { server, receiver };
}

function provider(opts: ConstructorParameters<typeof LocaltunnelProvider>[0]): LocaltunnelProvider {
  const p = new LocaltunnelProvider({ startTimeoutMs: 5_000, stopGraceMs: 500, ...opts });
  cleanups.push(() => p.stop());
  return p;
}

/** Counts uncaught exceptions in this process while the test runs (there must be none). */
function watchUncaught(): () => number {
  let n = 0;
  const onUncaught = (): void => {
    n++;
  };
  process.on('uncaughtException', onUncaught);
  cleanups.push(async () => process.off('uncaughtException', onUncaught));
  return () => n;
}

describe('localtunnel provider + loopback tunnel server', () => {
  it('events POSTed to the public URL arrive at the local receiver, and the handshake passes', async () => {
    const { server, receiver } = await setup();
    const lt = provider({ host: server.url });
    const { url } = await lt.start(receiver.port);
    expect(url).toMatch(new RegExp(`^${server.url}/t/[a-z0-9]+$`));

    const events = Array.from({ length: 12 }, (_, i) => ({ object: 'whatsapp_business_account', n: i, text: 'héllo ✓' }));
    const statuses = await Promise.all(events.map((e) => postJson(`${url}${WEBHOOK_PATH}`, e)));
    expect(statuses).toEqual(events.map(() => 200));
    expect(receiver.posts.map((b) => JSON.parse(b) as unknown).sort((a, b) => (a as { n: number }).n - (b as { n: number }).n)).toEqual(
      events,
    );

    const hs = await getText(`${url}${WEBHOOK_PATH}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=abc123`);
    expect(hs).toEqual({ status: 200, body: 'abc123' });
    expect((await getText(`${url}/elsewhere`)).status).toBe(404);
    expect(server.stats.forwarded).toBe(14);
  });

  it('the server: unknown tunnel 404, a tunnel whose client left is gone after the grace period, taken subdomain replaced', async () => {
    const { server, receiver } = await setup();
    expect((await getText(`${server.url}/t/nosuchid${WEBHOOK_PATH}`)).status).toBe(404);

    const first = provider({ host: server.url, subdomain: 'acme-shop' });
    const a = await first.start(receiver.port);
    expect(a.url).toBe(`${server.url}/t/acme-shop`);
    const second = provider({ host: server.url, subdomain: 'acme-shop' });
    const b = await second.start(receiver.port);
    expect(b.url).not.toBe(a.url); // the server silently hands out another name

    await first.stop();
    await waitFor('client sockets of the stopped tunnel to close', () => server.stats.clientSockets <= 10);
    // As the real server: one second after its last socket went, the tunnel is removed (404).
    await waitFor('the stopped tunnel to be removed', () => server.stats.expired === 1, 3_000);
    expect(await postJson(`${a.url}${WEBHOOK_PATH}`, { x: 1 })).toBe(404);
    expect(await postJson(`${b.url}${WEBHOOK_PATH}`, { x: 2 })).toBe(200);
  });

  it('a killed link is silent: the client reconnects by itself and events flow again', async () => {
    const { server, receiver } = await setup();
    const lt = provider({ host: server.url });
    let downs = 0;
    lt.onDown(() => downs++);
    const { url } = await lt.start(receiver.port);
    await waitFor('all client sockets', () => server.stats.clientSockets === 10);
    server.kill();
    expect(server.stats.clientSockets).toBe(0);
    await waitFor(
      'an event through the re-opened sockets',
      async () => (await postJson(`${url}${WEBHOOK_PATH}`, { after: 'kill' })) === 200,
    );
    expect(receiver.posts).toContain(JSON.stringify({ after: 'kill' }));
    expect(downs).toBe(0); // localtunnel said nothing — only a probe from outside can tell
  });
});

describe('localtunnel isolation (worker thread)', () => {
  it('a tunnel socket refused by the server fails start() with a plain reason; the process is fine', async () => {
    const uncaught = watchUncaught();
    const port = await deadPort();
    // A "server" that registers the tunnel but hands out a port where nothing listens.
    const fake = http.createServer((_req, res) =>
      res.end(JSON.stringify({ id: 'abcd', port, max_conn_count: 2, url: 'http://127.0.0.1:1/t/abcd' })),
    );
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => fake.close(r)));
    const receiver = await startFakeReceiver();
    cleanups.push(() => receiver.close());

    const lt = provider({ host: `http://127.0.0.1:${(fake.address() as AddressInfo).port}` });
    await expect(lt.start(receiver.port)).rejects.toThrow('The tunnel server refused the connection');
    expect(lt.running).toBe(false);

    // The same client without an error listener throws inside the worker: a crash, not our crash.
    const unguarded = provider({
      host: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`,
      workerUrl: new URL('./fixtures/unguarded-localtunnel-worker.ts', import.meta.url),
    });
    const err = await unguarded.start(receiver.port).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TunnelStartError);
    expect((err as Error).message).toBe('The tunnel client crashed: the tunnel server refused the connection');
    expect(uncaught()).toBe(0);
  });

  it('a registration the server refuses fails fast instead of retrying every second forever', async () => {
    const receiver = await startFakeReceiver();
    cleanups.push(() => receiver.close());
    const { log, events } = memoryLogger();
    const lt = provider({ host: `http://127.0.0.1:${await deadPort()}`, log });
    await expect(lt.start(receiver.port)).rejects.toThrow('The tunnel server refused the connection');
    expect(events()).toContain('tunnel.localtunnel.start_failed');

    // A registration that never gets an answer ends at the start timeout.
    const silent = http.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise((r) => {
          silent.closeAllConnections();
          silent.close(r);
        }),
    );
    const slow = provider({ host: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, startTimeoutMs: 300 });
    await expect(slow.start(receiver.port)).rejects.toThrow('The tunnel server did not open a tunnel within 0.3 s');
  });

  it('a started tunnel whose server goes away is reported down once, with the reason', async () => {
    const uncaught = watchUncaught();
    const { server, receiver } = await setup();
    const lt = provider({ host: server.url });
    const reasons: string[] = [];
    lt.onDown((r) => reasons.push(r));
    await lt.start(receiver.port);
    await server.restart(); // the tunnel's TCP port is gone: the client's reconnects are refused
    await waitFor('the down report', () => reasons.length > 0);
    expect(reasons).toEqual(['The tunnel server refused the connection']);
    expect(lt.running).toBe(false);
    expect(uncaught()).toBe(0);
  });

  it('a client that throws after it opened (no error listener) is reported down, not thrown at us', async () => {
    const uncaught = watchUncaught();
    const { server, receiver } = await setup();
    const lt = provider({ host: server.url, workerUrl: new URL('./fixtures/unguarded-localtunnel-worker.ts', import.meta.url) });
    const reasons: string[] = [];
    lt.onDown((r) => reasons.push(r));
    const { url } = await lt.start(receiver.port);
    expect(await postJson(`${url}${WEBHOOK_PATH}`, { ok: 1 })).toBe(200);
    await server.restart(); // localtunnel issue #612: "When the tunnel fails it takes down the entire application"
    await waitFor('the down report', () => reasons.length > 0);
    expect(reasons).toEqual(['The tunnel client crashed: the tunnel server refused the connection']);
    expect(uncaught()).toBe(0);
  });

  it('checks its options before starting anything', () => {
    expect(checkLocaltunnelOptions({})).toEqual({ host: 'https://localtunnel.me', subdomain: undefined });
    expect(checkLocaltunnelOptions({ host: 'https://lt.example.com/', subdomain: 'acme-shop' })).toEqual({
      host: 'https://lt.example.com',
      subdomain: 'acme-shop',
    });
    expect(() => new LocaltunnelProvider({ subdomain: 'abc' })).toThrow(/4–63 lowercase/);
    expect(() => new LocaltunnelProvider({ subdomain: 'Acme_Shop' })).toThrow(/4–63 lowercase/);
    expect(() => new LocaltunnelProvider({ host: 'ftp://x.example.com' })).toThrow(/http\(s\)/);
    expect(() => new LocaltunnelProvider({ host: 'https://x.example.com/path' })).toThrow(/no path/);
  });
});

describe('localtunnel provider: stop wins over a start in progress', () => {
  it('a stop() during start() leaves no worker behind', async () => {
    const { server, receiver } = await setup();
    const lt = provider({ host: server.url });
    await lt.start(receiver.port);
    const restarting = lt.start(receiver.port).catch((e: unknown) => e); // ends the first run, then would start a second
    await lt.stop();
    expect(await restarting).toBeInstanceOf(TunnelStartError);
    expect(lt.running).toBe(false);
    await waitFor('no client sockets', () => server.stats.clientSockets === 0);
  });
});
