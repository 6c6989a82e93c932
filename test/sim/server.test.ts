import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlags } from './server.ts';

const SERVER = new URL('./server.ts', import.meta.url).pathname;

function run(args: string[]): Promise<{ code: number | null; line: string; stderr: string; kill: () => Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        resolve({ code: null, line: out.split('\n')[0] ?? '', stderr: err, kill: () => (child.kill('SIGTERM'), exited) });
      }
    });
    child.on('error', reject);
    void exited.then((code) => resolve({ code, line: out, stderr: err, kill: () => Promise.resolve(code) }));
  });
}

describe('server CLI', () => {
  it('prints one JSON line with the credentials and serves the Graph API; SIGTERM exits 0', async () => {
    const r = await run(['--port', '0', '--time-factor', '10']);
    const info = JSON.parse(r.line) as Record<string, string>;
    expect(Object.keys(info)).toEqual(
      expect.arrayContaining([
        'graphBaseUrl',
        'apiVersion',
        'accessToken',
        'appSecret',
        'appId',
        'wabaId',
        'phoneNumberId',
        'displayPhoneNumber',
        'controlUrl',
      ]),
    );
    expect(info['apiVersion']).toBe('v25.0');
    const res = await fetch(`${info['graphBaseUrl']}/v25.0/${info['phoneNumberId']}`, {
      headers: { Authorization: `Bearer ${info['accessToken']}` },
    });
    expect(res.status).toBe(200);
    const users = (await (await fetch(`${info['controlUrl']}/users`)).json()) as { data: unknown[] };
    expect(users.data.length).toBeGreaterThanOrEqual(3);
    expect(await r.kill()).toBe(0);
  });

  it('bad flags or a bad seed → one-line error, exit 2', async () => {
    const bad = await run(['--port', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const dir = mkdtempSync(join(tmpdir(), 'sim-seed-'));
    const seed = join(dir, 'seed.json');
    writeFileSync(seed, JSON.stringify({ business: { country: 'Brazil' } }));
    const badSeed = await run(['--seed', seed]);
    expect(badSeed.code).toBe(2);
    expect(badSeed.stderr).toMatch(/invalid seed/);
  });

  it('parses flags', () => {
    expect(parseFlags(['--port=4010', '--time-factor', '60'])).toMatchObject({ port: 4010, timeFactor: 60 });
    expect(() => parseFlags(['--time-factor', '0'])).toThrow(/positive/);
    expect(() => parseFlags(['--seed'])).toThrow(/needs a value/);
  });
});
