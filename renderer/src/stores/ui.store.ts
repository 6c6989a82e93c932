/**
 * The UI store: where the owner is (conversations, the call-back list, the call log or settings,
 * and which settings section) and the theme preference (system / light / dark, remembered in
 * localStorage).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

export type View = 'threads' | 'callbacks' | 'calls' | 'settings';
export const SETTINGS_SECTIONS = ['account', 'calling', 'connection', 'desktop', 'appearance', 'about'] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];
export const THEME_PREFERENCES = ['system', 'light', 'dark'] as const;
export type ThemePreference = (typeof THEME_PREFERENCES)[number];
export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'switchboard.theme';
/** Set once the owner has run the audio check or put its hint away: the hint is not offered again. */
export const AUDIO_CHECK_STORAGE_KEY = 'switchboard.audioCheckSeen';
/** Where keyboard focus goes when a settings page opens: its heading (Ctrl/Cmd+,) or the audio check (the hint's button). */
export type SettingsFocus = 'heading' | 'audio-check';
const DARK_QUERY = '(prefers-color-scheme: dark)';

function readThemePreference(): ThemePreference {
  try {
    const saved = globalThis.localStorage?.getItem(THEME_STORAGE_KEY);
    return (THEME_PREFERENCES as readonly string[]).includes(saved ?? '') ? (saved as ThemePreference) : 'system';
  } catch {
    return 'system';
  }
}

function readFlag(key: string): boolean {
  try {
    return globalThis.localStorage?.getItem(key) === '1';
  } catch {
    return false;
  }
}

export const useUiStore = defineStore('ui', () => {
  const view = ref<View>('threads');
  const settingsSection = ref<SettingsSection>('account');
  const themePreference = ref<ThemePreference>(readThemePreference());

  const media = typeof globalThis.matchMedia === 'function' ? globalThis.matchMedia(DARK_QUERY) : null;
  const systemPrefersDark = ref(media?.matches ?? false);
  media?.addEventListener?.('change', (e: MediaQueryListEvent) => {
    systemPrefersDark.value = e.matches;
  });

  const theme = computed<Theme>(() =>
    themePreference.value === 'system' ? (systemPrefersDark.value ? 'dark' : 'light') : themePreference.value,
  );

  /** Set to ask the thread list to focus its search box (Ctrl/Cmd+K, "/"); it clears it when done. */
  const searchFocusPending = ref(false);
  /** Set to ask the settings page to move focus (see SettingsFocus); the page clears it when done. */
  const settingsFocusPending = ref<SettingsFocus | null>(null);

  const audioCheckSeen = ref(readFlag(AUDIO_CHECK_STORAGE_KEY));
  /** The one-time "check your microphone and speaker before the first call" hint was used or put away. */
  function markAudioCheckSeen(): void {
    audioCheckSeen.value = true;
    try {
      globalThis.localStorage?.setItem(AUDIO_CHECK_STORAGE_KEY, '1');
    } catch {
      // Storage disabled: the hint stays away for this session.
    }
  }

  function showThreads(): void {
    view.value = 'threads';
  }

  /** The customers waiting for a call back. */
  function showCallbacks(): void {
    view.value = 'callbacks';
  }

  /** Every call with every customer. */
  function showCallLog(): void {
    view.value = 'calls';
  }

  function showSettings(section?: SettingsSection, focus: SettingsFocus | null = null): void {
    view.value = 'settings';
    if (section) settingsSection.value = section;
    if (focus) settingsFocusPending.value = focus;
  }

  function focusSearch(): void {
    view.value = 'threads';
    searchFocusPending.value = true;
  }

  function setThemePreference(next: ThemePreference): void {
    themePreference.value = next;
    try {
      globalThis.localStorage?.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // Private mode or storage disabled: the choice still holds for this session.
    }
  }

  return {
    view,
    settingsSection,
    themePreference,
    systemPrefersDark,
    theme,
    searchFocusPending,
    settingsFocusPending,
    audioCheckSeen,
    markAudioCheckSeen,
    showThreads,
    showCallbacks,
    showCallLog,
    showSettings,
    focusSearch,
    setThemePreference,
  };
});
