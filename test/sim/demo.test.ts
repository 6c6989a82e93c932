/**
 * `scripts/demo.ts` (npm run demo): starts on free ports, prints where to open Switchboard and the
 * customer phone, Switchboard gets the sample customers' messages through the tunnel, and SIGINT
 * stops everything with exit code 0. Needs the built renderer (`npx electron-vite build`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const built = existsSync(path.join(root, 'out/renderer/index.html'));
if (!built) console.warn('[demo] skipping: the renderer is not built (npx electron-vite build)');

describe.skipIf(!built)('npm run demo', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('prints both URLs, serves the phone page, delivers the history to Switchboard, and exits 0 on SIGINT', async () => {
    const proc = spawn(process.execPath, [path.join(root, 'scripts/demo.ts'), '--port', '0', '--app-port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));

    const deadline = Date.now() + 45_000;
    while (!out.includes('Press Ctrl+C to stop.')) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`the demo did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const appUrl = /Switchboard \(the business\):\s+(http:\/\/127\.0\.0\.1:\d+\/#secret=\S+)/.exec(out)?.[1];
    const phoneUrl = /Customer phone \(WhatsApp\):\s+(http:\/\/127\.0\.0\.1:\d+\/phone)/.exec(out)?.[1];
    expect(appUrl).toBeDefined();
    expect(phoneUrl).toBeDefined();
    expect(out).not.toContain('did not accept');

    const phone = await fetch(phoneUrl!);
    expect(phone.status).toBe(200);
    expect(await phone.text()).toContain('data-testid="call-button"');
    expect((await fetch(new URL(appUrl!).origin)).status).toBe(200);

    // Switchboard registered its tunnel URL with the simulator and received the three messages.
    const control = new URL('/_sim/webhooks', phoneUrl).href;
    let posts: Array<{ fields: string[]; state: string }> = [];
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      posts = ((await (await fetch(control)).json()) as { posts: typeof posts }).posts;
      if (posts.filter((p) => p.fields.includes('messages') && p.state === 'delivered').length >= 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(posts.filter((p) => p.fields.includes('messages') && p.state === 'delivered').length).toBeGreaterThanOrEqual(3);

    proc.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('Stopping the demo');
  }, 90_000);
});
