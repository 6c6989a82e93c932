/**
 * The pickup-rate guard's rules (issue 17), shared by main (which counts the local call records)
 * and the window (which warns).
 *
 *  - Business-initiated calls: WhatsApp counts the calls to one customer that went unanswered (or
 *    were rejected) in a row. After 2 it nudges the customer to review their permission; after 4
 *    it revokes the permission (calling-api.md §4.2; sandbox numbers 5 and 10, not modelled here).
 *    `streakWarning(n)` says what one more unanswered call would cost.
 *  - Customers' calls: the share picked up. WhatsApp hides the call button from customers when too
 *    many of their calls go unanswered (§4.5; no threshold is published), so the owner sets their
 *    own (default 80 %) and is told when the rate falls below it.
 *
 * Pure TypeScript: no Node built-ins, no DOM.
 */

/** WhatsApp nudges the customer after this many unanswered business calls in a row… */
export const NUDGE_AFTER_UNANSWERED = 2;
/** …and revokes the call permission after this many. */
export const REVOKE_AFTER_UNANSWERED = 4;

export const PICKUP_THRESHOLD = { min: 10, max: 100, default: 80 } as const;
/** Fewer customer calls than this in a period say nothing about the rate: no alarm. */
export const PICKUP_MIN_CALLS = 3;

/**
 * What the next call to a customer risks, given how many business calls to them went unanswered
 * in a row: `revoke` — if it goes unanswered too, WhatsApp revokes the permission; `last_but_one`
 * — if it goes unanswered, the one after it will cost the permission; `none` otherwise.
 */
export function streakWarning(unansweredInARow: number): 'none' | 'last_but_one' | 'revoke' {
  if (unansweredInARow >= REVOKE_AFTER_UNANSWERED - 1) return 'revoke';
  if (unansweredInARow >= REVOKE_AFTER_UNANSWERED - 2) return 'last_but_one';
  return 'none';
}

/** Picked-up share in percent (rounded down), or null when there were no calls. */
export function pickupPercent(answered: number, total: number): number | null {
  return total > 0 ? Math.floor((answered * 100) / total) : null;
}

/** Whether a period's rate is below the owner's threshold (and there were enough calls to tell). */
export function belowThreshold(answered: number, total: number, threshold: number): boolean {
  const rate = pickupPercent(answered, total);
  return rate !== null && total >= PICKUP_MIN_CALLS && rate < threshold;
}
