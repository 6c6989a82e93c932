/**
 * localtunnel as a `TunnelProvider`. The client runs isolated in a `worker_threads` Worker (see
 * localtunnel-worker.ts); whatever goes wrong in there — its `error` event, an uncaught throw, the
 * thread exiting — becomes a rejected `start()` or one `onDown(reason)` call, never an exception
 * in the app. Works the same in plain Node and in Electron's main process.
 *
 * localtunnel 2.0.2 quirks handled here:
 *  - Registration (`GET {host}/?new` or `/{subdomain}`) is retried every second forever on any
 *    failure, HTTP 4xx/5xx included, and never reported. The worker reads the failure from the
 *    client's debug output and `start()` fails at the first one with a plain reason (the supervisor
 *    then backs off); `startTimeoutMs` bounds everything else.
 *  - An invalid subdomain is answered 403 by the server, i.e. retried forever: we check it first.
 *  - A requested subdomain that is taken is silently replaced by a random one: the caller learns
 *    the URL it actually got from `start()` and must not assume the subdomain.
 *  - A dropped link is not reported at all (the client reconnects if it can, and emits `error`
 *    only when a socket is refused): the supervisor's health probe is what notices.
 *  - With `local_host` set the client rewrites the Host header of the first request on each socket
 *    (as text: fine for HTTP headers and UTF-8 JSON bodies, which is all a webhook is).
 *
 * Locating the worker file: from source, `new URL('./localtunnel-worker.ts', import.meta.url)` runs
 * with Node's type stripping (Node ≥ 22.18/24). In an electron-vite bundle, the worker must be
 * emitted as its own entry next to the main bundle — add
 * `'localtunnel-worker': resolve(import.meta.dirname, 'main/reachability/localtunnel-worker.ts')`
 * to `main.build.rollupOptions.input` (→ `out/main/localtunnel-worker.js`), keep `localtunnel` an
 * external dependency (it is in `dependencies`, so electron-vite externalises it and it ships in
 * app.asar's node_modules), and construct the provider from the shell with
 * `workerUrl: new URL('./localtunnel-worker.js', import.meta.url)`. Electron's patched fs serves
 * app.asar to main-process worker threads; if the packaging check shows otherwise, add the worker
 * and `node_modules/localtunnel/**` (+ axios, debug) to `asarUnpack`.
 */
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { TUNNEL_SERVER_URL } from '../../common/rules/secure-url.ts';
import type { Logger } from '../core/log.ts';
import { secureUrlProblemText } from '../i18n/secure-url.ts';
import { tr } from '../i18n/tr.ts';
import { realTimers, TunnelStartError, type Timers, type TunnelProvider } from './tunnel-provider.ts';
import type { LocaltunnelWorkerCommand, LocaltunnelWorkerData } from './localtunnel-worker.ts';

export const DEFAULT_LOCALTUNNEL_HOST = 'https://localtunnel.me';

export interface LocaltunnelProviderOptions {
  /** Tunnel server (default `https://localtunnel.me`); http(s), no path. */
  host?: string;
  /** Preferred subdomain; the server may hand out another one. */
  subdomain?: string;
  /** Where the receiver listens (default 127.0.0.1). */
  localHost?: string;
  /** How long `start()` waits for the first tunnel socket (default 15 s). */
  startTimeoutMs?: number;
  /** How long `stop()` waits for the worker to close the tunnel before terminating it (default 1 s). */
  stopGraceMs?: number;
  /** The worker script; see the header comment for bundles. */
  workerUrl?: URL;
  timers?: Timers;
  log?: Logger;
}

// The real server's rule (localtunnel/server): 4–63 lowercase letters, digits and inner hyphens.
const SUBDOMAIN = /^(?:[a-z0-9][a-z0-9-]{4,63}[a-z0-9]|[a-z0-9]{4,63})$/;

const workerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url'), url: z.string() }),
  z.object({ type: z.literal('error'), stage: z.enum(['register', 'link']), message: z.string() }),
  z.object({ type: z.literal('closed') }),
]);

/** Plain words for what the client or the worker reported. */
export function describeTunnelError(stage: 'register' | 'link', message: string): string {
  const m = message.toLowerCase();
  if (/connection refused|econnrefused/.test(m)) return tr('tunnel.refused');
  if (/enotfound|eai_again/.test(m)) return tr('tunnel.notResolved');
  if (/etimedout|timeout/.test(m)) return tr('tunnel.timeout');
  if (/econnreset|socket hang up/.test(m)) return tr('tunnel.closed');
  const status = /status code (\d{3})/.exec(m)?.[1];
  if (status === '403' || status === '409') return tr('tunnel.refusedSubdomain', { status });
  if (status) return tr('tunnel.http', { status });
  if (/certificate|ssl|tls/.test(m)) return tr('tunnel.certificate');
  const detail = message.trim() || tr('tunnel.noDetails');
  return stage === 'register' ? tr('tunnel.couldNotOpen', { detail }) : tr('tunnel.broke', { detail });
}

/** Validates provider options; throws a `TunnelStartError` with an owner-facing reason. */
export function checkLocaltunnelOptions(opts: Pick<LocaltunnelProviderOptions, 'host' | 'subdomain'>): {
  host: string;
  subdomain: string | undefined;
} {
  const raw = (opts.host ?? DEFAULT_LOCALTUNNEL_HOST).trim().replace(/\/+$/, '');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new TunnelStartError(tr('tunnel.hostNotUrl'));
  }
  if (
    (u.protocol !== 'https:' && u.protocol !== 'http:') ||
    u.username ||
    u.password ||
    u.search ||
    u.hash ||
    (u.pathname && u.pathname !== '/')
  ) {
    throw new TunnelStartError(tr('tunnel.hostWithPath'));
  }
  // Every webhook travels through this server: unencrypted http only to this computer.
  const insecure = secureUrlProblemText(u, TUNNEL_SERVER_URL);
  if (insecure) throw new TunnelStartError(insecure);
  const subdomain = opts.subdomain?.trim() || undefined;
  if (subdomain !== undefined && !SUBDOMAIN.test(subdomain)) {
    throw new TunnelStartError(tr('tunnel.subdomain'));
  }
  return { host: `${u.protocol}//${u.host}`, subdomain };
}

/** "15 s", "0.3 s". */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}

interface Run {
  worker: Worker;
  exited: Promise<void>;
  up: boolean;
  stopping: boolean;
  done: boolean;
}

export class LocaltunnelProvider implements TunnelProvider {
  readonly kind = 'localtunnel' as const;
  private readonly host: string;
  private readonly subdomain: string | undefined;
  private readonly localHost: string;
  private readonly startTimeoutMs: number;
  private readonly stopGraceMs: number;
  private readonly workerUrl: URL;
  private readonly timers: Timers;
  private readonly log: Logger | undefined;
  private readonly downListeners = new Set<(reason: string) => void>();
  private current: Run | null = null;
  /** Bumped by every start() and stop(), so a start() overtaken by either gives up. */
  private gen = 0;

  constructor(opts: LocaltunnelProviderOptions = {}) {
    const checked = checkLocaltunnelOptions(opts);
    this.host = checked.host;
    this.subdomain = checked.subdomain;
    this.localHost = opts.localHost ?? '127.0.0.1';
    this.startTimeoutMs = opts.startTimeoutMs ?? 15_000;
    this.stopGraceMs = opts.stopGraceMs ?? 1_000;
    this.workerUrl = opts.workerUrl ?? new URL('./localtunnel-worker.ts', import.meta.url);
    this.timers = opts.timers ?? realTimers;
    this.log = opts.log;
  }

  /** True while a worker is running (started or starting). */
  get running(): boolean {
    return this.current !== null;
  }

  onDown(listener: (reason: string) => void): () => void {
    this.downListeners.add(listener);
    return () => this.downListeners.delete(listener);
  }

  async start(localPort: number): Promise<{ url: string }> {
    if (!Number.isInteger(localPort) || localPort < 1 || localPort > 65_535)
      throw new TunnelStartError(tr('tunnel.badPort', { port: localPort }));
    const gen = ++this.gen;
    await this.stopRun();
    // A stop() (or a newer start()) while the previous run was ending wins: start nothing.
    if (gen !== this.gen) throw new TunnelStartError(tr('tunnel.stoppedBeforeOpen'));
    const data: LocaltunnelWorkerData = {
      host: this.host,
      localPort,
      localHost: this.localHost,
      ...(this.subdomain ? { subdomain: this.subdomain } : {}),
    };
    let worker: Worker;
    try {
      // A memory cap: a runaway client ends its own thread (→ 'error' → down), not the app.
      worker = new Worker(this.workerUrl, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 96 } });
    } catch (err) {
      throw new TunnelStartError(tr('tunnel.clientNotStarted', { error: err instanceof Error ? err.message : String(err) }));
    }
    const run: Run = {
      worker,
      exited: new Promise((resolve) => worker.once('exit', () => resolve())),
      up: false,
      stopping: false,
      done: false,
    };
    this.current = run;
    this.log?.info('tunnel.localtunnel.starting', { host: this.host, subdomain: this.subdomain ?? null, localPort });

    return new Promise<{ url: string }>((resolve, reject) => {
      let settled = false;
      const timer = this.timers.setTimeout(() => {
        fail(tr('tunnel.openTimeout', { seconds: seconds(this.startTimeoutMs) }));
      }, this.startTimeoutMs);
      const fail = (reason: string): void => {
        if (settled) return this.down(run, reason);
        settled = true;
        this.timers.clearTimeout(timer);
        this.finish(run);
        this.log?.warn('tunnel.localtunnel.start_failed', { reason });
        reject(new TunnelStartError(reason));
      };

      worker.on('message', (raw: unknown) => {
        if (run.done) return; // further errors of a run already reported (the other sockets')
        const parsed = workerMessage.safeParse(raw);
        if (!parsed.success) return;
        const msg = parsed.data;
        if (msg.type === 'url') {
          if (settled) return;
          if (!/^https?:\/\//.test(msg.url)) return fail(tr('tunnel.badAddress'));
          settled = true;
          this.timers.clearTimeout(timer);
          run.up = true;
          this.log?.info('tunnel.localtunnel.open', { url: msg.url });
          resolve({ url: msg.url });
        } else if (msg.type === 'error') {
          this.log?.warn('tunnel.localtunnel.client_error', { stage: msg.stage, message: msg.message });
          fail(describeTunnelError(msg.stage, msg.message));
        } else if (!run.stopping) {
          fail(tr('tunnel.clientClosed'));
        }
      });
      worker.on('error', (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        this.log?.warn('tunnel.localtunnel.worker_crashed', { message });
        const detail = describeTunnelError('link', message);
        fail(tr('tunnel.clientCrashed', { detail: `${detail.charAt(0).toLowerCase()}${detail.slice(1)}` }));
      });
      worker.on('exit', (code: number) => {
        if (run.stopping) {
          if (!settled) {
            settled = true;
            this.timers.clearTimeout(timer);
            reject(new TunnelStartError(tr('tunnel.stoppedBeforeOpen')));
          }
          return;
        }
        fail(tr('tunnel.clientExited', { code }));
      });
    });
  }

  async stop(): Promise<void> {
    this.gen++;
    await this.stopRun();
  }

  private async stopRun(): Promise<void> {
    const run = this.current;
    if (!run) return;
    this.current = null;
    run.stopping = true;
    run.done = true;
    try {
      run.worker.postMessage({ type: 'close' } satisfies LocaltunnelWorkerCommand);
    } catch {
      // already gone
    }
    let timer: unknown;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = this.timers.setTimeout(() => resolve('timeout'), this.stopGraceMs);
    });
    const outcome = await Promise.race([run.exited.then(() => 'exited' as const), grace]);
    this.timers.clearTimeout(timer);
    if (outcome === 'timeout') await run.worker.terminate();
    this.log?.info('tunnel.localtunnel.stopped', {});
  }

  /** Ends a run that failed or went down: the thread is terminated, nothing is reported. */
  private finish(run: Run): void {
    if (run.done) return;
    run.done = true;
    run.stopping = true;
    if (this.current === run) this.current = null;
    void run.worker.terminate().catch(() => {});
  }

  /** A started tunnel went down: end it and tell the listeners once. */
  private down(run: Run, reason: string): void {
    if (run.done || !run.up) return;
    this.finish(run);
    this.log?.warn('tunnel.localtunnel.down', { reason });
    for (const l of [...this.downListeners]) {
      try {
        l(reason);
      } catch {
        // a listener's failure is not the tunnel's
      }
    }
  }
}
