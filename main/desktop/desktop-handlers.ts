/** Bridge handlers for this computer's preferences: shortcuts, start at login, do not disturb. */
import type { ZodError } from 'zod';
import type { desktopRequests, HandlersFor } from '../../common/bridge-contract.ts';
import { DomainError } from '../core/domain-error.ts';
import { ShortcutConflictError, type DesktopPreferencesService } from './desktop-preferences.ts';

/** Answers the desktop slice's requests (common/bridge/desktop.ts): adding one there makes the compiler ask for its handler here. */
export function desktopHandlers(desktop: DesktopPreferencesService): HandlersFor<keyof typeof desktopRequests> {
  return {
    getDesktopPreferences: () => desktop.view(),
    setDesktopPreferences: (p) => {
      try {
        return desktop.update(p);
      } catch (err) {
        if (err instanceof ShortcutConflictError) throw new DomainError('shortcut_conflict', err.message, { fieldErrors: err.fieldErrors });
        const issue = (err as ZodError).issues?.[0];
        if (issue) throw new DomainError('invalid_params', issue.message, { field: issue.path.join('.') });
        throw err;
      }
    },
  };
}
