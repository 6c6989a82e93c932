/**
 * Updates through electron-updater, for published releases: the feed and what it verifies are
 * decided by `main/desktop/update-feed.ts` (the built-in GitHub releases feed, signatures checked
 * on Windows and macOS; an https-only `SWITCHBOARD_UPDATE_URL` override), and never in a
 * development build. A failed check is logged, never shown as an error: the app keeps working on
 * the version it has.
 */
import electronUpdater from 'electron-updater';
import type { Logger } from '../core/log.ts';
import { updateFeed } from '../desktop/update-feed.ts';

export function setupUpdates(opts: { isPackaged: boolean; feedUrl: string | undefined; log: Logger }): void {
  const plan = updateFeed({ isPackaged: opts.isPackaged, override: opts.feedUrl });
  if (!plan.check) return;
  const { autoUpdater } = electronUpdater;
  if (plan.feed === 'built-in') {
    if (plan.refusedOverride) opts.log.warn('updates.feed_override_refused', { reason: 'not an https URL without credentials' });
  } else {
    opts.log.info('updates.feed_override', { url: plan.feed.url });
    autoUpdater.setFeedURL(plan.feed);
  }
  autoUpdater.autoDownload = true;
  autoUpdater.on('error', (err: Error) => opts.log.warn('updates.check_failed', { error: err.message }));
  autoUpdater.on('update-downloaded', (info: { version: string }) => opts.log.info('updates.downloaded', { version: info.version }));
  void autoUpdater
    .checkForUpdatesAndNotify()
    .catch((err: unknown) => opts.log.warn('updates.check_failed', { error: (err as Error).message }));
}
