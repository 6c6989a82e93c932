import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RecentProblemsSink, RotatingFileSink } from '../../../main/core/rotating-log.ts';
import { createLogger } from '../../../main/core/log.ts';
import { startSimApp } from '../../support/sim-app.ts';

describe('rotating log file', () => {
  it('rotates by size and keeps only the configured number of old files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-log-'));
    const sink = new RotatingFileSink({ dir, maxBytes: 1000, keep: 2 });
    const log = createLogger({ sink });
    for (let i = 0; i < 100; i++) log.info('line', { i, pad: 'x'.repeat(40) });
    expect(readdirSync(dir).sort()).toEqual(['switchboard.1.log', 'switchboard.2.log', 'switchboard.log']);
    for (const f of readdirSync(dir)) expect(readFileSync(path.join(dir, f)).length).toBeLessThanOrEqual(1000);
    expect(readFileSync(path.join(dir, 'switchboard.log'), 'utf8')).toContain('"i":99');
  });
});

describe('diagnostics bundle', () => {
  it('has what support needs and no secret, message text or customer number', async () => {
    const recent = new RecentProblemsSink();
    const app = await startSimApp({ recentProblems: recent });
    try {
      const { accessToken, appSecret } = app.creds;
      const verify = app.services.account.verifyToken()!;
      // Even a careless log line from somewhere cannot leak them into the bundle.
      recent.write(`{"level":"warn","event":"oops","detail":"token ${accessToken} secret ${appSecret} verify ${verify}"}\n`);
      recent.write('{"level":"error","event":"send_failed","text":"Minha senha é 1234","from":"5511987650001"}\n');
      recent.write('{"level":"info","event":"noise"}\n');
      const res = await app.services.dispatch('getDiagnosticsBundle', {});
      if (!res.ok) throw new Error(res.error.message);
      const text = (res.result as { text: string }).text;
      for (const secret of [accessToken, appSecret, verify]) expect(text).not.toContain(secret);
      expect(text).not.toContain('Minha senha');
      expect(text).not.toContain('5511987650001');
      const bundle = JSON.parse(text) as {
        app: { version: string };
        os: { platform: string };
        account: { connected: boolean };
        recentProblems: string[];
        reachability: unknown;
      };
      expect(bundle.app.version).toBe('0.0.0-test');
      expect(bundle.os.platform).toBe(process.platform);
      expect(bundle.account.connected).toBe(true);
      expect(bundle.recentProblems).toHaveLength(2);
      expect(bundle.reachability).toBeTruthy();
    } finally {
      await app.close();
    }
  });
});
