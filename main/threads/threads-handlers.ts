/** Bridge handlers for conversations: the list, search, a thread's timeline, sending, media, export; the call log and the call-back list. */
import path from 'node:path';
import type { HandlersFor, threadRequests } from '../../common/bridge-contract.ts';
import { DomainError } from '../core/domain-error.ts';
import { tr } from '../i18n/tr.ts';
import type { CallLog } from './call-log.ts';
import type { CallbackList } from './callback-list.ts';
import type { MessagingService } from './messaging-service.ts';
import type { ThreadChanges } from './thread-changes.ts';
import type { ThreadStore } from './thread-store.ts';

export interface ThreadHandlerDeps {
  threads: ThreadStore;
  messaging: MessagingService;
  changes: ThreadChanges;
  dataDir: string;
  callLog: CallLog;
  callbacks: CallbackList;
  clock?: () => Date;
}

/** The threads slice's requests (common/bridge/threads.ts): adding one there makes the compiler ask for its handler here. */
type ThreadRequests = keyof typeof threadRequests;

type Cursor = { at: string; id: number } | null;
const cursor = (i: { at: string; id: number } | undefined): Cursor => (i ? { at: i.at, id: i.id } : null);

export function threadHandlers(d: ThreadHandlerDeps): HandlersFor<ThreadRequests> {
  const { threads, messaging } = d;
  return {
    listThreads: (p) => {
      const list = threads.listThreads({ filter: p.filter, after: p.after, limit: p.limit });
      const last = list.at(-1);
      return { threads: list, next: list.length === p.limit && last?.lastItemAt ? { at: last.lastItemAt, id: last.id } : null };
    },
    getTimeline: (p) => {
      const window = messaging.windowOf(p.threadId);
      if (p.aroundItemId !== null) {
        const centre = threads.item(p.aroundItemId);
        if (!centre || centre.threadId !== p.threadId) throw new DomainError('not_found', tr('thread.messageGone'));
        const half = Math.max(1, Math.floor(p.limit / 2));
        const older = threads.timeline(p.threadId, { before: centre, limit: half });
        const newer = threads.timelineAfter(p.threadId, centre, half);
        return {
          items: [...newer.reverse(), centre, ...older],
          next: older.length === half ? cursor(older.at(-1)) : null,
          newer: newer.length === half ? cursor(newer[0]) : null,
          window,
        };
      }
      if (p.after) {
        const newer = threads.timelineAfter(p.threadId, p.after, p.limit);
        return { items: newer.reverse(), next: null, newer: newer.length === p.limit ? cursor(newer[0]) : null, window };
      }
      const items = threads.timeline(p.threadId, { before: p.before, limit: p.limit });
      return { items, next: items.length === p.limit ? cursor(items.at(-1)) : null, newer: null, window };
    },
    getThread: (p) => ({ thread: threads.thread(p.threadId), notes: threads.notesOf(p.threadId) }),
    updateContact: (p) => {
      if (!threads.contactOfThread(p.threadId)) throw new DomainError('not_found', tr('common.threadGone'));
      threads.updateContact(p.threadId, { ownerName: p.ownerName, notes: p.notes });
      return { thread: threads.thread(p.threadId), notes: threads.notesOf(p.threadId) };
    },
    search: (p) => ({ hits: threads.searchItems(p.query, p.limit), contactIds: threads.searchContacts(p.query) }),
    openThread: async (p) => {
      await messaging.markRead(p.threadId);
      d.changes.flushNow(p.threadId);
      return { opened: true as const };
    },
    sendTextMessage: (p) => messaging.sendText(p.threadId, p.text),
    retryMessage: (p) => messaging.retry(p.itemId),
    listTemplates: async () => ({ templates: await messaging.templates() }),
    sendTemplate: (p) => messaging.sendTemplate(p.threadId, { name: p.name, language: p.language, parameters: p.parameters }),
    getMedia: (p) => messaging.media(p.itemId, path.join(d.dataDir, 'media')),
    exportThread: (p) => messaging.exportThread(p.threadId, p.format),
    listCallLog: (p) => {
      const calls = d.callLog.page({ filter: p.filter, before: p.before, limit: p.limit });
      const last = calls.at(-1);
      return { calls, next: calls.length === p.limit && last ? { at: last.at, id: last.itemId } : null };
    },
    exportCallLog: (p) => d.callLog.exportCsv(p.filter, (d.clock ?? (() => new Date()))()),
    listCallbacks: () => ({ callbacks: d.callbacks.list() }),
    markCallbackDone: (p) => {
      d.callbacks.markDone(p.threadId, p.upToItemId);
      // Every window's list (and the rail's count) refreshes on threadsChanged.
      d.changes.flushNow(p.threadId);
      return { done: true as const };
    },
  };
}
