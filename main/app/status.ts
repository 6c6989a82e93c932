/**
 * The status line, wired to the account, the platform warnings and the clock check (part of the composition root).
 */
import type { AccountService } from '../account/account-service.ts';
import type { CallingSettingsService } from '../account/calling-settings-service.ts';
import { PlatformWarnings } from '../account/platform-warnings.ts';
import type { WebhookInbox } from '../webhooks/inbox.ts';
import type { ClockSkew } from '../core/clock-skew.ts';
import type { BridgeEventBus } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import { StatusBoard } from '../core/status-board.ts';

/** The status line, kept current from the account, platform warnings and the clock check. */
export function startStatusBoard(d: {
  clock: () => Date;
  account: AccountService;
  keychainProblem: string | null;
  warnings: PlatformWarnings;
  skew: ClockSkew;
  events: BridgeEventBus;
  log: Logger;
}): StatusBoard {
  const a = d.account.account();
  const status = new StatusBoard(
    {
      startedAt: d.clock().toISOString(),
      account: a
        ? { state: 'connected', detail: a.displayPhoneNumber }
        : d.keychainProblem
          ? { state: 'error', detail: d.keychainProblem }
          : { state: 'not_connected', detail: null },
      reachability: { state: 'unknown', since: null, detail: null },
      clock: { offsetMs: null, warn: false },
    },
    (snapshot) => d.events.emit('status', snapshot),
  );
  d.warnings.onChange((list) =>
    status.update((s) => {
      s.warnings = list.map((w) => ({ kind: w.kind, key: w.key, text: w.text, until: w.until, at: w.at }));
    }),
  );
  d.skew.onChange((v) => {
    if (v.warn) d.log.warn('clock.skew', { offsetMs: v.offsetMs, source: v.source });
    status.update((s) => {
      s.clock = { offsetMs: v.offsetMs, warn: v.warn };
    });
  });
  return status;
}

/** What WhatsApp says is wrong with the number (restrictions, health, errors-only webhooks), re-read on its webhooks. */
export function startWarnings(d: {
  account: AccountService;
  callingSettings: CallingSettingsService;
  inbox: WebhookInbox;
  log: Logger;
  clock: () => Date;
}): PlatformWarnings {
  const warnings = new PlatformWarnings({
    graph: () => d.account.graph(),
    phoneNumberId: () => d.account.account()?.phoneNumberId ?? null,
    callingSettings: d.callingSettings,
    log: d.log.child('warnings'),
    clock: d.clock,
  });
  d.inbox.subscribe((e) => warnings.onDomainEvent(e));
  return warnings;
}
