/**
 * CI-sized reachability soak: three minutes idle with a customer message every 20–60 s, production
 * probe cadence and receiver limits (the full 30 minutes: `npm run soak:reachability`).
 */
import { describe, expect, it } from 'vitest';
import { formatReachabilitySoak, runReachabilitySoak } from './reachability-soak.ts';

describe('reachability soak (3 minutes)', () => {
  it('keeps one tunnel and one URL, is never unreachable, and delivers every message once', async () => {
    const r = await runReachabilitySoak({ minutes: 3, seed: 7 });
    console.log(formatReachabilitySoak(r));
    expect(r.failures).toEqual([]);
    expect(r.restarts).toBe(0);
    expect(r.unreachableSpells).toBe(0);
    expect(r.messagesSent).toBeGreaterThanOrEqual(3);
    expect(r.messagesReceived).toBe(r.messagesSent);
    expect(r.probes).toBeGreaterThanOrEqual(8); // every 20 s for 3 minutes
    expect(r.tunnelReused).toBeGreaterThan(0); // the tunnel really reused its sockets
  }, 300_000);
});
