/**
 * The language main speaks, wired to the config, the host's languages and the bridge (part of the
 * composition root). Made first, so every text main makes from then on is in the owner's language.
 */
import type { ConfigStore } from '../account/config-store.ts';
import type { PlatformWarnings } from '../account/platform-warnings.ts';
import type { BridgeEventBus } from '../core/events.ts';
import { LanguageService } from '../i18n/language-service.ts';

export function startLanguage(
  opts: { host: 'electron' | 'browser-host'; systemLanguages?: readonly string[] | undefined },
  d: { config: ConfigStore; events: BridgeEventBus; warnings: () => PlatformWarnings },
): LanguageService {
  // The browser host follows the browser's languages once the renderer reports them.
  const language = new LanguageService({ config: d.config, system: opts.systemLanguages, followReported: opts.host === 'browser-host' });
  language.onChange((state) => {
    d.warnings().relabel(); // the status line's warnings, in the new language
    d.events.emit('language', state);
  });
  return language;
}
