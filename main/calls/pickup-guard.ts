/**
 * The pickup-rate guard (issue 17), from this computer's call records (main/threads/call-records.ts):
 *
 *  - the share of customers' calls picked up over the last 24 hours and 7 days, against the
 *    owner's threshold (default 80 %): WhatsApp hides the call button from customers of a number
 *    whose calls go unanswered too often (calling-api.md §4.5), without publishing the threshold;
 *  - the calls that lowered it (each opens its conversation in the window);
 *  - customers whose business calls went unanswered in a row: WhatsApp nudges them after 2 and
 *    revokes the permission after 4 (§4.2) — the Call button warns before the 3rd and the 4th.
 *
 * What WhatsApp itself reports (restrictions, health) stays with PlatformWarnings; the window
 * shows both side by side. The view is pushed (`callerGuard`) shortly after any call ends.
 */
import type { CallerGuardView } from '../../common/bridge-contract.ts';
import { belowThreshold, NUDGE_AFTER_UNANSWERED, pickupPercent } from '../../common/rules/pickup.ts';
import type { CallRecords } from '../threads/call-records.ts';

const DAY_MS = 24 * 3600_000;

export interface PickupGuardOptions {
  records: CallRecords;
  threshold: () => number;
  clock?: () => Date;
  /** Called with the new view after a change (debounced). */
  onChange?: (view: CallerGuardView) => void;
  /** How long to wait after a call changed before recomputing (default 300 ms). */
  debounceMs?: number;
}

export class PickupGuard {
  private readonly o: PickupGuardOptions;
  private readonly clock: () => Date;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(o: PickupGuardOptions) {
    this.o = o;
    this.clock = o.clock ?? (() => new Date());
  }

  view(): CallerGuardView {
    const now = this.clock();
    const threshold = this.o.threshold();
    const period = (ms: number) => {
      const { answered, total } = this.o.records.pickup(new Date(now.getTime() - ms).toISOString());
      return { answered, total, rate: pickupPercent(answered, total), below: belowThreshold(answered, total, threshold) };
    };
    const weekAgo = new Date(now.getTime() - 7 * DAY_MS).toISOString();
    return {
      threshold,
      day: period(DAY_MS),
      week: period(7 * DAY_MS),
      lowering: this.o.records.unpicked(weekAgo, 20),
      // A permission lasts 7 days: runs older than a month no longer matter.
      streaks: this.o.records.streaks(new Date(now.getTime() - 30 * DAY_MS).toISOString(), NUDGE_AFTER_UNANSWERED),
      computedAt: now.toISOString(),
    };
  }

  /** A call changed: recompute shortly and push the view. */
  changed(): void {
    if (this.timer || !this.o.onChange || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.o.onChange?.(this.view());
    }, this.o.debounceMs ?? 300);
    this.timer.unref?.();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
