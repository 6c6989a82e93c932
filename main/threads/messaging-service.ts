/**
 * Sending messages from a thread, within WhatsApp's rules:
 *  - free-form text only inside the 24-hour customer-service window (opened by the customer's
 *    messages and calls); outside it, only an approved template (error 131047 otherwise);
 *  - optimistic: the item appears at once as "sending", becomes "sent" with Meta's wamid, then moves
 *    forward with status webhooks; a failure keeps the text, shows Graph's reason in plain words and
 *    can be retried (a retry is a new send, never a repeat of a request that may have succeeded);
 *  - opening a thread marks it read on WhatsApp (`status: read` with the newest inbound wamid).
 */
import { z } from 'zod';
import type { AccountService } from '../account/account-service.ts';
import { asGraphError } from '../account/account-service.ts';
import { BridgeRequestError } from '../bridge/dispatcher.ts';
import type { Logger } from '../core/log.ts';
import type { Database } from '../storage/database.ts';
import type { ThreadStore, TimelineItem } from './thread-store.ts';

const SendResponse = z.looseObject({
  messages: z.array(z.looseObject({ id: z.string().min(1) })).min(1),
  contacts: z.array(z.looseObject({ wa_id: z.string().optional(), input: z.string().optional() })).optional(),
});
const Success = z.looseObject({ success: z.boolean().optional() });

export const MAX_TEXT_LENGTH = 4096;

export class MessagingService {
  private readonly db: Database;
  private readonly threads: ThreadStore;
  private readonly account: AccountService;
  private readonly log: Logger;
  private readonly clock: () => Date;
  private readonly onItem: (item: TimelineItem) => void;

  constructor(opts: { db: Database; threads: ThreadStore; account: AccountService; log: Logger; clock?: () => Date; onItem?: (item: TimelineItem) => void }) {
    this.db = opts.db;
    this.threads = opts.threads;
    this.account = opts.account;
    this.log = opts.log;
    this.clock = opts.clock ?? (() => new Date());
    this.onItem = opts.onItem ?? (() => {});
  }

  /** Whether free-form messages can be sent to this thread now, and until when. */
  windowOf(threadId: number): { open: boolean; expiresAt: string | null } {
    const row = this.db.prepare('SELECT window_expires_at FROM threads WHERE id = ?').get(threadId) as { window_expires_at: string | null } | undefined;
    if (!row) throw new BridgeRequestError('not_found', 'That conversation no longer exists.');
    const expiresAt = row.window_expires_at;
    return { open: expiresAt !== null && Date.parse(expiresAt) > this.clock().getTime(), expiresAt };
  }

  private recipientOf(threadId: number): { to: string | null; recipient: string | null } {
    const c = this.db.prepare('SELECT c.wa_id, c.user_id FROM threads t JOIN contacts c ON c.id = t.contact_id WHERE t.id = ?').get(threadId) as { wa_id: string | null; user_id: string | null } | undefined;
    if (!c) throw new BridgeRequestError('not_found', 'That conversation no longer exists.');
    return { to: c.wa_id, recipient: c.user_id };
  }

  /** Sends free-form text; resolves with the item as it stands after Graph answered. */
  async sendText(threadId: number, text: string): Promise<TimelineItem> {
    const body = text.trim();
    if (!body) throw new BridgeRequestError('invalid_params', 'Type a message first.');
    if (body.length > MAX_TEXT_LENGTH) throw new BridgeRequestError('invalid_params', `A WhatsApp message can have at most ${MAX_TEXT_LENGTH} characters (this one has ${body.length}).`);
    const graph = this.account.graph();
    const a = this.account.account();
    if (!graph || !a) throw new BridgeRequestError('not_connected', 'Connect your WhatsApp number in Settings → Account first.');
    if (!this.windowOf(threadId).open) {
      throw new BridgeRequestError('window_closed', 'More than 24 hours have passed since this customer last wrote or called, so WhatsApp only allows an approved template message. Choose a template instead.');
    }
    const { to, recipient } = this.recipientOf(threadId);
    const item = this.insertPending(threadId, 'text', body, { text: { body } });
    this.onItem(item);
    try {
      const res = await graph.request({
        method: 'POST',
        path: `/${a.phoneNumberId}/messages`,
        body: { messaging_product: 'whatsapp', recipient_type: 'individual', ...(to ? { to: `+${to}` } : { recipient }), type: 'text', text: { body, preview_url: false } },
        schema: SendResponse,
      });
      return this.markSent(item.id, res.messages[0]!.id);
    } catch (err) {
      const e = asGraphError(err);
      this.log.warn('messaging.send_failed', { code: e.code });
      return this.markFailed(item.id, e.userMessage, e.code);
    }
  }

  /** Sends the text of a failed item again, as a new message (the failed one is replaced). */
  async retry(itemId: number): Promise<TimelineItem> {
    const item = this.threads.item(itemId);
    if (!item || item.kind !== 'message' || item.direction !== 'out' || item.status !== 'failed' || !item.body) {
      throw new BridgeRequestError('invalid_params', 'Only a message that failed to send can be retried.');
    }
    this.db.prepare('DELETE FROM items WHERE id = ?').run(itemId);
    return this.sendText(item.threadId, item.body);
  }

  private insertPending(threadId: number, type: string, body: string, data: Record<string, unknown>): TimelineItem {
    const at = this.clock().toISOString();
    const r = this.db
      .prepare("INSERT INTO items (thread_id, kind, meta_id, direction, at, type, body, status, status_rank, data) VALUES (?, 'message', NULL, 'out', ?, ?, ?, 'sending', 0, ?)")
      .run(threadId, at, type, body, JSON.stringify({ ...data, statusHistory: [{ status: 'sending', at }] }));
    const id = Number(r.lastInsertRowid);
    this.db.prepare('UPDATE threads SET last_item_id = ?, last_item_at = ? WHERE id = ?').run(id, at, threadId);
    return this.threads.item(id)!;
  }

  private markSent(itemId: number, wamid: string): TimelineItem {
    const at = this.clock().toISOString();
    const item = this.threads.item(itemId)!;
    const history = [...((item.data['statusHistory'] as unknown[]) ?? []), { status: 'sent', at }];
    this.db.prepare("UPDATE items SET meta_id = ?, status = 'sent', status_rank = 1, data = ? WHERE id = ? AND status_rank < 1").run(wamid, JSON.stringify({ ...item.data, statusHistory: history }), itemId);
    // A status webhook that beat Graph's answer was kept by the inbox: apply it now.
    const early = this.db.prepare('SELECT status, updated_at FROM message_status WHERE wamid = ?').get(wamid) as { status: string; updated_at: string } | undefined;
    if (early) this.threads.applyMessageStatus(wamid, early.status, early.updated_at);
    const updated = this.threads.item(itemId)!;
    this.onItem(updated);
    return updated;
  }

  private markFailed(itemId: number, reason: string, code: number | string): TimelineItem {
    const item = this.threads.item(itemId)!;
    this.db.prepare("UPDATE items SET status = 'failed', status_rank = 3, data = ? WHERE id = ?").run(JSON.stringify({ ...item.data, error: { code, message: reason } }), itemId);
    const updated = this.threads.item(itemId)!;
    this.onItem(updated);
    return updated;
  }

  /** Marks the thread read here and on WhatsApp (best effort: a failure is logged, not shown). */
  async markRead(threadId: number): Promise<void> {
    const wamid = this.threads.markRead(threadId);
    const graph = this.account.graph();
    const a = this.account.account();
    if (!wamid || !graph || !a) return;
    try {
      await graph.request({ method: 'POST', path: `/${a.phoneNumberId}/messages`, body: { messaging_product: 'whatsapp', status: 'read', message_id: wamid }, schema: Success });
    } catch (err) {
      this.log.warn('messaging.mark_read_failed', { code: asGraphError(err).code });
    }
  }
}
