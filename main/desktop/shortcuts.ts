/**
 * Global shortcuts (answer, decline/hang up, mute, show window): validated accelerators and
 * conflict detection — between Switchboard's own shortcuts, against combinations the OS keeps for
 * itself, and (in the shell) against whatever `globalShortcut.register` refuses.
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

const MODIFIERS = new Set(['CommandOrControl', 'CmdOrCtrl', 'Command', 'Cmd', 'Control', 'Ctrl', 'Alt', 'Option', 'AltGr', 'Shift', 'Super', 'Meta']);
const KEY = /^([A-Z0-9]|F([1-9]|1[0-9]|2[0-4])|Space|Tab|Backspace|Delete|Insert|Home|End|PageUp|PageDown|Up|Down|Left|Right|Escape|Plus|[`\-=[\]\\;',./])$/;
const RESERVED = new Set(['Q', 'W', 'C', 'V', 'X', 'Z', 'A', 'Tab'].flatMap((k) => [`CommandOrControl+${k}`, `Control+${k}`, `Command+${k}`]).concat(['Alt+F4', 'Alt+Tab', 'Super+L', 'Control+Alt+Delete']));

/** Canonical form: modifiers in a fixed order, aliases folded ("Ctrl+shift+a" → "Control+Shift+A"). */
export function normaliseAccelerator(input: string): string | null {
  const parts = input.split('+').map((p) => p.trim()).filter(Boolean);
  if (parts.length < 2 || parts.length > 4) return null;
  const key = parts.pop()!;
  const alias: Record<string, string> = { cmdorctrl: 'CommandOrControl', commandorcontrol: 'CommandOrControl', cmd: 'Command', command: 'Command', ctrl: 'Control', control: 'Control', alt: 'Alt', option: 'Alt', altgr: 'AltGr', shift: 'Shift', super: 'Super', meta: 'Super' };
  const mods = new Set<string>();
  for (const m of parts) {
    const canon = alias[m.toLowerCase()];
    if (!canon || !MODIFIERS.has(canon) || mods.has(canon)) return null;
    mods.add(canon);
  }
  if (mods.size === 1 && mods.has('Shift')) return null; // Shift+letter is just typing
  const k = key.length === 1 ? key.toUpperCase() : key[0]!.toUpperCase() + key.slice(1);
  if (!KEY.test(k)) return null;
  const order = ['CommandOrControl', 'Command', 'Control', 'Alt', 'AltGr', 'Super', 'Shift'];
  return [...order.filter((m) => mods.has(m)), k].join('+');
}

export type ShortcutProblem = { action: ShortcutAction; problem: 'invalid' | 'duplicate' | 'reserved'; message: string };

export function checkShortcuts(map: ShortcutMap): ShortcutProblem[] {
  const problems: ShortcutProblem[] = [];
  const seen = new Map<string, ShortcutAction>();
  for (const action of SHORTCUT_ACTIONS) {
    const raw = map[action];
    if (raw === null || raw === undefined || raw === '') continue;
    const acc = normaliseAccelerator(raw);
    if (!acc) {
      problems.push({ action, problem: 'invalid', message: `"${raw}" is not a usable shortcut: use one or two modifiers (Ctrl, Alt, Shift, Cmd) and a key.` });
      continue;
    }
    if (RESERVED.has(acc)) {
      problems.push({ action, problem: 'reserved', message: `${acc} is used by the system or every app; choose another.` });
      continue;
    }
    const other = seen.get(acc);
    if (other) problems.push({ action, problem: 'duplicate', message: `${acc} is already the shortcut for "${other}".` });
    else seen.set(acc, action);
  }
  return problems;
}
