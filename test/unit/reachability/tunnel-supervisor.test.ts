/**
 * The supervisor end to end: REAL localtunnel client (in its worker) → loopback tunnel server →
 * a stand-in receiver; short probe intervals and backoff so nothing waits long.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { LocaltunnelProvider } from '../../../main/reachability/localtunnel-provider.ts';
import { TunnelSupervisor, type PublicUrlChange, type TunnelSupervisorOptions } from '../../../main/reachability/tunnel-supervisor.ts';
import { probeAnswer } from '../../../main/webhooks/probe-answer.ts';
import { startTunnelServer, type TunnelServer } from '../../support/tunnel-server.ts';
import { memoryLogger } from '../../support/test-log.ts';
import {
  expectedProbeAnswer,
  getText,
  postJson,
  startFakeReceiver,
  waitFor,
  WEBHOOK_PATH,
  VERIFY_TOKEN,
  type FakeReceiver,
} from './helpers.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Rig {
  server: TunnelServer;
  receiver: FakeReceiver;
  sup: TunnelSupervisor;
  provider: LocaltunnelProvider;
  /** Callback URLs Meta (the fake below) was re-pointed to and verified, in order. */
  repointed: string[];
  logLines: () => string[];
  uncaught: () => number;
}

/**
 * The `onPublicUrl` hook stands in for Meta's override registration: like Meta, it verifies the
 * new callback URL with the handshake before accepting it.
 */
async function rig(opts: Partial<TunnelSupervisorOptions> = {}): Promise<Rig> {
  const server = await startTunnelServer({ socketWaitMs: 300 });
  cleanups.push(() => server.close());
  const receiver = await startFakeReceiver();
  cleanups.push(() => receiver.close());
  const { log, sink } = memoryLogger();
  const provider = new LocaltunnelProvider({ host: server.url, startTimeoutMs: 3_000, stopGraceMs: 300, log: log.child('lt') });
  const repointed: string[] = [];
  const onPublicUrl = async ({ callbackUrl }: PublicUrlChange): Promise<void> => {
    const challenge = randomUUID();
    const r = await getText(`${callbackUrl}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=${challenge}`);
    if (r.status !== 200 || r.body !== challenge) throw new Error(`Meta could not verify the callback URL (HTTP ${r.status})`);
    repointed.push(callbackUrl);
  };
  const sup = new TunnelSupervisor({
    provider,
    localPort: receiver.port,
    webhookPath: WEBHOOK_PATH,
    probeAnswer: expectedProbeAnswer,
    onPublicUrl,
    probeIntervalMs: 150,
    probeTimeoutMs: 2_000,
    confirmDelayMs: 100,
    backoff: { floorMs: 50, capMs: 400 },
    log: log.child('reachability'),
    ...opts,
  });
  cleanups.push(() => sup.dispose());
  let uncaught = 0;
  const onUncaught = (): void => {
    uncaught++;
  };
  process.on('uncaughtException', onUncaught);
  cleanups.push(async () => process.off('uncaughtException', onUncaught));
  return { server, receiver, sup, provider, repointed, logLines: () => sink.lines, uncaught: () => uncaught };
}

async function expectDelivered(r: Rig, callbackUrl: string, event: unknown): Promise<void> {
  expect(await postJson(callbackUrl, event)).toBe(200);
  expect(r.receiver.posts).toContain(JSON.stringify(event));
}

describe('tunnel supervisor with the real localtunnel client', () => {
  it('connects, re-points Meta once the URL passes a probe, and events flow', async () => {
    const r = await rig();
    const s = await r.sup.start();
    expect(s.state).toBe('connected');
    expect(s.reason).toBeNull();
    expect(s.provider).toBe('localtunnel');
    expect(s.publicUrl).toMatch(new RegExp(`^${r.server.url}/t/`));
    expect(s.callbackUrl).toBe(`${s.publicUrl}${WEBHOOK_PATH}`);
    expect(s.lastProbeAt).not.toBeNull();
    expect(s.history.map((h) => h.state)).toEqual(['connecting', 'connected']);

    await waitFor('the re-point', () => r.sup.status.callback.state === 'registered');
    expect(r.repointed).toEqual([s.callbackUrl]);
    await expectDelivered(r, s.callbackUrl ?? '', { entry: [{ id: 'WABA' }], n: 1 });

    // Probes keep going through the public URL (the receiver's probe route), each with a fresh
    // nonce and never with the verify token (Meta's verification GET is the only one that carries it).
    const before = r.receiver.probes;
    const verifications = r.receiver.verifications;
    await waitFor('more probes', () => r.receiver.probes >= before + 2);
    expect(r.receiver.verifications).toBe(verifications);
    expect(r.receiver.probeUrls.filter((u) => u.includes(VERIFY_TOKEN))).toEqual([]);
    expect(new Set(r.receiver.probeUrls).size).toBe(r.receiver.probeUrls.length);
    // The verify token never reaches a log line.
    expect(r.logLines().join('\n')).not.toContain(VERIFY_TOKEN);
  });

  it('tunnel server restarts with new ids: notices, backs off, gets a new URL, re-points Meta, events flow again', async () => {
    const r = await rig();
    await r.sup.start();
    await waitFor('first re-point', () => r.repointed.length === 1);
    const first = r.repointed[0] ?? '';
    await expectDelivered(r, first, { before: 'restart' });

    await r.server.restart();
    await waitFor('a re-point to the new URL', () => r.repointed.length === 2, 10_000);
    const second = r.repointed[1] ?? '';
    expect(second).not.toBe(first);

    const s = r.sup.status;
    expect(s.state).toBe('connected');
    expect(s.callbackUrl).toBe(second);
    expect(s.restarts).toBeGreaterThanOrEqual(1);
    const lost = s.history.find((h) => h.state === 'unreachable');
    expect(lost?.reason).toMatch(/^(The tunnel server refused the connection|Health check through the public URL failed: .+)$/);
    expect(s.history.at(-1)?.state).toBe('connected');

    expect(await postJson(first, { to: 'old URL' })).toBe(404); // the server forgot the old tunnel
    await expectDelivered(r, second, { after: 'restart' });
    expect(r.uncaught()).toBe(0);
  });

  it('survives the tunnel server refusing connections: unreachable with a reason, then recovers', async () => {
    const r = await rig();
    await r.sup.start();
    await r.server.refuse(true);
    await waitFor('unreachable', () => r.sup.status.state === 'unreachable');
    const lostSince = r.sup.status.since;

    // Keeps retrying with backoff while refused; stays unreachable, since-when unchanged.
    const restarts = r.sup.status.restarts;
    await waitFor('two more refused attempts', () => r.sup.status.restarts >= restarts + 2);
    let s = r.sup.status;
    expect(s.state).toBe('unreachable');
    expect(s.since).toBe(lostSince);
    expect(s.reason).toBe('The tunnel server refused the connection');
    await waitFor('a scheduled retry', () => r.sup.status.nextRetryAt);

    await r.server.refuse(false);
    s = await waitFor('connected again', () => (r.sup.status.state === 'connected' ? r.sup.status : null), 10_000);
    expect(s.reason).toBeNull();
    await waitFor('re-pointed to the working URL', () => r.repointed.at(-1) === s.callbackUrl);
    await expectDelivered(r, s.callbackUrl ?? '', { after: 'outage' });
    expect(r.uncaught()).toBe(0);
  });

  it('a killed link heals by itself; checkNow confirms it without a restart', async () => {
    const r = await rig({ probeIntervalMs: 60_000 });
    const started = await r.sup.start();
    await waitFor('the re-point', () => r.repointed.length === 1);
    const probes = r.receiver.probes;
    r.server.kill();
    const s = await r.sup.checkNow();
    expect(s.state).toBe('connected');
    expect(s.publicUrl).toBe(started.publicUrl);
    expect(s.restarts).toBe(0);
    expect(r.receiver.probes).toBe(probes + 1);
    await expectDelivered(r, s.callbackUrl ?? '', { after: 'kill' });
    expect(r.uncaught()).toBe(0);
  });

  it('a receiver that stopped answering is named as the cause, and the tunnel is kept', async () => {
    // The probe timeout must outlast the client's 1 s local reconnect loop (the real default is 10 s).
    const r = await rig({ probeIntervalMs: 60_000, probeTimeoutMs: 1_500, backoff: { floorMs: 60_000, capMs: 60_000 } });
    const started = await r.sup.start();
    await r.receiver.close();
    const s = await r.sup.checkNow();
    expect(s.state).toBe('unreachable');
    expect(s.reason).toBe('The webhook receiver on this computer is not answering: the connection was refused');
    expect(r.provider.running).toBe(true);

    const again = await startFakeReceiver(VERIFY_TOKEN, r.receiver.port);
    cleanups.push(() => again.close());
    // The client retries its local connection every second: re-check until it is through.
    const back = await waitFor('connected again', async () => ((await r.sup.checkNow()).state === 'connected' ? r.sup.status : null));
    expect(back.publicUrl, JSON.stringify(back.history)).toBe(started.publicUrl);
    expect(back.restarts).toBe(0);
  });

  it('a receiver whose probe answers are not the expected ones shows as unreachable with the reason; stop() leaves nothing running', async () => {
    // Another key than the receiver's: its answers (HMACs of our nonces) never match.
    const otherKey = randomBytes(32);
    const r = await rig({ probeAnswer: (nonce) => probeAnswer(otherKey, nonce), backoff: { floorMs: 5_000, capMs: 5_000 } });
    const s = await r.sup.start();
    expect(s.state).toBe('unreachable');
    expect(s.reason).toBe(
      'The webhook receiver on this computer failed the check: the answer was not Switchboard’s (the public URL may lead somewhere else)',
    );
    expect(r.provider.running).toBe(true); // the tunnel is not the problem: kept, not restarted
    // Meta is not re-pointed at a URL that fails its check: the re-point waits for a good probe.
    expect(s.callback).toMatchObject({ state: 'pending', url: s.callbackUrl, registeredUrl: null });
    expect(r.repointed).toEqual([]);

    await r.sup.stop();
    expect(r.sup.status.state).toBe('stopped');
    expect(r.provider.running).toBe(false);
    await waitFor('client sockets closed', () => r.server.stats.clientSockets === 0);
    expect(r.logLines().join('\n')).not.toContain(VERIFY_TOKEN);
    expect(r.logLines().join('\n')).not.toContain(otherKey.toString('hex'));
  });
});
