/**
 * A loopback stand-in for a localtunnel server that the real `localtunnel` 2.0.2 client works
 * against (read node_modules/localtunnel/lib/{Tunnel,TunnelCluster}.js for the client side).
 *
 * Protocol, as the client speaks it:
 *  - `GET {host}/?new` (or `GET {host}/{subdomain}`) → JSON `{ id, port, max_conn_count, url }`.
 *    The client then opens up to `max_conn_count` raw TCP connections to `port` on the host's
 *    name, connects each one to its local port and pipes bytes both ways; when a socket closes it
 *    opens another one (it says nothing when they all drop).
 *  - A public HTTP request is written, as raw HTTP/1.1 bytes, into one pooled socket; the response
 *    bytes come back on it. We send `Connection: close` so every socket carries one exchange and
 *    the client replaces it (one request per socket keeps response framing trivial).
 *
 * Public URLs use path-prefix routing (no wildcard DNS on our machines):
 * `url = http://127.0.0.1:<httpPort>/t/<id>`; `/t/<id>/rest?q` is forwarded as `/rest?q`.
 * Unknown id → 404; a tunnel with no client socket within `socketWaitMs` → 502; no answer from the
 * client within `requestTimeoutMs` → 504.
 *
 * Like the real server (localtunnel/server `ClientManager.newClient`), a requested subdomain that is
 * taken is silently replaced by a random id, and an invalid one gets 403 `{ message }` (which the
 * real client does not report: it retries every second forever).
 *
 * Test controls: `restart()` (state lost, new ids afterwards, same HTTP port), `refuse(true)`
 * (everything down: listeners closed, connections dropped, state kept; `refuse(false)` re-listens
 * on the same ports), `kill()` (drop every client socket abruptly; listeners stay).
 */
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';

export interface TunnelServerOptions {
  /** HTTP port for both the registration API and the public URLs; 0 (default) picks one. */
  port?: number;
  /** `max_conn_count` handed to clients (default 4). */
  maxConnCount?: number;
  /** How long a public request waits for a free client socket before 502 (default 1000 ms). */
  socketWaitMs?: number;
  /** How long a public request waits for the client's answer before 504 (default 10 s). */
  requestTimeoutMs?: number;
}

export interface TunnelServerStats {
  /** Tunnels currently registered. */
  tunnels: number;
  /** Client TCP sockets currently connected, over all tunnels. */
  clientSockets: number;
  /** Tunnels handed out since start (across restarts). */
  created: number;
  /** Public requests forwarded to a client (whatever the answer). */
  forwarded: number;
  notFound: number;
  badGateway: number;
  /** Restarts so far. */
  restarts: number;
  refusing: boolean;
}

export interface TunnelServer {
  /** The host URL to give the client (`host` option), e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /** A snapshot of the counters. */
  readonly stats: TunnelServerStats;
  /** Ids of the tunnels currently registered. */
  tunnelIds(): string[];
  close(): Promise<void>;
  restart(): Promise<void>;
  refuse(on: boolean): Promise<void>;
  kill(): void;
}

interface Tunnel {
  id: string;
  port: number;
  tcp: net.Server;
  live: Set<net.Socket>;
  idle: net.Socket[];
  waiters: Array<(socket: net.Socket | null) => void>;
}

// The real server's rule (localtunnel/server server.js).
const SUBDOMAIN = /^(?:[a-z0-9][a-z0-9-]{4,63}[a-z0-9]|[a-z0-9]{4,63})$/;

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

function send(res: http.ServerResponse, status: number, body: string, type = 'text/plain'): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

export async function startTunnelServer(opts: TunnelServerOptions = {}): Promise<TunnelServer> {
  const maxConnCount = opts.maxConnCount ?? 4;
  const socketWaitMs = opts.socketWaitMs ?? 1000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  const tunnels = new Map<string, Tunnel>();
  const issued = new Set<string>();
  const counters = { created: 0, forwarded: 0, notFound: 0, badGateway: 0, restarts: 0 };
  let refusing = false;
  let closed = false;

  const web = http.createServer((req, res) => void handle(req, res));
  const port = await listen(web, opts.port ?? 0);
  const base = `http://127.0.0.1:${port}`;

  function newId(requested: string | undefined): string {
    if (requested && !tunnels.has(requested)) return requested;
    let id: string;
    do id = randomBytes(4).toString('hex');
    while (issued.has(id));
    return id;
  }

  function dropSockets(t: Tunnel): void {
    for (const s of t.live) s.destroy();
    t.live.clear();
    t.idle.length = 0;
  }

  function onClientSocket(t: Tunnel, socket: net.Socket): void {
    if (refusing || closed || t.live.size >= maxConnCount) {
      socket.destroy();
      return;
    }
    t.live.add(socket);
    socket.setKeepAlive(true);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      t.live.delete(socket);
      const i = t.idle.indexOf(socket);
      if (i >= 0) t.idle.splice(i, 1);
    });
    const waiter = t.waiters.shift();
    if (waiter) waiter(socket);
    else t.idle.push(socket);
  }

  async function createTunnel(requested: string | undefined): Promise<Tunnel> {
    const id = newId(requested);
    issued.add(id);
    const t: Tunnel = { id, port: 0, tcp: net.createServer(), live: new Set(), idle: [], waiters: [] };
    t.tcp.on('connection', (s) => onClientSocket(t, s));
    t.port = await listen(t.tcp, 0);
    tunnels.set(id, t);
    counters.created++;
    return t;
  }

  /** A free client socket, waiting up to socketWaitMs for one; null when none came. */
  function acquire(t: Tunnel): Promise<net.Socket | null> {
    while (t.idle.length) {
      const s = t.idle.shift();
      if (s && !s.destroyed) return Promise.resolve(s);
    }
    return new Promise((resolve) => {
      const waiter = (s: net.Socket | null): void => {
        clearTimeout(timer);
        resolve(s);
      };
      const timer = setTimeout(() => {
        const i = t.waiters.indexOf(waiter);
        if (i >= 0) t.waiters.splice(i, 1);
        resolve(null);
      }, socketWaitMs);
      t.waiters.push(waiter);
    });
  }

  function forward(t: Tunnel, rest: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    counters.forwarded++;
    const headers = { ...req.headers, host: `127.0.0.1:${port}`, connection: 'close', 'x-forwarded-proto': 'http' };
    const upstream = http.request({
      method: req.method,
      path: rest,
      headers,
      // No agent: the request goes over the socket we hand it (like the real server's TunnelAgent).
      createConnection: (_o, cb) => {
        void acquire(t).then((s) => {
          if (s) cb(null, s);
          else cb(Object.assign(new Error('no tunnel client socket'), { code: 'ENOSOCKET' }), new net.Socket());
        });
        return undefined;
      },
    });
    upstream.setTimeout(requestTimeoutMs, () => {
      upstream.destroy();
      if (!res.headersSent) send(res, 504, 'tunnel client did not answer');
    });
    upstream.on('response', (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    upstream.on('error', () => {
      counters.badGateway++;
      send(res, 502, 'no active tunnel client');
    });
    req.pipe(upstream);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', base);
    try {
      if (u.pathname === '/' && u.searchParams.has('new')) {
        const t = await createTunnel(undefined);
        return send(res, 200, JSON.stringify(info(t)), 'application/json');
      }
      const tunnelPath = /^\/t\/([^/]+)(\/.*)?$/.exec(u.pathname);
      if (tunnelPath) {
        const t = tunnels.get(tunnelPath[1] ?? '');
        if (!t) {
          counters.notFound++;
          return send(res, 404, '404');
        }
        return forward(t, (tunnelPath[2] ?? '/') + u.search, req, res);
      }
      const sub = /^\/([^/]+)$/.exec(u.pathname)?.[1];
      if (req.method === 'GET' && sub) {
        if (!SUBDOMAIN.test(sub)) {
          const message = 'Invalid subdomain. Subdomains must be lowercase and between 4 and 63 alphanumeric characters.';
          return send(res, 403, JSON.stringify({ message }), 'application/json');
        }
        const t = await createTunnel(sub);
        return send(res, 200, JSON.stringify(info(t)), 'application/json');
      }
      counters.notFound++;
      send(res, 404, '404');
    } catch (err) {
      send(res, 500, err instanceof Error ? err.message : 'error');
    }
  }

  function info(t: Tunnel): { id: string; port: number; max_conn_count: number; url: string } {
    return { id: t.id, port: t.port, max_conn_count: maxConnCount, url: `${base}/t/${t.id}` };
  }

  async function shutdownAll(keepState: boolean): Promise<void> {
    const waits: Array<Promise<void>> = [];
    for (const t of tunnels.values()) {
      for (const w of t.waiters.splice(0)) w(null);
      dropSockets(t);
      waits.push(closeServer(t.tcp));
    }
    if (!keepState) tunnels.clear();
    const h = closeServer(web);
    web.closeAllConnections();
    await Promise.all([...waits, h]);
  }

  return {
    url: base,
    port,
    get stats(): TunnelServerStats {
      let clientSockets = 0;
      for (const t of tunnels.values()) clientSockets += t.live.size;
      return { tunnels: tunnels.size, clientSockets, ...counters, refusing };
    },
    tunnelIds: () => [...tunnels.keys()],
    kill(): void {
      for (const t of tunnels.values()) dropSockets(t);
    },
    async refuse(on: boolean): Promise<void> {
      if (closed || on === refusing) return;
      refusing = on;
      if (on) {
        await shutdownAll(true);
        return;
      }
      await listen(web, port);
      for (const t of tunnels.values()) await listen(t.tcp, t.port);
    },
    async restart(): Promise<void> {
      if (closed) throw new Error('tunnel server is closed');
      await shutdownAll(false);
      refusing = false;
      counters.restarts++;
      await listen(web, port);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await shutdownAll(false);
    },
  };
}
