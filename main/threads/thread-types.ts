/**
 * The thread store's shapes: contacts, thread summaries, timeline items and the keyset cursor,
 * and how an items row becomes a TimelineItem.
 */

export interface Contact {
  id: number;
  waId: string | null;
  userId: string | null;
  profileName: string | null;
  username: string | null;
  ownerName: string | null;
  country: string | null;
}

export interface ThreadSummary {
  id: number;
  contact: Contact;
  lastItemAt: string | null;
  lastItem: { kind: string; type: string; direction: string | null; body: string | null; status: string | null } | null;
  unreadCount: number;
  missedCalls: number;
  windowExpiresAt: string | null;
}

export interface TimelineItem {
  id: number;
  threadId: number;
  kind: 'message' | 'call' | 'system';
  metaId: string | null;
  direction: 'in' | 'out' | null;
  at: string;
  type: string;
  body: string | null;
  status: string | null;
  data: Record<string, unknown>;
}

export interface Cursor {
  at: string;
  id: number;
}

export interface ItemRow {
  id: number;
  thread_id: number;
  kind: TimelineItem['kind'];
  meta_id: string | null;
  direction: TimelineItem['direction'];
  at: string;
  type: string;
  body: string | null;
  status: string | null;
  data: string;
}

export const toItem = (r: ItemRow): TimelineItem => ({
  id: Number(r.id),
  threadId: Number(r.thread_id),
  kind: r.kind,
  metaId: r.meta_id,
  direction: r.direction,
  at: r.at,
  type: r.type,
  body: r.body,
  status: r.status,
  data: JSON.parse(r.data) as Record<string, unknown>,
});
