/**
 * The notice store: whether this browser may show notifications (the browser host only — the
 * desktop app's main process shows native ones, main/shell/desktop-notifications.ts). Permission
 * is asked from a button in Settings → This computer, never on load: browsers refuse or bury a
 * prompt nobody asked for.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export type NotifyPermission = NotificationPermission | 'unsupported';

function current(): NotifyPermission {
  return typeof globalThis.Notification === 'function' ? globalThis.Notification.permission : 'unsupported';
}

export const useNoticeStore = defineStore('notice', () => {
  const permission = ref<NotifyPermission>(current());

  /** Asks the browser (from a click: browsers ignore a request without one). */
  async function requestPermission(): Promise<NotifyPermission> {
    if (typeof globalThis.Notification !== 'function') return (permission.value = 'unsupported');
    try {
      permission.value = await globalThis.Notification.requestPermission();
    } catch {
      permission.value = current();
    }
    return permission.value;
  }

  /** The owner may have changed it in the browser's site settings meanwhile. */
  function refresh(): void {
    permission.value = current();
  }

  return { permission, requestPermission, refresh };
});
