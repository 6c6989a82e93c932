/**
 * Global shortcuts (answer, decline/hang up, mute, show window): validated accelerators and
 * conflict detection — between Switchboard's own shortcuts, and against combinations the OS keeps
 * for itself. Main validates every change with `checkShortcuts` (and the shell also reports what
 * `globalShortcut.register` refuses); the settings screen runs the same check as the owner types,
 * so both say exactly the same thing. Pure TypeScript: shared by main and the renderer.
 */
export const SHORTCUT_ACTIONS = ['answer', 'declineOrHangUp', 'toggleMute', 'showWindow'] as const;
export type ShortcutAction = (typeof SHORTCUT_ACTIONS)[number];
export type ShortcutMap = Partial<Record<ShortcutAction, string | null>>;

export const DEFAULT_SHORTCUTS: Record<ShortcutAction, string> = {
  answer: 'CommandOrControl+Shift+A',
  declineOrHangUp: 'CommandOrControl+Shift+D',
  toggleMute: 'CommandOrControl+Shift+M',
  showWindow: 'CommandOrControl+Shift+S',
};

/** What each action is called in messages (the settings screen has its own translated labels). */
export const SHORTCUT_NAMES: Record<ShortcutAction, string> = {
  answer: 'Answer a call',
  declineOrHangUp: 'Decline or hang up',
  toggleMute: 'Mute or unmute',
  showWindow: 'Show Switchboard',
};

const MODIFIERS = new Set([
  'CommandOrControl',
  'CmdOrCtrl',
  'Command',
  'Cmd',
  'Control',
  'Ctrl',
  'Alt',
  'Option',
  'AltGr',
  'Shift',
  'Super',
  'Meta',
]);
const KEY =
  /^([A-Z0-9]|F([1-9]|1[0-9]|2[0-4])|Space|Tab|Backspace|Delete|Insert|Home|End|PageUp|PageDown|Up|Down|Left|Right|Escape|Plus|[`\-=[\]\\;',./])$/;
const RESERVED = new Set(
  ['Q', 'W', 'C', 'V', 'X', 'Z', 'A', 'Tab']
    .flatMap((k) => [`CommandOrControl+${k}`, `Control+${k}`, `Command+${k}`])
    .concat(['Alt+F4', 'Alt+Tab', 'Super+L', 'Control+Alt+Delete']),
);
const ORDER = ['CommandOrControl', 'Command', 'Control', 'Alt', 'AltGr', 'Super', 'Shift'];

/** Canonical form: modifiers in a fixed order, aliases folded ("Ctrl+shift+a" → "Control+Shift+A"). */
export function normaliseAccelerator(input: string): string | null {
  if (input.length > 80) return null;
  const parts = input
    .split('+')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length < 2 || parts.length > 4) return null;
  const key = parts.pop()!;
  const alias: Record<string, string> = {
    cmdorctrl: 'CommandOrControl',
    commandorcontrol: 'CommandOrControl',
    cmd: 'Command',
    command: 'Command',
    ctrl: 'Control',
    control: 'Control',
    alt: 'Alt',
    option: 'Alt',
    altgr: 'AltGr',
    shift: 'Shift',
    super: 'Super',
    meta: 'Super',
  };
  const mods = new Set<string>();
  for (const m of parts) {
    const canon = alias[m.toLowerCase()];
    if (!canon || !MODIFIERS.has(canon) || mods.has(canon)) return null;
    mods.add(canon);
  }
  if (mods.size === 1 && mods.has('Shift')) return null; // Shift+letter is just typing
  const k = key.length === 1 ? key.toUpperCase() : key[0]!.toUpperCase() + key.slice(1);
  if (!KEY.test(k)) return null;
  return [...ORDER.filter((m) => mods.has(m)), k].join('+');
}

/**
 * The keys an accelerator actually presses on a platform: CommandOrControl is Command on macOS and
 * Control elsewhere. Without a platform, it is compared as itself (so "CommandOrControl+Shift+A"
 * and "Control+Shift+A" are treated as the same on Windows and Linux, and on macOS as different).
 */
function resolved(acc: string, platform: string | undefined): string[] {
  if (!acc.includes('CommandOrControl')) return [acc];
  const as = (m: string) => {
    const parts = acc.replace('CommandOrControl', m).split('+');
    const key = parts.pop()!;
    return [...ORDER.filter((o) => parts.includes(o)), key].join('+');
  };
  if (platform === 'darwin') return [as('Command')];
  if (platform) return [as('Control')];
  return [acc, as('Control')];
}

export type ShortcutProblem = { action: ShortcutAction; problem: 'invalid' | 'duplicate' | 'reserved'; message: string };

/**
 * Every problem in a set of shortcuts (empty = usable). Null/empty means "off" and is always fine.
 * A duplicate is reported on the later action in `order`: put the actions the owner just changed
 * last, so the message lands on the row they edited ("… is already the shortcut for Mute").
 */
export function checkShortcuts(
  map: ShortcutMap,
  platform?: string,
  order: readonly ShortcutAction[] = SHORTCUT_ACTIONS,
): ShortcutProblem[] {
  const problems: ShortcutProblem[] = [];
  const seen = new Map<string, ShortcutAction>();
  for (const action of order) {
    const raw = map[action];
    if (raw === null || raw === undefined || raw === '') continue;
    const acc = normaliseAccelerator(raw);
    if (!acc) {
      problems.push({
        action,
        problem: 'invalid',
        message: `"${raw.slice(0, 80)}" is not a usable shortcut: use one or two modifiers (Ctrl, Alt, Shift, Cmd) and a key.`,
      });
      continue;
    }
    const keys = resolved(acc, platform);
    if (keys.some((k) => RESERVED.has(k)) || RESERVED.has(acc)) {
      problems.push({
        action,
        problem: 'reserved',
        message: `${formatAccelerator(acc, platform)} is used by the system or every app; choose another.`,
      });
      continue;
    }
    const other = keys.map((k) => seen.get(k)).find((a) => a !== undefined);
    if (other)
      problems.push({
        action,
        problem: 'duplicate',
        message: `${formatAccelerator(acc, platform)} is already the shortcut for "${SHORTCUT_NAMES[other]}".`,
      });
    else for (const k of keys) seen.set(k, action);
  }
  return problems;
}

/** How an accelerator is shown: "Ctrl+Shift+A" on Windows/Linux, "⌘⇧A" on macOS. */
export function formatAccelerator(acc: string, platform?: string): string {
  const mac = platform === 'darwin';
  const parts = acc.split('+');
  const key = parts.pop()!;
  if (mac) {
    const sym: Record<string, string> = { CommandOrControl: '⌘', Command: '⌘', Control: '⌃', Alt: '⌥', AltGr: '⌥', Shift: '⇧', Super: '⌘' };
    return parts.map((p) => sym[p] ?? p).join('') + key;
  }
  const name: Record<string, string> = { CommandOrControl: 'Ctrl', Command: 'Cmd', Control: 'Ctrl', Super: 'Super' };
  return [...parts.map((p) => name[p] ?? p), key].join('+');
}

/** The check order that blames the actions in `changed` for a duplicate (see checkShortcuts). */
export function changedLast(changed: Iterable<ShortcutAction>): ShortcutAction[] {
  const c = new Set(changed);
  return [...SHORTCUT_ACTIONS.filter((a) => !c.has(a)), ...SHORTCUT_ACTIONS.filter((a) => c.has(a))];
}

/** The parts of a key press the recorder needs (a KeyboardEvent has them all). */
export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

const CODE_KEYS: Record<string, string> = {
  Space: 'Space',
  Tab: 'Tab',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  Escape: 'Escape',
  Backquote: '`',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Comma: ',',
  Period: '.',
  Slash: '/',
};

/**
 * What a key press in the shortcut recorder means as an accelerator: `null` while only modifiers
 * are held (keep listening). The physical key (`code`) is used, so Shift+1 is "Shift+1", not "!".
 * Ctrl on Windows/Linux and Cmd on macOS become CommandOrControl, like the defaults.
 */
export function acceleratorFromKey(e: KeyPress, mac: boolean): string | null {
  let key: string | null;
  if (/^Key[A-Z]$/.test(e.code)) key = e.code.slice(3);
  else if (/^Digit[0-9]$/.test(e.code)) key = e.code.slice(5);
  else if (/^Numpad[0-9]$/.test(e.code)) key = e.code.slice(6);
  else if (/^F([1-9]|1[0-9]|2[0-4])$/.test(e.code)) key = e.code;
  else key = CODE_KEYS[e.code] ?? null;
  if (!key) return null;
  const mods: string[] = [];
  if (mac ? e.metaKey : e.ctrlKey) mods.push('CommandOrControl');
  if (mac && e.ctrlKey) mods.push('Control');
  if (e.altKey) mods.push('Alt');
  if (!mac && e.metaKey) mods.push('Super');
  if (e.shiftKey) mods.push('Shift');
  return [...mods, key].join('+');
}
