/**
 * Reachability soak: the demo's setup (simulator, the real-server-shaped loopback tunnel server,
 * the real localtunnel client, Switchboard's services with their production probe cadence and
 * receiver limits) left idle, with a customer message every 20–60 s. Idle gaps are longer than
 * every server timeout on the way, which is where a tunnel that flaps shows itself.
 *
 * It must report 0 tunnel restarts, 0 unreachable spells, and every message delivered exactly once
 * on its first try (a retried webhook means one was lost on the way).
 *
 *   node test/reliability/reachability-soak.ts [--minutes 30] [--seed 1]
 */
import { startAppServices } from '../../main/app-services.ts';
import type { ConnectionView } from '../../common/bridge-contract.ts';
import { createSimulator } from '../sim/simulator.ts';
import { cliNumber, cliOptions } from '../support/cli.ts';
import { testServiceOptions } from '../support/host.ts';
import { prng } from '../support/prng.ts';
import { defaultSeed } from '../support/sim-app.ts';
import { memoryLogger } from '../support/test-log.ts';
import { startTunnelServer } from '../support/tunnel-server.ts';
import { until } from '../support/until.ts';

export interface ReachabilitySoakReport {
  minutes: number;
  restarts: number;
  unreachableSpells: number;
  probes: number;
  probesFailed: number;
  messagesSent: number;
  /** Distinct messages that reached the thread store. */
  messagesReceived: number;
  /** Message webhooks the simulator had to send more than once. */
  retriedWebhooks: number;
  /** Webhooks the simulator gave up on. */
  undelivered: number;
  tunnelRequests: number;
  tunnelReused: number;
  /** Distinct callback URLs Meta was pointed at (1 when the tunnel never restarted). */
  callbackUrls: number;
  history: string[];
  failures: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runReachabilitySoak(opts: {
  minutes: number;
  seed?: number;
  gapMs?: [number, number];
}): Promise<ReachabilitySoakReport> {
  const random = prng(opts.seed ?? 1);
  const [gapMin, gapMax] = opts.gapMs ?? [20_000, 60_000];
  const sim = createSimulator({ seed: defaultSeed });
  await sim.listen(0);
  const tunnel = await startTunnelServer();
  // No probe interval, backoff or receiver limits given: production's.
  const services = await startAppServices({ ...testServiceOptions(memoryLogger().log), localtunnelHost: tunnel.url });
  const urls = new Set<string>();
  const probesSeen = new Map<string, boolean>();
  let last: ConnectionView | null = null;
  const off = services.events.subscribe((event, payload) => {
    if (event !== 'connection') return;
    const v = payload as ConnectionView;
    last = v;
    if (v.callback.state === 'registered' && v.callback.url) urls.add(v.callback.url);
    for (const p of v.probes) probesSeen.set(`${p.at}|${p.via}|${p.ms}`, p.ok);
  });
  const failures: string[] = [];
  let sent = 0;
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
    await until('the first registration', () => urls.size >= 1, 30_000);
    const users = sim.ctx.users.all().filter((u) => u.waId);
    const end = Date.now() + opts.minutes * 60_000;
    while (Date.now() < end) {
      const gap = gapMin + Math.floor(random() * (gapMax - gapMin));
      await sleep(Math.min(gap, Math.max(0, end - Date.now())));
      if (Date.now() >= end) break;
      sim.messaging.userSends(users[sent % users.length]!, 'text', { body: `soak ${sent}` });
      sent++;
    }
    await until(
      'every message webhook settled',
      () =>
        sim.webhooks.posts
          .filter((p) => p.fields.includes('messages'))
          .every((p) => p.state === 'delivered' || p.state === 'dropped' || p.state === 'expired'),
      120_000,
    ).catch((err: unknown) => failures.push((err as Error).message));
    while ((await services.inbox.drain()) > 0) {
      /* finish processing */
    }
    const bodies = (
      services.db.prepare("SELECT payload FROM domain_events WHERE kind = 'message.received'").all() as Array<{ payload: string }>
    )
      .map((r) => (JSON.parse(r.payload) as { raw: { text?: { body?: string } } }).raw.text?.body ?? '')
      .filter((b) => b.startsWith('soak '));
    const posts = sim.webhooks.posts.filter((p) => p.fields.includes('messages'));
    const view = (await services.dispatch('getConnection', {})) as { ok: true; result: ConnectionView } | { ok: false };
    const v: ConnectionView | null = view.ok ? view.result : last;
    for (const p of v?.probes ?? []) probesSeen.set(`${p.at}|${p.via}|${p.ms}`, p.ok);
    const history = (v?.history ?? []).map((h) => `${h.at} ${h.state}${h.reason ? ` — ${h.reason}` : ''}`);
    const report: ReachabilitySoakReport = {
      minutes: opts.minutes,
      restarts: v?.restarts ?? -1,
      unreachableSpells: (v?.history ?? []).filter((h) => h.state === 'unreachable').length,
      probes: probesSeen.size,
      probesFailed: [...probesSeen.values()].filter((ok) => !ok).length,
      messagesSent: sent,
      messagesReceived: new Set(bodies).size,
      retriedWebhooks: posts.filter((p) => p.attempts > 1).length,
      undelivered: posts.filter((p) => p.state !== 'delivered').length,
      tunnelRequests: tunnel.stats.forwarded,
      tunnelReused: tunnel.stats.reused,
      callbackUrls: urls.size,
      history,
      failures,
    };
    if (report.restarts !== 0) failures.push(`${report.restarts} tunnel restarts`);
    if (report.unreachableSpells !== 0) failures.push(`${report.unreachableSpells} unreachable spells`);
    if (report.messagesReceived !== sent || bodies.length !== sent)
      failures.push(`${sent} messages sent, ${bodies.length} received (${report.messagesReceived} distinct)`);
    if (report.undelivered !== 0) failures.push(`${report.undelivered} webhooks undelivered`);
    if (report.callbackUrls !== 1) failures.push(`${report.callbackUrls} callback URLs registered`);
    return report;
  } finally {
    off();
    await services.close();
    await tunnel.close();
    await sim.close();
  }
}

export function formatReachabilitySoak(r: ReachabilitySoakReport): string {
  return [
    `reachability soak: ${r.minutes} min`,
    `  tunnel restarts        ${r.restarts}`,
    `  unreachable spells     ${r.unreachableSpells}`,
    `  probes                 ${r.probes} (${r.probesFailed} failed)`,
    `  messages               ${r.messagesSent} sent, ${r.messagesReceived} received once each, ${r.retriedWebhooks} webhooks retried, ${r.undelivered} undelivered`,
    `  tunnel                 ${r.tunnelRequests} requests forwarded, ${r.tunnelReused} over a reused socket; ${r.callbackUrls} callback URL(s)`,
    `  history                ${r.history.join(' | ')}`,
    r.failures.length ? `  FAILED: ${r.failures.join('; ')}` : '  ok',
  ].join('\n');
}

if (process.argv[1] && process.argv[1].endsWith('reachability-soak.ts')) {
  const usage = 'usage: node test/reliability/reachability-soak.ts [--minutes 30] [--seed 1]';
  const values = cliOptions(usage, { minutes: { type: 'string', default: '30' }, seed: { type: 'string', default: '1' } });
  const minutes = cliNumber('minutes', values.minutes, 1, { integer: false });
  const seed = cliNumber('seed', values.seed, 0);
  const r = await runReachabilitySoak({ minutes, seed });
  console.log(formatReachabilitySoak(r));
  process.exit(r.failures.length ? 1 : 0);
}
