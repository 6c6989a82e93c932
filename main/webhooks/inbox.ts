/**
 * The durable webhook inbox and the idempotent processor behind it.
 *
 *  1. `store(raw)` — called by the receiver after the signature check — writes the raw bytes in
 *     one transaction (a retried delivery of the same bytes only bumps `deliveries`). Only after
 *     it returns does the receiver answer 200.
 *  2. `drain()` — runs after the answer — parses each pending body into domain events and
 *     applies them in one transaction per body: events keyed by Meta's ids (a duplicate changes
 *     nothing), message statuses only moving forward, the row marked processed. A malformed body
 *     is marked malformed with the reason and nothing of it is applied.
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
import { MalformedWebhookError, parseEnvelope, type DomainEvent } from './envelope.ts';

/** Order in which a message's status may move; a lower rank never replaces a higher one. */
export const STATUS_RANK: Record<string, number> = { sent: 1, delivered: 2, failed: 3, read: 4, played: 5 };

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

export type DomainEventListener = (event: DomainEvent) => void;

export class WebhookInbox {
  private readonly db: Database;
  private readonly log: Logger;
  private readonly clock: () => Date;
  private readonly listeners = new Set<DomainEventListener>();
  private draining: Promise<number> | null = null;
  private drainAgain = false;

  constructor(db: Database, log: Logger, clock: () => Date = () => new Date()) {
    this.db = db;
    this.log = log;
    this.clock = clock;
  }

  store(raw: Buffer): StoreResult {
    const sha = createHash('sha256').update(raw).digest('hex');
    const now = this.clock().toISOString();
    return transaction(this.db, () => {
      const inserted = this.db
        .prepare('INSERT INTO inbox (received_at, body, body_sha256) VALUES (?, ?, ?) ON CONFLICT(body_sha256) DO UPDATE SET deliveries = deliveries + 1 RETURNING id, deliveries')
        .get(now, raw, sha) as { id: number; deliveries: number };
      return { id: inserted.id, duplicate: inserted.deliveries > 1 };
    });
  }

  subscribe(listener: DomainEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Processes every pending body; concurrent calls coalesce. Resolves with how many bodies were handled. */
  drain(): Promise<number> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    this.draining = new Promise<number>((resolve) => {
      setImmediate(() => {
        let handled = 0;
        do {
          this.drainAgain = false;
          handled += this.drainNow();
        } while (this.drainAgain);
        this.draining = null;
        resolve(handled);
      });
    });
    return this.draining;
  }

  /** Synchronous processing of all pending rows (used by drain and at start-up). */
  drainNow(): number {
    const rows = this.db.prepare("SELECT id, body FROM inbox WHERE state = 'pending' ORDER BY id LIMIT 500").all() as Array<{ id: number; body: Uint8Array }>;
    let handled = 0;
    for (const row of rows) {
      const applied = this.processRow(row.id, Buffer.from(row.body));
      handled++;
      for (const e of applied) this.publish(e);
    }
    if (rows.length === 500) handled += this.drainNow();
    return handled;
  }

  private processRow(id: number, body: Buffer): DomainEvent[] {
    const now = this.clock().toISOString();
    let events: DomainEvent[];
    try {
      events = parseEnvelope(body);
    } catch (err) {
      const reason = err instanceof MalformedWebhookError ? err.message : `unexpected: ${(err as Error).message}`;
      this.db.prepare("UPDATE inbox SET state = 'malformed', error = ?, processed_at = ? WHERE id = ?").run(reason.slice(0, 500), now, id);
      this.log.warn('webhook.malformed', { inboxId: id, reason: reason.slice(0, 200) });
      return [];
    }
    const applied: DomainEvent[] = [];
    transaction(this.db, () => {
      const insert = this.db.prepare('INSERT INTO domain_events (event_key, kind, occurred_at, inbox_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(event_key) DO NOTHING');
      for (const e of events) {
        const r = insert.run(e.key, e.kind, e.occurredAt, id, JSON.stringify(e), now);
        if (Number(r.changes) === 0) continue; // already applied: a duplicate or a retry
        if (e.kind === 'message.status') this.advanceStatus(e.wamid, e.status, now);
        applied.push(e);
      }
      this.db.prepare("UPDATE inbox SET state = 'processed', processed_at = ?, error = NULL WHERE id = ?").run(now, id);
    });
    return applied;
  }

  private advanceStatus(wamid: string, status: string, now: string): void {
    const rank = STATUS_RANK[status] ?? 0;
    this.db
      .prepare('INSERT INTO message_status (wamid, status, rank, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(wamid) DO UPDATE SET status = excluded.status, rank = excluded.rank, updated_at = excluded.updated_at WHERE excluded.rank > message_status.rank')
      .run(wamid, status, rank, now);
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
    return (this.db.prepare('SELECT id, event_key, kind, occurred_at, created_at FROM domain_events ORDER BY id DESC LIMIT ?').all(limit) as Array<{ id: number; event_key: string; kind: string; occurred_at: string | null; created_at: string }>).map((r) => ({
      id: Number(r.id),
      key: r.event_key,
      kind: r.kind,
      occurredAt: r.occurred_at,
      createdAt: r.created_at,
    }));
  }

  eventCount(kind?: string): number {
    const row = (kind ? this.db.prepare('SELECT COUNT(*) AS n FROM domain_events WHERE kind = ?').get(kind) : this.db.prepare('SELECT COUNT(*) AS n FROM domain_events').get()) as { n: number };
    return Number(row.n);
  }
}
