/**
 * `npm run demo`: the WhatsApp Cloud API simulator and Switchboard, already connected to each other.
 *
 * In one process: the simulator (`test/sim`, default seed) on --port, and a loopback localtunnel
 * server; then the Switchboard browser host as a child process (secrets in memory: the simulator's
 * credentials are throwaway), connected to the simulator through its bridge (`connectAccount`).
 * Two sample customers say something, so there is history, and the script prints where to open
 * Switchboard and the customer phone. Ctrl+C stops everything.
 *
 *   node scripts/demo.ts [--port 4010] [--app-port 5280] [--data-dir DIR] [--build]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { loadSeedFile } from '../test/sim/seed.ts';
import { createSimulator, type Simulator } from '../test/sim/simulator.ts';
import { startTunnelServer, type TunnelServer } from '../test/support/tunnel-server.ts';

const root = path.resolve(import.meta.dirname, '..');
const USAGE = 'usage: npm run demo -- [--port 4010] [--app-port 5280] [--data-dir DIR] [--build]';

interface DemoArgs {
  port: number;
  appPort: number;
  dataDir: string | undefined;
  build: boolean;
}

function portOf(name: string, text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new Error(`--${name} must be a number from 0 to 65535, got "${text}"`);
  return Number(text);
}

function parseDemoArgs(argv: string[]): DemoArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4010' },
      'app-port': { type: 'string', default: '5280' },
      'data-dir': { type: 'string' },
      build: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return {
    port: portOf('port', values.port),
    appPort: portOf('app-port', values['app-port']),
    dataDir: values['data-dir'],
    build: values.build,
  };
}

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Starts `main/host/web-host.ts` and resolves with the URL it prints (it carries the secret). */
function startSwitchboard(args: { dataDir: string; port: number; tunnelHost: string }): {
  child: ChildProcess;
  url: Promise<string>;
  output: () => string;
} {
  const child = spawn(
    process.execPath,
    [
      path.join(root, 'main/host/web-host.ts'),
      '--data-dir',
      args.dataDir,
      '--port',
      String(args.port),
      '--secrets',
      'memory',
      '--tunnel-host',
      args.tunnelHost,
      '--log-level',
      'warn',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
    process.stderr.write(d.toString().replace(/^(?=.)/gm, '[switchboard] '));
  });
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Switchboard did not start within 30 s:\n${out}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Open (http:\/\/127\.0\.0\.1:\d+\/#secret=\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Switchboard exited with code ${code}:\n${out}`));
    });
  });
  return { child, url, output: () => out };
}

/** One bridge request over the host's WebSocket (`{id, name, params}` → `{id, response}`). */
async function bridgeRequest(
  appUrl: string,
  name: string,
  params: unknown,
  timeoutMs = 60_000,
): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }> {
  const u = new URL(appUrl);
  const secret = new URLSearchParams(u.hash.slice(1)).get('secret') ?? '';
  const ws = new WebSocket(`ws://${u.host}/bridge?secret=${encodeURIComponent(secret)}`, { headers: { Origin: u.origin } });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.once('open', () => ws.send(JSON.stringify({ id: 1, name, params })));
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as {
          id?: unknown;
          response?: { ok: boolean; result?: unknown; error?: { code: string; message: string } };
        };
        if (frame.id === 1 && frame.response) {
          clearTimeout(timer);
          resolve(frame.response);
        }
      });
    });
  } finally {
    ws.close();
  }
}

async function customerSays(sim: Simulator, waId: string, text: string): Promise<void> {
  const res = await fetch(`${sim.url}/_sim/users/${waId}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (!res.ok) throw new Error(`customer ${waId} could not send a message: ${res.status} ${await res.text()}`);
}

async function main(): Promise<void> {
  let args: DemoArgs;
  try {
    args = parseDemoArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`demo: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }

  if (args.build || !existsSync(path.join(root, 'out/renderer/index.html'))) {
    say('Building Switchboard (electron-vite build)…');
    const build = spawnSync(path.join(root, 'node_modules/.bin/electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) {
      process.stderr.write('demo: the build failed\n');
      process.exit(build.status ?? 1);
    }
  }

  const tempDir = args.dataDir === undefined ? mkdtempSync(path.join(tmpdir(), 'switchboard-demo-')) : undefined;
  const dataDir = args.dataDir ?? tempDir ?? '';
  let sim: Simulator | undefined;
  let tunnel: TunnelServer | undefined;
  let app: ReturnType<typeof startSwitchboard> | undefined;
  let stopping = false;

  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      const child = app?.child;
      if (child && child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => child.kill('SIGKILL'), 6000);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        });
      }
      await tunnel?.close();
      await sim?.close();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    }
    process.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      say('\nStopping the demo…');
      void stop(0);
    });
  }

  try {
    sim = createSimulator({ seed: loadSeedFile(path.join(root, 'test/sim/seed.default.json')) });
    try {
      await sim.listen(args.port);
    } catch (err) {
      throw new Error(`the simulator cannot listen on port ${args.port} (${(err as Error).message}); pick another with --port`, {
        cause: err,
      });
    }
    tunnel = await startTunnelServer();
    app = startSwitchboard({ dataDir, port: args.appPort, tunnelHost: tunnel.url });
    const appUrl = await app.url;
    app.child.once('exit', (code) => {
      if (stopping) return;
      // Ctrl+C reaches the whole process group: Switchboard may stop (code 0) before we do.
      if (code !== 0) process.stderr.write(`demo: Switchboard exited unexpectedly (code ${code})\n`);
      void stop(code === 0 ? 0 : 1);
    });

    const c = sim.credentials();
    say(`Connecting Switchboard to the simulator (${c.graphBaseUrl})…`);
    const res = await bridgeRequest(appUrl, 'connectAccount', {
      graphBaseUrl: c.graphBaseUrl,
      apiVersion: c.apiVersion,
      accessToken: c.accessToken,
      appSecret: c.appSecret,
      appId: c.appId,
      wabaId: c.wabaId,
      phoneNumberId: c.phoneNumberId,
    });
    const result = res.result as { saved?: boolean; steps?: Array<{ id: string; state?: string; message?: string | null }> } | undefined;
    if (!res.ok || !result?.saved) {
      process.stderr.write(
        `demo: Switchboard did not accept the simulator's account: ${JSON.stringify(res.error ?? result?.steps ?? res)}\n`,
      );
      process.stderr.write(
        'demo: everything keeps running; connect by hand in Switchboard with the credentials from GET /_sim/credentials.\n',
      );
    }

    await customerSays(sim, '5511987650001', 'Oi! Vocês têm pão de queijo hoje?');
    await customerSays(sim, '5511987650001', 'Queria encomendar 20 para amanhã às 9h.');
    await customerSays(sim, '4915112340002', 'Hallo! Do you deliver to Berlin-Mitte?');

    say('');
    say('Switchboard demo is running (WhatsApp Cloud API simulator + Switchboard, connected).');
    say(`  Switchboard (the business):   ${appUrl}`);
    say(`  Customer phone (WhatsApp):    ${sim.url}/phone`);
    say(`  Simulator control API:        ${sim.url}/_sim/state`);
    say(
      '  Try: on the phone, as Ana Souza, tap the call icon — Switchboard rings; answer it and you hear each other (allow the microphone). Then reply in the conversation, or call her back once she has allowed calls.',
    );
    say('Press Ctrl+C to stop.');
  } catch (err) {
    process.stderr.write(`demo: ${(err as Error).message}\n`);
    await stop(1);
  }
}

void main();
