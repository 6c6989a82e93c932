/** The CI-sized run of the webhook fuzzer (the full 100,000-body run: `npm run fuzz:webhooks`). */
import { describe, expect, it } from 'vitest';
import { runWebhookFuzz } from './webhook-fuzz.ts';

describe('webhook pipeline under fuzzed input', () => {
  it('survives 5,000 hostile bodies: nothing unsigned stored, signed ones stored and processed or marked, valid events still flow', async () => {
    const report = await runWebhookFuzz({ bodies: 5000, seed: 7 });
    expect(report.bodies).toBe(5000);
    expect(report.crashes).toBe(0);
    expect(report.canariesProcessed).toBe(report.canaries);
    expect(report.malformed).toBeGreaterThan(0);
    expect(report.processed).toBeGreaterThan(0);
    expect(report.statuses['unsigned 200'] ?? 0).toBe(0);
    console.log(
      `fuzz: ${JSON.stringify(report.statuses)}; stored ${report.stored}, processed ${report.processed}, malformed ${report.malformed}`,
    );
  }, 120_000);
});
