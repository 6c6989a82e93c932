/**
 * App-wide keyboard shortcuts:
 *   Ctrl/Cmd+K or "/"  → Conversations, search box focused
 *   Ctrl/Cmd+,         → Settings, its page heading focused
 */
import { onBeforeUnmount, onMounted } from 'vue';
import { useUiStore } from '../stores/ui.store.ts';

export function isEditableTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  return el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]') !== null;
}

export function handleShortcut(e: KeyboardEvent, ui: ReturnType<typeof useUiStore>): boolean {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
    ui.focusSearch();
    return true;
  }
  if (mod && !e.altKey && e.key === ',') {
    // The settings page's heading takes focus: the control that had it may be gone (Conversations).
    ui.showSettings(undefined, 'heading');
    return true;
  }
  if (!mod && !e.altKey && e.key === '/' && !isEditableTarget(e.target)) {
    ui.focusSearch();
    return true;
  }
  return false;
}

export function useShortcuts(): void {
  const ui = useUiStore();
  const onKeydown = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.isComposing) return;
    if (handleShortcut(e, ui)) e.preventDefault();
  };
  onMounted(() => window.addEventListener('keydown', onKeydown));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown));
}
