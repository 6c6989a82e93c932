/**
 * The call-back list: every customer still waiting for a call — a missed, declined, failed or
 * unanswered call, or a callback request — since the last call with them that connected
 * (answered or completed, either direction), and not marked done by the owner.
 *
 * Derived, never stored: a query over the threads' call items (migration 4's
 * `items_call_outcome` answers "the latest call of each outcome" with one seek per thread and
 * outcome) plus one small table, `callback_done`: the item id each customer was marked done up to.
 * A call or request with a larger id puts them back. Nothing else keeps state, so every way a call
 * item changes (webhooks in any order, the call controller's verdict, merged customers) shows here.
 *
 * A callback request is WhatsApp's callback permission (calling-api.md §1.2, §4.1): a customer
 * who calls while the business is closed may ask to be called back and gets a temporary
 * permission, which arrives as a `call_permission_reply` with `response_source: automatic` and
 * the call's wacid in `context.id`. The thread records it as a `permission_granted` item; it is a
 * request of its own when that wacid names no call item (a call placed outside call hours never
 * reaches the business), and part of that call's row otherwise.
 *
 * Call permission per row is what the thread records — WhatsApp's replies and the permission
 * requests sent from here — so the list needs no Graph request per customer. Placing a call still
 * asks WhatsApp first (`placeCall`).
 */
import type { CallbackEntry } from '../../common/bridge-contract.ts';
import type { StatementSync } from 'node:sqlite';
import type { Database } from '../storage/database.ts';
import { DomainError } from '../core/domain-error.ts';
import { tr } from '../i18n/tr.ts';

export type { CallbackEntry };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A temporary permission lasts 7 days (calling-api.md §4.2) when the reply gives no expiry. */
const TEMPORARY_PERMISSION_MS = 7 * DAY;
/** Permission requests per customer: 1 a day and 2 a week, reset by a connected call (§4.2, production). */
const REQUESTS_PER_DAY = 1;
const REQUESTS_PER_WEEK = 2;
/** At most this many rows (a business this far behind has other problems than paging). */
const MAX_ROWS = 500;

type Outcome = 'missed' | 'declined' | 'failed' | 'no_answer';
const WAITING: readonly Outcome[] = ['missed', 'declined', 'failed', 'no_answer'];

const latestCall = (status: string): string =>
  `COALESCE((SELECT MAX(at) FROM items WHERE kind = 'call' AND thread_id = t.id AND status = '${status}'), '')`;

/** Threads whose newest waiting call is newer than their newest connected one, with the done mark. */
const CANDIDATES = `
  SELECT thread_id, connected_at, done_id FROM (
    SELECT t.id AS thread_id, COALESCE(d.up_to_item_id, 0) AS done_id,
           MAX(${latestCall('answered')}, ${latestCall('completed')}) AS connected_at,
           MAX(${WAITING.map(latestCall).join(', ')}) AS waiting_at
    FROM threads t LEFT JOIN callback_done d ON d.thread_id = t.id
  ) WHERE waiting_at > connected_at`;

/** Callback requests that belong to no call item (the call never reached the business). */
const REQUESTS = `
  SELECT i.id, i.thread_id, i.at FROM items i
  WHERE i.kind = 'system' AND i.type = 'permission_granted'
    AND json_extract(i.data, '$.source') = 'automatic'
    AND NOT EXISTS (SELECT 1 FROM items c WHERE c.kind = 'call' AND c.meta_id = json_extract(i.data, '$.contextId'))`;

interface WaitingCall {
  id: number;
  at: string;
  direction: 'in' | 'out';
  status: Outcome;
}

export class CallbackList {
  private readonly db: Database;
  private readonly clock: () => Date;

  constructor(db: Database, opts: { clock?: () => Date } = {}) {
    this.db = db;
    this.clock = opts.clock ?? (() => new Date());
  }

  private readonly statements = new Map<string, StatementSync>();
  /** A prepared statement, compiled once: the list runs several per row, on every refresh. */
  private sql(text: string): StatementSync {
    let st = this.statements.get(text);
    if (!st) this.statements.set(text, (st = this.db.prepare(text)));
    return st;
  }

  /** The customers waiting for a call back, oldest waiting first. */
  list(): CallbackEntry[] {
    const cut = new Map<number, { connectedAt: string; doneId: number }>();
    for (const r of this.sql(CANDIDATES).all() as Array<{ thread_id: number; connected_at: string; done_id: number }>)
      cut.set(Number(r.thread_id), { connectedAt: r.connected_at, doneId: Number(r.done_id) });
    const requests = new Map<number, Array<{ id: number; at: string }>>();
    for (const r of this.sql(REQUESTS).all() as Array<{ id: number; thread_id: number; at: string }>) {
      const threadId = Number(r.thread_id);
      requests.set(threadId, [...(requests.get(threadId) ?? []), { id: Number(r.id), at: r.at }]);
      if (!cut.has(threadId)) cut.set(threadId, this.cutOf(threadId));
    }
    const rows: CallbackEntry[] = [];
    for (const [threadId, c] of cut) {
      const row = this.entry(threadId, c, requests.get(threadId) ?? []);
      if (row) rows.push(row);
    }
    rows.sort((a, b) => (a.waitingSince < b.waitingSince ? -1 : a.waitingSince > b.waitingSince ? 1 : a.threadId - b.threadId));
    return rows.slice(0, MAX_ROWS);
  }

  /** Off the list until a call or request newer than `upToItemId` (the mark only ever moves forward). */
  markDone(threadId: number, upToItemId: number): void {
    if (!this.sql('SELECT 1 FROM threads WHERE id = ?').get(threadId)) throw new DomainError('not_found', tr('common.threadGone'));
    this.sql(
      `INSERT INTO callback_done (thread_id, up_to_item_id, done_at) VALUES (?, ?, ?)
         ON CONFLICT(thread_id) DO UPDATE SET up_to_item_id = MAX(up_to_item_id, excluded.up_to_item_id), done_at = excluded.done_at`,
    ).run(threadId, upToItemId, this.clock().toISOString());
  }

  /** The newest connected call and the done mark of one thread. */
  private cutOf(threadId: number): { connectedAt: string; doneId: number } {
    const r = this.sql(
      `SELECT MAX(${latestCall('answered')}, ${latestCall('completed')}) AS connected_at,
                COALESCE((SELECT up_to_item_id FROM callback_done WHERE thread_id = t.id), 0) AS done_id
         FROM threads t WHERE t.id = ?`,
    ).get(threadId) as { connected_at: string; done_id: number } | undefined;
    return { connectedAt: r?.connected_at ?? '', doneId: Number(r?.done_id ?? 0) };
  }

  private entry(threadId: number, cut: { connectedAt: string; doneId: number }, allRequests: Array<{ id: number; at: string }>) {
    const calls = this.sql(
      `SELECT id, at, direction, status FROM items
         WHERE kind = 'call' AND thread_id = ? AND status IN ('missed', 'declined', 'failed', 'no_answer') AND at > ? AND id > ?
         ORDER BY at, id`,
    ).all(threadId, cut.connectedAt, cut.doneId) as unknown as WaitingCall[];
    const requests = allRequests.filter((r) => r.at > cut.connectedAt && r.id > cut.doneId);
    if (calls.length === 0 && requests.length === 0) return null;
    const items = [...calls.map((c) => ({ id: Number(c.id), at: c.at })), ...requests];
    const waitingSince = items.reduce((m, i) => (i.at < m ? i.at : m), items[0]!.at);
    const newest = items.reduce((m, i) => (i.at > m.at || (i.at === m.at && i.id > m.id) ? i : m), items[0]!);
    const lastCall = calls.at(-1) ?? null;
    const t = this.sql(
      `SELECT t.window_expires_at, c.id AS cid, c.wa_id, c.user_id, c.profile_name, c.username, c.owner_name, c.country
         FROM threads t JOIN contacts c ON c.id = t.contact_id WHERE t.id = ?`,
    ).get(threadId) as Record<string, string | number | null>;
    return {
      threadId,
      contact: {
        id: Number(t['cid']),
        waId: t['wa_id'] as string | null,
        userId: t['user_id'] as string | null,
        profileName: t['profile_name'] as string | null,
        username: t['username'] as string | null,
        ownerName: t['owner_name'] as string | null,
        country: t['country'] as string | null,
      },
      waitingSince,
      lastAt: newest.at,
      upToItemId: Math.max(...items.map((i) => i.id)),
      customerCalls: calls.filter((c) => c.direction !== 'out').length,
      ourCalls: calls.filter((c) => c.direction === 'out').length,
      lastOutcome: lastCall?.status ?? null,
      lastDirection: lastCall ? (lastCall.direction === 'out' ? 'out' : 'in') : null,
      callbackRequestedAt: requests.length ? requests.reduce((m, r) => (r.at > m ? r.at : m), requests[0]!.at) : null,
      ...this.messagesSince(threadId, waitingSince),
      permission: this.permission(threadId, cut.connectedAt),
      windowExpiresAt: t['window_expires_at'] as string | null,
    } satisfies CallbackEntry;
  }

  /**
   * What the customer wrote since they started waiting: how many messages (counted up to 100), and
   * the newest. From the same second on (Meta's timestamps are whole seconds: a message right after
   * the call can carry its time).
   */
  private messagesSince(threadId: number, since: string): Pick<CallbackEntry, 'messagesSince' | 'lastMessage'> {
    const n = this.sql(
      "SELECT COUNT(*) AS n FROM (SELECT 1 FROM items WHERE thread_id = ? AND at >= ? AND kind = 'message' AND direction = 'in' LIMIT 100)",
    ).get(threadId, since) as { n: number };
    const last = this.sql(
      "SELECT at, type, body FROM items WHERE thread_id = ? AND at >= ? AND kind = 'message' AND direction = 'in' ORDER BY at DESC, id DESC LIMIT 1",
    ).get(threadId, since) as { at: string; type: string; body: string | null } | undefined;
    return { messagesSince: Number(n.n), lastMessage: last ? { at: last.at, type: last.type, text: last.body } : null };
  }

  /**
   * The customer's call permission as the thread records it: the newest reply (granted for a
   * while or for good, declined, revoked), and the requests sent since the last connected call
   * that still count against WhatsApp's limits.
   */
  private permission(threadId: number, connectedAt: string): CallbackEntry['permission'] {
    const now = this.clock().getTime();
    const reply = this.sql(
      `SELECT type, at, data FROM items WHERE kind = 'system' AND thread_id = ?
           AND type IN ('permission_granted', 'permission_declined', 'permission_revoked')
         ORDER BY at DESC, id DESC LIMIT 1`,
    ).get(threadId) as { type: string; at: string; data: string } | undefined;
    let status: CallbackEntry['permission']['status'] = 'none';
    let expiresAt: string | null = null;
    if (reply?.type === 'permission_granted') {
      const d = JSON.parse(reply.data) as { isPermanent?: unknown; expiresAt?: unknown };
      if (d.isPermanent === true) status = 'permanent';
      else {
        const until =
          typeof d.expiresAt === 'string' ? d.expiresAt : new Date(Date.parse(reply.at) + TEMPORARY_PERMISSION_MS).toISOString();
        if (Date.parse(until) > now) [status, expiresAt] = ['temporary', until];
      }
    }
    const weekAgo = new Date(now - 7 * DAY).toISOString();
    const requests = (
      this.sql(
        `SELECT at FROM items WHERE type = 'call_permission_request' AND thread_id = ? AND at > ?
             AND kind = 'message' AND direction = 'out' AND COALESCE(status, '') <> 'failed'
           ORDER BY at DESC`,
      ).all(threadId, connectedAt > weekAgo ? connectedAt : weekAgo) as Array<{ at: string }>
    ).map((r) => r.at);
    const today = requests.filter((at) => Date.parse(at) > now - DAY);
    const requestsLeft = Math.max(0, Math.min(REQUESTS_PER_DAY - today.length, REQUESTS_PER_WEEK - requests.length));
    let nextRequestAt: string | null = null;
    if (requestsLeft === 0 && status !== 'permanent') {
      const frees: number[] = [];
      if (today.length >= REQUESTS_PER_DAY) frees.push(Date.parse(today[REQUESTS_PER_DAY - 1]!) + DAY);
      if (requests.length >= REQUESTS_PER_WEEK) frees.push(Date.parse(requests[REQUESTS_PER_WEEK - 1]!) + 7 * DAY);
      nextRequestAt = frees.length ? new Date(Math.max(...frees)).toISOString() : null;
    }
    const newestRequest = requests[0] ?? null;
    const askedAt = status === 'none' && newestRequest && (!reply || newestRequest > reply.at) ? newestRequest : null;
    return { status, expiresAt, requestsLeft: status === 'permanent' ? 0 : requestsLeft, nextRequestAt, askedAt };
  }
}
