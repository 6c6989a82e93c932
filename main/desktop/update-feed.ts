/**
 * Where updates come from. A packaged build checks the feed electron-builder wrote into it at build
 * time (`app-update.yml`, from `publish` in electron-builder.yml: the project's GitHub releases).
 * What electron-updater then installs is checked against the build's own signature: on Windows
 * the installer's Authenticode signature must name `win.signtoolOptions.publisherName`
 * (`verifyUpdateCodeSignature`, on by default), on macOS Squirrel.Mac refuses an update not signed
 * like the running app. A development build never checks.
 *
 * `SWITCHBOARD_UPDATE_URL` may point a packaged build at another generic feed (a self-hosted mirror,
 * a test feed): https only and without credentials, else it is refused — logged, and the built-in
 * feed is used. The signature checks above apply to it all the same.
 */
export type UpdateFeed =
  | { check: false; reason: 'development' }
  | { check: true; feed: 'built-in'; refusedOverride?: true }
  | { check: true; feed: { provider: 'generic'; url: string } };

export function updateFeed(o: { isPackaged: boolean; override: string | undefined }): UpdateFeed {
  if (!o.isPackaged) return { check: false, reason: 'development' };
  if (!o.override) return { check: true, feed: 'built-in' };
  let url: URL | null;
  try {
    url = new URL(o.override);
  } catch {
    url = null;
  }
  if (!url || url.protocol !== 'https:' || url.username || url.password) return { check: true, feed: 'built-in', refusedOverride: true };
  return { check: true, feed: { provider: 'generic', url: url.href } };
}
