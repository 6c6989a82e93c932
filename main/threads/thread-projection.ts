/**
 * The thread store's projection of the webhook pipeline's domain events: each recorded event
 * (message, status, call, permission reply, customer change) becomes thread items, applied inside
 * the inbox transaction that records it, idempotently (items keyed by Meta's ids, statuses only
 * forward). Part of the store, kept out of thread-store.ts so that file does not grow: the store
 * owns contacts, the item-writing primitives and the reads, and hands them to this module as a
 * ProjectionHost; ThreadStore.apply / catchUp delegate here.
 *
 * Also here: the 24-hour customer-service window a customer's message or call opens, and
 * reactions that arrive before the message they react to (early reactions).
 */
import type { Database } from '../storage/database.ts';
import { transaction } from '../storage/database.ts';
import type { ContactRef, DomainEvent } from '../webhooks/envelope.ts';
import { GRAPH_ERRORS } from '../graph/graph-errors.ts';
import { messageStatusRank } from '../../common/rules/message-status.ts';
import type { CallDirection } from '../../common/bridge/calls.ts';
import type { RecordingFile, RecordingState } from '../../common/bridge/recordings.ts';
import { recordingFile } from '../../common/rules/recording.ts';
import { messageText } from './thread-search.ts';
import type { TimelineItem } from './thread-types.ts';

export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** WhatsApp keeps a call's recording and transcript for 7 days after their webhook. */
export const RECORDING_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Where a recording file comes from (kept in the call item's data next to its public state). */
export interface RecordingSource {
  /** Base64 (Meta's webhooks) or hex (Media API responses) SHA-256 of the bytes. */
  sha256: string | null;
  /** The webhook's short-lived download URL (5 minutes); the media id gets a fresh one. */
  url: string | null;
}

/** An item to insert: a TimelineItem without its id, with its data still an object. */
export type NewItem = Omit<TimelineItem, 'id' | 'data'> & { data: Record<string, unknown> };

/** What the projection uses of the store (its contacts and item-writing primitives). */
export interface ProjectionHost {
  now(): string;
  contactFor(ref: ContactRef): number;
  /** A customer's new ids (customer.changed): the contact takes them, merging with a contact that has them; returns its id. */
  changeContactIds(from: ContactRef, newWaId: string | null, newUserId: string | null): number;
  threadIdOf(contactId: number): number;
  insertItem(item: NewItem): { id: number; created: boolean };
  dataOf(itemId: number): Record<string, unknown>;
  patchData(itemId: number, patch: Record<string, unknown>): void;
  advanceCall(itemId: number, status: string): boolean;
  touched(threadId: number): void;
}

export class ThreadProjection {
  private readonly db: Database;
  private readonly host: ProjectionHost;

  constructor(db: Database, host: ProjectionHost) {
    this.db = db;
    this.host = host;
  }

  /**
   * Projects every recorded domain event the store has not seen yet (after an upgrade, or if
   * projection was off). Idempotent; returns how many events it looked at.
   */
  catchUp(): number {
    const cursor = Number(
      (this.db.prepare("SELECT value FROM kv WHERE key = 'threads.cursor'").get() as { value: string } | undefined)?.value ?? 0,
    );
    const rows = this.db.prepare('SELECT id, payload FROM domain_events WHERE id > ? ORDER BY id').all(cursor) as Array<{
      id: number;
      payload: string;
    }>;
    if (rows.length === 0) return 0;
    transaction(this.db, () => {
      for (const r of rows) this.apply(JSON.parse(r.payload) as DomainEvent, Number(r.id));
    });
    return rows.length;
  }

  /** Applies one domain event; call inside the transaction that recorded it (WebhookInbox.addApplier). */
  apply(e: DomainEvent, eventId: number): void {
    switch (e.kind) {
      case 'message.received':
        this.onMessage(e);
        break;
      case 'message.status':
        this.messageStatus(e.wamid, e.status, e.occurredAt ?? this.host.now(), e.errors);
        break;
      case 'call.connect':
        this.onCall(e.callId, e.user, e.direction, e.occurredAt ?? this.host.now(), {
          status: 'ringing',
          connect: { ctaPayload: e.ctaPayload, deeplinkPayload: e.deeplinkPayload, bizOpaque: e.bizOpaque },
        });
        break;
      case 'call.status': {
        const map: Record<string, string> = { RINGING: 'ringing', ACCEPTED: 'answered', REJECTED: 'declined' };
        this.onCall(e.callId, e.user, 'outgoing', e.occurredAt ?? this.host.now(), {
          status: map[e.status] ?? null,
          statusName: e.status,
        });
        break;
      }
      case 'call.terminate':
        this.onTerminate(e);
        break;
      case 'call.recording':
        this.onRecording(e);
        break;
      case 'permission.reply':
        this.onPermissionReply(e);
        break;
      case 'customer.changed':
        this.onCustomerChanged(e);
        break;
      default:
        break; // settings / account / unknown: not thread items
    }
    this.db
      .prepare(
        "INSERT INTO kv (key, value) VALUES ('threads.cursor', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE CAST(excluded.value AS INTEGER) > CAST(kv.value AS INTEGER)",
      )
      .run(String(eventId));
  }

  private openWindow(threadId: number, at: string): void {
    const until = new Date(Date.parse(at) + CUSTOMER_SERVICE_WINDOW_MS).toISOString();
    this.db
      .prepare('UPDATE threads SET window_expires_at = ? WHERE id = ? AND (window_expires_at IS NULL OR window_expires_at < ?)')
      .run(until, threadId, until);
  }

  private onMessage(e: Extract<DomainEvent, { kind: 'message.received' }>): void {
    const at = e.occurredAt ?? this.host.now();
    const threadId = this.host.threadIdOf(this.host.contactFor(e.from));
    const raw = e.raw;
    // A voicemail is an audio message whose id is the call's wacid: it belongs in that call's card.
    if (e.type === 'audio' && e.wamid.startsWith('wacid.')) {
      const call = this.ensureCall(e.wamid, threadId, 'in', at);
      this.host.patchData(call, { voicemail: raw['audio'] ?? null });
      this.openWindow(threadId, at);
      return;
    }
    if (e.type === 'reaction') {
      const r = (raw['reaction'] ?? {}) as { message_id?: string; emoji?: string };
      const target = r.message_id
        ? (this.db.prepare("SELECT id FROM items WHERE kind = 'message' AND meta_id = ?").get(r.message_id) as { id: number } | undefined)
        : undefined;
      if (target) {
        this.react(Number(target.id), r.emoji);
        this.openWindow(threadId, at);
        return;
      }
    }
    const { id, created } = this.host.insertItem({
      threadId,
      kind: 'message',
      metaId: e.wamid,
      direction: 'in',
      at,
      type: e.type,
      body: messageText(raw),
      status: null,
      data: { message: raw },
    });
    if (created) this.db.prepare('UPDATE threads SET unread_count = unread_count + 1 WHERE id = ?').run(threadId);
    if (created && e.type === 'reaction') this.rememberEarlyReaction(id, threadId, raw);
    this.openWindow(threadId, at);
  }

  private react(targetId: number, emoji: string | undefined): void {
    const data = this.host.dataOf(targetId);
    const reactions: Record<string, string> = { ...((data['reactions'] as Record<string, string> | undefined) ?? {}) };
    if (emoji) reactions['customer'] = emoji;
    else delete reactions['customer'];
    this.host.patchData(targetId, { reactions });
  }

  /**
   * A reaction to a message that is not here (yet) stays an item of its own — the message may be
   * one this app never saw — and is remembered by the message it reacts to. Webhooks arrive in
   * any order (retries, a crash between deliveries), so when that message does arrive the
   * reaction moves onto it (settleEarlyReaction). Only the latest early reaction to a message is
   * kept, as on the phone.
   */
  private rememberEarlyReaction(itemId: number, threadId: number, raw: Record<string, unknown>): void {
    const target = ((raw['reaction'] ?? {}) as { message_id?: unknown }).message_id;
    if (typeof target !== 'string' || !target) return;
    const key = `reaction.early:${target}`;
    const previous = this.db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
    if (previous) this.removeEarlyReaction(Number((JSON.parse(previous.value) as { itemId: number }).itemId));
    this.db
      .prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify({ itemId, threadId }));
  }

  /**
   * Moves an early reaction onto the message it reacts to, which has just been recorded (or has
   * just learnt its wamid: an outgoing message, once Graph answered).
   */
  settleEarlyReaction(wamid: string, targetId: number): void {
    const key = `reaction.early:${wamid}`;
    const row = this.db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
    if (!row) return;
    this.db.prepare('DELETE FROM kv WHERE key = ?').run(key);
    const { itemId } = JSON.parse(row.value) as { itemId: number };
    const early = this.db.prepare("SELECT data FROM items WHERE id = ? AND kind = 'message' AND type = 'reaction'").get(itemId) as
      { data: string } | undefined;
    if (!early) return;
    const emoji = (JSON.parse(early.data) as { message?: { reaction?: { emoji?: string } } }).message?.reaction?.emoji;
    this.react(targetId, emoji);
    this.removeEarlyReaction(itemId);
  }

  /** Deletes an early reaction's own item: its unread mark goes, and the thread's last item is fixed. */
  private removeEarlyReaction(itemId: number): void {
    const row = this.db.prepare("SELECT thread_id FROM items WHERE id = ? AND kind = 'message' AND type = 'reaction'").get(itemId) as
      { thread_id: number } | undefined;
    if (!row) return;
    const threadId = Number(row.thread_id);
    this.db.prepare('DELETE FROM items WHERE id = ?').run(itemId);
    this.db.prepare('UPDATE threads SET unread_count = MAX(0, unread_count - 1) WHERE id = ?').run(threadId);
    this.db
      .prepare(
        'UPDATE threads SET (last_item_id, last_item_at) = (SELECT id, at FROM items WHERE thread_id = ?1 ORDER BY at DESC, id DESC LIMIT 1) WHERE id = ?1 AND last_item_id = ?2',
      )
      .run(threadId, itemId);
    this.host.touched(threadId);
  }

  /** Applies a message status (forward only); also when a status arrived before the wamid was known. */
  messageStatus(wamid: string, status: string, at: string, errors: unknown[]): void {
    const rank = messageStatusRank(status);
    if (rank === null) return;
    const item = this.db.prepare("SELECT id, data FROM items WHERE kind = 'message' AND meta_id = ?").get(wamid) as
      { id: number; data: string } | undefined;
    if (!item) return; // a status for a message sent elsewhere (or not recorded yet): the inbox keeps it
    const data = JSON.parse(item.data) as { statusHistory?: Array<{ status: string; at: string }>; error?: unknown };
    const history = data.statusHistory ?? [];
    if (!history.some((h) => h.status === status)) history.push({ status, at });
    const patch: Record<string, unknown> = { statusHistory: history };
    if (status === 'failed') patch['error'] = withPlainReason(errors[0] ?? null);
    this.db.prepare('UPDATE items SET status = ?, status_rank = ? WHERE id = ? AND status_rank < ?').run(status, rank, item.id, rank);
    this.host.patchData(Number(item.id), patch);
  }

  private ensureCall(callId: string, threadId: number, direction: 'in' | 'out', at: string): number {
    const { id, created } = this.host.insertItem({
      threadId,
      kind: 'call',
      metaId: callId,
      direction,
      at,
      type: 'call',
      body: null,
      status: null,
      data: {},
    });
    // A card a recording made before any other webhook of its call guessed the direction: the
    // call's own webhooks know it.
    if (!created && this.host.dataOf(id)['directionGuessed'] === true) {
      this.db.prepare('UPDATE items SET direction = ? WHERE id = ?').run(direction, id);
      this.host.patchData(id, { directionGuessed: false });
    }
    return id;
  }

  private onCall(
    callId: string,
    user: ContactRef,
    callDirection: CallDirection | null,
    at: string,
    change: { status: string | null; connect?: Record<string, unknown>; statusName?: string },
  ): void {
    const direction = callDirection === 'outgoing' ? 'out' : 'in';
    const threadId = this.host.threadIdOf(this.host.contactFor(user));
    const id = this.ensureCall(callId, threadId, direction, at);
    if (change.connect) this.host.patchData(id, { ...change.connect, direction });
    if (change.statusName === 'ACCEPTED') this.host.patchData(id, { answeredAt: at });
    if (change.status) this.host.advanceCall(id, change.status);
    // The customer calling us, or accepting our call, opens the customer-service window.
    if (direction === 'in' || change.statusName === 'ACCEPTED') this.openWindow(threadId, at);
  }

  private onTerminate(e: Extract<DomainEvent, { kind: 'call.terminate' }>): void {
    const at = e.occurredAt ?? this.host.now();
    const direction = e.direction === 'outgoing' ? 'out' : 'in';
    const threadId = this.host.threadIdOf(this.host.contactFor(e.user));
    const id = this.ensureCall(e.callId, threadId, direction, at);
    const current = this.db.prepare('SELECT status FROM items WHERE id = ?').get(id) as { status: string | null };
    const data = this.host.dataOf(id);
    const answered = current.status === 'answered' || typeof data['answeredAt'] === 'string' || (e.durationSeconds ?? 0) > 0;
    const error = e.errors[0];
    let outcome: string;
    if (answered && !(e.status === 'FAILED' && error)) outcome = 'completed';
    else if (answered) outcome = 'failed';
    else if (current.status === 'declined') outcome = 'declined';
    else if (direction === 'in') outcome = 'missed';
    else outcome = error ? 'failed' : 'no_answer';
    const becameFinal = this.host.advanceCall(id, outcome);
    this.host.patchData(id, { endedAt: at, durationSeconds: e.durationSeconds, terminateStatus: e.status, ...(error ? { error } : {}) });
    if (becameFinal && outcome === 'missed')
      this.db.prepare('UPDATE threads SET missed_calls = missed_calls + 1 WHERE id = ?').run(threadId);
    if (direction === 'in') this.openWindow(threadId, at);
  }

  /**
   * WhatsApp made a recording or transcript of a call: the call card records it as pending (its
   * download starts once the event is committed: main/recordings/recording-fetcher.ts). A call
   * this computer never heard of gets its card, so the file is not lost.
   */
  private onRecording(e: Extract<DomainEvent, { kind: 'call.recording' }>): void {
    const at = e.occurredAt ?? this.host.now();
    let id = this.db.prepare("SELECT id FROM items WHERE kind = 'call' AND meta_id = ?").get(e.callId) as { id: number } | undefined;
    if (!id) {
      if (!e.user.waId && !e.user.userId) return;
      const threadId = this.host.threadIdOf(this.host.contactFor(e.user));
      id = { id: this.ensureCall(e.callId, threadId, 'in', at) };
      // A recording exists only of a call that was answered and ended; its own webhooks, if they
      // come, put the direction right (ensureCall).
      this.host.advanceCall(Number(id.id), 'completed');
      this.host.patchData(Number(id.id), { directionGuessed: true });
    }
    const itemId = Number(id.id);
    const data = this.host.dataOf(itemId);
    const current = (data['recording'] ?? null) as RecordingState | null;
    const existing = current?.[e.part] ?? null;
    // The same file again (a retried webhook with another timestamp): what we have stands.
    if (existing && existing.mediaId === e.media.id && existing.state !== 'waiting') return;
    const receivedAt = e.receivedAt ?? this.host.now();
    // WhatsApp keeps the file 7 days from sending the webhook: a delivery that came late (retried
    // while this computer was off) has less time left, so the earlier of the two counts.
    const sentAt = e.occurredAt && e.occurredAt < receivedAt ? e.occurredAt : receivedAt;
    const file: RecordingFile & RecordingSource = {
      ...recordingFile({
        state: 'pending',
        mediaId: e.media.id,
        mimeType: e.media.mimeType,
        receivedAt,
        expiresAt: new Date(Date.parse(sentAt) + RECORDING_RETENTION_MS).toISOString(),
      }),
      sha256: e.media.sha256,
      url: e.media.url,
    };
    const requested = current?.requested ?? { audio: false, transcript: false };
    const recording: RecordingState = {
      requested: { ...requested, [e.part]: true },
      audio: current?.audio ?? null,
      transcript: current?.transcript ?? null,
      [e.part]: file,
    };
    this.host.patchData(itemId, { recording });
  }

  private onPermissionReply(e: Extract<DomainEvent, { kind: 'permission.reply' }>): void {
    const at = e.occurredAt ?? this.host.now();
    const threadId = this.host.threadIdOf(this.host.contactFor(e.user));
    const type = e.response === 'accept' ? 'permission_granted' : e.source === 'automatic' ? 'permission_revoked' : 'permission_declined';
    this.host.insertItem({
      threadId,
      kind: 'system',
      metaId: e.wamid,
      direction: 'in',
      at,
      type,
      body: null,
      status: null,
      data: { isPermanent: e.isPermanent, expiresAt: e.expiresAt, source: e.source, contextId: e.contextId },
    });
  }

  /**
   * A customer changed their number (or their BSUID changed with it): Meta announces it only with a
   * `system` message. They keep their thread; the contact takes the new ids (merging with a thread
   * the new ids may already have), and the change shows in the timeline as a system event.
   */
  private onCustomerChanged(e: Extract<DomainEvent, { kind: 'customer.changed' }>): void {
    const at = e.occurredAt ?? this.host.now();
    const contactId = this.host.changeContactIds(e.from, e.newWaId, e.newUserId);
    const threadId = this.host.threadIdOf(contactId);
    const type =
      e.change === 'user_changed_number'
        ? 'customer_changed_number'
        : e.change === 'user_changed_user_id'
          ? 'customer_changed_user_id'
          : 'customer_changed';
    this.host.insertItem({
      threadId,
      kind: 'system',
      metaId: e.wamid,
      direction: 'in',
      at,
      type,
      body: e.body,
      status: null,
      data: { newWaId: e.newWaId, newUserId: e.newUserId, oldWaId: e.from.waId, oldUserId: e.from.userId },
    });
  }
}

/**
 * A delivery failure reported by a status webhook keeps Meta's error as it came, plus `plain`:
 * the owner's-words message (and the next step) from the one error table, when the code is in it —
 * the same text a refused send shows, whichever way WhatsApp reports the failure.
 */
function withPlainReason(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return error;
  const code = Number((error as { code?: unknown }).code);
  const known = Number.isInteger(code) ? GRAPH_ERRORS[code] : undefined;
  if (!known) return error;
  return { ...error, plain: known.fix ? `${known.message} ${known.fix}` : known.message };
}
