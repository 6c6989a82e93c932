/**
 * Launching the real Switchboard under Playwright's `_electron`, for the specs in test/electron.
 *
 * Where no Electron binary is installed (our build machines cannot download one) the specs skip
 * with the reason; with SWITCHBOARD_E2E_REQUIRE=1 (the hosted CI) a missing binary fails instead,
 * so a broken download can never turn the run green by skipping everything.
 *
 * `withApp` launches the app from this checkout (`out/`, after `npm run build`) with a throwaway
 * user-data folder, the test hooks on and throwaway in-memory credentials, records a Playwright
 * trace, and closes the app when the body passes. When a test fails or times out,
 * `collectEvidenceOnFailure` keeps the trace, a screenshot of every window, Electron's stdout and
 * stderr and the app's own log in the test's output folder (test-results/, which CI uploads).
 */
import { test, _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { electronBinary } from '../../../scripts/lib/electron-binary.ts';
import type { DesktopTestHooks } from '../../../main/shell/desktop.ts';

export const root = path.resolve(import.meta.dirname, '../../..');
export const bin = electronBinary();
/** Set by the hosted CI: what would be skipped for want of a binary or a packaged build fails there. */
export const e2eRequired = process.env['SWITCHBOARD_E2E_REQUIRE'] === '1';
/** Why the Electron specs skip here ('' where they run). */
export const electronSkipReason = bin.path === null ? bin.reason : '';
/** For `test.skip(...)` at the top of a describe: skip only where no binary exists and none is required. */
export const skipWithoutElectron = bin.path === null && !e2eRequired;

/** Chromium refuses to run as root without this (our Debian machines run as root). */
const rootArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];

export interface Launched {
  app: ElectronApplication;
  win: Page;
  userData: string;
  /** Electron's stdout and stderr so far. */
  output: () => string;
}

export interface LaunchOptions {
  /** Extra command-line arguments (after the app folder and --user-data-dir). */
  args?: string[];
  env?: Record<string, string>;
  /** A user-data folder prepared by the test (a config, a seeded database); a fresh one otherwise. */
  userData?: string;
}

/** The environment every spec launches with: test hooks on, credentials in memory (no keychain needed). */
export const testEnv: Record<string, string> = { SWITCHBOARD_TEST: '1', SWITCHBOARD_SECRETS: 'memory' };

export function freshUserData(): string {
  return mkdtempSync(path.join(tmpdir(), 'sb-electron-'));
}

function binaryPath(): string {
  if (bin.path === null) throw new Error(`SWITCHBOARD_E2E_REQUIRE=1, but ${bin.reason}`);
  return bin.path;
}

/** Arguments and environment for a launch (also for a second instance started by hand). */
export function launchSpec(userData: string, opts: LaunchOptions = {}): { command: string; args: string[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...testEnv, ...opts.env })) if (v !== undefined) env[k] = v;
  return { command: binaryPath(), args: [root, `--user-data-dir=${userData}`, ...rootArgs, ...(opts.args ?? [])], env };
}

/** Apps of the running test that have not been closed yet (a failed or timed-out body leaves its app here). */
const live = new Set<Launched>();

export async function launch(opts: LaunchOptions = {}): Promise<Launched> {
  const userData = opts.userData ?? freshUserData();
  const spec = launchSpec(userData, opts);
  const app = await electron.launch({ executablePath: spec.command, args: spec.args, cwd: root, env: spec.env });
  let output = '';
  app.process().stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  app.process().stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  await app.context().tracing.start({ screenshots: true, snapshots: true });
  const launched: Launched = { app, win: await app.firstWindow(), userData, output: () => output };
  live.add(launched);
  return launched;
}

function exited(app: ElectronApplication): boolean {
  const p = app.process();
  return p.exitCode !== null || p.signalCode !== null;
}

/** Closes the app; one that will not quit (a dialog, a stuck handler) is killed after 15 s. */
export async function closeApp(l: Launched): Promise<void> {
  live.delete(l);
  if (exited(l.app)) return;
  await l.app
    .context()
    .tracing.stop()
    .catch(() => undefined);
  const closed = l.app.close().then(
    () => true,
    () => false,
  );
  const inTime = await Promise.race([closed, new Promise<false>((r) => setTimeout(() => r(false), 15_000))]);
  if (!inTime && !exited(l.app)) l.app.process().kill();
}

/** Waits until the app's process has exited (it may have already). */
export async function waitForExit(app: ElectronApplication, timeoutMs = 30_000): Promise<number | null> {
  const p = app.process();
  if (!exited(app)) {
    await Promise.race([
      new Promise((r) => p.once('exit', r)),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`Electron did not exit within ${timeoutMs} ms`)), timeoutMs)),
    ]);
  }
  return p.exitCode;
}

/** Launches, runs `body`, closes. A body that throws leaves the app to `collectEvidenceOnFailure`. */
export async function withApp<T>(opts: LaunchOptions, body: (l: Launched) => Promise<T>): Promise<T> {
  const l = await launch(opts);
  const result = await body(l);
  await closeApp(l);
  return result;
}

async function keepEvidence(l: Launched): Promise<void> {
  const info = test.info();
  const dir = info.outputPath(`electron-${path.basename(l.userData)}`);
  writeFileSync(`${dir}-output.txt`, l.output());
  await info.attach('electron stdout+stderr', { path: `${dir}-output.txt`, contentType: 'text/plain' });
  if (exited(l.app)) return;
  const trace = `${dir}-trace.zip`;
  if (
    await l.app
      .context()
      .tracing.stop({ path: trace })
      .then(
        () => true,
        () => false,
      )
  )
    await info.attach('trace', { path: trace, contentType: 'application/zip' });
  for (const [i, w] of l.app.windows().entries()) {
    const shot = `${dir}-window-${i}.png`;
    if (
      await w.screenshot({ path: shot, timeout: 5_000 }).then(
        () => true,
        () => false,
      )
    )
      await info.attach(`window ${i}`, { path: shot, contentType: 'image/png' });
  }
  const logs = await l.app.evaluate(({ app }) => app.getPath('logs')).catch(() => null);
  if (logs && existsSync(logs)) cpSync(logs, `${dir}-logs`, { recursive: true });
}

/**
 * Call once at the top of a spec file: after a failed or timed-out test, keeps what each app it
 * left open shows and says, then closes it.
 */
export function collectEvidenceOnFailure(): void {
  // eslint-disable-next-line no-empty-pattern -- Playwright hands the TestInfo second, after the fixtures
  test.afterEach(async ({}, testInfo) => {
    const failed = testInfo.status !== testInfo.expectedStatus;
    for (const l of [...live]) {
      if (failed) await keepEvidence(l).catch((err: unknown) => console.error(`could not keep the evidence: ${String(err)}`));
      await closeApp(l);
    }
  });
}

/** Starts a second instance with the same user data; it hands its argv to the first and exits. */
export function secondInstance(userData: string, extraArgs: string[] = []): Promise<number | null> {
  const spec = launchSpec(userData, { args: extraArgs });
  const child = spawn(spec.command, spec.args, { cwd: root, env: spec.env, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

/** The test-only view of the shell's desktop state (main/shell/desktop.ts, installed with SWITCHBOARD_TEST=1). */
export function trayOf(app: ElectronApplication): Promise<ReturnType<DesktopTestHooks['tray']>> {
  return app.evaluate(() => (globalThis as { __switchboardDesktop?: DesktopTestHooks }).__switchboardDesktop!.tray());
}

/** How many lines of the app's own log (switchboard.log in Electron's logs folder) name `event`. */
export async function logCount(app: ElectronApplication, event: string): Promise<number> {
  const dir = await app.evaluate(({ app }) => app.getPath('logs'));
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.log'))) {
    n += readFileSync(path.join(dir, f), 'utf8')
      .split('\n')
      .filter((line) => line.includes(`"${event}"`)).length;
  }
  return n;
}

/** The bridge as the page sees it (the preload's `window.switchboard`), for page functions. */
export type PageBridge = Record<string, (params?: unknown) => Promise<{ ok: boolean; result?: unknown; error?: { code: string } }>>;
