/**
 * Bridge contract, desktop slice: how Switchboard behaves on this computer (shortcuts, tray,
 * login, DND), and what main asks the window to show.
 * Handlers: main/desktop/desktop-handlers.ts. Error codes: see shared.ts.
 */
import { z } from 'zod';
import { NoParams } from './shared.ts';

/** A global shortcut as an Electron accelerator ("CommandOrControl+Shift+A"), or null = off. */
const Accelerator = z.string().max(80).nullable();
export const ShortcutsView = z.object({
  answer: Accelerator,
  declineOrHangUp: Accelerator,
  toggleMute: Accelerator,
  showWindow: Accelerator,
});
/** active = registered; taken = another app holds it; invalid = unusable; desktop-only = the browser host registers none. */
export const ShortcutStatus = z.enum(['active', 'off', 'taken', 'invalid', 'desktop-only']);
export const DesktopPreferences = z.object({
  shortcuts: ShortcutsView,
  shortcutStatus: z.object({
    answer: ShortcutStatus,
    declineOrHangUp: ShortcutStatus,
    toggleMute: ShortcutStatus,
    showWindow: ShortcutStatus,
  }),
  defaultShortcuts: ShortcutsView,
  /** Start at login, and if so hidden in the tray. */
  openAtLogin: z.boolean(),
  openAtLoginHidden: z.boolean(),
  /** Do not disturb until (ISO); calls are recorded but do not ring. Null = off. */
  dndUntil: z.string().nullable(),
  /** Under do-not-disturb: decline calls at once (else they ring out on WhatsApp's side, where voicemail can take them). */
  dndDeclineAtOnce: z.boolean(),
  /** True in the desktop app; the browser host stores these but has no tray, login item or global shortcuts. */
  desktop: z.boolean(),
  /** The platform main runs on (shortcut labels: ⌘ on macOS). */
  platform: z.string(),
});
export type DesktopPreferences = z.infer<typeof DesktopPreferences>;

export const desktopRequests = {
  /**
   * Desktop preferences of this computer: global shortcuts (with their registration status), start at login, do not disturb.
   * Errors: none of its own.
   */
  getDesktopPreferences: { params: NoParams, result: DesktopPreferences },
  /**
   * Changes some of them. Shortcuts are checked as a whole (unusable, reserved by the system, the
   * same key twice) and refused with code `shortcut_conflict` and details.fieldErrors (action →
   * message), storing nothing. A shortcut another app holds is stored and reported as `taken`.
   * Errors: `shortcut_conflict` (details.fieldErrors), `invalid_params` (details.field: the
   * settings refuse a value).
   */
  setDesktopPreferences: {
    params: z
      .object({
        shortcuts: ShortcutsView.partial().strict().optional(),
        openAtLogin: z.boolean().optional(),
        openAtLoginHidden: z.boolean().optional(),
        dnd: z.enum(['hour', 'tomorrow', 'off']).optional(),
        dndDeclineAtOnce: z.boolean().optional(),
      })
      .strict(),
    result: DesktopPreferences,
  },
} as const;

export const desktopEvents = {
  /** Main asks the window to show something (a click-to-call link, a notification click). */
  navigate: z.object({ threadId: z.number().nullable(), offerCall: z.boolean() }),
  /** A global shortcut the window acts on (the media engine owns mute). */
  shortcut: z.object({ action: z.enum(['toggleMute']) }),
  /** Desktop preferences changed (here, or from the tray's do-not-disturb menu). */
  desktopPreferences: DesktopPreferences,
} as const;
