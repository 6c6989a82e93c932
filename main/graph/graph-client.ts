/**
 * The Graph API client every main-process service uses. One place for: the base URL and version,
 * the Bearer token (read from the secrets service for each request, never logged, never in an
 * error), timeouts, zod-validated responses, Graph's error envelope mapped to `GraphError`
 * (graph-errors.ts), and retries with backoff only where repeating cannot do anything twice:
 *   - GET: network errors, timeouts, 5xx and throttling;
 *   - POST/DELETE: throttling codes only (Meta refused before doing anything) — a 5xx, a timeout
 *     or a broken connection on a state-changing call (accept, connect, send) is reported with
 *     `outcomeUnknown` ("WhatsApp may have carried it out"), never repeated blindly.
 */
import { z } from 'zod';
import type { Logger } from '../core/log.ts';
import { tr } from '../i18n/tr.ts';
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
  /** Each answer's `Date` header with our clock at send and answer (ms): how far our clock is off. */
  onServerDate?: (date: string | null, sentAtMs: number, answeredAtMs: number) => void;
}

export interface GraphRequest<T> {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path after the version, e.g. `/123/settings` (no version prefix). */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** A multipart body (media upload) instead of JSON. */
  form?: FormData;
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

/** The time 138012 gives, from its details text (ISO 8601 or Unix seconds) or a separate field. */
export function nextAllowedTime(details: string | null | undefined, field: unknown): Date | null {
  const iso = details ? /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/.exec(details)?.[0] : undefined;
  if (iso) {
    const t = Date.parse(/Z|[+-]\d{2}:?\d{2}$/.test(iso) ? iso.replace(' ', 'T') : `${iso.replace(' ', 'T')}Z`);
    if (Number.isFinite(t)) return new Date(t);
  }
  const unix = details ? /\b(1[6-9]\d{8}|2\d{9})\b/.exec(details)?.[1] : undefined;
  const n = Number(unix ?? field);
  return Number.isFinite(n) && n > 1_500_000_000 ? new Date(n * 1000) : null;
}

export function redact(text: string, token: string | null): string {
  let out = text;
  if (token && token.length >= 6) out = out.split(token).join('[redacted]');
  return out.replace(/(access_token=)[^&\s"]+/gi, '$1[redacted]').replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/g, 'Bearer [redacted]');
}

const defaultBackoff = (attempt: number): number => Math.random() * Math.min(8000, 400 * 2 ** (attempt - 1));

/**
 * The request timeout: 15 s, or `SWITCHBOARD_GRAPH_TIMEOUT_MS` (tests and the reliability suites
 * shorten it; a person on a slow link may lengthen it).
 */
export function defaultGraphTimeoutMs(): number {
  const env = Number(globalThis.process?.env?.['SWITCHBOARD_GRAPH_TIMEOUT_MS']);
  return Number.isFinite(env) && env >= 100 ? env : 15_000;
}

/** Said of a state-changing request whose answer was lost: it may have been carried out. */
/** Connection errors that mean the request never left this computer. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export class GraphClient {
  private readonly opts: Required<Omit<GraphClientOptions, 'fetch' | 'onServerDate'>> & {
    fetch: typeof fetch;
    onServerDate?: GraphClientOptions['onServerDate'];
  };

  constructor(opts: GraphClientOptions) {
    this.opts = {
      timeoutMs: defaultGraphTimeoutMs(),
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
        // "Slow down" codes clear in seconds and mean nothing happened: any method may repeat.
        // Other refused-before-action codes (138002 concurrent calls, 138005 daily call limit)
        // do not clear in seconds, so they are reported at once rather than retried.
        const throttled = typeof err.code === 'number' && THROTTLING_CODES.has(err.code);
        const transient = err.category === 'network' || err.category === 'transient' || (err.httpStatus !== null && err.httpStatus >= 500);
        const retry = attempt < this.opts.maxAttempts && (throttled || (retrySafe && transient));
        this.opts.log.warn('graph.request_failed', {
          method: req.method,
          path: this.logPath(req.path),
          code: err.code,
          http: err.httpStatus,
          attempt,
          retry,
        });
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
    // A request that changes something (accept, connect, send) and lost its answer may have been
    // carried out: the error says so, and it is never repeated automatically (see request()).
    const changesState = !(req.idempotent ?? req.method === 'GET');
    const token = await this.opts.token();
    if (!token)
      throw new GraphError({
        code: 'no_token',
        category: 'auth',
        message: tr('graph.noToken'),
        fix: tr('graph.noToken.fix'),
      });
    const url = this.url(req.path, req.query);
    let res: Response;
    const sentAt = Date.now();
    try {
      res = await this.opts.fetch(url, {
        method: req.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(req.body !== undefined && !req.form ? { 'content-type': 'application/json' } : {}),
        },
        ...(req.form ? { body: req.form } : req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      const cause = e.cause?.code ?? e.name;
      const host = new URL(this.opts.baseUrl).host;
      const maybeDone = changesState && (timedOut || !NEVER_SENT.has(cause));
      const seconds = `${Number((this.opts.timeoutMs / 1000).toFixed(this.opts.timeoutMs % 1000 === 0 ? 0 : 1))} s`;
      throw new GraphError({
        code: timedOut ? 'timeout' : 'network',
        category: 'network',
        message: timedOut
          ? tr('graph.timeout', { host, seconds })
          : maybeDone
            ? tr('graph.brokeBeforeAnswer', { host, cause })
            : tr('graph.unreachable', { host, cause }),
        fix: maybeDone ? tr('graph.maybeDone') : tr('graph.unreachable.fix'),
        outcomeUnknown: maybeDone,
      });
    }
    this.opts.onServerDate?.(res.headers.get('date'), sentAt, Date.now());
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new GraphError({
        code: 'network',
        category: 'network',
        httpStatus: res.status,
        message: tr('graph.brokeWhileAnswering', { host: new URL(this.opts.baseUrl).host, cause }),
        fix: changesState ? tr('graph.maybeDone') : tr('graph.brokeWhileAnswering.fix'),
        outcomeUnknown: changesState,
      });
    }
    const serverFault = res.status >= 500;
    let json: unknown;
    try {
      json = text.length ? JSON.parse(text) : {};
    } catch {
      throw new GraphError({
        code: serverFault ? `http_${res.status}` : 'invalid_response',
        category: serverFault ? 'transient' : 'unknown',
        httpStatus: res.status,
        message: serverFault ? tr('graph.serverErrorPage', { status: res.status }) : tr('graph.notJson', { status: res.status }),
        fix:
          res.status === 404
            ? tr('graph.notFound.fix')
            : serverFault
              ? changesState
                ? tr('graph.maybeDone')
                : tr('graph.tryAgainMoment')
              : undefined,
        outcomeUnknown: serverFault && changesState,
      });
    }
    if (!res.ok || (typeof json === 'object' && json !== null && 'error' in json)) {
      const env = GraphErrorEnvelope.safeParse(json);
      if (!env.success) {
        throw new GraphError({
          code: `http_${res.status}`,
          category: serverFault ? 'transient' : 'unknown',
          httpStatus: res.status,
          message: serverFault
            ? tr('graph.serverNoDetails', { status: res.status })
            : tr('graph.httpNoDescription', { status: res.status }),
          fix: serverFault ? (changesState ? tr('graph.maybeDone') : tr('graph.tryAgainMoment')) : undefined,
          outcomeUnknown: serverFault && changesState,
        });
      }
      const e = env.data.error;
      const info = describeGraphCode(e.code);
      const details = typeof e.error_data === 'string' ? e.error_data : e.error_data?.details;
      // 138012 (connected-call limit) says when calling this customer is allowed again — in
      // `error_data.details` (Meta's calling page), as an ISO time or Unix seconds; a
      // `next_allowed_time` field is read too, in case it is ever sent.
      const nextAt =
        e.code === 138012
          ? nextAllowedTime(details, typeof e.error_data === 'object' ? e.error_data['next_allowed_time'] : undefined)
          : null;
      throw new GraphError({
        code: e.code,
        subcode: e.error_subcode,
        httpStatus: res.status,
        category: info.category,
        message: info.message,
        fix:
          nextAt && e.code === 138012 ? tr('graph.138012.fixAt', { time: nextAt.toISOString().slice(0, 16).replace('T', ' ') }) : info.fix,
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
        message: tr('graph.unexpectedShape', {
          request: `${req.method} ${req.path.split('?')[0]}`,
          issue: issue ? `${issue.path.join('.') || 'root'}: ${issue.message}` : 'invalid',
        }),
      });
    }
    return parsed.data;
  }
}
