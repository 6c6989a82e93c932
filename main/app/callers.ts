/**
 * "Never lose a caller" (issue 17), wired to the rest (part of the composition root): the
 * missed-call reply listens to the inbox, the pickup guard recomputes after every call and pushes
 * its view, and a customer's call that ended makes the platform warnings look again soon (WhatsApp
 * may have hidden the call button for a low pickup rate). Click-to-call links for a number without a
 * conversation open the dial pad.
 */
import type { CallingSettingsService } from '../account/calling-settings-service.ts';
import type { ConfigStore } from '../account/config-store.ts';
import type { PlatformWarnings } from '../account/platform-warnings.ts';
import { callerHandlers } from '../calls/callers-handlers.ts';
import type { CallPermissions } from '../calls/call-permissions.ts';
import { MissedCallReplies } from '../calls/missed-call-reply.ts';
import { PickupGuard } from '../calls/pickup-guard.ts';
import type { BridgeEventBus } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import type { Database } from '../storage/database.ts';
import type { CallRecords } from '../threads/call-records.ts';
import type { MessagingService } from '../threads/messaging-service.ts';
import type { ThreadStore } from '../threads/thread-store.ts';
import type { WebhookInbox } from '../webhooks/inbox.ts';

export function startCallers(d: {
  db: Database;
  records: CallRecords;
  threads: ThreadStore;
  messaging: MessagingService;
  callPermissions: CallPermissions;
  callingSettings: CallingSettingsService;
  config: ConfigStore;
  inbox: WebhookInbox;
  warnings: PlatformWarnings;
  events: BridgeEventBus;
  log: Logger;
  clock: () => Date;
}): {
  replies: MissedCallReplies;
  guard: PickupGuard;
  handlers: ReturnType<typeof callerHandlers>;
  openThreadForNumber: (waId: string, offerCall: boolean) => number | null;
  close: () => Promise<void>;
} {
  const { config, events, threads } = d;
  const guard = new PickupGuard({
    records: d.records,
    threshold: () => config.get().callers.pickupThreshold,
    clock: d.clock,
    onChange: (view) => events.emit('callerGuard', view),
  });
  const replies = new MissedCallReplies({
    db: d.db,
    threads: d.threads,
    messaging: d.messaging,
    settings: () => config.get().callers.missedCallReply,
    permission: (threadId) => d.callPermissions.check(threadId),
    // Read fresh for each reply (rare: one per customer per cooldown), so hours just changed in WhatsApp Manager count.
    callHours: async () => (await d.callingSettings.get()).calling.call_hours,
    log: d.log.child('missed-reply'),
    clock: d.clock,
  });
  d.inbox.subscribe((e) => {
    replies.onDomainEvent(e);
    if (e.kind === 'call.connect' || e.kind === 'call.status' || e.kind === 'call.terminate' || e.kind === 'permission.reply')
      guard.changed();
    // A customer's call nobody picked up: WhatsApp may hide the call button now (a low pickup rate).
    if (e.kind === 'call.terminate' && e.direction !== 'outgoing' && threads.callItem(e.callId)?.status !== 'completed')
      d.warnings.callFailed();
  });
  // The controller's own verdicts (declined here, missed, no answer) arrive as `call` events.
  events.subscribe((name, payload) => {
    if (name === 'call' && (payload as { state?: string }).state === 'ended') guard.changed();
  });
  const handlers = callerHandlers({
    config,
    guard,
    callPermissions: d.callPermissions,
    threads: d.threads,
    clock: d.clock,
    onGuardChange: () => guard.changed(),
  });
  replies.catchUp();
  return {
    replies,
    guard,
    handlers,
    // A click-to-call link: its conversation, or the dial pad with the number when it has none
    // (the permission is checked there first).
    openThreadForNumber: (waId, offerCall) => {
      const threadId = threads.threadIdForNumber(waId);
      if (threadId === null) events.emit('dialNumber', { waId });
      else events.emit('navigate', { threadId, offerCall });
      return threadId;
    },
    close: async () => {
      guard.dispose();
      await replies.settled();
    },
  };
}
