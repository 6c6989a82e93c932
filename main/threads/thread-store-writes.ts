/**
 * The thread store's writes for the messages this app sends itself (the optimistic item a send
 * shows at once, then sent with Meta's wamid, or failed): part of the store, kept out of
 * thread-store.ts so that file does not grow. Only the store's modules write its tables;
 * MessagingService says what happened and these methods write it, as it always did:
 *
 *   insertPending  a new outgoing item, "sending", and the thread's last item
 *   markSent       the wamid and "sent" (forward only), then a status or a reaction that beat it
 *   markFailed     "failed" with the reason
 *   deleteItem     a failed item being replaced by its retry
 *   interruptedSends  items still "sending" (cut off by a crash)
 */
import type { Database } from '../storage/database.ts';
import type { ThreadStore, TimelineItem } from './thread-store.ts';

export class ThreadStoreWrites {
  private readonly db: Database;
  private readonly threads: ThreadStore;

  constructor(db: Database, threads: ThreadStore) {
    this.db = db;
    this.threads = threads;
  }

  /** Outgoing messages still "sending" (a crash cut them off between the request and Graph's answer). */
  interruptedSends(): number[] {
    const rows = this.db
      .prepare("SELECT id FROM items WHERE kind = 'message' AND direction = 'out' AND status = 'sending'")
      .all() as Array<{ id: number }>;
    return rows.map((r) => Number(r.id));
  }

  /** Records an outgoing message as "sending" at `at`; it becomes the thread's last item. */
  insertPending(threadId: number, type: string, body: string, data: Record<string, unknown>, at: string): TimelineItem {
    const r = this.db
      .prepare(
        "INSERT INTO items (thread_id, kind, meta_id, direction, at, type, body, status, status_rank, data) VALUES (?, 'message', NULL, 'out', ?, ?, ?, 'sending', 0, ?)",
      )
      .run(threadId, at, type, body, JSON.stringify({ ...data, statusHistory: [{ status: 'sending', at }] }));
    const id = Number(r.lastInsertRowid);
    this.db.prepare('UPDATE threads SET last_item_id = ?, last_item_at = ? WHERE id = ?').run(id, at, threadId);
    return this.threads.item(id)!;
  }

  /** Graph answered with the wamid: "sent" (unless a status already moved it further), then what arrived early. */
  markSent(itemId: number, wamid: string, at: string): TimelineItem {
    const item = this.threads.item(itemId)!;
    const history = [...((item.data['statusHistory'] as unknown[]) ?? []), { status: 'sent', at }];
    this.db
      .prepare("UPDATE items SET meta_id = ?, status = 'sent', status_rank = 1, data = ? WHERE id = ? AND status_rank < 1")
      .run(wamid, JSON.stringify({ ...item.data, statusHistory: history }), itemId);
    // A status webhook that beat Graph's answer was kept by the inbox: apply it now.
    const early = this.db.prepare('SELECT status, updated_at FROM message_status WHERE wamid = ?').get(wamid) as
      { status: string; updated_at: string } | undefined;
    if (early) this.threads.applyMessageStatus(wamid, early.status, early.updated_at);
    // So can a customer's reaction to it (webhooks do not wait for Graph's answer).
    this.threads.settleEarlyReaction(wamid, itemId);
    return this.threads.item(itemId)!;
  }

  markFailed(itemId: number, reason: string, code: number | string): TimelineItem {
    const item = this.threads.item(itemId)!;
    this.db
      .prepare("UPDATE items SET status = 'failed', status_rank = 3, data = ? WHERE id = ?")
      .run(JSON.stringify({ ...item.data, error: { code, message: reason } }), itemId);
    return this.threads.item(itemId)!;
  }

  deleteItem(itemId: number): void {
    this.db.prepare('DELETE FROM items WHERE id = ?').run(itemId);
  }
}
