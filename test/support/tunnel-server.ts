/**
 * A loopback stand-in for a localtunnel server that the real `localtunnel` 2.0.2 client works
 * against (read node_modules/localtunnel/lib/{Tunnel,TunnelCluster}.js for the client side, and
 * github.com/localtunnel/server `lib/Client.js`, `lib/TunnelAgent.js`, `lib/ClientManager.js` for
 * the server this imitates).
 *
 * Protocol, as the client speaks it:
 *  - `GET {host}/?new` (or `GET {host}/{subdomain}`) → JSON `{ id, port, max_conn_count, url }`.
 *    The client then opens up to `max_conn_count` raw TCP connections to `port` on the host's
 *    name, connects each one to its local port and pipes bytes both ways; when a socket closes it
 *    opens another one (it says nothing when they all drop).
 *
 * How public requests travel (mode 'real', the default — as the real server does it):
 *  - Each public request is re-issued with `http.request({ path, method, headers: req.headers,
 *    agent })`: headers pass through unchanged (Host stays the public host, `Connection` is the
 *    public client's), and the agent is a keep-alive `http.Agent` (`maxFreeSockets: 1`) whose
 *    `createConnection` hands out the client's pooled sockets. So one tunnel socket carries many
 *    requests in turn; a socket the agent does not keep is destroyed and the client opens another.
 *  - Sockets that no request has used yet sit unread in the pool: bytes the local side writes on
 *    them before a request (a stray answer) wait there and are read as the answer to the next
 *    request sent over that socket, exactly as on the real server.
 *  - A request with no free socket waits in a queue with no time limit (the real agent's
 *    `waitingCreateConn`).
 *  - When a request fails on the tunnel side (the socket breaks, the tunnel closes), the real
 *    server's handler does nothing (`clientReq.once('error', …)` is a TODO): the public client gets
 *    no answer at all and its own timeout ends the wait. Here too; `stats.upstreamErrors` counts them.
 *  - Grace period: a tunnel whose client sockets have all gone (or that no socket ever joined) is
 *    removed 1 s later (`graceMs`; the real `Client` uses 1000 ms): its id then answers 404 and its
 *    TCP port is closed, so the client's reconnects are refused.
 *  - `max_conn_count` is 10 (the real server's `--max-sockets` default); more sockets are destroyed.
 *
 * Mode 'legacy' keeps this stand-in's earlier, kinder behaviour for tests that want trivial
 * framing: `Connection: close` on every forwarded request (one exchange per socket), Host rewritten,
 * 502 when no socket is free within `socketWaitMs`, 504 when the client does not answer within
 * `requestTimeoutMs`, and tunnels kept forever.
 *
 * What still differs from the real server: public URLs use path-prefix routing (no wildcard DNS on
 * our machines): `url = http://127.0.0.1:<httpPort>/t/<id>`, and `/t/<id>/rest?q` is forwarded as
 * `/rest?q`; plain HTTP (the public server terminates TLS); no WebSocket upgrades; ids are hex, not
 * human-readable words; no `/api/status`.
 *
 * Like the real server (localtunnel/server `ClientManager.newClient`), a requested subdomain that is
 * taken is silently replaced by a random id, and an invalid one gets 403 `{ message }` (which the
 * real client does not report: it retries every second forever).
 *
 * Test controls: `restart()` (state lost, new ids afterwards, same HTTP port), `refuse(true)`
 * (everything down: listeners closed, connections dropped, state kept; `refuse(false)` re-listens
 * on the same ports), `kill()` (drop every client socket abruptly; listeners stay — in 'real' mode
 * the grace period then applies).
 */
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';

export interface TunnelServerOptions {
  /** HTTP port for both the registration API and the public URLs; 0 (default) picks one. */
  port?: number;
  /** 'real' (default): keep-alive reuse, headers passed through, queue, no answer on errors, grace period. 'legacy': see the header. */
  mode?: 'real' | 'legacy';
  /** `max_conn_count` handed to clients and the most sockets one tunnel takes (default 10, as the real server). */
  maxConnCount?: number;
  /** 'real' mode: how long a tunnel outlives its last client socket (default 1000 ms, as the real server). */
  graceMs?: number;
  /** 'legacy' mode: how long a public request waits for a free client socket before 502 (default 1000 ms). */
  socketWaitMs?: number;
  /** 'legacy' mode: how long a public request waits for the client's answer before 504 (default 10 s). */
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
  /** Forwarded requests that went over a tunnel socket an earlier request had used. */
  reused: number;
  notFound: number;
  /** 'legacy' mode: 502 answers. */
  badGateway: number;
  /** 'real' mode: forwarded requests that failed on the tunnel side and got no answer. */
  upstreamErrors: number;
  /** Tunnels removed after their grace period. */
  expired: number;
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

type ConnCallback = (err: Error | null, socket: net.Socket | null) => void;

interface Tunnel {
  id: string;
  port: number;
  tcp: net.Server;
  live: Set<net.Socket>;
  /** Connected sockets no request holds (the real agent's `availableSockets`). */
  idle: net.Socket[];
  waiters: ConnCallback[];
  /** Sockets that have carried a request. */
  used: WeakSet<net.Socket>;
  agent: http.Agent | null;
  grace: NodeJS.Timeout | null;
  closed: boolean;
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
  const mode = opts.mode ?? 'real';
  const maxConnCount = opts.maxConnCount ?? 10;
  const graceMs = opts.graceMs ?? 1000;
  const socketWaitMs = opts.socketWaitMs ?? 1000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  const tunnels = new Map<string, Tunnel>();
  const issued = new Set<string>();
  const counters = { created: 0, forwarded: 0, reused: 0, notFound: 0, badGateway: 0, upstreamErrors: 0, expired: 0, restarts: 0 };
  let refusing = false;
  let closed = false;

  const web = http.createServer((req, res) => void handle(req, res));
  // The real server sets no short timeouts on public requests; a waiting request waits.
  web.requestTimeout = 0;
  web.headersTimeout = 60_000;
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

  /** The real `Client`'s grace timer: a tunnel without sockets for `graceMs` is removed. */
  function armGrace(t: Tunnel): void {
    // While refusing, the server is "down" with its state kept: no grace runs out.
    if (mode !== 'real' || t.closed || refusing) return;
    if (t.grace) clearTimeout(t.grace);
    t.grace = setTimeout(() => {
      t.grace = null;
      if (t.live.size === 0 && !refusing) removeTunnel(t);
    }, graceMs);
    t.grace.unref();
  }

  function removeTunnel(t: Tunnel): void {
    if (t.closed) return;
    t.closed = true;
    if (t.grace) clearTimeout(t.grace);
    t.grace = null;
    if (tunnels.get(t.id) === t) tunnels.delete(t.id);
    counters.expired++;
    for (const w of t.waiters.splice(0)) w(new Error('closed'), null);
    dropSockets(t);
    t.agent?.destroy();
    void closeServer(t.tcp);
  }

  function onClientSocket(t: Tunnel, socket: net.Socket): void {
    if (refusing || closed || t.closed || t.live.size >= maxConnCount) {
      socket.destroy();
      return;
    }
    t.live.add(socket);
    if (t.grace) {
      clearTimeout(t.grace);
      t.grace = null;
    }
    socket.setKeepAlive(true);
    socket.once('error', () => socket.destroy());
    socket.once('close', () => {
      t.live.delete(socket);
      const i = t.idle.indexOf(socket);
      if (i >= 0) t.idle.splice(i, 1);
      if (t.live.size === 0) armGrace(t);
    });
    const waiter = t.waiters.shift();
    if (waiter) setImmediate(() => waiter(null, socket));
    else t.idle.push(socket);
  }

  /** A pooled socket now, or when one connects (the real agent's `createConnection`). */
  function takeSocket(t: Tunnel, cb: ConnCallback): void {
    if (t.closed) return cb(new Error('closed'), null);
    while (t.idle.length) {
      const s = t.idle.shift();
      if (s && !s.destroyed) return cb(null, s);
    }
    t.waiters.push(cb);
  }

  function markUse(t: Tunnel, s: net.Socket): void {
    if (t.used.has(s)) counters.reused++;
    t.used.add(s);
  }

  function makeAgent(t: Tunnel): http.Agent {
    const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 1 });
    // The agent asks for a connection when it has no free one: hand it a pooled client socket.
    (agent as unknown as { createConnection: (o: unknown, cb: ConnCallback) => undefined }).createConnection = (_o, cb) => {
      takeSocket(t, (err, s) => {
        if (s) markUse(t, s);
        cb(err, s);
      });
      return undefined;
    };
    // A kept-alive socket the agent reuses is counted too.
    const reuse = (agent as unknown as { reuseSocket: (s: net.Socket, r: http.ClientRequest) => void }).reuseSocket.bind(agent);
    (agent as unknown as { reuseSocket: (s: net.Socket, r: http.ClientRequest) => void }).reuseSocket = (s, r) => {
      markUse(t, s);
      reuse(s, r);
    };
    return agent;
  }

  async function createTunnel(requested: string | undefined): Promise<Tunnel> {
    const id = newId(requested);
    issued.add(id);
    const t: Tunnel = {
      id,
      port: 0,
      tcp: net.createServer(),
      live: new Set(),
      idle: [],
      waiters: [],
      used: new WeakSet(),
      agent: null,
      grace: null,
      closed: false,
    };
    t.tcp.on('connection', (s) => onClientSocket(t, s));
    t.tcp.on('error', () => undefined);
    if (mode === 'real') t.agent = makeAgent(t);
    t.port = await listen(t.tcp, 0);
    tunnels.set(id, t);
    counters.created++;
    armGrace(t); // the client must connect within the grace period
    return t;
  }

  /** As the real server's `Client.handleRequest`. */
  function forwardReal(t: Tunnel, rest: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    counters.forwarded++;
    const upstream = http.request({ path: rest, agent: t.agent ?? undefined, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    upstream.once('error', () => {
      // The real server answers nothing here: the public client waits until it gives up.
      counters.upstreamErrors++;
    });
    req.pipe(upstream);
  }

  /** The earlier, kinder forwarding ('legacy' mode). */
  function forwardLegacy(t: Tunnel, rest: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    counters.forwarded++;
    const headers = { ...req.headers, host: `127.0.0.1:${port}`, connection: 'close', 'x-forwarded-proto': 'http' };
    const upstream = http.request({
      method: req.method,
      path: rest,
      headers,
      createConnection: (_o, cb) => {
        let timer: NodeJS.Timeout | null = null;
        let done = false;
        const give: ConnCallback = (err, s) => {
          if (done) {
            if (s) t.idle.push(s);
            return;
          }
          done = true;
          if (timer) clearTimeout(timer);
          if (s) {
            markUse(t, s);
            cb(null, s);
          } else cb(Object.assign(err ?? new Error('no tunnel client socket'), { code: 'ENOSOCKET' }), new net.Socket());
        };
        timer = setTimeout(() => {
          const i = t.waiters.indexOf(give);
          if (i >= 0) t.waiters.splice(i, 1);
          give(new Error('no tunnel client socket'), null);
        }, socketWaitMs);
        takeSocket(t, give);
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
        const rest = (tunnelPath[2] ?? '/') + u.search;
        return mode === 'real' ? forwardReal(t, rest, req, res) : forwardLegacy(t, rest, req, res);
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
      if (t.grace) clearTimeout(t.grace);
      t.grace = null;
      for (const w of t.waiters.splice(0)) w(new Error('closed'), null);
      dropSockets(t);
      if (!keepState) {
        t.closed = true;
        t.agent?.destroy();
      }
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
      for (const t of tunnels.values()) {
        await listen(t.tcp, t.port);
        if (t.live.size === 0) armGrace(t);
      }
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
