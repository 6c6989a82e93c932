/**
 * What an OS notification may carry, per platform. Customers choose their own names and write
 * whatever they like, and both end up in notifications.
 *
 *  - Linux (and the BSDs): Electron hands title and body to libnotify as they are, and the
 *    freedesktop notification daemons render a subset of HTML in the *body* ("body-markup": GNOME,
 *    KDE — which makes `<a href>` clickable —, dunst, xfce4-notifyd…). So the body is escaped: `&`,
 *    `<`, `>`, `"` and `'` become entities, shown by the daemon as the characters they stand for.
 *    The title (the spec's "summary") is plain text for those daemons — GNOME and dunst escape it
 *    themselves — so it is passed on as written: escaping it would show "&amp;" to the owner.
 *  - macOS and Windows show both as text (Electron builds Windows' toast XML itself): escaping
 *    there would show the entities literally, so nothing changes.
 *
 * Pure: the caller says which platform (the shell passes `process.platform`).
 */

/** Platforms whose notification server renders markup in the body (freedesktop / libnotify). */
export function bodyIsMarkup(platform: string): boolean {
  return platform === 'linux' || platform === 'freebsd' || platform === 'openbsd' || platform === 'netbsd';
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe to put where a notification daemon reads markup. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITY[c]!);
}

/** The notification's title and body as `platform` should receive them (other fields unchanged). */
export function notificationText<T extends { title: string; body: string }>(n: T, platform: string): T {
  return bodyIsMarkup(platform) ? { ...n, body: escapeMarkup(n.body) } : n;
}
