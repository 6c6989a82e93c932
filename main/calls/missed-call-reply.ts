/**
 * The missed-call reply (issue 17): after a customer's call nobody answered, a message to that
 * customer, within the owner's setting (common/rules/missed-call-reply.ts; off by default).
 *
 * Which calls: the customer's call ended (its terminate webhook: the phone stopped ringing) and the
 * thread store says it was missed — rang out, reached this computer too late (asleep, offline),
 * rang while another call was live, or under do-not-disturb. A call do-not-disturb declined at once
 * counts as missed; a call the owner declined by hand only when the owner ticked that box. With
 * callback permission on, a customer who could not call because the number was closed (call hours)
 * may ask to be called back: WhatsApp grants an automatic permission with no call behind it, and
 * that gets the reply too (unless turned off).
 *
 * What: inside the 24-hour customer-service window (the call opened it) the owner's free text, as
 * a call-permission request (only when WhatsApp allows one now and the customer has none) or with a
 * "call us" button when chosen; outside it the chosen approved template, its values filled in; no
 * template chosen → no reply. Variables: the customer's name, the next opening time of the call
 * hours. Sent through MessagingService, so it shows in the thread like any message.
 *
 * Never twice: a row in `missed_call_replies` keyed by the call id (or the callback request's
 * wamid) is claimed before anything is sent, so webhook retries, duplicate deliveries and the
 * catch-up after a restart find it taken. At most one reply per customer per `cooldownHours`. A
 * reply cut off by a crash stays "interrupted" (never sent again: it may have arrived). Calls
 * older than a day, or that ended before the setting was turned on, never get one.
 */
import type { CallingSettingsView } from '../../common/bridge-contract.ts';
import { customerName } from '../../common/rules/customer.ts';
import {
  fillReplyText,
  nextOpeningText,
  templateValues,
  type MissedCallReply,
  type ReplyVariables,
} from '../../common/rules/missed-call-reply.ts';
import type { Logger } from '../core/log.ts';
import { tr } from '../i18n/tr.ts';
import type { Database } from '../storage/database.ts';
import type { MessagingService } from '../threads/messaging-service.ts';
import type { ThreadStore, TimelineItem } from '../threads/thread-store.ts';
import type { DomainEvent } from '../webhooks/envelope.ts';
import type { CallPermissionView } from './call-permissions.ts';

/** Calls that ended longer ago than this never get a reply (the window a call opens lasts a day). */
export const MAX_REPLY_AGE_MS = 24 * 3600_000;

/**
 * A customer who could not call (the number was closed: call hours) and asked to be called back:
 * WhatsApp grants the automatic permission of a callback, naming the call they tried — a call no
 * webhook ever announced (the thread store has no card for it) — or nothing. The automatic grant
 * after a call that did ring here names that call: the call itself gets the reply, not the grant.
 */
export function isCallbackRequest(
  e: { response: string; source: string | null; contextId: string | null },
  callKnown: (callId: string) => boolean,
): boolean {
  return e.response === 'accept' && e.source === 'automatic' && (!e.contextId || !callKnown(e.contextId));
}

/** How much earlier than the moment it was turned on a call may have ended and still get a reply. */
const ENABLED_GRACE_MS = 60_000;

export type ReplyKind = 'text' | 'permission_request' | 'call_button' | 'template';

export interface MissedCallRepliesOptions {
  db: Database;
  threads: ThreadStore;
  messaging: Pick<MessagingService, 'sendText' | 'sendTemplate' | 'sendInteractive'>;
  /** The setting as it stands now. */
  settings: () => MissedCallReply;
  /** The call permission of a thread (to ask only when WhatsApp allows it). */
  permission: (threadId: number) => Promise<CallPermissionView>;
  /** The number's call hours (for {next_opening}); null when they cannot be read. */
  callHours: () => Promise<NonNullable<CallingSettingsView['calling']['call_hours']> | null>;
  log: Logger;
  clock?: () => Date;
}

interface Claim {
  key: string;
  threadId: number;
  /** When the call ended (or the callback was asked for). */
  at: string;
}

export class MissedCallReplies {
  private readonly o: MissedCallRepliesOptions;
  private readonly clock: () => Date;
  private readonly inflight = new Set<Promise<void>>();

  constructor(o: MissedCallRepliesOptions) {
    this.o = o;
    this.clock = o.clock ?? (() => new Date());
    // A reply still "sending" was cut off by a crash: WhatsApp may have it. Never again.
    const n = this.o.db
      .prepare("UPDATE missed_call_replies SET state = 'interrupted', reason = ? WHERE state = 'sending'")
      .run(tr('missedReply.interrupted')).changes;
    if (Number(n) > 0) this.o.log.warn('missed_reply.interrupted', { count: Number(n) });
  }

  /** Webhook events, as the inbox publishes them (after the thread store recorded them). */
  onDomainEvent(e: DomainEvent): void {
    if (e.kind === 'call.terminate' && e.direction !== 'outgoing') this.track(this.considerCall(e.callId));
    else if (e.kind === 'permission.reply' && isCallbackRequest(e, (id) => this.o.threads.callItem(id) !== null))
      this.track(this.considerCallbackRequest(e.wamid, e.contextId ?? e.wamid));
  }

  /**
   * After a start: missed calls of the last day that have no reply row yet (their terminate was
   * recorded, but the app stopped before it could answer). Each is claimed like any other.
   */
  catchUp(): void {
    const s = this.o.settings();
    if (!s.enabled || !s.enabledAt) return;
    const since = new Date(Math.max(Date.parse(s.enabledAt) - ENABLED_GRACE_MS, this.clock().getTime() - MAX_REPLY_AGE_MS)).toISOString();
    const rows = this.o.db
      .prepare(
        `SELECT i.meta_id FROM items i LEFT JOIN missed_call_replies r ON r.key = i.meta_id
         WHERE i.kind = 'call' AND i.direction = 'in' AND i.status IN ('missed', 'declined') AND i.at >= ? AND r.id IS NULL
           AND json_extract(i.data, '$.endedAt') IS NOT NULL
         ORDER BY i.at LIMIT 50`,
      )
      .all(since) as Array<{ meta_id: string }>;
    for (const r of rows) this.track(this.considerCall(r.meta_id));
  }

  /** Waits for replies being sent (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** What was decided for a call (or callback request): tests and diagnostics. */
  stateOf(key: string): { state: string; kind: string | null; reason: string | null; itemId: number | null } | null {
    const r = this.o.db.prepare('SELECT state, kind, reason, item_id FROM missed_call_replies WHERE key = ?').get(key) as
      { state: string; kind: string | null; reason: string | null; item_id: number | null } | undefined;
    return r ? { state: r.state, kind: r.kind, reason: r.reason, itemId: r.item_id === null ? null : Number(r.item_id) } : null;
  }

  private track(p: Promise<void>): void {
    const q = p.catch((err: unknown) => this.o.log.error('missed_reply.failed', { error: (err as Error).message }));
    this.inflight.add(q);
    void q.finally(() => this.inflight.delete(q));
  }

  private async considerCall(callId: string): Promise<void> {
    const s = this.o.settings();
    if (!s.enabled) return;
    const call = this.o.threads.callItem(callId);
    if (!call || call.direction !== 'in') return;
    const silenced = call.data['declinedBy'] === 'dnd';
    const wanted = call.status === 'missed' || (call.status === 'declined' && (silenced || s.includeDeclined));
    if (!wanted) return;
    const endedAt = typeof call.data['endedAt'] === 'string' ? call.data['endedAt'] : call.at;
    await this.reply(s, { key: callId, threadId: call.threadId, at: endedAt });
  }

  /** `key`: the refused call's id the request names (one reply per attempt, however often it is asked), else its wamid. */
  private async considerCallbackRequest(wamid: string, key: string): Promise<void> {
    const s = this.o.settings();
    if (!s.enabled || !s.includeCallbackRequests) return;
    const row = this.o.db.prepare("SELECT thread_id, at FROM items WHERE kind = 'system' AND meta_id = ?").get(wamid) as
      { thread_id: number; at: string } | undefined;
    if (!row) return;
    await this.reply(s, { key, threadId: Number(row.thread_id), at: row.at });
  }

  /** Claims the key (or finds it taken), then sends; every outcome is written to the claim's row. */
  private async reply(s: MissedCallReply, c: Claim): Promise<void> {
    const now = this.clock();
    const skip = this.skipReason(s, c, now);
    const state = skip ? 'skipped' : 'sending';
    const claimed = this.o.db
      .prepare('INSERT INTO missed_call_replies (key, thread_id, at, state, reason) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING')
      .run(c.key, c.threadId, now.toISOString(), state, skip);
    if (Number(claimed.changes) === 0 || skip) {
      if (skip && Number(claimed.changes) > 0) this.o.log.info('missed_reply.skipped', { reason: skip });
      return;
    }
    let kind: ReplyKind | null = null;
    let item: TimelineItem | null = null;
    try {
      const sent = await this.send(s, c.threadId, c.key);
      if (!sent) {
        this.finish(c.key, 'skipped', null, tr('missedReply.noTemplate'), null);
        return;
      }
      ({ kind, item } = sent);
      const failed = sent.item.status === 'failed';
      const reason = failed
        ? String((sent.item.data['error'] as { message?: unknown } | undefined)?.message ?? tr('missedReply.refused'))
        : null;
      this.finish(c.key, failed ? 'failed' : 'sent', kind, reason, sent.item);
      this.o.log.info('missed_reply.sent', { kind, failed });
    } catch (err) {
      this.finish(c.key, 'failed', kind, (err as Error).message, item);
      this.o.log.warn('missed_reply.refused', { error: (err as Error).message });
    }
  }

  /** Why no reply goes out for this claim (null: one does). */
  private skipReason(s: MissedCallReply, c: Claim, now: Date): string | null {
    const at = Date.parse(c.at);
    // Meta's timestamps are whole seconds on Meta's clock: a minute's grace, so a call that ends
    // just as the owner turns the reply on is not judged by the laptop's clock.
    if (s.enabledAt && at < Date.parse(s.enabledAt) - ENABLED_GRACE_MS) return tr('missedReply.beforeEnabled');
    if (now.getTime() - at > MAX_REPLY_AGE_MS) return tr('missedReply.tooOld');
    const since = new Date(now.getTime() - s.cooldownHours * 3600_000).toISOString();
    const recent = this.o.db
      .prepare("SELECT 1 FROM missed_call_replies WHERE thread_id = ? AND at >= ? AND state IN ('sending', 'sent', 'interrupted') LIMIT 1")
      .get(c.threadId, since);
    return recent ? tr('missedReply.cooldown', { hours: s.cooldownHours }) : null;
  }

  private finish(key: string, state: string, kind: ReplyKind | null, reason: string | null, item: TimelineItem | null): void {
    this.o.db
      .prepare('UPDATE missed_call_replies SET state = ?, kind = ?, reason = ?, item_id = ?, wamid = ? WHERE key = ?')
      .run(state, kind, reason, item?.id ?? null, item?.metaId ?? null, key);
  }

  private async variables(threadId: number, language: string): Promise<ReplyVariables> {
    const thread = this.o.threads.thread(threadId);
    const hours = await this.o.callHours().catch(() => null); // no hours known: "now"
    // Real call webhooks carry the number's digits as the profile name: that is no name to greet.
    const name = thread ? customerName(thread.contact) : null;
    return { name: name && !/^[+\d\s().-]+$/.test(name) ? name : null, nextOpening: nextOpeningText(hours, this.clock(), language) };
  }

  /** Sends the reply that fits the window; null when none can go (outside the window without a template). */
  private async send(s: MissedCallReply, threadId: number, key: string): Promise<{ kind: ReplyKind; item: TimelineItem } | null> {
    const extra = { autoReply: { for: key } };
    const open = this.o.threads.windowOf(threadId)?.open ?? false;
    if (!open) {
      if (!s.template) return null;
      const vars = await this.variables(threadId, s.template.language);
      const parameters = templateValues(s.template.values, vars, s.nameFallback);
      const t = { name: s.template.name, language: s.template.language, parameters };
      return { kind: 'template', item: await this.o.messaging.sendTemplate(threadId, t, extra) };
    }
    const text = fillReplyText(s.text, await this.variables(threadId, s.language), s.nameFallback);
    if (s.callMe === 'permission_request') {
      // Asking is worth it only when the customer has no permission and WhatsApp allows asking now
      // (1 a day, 2 a week); otherwise the text goes alone rather than failing as a whole.
      const p = await this.o.permission(threadId).catch(() => null);
      if (p && p.status === 'none' && p.canRequest)
        return {
          kind: 'permission_request',
          item: await this.o.messaging.sendInteractive(threadId, { kind: 'permission_request', text }, extra),
        };
    } else if (s.callMe === 'call_button') {
      const button = { displayText: s.buttonText, ttlMinutes: 1440, payload: `missed-call:${key}`.slice(0, 512) };
      return { kind: 'call_button', item: await this.o.messaging.sendInteractive(threadId, { kind: 'call_button', text, button }, extra) };
    }
    return { kind: 'text', item: await this.o.messaging.sendText(threadId, text, extra) };
  }
}
