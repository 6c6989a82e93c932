/**
 * Keyboard and focus behaviour of a menu button and its popup menu (WAI-ARIA menu button):
 * ArrowDown/ArrowUp on the button open the menu on its first/last item; inside the menu the arrows
 * move (wrapping), Home/End go to the ends, Escape closes and returns focus to the button, Tab
 * closes and lets focus move on; focus leaving both closes the menu.
 */
import { nextTick, ref, type Ref } from 'vue';

export function useMenuKeyboard(button: Readonly<Ref<HTMLElement | null>>, menu: Readonly<Ref<HTMLElement | null>>) {
  const open = ref(false);

  function items(): HTMLElement[] {
    return [...(menu.value?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  }

  async function openMenu(focus: 'first' | 'last' = 'first'): Promise<void> {
    open.value = true;
    await nextTick();
    const list = items();
    (focus === 'first' ? list[0] : list.at(-1))?.focus();
  }

  function closeMenu(refocus = true): void {
    open.value = false;
    if (refocus) button.value?.focus();
  }

  function onButtonKey(e: KeyboardEvent): void {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      void openMenu(e.key === 'ArrowDown' ? 'first' : 'last');
    }
  }

  function onMenuKey(e: KeyboardEvent): void {
    const list = items();
    const i = list.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      closeMenu();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (i + (e.key === 'ArrowDown' ? 1 : -1) + list.length) % list.length;
      list[next]?.focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      (e.key === 'Home' ? list[0] : list.at(-1))?.focus();
    } else if (e.key === 'Tab') {
      closeMenu(false);
    }
  }

  function onFocusOut(e: FocusEvent): void {
    const next = e.relatedTarget as Node | null;
    if (next && (menu.value?.contains(next) || button.value?.contains(next))) return;
    open.value = false;
  }

  return { open, openMenu, closeMenu, onButtonKey, onMenuKey, onFocusOut };
}
