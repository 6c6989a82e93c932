/**
 * The language main speaks: the owner's preference (`preferences.language` in the config,
 * 'system' by default) resolved against the system's languages (common/i18n/locales.ts
 * pickLocale). It sets the locale `tr` uses (tr.ts) and tells listeners — the bridge's `language`
 * event, the tray, notifications — when the effective locale or anything it comes from changes.
 *
 * Where the system's languages come from is the host's business, passed in as `system`:
 * Electron's preferred system languages in the shell; `--lang` or LANG/LC_ALL in the browser
 * host, replaced by the browser's own languages once the renderer reports them
 * (`followReported`). An empty list means English, so tests never pick up the machine's LANG.
 */
import { effectiveLocale, type LanguagePreference, type Locale } from '../../common/i18n/locales.ts';
import type { ConfigStore } from '../account/config-store.ts';
import { setMainLocale } from './tr.ts';

export interface LanguageState {
  preference: LanguagePreference;
  effective: Locale;
  system: string[];
}

export interface LanguageServiceDeps {
  config: ConfigStore;
  /** The host's languages, most preferred first (read once at start). */
  system?: readonly string[] | undefined;
  /** Whether the renderer's reported languages (navigator.languages) replace the host's: the browser host. */
  followReported?: boolean | undefined;
}

export class LanguageService {
  private readonly config: ConfigStore;
  private readonly followReported: boolean;
  private system: string[];
  private readonly listeners = new Set<(state: LanguageState) => void>();

  constructor(d: LanguageServiceDeps) {
    this.config = d.config;
    this.followReported = d.followReported ?? false;
    this.system = cleanList(d.system ?? []);
    setMainLocale(this.state().effective);
  }

  state(): LanguageState {
    const preference = this.config.get().preferences.language;
    return { preference, effective: effectiveLocale(preference, this.system), system: [...this.system] };
  }

  /** The locale main's texts are made in. */
  effective(): Locale {
    return this.state().effective;
  }

  set(preference: LanguagePreference): LanguageState {
    if (preference !== this.config.get().preferences.language) {
      this.config.update((c) => {
        c.preferences.language = preference;
      });
      this.changed();
    }
    return this.state();
  }

  /** The renderer's languages: used by the browser host (the browser is where the owner sits), ignored by the desktop shell. */
  reportSystem(languages: readonly string[]): LanguageState {
    const list = cleanList(languages);
    if (this.followReported && list.length > 0 && list.join() !== this.system.join()) {
      this.system = list;
      this.changed();
    }
    return this.state();
  }

  /** Called with the new state after every change; returns the unsubscribe. */
  onChange(listener: (state: LanguageState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    const state = this.state();
    setMainLocale(state.effective);
    for (const listener of this.listeners) listener(state);
  }
}

/** Non-empty, trimmed, de-duplicated, at most 32. */
function cleanList(list: readonly string[]): string[] {
  return [...new Set(list.map((l) => l.trim()).filter((l) => l.length > 0))].slice(0, 32);
}

/**
 * The languages a POSIX environment names, most preferred first: LC_ALL, else LC_MESSAGES, else
 * LANG, then LANGUAGE's list ('pt_BR:pt:en'). The browser host's default when `--lang` is not given.
 */
export function languagesFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  const primary = env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'] || '';
  const list = [...(env['LANGUAGE'] ?? '').split(':'), primary].filter((l) => l && l !== 'C' && !l.startsWith('C.') && l !== 'POSIX');
  // LANGUAGE (GNU gettext's list) comes first when set, as gettext reads it.
  return [...new Set(list)];
}
