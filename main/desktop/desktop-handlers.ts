/** Bridge handlers for this computer's preferences: shortcuts, start at login, do not disturb. */
import type { ZodError } from 'zod';
import type { HandlersFor } from '../../common/bridge-contract.ts';
import { DomainError } from '../core/domain-error.ts';
import { ShortcutConflictError, type DesktopPreferencesService } from './desktop-preferences.ts';

export function desktopHandlers(desktop: DesktopPreferencesService): HandlersFor<'getDesktopPreferences' | 'setDesktopPreferences'> {
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
