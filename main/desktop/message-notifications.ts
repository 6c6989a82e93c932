/**
 * Which new customer messages become an OS notification, and what it says. Pure: the shell feeds
 * in the messages that arrived, whether the window is in front, do-not-disturb, and the clock.
 *
 * Decisions, each made so the owner hears of customers' messages without being nagged:
 *  - Only customers' messages (inbound); never the owner's own, statuses or system items. Calls have
 *    their own notifications (incoming, missed).
 *  - None while the window is visible and focused: the owner sees the thread list (and the open
 *    thread) already. Hidden or in the background, every thread can notify.
 *  - None during do-not-disturb: it silences the computer; unread counts and the badge still
 *    grow, so nothing is lost.
 *  - Bursts are coalesced per thread: a message within BURST_MS of that thread's last
 *    notification replaces it ("3 new messages" and the newest preview) instead of stacking.
 *  - Content: the customer's name and a short one-line preview (≤ 100 characters) of text; a kind
 *    ("Photo", "Voice message"…) for media. Showing a preview is what owners expect of a messaging
 *    app, and what the lock screen shows is governed by the OS's own notification privacy settings,
 *    which the owner controls; Switchboard does not second-guess them. Logs never see the text.
 *  - Clicking opens that thread (the shell emits the `navigate` event).
 *  - On Linux the body is escaped: notification daemons read it as markup (notification-text.ts).
 *  - In the owner's language (main/i18n), as it is when the notification is made.
 */
import { tr, type MessageKey } from '../i18n/tr.ts';
import { notificationText } from './notification-text.ts';

export const BURST_MS = 60_000;
export const PREVIEW_MAX = 100;

export interface NewMessage {
  id: number;
  threadId: number;
  direction: 'in' | 'out' | null;
  kind: string;
  type: string;
  body: string | null;
}

export interface NotificationContext {
  window: { visible: boolean; focused: boolean };
  dnd: boolean;
  now: number;
  /** The customer's name as the thread list shows it. */
  nameOf: (threadId: number) => string;
  /** Where it will be shown (`process.platform` when not given): Linux bodies are escaped. */
  platform?: string;
}

export interface MessageNotification {
  threadId: number;
  title: string;
  body: string;
  /** Messages this notification stands for (a burst). */
  count: number;
  /** Replace the thread's previous notification (close it first) rather than add one. */
  replaces: boolean;
}

const KIND_LABEL: Record<string, MessageKey> = {
  image: 'notify.kind.image',
  audio: 'notify.kind.audio',
  video: 'notify.kind.video',
  document: 'notify.kind.document',
  sticker: 'notify.kind.sticker',
  location: 'notify.kind.location',
  contacts: 'notify.kind.contacts',
  reaction: 'notify.kind.reaction',
  interactive: 'notify.kind.interactive',
  button: 'notify.kind.button',
};

/** One line, at most PREVIEW_MAX characters, of what the customer sent. */
export function previewOf(m: Pick<NewMessage, 'type' | 'body'>): string {
  const text = (m.body ?? '').replace(/\s+/g, ' ').trim();
  const clip = (s: string): string => (s.length > PREVIEW_MAX ? `${s.slice(0, PREVIEW_MAX - 1).trimEnd()}…` : s);
  if (m.type === 'text') return clip(text || tr('notify.newMessage'));
  const key = Object.prototype.hasOwnProperty.call(KIND_LABEL, m.type) ? KIND_LABEL[m.type] : undefined;
  const label = key ? tr(key) : undefined;
  if (label && m.type === 'reaction') return clip(`${label} ${text}`.trim());
  if (label) return clip(text ? `${label} · ${text}` : label);
  return tr('notify.newMessage');
}

/** Remembers each thread's last notification, to coalesce bursts. */
export class MessageNotifier {
  private readonly last = new Map<number, { at: number; count: number }>();

  decide(messages: readonly NewMessage[], ctx: NotificationContext): MessageNotification[] {
    const inbound = messages.filter((m) => m.kind === 'message' && m.direction === 'in');
    if (inbound.length === 0 || ctx.dnd || (ctx.window.visible && ctx.window.focused)) return [];
    const byThread = new Map<number, NewMessage[]>();
    for (const m of inbound) {
      const list = byThread.get(m.threadId) ?? [];
      list.push(m);
      byThread.set(m.threadId, list);
    }
    const out: MessageNotification[] = [];
    for (const [threadId, list] of byThread) {
      const prev = this.last.get(threadId);
      const replaces = prev !== undefined && ctx.now - prev.at < BURST_MS;
      const count = (replaces ? prev.count : 0) + list.length;
      const newest = list[list.length - 1]!;
      const preview = previewOf(newest);
      const text = notificationText(
        { title: ctx.nameOf(threadId), body: count > 1 ? tr('notify.burst', { count, preview }) : preview },
        ctx.platform ?? process.platform,
      );
      out.push({ threadId, title: text.title, body: text.body, count, replaces });
      this.last.set(threadId, { at: ctx.now, count });
    }
    return out;
  }

  /** The owner opened the thread (or the window): its next message starts afresh. */
  seen(threadId?: number): void {
    if (threadId === undefined) this.last.clear();
    else this.last.delete(threadId);
  }
}

/**
 * Call notifications: one when a customer's call starts ringing (with Answer where the OS has
 * actions), one when it ends missed. None during do-not-disturb — the call is recorded and shows
 * as missed in its thread and in the badge, but the computer stays quiet. Each only once per call.
 */
export function decideCallNotification(
  call: { localId: string; direction: string; state: string; outcome: string | null },
  s: { dnd: boolean; notified: ReadonlySet<string> },
): { kind: 'incoming' | 'missed'; key: string } | null {
  if (call.direction !== 'incoming' || s.dnd) return null;
  if (call.state === 'ringing' && !s.notified.has(call.localId)) return { kind: 'incoming', key: call.localId };
  if (call.state === 'ended' && call.outcome === 'missed' && !s.notified.has(`missed:${call.localId}`))
    return { kind: 'missed', key: `missed:${call.localId}` };
  return null;
}

/**
 * What the incoming-call notification says and offers. Two buttons, Answer and Decline, where the
 * OS shows notification actions (macOS, Windows); the close button only dismisses it — closing is
 * not declining (a dismissed banner must never hang up on a customer). The notification goes away
 * as soon as the call stops ringing (answered here, declined, or ended by the customer). The
 * caller's name is in the body, escaped on Linux (see notification-text.ts).
 */
export function incomingCallNotification(
  callerName: string | null,
  platform: string = process.platform,
): { title: string; body: string; actions: [answer: string, decline: string] } {
  const who = callerName?.replace(/\s+/g, ' ').trim().slice(0, 80) || tr('notify.aCustomer');
  const text = notificationText({ title: tr('notify.incoming.title'), body: tr('notify.incoming.body', { who }) }, platform);
  return { ...text, actions: [tr('notify.incoming.answer'), tr('notify.incoming.decline')] };
}

/** Which incoming-call notifications to close: those whose call is no longer ringing. */
export function callNotificationsToClose(open: Iterable<string>, calls: ReadonlyArray<{ localId: string; state: string }>): string[] {
  const ringing = new Set(calls.filter((c) => c.state === 'ringing').map((c) => c.localId));
  return [...open].filter((id) => !ringing.has(id));
}
