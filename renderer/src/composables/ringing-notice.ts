/**
 * A ringing call must be noticed by someone who cannot hear the ringtone, or is looking at another
 * tab or window. While a call rings here (main asked the window to ring it: never under
 * do-not-disturb, never for a call waiting behind a live one), this:
 *  - puts "Ringing: Ana Souza" in the window title (restored after);
 *  - draws a dot over the favicon (a canvas copy of the icon swapped into <link rel=icon>; the
 *    original link is put back after);
 *  - in the browser host only, shows a web Notification. The desktop app's main process already
 *    shows a native one with Answer / Decline (main/shell/desktop-notifications.ts): the window
 *    never adds a second. Silence does not close it: the call is still waiting for an answer.
 * The screen reader's announcement is the live region in RingingNotice.vue.
 *
 * Decision: the browser notification is a plain one whose click brings the window to the front,
 * where the ringing card has focus (Enter answers). Answer / Decline buttons on a web notification
 * need a service worker registration (`registration.showNotification`), which would install a
 * persistent worker on the host's origin, a script the host must serve, and a second path by
 * which a call can be answered outside the window's own controls. One click more was judged the
 * better trade. Closing the notification never declines the call.
 */

export interface NoticeDeps {
  document: Document;
  /** The web Notification constructor where the window may use it (browser host, permission given), else null. */
  notification: () => typeof Notification | null;
  /** Draws the icon at `href` with a dot; resolves to an image URL, or null when it cannot. */
  badge: (href: string) => Promise<string | null>;
  focusWindow: () => void;
}

export interface NoticeText {
  title: (name: string) => string;
  notificationTitle: () => string;
  notificationBody: (name: string) => string;
}

/** Draws `href` on a 64×64 canvas with a red dot at its top right; a PNG data URL, or null (no canvas). */
export async function badgedIcon(href: string, doc: Document = document): Promise<string | null> {
  const size = 64;
  const canvas = doc.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext('2d');
  if (!g) return null;
  const img = new Image();
  img.src = href;
  try {
    await img.decode();
    g.drawImage(img, 0, 0, size, size);
  } catch {
    // The icon could not be drawn: the dot alone still says "look here".
  }
  // A white ring keeps the dot apart from the icon in light and dark tab strips alike.
  g.beginPath();
  g.arc(size - 17, 17, 17, 0, Math.PI * 2);
  g.fillStyle = '#ffffff';
  g.fill();
  g.beginPath();
  g.arc(size - 17, 17, 13, 0, Math.PI * 2);
  g.fillStyle = '#d93644';
  g.fill();
  return canvas.toDataURL('image/png');
}

export class RingingNotice {
  private localId: string | null = null;
  private savedTitle: string | null = null;
  private iconLink: HTMLLinkElement | null = null;
  private badgeLink: HTMLLinkElement | null = null;
  private note: Notification | null = null;

  private readonly deps: NoticeDeps;
  private readonly text: NoticeText;

  constructor(deps: NoticeDeps, text: NoticeText) {
    this.deps = deps;
    this.text = text;
  }

  get active(): string | null {
    return this.localId;
  }

  /** A call began ringing here (or the caller's name became known): title, favicon dot. */
  show(localId: string, name: string): void {
    const doc = this.deps.document;
    if (this.localId !== localId) {
      this.clear();
      this.localId = localId;
      this.savedTitle = doc.title;
      void this.swapIcon(localId);
    }
    doc.title = this.text.title(name);
  }

  /** Once per call, when the caller's name is known (or given up on): the browser notification. */
  notify(localId: string, name: string): void {
    if (this.localId !== localId || this.note) return;
    const N = this.deps.notification();
    if (!N) return;
    try {
      const note = new N(this.text.notificationTitle(), {
        body: this.text.notificationBody(name),
        tag: `switchboard-call-${localId}`,
        requireInteraction: true,
        // The ringtone is the sound; the notification is for the eyes.
        silent: true,
      });
      note.onclick = () => {
        this.deps.focusWindow();
        note.close();
      };
      this.note = note;
    } catch {
      // Some browsers allow notifications only from a service worker: the title and icon still show it.
    }
  }

  /** The call stopped ringing here (answered, declined, ended, or another took its place). */
  clear(): void {
    if (this.localId === null) return;
    this.localId = null;
    const doc = this.deps.document;
    if (this.savedTitle !== null) doc.title = this.savedTitle;
    this.savedTitle = null;
    if (this.badgeLink && this.iconLink) this.badgeLink.replaceWith(this.iconLink);
    this.badgeLink = null;
    this.iconLink = null;
    this.note?.close();
    this.note = null;
  }

  private async swapIcon(localId: string): Promise<void> {
    const doc = this.deps.document;
    const link = doc.querySelector<HTMLLinkElement>('link[rel~="icon"]');
    if (!link) return;
    const url = await this.deps.badge(link.href).catch(() => null);
    // Stopped ringing (or another call rings) while the dot was drawn: leave the icon alone.
    if (!url || this.localId !== localId || this.badgeLink) return;
    // A new <link> rather than a new href: browsers reliably repaint the tab's icon for a new element.
    const badge = doc.createElement('link');
    badge.rel = 'icon';
    badge.type = 'image/png';
    badge.href = url;
    badge.dataset['ringing'] = 'true';
    link.replaceWith(badge);
    this.iconLink = link;
    this.badgeLink = badge;
  }
}
