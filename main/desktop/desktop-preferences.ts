/**
 * Desktop preferences of this computer — global shortcuts, start at login (optionally hidden) and
 * do-not-disturb — held in plain Node so the Electron shell and the browser host serve the same
 * bridge requests. The shell attaches a registrar (Electron's `globalShortcut` behind
 * `applyRegistration`) and listens for changes to re-register shortcuts, re-apply the login item and
 * redraw the tray; the browser host has neither, and reports every usable shortcut as
 * `desktop-only`.
 *
 * Shortcut changes are validated as a whole with `checkShortcuts` before anything is stored: one
 * unusable or conflicting shortcut refuses the change (ShortcutConflictError, one message per
 * action) and the stored shortcuts stay as they were.
 */
import type { DesktopPreferences } from '../../common/bridge-contract.ts';
import type { AppConfig } from '../account/config-store.ts';
import {
  changedLast,
  checkShortcuts,
  DEFAULT_SHORTCUTS,
  normaliseAccelerator,
  SHORTCUT_ACTIONS,
  type ShortcutAction,
  type ShortcutMap,
  type ShortcutProblem,
  type ShortcutStatus,
} from './shortcuts.ts';
import { tr } from '../i18n/tr.ts';
import { dndUntil } from './tray-state.ts';

export class ShortcutConflictError extends Error {
  override name = 'ShortcutConflictError';
  readonly problems: ShortcutProblem[];
  constructor(problems: ShortcutProblem[]) {
    super(problems[0]?.message ?? tr('shortcuts.cannotUse'));
    this.problems = problems;
  }
  /** action → message, for the settings screen's rows. */
  get fieldErrors(): Partial<Record<ShortcutAction, string>> {
    const out: Partial<Record<ShortcutAction, string>> = {};
    for (const p of this.problems) out[p.action] ??= p.message;
    return out;
  }
}

/** Registers shortcuts with the OS and says how each went (the shell's globalShortcut). */
export type ShortcutRegistrar = (shortcuts: Record<ShortcutAction, string | null>) => Record<ShortcutAction, ShortcutStatus>;

export interface DesktopPreferencesChange {
  openAtLogin?: boolean;
  openAtLoginHidden?: boolean;
  shortcuts?: ShortcutMap;
  dnd?: 'hour' | 'tomorrow' | 'off';
  dndDeclineAtOnce?: boolean;
}

interface ConfigLike {
  get(): AppConfig;
  update(mutate: (draft: AppConfig) => void): AppConfig;
}

export class DesktopPreferencesService {
  private readonly config: ConfigLike;
  private readonly clock: () => Date;
  private readonly platform: string;
  private registrar: ShortcutRegistrar | null = null;
  private status: Record<ShortcutAction, ShortcutStatus> | null = null;
  private readonly listeners = new Set<(view: DesktopPreferences) => void>();
  private expiry: ReturnType<typeof setTimeout> | null = null;

  constructor(o: { config: ConfigLike; clock?: () => Date; platform?: string }) {
    this.config = o.config;
    this.clock = o.clock ?? (() => new Date());
    this.platform = o.platform ?? process.platform;
    this.scheduleDndExpiry();
  }

  /** Under do-not-disturb, decline calls at once (the owner's choice; default: let them ring out). */
  declineWhenSilenced(): boolean {
    return this.config.get().preferences.dndDeclineAtOnce;
  }

  /** Whether do-not-disturb is on now (calls are recorded but do not ring). */
  dndActive(now = this.clock()): boolean {
    const until = this.config.get().preferences.dndUntil;
    return until !== null && Date.parse(until) > now.getTime();
  }

  shortcuts(): Record<ShortcutAction, string | null> {
    return { ...this.config.get().preferences.shortcuts };
  }

  view(): DesktopPreferences {
    const p = this.config.get().preferences;
    return {
      shortcuts: { ...p.shortcuts },
      shortcutStatus: this.status ?? this.unregisteredStatus(p.shortcuts),
      defaultShortcuts: { ...DEFAULT_SHORTCUTS },
      openAtLogin: p.openAtLogin,
      openAtLoginHidden: p.openAtLoginHidden,
      dndUntil: this.dndActive() ? p.dndUntil : null,
      dndDeclineAtOnce: p.dndDeclineAtOnce,
      desktop: this.registrar !== null,
      platform: this.platform,
    };
  }

  /** The shell hands over its registrar; the stored shortcuts are registered at once. */
  attachRegistrar(registrar: ShortcutRegistrar): DesktopPreferences {
    this.registrar = registrar;
    this.status = registrar(this.shortcuts());
    return this.publish();
  }

  detachRegistrar(): void {
    this.registrar = null;
    this.status = null;
  }

  /** Applies a change; shortcuts are checked first and a conflict stores nothing at all. */
  update(change: DesktopPreferencesChange): DesktopPreferences {
    let nextShortcuts: Record<ShortcutAction, string | null> | null = null;
    if (change.shortcuts) {
      const merged = { ...this.shortcuts() };
      for (const a of SHORTCUT_ACTIONS) {
        const v = change.shortcuts[a];
        if (v !== undefined) merged[a] = v === null || v.trim() === '' ? null : v.trim();
      }
      const changed = SHORTCUT_ACTIONS.filter((a) => change.shortcuts?.[a] !== undefined);
      const problems = checkShortcuts(merged, this.platform, changedLast(changed));
      if (problems.length > 0) throw new ShortcutConflictError(problems);
      for (const a of SHORTCUT_ACTIONS) merged[a] = merged[a] === null ? null : normaliseAccelerator(merged[a])!;
      nextShortcuts = merged;
    }
    this.config.update((c) => {
      if (change.openAtLogin !== undefined) c.preferences.openAtLogin = change.openAtLogin;
      if (change.openAtLoginHidden !== undefined) c.preferences.openAtLoginHidden = change.openAtLoginHidden;
      if (nextShortcuts) c.preferences.shortcuts = nextShortcuts;
      if (change.dnd !== undefined) c.preferences.dndUntil = dndUntil(change.dnd, this.clock());
      if (change.dndDeclineAtOnce !== undefined) c.preferences.dndDeclineAtOnce = change.dndDeclineAtOnce;
    });
    // Re-register: the plan leaves unchanged shortcuts alone, and retries one another app held.
    if (nextShortcuts && this.registrar) this.status = this.registrar(this.shortcuts());
    if (change.dnd !== undefined) this.scheduleDndExpiry();
    return this.publish();
  }

  setDnd(choice: 'hour' | 'tomorrow' | 'off'): DesktopPreferences {
    return this.update({ dnd: choice });
  }

  onChange(listener: (view: DesktopPreferences) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    this.listeners.clear();
  }

  private publish(): DesktopPreferences {
    const view = this.view();
    for (const l of this.listeners) l(view);
    return view;
  }

  private unregisteredStatus(map: Record<ShortcutAction, string | null>): Record<ShortcutAction, ShortcutStatus> {
    const bad = new Set(checkShortcuts(map, this.platform).map((p) => p.action));
    return Object.fromEntries(
      SHORTCUT_ACTIONS.map((a) => [a, map[a] === null ? 'off' : bad.has(a) ? 'invalid' : 'desktop-only']),
    ) as Record<ShortcutAction, ShortcutStatus>;
  }

  /** When do-not-disturb runs out, everyone hears about it (the tray icon, the status bar). */
  private scheduleDndExpiry(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    const until = this.config.get().preferences.dndUntil;
    if (!until) return;
    const ms = Date.parse(until) - this.clock().getTime();
    if (!(ms > 0)) return;
    // setTimeout's limit is ~24.8 days; DND never lasts that long, but stay safe.
    this.expiry = setTimeout(
      () => {
        this.expiry = null;
        this.publish();
      },
      Math.min(ms + 50, 2 ** 31 - 1),
    );
    this.expiry.unref?.();
  }
}
