/**
 * Graph fault injection: make the next N Graph requests that match a rule fail the way Meta's
 * Graph API can fail, so tests can check what Switchboard does with each failure.
 *
 *   PUT /_sim/graph-faults
 *   {"rules": [{"match": {"method": "POST", "path": "/calls", "action": "accept"},
 *               "fault": {"http": 500, "body": "html"}, "after": true, "count": 1}]}
 *
 * A rule matches by method (optional), path (the end of the path after the version, e.g.
 * `/calls`, `/messages`, `/settings`, `/call_permissions`, or `/<pnid>` for the phone-number node;
 * `*` or omitted = any), for `/calls` the body's `action` and for `/messages` the body's `type`.
 * Its fault is one of
 *   {error: code, details?, subcode?}  Meta's error envelope with that code and its HTTP status
 *   {http: 500|502|503, body?: "html"|"empty"|"json"}  a bare server error
 *   {delayMs: N}                       answer normally, N real ms late
 *   {hang: true}                       never answer (the client's timeout fires)
 *   {reset: true}                      destroy the connection without an answer
 * With `after: true` the request is first carried out for real (the call is accepted, the message
 * sent) and only then is the answer replaced by the fault: Meta did it, but the answer was lost.
 * That is the case where a client that repeats the request does the action twice.
 *
 * Every Graph request is logged here (method, path, action, status, fault), so tests can count
 * how many requests of each kind reached the simulator.
 */
import { GRAPH_ERRORS, type GraphErrorSpec } from './graph-errors.ts';

export type GraphFault =
  | { error: number; details?: string; subcode?: number }
  | { http: 500 | 502 | 503; body?: 'html' | 'empty' | 'json' }
  | { delayMs: number }
  | { hang: true }
  | { reset: true };

export interface GraphFaultMatch {
  method?: 'GET' | 'POST' | 'DELETE';
  /** The end of the request path after the version, e.g. "/calls"; "*" or absent = any. */
  path?: string;
  /** `/calls` only: the body's action (connect, pre_accept, accept, reject, terminate). */
  action?: string;
  /** `/messages` only: the body's type (text, template, interactive…); mark-as-read has none. */
  type?: string;
}

export interface GraphFaultRule {
  id: number;
  match: GraphFaultMatch;
  fault: GraphFault;
  after: boolean;
  /** Matching requests still to fail. */
  remaining: number;
  used: number;
}

export interface GraphRequestLogEntry {
  at: number;
  method: string;
  path: string;
  action: string | null;
  /** The HTTP status the client got; null when it got none (hang, reset). */
  status: number | null;
  /** The fault applied (as JSON text), null for a normal answer. */
  fault: string | null;
  after: boolean;
}

/**
 * Codes a Graph request can return that the simulator's own rules never produce, with the HTTP
 * status Meta uses. calling-api.md §2.2 gives 131044 (400) and 138004 (500); the throttling codes'
 * statuses are not in our reference: Meta's WhatsApp error-codes page lists 400 for 4, 80007 and
 * 130429 (UNCONFIRMED in our mirror).
 */
const EXTRA_ERRORS: Record<number, GraphErrorSpec> = {
  4: { http: 400, text: 'Application request limit reached' },
  17: { http: 400, text: 'User request limit reached' },
  80007: { http: 400, text: 'Rate limit issues: the WhatsApp Business Account has reached its rate limit' },
  130429: { http: 400, text: 'Rate limit hit: Cloud API message throughput has been reached' },
  131044: { http: 400, text: 'No valid payment method is attached to the WhatsApp Business Account' },
  138004: { http: 500, text: 'Connection error' },
  138011: { http: 400, text: 'Call permission request not allowed' },
};

export function errorSpec(code: number): GraphErrorSpec | undefined {
  return (GRAPH_ERRORS as Record<number, GraphErrorSpec>)[code] ?? EXTRA_ERRORS[code];
}

/** Meta's envelope for an injected error code. */
export function faultErrorBody(
  f: { error: number; details?: string; subcode?: number },
  traceId: string,
): { status: number; json: unknown } {
  const spec = errorSpec(f.error)!;
  // 138012's next allowed call time is in error_data.details (calling-api.md), not a field of its own.
  const details =
    f.details ??
    (f.error === 138012
      ? `${spec.text}; next call allowed at ${new Date((Math.floor(Date.now() / 1000) + 3600) * 1000).toISOString()}`
      : spec.text);
  const extra: Record<string, unknown> = {};
  return {
    status: spec.http,
    json: {
      error: {
        message: `(#${f.error}) ${spec.text}`,
        type: 'OAuthException',
        code: f.error,
        ...(f.subcode !== undefined ? { error_subcode: f.subcode } : {}),
        error_data: { messaging_product: 'whatsapp', details, ...extra },
        fbtrace_id: traceId,
      },
    },
  };
}

export const HTML_ERROR_PAGE =
  "<!DOCTYPE html>\n<html><head><title>Error</title></head><body><h1>Sorry, something went wrong.</h1><p>We're working on getting this fixed as soon as we can.</p></body></html>\n";

export class GraphFaultError extends Error {
  override name = 'GraphFaultError';
}

const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseFault(v: unknown, where: string): GraphFault {
  if (!obj(v)) throw new GraphFaultError(`${where}.fault must be an object`);
  const keys = Object.keys(v);
  const kind = keys.filter((k) => ['error', 'http', 'delayMs', 'hang', 'reset'].includes(k));
  if (kind.length !== 1)
    throw new GraphFaultError(
      `${where}.fault needs exactly one of error, http, delayMs, hang, reset (got ${keys.join(', ') || 'nothing'})`,
    );
  const allowed: Record<string, string[]> = {
    error: ['error', 'details', 'subcode'],
    http: ['http', 'body'],
    delayMs: ['delayMs'],
    hang: ['hang'],
    reset: ['reset'],
  };
  for (const k of keys)
    if (!allowed[kind[0]!]!.includes(k)) throw new GraphFaultError(`${where}.fault: unknown key ${k} for a ${kind[0]} fault`);
  if ('error' in v) {
    const code = v['error'];
    if (typeof code !== 'number' || !Number.isInteger(code))
      throw new GraphFaultError(`${where}.fault.error must be an integer error code`);
    if (!errorSpec(code))
      throw new GraphFaultError(`${where}.fault.error ${code} is not a code the simulator knows (see graph-errors.ts and graph-faults.ts)`);
    if (v['details'] !== undefined && typeof v['details'] !== 'string')
      throw new GraphFaultError(`${where}.fault.details must be a string`);
    if (v['subcode'] !== undefined && typeof v['subcode'] !== 'number')
      throw new GraphFaultError(`${where}.fault.subcode must be a number`);
    return {
      error: code,
      ...(typeof v['details'] === 'string' ? { details: v['details'] } : {}),
      ...(typeof v['subcode'] === 'number' ? { subcode: v['subcode'] } : {}),
    };
  }
  if ('http' in v) {
    const s = v['http'];
    if (s !== 500 && s !== 502 && s !== 503) throw new GraphFaultError(`${where}.fault.http must be 500, 502 or 503`);
    const b = v['body'];
    if (b !== undefined && b !== 'html' && b !== 'empty' && b !== 'json')
      throw new GraphFaultError(`${where}.fault.body must be "html", "empty" or "json"`);
    return { http: s, ...(b ? { body: b } : {}) };
  }
  if ('delayMs' in v) {
    const ms = v['delayMs'];
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 600_000)
      throw new GraphFaultError(`${where}.fault.delayMs must be a number of ms between 0 and 600000`);
    return { delayMs: ms };
  }
  if ('hang' in v) {
    if (v['hang'] !== true) throw new GraphFaultError(`${where}.fault.hang must be true`);
    return { hang: true };
  }
  if (v['reset'] !== true) throw new GraphFaultError(`${where}.fault.reset must be true`);
  return { reset: true };
}

function parseMatch(v: unknown, where: string): GraphFaultMatch {
  if (v === undefined) return {};
  if (!obj(v)) throw new GraphFaultError(`${where}.match must be an object`);
  const out: GraphFaultMatch = {};
  for (const k of Object.keys(v))
    if (!['method', 'path', 'action', 'type'].includes(k))
      throw new GraphFaultError(`${where}.match: unknown key ${k} (method, path, action, type)`);
  const m = v['method'];
  if (m !== undefined) {
    if (m !== 'GET' && m !== 'POST' && m !== 'DELETE') throw new GraphFaultError(`${where}.match.method must be GET, POST or DELETE`);
    out.method = m;
  }
  const p = v['path'];
  if (p !== undefined) {
    if (typeof p !== 'string' || (p !== '*' && !p.startsWith('/')))
      throw new GraphFaultError(`${where}.match.path must start with "/" (e.g. "/calls") or be "*"`);
    out.path = p;
  }
  const a = v['action'];
  if (a !== undefined) {
    if (typeof a !== 'string' || a === '') throw new GraphFaultError(`${where}.match.action must be a non-empty string`);
    out.action = a;
  }
  const t = v['type'];
  if (t !== undefined) {
    if (typeof t !== 'string' || t === '') throw new GraphFaultError(`${where}.match.type must be a non-empty string`);
    out.type = t;
  }
  return out;
}

export class GraphFaults {
  private rules: GraphFaultRule[] = [];
  private nextId = 1;
  /** Every Graph request, newest last (bounded). */
  readonly requests: GraphRequestLogEntry[] = [];
  private readonly now: () => number;

  constructor(now: () => number = () => Date.now()) {
    this.now = now;
  }

  /** Validates and appends rules (the control API's PUT body: `{rules:[…]}` or one rule). */
  add(body: unknown): GraphFaultRule[] {
    const list = obj(body) && Array.isArray(body['rules']) ? body['rules'] : obj(body) && 'fault' in body ? [body] : null;
    if (!list) throw new GraphFaultError('expected {"rules": [{match, fault, after?, count?}, …]}');
    const parsed = list.map((r: unknown, i: number): GraphFaultRule => {
      const where = `rules[${i}]`;
      if (!obj(r)) throw new GraphFaultError(`${where} must be an object`);
      for (const k of Object.keys(r))
        if (!['match', 'fault', 'after', 'count'].includes(k))
          throw new GraphFaultError(`${where}: unknown key ${k} (match, fault, after, count)`);
      const count = r['count'] ?? 1;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
        throw new GraphFaultError(`${where}.count must be a positive integer`);
      if (r['after'] !== undefined && typeof r['after'] !== 'boolean') throw new GraphFaultError(`${where}.after must be a boolean`);
      return {
        id: 0,
        match: parseMatch(r['match'], where),
        fault: parseFault(r['fault'], where),
        after: r['after'] === true,
        remaining: count,
        used: 0,
      };
    });
    for (const r of parsed) {
      r.id = this.nextId++;
      this.rules.push(r);
    }
    return parsed;
  }

  list(): GraphFaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
  }

  /** The first live rule matching this request, consumed by one use; undefined if none. */
  take(method: string, segments: string[], body: Record<string, unknown>): GraphFaultRule | undefined {
    const path = `/${segments.join('/')}`;
    const action = typeof body['action'] === 'string' ? body['action'] : null;
    const rule = this.rules.find((r) => {
      if (r.remaining <= 0) return false;
      const m = r.match;
      if (m.method && m.method !== method) return false;
      if (m.path && m.path !== '*' && path !== m.path && !path.endsWith(m.path)) return false;
      if (m.action && m.action !== action) return false;
      if (m.type && m.type !== body['type']) return false;
      return true;
    });
    if (!rule) return undefined;
    rule.remaining--;
    rule.used++;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return rule;
  }

  log(entry: Omit<GraphRequestLogEntry, 'at'>): void {
    this.requests.push({ at: this.now(), ...entry });
    if (this.requests.length > 5000) this.requests.splice(0, this.requests.length - 5000);
  }

  /** How many logged requests match (e.g. `count('POST', '/calls', 'accept')`). */
  count(method: string, pathEnd: string, action?: string): number {
    return this.requests.filter(
      (r) => r.method === method && (r.path === pathEnd || r.path.endsWith(pathEnd)) && (action === undefined || r.action === action),
    ).length;
  }
}
