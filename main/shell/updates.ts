/**
 * Updates through electron-updater, for published releases — off unless a feed is configured
 * (`SWITCHBOARD_UPDATE_URL`, a generic electron-builder feed such as https://downloads.example.com/switchboard/),
 * and never in a development build. A failed check is logged, never shown as an error: the app
 * keeps working on the version it has.
 */
import electronUpdater from 'electron-updater';
import type { Logger } from '../core/log.ts';

export function setupUpdates(opts: { isPackaged: boolean; feedUrl: string | undefined; log: Logger }): void {
  if (!opts.isPackaged || !opts.feedUrl) return;
  let url: URL;
  try {
    url = new URL(opts.feedUrl);
  } catch {
    opts.log.warn('updates.bad_feed_url');
    return;
  }
  if (url.protocol !== 'https:') {
    opts.log.warn('updates.feed_not_https');
    return;
  }
  const { autoUpdater } = electronUpdater;
  autoUpdater.setFeedURL({ provider: 'generic', url: url.toString() });
  autoUpdater.autoDownload = true;
  autoUpdater.on('error', (err: Error) => opts.log.warn('updates.check_failed', { error: err.message }));
  autoUpdater.on('update-downloaded', (info: { version: string }) => opts.log.info('updates.downloaded', { version: info.version }));
  void autoUpdater
    .checkForUpdatesAndNotify()
    .catch((err: unknown) => opts.log.warn('updates.check_failed', { error: (err as Error).message }));
}
