/** Small facts about the machine the window runs on, for shortcut labels. */
export function isMacLike(nav: Pick<Navigator, 'platform' | 'userAgent'> | undefined = globalThis.navigator): boolean {
  if (!nav) return false;
  return /Mac|iPhone|iPad|iPod/i.test(nav.platform || nav.userAgent || '');
}

/** "⌘" on macOS, "Ctrl" elsewhere. */
export function modKeyLabel(): string {
  return isMacLike() ? '⌘' : 'Ctrl';
}
