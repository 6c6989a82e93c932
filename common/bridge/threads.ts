/**
 * Bridge contract, threads slice: contacts, conversations and their items, as the window pages
 * through them; search, sending messages and templates, media, export; the call log and the
 * call-back list (both read from the threads' call items).
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

/** The call log's filters: every call, the customers' calls nobody answered, by direction, or the ones that failed. */
export const CallLogFilter = z.enum(['all', 'missed', 'incoming', 'outgoing', 'failed', 'recorded']);
export type CallLogFilter = z.infer<typeof CallLogFilter>;

/** One call in the call log (a call item of some thread, with its customer). */
export const CallLogEntry = z.object({
  itemId: z.number(),
  threadId: z.number(),
  callId: z.string().nullable(),
  contact: Contact,
  at: z.string(),
  direction: z.enum(['in', 'out']),
  /** ringing, answered, completed, missed, declined, no_answer, cancelled, failed (as on the call card). */
  status: z.string(),
  durationSeconds: z.number().nullable(),
  /** Why it failed or ended, in plain words, when known. */
  reason: z.string().nullable(),
  /**
   * Where the customer called from: a call button we sent (`payload` is its payload), a call link
   * (`payload`: its biz_payload), or WhatsApp itself (the chat, the profile, their call log: Meta
   * does not say which); `business` for the calls we placed.
   */
  origin: z.enum(['call_button', 'call_link', 'whatsapp', 'business']),
  payload: z.string().nullable(),
  voicemail: z.boolean(),
});
export type CallLogEntry = z.infer<typeof CallLogEntry>;

/** A customer waiting for a call back: missed, declined, failed or unanswered calls, or a callback request, since the last call that connected. */
export const CallbackEntry = z.object({
  threadId: z.number(),
  contact: Contact,
  /** The oldest waiting call or request (the list is sorted by it, oldest first). */
  waitingSince: z.string(),
  /** The newest waiting call or request, and its item id (marking done covers items up to it; the thread opens at it). */
  lastAt: z.string(),
  upToItemId: z.number(),
  /** How often the customer called, and how often we tried back, without connecting. */
  customerCalls: z.number(),
  ourCalls: z.number(),
  /** The newest waiting call's outcome and direction (null when there is only a callback request). */
  lastOutcome: z.enum(['missed', 'declined', 'failed', 'no_answer']).nullable(),
  lastDirection: z.enum(['in', 'out']).nullable(),
  /** The customer asked for a call back (a callback permission granted outside call hours). */
  callbackRequestedAt: z.string().nullable(),
  /** What the customer wrote since they started waiting (counted up to 100). */
  messagesSince: z.number(),
  lastMessage: z.object({ at: z.string(), type: z.string(), text: z.string().nullable() }).nullable(),
  /**
   * Call permission as the thread records it (WhatsApp's replies and our requests): temporary
   * until `expiresAt` (the window decides with its own clock), permanent, or none; how many
   * permission requests WhatsApp allows now (1 a day, 2 a week, reset by a connected call), when
   * the next one is allowed, and when we last asked without an answer yet.
   */
  permission: z.object({
    status: z.enum(['none', 'temporary', 'permanent']),
    expiresAt: z.string().nullable(),
    requestsLeft: z.number(),
    nextRequestAt: z.string().nullable(),
    askedAt: z.string().nullable(),
  }),
  /** The 24-hour customer-service window (asking inside it needs no template). */
  windowExpiresAt: z.string().nullable(),
});
export type CallbackEntry = z.infer<typeof CallbackEntry>;

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
   * Full-text search over messages and call transcripts, and contacts by name or number.
   * Errors: none of its own.
   */
  search: {
    params: z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(200).default(50) }).strict(),
    result: z.object({
      hits: z.array(
        z.object({
          itemId: z.number(),
          threadId: z.number(),
          at: z.string(),
          snippet: z.string(),
          /** A word spoken in a call: the transcript line (TranscriptLine.index) of the call item `itemId`. */
          line: z.number().int().nonnegative().nullable(),
        }),
      ),
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
  /**
   * Every call with every customer, newest first, older than `before` (keyset pages), optionally filtered.
   * Errors: none of its own.
   */
  listCallLog: {
    params: z
      .object({
        filter: CallLogFilter.default('all'),
        before: PageCursor.nullable().default(null),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    result: z.object({ calls: z.array(CallLogEntry), next: PageCursor.nullable() }),
  },
  /**
   * The call log (with the filter) as CSV, newest first, safe to open in a spreadsheet.
   * Errors: none of its own.
   */
  exportCallLog: {
    params: z.object({ filter: CallLogFilter.default('all') }).strict(),
    result: z.object({ filename: z.string(), mimeType: z.string(), content: z.string() }),
  },
  /**
   * Customers waiting for a call back, oldest waiting first (at most 500).
   * Errors: none of its own.
   */
  listCallbacks: { params: NoParams, result: z.object({ callbacks: z.array(CallbackEntry) }) },
  /**
   * The owner dealt with a customer on the call-back list: off the list until a newer call or request than `upToItemId`.
   * Errors: `not_found` (the conversation is gone).
   */
  markCallbackDone: {
    params: z.object({ threadId: ThreadId, upToItemId: ItemId }).strict(),
    result: z.object({ done: z.literal(true) }),
  },
} as const;

export const threadEvents = {
  /** Something changed in these threads (new items, statuses, unread counts, a call-back marked done); refetch what is shown. */
  threadsChanged: z.object({ threadIds: z.array(z.number()) }),
} as const;
