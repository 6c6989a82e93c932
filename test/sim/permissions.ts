/**
 * Call permissions per business-number + user pair (calling-api.md §4):
 *  - status no_permission | temporary (7 days) | permanent;
 *  - permission requests: 1 / 24 h and 2 / 7 days (sandbox 25 / 100), reset by any connected call;
 *    a request while a permanent permission exists → 138017, over the limit → 138009;
 *  - connected business-initiated calls: 100 / 24 h rolling → 138012 with the next allowed time;
 *  - 2 consecutive unanswered/rejected business-initiated calls (sandbox 5) nudge the user to review
 *    the permission (a system message on the phone; no webhook), 4 (sandbox 10) revoke it, reported
 *    as a `call_permission_reply` with response "reject", response_source "automatic". A connected
 *    call, or any answer to a permission request, starts the count afresh.
 */
import { randomBytes } from 'node:crypto';
import type { SimContext } from './context.ts';
import { metadata } from './context.ts';
import { GraphError } from './graph-errors.ts';
import type { SimUser } from './users.ts';
import { contactOf } from './users.ts';

const DAY = 24 * 3600_000;
const WEEK = 7 * DAY;

export interface PermissionRecord {
  status: 'no_permission' | 'temporary' | 'permanent';
  expiresAt: number | undefined;
  requestTimes: number[];
  connectedBicTimes: number[];
  consecutiveUnanswered: number;
  /** When WhatsApp last nudged the user to review the permission (after `nudgeAfter` unanswered calls in a row). */
  nudgedAt: number | undefined;
  lastRequestMessageId: string | undefined;
}

export function wamid(): string {
  return `wamid.${randomBytes(24).toString('base64url')}`;
}

export class Permissions {
  private readonly records = new Map<string, PermissionRecord>();
  private readonly ctx: SimContext;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
  }

  limits(): { reqDay: number; reqWeek: number; bicDay: number; nudgeAfter: number; revokeAfter: number } {
    return this.ctx.business.sandbox
      ? { reqDay: 25, reqWeek: 100, bicDay: 100, nudgeAfter: 5, revokeAfter: 10 }
      : { reqDay: 1, reqWeek: 2, bicDay: 100, nudgeAfter: 2, revokeAfter: 4 };
  }

  get(user: SimUser): PermissionRecord {
    let r = this.records.get(user.userId);
    if (!r) {
      r = {
        status: 'no_permission',
        expiresAt: undefined,
        requestTimes: [],
        connectedBicTimes: [],
        consecutiveUnanswered: 0,
        nudgedAt: undefined,
        lastRequestMessageId: undefined,
      };
      this.records.set(user.userId, r);
    }
    const now = this.ctx.clock.now();
    if (r.status === 'temporary' && r.expiresAt !== undefined && r.expiresAt <= now) {
      r.status = 'no_permission';
      r.expiresAt = undefined;
    }
    return r;
  }

  private recent(times: number[], windowMs: number): number[] {
    const now = this.ctx.clock.now();
    return times.filter((t) => t > now - windowMs);
  }

  /** Throws the Graph error Meta would give for a permission request now, or records it. */
  checkAndRecordRequest(user: SimUser, messageId: string): void {
    const r = this.get(user);
    if (r.status === 'permanent') {
      throw new GraphError(138017, 'A permanent call permission already exists for this user; the request was not sent');
    }
    const l = this.limits();
    const day = this.recent(r.requestTimes, DAY);
    const week = this.recent(r.requestTimes, WEEK);
    if (day.length >= l.reqDay || week.length >= l.reqWeek) {
      const which = day.length >= l.reqDay ? `${l.reqDay} per 24 hours` : `${l.reqWeek} per 7 days`;
      throw new GraphError(138009, `Call permission request limit reached for this user (${which})`);
    }
    r.requestTimes.push(this.ctx.clock.now());
    r.lastRequestMessageId = messageId;
  }

  /** Throws 138006/138012 when a business-initiated call may not be placed now. */
  checkStartCall(user: SimUser): void {
    const r = this.get(user);
    if (r.status === 'no_permission') throw new GraphError(138006, 'No approved call permission from the recipient');
    const l = this.limits();
    const day = this.recent(r.connectedBicTimes, DAY).sort((a, b) => a - b);
    if (day.length >= l.bicDay) {
      const next = Math.ceil(((day[0] ?? this.ctx.clock.now()) + DAY) / 1000);
      throw new GraphError(
        138012,
        `Business initiated calls limit of ${l.bicDay} connected calls per 24 hours reached; next call allowed at ${new Date(next * 1000).toISOString()}`,
      );
    }
  }

  /** A call with the user connected (either direction): resets request limits and the miss counter. */
  onConnected(user: SimUser, direction: 'USER_INITIATED' | 'BUSINESS_INITIATED'): void {
    const r = this.get(user);
    r.requestTimes = [];
    r.consecutiveUnanswered = 0;
    if (direction === 'BUSINESS_INITIATED') r.connectedBicTimes.push(this.ctx.clock.now());
  }

  /**
   * A business-initiated call went unanswered or was rejected. At `nudgeAfter` in a row WhatsApp
   * shows the user a system message to review the permission (on the phone only: the business gets
   * no webhook); at `revokeAfter` the permission goes, and the business hears of it.
   */
  onUnanswered(user: SimUser): void {
    const r = this.get(user);
    r.consecutiveUnanswered++;
    const l = this.limits();
    if (r.consecutiveUnanswered === l.nudgeAfter && r.status !== 'no_permission') {
      r.nudgedAt = this.ctx.clock.now();
      this.ctx.events.emit('permission.nudge', { user: user.userId, consecutiveUnanswered: r.consecutiveUnanswered });
    }
    if (r.consecutiveUnanswered >= l.revokeAfter && r.status !== 'no_permission') {
      r.status = 'no_permission';
      r.expiresAt = undefined;
      r.consecutiveUnanswered = 0;
      this.emitReply(user, { response: 'reject', source: 'automatic', permanent: false, contextId: undefined });
    }
  }

  /** The user answers a request (or grants from the profile, or automatically by calling us). */
  grant(
    user: SimUser,
    opts: { response: 'accept' | 'reject'; permanent: boolean; source: 'user_action' | 'automatic'; contextId?: string | undefined },
  ): Record<string, unknown> {
    const r = this.get(user);
    if (opts.response === 'accept') {
      r.status = opts.permanent ? 'permanent' : 'temporary';
      r.expiresAt = opts.permanent ? undefined : this.ctx.clock.now() + this.ctx.config.temporaryPermissionMs;
    } else {
      r.status = 'no_permission';
      r.expiresAt = undefined;
    }
    r.consecutiveUnanswered = 0;
    return this.emitReply(user, {
      response: opts.response,
      source: opts.source,
      permanent: opts.permanent,
      contextId: opts.contextId,
      expiresAt: r.expiresAt,
    });
  }

  private emitReply(
    user: SimUser,
    o: { response: 'accept' | 'reject'; source: string; permanent: boolean; contextId: string | undefined; expiresAt?: number | undefined },
  ): Record<string, unknown> {
    // As on Meta's permissions page: `is_permanent` only when true, and no `type` on the message
    // (the reply is recognised by `interactive.type`).
    const reply: Record<string, unknown> = { response: o.response, ...(o.permanent ? { is_permanent: true } : {}) };
    if (o.response === 'accept' && !o.permanent && o.expiresAt !== undefined) {
      reply['expiration_timestamp'] = String(Math.floor(o.expiresAt / 1000));
    }
    reply['response_source'] = o.source;
    const msg: Record<string, unknown> = {};
    if (o.contextId) msg['context'] = { from: this.ctx.business.displayPhoneNumber, id: o.contextId };
    if (user.waId) msg['from'] = user.waId;
    msg['from_user_id'] = user.userId;
    if (user.parentUserId) msg['from_parent_user_id'] = user.parentUserId;
    const id = wamid();
    Object.assign(msg, {
      id,
      timestamp: String(this.ctx.clock.nowSeconds()),
      interactive: { type: 'call_permission_reply', call_permission_reply: reply },
    });
    this.ctx.webhooks.emit('messages', {
      messaging_product: 'whatsapp',
      metadata: metadata(this.ctx),
      contacts: [contactOf(user)],
      messages: [msg],
    });
    this.ctx.events.emit('permission.reply', { user: user.userId, ...reply, messageId: id });
    return msg;
  }

  /** `GET /{pnid}/call_permissions` in the guide's form (§4.3). */
  render(user: SimUser): Record<string, unknown> {
    const r = this.get(user);
    const l = this.limits();
    const now = this.ctx.clock.now();
    const permission: Record<string, unknown> = { status: r.status };
    if (r.status === 'temporary' && r.expiresAt !== undefined) permission['expiration_time'] = Math.floor(r.expiresAt / 1000);
    const day = this.recent(r.requestTimes, DAY).sort((a, b) => a - b);
    const week = this.recent(r.requestTimes, WEEK).sort((a, b) => a - b);
    const limit = (period: string, max: number, used: number[], windowMs: number): Record<string, unknown> => ({
      time_period: period,
      max_allowed: max,
      current_usage: used.length,
      ...(used.length >= max ? { limit_expiration_time: Math.ceil(((used[used.length - max] ?? now) + windowMs) / 1000) } : {}),
    });
    const reqLimits = [limit('PT24H', l.reqDay, day, DAY), limit('P7D', l.reqWeek, week, WEEK)];
    const canRequest = r.status !== 'permanent' && day.length < l.reqDay && week.length < l.reqWeek;
    const bic = this.recent(r.connectedBicTimes, DAY).sort((a, b) => a - b);
    const startLimits = [limit('PT24H', l.bicDay, bic, DAY)];
    const canStart = r.status !== 'no_permission' && bic.length < l.bicDay;
    return {
      messaging_product: 'whatsapp',
      permission,
      actions: [
        { action_name: 'send_call_permission_request', can_perform_action: canRequest, limits: reqLimits },
        { action_name: 'start_call', can_perform_action: canStart, limits: startLimits },
      ],
    };
  }
}
