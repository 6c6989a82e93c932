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

const RETRY_TRANSIENT_MS = 10 * 60_000;

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
  /** Stops the fetcher and its timer (shutdown). */
  close: () => void;
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
  // Files whose webhook arrived before the app last stopped; then, every 10 minutes, those that
  // failed for want of a network (a laptop that woke offline).
  fetcher.resume();
  const retry = setInterval(() => fetcher.retryTransient(), RETRY_TRANSIENT_MS);
  retry.unref();
  const transcriptText = (itemId: number): string | null => {
    const lines = store.transcriptOf(itemId);
    if (lines.length === 0) return null;
    return linesAsText(lines, { business: tr('recording.export.business'), customer: tr('recording.export.customer') });
  };
  const close = (): void => {
    clearInterval(retry);
    fetcher.close();
  };
  return { settings, fetcher, store, handlers: recordingHandlers({ settings, fetcher, store }), transcriptText, close };
}
