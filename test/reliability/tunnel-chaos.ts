/**
 * Tunnel chaos: while the simulator keeps sending webhooks, the loopback tunnel server is killed
 * and restarted again and again (each time handing out new URLs). Switchboard must notice, get a
 * new tunnel, re-point Meta's phone-number override (passing the handshake), and lose nothing:
 * the simulator retries what was not delivered, and every event ends up in the inbox exactly once.
 *
 *   node test/reliability/tunnel-chaos.ts [--restarts 20] [--messages 300]
 */
import { cliNumber, cliOptions } from '../support/cli.ts';
import { startAppServices } from '../../main/app-services.ts';
import { createSimulator } from '../sim/simulator.ts';
import { startTunnelServer } from '../support/tunnel-server.ts';
import { testServiceOptions } from '../support/host.ts';
import { memoryLogger } from '../support/test-log.ts';
import { defaultSeed } from '../support/sim-app.ts';
import { until } from '../support/until.ts';

export interface ChaosReport {
  restarts: number;
  messages: number;
  registeredUrls: number;
  delivered: number;
  retriedPosts: number;
  received: number;
  distinct: number;
}

export async function runTunnelChaos(opts: { restarts: number; messages: number }): Promise<ChaosReport> {
  const sim = createSimulator({ seed: defaultSeed, timeFactor: 200, webhookConcurrency: 4 });
  await sim.listen(0);
  const tunnel = await startTunnelServer();
  const services = await startAppServices({
    ...testServiceOptions(memoryLogger().log),
    localtunnelHost: tunnel.url,
    tunnelProbeIntervalMs: 250,
    tunnelBackoff: { floorMs: 100, capMs: 1000 },
  });
  const urls = new Set<string>();
  const off = services.events.subscribe((event, payload) => {
    const v = payload as { callback?: { state: string; url: string | null } };
    if (event === 'connection' && v.callback?.state === 'registered' && v.callback.url) urls.add(v.callback.url);
  });
  try {
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
    if (!res.ok) throw new Error(res.error.message);
    await until('first registration', () => urls.size >= 1, 20_000);
    const users = sim.ctx.users.all().filter((u) => u.waId);
    const perRound = Math.ceil(opts.messages / (opts.restarts + 1));
    let sent = 0;
    for (let round = 0; round <= opts.restarts; round++) {
      for (let k = 0; k < perRound && sent < opts.messages; k++, sent++)
        sim.messaging.userSends(users[sent % users.length]!, 'text', { body: `chaos ${sent}` });
      if (round === opts.restarts) break;
      const before = urls.size;
      await new Promise((r) => setTimeout(r, 100));
      if (round % 2 === 0) tunnel.kill(); // a dropped link, then a restarted server
      await tunnel.restart();
      await until(`re-registration after restart ${round + 1}`, () => urls.size > before, 30_000);
    }
    await until(
      'every webhook delivered',
      () => sim.webhooks.posts.filter((p) => p.fields.includes('messages')).every((p) => p.state === 'delivered'),
      60_000,
    );
    while ((await services.inbox.drain()) > 0) {
      /* finish processing */
    }
    const bodies = (
      services.db.prepare("SELECT payload FROM domain_events WHERE kind = 'message.received'").all() as Array<{ payload: string }>
    ).map((r) => (JSON.parse(r.payload) as { raw: { text?: { body?: string } } }).raw.text?.body ?? '');
    const chaos = bodies.filter((b) => b.startsWith('chaos '));
    const posts = sim.webhooks.posts.filter((p) => p.fields.includes('messages'));
    return {
      restarts: opts.restarts,
      messages: sent,
      registeredUrls: urls.size,
      delivered: posts.length,
      retriedPosts: posts.filter((p) => p.attempts > 1).length,
      received: chaos.length,
      distinct: new Set(chaos).size,
    };
  } finally {
    off();
    await services.close();
    await tunnel.close();
    await sim.close();
  }
}

if (process.argv[1] && process.argv[1].endsWith('tunnel-chaos.ts')) {
  const values = cliOptions('usage: node test/reliability/tunnel-chaos.ts [--restarts 20] [--messages 300]', {
    restarts: { type: 'string', default: '20' },
    messages: { type: 'string', default: '300' },
  });
  const t0 = performance.now();
  const r = await runTunnelChaos({
    restarts: cliNumber('restarts', values.restarts, 1),
    messages: cliNumber('messages', values.messages, 1),
  });
  console.log(JSON.stringify(r));
  const ok = r.received === r.messages && r.distinct === r.messages && r.registeredUrls >= r.restarts + 1;
  console.log(
    `tunnel chaos: ${r.restarts} tunnel server restarts, ${r.registeredUrls} callback URLs registered, ${r.messages} events sent (${r.retriedPosts} posts retried by the simulator), ${r.received} received, ${r.distinct} distinct — ${ok ? 'nothing lost, nothing doubled' : 'FAILED'} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  process.exit(ok ? 0 : 1);
}
