/**
 * Backoff and supervision logic with injected timers, clock, random and a fake provider/probe:
 * no real time passes, no network.
 */
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../main/reachability/backoff.ts';
import { PublicUrlProvider } from '../../../main/reachability/public-url-provider.ts';
import { TunnelStartError, type Timers, type TunnelProvider } from '../../../main/reachability/tunnel-provider.ts';
import { TunnelSupervisor, type PublicUrlChange } from '../../../main/reachability/tunnel-supervisor.ts';
import type { ProbeResult } from '../../../main/reachability/webhook-probe.ts';

/** Timers that only fire when the test says so. */
class ManualTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Delays of the timers now pending, in the order they were set. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }
  /** Fires the one pending timer with this delay (there must be exactly one) and lets promises settle. */
  async fire(ms: number): Promise<void> {
    const hits = [...this.pending.entries()].filter(([, t]) => t.ms === ms);
    if (hits.length !== 1) throw new Error(`expected one timer of ${ms} ms, pending: ${this.delays().join(', ')}`);
    const [id, t] = hits[0] as [number, { fn: () => void; ms: number }];
    this.pending.delete(id);
    t.fn();
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

class FakeProvider implements TunnelProvider {
  readonly kind = 'localtunnel' as const;
  /** What the next start()s do: a URL to open, or a reason to fail with; when empty, fail. */
  readonly script: string[] = [];
  starts = 0;
  stops = 0;
  private readonly listeners = new Set<(reason: string) => void>();
  async start(_localPort: number): Promise<{ url: string }> {
    this.starts++;
    const next = this.script.shift() ?? 'The tunnel server refused the connection';
    if (next.startsWith('https://')) return { url: next };
    throw new TunnelStartError(next);
  }
  async stop(): Promise<void> {
    this.stops++;
  }
  onDown(listener: (reason: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  down(reason: string): void {
    for (const l of this.listeners) l(reason);
  }
}

function harness(opts: { random?: () => number; hook?: (c: PublicUrlChange) => Promise<void>; confirmDelayMs?: number } = {}) {
  const timers = new ManualTimers();
  let now = Date.parse('2026-11-25T10:00:00.000Z');
  const provider = new FakeProvider();
  let probeResult: ProbeResult = { ok: true };
  let localResult: ProbeResult = { ok: true };
  let publicProbes = 0;
  const asked: Array<{ nonce: string; expected: string }> = [];
  const sup = new TunnelSupervisor({
    provider,
    localPort: 4000,
    webhookPath: '/webhook',
    probeAnswer: (nonce) => `answer-to-${nonce}`,
    probe: async (url, nonce, expected) => {
      asked.push({ nonce, expected });
      if (url.startsWith('http://127.0.0.1:4000/')) return localResult;
      publicProbes++;
      return probeResult;
    },
    probeIntervalMs: 20_000,
    confirmDelayMs: opts.confirmDelayMs ?? 0,
    backoff: { floorMs: 2_000, capMs: 300_000 },
    stableMs: 60_000,
    random: opts.random ?? (() => 0.5),
    timers,
    clock: () => new Date(now),
    ...(opts.hook ? { onPublicUrl: opts.hook } : {}),
  });
  return {
    sup,
    provider,
    timers,
    advance: (ms: number) => {
      now += ms;
    },
    setProbe: (r: ProbeResult) => {
      probeResult = r;
    },
    setLocalProbe: (r: ProbeResult) => {
      localResult = r;
    },
    publicProbes: () => publicProbes,
    /** Every probe's nonce and the answer it had to get. */
    asked: () => asked,
  };
}

describe('backoffDelay', () => {
  const opts = (r: number) => ({ floorMs: 2_000, capMs: 300_000, random: () => r });

  it('starts at the floor, doubles its ceiling, and stops at the cap', () => {
    const top = Array.from({ length: 12 }, (_, i) => backoffDelay(i, opts(1)));
    expect(top).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000, 300_000]);
    expect(Array.from({ length: 12 }, (_, i) => backoffDelay(i, opts(0)))).toEqual(Array(12).fill(2_000));
    expect(backoffDelay(3, opts(0.5))).toBe(9_000); // halfway between the floor and 16 s
  });

  it('is jittered and always within [floor, cap], even for absurd attempts or random values', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const attempt of [0, 1, 5, 9, 50, 1e9]) {
      const samples = Array.from({ length: 50 }, () => backoffDelay(attempt, { floorMs: 2_000, capMs: 300_000, random }));
      for (const d of samples) {
        expect(d).toBeGreaterThanOrEqual(2_000);
        expect(d).toBeLessThanOrEqual(300_000);
      }
      if (attempt > 0) expect(new Set(samples).size).toBeGreaterThan(10);
    }
    expect(backoffDelay(4, { floorMs: 2_000, capMs: 300_000, random: () => 7 })).toBe(32_000);
    expect(backoffDelay(4, { floorMs: 2_000, capMs: 300_000, random: () => -1 })).toBe(2_000);
  });
});

describe('supervisor retries with backoff (fake provider, timers and clock)', () => {
  it('a dead server is retried with growing, jittered delays between floor and cap, then recovers', async () => {
    const randoms = [0.5, 0.9, 0.1, 0.7, 0.3, 0.8, 0.2, 0.6, 0.4, 1, 0];
    const h = harness({ random: () => randoms.shift() ?? 0.5 });
    const first = await h.sup.start();
    expect(first.state).toBe('unreachable');
    expect(first.reason).toBe('The tunnel server refused the connection');
    expect(first.nextRetryAt).toBe('2026-11-25T10:00:02.000Z');

    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const [d] = h.timers.delays();
      delays.push(d ?? -1);
      await h.timers.fire(d ?? -1);
    }
    // attempt n: floor + r·(min(cap, floor·2^n) − floor)
    // ceilings 2, 4, 8, 16, 32, 64, 128, 256, 300 (cap), 300 s; e.g. attempt 5: 2 000 + 0.8 × (64 000 − 2 000)
    expect(delays).toEqual([2_000, 3_800, 2_600, 11_800, 11_000, 51_600, 27_200, 154_400, 121_200, 300_000]);
    expect(h.provider.starts).toBe(11);
    const s = h.sup.status;
    expect(s.state).toBe('unreachable');
    expect(s.restarts).toBe(10);
    expect(s.history.map((e) => e.state)).toEqual(['connecting', 'unreachable']); // no flapping while retrying

    h.provider.script.push('https://ok.example.com');
    await h.timers.fire(h.timers.delays()[0] ?? -1);
    expect(h.sup.status.state).toBe('connected');
    expect(h.sup.status.history.map((e) => e.state)).toEqual(['connecting', 'unreachable', 'connected']);
    expect(h.timers.delays()).toEqual([20_000]); // only the next probe is pending
    await h.sup.stop();
    expect(h.timers.delays()).toEqual([]);
  });

  it('a failed probe or a provider crash restarts it; a stable connection resets the backoff', async () => {
    const h = harness({ random: () => 1 });
    h.provider.script.push('https://a.example.com');
    expect((await h.sup.start()).state).toBe('connected');

    h.setProbe({ ok: false, reason: 'HTTP 502' });
    await h.timers.fire(20_000);
    expect(h.sup.status.state).toBe('unreachable');
    expect(h.sup.status.reason).toBe('Health check through the public URL failed: HTTP 502');
    expect(h.provider.stops).toBe(1);
    expect(h.timers.delays()).toEqual([2_000]);

    h.setProbe({ ok: true });
    h.provider.script.push('https://b.example.com');
    await h.timers.fire(2_000);
    expect(h.sup.status).toMatchObject({
      state: 'connected',
      publicUrl: 'https://b.example.com',
      callbackUrl: 'https://b.example.com/webhook',
      restarts: 1,
    });

    // Down again at once (the worker crashed): not stable, so the backoff keeps growing.
    h.provider.down('The tunnel client crashed: out of memory');
    expect(h.sup.status).toMatchObject({ state: 'unreachable', reason: 'The tunnel client crashed: out of memory' });
    expect(h.timers.delays()).toEqual([4_000]);

    h.provider.script.push('https://c.example.com');
    await h.timers.fire(4_000);
    expect(h.sup.status.state).toBe('connected');
    h.advance(61_000); // stayed up longer than stableMs
    h.provider.down('The tunnel server refused the connection');
    expect(h.timers.delays()).toEqual([2_000]); // back to the floor
    await h.sup.stop();
  });

  it('a receiver that is down is reported as such; the tunnel is kept and re-probed, not restarted', async () => {
    const h = harness({ random: () => 0 });
    h.provider.script.push('https://a.example.com');
    await h.sup.start();
    h.setProbe({ ok: false, reason: 'no answer within 10 s' });
    h.setLocalProbe({ ok: false, reason: 'the connection was refused' });
    await h.timers.fire(20_000);
    expect(h.sup.status).toMatchObject({
      state: 'unreachable',
      reason: 'The webhook receiver on this computer is not answering: the connection was refused',
      publicUrl: 'https://a.example.com',
    });
    expect(h.provider.stops).toBe(0);
    await h.timers.fire(2_000); // the retry re-probes
    expect(h.provider.starts).toBe(1);
    h.setProbe({ ok: true });
    h.setLocalProbe({ ok: true });
    expect((await h.sup.checkNow()).state).toBe('connected');
    expect(h.sup.status.restarts).toBe(0);
    expect(h.timers.delays()).toEqual([20_000]);

    // Manual restart: a new tunnel, backoff reset.
    h.provider.script.push('https://b.example.com');
    const s = await h.sup.restart();
    expect(s).toMatchObject({ state: 'connected', publicUrl: 'https://b.example.com', restarts: 1 });
    expect(s.history.map((e) => e.state)).toEqual(['connecting', 'connected', 'unreachable', 'connected', 'connecting', 'connected']);
    await h.sup.stop();
  });

  it('a single failed probe is confirmed before anything restarts', async () => {
    const h = harness({ random: () => 0, confirmDelayMs: 1_000 });
    h.provider.script.push('https://a.example.com');
    await h.sup.start();
    h.setProbe({ ok: false, reason: 'HTTP 502' });
    await h.timers.fire(20_000);
    expect(h.timers.delays()).toEqual([1_000]); // the confirmation is pending
    expect(h.sup.status.state).toBe('connected');
    h.setProbe({ ok: true }); // it was a blip
    await h.timers.fire(1_000);
    expect(h.sup.status.state).toBe('connected');
    expect(h.provider.stops).toBe(0);
    expect(h.publicProbes()).toBe(3);

    // Twice failed, the receiver itself answers: the public URL gets one more try before it costs a URL.
    h.setProbe({ ok: false, reason: 'HTTP 502' });
    await h.timers.fire(20_000);
    await h.timers.fire(1_000);
    expect(h.timers.delays()).toEqual([1_000]);
    expect(h.sup.status.state).toBe('connected');
    h.setProbe({ ok: true });
    await h.timers.fire(1_000);
    expect(h.sup.status.state).toBe('connected');
    expect(h.provider.stops).toBe(0);
    // Every probe is recorded: the blip above, then this one.
    expect(h.sup.status.probes.map((p) => `${p.via} ${p.ok ? 'ok' : p.reason}`).slice(-5)).toEqual([
      'public ok',
      'public HTTP 502',
      'public HTTP 502',
      'local ok',
      'public ok',
    ]);

    h.setProbe({ ok: false, reason: 'HTTP 502' }); // not a blip
    await h.timers.fire(20_000);
    await h.timers.fire(1_000);
    await h.timers.fire(1_000);
    expect(h.sup.status).toMatchObject({ state: 'unreachable', reason: 'Health check through the public URL failed: HTTP 502' });
    expect(h.provider.stops).toBe(1);

    // stop() during a confirmation leaves no timer behind
    h.setProbe({ ok: true });
    h.provider.script.push('https://b.example.com');
    await h.timers.fire(2_000);
    h.setProbe({ ok: false, reason: 'HTTP 502' });
    await h.timers.fire(20_000);
    expect(h.timers.delays()).toEqual([1_000]);
    await h.sup.stop();
    expect(h.timers.delays()).toEqual([]);
    // Each probe (public, confirmation, local) asked a fresh random question and expected the receiver's answer to it.
    expect(h.asked().length).toBeGreaterThan(8);
    expect(new Set(h.asked().map((a) => a.nonce)).size).toBe(h.asked().length);
    for (const a of h.asked()) expect(a).toEqual({ nonce: expect.stringMatching(/^[0-9a-f]{32}$/), expected: `answer-to-${a.nonce}` });
  });

  it('checkNow retries at once while unreachable, and probes at once while connected', async () => {
    const h = harness({ random: () => 1 });
    await h.sup.start();
    for (let i = 0; i < 4; i++) await h.timers.fire(h.timers.delays()[0] ?? -1);
    expect(h.timers.delays()).toEqual([32_000]);
    h.provider.script.push('https://a.example.com');
    expect((await h.sup.checkNow()).state).toBe('connected');

    h.setProbe({ ok: false, reason: 'no answer within 10 s' });
    const s = await h.sup.checkNow();
    expect(s.state).toBe('unreachable');
    expect(s.reason).toBe('Health check through the public URL failed: no answer within 10 s');
    await h.sup.stop();
  });

  it('the onPublicUrl hook runs after a good probe, is retried with backoff when it fails, and follows URL changes', async () => {
    const calls: string[] = [];
    let failures = 2;
    const h = harness({
      random: () => 0,
      hook: async ({ callbackUrl, publicUrl }) => {
        calls.push(`${publicUrl} ${callbackUrl}`);
        if (failures-- > 0) throw new Error('Meta refused the callback URL: the verify token does not match');
      },
    });
    h.provider.script.push('https://a.example.com');
    await h.sup.start();
    await settle();
    expect(calls).toEqual(['https://a.example.com https://a.example.com/webhook']);
    expect(h.sup.status.state).toBe('connected');
    expect(h.sup.status.callback).toMatchObject({
      state: 'failed',
      url: 'https://a.example.com/webhook',
      reason: 'Meta refused the callback URL: the verify token does not match',
    });
    expect(h.sup.status.callback.nextRetryAt).not.toBeNull();

    await h.timers.fire(2_000);
    expect(h.sup.status.callback.state).toBe('failed');
    await h.timers.fire(2_000);
    expect(h.sup.status.callback).toMatchObject({ state: 'registered', url: 'https://a.example.com/webhook', reason: null });
    expect(calls).toHaveLength(3);

    // Probes that keep passing on the same URL do not re-point again.
    await h.timers.fire(20_000);
    expect(calls).toHaveLength(3);

    // A restart that brings a new URL re-points to it.
    h.setProbe({ ok: false, reason: 'HTTP 502' });
    await h.timers.fire(20_000);
    h.setProbe({ ok: true });
    h.provider.script.push('https://b.example.com');
    await h.timers.fire(2_000);
    expect(calls.at(-1)).toBe('https://b.example.com https://b.example.com/webhook');
    expect(h.sup.status.callback).toMatchObject({ state: 'registered', url: 'https://b.example.com/webhook' });
    await h.sup.stop();
  });

  it('the callback status never claims a URL Meta was not re-pointed to (slow hook, URL changes meanwhile)', async () => {
    const pending: Array<{ url: string; done: () => void }> = [];
    const h = harness({
      random: () => 0,
      hook: ({ callbackUrl }) => new Promise<void>((resolve) => pending.push({ url: callbackUrl, done: resolve })),
    });
    h.provider.script.push('https://a.example.com');
    await h.sup.start();
    expect(h.sup.status.callback).toMatchObject({ state: 'pending', url: 'https://a.example.com/webhook', registeredUrl: null });

    // The tunnel is replaced while Meta is still being re-pointed at A.
    h.setProbe({ ok: false, reason: 'HTTP 502' });
    await h.timers.fire(20_000);
    h.setProbe({ ok: true });
    h.provider.script.push('https://b.example.com');
    await h.timers.fire(2_000);
    expect(h.sup.status.callbackUrl).toBe('https://b.example.com/webhook');
    expect(h.sup.status.callback).toMatchObject({ state: 'pending', url: 'https://b.example.com/webhook' });

    pending.shift()?.done(); // A went through — but A is no longer ours
    await settle();
    expect(h.sup.status.callback).toMatchObject({
      state: 'pending',
      url: 'https://b.example.com/webhook',
      registeredUrl: 'https://a.example.com/webhook',
    });
    expect(pending.map((p) => p.url)).toEqual(['https://b.example.com/webhook']); // B follows at once
    pending.shift()?.done();
    await settle();
    expect(h.sup.status.callback).toMatchObject({
      state: 'registered',
      url: 'https://b.example.com/webhook',
      registeredUrl: 'https://b.example.com/webhook',
    });
    await h.sup.stop();
  });

  it('keeps a bounded history and tells listeners about every change', async () => {
    const h = harness({ random: () => 0 });
    const seen: string[] = [];
    h.sup.onChange((s) => seen.push(s.state));
    for (let i = 0; i < 40; i++) {
      h.provider.script.push('https://a.example.com');
      if (i === 0) await h.sup.start();
      else await h.timers.fire(2_000);
      h.provider.down('The tunnel server refused the connection');
    }
    const { history } = h.sup.status;
    expect(history.length).toBeLessThanOrEqual(50);
    expect(history.at(-1)).toMatchObject({ state: 'unreachable', reason: 'The tunnel server refused the connection' });
    expect(seen).toContain('connected');
    await h.sup.stop();
    expect(h.sup.status.state).toBe('stopped');
    expect(seen.at(-1)).toBe('stopped');
  });
});

describe('supervisor: switching provider', () => {
  it('stops the old provider, starts the new one and re-points Meta at the new URL', async () => {
    const calls: string[] = [];
    const h = harness({ hook: async ({ callbackUrl }) => void calls.push(callbackUrl) });
    h.provider.script.push('https://a.example.com');
    await h.sup.start();
    await settle();
    const s = await h.sup.setProvider(new PublicUrlProvider('https://calls.example.com/sb'));
    await settle();
    expect(h.provider.stops).toBe(1);
    expect(s).toMatchObject({
      state: 'connected',
      provider: 'public-url',
      publicUrl: 'https://calls.example.com/sb',
      callbackUrl: 'https://calls.example.com/sb/webhook',
    });
    expect(calls).toEqual(['https://a.example.com/webhook', 'https://calls.example.com/sb/webhook']);
    h.provider.down('ignored: no longer the provider');
    expect(h.sup.status.state).toBe('connected');
    await h.sup.stop();
  });
});
