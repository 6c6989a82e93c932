/**
 * Starts the real browser host (`npm run web`) as a child process on a temp data dir and a
 * free port, and resolves with the URL it prints. Used by the Playwright tests and scripts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export interface WebHostProcess {
  url: string;
  origin: string;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

export async function startWebHost(
  opts: {
    dataDir?: string;
    extraArgs?: string[];
    /** Added to this process's environment, e.g. SWITCHBOARD_GRAPH_BASE_URL. */ env?: Record<string, string>;
  } = {},
): Promise<WebHostProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'sb-e2e-'));
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'main/host/web-host.ts'), '--data-dir', dataDir, '--port', '0', ...(opts.extraArgs ?? [])],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser host did not start within 20 s:\n${out}`)), 20_000);
    const check = (): void => {
      const m = /Open (http:\/\/127\.0\.0\.1:\d+\/#secret=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser host exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
