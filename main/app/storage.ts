/**
 * The database, the webhook inbox and the thread store projected from it (part of the composition root).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { AccountService } from '../account/account-service.ts';
import type { ClockSkew } from '../core/clock-skew.ts';
import type { BridgeEventBus } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import { openDatabase, type Database } from '../storage/database.ts';
import { CallLog } from '../threads/call-log.ts';
import { CallbackList } from '../threads/callback-list.ts';
import { ThreadChanges } from '../threads/thread-changes.ts';
import { CallRecords } from '../threads/call-records.ts';
import { ThreadStore } from '../threads/thread-store.ts';
import { WebhookInbox } from '../webhooks/inbox.ts';

/** The ISO country of a WhatsApp number (digits with country code), or null. */
function countryOfNumber(waId: string): string | null {
  return parsePhoneNumberFromString(`+${waId}`)?.country ?? null;
}

/**
 * The database, the webhook inbox and the threads projected from it, applied in the same
 * transaction; the call log and the call-back list read the threads' call items.
 */
export function openStorage(
  dataDir: string,
  d: { account: AccountService; skew: ClockSkew; events: BridgeEventBus; log: Logger; clock: () => Date },
): {
  db: Database;
  inbox: WebhookInbox;
  threads: ThreadStore;
  changes: ThreadChanges;
  callLog: CallLog;
  callbacks: CallbackList;
  records: CallRecords;
} {
  const db = openDatabase(dataDir);
  const inbox = new WebhookInbox(db, d.log.child('inbox'), d.clock);
  inbox.setOwnNumber(() => d.account.account()?.phoneNumberId ?? null);
  inbox.onTimestamp = (metaMs, receivedMs) => d.skew.fromWebhook(metaMs, receivedMs);
  const threads = new ThreadStore(db, { clock: d.clock, countryOf: countryOfNumber });
  inbox.addApplier((e, id) => threads.apply(e, id));
  threads.catchUp();
  const changes = new ThreadChanges((threadIds) => d.events.emit('threadsChanged', { threadIds }));
  threads.onChange((id) => changes.mark(id));
  const callbacks = new CallbackList(db, { clock: d.clock });
  // The call records: read by the Call button's warning and by the pickup guard.
  return { db, inbox, threads, changes, callLog: new CallLog(db), callbacks, records: new CallRecords(db) };
}
