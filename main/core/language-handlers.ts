/**
 * Bridge handlers for the language the app speaks: the app slice's (common/bridge/app.ts)
 * getLanguage, setLanguage and reportSystemLanguages; the rest of the slice is in diagnostics-handlers.ts.
 */
import type { appRequests, HandlersFor } from '../../common/bridge-contract.ts';
import type { LanguageService } from '../i18n/language-service.ts';

export type LanguageRequest = Extract<keyof typeof appRequests, 'getLanguage' | 'setLanguage' | 'reportSystemLanguages'>;

export function languageHandlers(language: LanguageService): HandlersFor<LanguageRequest> {
  return {
    getLanguage: () => language.state(),
    setLanguage: ({ preference }) => language.set(preference),
    reportSystemLanguages: ({ languages }) => language.reportSystem(languages),
  };
}
