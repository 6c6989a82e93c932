/**
 * Low pickup rate enforcement for customers' calls (calling-api.md §4.5): when too many
 * user-initiated calls go unanswered, Meta first warns (`account_update` ACCOUNT_VIOLATION with
 * `violation_info.violation_type: USER_INITIATED_CALLS_LOW_PICKUP_RATE` and a remediation), then
 * hides the call button (`RESTRICTED_USER_INITIATED_CALLING_CALL_BUTTON_HIDDEN`, reported in the
 * settings' `restrictions` and by an ACCOUNT_RESTRICTION `account_update`), undone only by hand in
 * WhatsApp Manager. Meta publishes no threshold, so this module guesses, strictly: a run of
 * unanswered customer calls in a row — every user-initiated call that ended without the business
 * accepting it (rang out, rejected, or hung up by the caller) — warns after `warnAfter` (default 3)
 * and restricts after `restrictAfter` (default 5); an accepted call ends the run. The restriction
 * has no expiration and stays until the control API lifts it (`PUT /_sim/restrictions`). Off unless
 * the seed or `PUT /_sim/config` sets `lowPickup` (the run is counted either way).
 * The webhooks' texts are the remediation texts of Meta's samples
 * (`webhook-account-update-low-pickup-*.json`).
 */
import type { SimContext } from './context.ts';

export const CALL_BUTTON_HIDDEN = 'RESTRICTED_USER_INITIATED_CALLING_CALL_BUTTON_HIDDEN';

const WARNING_REMEDIATION =
  'Please identify and address the cause of user-initiated calls not being picked up and make sure the business is properly resourced to handle expected call volumes.';
const HIDDEN_REMEDIATION =
  'The call button has been hidden due to low pickup rates. Please identify and address the cause of user-initiated calls not being picked up.  Next, display the calling buttons by either working with your partner or going to WhatsApp Manager > Account tools > Phone numbers > select Phone number > Calls > toggle on Display call buttons';

export class PickupWatch {
  private readonly ctx: SimContext;
  /** User-initiated calls in a row that the business did not pick up. */
  unansweredInARow = 0;
  private warned = false;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
  }

  /** A user-initiated call ended; `accepted` when the business had picked it up. */
  onCustomerCallEnded(accepted: boolean): void {
    if (accepted) {
      this.unansweredInARow = 0;
      this.warned = false;
      return;
    }
    this.unansweredInARow++;
    if (!this.ctx.config.lowPickup) return; // enforcement off (the default)
    const { warnAfter, restrictAfter } = this.ctx.config.lowPickup;
    if (this.unansweredInARow >= warnAfter && !this.warned) {
      this.warned = true;
      this.ctx.webhooks.emit('account_update', {
        phone_number: this.ctx.business.displayPhoneNumber,
        event: 'ACCOUNT_VIOLATION',
        violation_info: { violation_type: 'USER_INITIATED_CALLS_LOW_PICKUP_RATE', remediation: WARNING_REMEDIATION },
      });
      this.ctx.events.emit('pickup.warning', { unansweredInARow: this.unansweredInARow });
    }
    if (this.unansweredInARow >= restrictAfter && !this.ctx.state.restrictions.some((r) => r.type === CALL_BUTTON_HIDDEN)) {
      this.ctx.state.restrictions.push({
        type: CALL_BUTTON_HIDDEN,
        reason: 'The call button has been hidden due to low pickup rates.',
      });
      this.ctx.webhooks.emit('account_update', {
        phone_number: this.ctx.business.displayPhoneNumber,
        event: 'ACCOUNT_RESTRICTION',
        restriction_info: [{ restriction_type: CALL_BUTTON_HIDDEN, remediation: HIDDEN_REMEDIATION }],
      });
      this.ctx.events.emit('pickup.restricted', { unansweredInARow: this.unansweredInARow });
    }
  }
}
