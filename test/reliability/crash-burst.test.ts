/**
 * The CI-sized crash burst (the full 10,000-event, 8-kill run: `npm run chaos:crash`): the real app
 * process is SIGKILLed 3 times during 2,000 mixed webhook events from the simulator, restarted on
 * the same data dir, and every invariant (see crash-burst.ts) is checked on the database.
 */
import { describe, expect, it } from 'vitest';
import { formatCrashBurst, runCrashBurst } from './crash-burst.ts';

describe('crash burst: SIGKILLs during a webhook burst from the simulator', () => {
  it('keeps every event exactly once, every message in its thread, statuses final, the database intact', async () => {
    const r = await runCrashBurst({ events: 2000, kills: 3, seed: 42, customers: 100 });
    console.log(formatCrashBurst(r));
    expect(r.failures).toEqual([]);
    expect(r.kills).toHaveLength(3);
    expect(r.restarts).toBe(3);
    expect(r.eventsEmitted).toBeGreaterThanOrEqual(2000);
    // The kills really cost deliveries, which the simulator retried and the app absorbed.
    expect(r.retries).toBeGreaterThan(0);
    expect(r.duplicatesAbsorbed).toBeGreaterThan(0);
    // Each change the simulator emitted carries one event: all of them recorded.
    expect(r.eventsVerified).toBe(r.eventsEmitted);
    expect(r.messagesVerified).toBe(r.actions.texts);
    expect(r.reactionsVerified).toBe(r.actions.reactions);
    expect(r.callsVerified).toBe(r.actions.calls);
    expect(r.actions.calls).toBeGreaterThan(0);
    expect(r.actions.reactions).toBeGreaterThan(0);
    expect(r.actions.repliesConfirmed).toBeGreaterThan(0);
    expect(r.integrity).toBe('ok');
  }, 120_000);
});
