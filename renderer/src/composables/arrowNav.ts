/**
 * Arrow-key movement between the items of a vertical list of buttons (the rail, the settings
 * sections). Every item stays in the Tab order too; arrows are a shortcut, not a trap.
 */
export function onArrowNav(e: KeyboardEvent): void {
  const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End'];
  if (!keys.includes(e.key)) return;
  const container = e.currentTarget as HTMLElement | null;
  if (!container) return;
  const items = [...container.querySelectorAll<HTMLElement>('[data-nav-item]')];
  if (items.length === 0) return;
  const current = items.indexOf(document.activeElement as HTMLElement);
  let next: number;
  if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = items.length - 1;
  else if (e.key === 'ArrowDown') next = current < 0 ? 0 : (current + 1) % items.length;
  else next = current < 0 ? items.length - 1 : (current - 1 + items.length) % items.length;
  e.preventDefault();
  items[next]?.focus();
}
