/**
 * The thread store: one thread per customer holding messages, calls and system events in the
 * order they happened (SQLite, see migration 2). It is a projection of the webhook pipeline's
 * domain events, applied inside the inbox transaction that records each event (so a crash can
 * never leave an event recorded but not projected), and idempotent end to end: items are keyed
 * by Meta's ids (`UNIQUE(kind, meta_id)`), statuses only move forward.
 *
 * Contacts are found by BSUID (`user_id`) first, then phone number (`wa_id`); when a BSUID-only
 * contact later shows up with a phone number that already has its own contact, the two are merged
 * into the older one (its thread keeps every item of both).
 *
 * The projection itself (which event becomes which item, the customer-service window, early
 * reactions) is in thread-projection.ts; this file keeps contacts, the item-writing primitives the
 * projection uses, and the reads.
 *
 * Reads: threads by recency with keyset pagination, a thread's timeline with keyset pagination
 * (cost independent of the thread's length), and full-text search (FTS5) over message text and
 * contact names and numbers.
 */
import type { Database } from '../storage/database.ts';
import { transaction } from '../storage/database.ts';
import type { ContactRef, DomainEvent } from '../webhooks/envelope.ts';
import { messageStatusRank } from '../../common/rules/message-status.ts';
import type { RecordingRequest, RecordingState } from '../../common/bridge/recordings.ts';
import { withRequest } from '../../common/rules/recording.ts';
import { indexContact, searchContacts, searchItems, type SearchHit } from './thread-search.ts';
import { ThreadProjection, type NewItem } from './thread-projection.ts';
import { toItem, type Cursor, type ItemRow, type ThreadSummary, type TimelineItem } from './thread-types.ts';

export { messageText, toFtsQuery, type SearchHit } from './thread-search.ts';
export { CUSTOMER_SERVICE_WINDOW_MS } from './thread-projection.ts';
export type { Contact, Cursor, ThreadSummary, TimelineItem } from './thread-types.ts';

/** Call statuses: ringing → answered → a final outcome. */
export const CALL_STATUS_RANK: Record<string, number> = {
  ringing: 1,
  answered: 2,
  completed: 3,
  missed: 3,
  declined: 3,
  no_answer: 3,
  cancelled: 3,
  failed: 3,
};

export class ThreadStore {
  private readonly db: Database;
  private readonly clock: () => Date;
  private readonly countryOf: (waId: string) => string | null;
  private readonly changeListeners = new Set<(threadId: number) => void>();
  private readonly projection: ThreadProjection;

  constructor(db: Database, opts: { clock?: () => Date; countryOf?: (waId: string) => string | null } = {}) {
    this.db = db;
    this.clock = opts.clock ?? (() => new Date());
    this.countryOf = opts.countryOf ?? (() => null);
    this.projection = new ThreadProjection(db, {
      now: () => this.now(),
      contactFor: (ref) => this.contactFor(ref),
      changeContactIds: (from, newWaId, newUserId) => this.changeContactIds(from, newWaId, newUserId),
      threadIdOf: (contactId) => this.threadIdOf(contactId),
      insertItem: (item) => this.insertItem(item),
      dataOf: (itemId) => this.dataOf(itemId),
      patchData: (itemId, patch) => this.patchData(itemId, patch),
      advanceCall: (itemId, status) => this.advanceCall(itemId, status),
      touched: (threadId) => this.touched(threadId),
    });
  }

  /** Called (synchronously, possibly inside a transaction) with each thread that changed. */
  onChange(listener: (threadId: number) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private touched(threadId: number): void {
    for (const l of this.changeListeners) l(threadId);
  }

  // ---- projection (thread-projection.ts) ------------------------------------------------------

  /**
   * Projects every recorded domain event the store has not seen yet (after an upgrade, or if
   * projection was off). Idempotent; returns how many events it looked at.
   */
  catchUp(): number {
    return this.projection.catchUp();
  }

  /** Applies one domain event; call inside the transaction that recorded it (WebhookInbox.addApplier). */
  apply(e: DomainEvent, eventId: number): void {
    this.projection.apply(e, eventId);
  }

  /** Applies a message status (forward only); used when a status arrived before the wamid was known. */
  applyMessageStatus(wamid: string, status: string, at: string): void {
    this.projection.messageStatus(wamid, status, at, []);
  }

  /**
   * Moves an early reaction onto the message it reacts to, which has just been recorded (or has
   * just learnt its wamid: an outgoing message, once Graph answered).
   */
  settleEarlyReaction(wamid: string, targetId: number): void {
    this.projection.settleEarlyReaction(wamid, targetId);
  }

  // ---- contacts and items ------------------------------------------------------------------

  private now(): string {
    return this.clock().toISOString();
  }

  /** Finds or creates the contact (merging a BSUID-only contact into its phone-number twin). */
  contactFor(given: ContactRef): number {
    const now = this.now();
    // An empty string is no id (Meta's earlier username shape sent `""` for a missing number).
    const ref: ContactRef = { ...given, waId: given.waId?.trim() || null, userId: given.userId?.trim() || null };
    const byUser = ref.userId
      ? (this.db.prepare('SELECT id, wa_id FROM contacts WHERE user_id = ?').get(ref.userId) as
          { id: number; wa_id: string | null } | undefined)
      : undefined;
    const byPhone = ref.waId
      ? (this.db.prepare('SELECT id, user_id FROM contacts WHERE wa_id = ?').get(ref.waId) as
          { id: number; user_id: string | null } | undefined)
      : undefined;
    let id: number;
    if (byUser && byPhone && byUser.id !== byPhone.id) {
      id = this.merge(Math.min(Number(byUser.id), Number(byPhone.id)), Math.max(Number(byUser.id), Number(byPhone.id)));
    } else if (byUser || byPhone) {
      id = Number((byUser ?? byPhone)!.id);
    } else {
      const r = this.db
        .prepare(
          'INSERT INTO contacts (wa_id, user_id, parent_user_id, profile_name, username, country, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(ref.waId, ref.userId, ref.parentUserId, ref.profileName, ref.username, ref.waId ? this.countryOf(ref.waId) : null, now, now);
      id = Number(r.lastInsertRowid);
      this.db.prepare('INSERT INTO threads (contact_id, created_at) VALUES (?, ?)').run(id, now);
      this.indexContact(id);
      return id;
    }
    // Fill in what we learnt (a phone number for a BSUID-only contact, a newer profile name).
    this.db
      .prepare(
        `UPDATE contacts SET wa_id = COALESCE(wa_id, ?), user_id = COALESCE(user_id, ?), parent_user_id = COALESCE(?, parent_user_id),
         profile_name = COALESCE(?, profile_name), username = COALESCE(?, username), country = COALESCE(country, ?), updated_at = ? WHERE id = ?`,
      )
      .run(ref.waId, ref.userId, ref.parentUserId, ref.profileName, ref.username, ref.waId ? this.countryOf(ref.waId) : null, now, id);
    this.indexContact(id);
    return id;
  }

  private merge(keep: number, drop: number): number {
    const keepThread = this.threadIdOf(keep);
    const dropThread = this.threadIdOf(drop);
    const dropRow = this.db
      .prepare('SELECT wa_id, user_id, parent_user_id, profile_name, username, owner_name, notes, country FROM contacts WHERE id = ?')
      .get(drop) as Record<string, string | null>;
    // The counters the owner sees carry over as they stand (a missed call already seen stays seen;
    // unread messages of either thread stay unread), and the 24-hour window is the later of the two.
    const d = this.db.prepare('SELECT unread_count, missed_calls, window_expires_at FROM threads WHERE id = ?').get(dropThread) as {
      unread_count: number;
      missed_calls: number;
      window_expires_at: string | null;
    };
    this.db
      .prepare(
        `UPDATE threads SET unread_count = unread_count + ?, missed_calls = missed_calls + ?,
           window_expires_at = CASE WHEN ?3 IS NOT NULL AND (window_expires_at IS NULL OR ?3 > window_expires_at) THEN ?3 ELSE window_expires_at END
         WHERE id = ?4`,
      )
      .run(Number(d.unread_count), Number(d.missed_calls), d.window_expires_at, keepThread);
    this.db.prepare('UPDATE items SET thread_id = ? WHERE thread_id = ?').run(keepThread, dropThread);
    this.db.prepare('DELETE FROM threads WHERE id = ?').run(dropThread);
    this.db.prepare('DELETE FROM contacts WHERE id = ?').run(drop);
    this.db.prepare('DELETE FROM contacts_fts WHERE rowid = ?').run(drop);
    this.db
      .prepare(
        `UPDATE contacts SET wa_id = COALESCE(wa_id, ?), user_id = COALESCE(user_id, ?), parent_user_id = COALESCE(parent_user_id, ?), profile_name = COALESCE(profile_name, ?),
         username = COALESCE(username, ?), owner_name = COALESCE(owner_name, ?), notes = COALESCE(notes, ?), country = COALESCE(country, ?) WHERE id = ?`,
      )
      .run(
        dropRow['wa_id'] ?? null,
        dropRow['user_id'] ?? null,
        dropRow['parent_user_id'] ?? null,
        dropRow['profile_name'] ?? null,
        dropRow['username'] ?? null,
        dropRow['owner_name'] ?? null,
        dropRow['notes'] ?? null,
        dropRow['country'] ?? null,
        keep,
      );
    this.refreshThread(keepThread);
    return keep;
  }

  /**
   * A customer changed their number (or their BSUID changed with it; thread-projection.ts records
   * the event): the contact takes the new ids, merging with a contact the new ids may already have
   * (the older one is kept, with every item of both). Returns the contact's id.
   */
  changeContactIds(from: ContactRef, newWaId: string | null, newUserId: string | null): number {
    let contactId = this.contactFor(from);
    const other = (column: 'wa_id' | 'user_id', value: string | null): number | null => {
      if (!value) return null;
      const r = this.db.prepare(`SELECT id FROM contacts WHERE ${column} = ?`).get(value) as { id: number } | undefined;
      return r && Number(r.id) !== contactId ? Number(r.id) : null;
    };
    for (const [column, value] of [
      ['wa_id', newWaId],
      ['user_id', newUserId],
    ] as const) {
      const twin = other(column, value);
      if (twin !== null) contactId = this.merge(Math.min(contactId, twin), Math.max(contactId, twin));
    }
    if (newWaId || newUserId) {
      this.db
        .prepare(
          'UPDATE contacts SET wa_id = COALESCE(?, wa_id), user_id = COALESCE(?, user_id), country = COALESCE(?, country), updated_at = ? WHERE id = ?',
        )
        .run(newWaId, newUserId, newWaId ? this.countryOf(newWaId) : null, this.now(), contactId);
      this.indexContact(contactId);
    }
    return contactId;
  }

  private indexContact(id: number): void {
    indexContact(this.db, id);
  }

  threadIdOf(contactId: number): number {
    return Number((this.db.prepare('SELECT id FROM threads WHERE contact_id = ?').get(contactId) as { id: number }).id);
  }

  /** Inserts an item unless one with the same (kind, meta_id) exists; returns its id and whether it is new. */
  private insertItem(item: NewItem): { id: number; created: boolean } {
    if (item.metaId) {
      const existing = this.db.prepare('SELECT id FROM items WHERE kind = ? AND meta_id = ?').get(item.kind, item.metaId) as
        { id: number } | undefined;
      if (existing) return { id: Number(existing.id), created: false };
    }
    const rank =
      item.kind === 'message'
        ? (messageStatusRank(item.status) ?? 0)
        : item.kind === 'call'
          ? (CALL_STATUS_RANK[item.status ?? ''] ?? 0)
          : 0;
    const r = this.db
      .prepare(
        'INSERT INTO items (thread_id, kind, meta_id, direction, at, type, body, status, status_rank, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        item.threadId,
        item.kind,
        item.metaId,
        item.direction,
        item.at,
        item.type,
        item.body,
        item.status,
        rank,
        JSON.stringify(item.data),
      );
    const id = Number(r.lastInsertRowid);
    this.db
      .prepare(
        'UPDATE threads SET last_item_id = ?, last_item_at = ? WHERE id = ? AND (last_item_at IS NULL OR last_item_at < ? OR (last_item_at = ? AND last_item_id < ?))',
      )
      .run(id, item.at, item.threadId, item.at, item.at, id);
    if (item.kind === 'message' && item.metaId && item.type !== 'reaction') this.settleEarlyReaction(item.metaId, id);
    this.touched(item.threadId);
    return { id, created: true };
  }

  /** Moves a call's status forward only; true when it changed. */
  advanceCall(itemId: number, status: string): boolean {
    const rank = CALL_STATUS_RANK[status];
    if (rank === undefined) return false;
    const r = this.db
      .prepare('UPDATE items SET status = ?, status_rank = ? WHERE id = ? AND status_rank < ?')
      .run(status, rank, itemId, rank);
    const changed = Number(r.changes) > 0;
    if (changed) {
      const t = this.db.prepare('SELECT thread_id FROM items WHERE id = ?').get(itemId) as { thread_id: number } | undefined;
      if (t) this.touched(Number(t.thread_id));
    }
    return changed;
  }

  /** The owner's own name for a customer, and notes about them (both optional). */
  updateContact(threadId: number, patch: { ownerName: string | null; notes: string | null }): void {
    const t = this.db.prepare('SELECT contact_id FROM threads WHERE id = ?').get(threadId) as { contact_id: number } | undefined;
    if (!t) throw new Error('no such thread');
    const clean = (v: string | null) => (v && v.trim() ? v.trim() : null);
    this.db
      .prepare('UPDATE contacts SET owner_name = ?, notes = ?, updated_at = ? WHERE id = ?')
      .run(clean(patch.ownerName), clean(patch.notes), this.now(), t.contact_id);
    this.indexContact(Number(t.contact_id));
    this.touched(threadId);
  }

  /** One thread's summary (for a thread opened from a link or a search hit). */
  thread(threadId: number): ThreadSummary | null {
    return this.listThreadsWhere('t.id = ?', [threadId], 1)[0] ?? null;
  }

  notesOf(threadId: number): string | null {
    const r = this.db.prepare('SELECT c.notes FROM threads t JOIN contacts c ON c.id = t.contact_id WHERE t.id = ?').get(threadId) as
      { notes: string | null } | undefined;
    return r?.notes ?? null;
  }

  /** The 24-hour customer-service window of a thread: open now, and until when (null: no such thread). */
  windowOf(threadId: number): { open: boolean; expiresAt: string | null } | null {
    const row = this.db.prepare('SELECT window_expires_at FROM threads WHERE id = ?').get(threadId) as
      { window_expires_at: string | null } | undefined;
    if (!row) return null;
    const expiresAt = row.window_expires_at;
    return { open: expiresAt !== null && Date.parse(expiresAt) > this.clock().getTime(), expiresAt };
  }

  /** The conversation of this phone number, when it has one with anything in it (the dial pad, click-to-call links). */
  threadIdForNumber(waId: string): number | null {
    const r = this.db
      .prepare('SELECT t.id FROM contacts c JOIN threads t ON t.contact_id = c.id WHERE c.wa_id = ? AND t.last_item_at IS NOT NULL')
      .get(waId) as { id: number } | undefined;
    return r ? Number(r.id) : null;
  }

  contactOfThread(threadId: number): { waId: string | null; userId: string | null } | null {
    const r = this.db
      .prepare('SELECT c.wa_id, c.user_id FROM threads t JOIN contacts c ON c.id = t.contact_id WHERE t.id = ?')
      .get(threadId) as { wa_id: string | null; user_id: string | null } | undefined;
    return r ? { waId: r.wa_id, userId: r.user_id } : null;
  }

  /** The call card for a wacid, if the call is known. */
  callItem(callId: string): TimelineItem | null {
    const r = this.db.prepare("SELECT * FROM items WHERE kind = 'call' AND meta_id = ?").get(callId) as unknown as ItemRow | undefined;
    return r ? toItem(r) : null;
  }

  /** The call controller's verdict (answered here, declined here, lost…), forward only; `extra` joins the card's data (e.g. `declinedBy`). */
  recordCallOutcome(itemId: number, outcome: string, reason: string | null, extra: Record<string, unknown> = {}): void {
    transaction(this.db, () => {
      const became = this.advanceCall(itemId, outcome);
      if (reason || Object.keys(extra).length) this.patchData(itemId, { ...extra, ...(reason ? { reason } : {}) });
      const item = this.item(itemId);
      if (became && outcome === 'missed' && item)
        this.db.prepare('UPDATE threads SET missed_calls = missed_calls + 1 WHERE id = ?').run(item.threadId);
      if (item) this.touched(item.threadId);
    });
  }

  /** Replaces a call's `data.recording` (main/recordings/): what was asked of WhatsApp and the state of each file. */
  setRecording(itemId: number, recording: RecordingState): void {
    this.patchData(itemId, { recording });
  }

  /** WhatsApp was asked to record this call: its card waits for the files (those already here stand). */
  requestRecording(callId: string, request: RecordingRequest): void {
    const item = this.callItem(callId);
    if (item) this.setRecording(item.id, withRequest((item.data['recording'] ?? null) as RecordingState | null, request));
  }

  /** Records a message the business sent (status moves forward as status webhooks arrive). */
  addOutgoingMessage(m: {
    contact: ContactRef;
    wamid: string;
    type: string;
    body: string | null;
    at?: string;
    status?: string;
    data?: Record<string, unknown>;
  }): TimelineItem {
    return transaction(this.db, () => {
      const threadId = this.threadIdOf(this.contactFor(m.contact));
      const { id } = this.insertItem({
        threadId,
        kind: 'message',
        metaId: m.wamid,
        direction: 'out',
        at: m.at ?? this.now(),
        type: m.type,
        body: m.body,
        status: m.status ?? 'sent',
        data: m.data ?? {},
      });
      // A status that arrived before we recorded the message (the inbox keeps the newest) applies now.
      const early = this.db.prepare('SELECT status, updated_at FROM message_status WHERE wamid = ?').get(m.wamid) as
        { status: string; updated_at: string } | undefined;
      if (early) this.projection.messageStatus(m.wamid, early.status, early.updated_at, []);
      return this.item(id)!;
    });
  }

  private dataOf(itemId: number): Record<string, unknown> {
    return JSON.parse((this.db.prepare('SELECT data FROM items WHERE id = ?').get(itemId) as { data: string }).data) as Record<
      string,
      unknown
    >;
  }

  private patchData(itemId: number, patch: Record<string, unknown>): void {
    this.db.prepare('UPDATE items SET data = ? WHERE id = ?').run(JSON.stringify({ ...this.dataOf(itemId), ...patch }), itemId);
    const t = this.db.prepare('SELECT thread_id FROM items WHERE id = ?').get(itemId) as { thread_id: number } | undefined;
    if (t) this.touched(Number(t.thread_id));
  }

  /** The thread's last item again (after items moved in from a merged twin). */
  private refreshThread(threadId: number): void {
    const last = this.db.prepare('SELECT id, at FROM items WHERE thread_id = ? ORDER BY at DESC, id DESC LIMIT 1').get(threadId) as
      { id: number; at: string } | undefined;
    this.db.prepare('UPDATE threads SET last_item_id = ?, last_item_at = ? WHERE id = ?').run(last?.id ?? null, last?.at ?? null, threadId);
  }

  // ---- reads -------------------------------------------------------------------------------

  listThreads(opts: { limit?: number; after?: Cursor | null; filter?: 'all' | 'unread' | 'missed' } = {}): ThreadSummary[] {
    const where: string[] = ['t.last_item_at IS NOT NULL'];
    const args: Array<string | number> = [];
    if (opts.filter === 'unread') where.push('t.unread_count > 0');
    if (opts.filter === 'missed') where.push('t.missed_calls > 0');
    if (opts.after) {
      where.push('(t.last_item_at, t.id) < (?, ?)');
      args.push(opts.after.at, opts.after.id);
    }
    return this.listThreadsWhere(where.join(' AND '), args, Math.min(opts.limit ?? 50, 200));
  }

  private listThreadsWhere(where: string, args: Array<string | number>, limit: number): ThreadSummary[] {
    const rows = this.db
      .prepare(
        `SELECT t.id, t.last_item_at, t.unread_count, t.missed_calls, t.window_expires_at,
                c.id AS cid, c.wa_id, c.user_id, c.profile_name, c.username, c.owner_name, c.country,
                i.kind AS li_kind, i.type AS li_type, i.direction AS li_direction, i.body AS li_body, i.status AS li_status
         FROM threads t JOIN contacts c ON c.id = t.contact_id LEFT JOIN items i ON i.id = t.last_item_id
         WHERE ${where} ORDER BY t.last_item_at DESC, t.id DESC LIMIT ?`,
      )
      .all(...args, limit) as Array<Record<string, string | number | null>>;
    return rows.map((r) => ({
      id: Number(r['id']),
      contact: {
        id: Number(r['cid']),
        waId: r['wa_id'] as string | null,
        userId: r['user_id'] as string | null,
        profileName: r['profile_name'] as string | null,
        username: r['username'] as string | null,
        ownerName: r['owner_name'] as string | null,
        country: r['country'] as string | null,
      },
      lastItemAt: r['last_item_at'] as string | null,
      lastItem: r['li_kind']
        ? {
            kind: String(r['li_kind']),
            type: String(r['li_type']),
            direction: r['li_direction'] as string | null,
            body: r['li_body'] as string | null,
            status: r['li_status'] as string | null,
          }
        : null,
      unreadCount: Number(r['unread_count']),
      missedCalls: Number(r['missed_calls']),
      windowExpiresAt: r['window_expires_at'] as string | null,
    }));
  }

  /** Newest first, `limit` items older than `before` (keyset: cost does not grow with the thread). */
  timeline(threadId: number, opts: { limit?: number; before?: Cursor | null } = {}): TimelineItem[] {
    const limit = Math.min(opts.limit ?? 50, 500);
    const rows = opts.before
      ? (this.db
          .prepare('SELECT * FROM items WHERE thread_id = ? AND (at, id) < (?, ?) ORDER BY at DESC, id DESC LIMIT ?')
          .all(threadId, opts.before.at, opts.before.id, limit) as unknown as ItemRow[])
      : (this.db
          .prepare('SELECT * FROM items WHERE thread_id = ? ORDER BY at DESC, id DESC LIMIT ?')
          .all(threadId, limit) as unknown as ItemRow[]);
    return rows.map(toItem);
  }

  /** Items newer than `after`, oldest first (scrolling down after jumping to a search hit). */
  timelineAfter(threadId: number, after: Cursor, limit = 50): TimelineItem[] {
    return (
      this.db
        .prepare('SELECT * FROM items WHERE thread_id = ? AND (at, id) > (?, ?) ORDER BY at ASC, id ASC LIMIT ?')
        .all(threadId, after.at, after.id, Math.min(limit, 500)) as unknown as ItemRow[]
    ).map(toItem);
  }

  item(id: number): TimelineItem | null {
    const r = this.db.prepare('SELECT * FROM items WHERE id = ?').get(id) as unknown as ItemRow | undefined;
    return r ? toItem(r) : null;
  }

  /** Full-text search over message text, newest first (see thread-search.ts). */
  searchItems(query: string, limit = 50): SearchHit[] {
    return searchItems(this.db, query, limit);
  }

  /** Contacts whose name, username or number matches. */
  searchContacts(query: string, limit = 20): number[] {
    return searchContacts(this.db, query, limit);
  }

  /** Marks a thread read (unread and missed-call badges clear); returns the newest inbound wamid (for Graph's mark-as-read), if any. */
  markRead(threadId: number): string | null {
    // Opening the thread shows its messages and its missed calls: both badges clear.
    this.db.prepare('UPDATE threads SET unread_count = 0, missed_calls = 0 WHERE id = ?').run(threadId);
    const last = this.db
      .prepare("SELECT meta_id FROM items WHERE thread_id = ? AND kind = 'message' AND direction = 'in' ORDER BY at DESC, id DESC LIMIT 1")
      .get(threadId) as { meta_id: string } | undefined;
    return last?.meta_id ?? null;
  }

  /** The dock/taskbar badge: unread messages and missed calls not yet seen, over every thread (the same counters the thread list shows). */
  badgeTotals(): { unread: number; missed: number } {
    const r = this.db
      .prepare('SELECT COALESCE(SUM(unread_count), 0) AS unread, COALESCE(SUM(missed_calls), 0) AS missed FROM threads')
      .get() as { unread: number; missed: number };
    return { unread: Number(r.unread), missed: Number(r.missed) };
  }

  /** The newest item's id (items only ever get larger ids): where "new since now" starts. */
  latestItemId(): number {
    const r = this.db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM items').get() as { id: number };
    return Number(r.id);
  }

  /** Customers' messages that arrived after `afterItemId`, oldest first (new-message notifications). */
  inboundMessagesAfter(afterItemId: number, limit = 50): TimelineItem[] {
    return (
      this.db
        .prepare("SELECT * FROM items WHERE id > ? AND kind = 'message' AND direction = 'in' ORDER BY id ASC LIMIT ?")
        .all(afterItemId, Math.min(limit, 500)) as unknown as ItemRow[]
    ).map(toItem);
  }
}
