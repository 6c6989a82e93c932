/**
 * Switchboard's main-process services (`main/app-services.ts`, exactly what the browser host and
 * the Electron shell start) in a process of their own, connected to a Cloud API simulator: for
 * tests that must SIGKILL the app and start it again on the same data dir, and for the soak,
 * which measures this process alone.
 *
 *   node test/support/app-process.ts --data-dir DIR --credentials JSON [--webhook-port N]
 *        [--verify-token T] [--ui-port N --renderer-dir DIR] [--log-level error]
 *
 * `--credentials` is the simulator's credentials JSON (what `npm run sim` prints). The secrets
 * the keychain would hold (access token, app secret, verify token) are handed to an in-memory
 * secrets store at every start — a restarted app finds them as it would in the keychain; the rest
 * of the account is in the data dir's config file. On the first start (no account in the config
 * yet) the account is connected through the bridge (`connectAccount`, with its live checks
 * against the simulator). The tunnel is stopped: whoever started this points the simulator's
 * callback at the receiver on loopback.
 *
 * Prints `ready {"webhookPort":…,"uiUrl":…,"verifyToken":…}` on stdout once serving. With an IPC channel (fork),
 * it answers `{id, type: 'metrics'}` and `{id, type: 'dispatch', name, params}` with
 * `{id, ok, result | error}`, and forwards bridge events when sent `{type: 'events', names}`.
 * SIGTERM/SIGINT close it cleanly; SIGKILL is the point of it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startAppServices } from '../../main/app-services.ts';
import { MemorySecrets } from '../../main/account/secrets.ts';
import { confFactory } from '../../main/account/conf-store.ts';
import { stderrLogger, type LogLevel } from '../../main/core/log.ts';
import { startBrowserHost, type BrowserHost } from '../../main/host/http-host.ts';

export interface AppMetrics {
  pid: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Whether `global.gc()` ran before heapUsed was read (the process needs --expose-gc). */
  gcRan: boolean;
  /** `process.getActiveResourcesInfo()` counted by type. */
  resources: Record<string, number>;
  resourcesTotal: number;
  fds: number;
  /** switchboard.db plus its WAL, bytes. */
  dbBytes: number;
  calls: number;
  inbox: { pending: number; processed: number; malformed: number; total: number };
}

export type AppRequest =
  { id: number; type: 'metrics' } | { id: number; type: 'dispatch'; name: string; params: unknown } | { type: 'events'; names: string[] };
export type AppReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
export type AppEvent = { type: 'event'; name: string; payload: unknown };

const USAGE =
  'usage: app-process.ts --data-dir DIR --credentials JSON [--webhook-port N] [--verify-token T] [--ui-port N --renderer-dir DIR] [--log-level debug|info|warn|error]';

function fail(message: string): never {
  process.stderr.write(`app-process: ${message}\n`);
  process.exit(2);
}

interface SimCredentials {
  graphBaseUrl: string;
  apiVersion: string;
  accessToken: string;
  appSecret: string;
  appId: string;
  wabaId: string;
  phoneNumberId: string;
}

function parse(): {
  dataDir: string;
  creds: SimCredentials;
  webhookPort: number;
  verifyToken: string | null;
  uiPort: number | null;
  rendererDir: string | null;
  logLevel: LogLevel;
} {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'data-dir': { type: 'string' },
        credentials: { type: 'string' },
        'webhook-port': { type: 'string', default: '0' },
        'verify-token': { type: 'string' },
        'ui-port': { type: 'string' },
        'renderer-dir': { type: 'string' },
        'log-level': { type: 'string', default: 'error' },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${(err as Error).message} (${USAGE})`);
  }
  if (!values['data-dir']) fail(`--data-dir is required (${USAGE})`);
  if (!values.credentials) fail(`--credentials is required (${USAGE})`);
  let creds: SimCredentials;
  try {
    creds = JSON.parse(values.credentials) as SimCredentials;
  } catch {
    fail('--credentials must be the simulator credentials as JSON');
  }
  for (const k of ['graphBaseUrl', 'apiVersion', 'accessToken', 'appSecret', 'appId', 'wabaId', 'phoneNumberId'] as const) {
    if (typeof creds[k] !== 'string' || !creds[k]) fail(`--credentials lacks "${k}"`);
  }
  const port = (name: string, text: string): number => {
    if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) fail(`--${name} must be a number from 0 to 65535, got "${text}"`);
    return Number(text);
  };
  const level = values['log-level']!;
  if (!['debug', 'info', 'warn', 'error'].includes(level)) fail(`--log-level must be debug, info, warn or error, got "${level}"`);
  if (values['ui-port'] !== undefined && !values['renderer-dir']) fail('--ui-port needs --renderer-dir');
  return {
    dataDir: path.resolve(values['data-dir']),
    creds,
    webhookPort: port('webhook-port', values['webhook-port']!),
    verifyToken: values['verify-token'] ?? null,
    uiPort: values['ui-port'] === undefined ? null : port('ui-port', values['ui-port']),
    rendererDir: values['renderer-dir'] ? path.resolve(values['renderer-dir']) : null,
    logLevel: level as LogLevel,
  };
}

function countFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const args = parse();
  const log = stderrLogger(args.logLevel);
  const secrets = new MemorySecrets();
  await secrets.set('accessToken', args.creds.accessToken);
  await secrets.set('appSecret', args.creds.appSecret);
  if (args.verifyToken) await secrets.set('verifyToken', args.verifyToken);
  const services = await startAppServices({
    dataDir: args.dataDir,
    version: '0.0.0-app-process',
    host: 'browser-host',
    log,
    secrets,
    configStore: confFactory,
    webhookPort: args.webhookPort,
    // No tunnel: its server address leads nowhere, and it is stopped right below.
    localtunnelHost: 'http://127.0.0.1:1',
  });
  await services.connection.stop();
  if (!services.account.account()) {
    const c = args.creds;
    const res = await services.dispatch('connectAccount', {
      graphBaseUrl: c.graphBaseUrl,
      apiVersion: c.apiVersion,
      accessToken: c.accessToken,
      appSecret: c.appSecret,
      appId: c.appId,
      wabaId: c.wabaId,
      phoneNumberId: c.phoneNumberId,
    });
    if (!res.ok || !(res.result as { saved: boolean }).saved)
      fail(`could not connect to the simulator: ${JSON.stringify(res).slice(0, 500)}`);
    await services.connection.stop();
  }
  let host: BrowserHost | null = null;
  if (args.uiPort !== null && args.rendererDir)
    host = await startBrowserHost({ services, rendererDir: args.rendererDir, port: args.uiPort, log: log.child('host') });

  const dbFile = path.join(args.dataDir, 'switchboard.db');
  const metrics = (): AppMetrics => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) gc();
    const m = process.memoryUsage();
    const resources: Record<string, number> = {};
    const active = process.getActiveResourcesInfo();
    for (const r of active) resources[r] = (resources[r] ?? 0) + 1;
    return {
      pid: process.pid,
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      gcRan: typeof gc === 'function',
      resources,
      resourcesTotal: active.length,
      fds: countFds(),
      dbBytes: fileSize(dbFile) + fileSize(`${dbFile}-wal`),
      calls: services.calls.list().length,
      inbox: services.inbox.counts(),
    };
  };

  if (process.send) {
    let unsubscribe: (() => void) | null = null;
    process.on('message', (raw: AppRequest) => {
      if (raw.type === 'events') {
        unsubscribe?.();
        const names = new Set(raw.names);
        unsubscribe = services.events.subscribe((name, payload) => {
          if (names.has(name)) process.send?.({ type: 'event', name, payload } satisfies AppEvent);
        });
        return;
      }
      const reply = (r: AppReply): void => void process.send?.(r);
      if (raw.type === 'metrics') return reply({ id: raw.id, ok: true, result: metrics() });
      if (raw.type === 'dispatch') {
        services.dispatch(raw.name as never, raw.params as never).then(
          (res) =>
            reply(
              res.ok
                ? { id: raw.id, ok: true, result: res.result }
                : { id: raw.id, ok: false, error: `${res.error.code}: ${res.error.message}` },
            ),
          (err: unknown) => reply({ id: raw.id, ok: false, error: (err as Error).message }),
        );
      }
    });
  }

  // The verify token is the one the account generated on its first connect (throwaway: the
  // simulator's); the parent hands it back with --verify-token at the next start, as the keychain would.
  process.stdout.write(
    `ready ${JSON.stringify({ webhookPort: services.receiver.port, uiUrl: host?.url ?? null, pid: process.pid, verifyToken: services.account.verifyToken() })}\n`,
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      await host?.close();
      await services.close();
      process.exit(0);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}

// ---- the parent's side -------------------------------------------------------------------

export interface AppProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly webhookPort: number;
  readonly uiUrl: string | null;
  /** The webhook verify token the account uses (pass it as `verifyToken` when restarting). */
  readonly verifyToken: string;
  /** Resolves with the exit code / signal once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  metrics(): Promise<AppMetrics>;
  dispatch<T = unknown>(name: string, params: unknown): Promise<T>;
  onEvent(names: string[], listener: (name: string, payload: unknown) => void): void;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (clean close), then waits for the exit; SIGKILL after `ms`. */
  stop(ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

const script = fileURLToPath(import.meta.url);

export async function startAppProcess(opts: {
  dataDir: string;
  credentials: object;
  webhookPort?: number;
  verifyToken?: string;
  ui?: { port: number; rendererDir: string };
  logLevel?: LogLevel;
  exposeGc?: boolean;
  startTimeoutMs?: number;
}): Promise<AppProcess> {
  const argv = [
    '--data-dir',
    opts.dataDir,
    '--credentials',
    JSON.stringify(opts.credentials),
    '--webhook-port',
    String(opts.webhookPort ?? 0),
    '--log-level',
    opts.logLevel ?? 'error',
  ];
  // `--name=value`: a generated token may start with "-", which parseArgs would read as an option.
  if (opts.verifyToken) argv.push(`--verify-token=${opts.verifyToken}`);
  if (opts.ui) argv.push('--ui-port', String(opts.ui.port), '--renderer-dir', opts.ui.rendererDir);
  const child = fork(script, argv, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: opts.exposeGc ? ['--expose-gc'] : [] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = await new Promise<{ webhookPort: number; uiUrl: string | null; pid: number; verifyToken: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the app process did not start within ${opts.startTimeoutMs ?? 30_000} ms:\n${out}`)),
      opts.startTimeoutMs ?? 30_000,
    );
    const check = (): void => {
      const m = /^ready (\{.*\})$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(JSON.parse(m[1]!) as { webhookPort: number; uiUrl: string | null; pid: number; verifyToken: string });
      }
    };
    child.stdout!.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the app process exited before it was ready (code ${code}, signal ${signal}):\n${out}`));
    });
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners: Array<{ names: Set<string>; listener: (name: string, payload: unknown) => void }> = [];
  child.on('message', (m: AppReply | AppEvent) => {
    if ('type' in m && m.type === 'event') {
      for (const l of listeners) if (l.names.has(m.name)) l.listener(m.name, m.payload);
      return;
    }
    const r = m as AppReply;
    const w = waiting.get(r.id);
    if (!w) return;
    waiting.delete(r.id);
    if (r.ok) w.resolve(r.result);
    else w.reject(new Error(r.error));
  });
  void exited.then(({ code, signal }) => {
    for (const w of waiting.values()) w.reject(new Error(`the app process exited (code ${code}, signal ${signal})`));
    waiting.clear();
  });
  const ask = <T>(req: { type: 'metrics' } | { type: 'dispatch'; name: string; params: unknown }): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null || !child.connected)
        return reject(new Error('the app process is not running'));
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...req, id } satisfies AppRequest);
    });
  return {
    child,
    pid: ready.pid,
    webhookPort: ready.webhookPort,
    uiUrl: ready.uiUrl,
    verifyToken: ready.verifyToken,
    exited,
    metrics: () => ask<AppMetrics>({ type: 'metrics' }),
    dispatch: <T>(name: string, params: unknown) => ask<T>({ type: 'dispatch', name, params }),
    onEvent: (names, listener) => {
      listeners.push({ names: new Set(names), listener });
      const all = new Set(listeners.flatMap((l) => [...l.names]));
      child.send({ type: 'events', names: [...all] } satisfies AppRequest);
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async (ms = 10_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), ms);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
    output: () => out,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === script) {
  main().catch((err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
}
