/** CI-sized tunnel chaos (the full 20-restart run: `npm run chaos:tunnel`). */
import { describe, expect, it } from 'vitest';
import { runTunnelChaos } from './tunnel-chaos.ts';

describe('tunnel chaos', () => {
  it('re-registers after each of 4 tunnel server restarts and loses no event', async () => {
    const r = await runTunnelChaos({ restarts: 4, messages: 100 });
    expect(r.registeredUrls).toBeGreaterThanOrEqual(5);
    expect(r.received).toBe(100);
    expect(r.distinct).toBe(100);
    console.log(`tunnel chaos: ${JSON.stringify(r)}`);
  }, 180_000);
});
