/**
 * Global shortcuts in main. The rules for a usable shortcut (and conflict detection) live in
 * common/shortcuts.ts so the settings screen checks exactly what main checks; this module adds the
 * registration decision the shell applies to Electron's `globalShortcut`:
 *
 *   planRegistration(registered now, wanted)  → what to unregister, what to register, what to keep
 *   registrationOutcome(plan, refused)        → what is registered afterwards, and each row's status
 *
 * Everything that is unregistered is released before anything is registered, so swapping two
 * shortcuts (A↔B) works; a shortcut bound to the same key for the same action is left alone (no
 * gap in which a key press is lost); one the OS refused last time is tried again.
 */
import type { DesktopPreferences } from '../../common/bridge-contract.ts';
import { isEngagedCall } from '../../common/rules/call-state.ts';
import { checkShortcuts, normaliseAccelerator, SHORTCUT_ACTIONS, type ShortcutAction, type ShortcutMap } from '../../common/shortcuts.ts';

export * from '../../common/shortcuts.ts';

/** Per action: registered and working, turned off, taken by another app, not a usable shortcut, or not available in this host. */
export type ShortcutStatus = DesktopPreferences['shortcutStatus'][ShortcutAction];
/** What is registered with the OS right now: action → canonical accelerator. */
export type Registered = Partial<Record<ShortcutAction, string>>;

export interface RegistrationPlan {
  /** Accelerators to release first. */
  unregister: string[];
  /** Then these to register (each may be refused by the OS: taken by another app). */
  register: Array<{ action: ShortcutAction; accelerator: string }>;
  /** Already registered exactly like this: left alone. */
  keep: Array<{ action: ShortcutAction; accelerator: string }>;
  /** Turned off (null / empty). */
  off: ShortcutAction[];
  /** Not usable (malformed, reserved by the system, or a duplicate of an earlier action). */
  invalid: ShortcutAction[];
}

export function planRegistration(current: Registered, wanted: ShortcutMap, platform?: string): RegistrationPlan {
  const problems = new Set(checkShortcuts(wanted, platform).map((p) => p.action));
  const plan: RegistrationPlan = { unregister: [], register: [], keep: [], off: [], invalid: [] };
  const target: Registered = {};
  for (const action of SHORTCUT_ACTIONS) {
    const raw = wanted[action];
    if (raw === null || raw === undefined || raw === '') plan.off.push(action);
    else if (problems.has(action)) plan.invalid.push(action);
    else target[action] = normaliseAccelerator(raw)!;
  }
  for (const action of SHORTCUT_ACTIONS) {
    const now = current[action];
    const next = target[action];
    if (now && now === next) plan.keep.push({ action, accelerator: now });
    else {
      if (now) plan.unregister.push(now);
      if (next) plan.register.push({ action, accelerator: next });
    }
  }
  return plan;
}

/** After applying a plan: what is registered, and each action's status for the settings screen. */
export function registrationOutcome(
  plan: RegistrationPlan,
  refused: ReadonlySet<ShortcutAction>,
): { registered: Registered; status: Record<ShortcutAction, ShortcutStatus> } {
  const registered: Registered = {};
  const status = Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a, 'off'])) as Record<ShortcutAction, ShortcutStatus>;
  for (const k of plan.keep) {
    registered[k.action] = k.accelerator;
    status[k.action] = 'active';
  }
  for (const r of plan.register) {
    if (refused.has(r.action)) status[r.action] = 'taken';
    else {
      registered[r.action] = r.accelerator;
      status[r.action] = 'active';
    }
  }
  for (const a of plan.invalid) status[a] = 'invalid';
  return { registered, status };
}

/** Applies a plan to something shaped like Electron's `globalShortcut` (the shell passes the real one). */
export interface ShortcutRegistry {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

export function applyRegistration(
  registry: ShortcutRegistry,
  current: Registered,
  wanted: ShortcutMap,
  handlers: Record<ShortcutAction, () => void>,
  platform?: string,
): { registered: Registered; status: Record<ShortcutAction, ShortcutStatus>; errors: Array<{ action: ShortcutAction; error: string }> } {
  const plan = planRegistration(current, wanted, platform);
  for (const acc of plan.unregister) registry.unregister(acc);
  const refused = new Set<ShortcutAction>();
  const errors: Array<{ action: ShortcutAction; error: string }> = [];
  for (const r of plan.register) {
    try {
      if (!registry.register(r.accelerator, handlers[r.action])) refused.add(r.action);
    } catch (err) {
      refused.add(r.action);
      errors.push({ action: r.action, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { ...registrationOutcome(plan, refused), errors };
}

/**
 * Which call a call shortcut acts on. Answer: the ringing call (main refuses it while another call
 * is up — the shell then shows the window, where End & answer is). Decline / hang up: the call the
 * owner is on or placing is hung up first; only when there is none is a ringing call declined — a
 * waiting call is never declined by the key meant to end the current one.
 */
export function shortcutTarget(
  action: 'answer' | 'declineOrHangUp',
  calls: ReadonlyArray<{ localId: string; state: string }>,
): { localId: string; command: 'answer' | 'decline' | 'hangup' } | null {
  const ringing = calls.find((c) => c.state === 'ringing');
  if (action === 'answer') return ringing ? { localId: ringing.localId, command: 'answer' } : null;
  const live = calls.find((c) => isEngagedCall(c.state));
  if (live) return { localId: live.localId, command: 'hangup' };
  return ringing ? { localId: ringing.localId, command: 'decline' } : null;
}
