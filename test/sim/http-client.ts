/** A minimal HTTP client on node:http with a hard timeout (used for webhooks and verification). */
import http from 'node:http';
import https from 'node:https';

export interface HttpResult {
  status: number;
  body: string;
}

export function httpRequest(
  url: string,
  opts: {
    method: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: Buffer;
    timeoutMs: number;
    agents?: { http: http.Agent; https: https.Agent };
  },
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new Error(`invalid URL ${url}`));
      return;
    }
    const lib = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : undefined;
    if (!lib) {
      reject(new Error(`unsupported protocol ${u.protocol}`));
      return;
    }
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.body) headers['Content-Length'] = String(opts.body.length);
    const agent = opts.agents ? (u.protocol === 'https:' ? opts.agents.https : opts.agents.http) : false;
    const req = lib.request(u, { method: opts.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 1_000_000) chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    if (opts.body) req.write(opts.body);
    req.end();
  });
}
