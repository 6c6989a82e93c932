/**
 * Bridge contract, threads slice: contacts, conversations and their items, as the window pages
 * through them; search, sending messages and templates, media, export.
 * Handlers: main/threads/threads-handlers.ts. Error codes: see shared.ts.
 */
import { z } from 'zod';
import { NoParams, ThreadId, ThreadParams } from './shared.ts';

export const Contact = z.object({
  id: z.number(),
  waId: z.string().nullable(),
  userId: z.string().nullable(),
  profileName: z.string().nullable(),
  username: z.string().nullable(),
  ownerName: z.string().nullable(),
  country: z.string().nullable(),
});

export const ThreadSummary = z.object({
  id: z.number(),
  contact: Contact,
  lastItemAt: z.string().nullable(),
  lastItem: z
    .object({
      kind: z.string(),
      type: z.string(),
      direction: z.string().nullable(),
      body: z.string().nullable(),
      status: z.string().nullable(),
    })
    .nullable(),
  unreadCount: z.number(),
  missedCalls: z.number(),
  windowExpiresAt: z.string().nullable(),
});
export type ThreadSummary = z.infer<typeof ThreadSummary>;

export const TimelineItem = z.object({
  id: z.number(),
  threadId: z.number(),
  kind: z.enum(['message', 'call', 'system']),
  metaId: z.string().nullable(),
  direction: z.enum(['in', 'out']).nullable(),
  at: z.string(),
  type: z.string(),
  body: z.string().nullable(),
  status: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type TimelineItem = z.infer<typeof TimelineItem>;

/** Keyset cursor: the (at, id) of the last item of the previous page. */
export const PageCursor = z.object({ at: z.string().max(40), id: z.number().int().nonnegative() }).strict();

/** A timeline item's id (`items.id`). */
const ItemId = z.number().int().positive();

/** One conversation and the owner's notes on the customer. */
const ThreadWithNotes = z.object({ thread: ThreadSummary.nullable(), notes: z.string().nullable() });

export const threadRequests = {
  /**
   * Threads, most recent first (keyset pages).
   * Errors: none of its own.
   */
  listThreads: {
    params: z
      .object({
        filter: z.enum(['all', 'unread', 'missed']).default('all'),
        after: PageCursor.nullable().default(null),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    result: z.object({ threads: z.array(ThreadSummary), next: PageCursor.nullable() }),
  },
  /**
   * A thread's items, newest first, older than `before` (keyset pages; cost independent of length).
   * Errors: `not_found` (the conversation is gone, or `aroundItemId` is not in it).
   */
  getTimeline: {
    params: z
      .object({
        threadId: ThreadId,
        /** Older than this (scrolling up). */
        before: PageCursor.nullable().default(null),
        /** Newer than this (scrolling down after a jump). */
        after: PageCursor.nullable().default(null),
        /** A page centred on this item (jumping to a search hit, however old). */
        aroundItemId: ItemId.nullable().default(null),
        limit: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    result: z.object({
      items: z.array(TimelineItem),
      /** Cursor for older items (null at the beginning of the thread). */
      next: PageCursor.nullable(),
      /** Cursor for newer items (null when the newest item is included). */
      newer: PageCursor.nullable(),
      window: z.object({ open: z.boolean(), expiresAt: z.string().nullable() }),
    }),
  },
  /**
   * One thread (also one without items yet, e.g. opened from a call link) and the owner's notes.
   * Errors: none of its own (`thread: null` when it does not exist).
   */
  getThread: { params: ThreadParams, result: ThreadWithNotes },
  /**
   * The owner's own name for the customer, and notes (empty clears them).
   * Errors: `not_found`.
   */
  updateContact: {
    params: z.object({ threadId: ThreadId, ownerName: z.string().max(100).nullable(), notes: z.string().max(2000).nullable() }).strict(),
    result: ThreadWithNotes,
  },
  /**
   * Full-text search over messages, and contacts by name or number.
   * Errors: none of its own.
   */
  search: {
    params: z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(200).default(50) }).strict(),
    result: z.object({
      hits: z.array(z.object({ itemId: z.number(), threadId: z.number(), at: z.string(), snippet: z.string() })),
      contactIds: z.array(z.number()),
    }),
  },
  /**
   * The owner opened a thread: clears its unread count and marks it read on WhatsApp.
   * Errors: none of its own (a failed read receipt is only logged).
   */
  openThread: { params: ThreadParams, result: z.object({ opened: z.literal(true) }) },
  /**
   * Sends free text inside the 24-hour window (refused with code `window_closed` outside it).
   * Errors: `invalid_params` (empty, or over 4,096 characters once trimmed), `not_connected`,
   * `not_found`, `window_closed`. Graph's refusal is not an error: the item comes back `failed`,
   * with the reason in `data.error`.
   */
  sendTextMessage: { params: z.object({ threadId: ThreadId, text: z.string().max(4096) }).strict(), result: TimelineItem },
  /**
   * Sends a failed message again.
   * Errors: `invalid_params` (the item is not an outgoing message that failed), then those of
   * `sendTextMessage`.
   */
  retryMessage: { params: z.object({ itemId: ItemId }).strict(), result: TimelineItem },
  /**
   * The business's approved templates (for the composer outside the 24-hour window).
   * Errors: `not_connected`, `graph_<code>`.
   */
  listTemplates: {
    params: NoParams,
    result: z.object({
      templates: z.array(
        z.object({
          name: z.string(),
          language: z.string(),
          category: z.string().nullable(),
          body: z.string(),
          parameterCount: z.number(),
          buttons: z.array(z.string()),
        }),
      ),
    }),
  },
  /**
   * Sends an approved template with its body parameters.
   * Errors: `not_connected`, `graph_<code>` (reading the templates), `invalid_params` (no such
   * approved template, or not every parameter filled in), `not_found`. Graph's refusal of the
   * message itself is not an error: the item comes back `failed`.
   */
  sendTemplate: {
    params: z
      .object({
        threadId: ThreadId,
        name: z.string().max(512),
        language: z.string().max(20),
        parameters: z.array(z.string().max(1024)).max(20),
      })
      .strict(),
    result: TimelineItem,
  },
  /**
   * An inbound item's media (downloaded once through Graph, then kept), base64.
   * Errors: `not_found` (the item has no media), `not_connected`, `graph_<code>` (`graph_100`:
   * WhatsApp no longer has the file), `too_large`, `download_failed`, `download_refused` (the download address is not https, or redirects to one that is not).
   */
  getMedia: {
    params: z.object({ itemId: ItemId }).strict(),
    result: z.object({ mimeType: z.string(), base64: z.string(), bytes: z.number() }),
  },
  /**
   * The whole thread as JSON or CSV, for record keeping.
   * Errors: `not_found`.
   */
  exportThread: {
    params: z.object({ threadId: ThreadId, format: z.enum(['json', 'csv']) }).strict(),
    result: z.object({ filename: z.string(), mimeType: z.string(), content: z.string() }),
  },
} as const;

export const threadEvents = {
  /** Something changed in these threads (new items, statuses, unread counts); refetch what is shown. */
  threadsChanged: z.object({ threadIds: z.array(z.number()) }),
} as const;
