/**
 * Smoke run of the soak (the real thing is an hour, not in CI: `npm run soak`): a warm-up call
 * each way, then 24 seconds at ten times a small business's pace, in Chromium with call audio, only to show the soak runs end to
 * end — messages, an answered incoming call, samples, the table — without an invariant failing.
 * Needs the built renderer (`npm test` builds it) and Chromium; skipped with the reason otherwise.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumExecutable } from '../support/chromium.ts';
import { formatSoak, runSoak } from './soak.ts';

const rendererBuilt = existsSync(path.resolve(import.meta.dirname, '../../out/renderer/index.html'));
const chromium = chromiumExecutable();
const reason = !rendererBuilt ? 'the renderer is not built (out/renderer)' : !chromium ? 'no Chromium' : null;
if (reason) console.warn(`[soak smoke] skipping: ${reason}`);

describe.skipIf(reason !== null)('soak (smoke)', () => {
  it('runs messages and calls through the simulator with faults, samples the app, and prints the table and trend', async () => {
    const r = await runSoak({ minutes: 0.4, sampleSeconds: 2.5, speed: 10, seed: 3 });
    const text = formatSoak(r);
    console.log(text);
    expect(r.failures).toEqual([]);
    expect(r.samples.length).toBeGreaterThanOrEqual(6);
    expect(r.counts.customerMessages).toBeGreaterThan(0);
    expect(r.counts.incomingAnswered).toBeGreaterThan(0);
    expect(r.trend.map((t) => t.metric)).toEqual(
      expect.arrayContaining(['app heapUsed (after GC)', 'app open fds', 'app handles (not timers)', 'page JS heap (after GC)']),
    );
    // Every sample saw a live process: a heap, descriptors, the listening sockets.
    for (const s of r.samples) {
      expect(s.heapUsed).toBeGreaterThan(1e6);
      expect(s.fds).toBeGreaterThan(0);
      expect(s.resources['TCPServerWrap']).toBeGreaterThanOrEqual(2);
    }
    expect(text).toMatch(/trend \(mean of the last third/);
  }, 120_000);
});
