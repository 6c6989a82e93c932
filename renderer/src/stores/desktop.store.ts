/**
 * The desktop store: preferences of this computer that main keeps — start at login (optionally
 * hidden), do-not-disturb, and the global shortcuts with how each registered. Loaded once, kept
 * current by the `desktopPreferences` event (the tray's do-not-disturb menu changes it too).
 *
 * Shortcuts are checked here with the very rules main uses (common/shortcuts.ts) before anything
 * is sent, so a conflict shows on its row at once; main checks again and refuses the same way
 * (`shortcut_conflict`, details.fieldErrors), and nothing is stored either way.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { DesktopPreferences } from '../../../common/bridge-contract.ts';
import { changedLast, checkShortcuts, SHORTCUT_ACTIONS, type ShortcutAction } from '../../../common/shortcuts.ts';
import { BridgeCallError, useBridge } from '../bridge/bridge.ts';
import { errorText } from '../format/error-text.ts';

export type DesktopPatch = {
  openAtLogin?: boolean;
  openAtLoginHidden?: boolean;
  dnd?: 'hour' | 'tomorrow' | 'off';
  dndDeclineAtOnce?: boolean;
  shortcuts?: Partial<Record<ShortcutAction, string | null>>;
};

export const useDesktopStore = defineStore('desktop', () => {
  const prefs = shallowRef<DesktopPreferences | null>(null);
  const loadError = ref<string | null>(null);
  const saving = ref(false);
  /** The last save's problem that is not about one shortcut (plain words). */
  const saveError = ref<string | null>(null);
  /** Per shortcut row: why the combination just pressed was not saved. */
  const fieldErrors = ref<Partial<Record<ShortcutAction, string>>>({});
  /** Per shortcut row: the combination that was refused (shown in the field with its error). */
  const attempted = ref<Partial<Record<ShortcutAction, string | null>>>({});
  const now = ref(Date.now());

  const dndActive = computed(() => !!prefs.value?.dndUntil && Date.parse(prefs.value.dndUntil) > now.value);
  const dndUntil = computed(() => (dndActive.value ? prefs.value!.dndUntil : null));

  let stops: Array<() => void> = [];
  let tick: ReturnType<typeof setInterval> | null = null;
  let loading: Promise<void> | null = null;

  function adopt(view: DesktopPreferences): void {
    prefs.value = view;
    now.value = Date.now();
  }

  async function load(): Promise<void> {
    try {
      adopt(await useBridge().request('getDesktopPreferences', {}));
      loadError.value = null;
    } catch (err) {
      loadError.value = errorText(err);
    }
  }

  /** Subscribes and loads once; safe to call from every component that needs it. */
  function start(): Promise<void> {
    if (!loading) {
      const bridge = useBridge();
      stops.push(bridge.on('desktopPreferences', adopt));
      stops.push(
        bridge.onConnectionChange((c) => {
          if (c.state === 'open') void load();
        }),
      );
      // Do-not-disturb ends on its own: the status bar follows the clock.
      tick = setInterval(() => (now.value = Date.now()), 15_000);
      loading = bridge.connection.state === 'closed' ? Promise.resolve() : load();
    }
    return loading;
  }

  function stop(): void {
    for (const s of stops) s();
    stops = [];
    if (tick) clearInterval(tick);
    tick = null;
    loading = null;
  }

  function clearRowError(action: ShortcutAction): void {
    const { [action]: _e, ...rest } = fieldErrors.value;
    fieldErrors.value = rest;
    const { [action]: _a, ...others } = attempted.value;
    attempted.value = others;
  }

  /** The same check main runs, blaming the row that was just changed. */
  function precheck(changes: Partial<Record<ShortcutAction, string | null>>): Partial<Record<ShortcutAction, string>> {
    if (!prefs.value) return {};
    const merged = { ...prefs.value.shortcuts, ...changes };
    const changed = SHORTCUT_ACTIONS.filter((a) => a in changes);
    const out: Partial<Record<ShortcutAction, string>> = {};
    for (const p of checkShortcuts(merged, prefs.value.platform, changedLast(changed)))
      if (changed.includes(p.action)) out[p.action] ??= p.message;
    return out;
  }

  async function save(patch: DesktopPatch): Promise<boolean> {
    saveError.value = null;
    if (patch.shortcuts) {
      for (const a of Object.keys(patch.shortcuts) as ShortcutAction[]) clearRowError(a);
      const problems = precheck(patch.shortcuts);
      if (Object.keys(problems).length > 0) {
        fieldErrors.value = { ...fieldErrors.value, ...problems };
        attempted.value = { ...attempted.value, ...patch.shortcuts };
        return false;
      }
    }
    saving.value = true;
    try {
      adopt(await useBridge().request('setDesktopPreferences', patch));
      return true;
    } catch (err) {
      const fe =
        err instanceof BridgeCallError
          ? (err.details as { fieldErrors?: Partial<Record<ShortcutAction, string>> } | undefined)?.fieldErrors
          : undefined;
      if (fe && patch.shortcuts) {
        fieldErrors.value = { ...fieldErrors.value, ...fe };
        attempted.value = { ...attempted.value, ...patch.shortcuts };
      } else saveError.value = errorText(err);
      return false;
    } finally {
      saving.value = false;
    }
  }

  function setShortcut(action: ShortcutAction, accelerator: string | null): Promise<boolean> {
    return save({ shortcuts: { [action]: accelerator } });
  }

  function resetShortcuts(): Promise<boolean> {
    if (!prefs.value) return Promise.resolve(false);
    fieldErrors.value = {};
    attempted.value = {};
    return save({ shortcuts: { ...prefs.value.defaultShortcuts } });
  }

  return {
    prefs,
    loadError,
    saving,
    saveError,
    fieldErrors,
    attempted,
    now,
    dndActive,
    dndUntil,
    start,
    stop,
    load,
    save,
    setShortcut,
    resetShortcuts,
    clearRowError,
  };
});
