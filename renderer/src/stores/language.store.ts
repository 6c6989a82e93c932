/**
 * The language store: which language the window speaks, as main decides it (common/bridge/app.ts:
 * getLanguage, setLanguage, the `language` event), and the owner's choice in Settings → Appearance.
 *
 * 'system' follows the OS: in the desktop app main reads Electron's languages; in the browser host
 * the window reports the browser's (`navigator.languages`, and again on `languagechange`) with
 * reportSystemLanguages. Every answer is applied at once (i18n/index.ts applyLocale): messages,
 * `<html lang>`, dates and numbers — no restart.
 *
 * Developers and the layout test may turn on the pseudo-locale (i18n/pseudo.ts) for this window;
 * it then wins over main's answer, which is still shown in Settings.
 */
import { defineStore, getActivePinia } from 'pinia';
import { computed, ref } from 'vue';
import type { LanguageState } from '../../../common/bridge-contract.ts';
import { pickLocale, type LanguagePreference, type Locale } from '../../../common/i18n/locales.ts';
import { useBridge } from '../bridge/bridge.ts';
import { errorText } from '../format/error-text.ts';
import { applyLocale, rememberedLocale } from '../i18n/index.ts';
import { PSEUDO_LOCALE, PSEUDO_STORAGE_KEY } from '../i18n/pseudo.ts';
import { useAppStore } from './app.store.ts';
import { useCallPermissionStore } from './call-permission.store.ts';
import { useConnectionStore } from './connection.store.ts';

function pseudoWanted(): boolean {
  try {
    return globalThis.localStorage?.getItem(PSEUDO_STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}

/** The browser's languages, most preferred first. */
function browserLanguages(): string[] {
  const nav = globalThis.navigator;
  const list = nav?.languages?.length ? [...nav.languages] : nav?.language ? [nav.language] : [];
  return list.slice(0, 32).map((l) => l.slice(0, 64));
}

export const useLanguageStore = defineStore('language', () => {
  const preference = ref<LanguagePreference>('system');
  const effective = ref<Locale>(rememberedLocale());
  const system = ref<string[]>([]);
  const loaded = ref(false);
  const saving = ref(false);
  /** Why the last change or load failed, in words (null when all is well). */
  const error = ref<string | null>(null);
  const pseudo = ref(pseudoWanted());

  /** The language "System" stands for now (shown next to it in the menu). */
  const systemLocale = computed<Locale>(() => pickLocale(system.value));

  let applied: Locale | null = null;

  function apply(state: LanguageState): void {
    preference.value = state.preference;
    effective.value = state.effective;
    system.value = [...state.system];
    loaded.value = true;
    const changed = applied !== null && applied !== state.effective;
    applied = state.effective;
    applyLocale(pseudo.value ? PSEUDO_LOCALE : state.effective, state.system);
    if (changed) rewordMainTexts();
  }

  /**
   * Main words its texts when it makes them (main/i18n/tr.ts): the ones this window holds — the
   * status line's warnings, the open conversation's call permission (why Call is off), the
   * connection's details — are asked for again, so they follow the new language too. Only stores
   * already in use are asked.
   */
  function rewordMainTexts(): void {
    const inUse = (id: string): boolean => !!getActivePinia()?.state.value[id];
    if (inUse('app')) void useAppStore().refresh();
    if (inUse('threads-call-permission')) void useCallPermissionStore().loadPermission();
    if (inUse('connection') && useConnectionStore().view) void useConnectionStore().load();
  }

  /** Asks main for the language; the browser host's window tells it the browser's languages on the way. */
  async function refresh(): Promise<void> {
    const bridge = useBridge();
    try {
      const state =
        bridge.transport === 'websocket'
          ? await bridge.request('reportSystemLanguages', { languages: browserLanguages() })
          : await bridge.request('getLanguage', {});
      apply(state);
      error.value = null;
    } catch (err) {
      error.value = errorText(err);
      // Main could not say: keep the language the window opened in (or the pseudo-locale).
      applyLocale(pseudo.value ? PSEUDO_LOCALE : effective.value, system.value);
    }
  }

  let started = false;
  const stops: Array<() => void> = [];

  /** Loads the language and follows it. Safe to call more than once. */
  async function start(): Promise<void> {
    if (started) return;
    started = true;
    const bridge = useBridge();
    stops.push(
      bridge.on('language', apply),
      // Events sent while the browser host was away are lost: ask again on every reconnect.
      bridge.onConnectionChange((c) => {
        if (c.state === 'open') void refresh();
      }),
    );
    if (bridge.transport === 'websocket' && typeof window !== 'undefined') {
      const onChange = (): void => void refresh();
      window.addEventListener('languagechange', onChange);
      stops.push(() => window.removeEventListener('languagechange', onChange));
    }
    await refresh();
  }

  function stop(): void {
    for (const s of stops.splice(0)) s();
    started = false;
  }

  /** The owner's choice: a language, or 'system'. Applied at once when main confirms it. */
  async function choose(next: LanguagePreference): Promise<void> {
    if (saving.value) return;
    saving.value = true;
    error.value = null;
    const before = preference.value;
    preference.value = next;
    try {
      apply(await useBridge().request('setLanguage', { preference: next }));
    } catch (err) {
      preference.value = before;
      error.value = errorText(err);
    } finally {
      saving.value = false;
    }
  }

  return { preference, effective, system, systemLocale, loaded, saving, error, pseudo, start, stop, refresh, choose };
});
