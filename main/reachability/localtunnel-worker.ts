/**
 * Runs the localtunnel 2.0.2 client inside a `worker_threads` Worker, so that nothing it does can
 * reach the app's main thread: its `error` events, an uncaught throw or a hang all stay here and
 * surface to `LocaltunnelProvider` as messages or as the Worker's `error`/`exit`.
 *
 * Messages to the parent (`LocaltunnelWorkerMessage`):
 *  - `{ type: 'url', url }` once the first tunnel socket is connected to the server;
 *  - `{ type: 'error', stage: 'register', message }` when asking the server for a tunnel failed
 *    (the client swallows that failure and retries every second forever; we read it from the
 *    client's `debug` output so the supervisor can back off instead);
 *  - `{ type: 'error', stage: 'link', message }` for the client's own `error` event (it emits
 *    "connection refused: host:port (check your firewall settings)" when a tunnel socket is refused);
 *  - `{ type: 'closed' }` after a `{ type: 'close' }` command, just before the thread exits.
 *
 * Quirks of the client this works around (see the provider for the rest):
 *  - `close()` does not stop a registration retry loop in progress, so we end the thread.
 *  - Without an `error` listener the client's error is thrown; here it is listened to, and anything
 *    else thrown ends only this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { format } from 'node:util';
import type { EventEmitter } from 'node:events';

export interface LocaltunnelWorkerData {
  /** Tunnel server, e.g. `https://localtunnel.me` (no trailing slash). */
  host: string;
  subdomain?: string;
  localPort: number;
  localHost: string;
}

export type LocaltunnelWorkerMessage =
  { type: 'url'; url: string } | { type: 'error'; stage: 'register' | 'link'; message: string } | { type: 'closed' };

export type LocaltunnelWorkerCommand = { type: 'close' };

/** The parts of the (untyped, CommonJS) client used here. */
export interface LocaltunnelClient extends EventEmitter {
  url?: string;
  close(): void;
}
export interface LocaltunnelClientOptions {
  port: number;
  host: string;
  subdomain?: string;
  local_host: string;
}
export type LocaltunnelFunction = (opts: LocaltunnelClientOptions, cb: (err: Error | null) => void) => LocaltunnelClient;
interface DebugModule {
  enable(namespaces: string): void;
  log: (...args: unknown[]) => void;
}

function isWorkerData(v: unknown): v is LocaltunnelWorkerData {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  return (
    typeof d.host === 'string' &&
    typeof d.localHost === 'string' &&
    typeof d.localPort === 'number' &&
    Number.isInteger(d.localPort) &&
    (d.subdomain === undefined || typeof d.subdomain === 'string')
  );
}

function run(): void {
  const port = parentPort;
  if (!port) throw new Error('localtunnel-worker.ts must run in a worker thread');
  if (!isWorkerData(workerData)) throw new Error('localtunnel-worker.ts: invalid workerData');
  const data = workerData;
  const post = (m: LocaltunnelWorkerMessage): void => port.postMessage(m);

  const requireHere = createRequire(import.meta.url);
  const clientPath = requireHere.resolve('localtunnel');
  const requireInClient = createRequire(clientPath);
  const localtunnel = requireInClient(clientPath) as LocaltunnelFunction;

  // The client reports a failed registration only through `debug` ("tunnel server offline: <why>,
  // retry 1s"). Route its debug output here and turn that line into a message.
  let registered = false;
  try {
    const debug = requireInClient('debug') as DebugModule;
    debug.log = (...args: unknown[]) => {
      const m = /tunnel server offline: (.*), retry 1s/.exec(format(...args));
      if (m && !registered) post({ type: 'error', stage: 'register', message: m[1] || 'no answer' });
    };
    debug.enable('localtunnel:client');
  } catch {
    // Without debug we still have the provider's start timeout.
  }

  const client = localtunnel(
    { port: data.localPort, host: data.host, local_host: data.localHost, ...(data.subdomain ? { subdomain: data.subdomain } : {}) },
    (err) => {
      if (err) post({ type: 'error', stage: 'register', message: err.message });
      else registered = true;
    },
  );
  client.on('url', (url: unknown) => {
    if (typeof url === 'string') post({ type: 'url', url });
    else post({ type: 'error', stage: 'register', message: 'the tunnel server did not give a URL' });
  });
  client.on('error', (err: unknown) => {
    post({ type: 'error', stage: 'link', message: err instanceof Error ? err.message : String(err) });
  });

  port.on('message', (cmd: LocaltunnelWorkerCommand) => {
    if (cmd?.type !== 'close') return;
    client.close();
    post({ type: 'closed' });
    // close() leaves a registration retry loop running: end the thread, which closes every socket.
    process.exit(0);
  });
}

run();
