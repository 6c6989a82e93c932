/** Threads and timeline items for renderer tests, and a fake main that pages them like main does. */
import type { ParamsOf, ResultOf, ThreadSummary, TimelineItem } from '../../../common/bridge-contract.ts';

export function thread(id: number, over: Partial<ThreadSummary> = {}, contact: Partial<ThreadSummary['contact']> = {}): ThreadSummary {
  return {
    id,
    contact: {
      id: 100 + id,
      waId: `55119876500${String(id).padStart(2, '0')}`,
      userId: null,
      profileName: `Customer ${id}`,
      username: null,
      ownerName: null,
      country: 'BR',
      ...contact,
    },
    lastItemAt: new Date(Date.UTC(2026, 10, 25, 12, 0) - id * 60_000).toISOString(),
    lastItem: { kind: 'message', type: 'text', direction: 'in', body: `Hello from ${id}`, status: null },
    unreadCount: 0,
    missedCalls: 0,
    windowExpiresAt: '2026-11-26T12:00:00.000Z',
    ...over,
  };
}

export function item(id: number, over: Partial<TimelineItem> = {}): TimelineItem {
  return {
    id,
    threadId: 1,
    kind: 'message',
    metaId: `wamid.${id}`,
    direction: 'in',
    at: new Date(Date.UTC(2026, 10, 25, 8, 0) + id * 60_000).toISOString(),
    type: 'text',
    body: `Message ${id}`,
    status: null,
    data: {},
    ...over,
  };
}

/** listThreads over a fixed array, newest first, with main's keyset cursor. */
export function pageThreads(all: ThreadSummary[]) {
  return (p: ParamsOf<'listThreads'>): ResultOf<'listThreads'> => {
    const filtered = all.filter((t) => (p.filter === 'unread' ? t.unreadCount > 0 : p.filter === 'missed' ? t.missedCalls > 0 : true));
    const after = p.after ?? null;
    const start = after ? filtered.findIndex((t) => t.id === after.id) + 1 : 0;
    const limit = p.limit ?? 50;
    const threads = filtered.slice(start, start + limit);
    const last = threads.at(-1);
    return { threads, next: threads.length === limit && last ? { at: last.lastItemAt!, id: last.id } : null };
  };
}

/** getTimeline over items kept oldest first, answering newest first like main. */
export function pageTimeline(items: () => TimelineItem[], window = { open: true, expiresAt: '2026-11-26T12:00:00.000Z' }) {
  return (p: ParamsOf<'getTimeline'>): ResultOf<'getTimeline'> => {
    const newestFirst = items()
      .filter((i) => i.threadId === p.threadId)
      .slice()
      .reverse();
    const cursor = (i: TimelineItem | undefined) => (i ? { at: i.at, id: i.id } : null);
    // A page centred on an item, and pages newer than a cursor: main's semantics (app-services getTimeline).
    if (p.aroundItemId) {
      const at = newestFirst.findIndex((i) => i.id === p.aroundItemId);
      if (at < 0) throw new Error('That message is no longer in this conversation.');
      const half = Math.max(1, Math.floor((p.limit ?? 50) / 2));
      const newer = newestFirst.slice(Math.max(0, at - half), at);
      const older = newestFirst.slice(at + 1, at + 1 + half);
      return {
        items: [...newer, newestFirst[at]!, ...older],
        next: older.length === half ? cursor(older.at(-1)) : null,
        newer: newer.length === half ? cursor(newer[0]) : null,
        window,
      };
    }
    if (p.after) {
      const from = newestFirst.findIndex((i) => i.id === p.after!.id);
      const limit = p.limit ?? 50;
      const newer = newestFirst.slice(Math.max(0, from - limit), from);
      return { items: newer, next: null, newer: newer.length === limit ? cursor(newer[0]) : null, window };
    }
    const before = p.before ?? null;
    const start = before ? newestFirst.findIndex((i) => i.id === before.id) + 1 : 0;
    const limit = p.limit ?? 50;
    const page = newestFirst.slice(start, start + limit);
    const last = page.at(-1);
    return { items: page, next: page.length === limit && last ? { at: last.at, id: last.id } : null, newer: null, window };
  };
}
