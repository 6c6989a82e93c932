/**
 * Where keyboard focus goes when what held it disappears. Focus must never drop to the page: a
 * keyboard or screen-reader user would have to start again from the top of the window.
 */

/** Focus sits on nothing a person can see: the page itself, or a control hidden since (display: none). */
export function focusIsLost(): boolean {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return true;
  return typeof el.checkVisibility === 'function' && !el.checkVisibility();
}

function focusFirst(selectors: string[]): boolean {
  for (const sel of selectors) {
    const el = document.querySelector<HTMLElement>(sel);
    if (el && (typeof el.checkVisibility !== 'function' || el.checkVisibility())) {
      el.focus();
      if (document.activeElement === el) return true;
    }
  }
  return false;
}

/**
 * After a call's panel went away (Hang up, or the customer ended it) while it held focus: the
 * caller's thread's Call button when that thread is open (to call again), else the open thread's
 * message box, else the card saying how the call ended.
 */
export function focusAfterCall(callersThreadOpen: boolean): void {
  if (!focusIsLost()) return;
  focusFirst([...(callersThreadOpen ? ['[data-testid="thread-call"]'] : []), '#composer-input', '[data-testid="call-ended"] button']);
}
