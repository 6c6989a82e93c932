import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fakeRendererDir } from '../../support/host.ts';

const entry = path.resolve(import.meta.dirname, '../../../main/host/web-host.ts');

function run(args: string[], untilUrl = false): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (untilUrl && /Open http/.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const oneLine = (s: string) =>
  s
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('switchboard web:'));

describe('npm run web (browser host command line)', () => {
  it('prints the URL with its secret, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-cli-'));
    const res = await run(['--data-dir', dataDir, '--port', '0', '--renderer-dir', fakeRendererDir(), '--log-level', 'error'], true);
    expect(res.stdout).toMatch(/Open http:\/\/127\.0\.0\.1:\d+\/#secret=[A-Za-z0-9_-]{20,}/);
    expect(res.stdout).toContain('Switchboard stopped.');
    expect(res.code).toBe(0);
  });

  it('exits 2 with one line for a bad flag, a bad port, and a missing --data-dir', async () => {
    for (const args of [
      ['--data-dir', '/tmp', '--bogus'],
      ['--data-dir', '/tmp', '--port', 'eighty'],
      ['--data-dir', '/tmp', '--port', '70000'],
      [],
    ]) {
      const res = await run(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(oneLine(res.stderr), args.join(' ')).toHaveLength(1);
    }
  });

  it('exits 2 when the data dir cannot be created', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sb-cli-')), 'a-file');
    writeFileSync(file, 'x');
    const res = await run(['--data-dir', path.join(file, 'data'), '--renderer-dir', fakeRendererDir()]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/switchboard web: cannot create data dir/);
  });

  it('exits 2 when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const res = await run([
        '--data-dir',
        mkdtempSync(path.join(tmpdir(), 'sb-cli-')),
        '--port',
        String(port),
        '--renderer-dir',
        fakeRendererDir(),
      ]);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('exits 2 when the renderer has not been built', async () => {
    const res = await run([
      '--data-dir',
      mkdtempSync(path.join(tmpdir(), 'sb-cli-')),
      '--renderer-dir',
      mkdtempSync(path.join(tmpdir(), 'sb-empty-')),
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/renderer is not built/);
  });
});
