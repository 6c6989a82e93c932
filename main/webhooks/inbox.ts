/**
 * The durable webhook inbox and the idempotent processor behind it.
 *
 *  1. `store(raw)` — called by the receiver after the signature check — writes the raw bytes
 *     durably (a retried delivery of the same bytes only bumps `deliveries`); only after it
 *     resolves does the receiver answer 200. Bodies arriving together are written in one
 *     transaction (group commit): each is still acknowledged only once its transaction committed.
 *  2. `drain()` — runs after the answer — parses each pending body into domain events and
 *     applies them in one transaction per body: events keyed by Meta's ids (a duplicate changes
 *     nothing), message statuses only moving forward, the row marked processed. Items that cannot
 *     be read are recorded as `unreadable` events beside their applied neighbours; only a body that
 *     is not a WhatsApp envelope at all is marked malformed.
 *     Events for a phone number other than the connected one (Meta sends every number's events to
 *     an app-level callback, and an old number's override may still point here) are recorded as
 *     `other_number` — visible in diagnostics, never applied: they never ring, never reach a thread.
 *  3. Newly applied events are published to subscribers (the services later issues add), after
 *     the commit.
 *
 * A crash anywhere leaves either a pending row (re-processed at next start) or nothing (Meta
 * retries because it got no 200) — never a half-applied body.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../storage/database.ts';
import { transaction } from '../storage/database.ts';
import type { Logger } from '../core/log.ts';
import { messageStatusRank } from '../../common/rules/message-status.ts';
import { MalformedWebhookError, parseEnvelope, type DomainEvent } from './envelope.ts';

export interface StoreResult {
  id: number;
  duplicate: boolean;
}

export interface InboxCounts {
  pending: number;
  processed: number;
  malformed: number;
  total: number;
}

/** Bodies processed per event-loop turn while draining. */
const DRAIN_BATCH = 32;

export type DomainEventListener = (event: DomainEvent) => void;
/**
 * Runs inside the transaction that records a new domain event (with its row id), so whatever it
 * writes commits or rolls back together with the event: the thread store projects this way.
 */
export type DomainEventApplier = (event: DomainEvent, eventId: number) => void;

export class WebhookInbox {
  private readonly db: Database;
  private readonly log: Logger;
  private readonly clock: () => Date;
  private readonly listeners = new Set<DomainEventListener>();
  private readonly appliers: DomainEventApplier[] = [];
  private draining: Promise<number> | null = null;
  private drainAgain = false;
  private queue: Array<{ raw: Buffer; resolve: (r: StoreResult) => void; reject: (e: unknown) => void }> = [];
  private flushScheduled = false;
  private closed = false;
  private readonly stmt;
  private ownNumber: () => string | null = () => null;
  /** Meta's timestamp and our receipt time of each event (clock-skew.ts). */
  onTimestamp: ((metaMs: number, receivedAtMs: number) => void) | null = null;

  constructor(db: Database, log: Logger, clock: () => Date = () => new Date()) {
    this.db = db;
    this.log = log;
    this.clock = clock;
    this.stmt = {
      insertRaw: db.prepare(
        'INSERT INTO inbox (received_at, body, body_sha256) VALUES (?, ?, ?) ON CONFLICT(body_sha256) DO UPDATE SET deliveries = deliveries + 1 RETURNING id, deliveries',
      ),
      pending: db.prepare("SELECT id, body, received_at FROM inbox WHERE state = 'pending' ORDER BY id LIMIT ?"),
      markMalformed: db.prepare("UPDATE inbox SET state = 'malformed', error = ?, processed_at = ? WHERE id = ?"),
      markProcessed: db.prepare("UPDATE inbox SET state = 'processed', processed_at = ?, error = NULL WHERE id = ?"),
      insertEvent: db.prepare(
        'INSERT INTO domain_events (event_key, kind, occurred_at, inbox_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(event_key) DO NOTHING',
      ),
      advanceStatus: db.prepare(
        'INSERT INTO message_status (wamid, status, rank, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(wamid) DO UPDATE SET status = excluded.status, rank = excluded.rank, updated_at = excluded.updated_at WHERE excluded.rank > message_status.rank',
      ),
    };
  }

  /** Durably stores one raw body; resolves once the transaction holding it has committed. */
  store(raw: Buffer): Promise<StoreResult> {
    if (this.closed) return Promise.reject(new Error('the inbox is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ raw, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed) {
      for (const item of this.queue.splice(0)) item.reject(new Error('the inbox is closed'));
      return;
    }
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const now = this.clock().toISOString();
    let results: StoreResult[];
    try {
      results = transaction(this.db, () =>
        batch.map(({ raw }) => {
          const sha = createHash('sha256').update(raw).digest('hex');
          const row = this.stmt.insertRaw.get(now, raw, sha) as { id: number; deliveries: number };
          return { id: Number(row.id), duplicate: row.deliveries > 1 };
        }),
      );
    } catch (err) {
      for (const item of batch) item.reject(err);
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i]!));
  }

  /**
   * Stops taking bodies and processing (before the database closes). Whatever is stored but not
   * yet processed stays pending and is processed at the next start.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    if (this.draining) await this.draining;
  }

  /** Which phone number id is ours (null: no account, everything is applied). */
  setOwnNumber(get: () => string | null): void {
    this.ownNumber = get;
  }

  /** An event for another phone number is kept aside as `other_number`. */
  private forUs(e: DomainEvent): DomainEvent {
    if (e.occurredAt && e.receivedAt && e.kind !== 'unreadable') this.onTimestamp?.(Date.parse(e.occurredAt), Date.parse(e.receivedAt));
    const own = this.ownNumber();
    if (!own || !e.phoneNumberId || e.phoneNumberId === own || e.kind === 'other_number') return e;
    return {
      kind: 'other_number',
      key: `other:${e.key}`,
      occurredAt: e.occurredAt,
      ...(e.receivedAt ? { receivedAt: e.receivedAt } : {}),
      phoneNumberId: e.phoneNumberId,
      wabaId: e.wabaId,
      originalKind: e.kind,
      originalKey: e.key,
      raw: 'raw' in e ? e.raw : null,
    };
  }

  /** Adds a synchronous, transactional applier (see DomainEventApplier). */
  addApplier(applier: DomainEventApplier): void {
    this.appliers.push(applier);
  }

  subscribe(listener: DomainEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Processes every pending body in small batches, yielding to the event loop between them so
   * arriving webhooks are stored and answered promptly even during a burst. Concurrent calls
   * coalesce. Resolves with how many bodies were handled.
   */
  drain(): Promise<number> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    this.draining = new Promise<number>((resolve) => {
      let handled = 0;
      const step = (): void => {
        if (this.closed) {
          this.draining = null;
          resolve(handled);
          return;
        }
        this.drainAgain = false;
        const n = this.drainNow(DRAIN_BATCH, 1);
        handled += n;
        if (n > 0 || this.drainAgain) {
          setImmediate(step);
          return;
        }
        this.draining = null;
        resolve(handled);
      };
      setImmediate(step);
    });
    return this.draining;
  }

  /**
   * Synchronous processing of all pending rows (used by drain and at start-up). Rows are parsed
   * first, then applied in one transaction per batch: each body is still all-or-nothing, because
   * a malformed body contributes only its "malformed" mark and a failure rolls the batch back.
   */
  drainNow(batchSize = 200, maxBatches = Infinity): number {
    let handled = 0;
    for (let b = 0; b < maxBatches; b++) {
      const rows = this.stmt.pending.all(batchSize) as Array<{ id: number; body: Uint8Array; received_at: string }>;
      if (rows.length === 0) return handled;
      const now = this.clock().toISOString();
      const parsed = rows.map((row) => {
        try {
          const events = parseEnvelope(Buffer.from(row.body)).map((e) => ({ ...e, receivedAt: row.received_at }));
          return { id: Number(row.id), events, error: null };
        } catch (err) {
          const reason = err instanceof MalformedWebhookError ? err.message : `unexpected: ${(err as Error).message}`;
          return { id: Number(row.id), events: [] as DomainEvent[], error: reason };
        }
      });
      const applied: DomainEvent[] = [];
      transaction(this.db, () => {
        for (const p of parsed) {
          if (p.error !== null) {
            this.stmt.markMalformed.run(p.error.slice(0, 500), now, p.id);
            continue;
          }
          for (const parsedEvent of p.events) {
            const e = this.forUs(parsedEvent);
            const r = this.stmt.insertEvent.run(e.key, e.kind, e.occurredAt, p.id, JSON.stringify(e), now);
            if (Number(r.changes) === 0) continue; // already applied: a duplicate or a retry
            if (e.kind === 'message.status') this.stmt.advanceStatus.run(e.wamid, e.status, messageStatusRank(e.status) ?? 0, now);
            this.runAppliers(e, Number(r.lastInsertRowid));
            applied.push(e);
          }
          this.stmt.markProcessed.run(now, p.id);
        }
      });
      for (const p of parsed) if (p.error !== null) this.log.warn('webhook.malformed', { inboxId: p.id, reason: p.error.slice(0, 200) });
      handled += rows.length;
      for (const e of applied) this.publish(e);
    }
    return handled;
  }

  /**
   * Appliers run in a savepoint: one that fails (a bug, an event it cannot handle) is rolled back
   * and logged, and the domain event is still recorded — a poison event never blocks the inbox.
   */
  private runAppliers(e: DomainEvent, eventId: number): void {
    for (const apply of this.appliers) {
      this.db.exec('SAVEPOINT applier');
      try {
        apply(e, eventId);
        this.db.exec('RELEASE applier');
      } catch (err) {
        this.db.exec('ROLLBACK TO applier');
        this.db.exec('RELEASE applier');
        this.log.error('webhook.applier_failed', { kind: e.kind, key: e.key.slice(0, 80), error: (err as Error).message });
      }
    }
  }

  private publish(e: DomainEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.log.error('webhook.listener_failed', { kind: e.kind, error: (err as Error).message });
      }
    }
  }

  messageStatus(wamid: string): string | null {
    const row = this.db.prepare('SELECT status FROM message_status WHERE wamid = ?').get(wamid) as { status: string } | undefined;
    return row?.status ?? null;
  }

  counts(): InboxCounts {
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n FROM inbox GROUP BY state').all() as Array<{ state: string; n: number }>;
    const c: InboxCounts = { pending: 0, processed: 0, malformed: 0, total: 0 };
    for (const r of rows) {
      if (r.state === 'pending' || r.state === 'processed' || r.state === 'malformed') c[r.state] = Number(r.n);
      c.total += Number(r.n);
    }
    return c;
  }

  /** The most recent domain events, newest first (diagnostics view). */
  recentEvents(limit = 50): Array<{ id: number; key: string; kind: string; occurredAt: string | null; createdAt: string }> {
    return (
      this.db
        .prepare('SELECT id, event_key, kind, occurred_at, created_at FROM domain_events ORDER BY id DESC LIMIT ?')
        .all(limit) as Array<{ id: number; event_key: string; kind: string; occurred_at: string | null; created_at: string }>
    ).map((r) => ({
      id: Number(r.id),
      key: r.event_key,
      kind: r.kind,
      occurredAt: r.occurred_at,
      createdAt: r.created_at,
    }));
  }

  /** How many webhook bodies arrived since `sinceIso` (e.g. the start of today). */
  receivedSince(sinceIso: string): number {
    return Number((this.db.prepare('SELECT COUNT(*) AS n FROM inbox WHERE received_at >= ?').get(sinceIso) as { n: number }).n);
  }

  /** One recorded event as stored (diagnostics, tests). */
  eventPayload(id: number): unknown {
    const row = this.db.prepare('SELECT payload FROM domain_events WHERE id = ?').get(id) as { payload: string } | undefined;
    return row ? (JSON.parse(row.payload) as unknown) : null;
  }

  /** Events kept aside: for another phone number, and items that could not be read. */
  asideCounts(): { otherNumber: number; unreadable: number } {
    return { otherNumber: this.eventCount('other_number'), unreadable: this.eventCount('unreadable') };
  }

  eventCount(kind?: string): number {
    const row = (
      kind
        ? this.db.prepare('SELECT COUNT(*) AS n FROM domain_events WHERE kind = ?').get(kind)
        : this.db.prepare('SELECT COUNT(*) AS n FROM domain_events').get()
    ) as { n: number };
    return Number(row.n);
  }
}
