/**
 * Bridge contract, callers slice ("Never lose a caller", issue 17): the missed-call reply
 * setting, the pickup-rate guard (customers' calls picked up, business calls unanswered in a row),
 * and the dial pad (a number that has no conversation yet).
 * Handlers: main/calls/callers-handlers.ts. Error codes: see shared.ts.
 */
import { z } from 'zod';
import { MissedCallReply, MissedCallReplyChanges } from '../rules/missed-call-reply.ts';
import { PICKUP_THRESHOLD } from '../rules/pickup.ts';
import { NoParams } from './shared.ts';
import { CallPermissionView } from './calls.ts';
import { Contact } from './threads.ts';

export { MissedCallReply, MissedCallReplyChanges } from '../rules/missed-call-reply.ts';

/** A customer's call that was not picked up (it lowered the pickup rate). */
export const UnansweredCall = z.object({
  itemId: z.number(),
  threadId: z.number(),
  contact: Contact,
  at: z.string(),
  /** missed, declined, failed (as on the call card). */
  status: z.string(),
});

/** The picked-up share of customers' calls over one period. */
export const PickupPeriod = z.object({
  answered: z.number().int(),
  total: z.number().int(),
  /** Percent, rounded down; null when there were no calls. */
  rate: z.number().nullable(),
  /** Below the owner's threshold, with enough calls to tell. */
  below: z.boolean(),
});

/** Customers whose business calls went unanswered several times in a row (WhatsApp nudges at 2, revokes at 4). */
export const UnansweredStreak = z.object({ threadId: z.number(), contact: Contact, count: z.number().int() });

export const CallerGuardView = z.object({
  /** The owner's threshold in percent (default 80). */
  threshold: z.number().int(),
  day: PickupPeriod,
  week: PickupPeriod,
  /** Customers' calls of the last 7 days that were not picked up, newest first (at most 20). */
  lowering: z.array(UnansweredCall),
  /** Customers with two or more business calls unanswered in a row, the longest run first. */
  streaks: z.array(UnansweredStreak),
  computedAt: z.string(),
});
export type CallerGuardView = z.infer<typeof CallerGuardView>;

/** A number as the dial pad sends it: digits with the country code, no "+". */
const DialNumber = z.string().regex(/^[1-9]\d{6,14}$/, 'Type a phone number with its country code.');

export const callerRequests = {
  /**
   * The missed-call reply setting (a setting of this app, kept in main's config).
   * Errors: none of its own.
   */
  getMissedCallReply: { params: NoParams, result: MissedCallReply },
  /**
   * Changes some of it; turning it on starts from now (earlier calls never get a reply).
   * Errors: `invalid_params` (details.field names the value refused).
   */
  setMissedCallReply: { params: MissedCallReplyChanges, result: MissedCallReply },
  /**
   * The pickup rates of customers' calls (24 hours, 7 days), the calls that lowered them and the
   * customers whose business calls went unanswered in a row, from this computer's call records.
   * Errors: none of its own.
   */
  getCallerGuard: { params: NoParams, result: CallerGuardView },
  /**
   * The pickup threshold in percent (10–100).
   * Errors: `invalid_params`.
   */
  setPickupThreshold: {
    params: z.object({ threshold: z.number().int().min(PICKUP_THRESHOLD.min).max(PICKUP_THRESHOLD.max) }).strict(),
    result: CallerGuardView,
  },
  /**
   * The dial pad: whether this number may be called now (WhatsApp's call permission for it), and
   * its conversation if it has one. Nothing is created.
   * Errors: `not_connected`, `graph_<code>`.
   */
  checkNumber: {
    params: z.object({ waId: DialNumber }).strict(),
    result: z.object({ threadId: z.number().nullable(), permission: CallPermissionView }),
  },
  /**
   * The dial pad: this number's conversation, created when it has none (to call or ask to call).
   * Errors: none of its own.
   */
  openNumber: { params: z.object({ waId: DialNumber }).strict(), result: z.object({ threadId: z.number() }) },
} as const;

export const callerEvents = {
  /** The pickup guard changed (a call ended, the threshold changed). */
  callerGuard: CallerGuardView,
  /** Main asks the window to open the dial pad with this number (a click-to-call link for a number without a conversation). */
  dialNumber: z.object({ waId: z.string() }),
} as const;
