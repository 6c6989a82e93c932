/**
 * Webhook delivery (calling-api.md §3.1, §8):
 *  - envelope `{object:"whatsapp_business_account", entry:[{id:<WABA id>, changes:[{field, value}]}]}`,
 *    signed `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, exact body bytes)>`;
 *  - callback chosen per POST by precedence: phone-number override → WABA override → app callback
 *    (overrides do not apply to `account_update`); only fields the app subscribed to are sent, and
 *    nothing is sent while the app is not subscribed to the WABA;
 *  - a URL not yet verified gets the `hub.*` GET handshake first (200 + challenge expected);
 *  - non-200, timeout or connection error → retried on the sim clock with Meta-like backoff
 *    (`RETRY_SCHEDULE_S`, divided by `timeFactor`) for up to 7 simulated days; a success at a URL,
 *    or a callback change, sends everything waiting right away (so an unreachable callback
 *    queues events until it is back);
 *  - faults, per run or for the next matching event: duplicate, delay, reorder, batch, omit
 *    phone numbers, terminate `status` as a one-element array;
 *  - a delivery log of every attempt.
 */
import http from 'node:http';
import https from 'node:https';
import { createHmac, randomBytes } from 'node:crypto';
import type { SimClock, ScheduledTask } from './clock.ts';
import type { SimEventBus } from './events.ts';
import { httpRequest } from './http-client.ts';

/** Meta documents retries "up to 7 days with decreasing frequency"; this schedule is our guess. */
export const RETRY_SCHEDULE_S = [5, 15, 60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600];
export const RETRY_HORIZON_MS = 7 * 24 * 3600 * 1000;

export interface Callback {
  url: string;
  verifyToken: string;
}

export interface WebhookRouting {
  /** App-level subscription (`POST /{app-id}/subscriptions` or seed). */
  app: { callback: Callback | undefined; fields: Set<string>; active: boolean };
  /** Whether the app is subscribed to the WABA (`/{waba-id}/subscribed_apps`). */
  wabaSubscribed: boolean;
  wabaOverride: Callback | undefined;
  phoneOverride: Callback | undefined;
}

export interface EventFaults {
  duplicate?: boolean;
  delayMs?: number;
  reorder?: boolean;
  /** Collect this many changes (including this one) into one POST. */
  batch?: number;
  omitPhoneNumbers?: boolean;
  /** Meta's earlier username shape (before Feb 2026): the phone fields are there, as `""`. */
  emptyPhoneNumbers?: boolean;
  terminateStatusAsArray?: boolean;
  /** `metadata` of another phone number (an app-level callback gets every number's events). */
  asPhoneNumber?: { phone_number_id: string; display_phone_number: string };
  /** No `calls[].direction` (Meta's own user-initiated connect example has none). */
  noDirection?: boolean;
  /** Business-initiated: the business number in `to` and the customer in `from` (an older reference sample). */
  businessInTo?: boolean;
}

export interface EventFaultRule {
  match?: { field?: string; event?: string; status?: string };
  faults: EventFaults;
  /** How many matching events this rule applies to (default 1). */
  count?: number;
}

export interface DeliveryAttempt {
  postId: number;
  attempt: number;
  at: number;
  url: string | undefined;
  kind: 'verify' | 'post';
  status: number | null;
  error?: string;
}

export interface WebhookPost {
  postId: number;
  eventIds: string[];
  fields: string[];
  body: string;
  signature: string;
  state: 'pending' | 'in-flight' | 'delivered' | 'dropped' | 'expired';
  attempts: number;
  firstAttemptAt: number | undefined;
  deliveredTo: string | undefined;
  duplicateOf?: number;
  reason?: string;
}

interface Change {
  eventId: string;
  field: string;
  value: Record<string, unknown>;
}

interface QueueItem {
  post: WebhookPost;
  nextAt: number;
  task: ScheduledTask | undefined;
}

export interface WebhookOptions {
  clock: SimClock;
  events: SimEventBus;
  wabaId: string;
  appSecret: () => string;
  routing: WebhookRouting;
  /** Compresses the retry schedule and the response timeout. */
  timeFactor: number;
  /** Real-time ms to wait for the receiver's answer (Meta: ~20 s), before division by timeFactor. */
  responseTimeoutMs: number;
  /** Deliveries in flight at once (1 keeps arrival order = emit order unless faults say otherwise). */
  concurrency: number;
}

export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function verifyCallback(cb: Callback, timeoutMs: number): Promise<{ ok: boolean; status: number | null; details: string }> {
  const challenge = randomBytes(9).toString('hex');
  const u = new URL(cb.url);
  u.searchParams.set('hub.mode', 'subscribe');
  u.searchParams.set('hub.challenge', challenge);
  u.searchParams.set('hub.verify_token', cb.verifyToken);
  try {
    const res = await httpRequest(u.toString(), { method: 'GET', timeoutMs });
    if (res.status !== 200) return { ok: false, status: res.status, details: `HTTP Status Code = ${res.status}` };
    if (res.body.trim() !== challenge) return { ok: false, status: res.status, details: 'The URL did not echo hub.challenge' };
    return { ok: true, status: 200, details: 'verified' };
  } catch (err) {
    return { ok: false, status: null, details: `URL couldn't be validated: ${(err as Error).message}` };
  }
}

const PHONE_FIELDS_BY_KEY: Record<string, string[]> = {
  contacts: ['wa_id'],
  messages: ['from'],
  statuses: ['recipient_id'],
};

/** The earlier username shape: each phone field a user-side item carries is there, but `""`. */
export function emptyPhoneNumbers(value: Record<string, unknown>): Record<string, unknown> {
  const v = omitPhoneNumbers(value);
  for (const [key, fields] of Object.entries(PHONE_FIELDS_BY_KEY)) {
    const arr = v[key];
    if (Array.isArray(arr))
      for (const item of arr) for (const f of fields) if (item && typeof item === 'object') (item as Record<string, unknown>)[f] = '';
  }
  const calls = v['calls'];
  if (Array.isArray(calls)) {
    for (const c of calls as Array<Record<string, unknown>>) {
      if (c['direction'] === 'USER_INITIATED' || (c['direction'] === undefined && typeof c['from_user_id'] === 'string')) c['from'] = '';
      else if (c['direction'] === 'BUSINESS_INITIATED') c['to'] = '';
    }
  }
  return v;
}

/** Call items as some of Meta's samples have them: no direction; business number in `to`. */
function reshapeCalls(value: Record<string, unknown>, faults: EventFaults): Record<string, unknown> {
  const v = structuredClone(value);
  const calls = v['calls'];
  if (!Array.isArray(calls)) return v;
  for (const c of calls as Array<Record<string, unknown>>) {
    if (faults.businessInTo && c['direction'] === 'BUSINESS_INITIATED') {
      const from = c['from'];
      c['from'] = c['to'];
      c['to'] = from;
    }
    if (faults.noDirection) delete c['direction'];
  }
  return v;
}

/** Drops phone-number fields, keeping BSUIDs (BSUID-only users, calling-api.md cross-cutting facts). */
export function omitPhoneNumbers(value: Record<string, unknown>): Record<string, unknown> {
  const v = structuredClone(value);
  for (const [key, fields] of Object.entries(PHONE_FIELDS_BY_KEY)) {
    const arr = v[key];
    if (Array.isArray(arr))
      for (const item of arr) for (const f of fields) if (item && typeof item === 'object') delete (item as Record<string, unknown>)[f];
  }
  const calls = v['calls'];
  if (Array.isArray(calls)) {
    for (const c of calls as Array<Record<string, unknown>>) {
      if (c['direction'] === 'USER_INITIATED') delete c['from'];
      else if (c['direction'] === 'BUSINESS_INITIATED') delete c['to'];
      // call_recording_available / call_transcription_available: no direction, `from` is the user.
      else if (c['direction'] === undefined && typeof c['from_user_id'] === 'string') delete c['from'];
    }
  }
  return v;
}

export class WebhookDispatcher {
  readonly routing: WebhookRouting;
  readonly log: DeliveryAttempt[] = [];
  readonly posts: WebhookPost[] = [];
  private readonly opts: WebhookOptions;
  private readonly verified = new Map<string, string>();
  private readonly queue: QueueItem[] = [];
  private inFlight = 0;
  private nextPostId = 1;
  private nextEventId = 1;
  private runFaults: EventFaults = {};
  private rules: EventFaultRule[] = [];
  private held: { item: QueueItem; task: ScheduledTask } | undefined;
  private batching: { changes: Change[]; remaining: number; task: ScheduledTask } | undefined;
  private closed = false;
  /**
   * Webhook POSTs go over persistent connections, as an HTTP/1.1 sender at Meta's scale does
   * (`Connection: keep-alive`, reused): a receiver or tunnel that mishandles an idle kept-alive
   * connection is caught here. Verification GETs use a fresh connection each.
   */
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 8 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 8 }),
  };

  constructor(opts: WebhookOptions) {
    this.opts = opts;
    this.routing = opts.routing;
  }

  /** Response timeout: responseTimeoutMs / timeFactor, but never under 1 s of real time (a busy
   * receiver must not be mistaken for a dead one, which would turn into spurious duplicates). */
  get timeoutMs(): number {
    return Math.max(1000, Math.round(this.opts.responseTimeoutMs / this.opts.timeFactor));
  }

  setRunFaults(f: EventFaults): void {
    this.runFaults = { ...f };
  }

  getRunFaults(): EventFaults {
    return { ...this.runFaults };
  }

  addRules(rules: EventFaultRule[]): void {
    this.rules.push(...rules.map((r) => ({ ...r, count: r.count ?? 1 })));
  }

  getRules(): EventFaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clearFaults(): void {
    this.runFaults = {};
    this.rules = [];
  }

  /** Marks a URL as verified with a token (the Graph API verifies before accepting a callback). */
  markVerified(cb: Callback): void {
    this.verified.set(cb.url, cb.verifyToken);
  }

  /** The callback a change of this field goes to now, or undefined. */
  resolve(field: string): Callback | undefined {
    const r = this.routing;
    if (field !== 'account_update') {
      if (r.phoneOverride) return r.phoneOverride;
      if (r.wabaOverride) return r.wabaOverride;
    }
    return r.app.callback;
  }

  /** Whether Meta would send this field at all (app subscribed to the WABA and to the field). */
  wouldSend(field: string): boolean {
    return this.routing.wabaSubscribed && this.routing.app.active && this.routing.app.fields.has(field);
  }

  /** Queues one change; returns its event id. */
  emit(field: string, value: Record<string, unknown>): string {
    const eventId = `evt-${this.nextEventId++}`;
    if (this.closed) return eventId;
    const faults = this.faultsFor(field, value);
    let v = value;
    if (faults.omitPhoneNumbers) v = omitPhoneNumbers(v);
    if (faults.emptyPhoneNumbers) v = emptyPhoneNumbers(v);
    if (faults.terminateStatusAsArray) v = terminateStatusToArray(v);
    if (faults.asPhoneNumber) v = { ...v, metadata: { ...faults.asPhoneNumber } };
    if (faults.noDirection || faults.businessInTo) v = reshapeCalls(v, faults);
    const change: Change = { eventId, field, value: v };
    this.opts.events.emit('webhook.emitted', { eventId, field, value: v });
    if (!this.wouldSend(field)) {
      const post = this.makePost([change]);
      post.state = 'dropped';
      post.reason = this.routing.wabaSubscribed ? `app is not subscribed to field ${field}` : 'app is not subscribed to the WABA';
      return eventId;
    }
    if (this.batching) {
      this.batching.changes.push(change);
      this.batching.remaining--;
      if (this.batching.remaining <= 0) this.flushBatch();
      return eventId;
    }
    if (faults.batch && faults.batch > 1) {
      const task = this.opts.clock.schedule(1000, 'webhook batch flush', () => this.flushBatch());
      this.batching = { changes: [change], remaining: faults.batch - 1, task };
      return eventId;
    }
    this.enqueuePost([change], faults);
    return eventId;
  }

  private flushBatch(): void {
    const b = this.batching;
    if (!b) return;
    this.batching = undefined;
    b.task.cancel();
    this.enqueuePost(b.changes, {});
  }

  private faultsFor(field: string, value: Record<string, unknown>): EventFaults {
    const f: EventFaults = { ...this.runFaults };
    const calls = value['calls'];
    const statuses = value['statuses'];
    const event = Array.isArray(calls) ? (calls[0] as Record<string, unknown> | undefined)?.['event'] : undefined;
    const status = Array.isArray(statuses) ? (statuses[0] as Record<string, unknown> | undefined)?.['status'] : undefined;
    for (const rule of this.rules) {
      if ((rule.count ?? 0) <= 0) continue;
      const m = rule.match ?? {};
      if (m.field && m.field !== field) continue;
      if (m.event && m.event !== event) continue;
      if (m.status && m.status !== status) continue;
      rule.count = (rule.count ?? 1) - 1;
      Object.assign(f, rule.faults);
    }
    this.rules = this.rules.filter((r) => (r.count ?? 0) > 0);
    return f;
  }

  private makePost(changes: Change[]): WebhookPost {
    const entry: Record<string, unknown> = { id: this.opts.wabaId };
    if (changes.some((c) => c.field === 'account_update')) entry['time'] = this.opts.clock.nowSeconds();
    entry['changes'] = changes.map((c) => ({ value: c.value, field: c.field }));
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [entry] });
    const post: WebhookPost = {
      postId: this.nextPostId++,
      eventIds: changes.map((c) => c.eventId),
      fields: changes.map((c) => c.field),
      body,
      signature: signBody(this.opts.appSecret(), body),
      state: 'pending',
      attempts: 0,
      firstAttemptAt: undefined,
      deliveredTo: undefined,
    };
    this.posts.push(post);
    return post;
  }

  private enqueuePost(changes: Change[], faults: EventFaults): void {
    const post = this.makePost(changes);
    const now = this.opts.clock.now();
    const item: QueueItem = { post, nextAt: now + (faults.delayMs ?? 0), task: undefined };
    const copies: QueueItem[] = [item];
    if (faults.duplicate) {
      const dup = this.makePost(changes);
      dup.body = post.body;
      dup.signature = post.signature;
      dup.duplicateOf = post.postId;
      copies.push({ post: dup, nextAt: item.nextAt, task: undefined });
    }
    const released = this.held;
    this.held = undefined;
    if (faults.reorder) {
      const [first, ...rest] = copies;
      if (first) {
        const task = this.opts.clock.schedule(2000, 'webhook reorder release', () => this.releaseHeld());
        this.held = { item: first, task };
      }
      for (const c of rest) this.push(c);
    } else {
      for (const c of copies) this.push(c);
    }
    if (released) {
      released.task.cancel();
      this.push(released.item);
    }
    this.pump();
  }

  private releaseHeld(): void {
    const h = this.held;
    this.held = undefined;
    if (h) {
      this.push(h.item);
      this.pump();
    }
  }

  private push(item: QueueItem): void {
    this.queue.push(item);
    if (item.nextAt > this.opts.clock.now()) this.armTimer(item);
  }

  private armTimer(item: QueueItem): void {
    item.task?.cancel();
    item.task = this.opts.clock.scheduleAt(item.nextAt, `webhook post ${item.post.postId}`, () => {
      item.task = undefined;
      this.pump();
    });
  }

  /** Sends every waiting post now (callback came back or changed). */
  retryAllNow(filterUrl?: string): void {
    const now = this.opts.clock.now();
    for (const item of this.queue) {
      if (item.post.attempts === 0) continue;
      if (filterUrl && this.resolve(item.post.fields[0] ?? '')?.url !== filterUrl) continue;
      item.nextAt = now;
      item.task?.cancel();
      item.task = undefined;
    }
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    const now = this.opts.clock.now();
    while (this.inFlight < Math.max(1, this.opts.concurrency)) {
      const idx = this.queue.findIndex((q) => q.nextAt <= now);
      if (idx < 0) return;
      const [item] = this.queue.splice(idx, 1);
      if (!item) return;
      item.task?.cancel();
      this.inFlight++;
      void this.attempt(item)
        .catch((err: unknown) => {
          this.record({
            postId: item.post.postId,
            attempt: item.post.attempts,
            at: this.opts.clock.now(),
            url: undefined,
            kind: 'post',
            status: null,
            error: `internal: ${(err as Error)?.message ?? String(err)}`,
          });
        })
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  private async attempt(item: QueueItem): Promise<void> {
    const post = item.post;
    const field = post.fields[0] ?? 'messages';
    const cb = this.resolve(field);
    const now = this.opts.clock.now();
    post.firstAttemptAt ??= now;
    post.attempts++;
    post.state = 'in-flight';
    if (!cb) {
      this.record({
        postId: post.postId,
        attempt: post.attempts,
        at: now,
        url: undefined,
        kind: 'post',
        status: null,
        error: 'no callback URL configured',
      });
      this.scheduleRetry(item);
      return;
    }
    if (this.verified.get(cb.url) !== cb.verifyToken) {
      const v = await verifyCallback(cb, this.timeoutMs);
      this.record({
        postId: post.postId,
        attempt: post.attempts,
        at: this.opts.clock.now(),
        url: cb.url,
        kind: 'verify',
        status: v.status,
        ...(v.ok ? {} : { error: v.details }),
      });
      if (!v.ok) {
        this.scheduleRetry(item);
        return;
      }
      this.verified.set(cb.url, cb.verifyToken);
    }
    let status: number | null = null;
    let error: string | undefined;
    try {
      const res = await httpRequest(cb.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Hub-Signature-256': post.signature,
          'User-Agent': 'facebookexternalua',
        },
        body: Buffer.from(post.body, 'utf8'),
        timeoutMs: this.timeoutMs,
        agents: this.agents,
      });
      status = res.status;
    } catch (err) {
      error = (err as Error).message;
    }
    if (this.closed) return;
    this.record({
      postId: post.postId,
      attempt: post.attempts,
      at: this.opts.clock.now(),
      url: cb.url,
      kind: 'post',
      status,
      ...(error ? { error } : {}),
    });
    if (status === 200) {
      post.state = 'delivered';
      post.deliveredTo = cb.url;
      this.opts.events.emit('webhook.delivered', { postId: post.postId, eventIds: post.eventIds, url: cb.url, attempts: post.attempts });
      if (this.queue.some((q) => q.post.attempts > 0)) this.retryAllNow(cb.url);
    } else {
      this.scheduleRetry(item);
    }
  }

  private scheduleRetry(item: QueueItem): void {
    const post = item.post;
    const now = this.opts.clock.now();
    if (now - (post.firstAttemptAt ?? now) > RETRY_HORIZON_MS) {
      post.state = 'expired';
      return;
    }
    const s = RETRY_SCHEDULE_S[Math.min(post.attempts - 1, RETRY_SCHEDULE_S.length - 1)] ?? 3600;
    item.nextAt = now + Math.max(1, Math.round((s * 1000) / this.opts.timeFactor));
    post.state = 'pending';
    this.queue.push(item);
    this.armTimer(item);
  }

  private record(a: DeliveryAttempt): void {
    this.log.push(a);
    if (this.log.length > 10_000) this.log.splice(0, this.log.length - 10_000);
    this.opts.events.emit('webhook.attempt', { ...a });
  }

  /** Posts not yet delivered (waiting for retry, held, or in flight). */
  pendingCount(): number {
    return this.queue.length + (this.held ? 1 : 0) + (this.batching ? 1 : 0) + this.inFlight;
  }

  close(): void {
    this.closed = true;
    this.agents.http.destroy();
    this.agents.https.destroy();
    for (const q of this.queue) q.task?.cancel();
    this.queue.length = 0;
    this.held?.task.cancel();
    this.batching?.task.cancel();
  }
}

/** Turns `calls[].status: "FAILED"` into `["FAILED"]` on terminate events (a documented variant). */
export function terminateStatusToArray(value: Record<string, unknown>): Record<string, unknown> {
  const calls = value['calls'];
  if (!Array.isArray(calls)) return value;
  const v = structuredClone(value);
  for (const c of v['calls'] as Array<Record<string, unknown>>) {
    if (c['event'] === 'terminate' && typeof c['status'] === 'string') c['status'] = [c['status']];
  }
  return v;
}
