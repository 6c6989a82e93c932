/**
 * Call recordings and transcripts (part of the composition root): the owner's settings, the
 * fetcher that downloads each file as its webhook arrives, and their bridge handlers.
 */
import path from 'node:path';
import type { AccountService } from '../account/account-service.ts';
import type { ConfigStore } from '../account/config-store.ts';
import type { Logger } from '../core/log.ts';
import { RecordingFetcher } from '../recordings/recording-fetcher.ts';
import { RecordingSettingsService } from '../recordings/recording-settings.ts';
import { RecordingStore } from '../recordings/recording-store.ts';
import { recordingHandlers } from '../recordings/recordings-handlers.ts';
import { transcriptText as linesAsText } from '../recordings/transcript.ts';
import { tr } from '../i18n/tr.ts';
import type { Database } from '../storage/database.ts';
import type { ThreadStore } from '../threads/thread-store.ts';
import type { WebhookInbox } from '../webhooks/inbox.ts';

export function startRecordings(d: {
  dataDir: string;
  db: Database;
  inbox: WebhookInbox;
  threads: ThreadStore;
  account: AccountService;
  config: ConfigStore;
  log: Logger;
  clock: () => Date;
}): {
  settings: RecordingSettingsService;
  fetcher: RecordingFetcher;
  store: RecordingStore;
  handlers: ReturnType<typeof recordingHandlers>;
  /** A call's transcript as text for exports ("[Business] …", "[Customer] …" in the owner's language), or null. */
  transcriptText: (itemId: number) => string | null;
} {
  const settings = new RecordingSettingsService(d.config);
  const store = new RecordingStore(d.db);
  const fetcher = new RecordingFetcher({
    store,
    threads: d.threads,
    account: d.account,
    dir: path.join(d.dataDir, 'recordings'),
    log: d.log.child('recordings'),
    clock: d.clock,
  });
  d.inbox.subscribe((e) => fetcher.onDomainEvent(e));
  // Files whose webhook arrived before the app last stopped.
  fetcher.resume();
  const transcriptText = (itemId: number): string | null => {
    const lines = store.transcriptOf(itemId);
    if (lines.length === 0) return null;
    return linesAsText(lines, { business: tr('recording.export.business'), customer: tr('recording.export.customer') });
  };
  return { settings, fetcher, store, handlers: recordingHandlers({ settings, fetcher, store }), transcriptText };
}
