/**
 * OS notifications and the dock/taskbar badge: incoming and missed calls, new customer messages
 * while the window is in the background, and the unread + missed count. What to show is decided by
 * `main/desktop/message-notifications.ts` and `main/desktop/badge.ts`; this shows it.
 */
import { app, nativeImage, Notification } from 'electron';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { customerDisplayName } from '../../common/rules/customer.ts';
import { debouncedBadge, dotPng } from '../desktop/badge.ts';
import {
  callNotificationsToClose,
  decideCallNotification,
  incomingCallNotification,
  MessageNotifier,
} from '../desktop/message-notifications.ts';
import { notificationText } from '../desktop/notification-text.ts';
import { tr } from '../i18n/tr.ts';
import type { DesktopOptions } from './desktop.ts';

/** "14155550100" → "+1 415 555 0100", as the renderer shows a number it has no country for. */
function internationalNumber(waId: string): string {
  const phone = parsePhoneNumberFromString(`+${waId}`);
  return phone?.isPossible() ? phone.formatInternational() : `+${waId}`;
}

/** The fields of a `call` event the notifications read. */
export interface CallEvent {
  localId: string;
  state: string;
  direction: string;
  outcome: string | null;
  threadId: number | null;
}

export interface DesktopNotifications {
  /** The window came to the front: the owner has seen what it shows. */
  seen: () => void;
  onThreadsChanged: () => void;
  onCall: (call: CallEvent) => void;
  dispose: () => void;
}

export function setupNotifications(o: DesktopOptions): DesktopNotifications {
  const { services, log } = o;
  const dnd = (): boolean => services.desktop.dndActive();
  const openThread = (threadId: number | null): void => {
    o.showWindow();
    if (threadId !== null) services.events.emit('navigate', { threadId, offerCall: false });
  };

  // The dock / taskbar badge: unread messages + missed calls (debounced; only when it changes).
  const overlay = process.platform === 'win32' ? nativeImage.createFromBuffer(dotPng(16)) : null;
  const badge = debouncedBadge(
    () => services.threads.badgeTotals(),
    (b) => {
      try {
        if (process.platform === 'win32') {
          const w = o.window();
          if (w && !w.isDestroyed()) w.setOverlayIcon(b.count > 0 ? overlay : null, b.description);
        } else app.setBadgeCount(b.count);
      } catch (err) {
        log.warn('desktop.badge_failed', { error: (err as Error).message });
      }
    },
  );
  badge.refresh();

  // The customer's name by the rule the thread list and the ringing card use (common/rules).
  const nameOf = (threadId: number): string => {
    const c = services.threads.thread(threadId)?.contact;
    return (c && customerDisplayName(c, internationalNumber)) || tr('notify.aCustomer');
  };

  // New customer messages while the window is in the background (see message-notifications.ts).
  const notifier = new MessageNotifier();
  const messageNotes = new Map<number, Notification>();
  let seenItemId = services.threads.latestItemId();
  const notifyMessages = (): void => {
    const fresh = services.threads.inboundMessagesAfter(seenItemId, 200);
    if (fresh.length === 0) return;
    seenItemId = fresh[fresh.length - 1]!.id;
    if (!Notification.isSupported()) return;
    const w = o.window();
    const decisions = notifier.decide(fresh, {
      window: { visible: !!w && !w.isDestroyed() && w.isVisible(), focused: !!w && !w.isDestroyed() && w.isFocused() },
      dnd: dnd(),
      now: Date.now(),
      nameOf,
      platform: process.platform,
    });
    for (const d of decisions) {
      if (d.replaces) messageNotes.get(d.threadId)?.close();
      const n = new Notification({ title: d.title, body: d.body, silent: false });
      n.on('click', () => {
        notifier.seen(d.threadId);
        openThread(d.threadId);
      });
      messageNotes.set(d.threadId, n);
      n.show();
    }
  };

  // Calls: ringing (with Answer / Decline) and missed.
  const ringingNotes = new Map<string, Notification>();
  const notified = new Set<string>();
  const onCall = (call: CallEvent): void => {
    if (call.state === 'ended') badge.refresh();
    // A ringing notification goes as soon as its call stops ringing (answered, declined, ended).
    for (const id of callNotificationsToClose(ringingNotes.keys(), services.calls.list())) {
      ringingNotes.get(id)?.close();
      ringingNotes.delete(id);
    }
    const d = decideCallNotification(call, { dnd: dnd(), notified });
    if (!d || !Notification.isSupported()) return;
    notified.add(d.key);
    if (d.kind === 'incoming') {
      const text = incomingCallNotification(call.threadId === null ? null : nameOf(call.threadId), process.platform);
      const n = new Notification({
        title: text.title,
        body: text.body,
        urgency: 'critical',
        actions: text.actions.map((a) => ({ type: 'button' as const, text: a })),
        timeoutType: 'never',
      });
      n.on('action', (_event, index) => {
        // Refused while another call is up (a waiting call): the window shows it with End & answer.
        if (index === 0) {
          if (!services.calls.answer(call.localId)) openThread(call.threadId);
        } else if (index === 1) services.calls.decline(call.localId);
      });
      n.on('click', () => openThread(call.threadId));
      ringingNotes.set(call.localId, n);
      n.show();
    } else {
      const n = new Notification({
        ...notificationText({ title: tr('notify.missed.title'), body: tr('notify.missed.body') }, process.platform),
      });
      n.on('click', () => openThread(call.threadId));
      n.show();
    }
  };

  return {
    seen: () => notifier.seen(),
    onThreadsChanged: () => {
      badge.refresh();
      notifyMessages();
    },
    onCall,
    dispose: () => badge.dispose(),
  };
}
