/**
 * The browser host's HTTP server: the built renderer on 127.0.0.1 and the bridge WebSocket.
 * Plain Node; `web-host.ts` is its command line.
 */
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadRendererFile } from '../renderer-files.ts';
import type { AppServices } from '../app-services.ts';
import type { Logger } from '../core/log.ts';
import { allowedHosts, createWsBridge, type WsBridge } from './ws-bridge.ts';

export interface BrowserHost {
  readonly port: number;
  readonly secret: string;
  /** The URL to open: the secret travels in the fragment, so it is never sent in a request line. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startBrowserHost(opts: {
  services: AppServices;
  rendererDir: string;
  port: number;
  log: Logger;
  secret?: string;
}): Promise<BrowserHost> {
  const secret = opts.secret ?? randomBytes(24).toString('base64url');
  let port = opts.port;
  let bridge: WsBridge | null = null;

  const server: Server = createServer((req, res) => {
    if (!allowedHosts(port).has(req.headers.host ?? '')) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Method not allowed');
      return;
    }
    void loadRendererFile(opts.rendererDir, req.url ?? '/').then((file) => {
      res.writeHead(file.status, file.headers);
      res.end(req.method === 'HEAD' ? undefined : file.body);
    });
  });

  bridge = createWsBridge({ port: () => port, secret, dispatch: opts.services.dispatch, events: opts.services.events, log: opts.log });
  server.on('upgrade', (req, socket, head) => bridge!.handleUpgrade(req, socket, head));
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/#secret=${secret}`;
  opts.log.info('host.listening', { port });

  return {
    port,
    secret,
    url,
    async close() {
      await bridge?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
