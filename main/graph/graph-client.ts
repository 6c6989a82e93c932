/**
 * The Graph API client every main-process service uses. One place for: the base URL and version,
 * the Bearer token (read from the secrets service for each request, never logged, never in an
 * error), timeouts, zod-validated responses, Graph's error envelope mapped to `GraphError`
 * (graph-errors.ts), and retries with backoff only where repeating cannot do anything twice:
 *   - GET: network errors, timeouts, 5xx and throttling;
 *   - POST/DELETE: throttling (and other refused-before-action codes) only — a 5xx or a timeout
 *     on a state-changing call (accept, connect, send) is reported, never repeated blindly.
 */
import { z } from 'zod';
import type { Logger } from '../core/log.ts';
import { describeGraphCode, GraphError, THROTTLING_CODES } from './graph-errors.ts';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_VERSION = 'v25.0';

export interface GraphClientOptions {
  baseUrl: string;
  version: string;
  /** Returns the access token; called per request so a token change applies at once. */
  token: () => Promise<string | null> | string | null;
  log: Logger;
  timeoutMs?: number;
  /** Attempts for a retryable request, including the first. */
  maxAttempts?: number;
  /** Backoff for attempt n (1-based): full jitter on an exponential curve. Injectable for tests. */
  backoffMs?: (attempt: number) => number;
  fetch?: typeof fetch;
}

export interface GraphRequest<T> {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path after the version, e.g. `/123/settings` (no version prefix). */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  schema: z.ZodType<T>;
  /** Overrides the method-based retry rule (true only when a repeat cannot act twice). */
  idempotent?: boolean;
}

const GraphErrorEnvelope = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
    error_subcode: z.number().optional(),
    error_user_msg: z.string().optional(),
    error_data: z.union([z.looseObject({ details: z.string().optional() }), z.string()]).optional(),
    fbtrace_id: z.string().optional(),
  }),
});

export function redact(text: string, token: string | null): string {
  let out = text;
  if (token && token.length >= 6) out = out.split(token).join('[redacted]');
  return out.replace(/(access_token=)[^&\s"]+/gi, '$1[redacted]').replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/g, 'Bearer [redacted]');
}

const defaultBackoff = (attempt: number): number => Math.random() * Math.min(8000, 400 * 2 ** (attempt - 1));

export class GraphClient {
  private readonly opts: Required<Omit<GraphClientOptions, 'fetch'>> & { fetch: typeof fetch };

  constructor(opts: GraphClientOptions) {
    this.opts = {
      timeoutMs: 15_000,
      maxAttempts: 4,
      backoffMs: defaultBackoff,
      ...opts,
      baseUrl: opts.baseUrl.replace(/\/+$/, ''),
      fetch: opts.fetch ?? fetch,
    };
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }
  get version(): string {
    return this.opts.version;
  }

  url(path: string, query?: Record<string, string | undefined>): string {
    const u = new URL(`${this.opts.baseUrl}/${this.opts.version}${path.startsWith('/') ? path : `/${path}`}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, v);
    return u.toString();
  }

  async request<T>(req: GraphRequest<T>): Promise<T> {
    const retrySafe = req.idempotent ?? req.method === 'GET';
    let attempt = 0;
    for (;;) {
      attempt++;
      try {
        return await this.once(req);
      } catch (err) {
        if (!(err instanceof GraphError)) throw err;
        const throttled = typeof err.code === 'number' && (THROTTLING_CODES.has(err.code) || err.refusedBeforeAction);
        const transient = err.category === 'network' || err.category === 'transient' || (err.httpStatus !== null && err.httpStatus >= 500);
        const retry = attempt < this.opts.maxAttempts && (throttled || (retrySafe && transient));
        this.opts.log.warn('graph.request_failed', { method: req.method, path: this.logPath(req.path), code: err.code, http: err.httpStatus, attempt, retry });
        if (!retry) throw err;
        await new Promise((r) => setTimeout(r, this.opts.backoffMs(attempt)));
      }
    }
  }

  /** Paths carry ids, not secrets; still, keep them short in logs. */
  private logPath(path: string): string {
    return path.length > 120 ? `${path.slice(0, 120)}…` : path;
  }

  private async once<T>(req: GraphRequest<T>): Promise<T> {
    const token = await this.opts.token();
    if (!token) throw new GraphError({ code: 'no_token', category: 'auth', message: 'No access token is configured.', fix: 'Connect your account in Settings → Account.' });
    const url = this.url(req.path, req.query);
    let res: Response;
    try {
      res = await this.opts.fetch(url, {
        method: req.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      const cause = e.cause?.code ?? e.name;
      throw new GraphError({
        code: timedOut ? 'timeout' : 'network',
        category: 'network',
        message: timedOut ? `WhatsApp (${new URL(this.opts.baseUrl).host}) did not answer within ${Math.round(this.opts.timeoutMs / 1000)} s.` : `Could not reach ${new URL(this.opts.baseUrl).host} (${cause}).`,
        fix: 'Check the internet connection and the Graph API base URL.',
      });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text.length ? JSON.parse(text) : {};
    } catch {
      throw new GraphError({
        code: 'invalid_response',
        category: res.status >= 500 ? 'transient' : 'unknown',
        httpStatus: res.status,
        message: `WhatsApp answered with something that is not JSON (HTTP ${res.status}).`,
        fix: res.status === 404 ? 'Check the Graph API base URL and version.' : undefined,
      });
    }
    if (!res.ok || (typeof json === 'object' && json !== null && 'error' in json)) {
      const env = GraphErrorEnvelope.safeParse(json);
      if (!env.success) {
        throw new GraphError({ code: `http_${res.status}`, category: res.status >= 500 ? 'transient' : 'unknown', httpStatus: res.status, message: `WhatsApp returned HTTP ${res.status} without an error description.` });
      }
      const e = env.data.error;
      const info = describeGraphCode(e.code);
      const details = typeof e.error_data === 'string' ? e.error_data : e.error_data?.details;
      throw new GraphError({
        code: e.code,
        subcode: e.error_subcode,
        httpStatus: res.status,
        category: info.category,
        message: info.message,
        fix: info.fix,
        refusedBeforeAction: info.refusedBeforeAction,
        details: details ? redact(details, token) : null,
        graphMessage: e.message ? redact(e.message, token) : null,
        fbtraceId: e.fbtrace_id,
      });
    }
    const parsed = req.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GraphError({
        code: 'invalid_response',
        category: 'unknown',
        httpStatus: res.status,
        message: `WhatsApp's answer to ${req.method} ${req.path.split('?')[0]} did not have the expected shape (${issue ? `${issue.path.join('.') || 'root'}: ${issue.message}` : 'invalid'}).`,
      });
    }
    return parsed.data;
  }
}
