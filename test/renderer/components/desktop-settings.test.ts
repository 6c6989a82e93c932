/** Settings → This computer: start at login, do-not-disturb, the shortcut recorder. */
import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import DesktopSettings from '../../../renderer/src/components/settings/DesktopSettings.vue';
import StatusBar from '../../../renderer/src/components/StatusBar.vue';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import { useDesktopStore } from '../../../renderer/src/stores/desktop.store.ts';
import type { DesktopPreferences } from '../../../common/bridge-contract.ts';
import { DEFAULT_SHORTCUTS } from '../../../common/shortcuts.ts';
import { createFakeTransport, type FakeTransport } from '../support/fake-bridge.ts';

let wrappers: VueWrapper[] = [];
let fake: FakeTransport;
afterEach(() => {
  for (const w of wrappers) w.unmount();
  wrappers = [];
  setBridge(null);
  document.body.innerHTML = '';
});

function basePrefs(over: Partial<DesktopPreferences> = {}): DesktopPreferences {
  return {
    shortcuts: { ...DEFAULT_SHORTCUTS },
    shortcutStatus: { answer: 'active', declineOrHangUp: 'active', toggleMute: 'active', showWindow: 'active' },
    defaultShortcuts: { ...DEFAULT_SHORTCUTS },
    openAtLogin: false,
    openAtLoginHidden: true,
    dndUntil: null,
    dndDeclineAtOnce: false,
    desktop: true,
    platform: 'linux',
    ...over,
  };
}

type SetParams = {
  openAtLogin?: boolean;
  openAtLoginHidden?: boolean;
  dnd?: 'hour' | 'tomorrow' | 'off';
  shortcuts?: Record<string, string | null>;
};

async function mountSettings(start: DesktopPreferences = basePrefs(), refuse?: (p: SetParams) => Record<string, string> | null) {
  let prefs = start;
  fake = createFakeTransport({
    getDesktopPreferences: () => prefs,
    setDesktopPreferences: (p: SetParams) => {
      const fieldErrors = refuse?.(p);
      if (fieldErrors) return { error: { code: 'shortcut_conflict', message: Object.values(fieldErrors)[0]!, details: { fieldErrors } } };
      prefs = {
        ...prefs,
        ...(p.openAtLogin !== undefined ? { openAtLogin: p.openAtLogin } : {}),
        ...(p.openAtLoginHidden !== undefined ? { openAtLoginHidden: p.openAtLoginHidden } : {}),
        ...(p.dnd ? { dndUntil: p.dnd === 'off' ? null : new Date(Date.now() + 3_600_000).toISOString() } : {}),
        ...(p.shortcuts ? { shortcuts: { ...prefs.shortcuts, ...p.shortcuts } as DesktopPreferences['shortcuts'] } : {}),
      };
      // As main does: a shortcut turned off is reported "off", a new one registered.
      for (const [a, v] of Object.entries(p.shortcuts ?? {}))
        prefs.shortcutStatus = { ...prefs.shortcutStatus, [a]: v === null ? 'off' : 'active' };
      return prefs;
    },
  });
  setBridge(createBridge(fake));
  const pinia = createPinia();
  const i18n = createAppI18n();
  const w = mount(DesktopSettings, { attachTo: document.body, global: { plugins: [pinia, i18n] } });
  const bar = mount(StatusBar, { attachTo: document.body, global: { plugins: [pinia, i18n] } });
  wrappers.push(w, bar);
  await flushPromises();
  return { w, bar, sets: () => fake.calls.filter((c) => c.name === 'setDesktopPreferences').map((c) => c.params) };
}

const key = (code: string, mods: { ctrl?: boolean; shift?: boolean; alt?: boolean; meta?: boolean } = {}, k?: string) =>
  new KeyboardEvent('keydown', {
    code,
    key: k ?? (code.startsWith('Key') ? code.slice(3).toLowerCase() : code),
    ctrlKey: !!mods.ctrl,
    shiftKey: !!mods.shift,
    altKey: !!mods.alt,
    metaKey: !!mods.meta,
    bubbles: true,
    cancelable: true,
  });

async function press(w: VueWrapper, testid: string, ev: KeyboardEvent): Promise<void> {
  const el = w.get(`[data-testid="${testid}"]`).element as HTMLInputElement;
  el.focus();
  el.dispatchEvent(ev);
  await flushPromises();
}

describe('This computer: start at login', () => {
  it('turns start at login on, then "start hidden" becomes available', async () => {
    const { w, sets } = await mountSettings();
    expect(w.get('[data-testid="desktop-open-hidden"]').attributes('disabled')).toBeDefined();
    await w.get('[data-testid="desktop-open-at-login"]').trigger('click');
    await flushPromises();
    expect(sets()).toEqual([{ openAtLogin: true }]);
    expect(w.get('[data-testid="desktop-open-at-login"]').attributes('aria-checked')).toBe('true');
    expect(w.get('[data-testid="desktop-open-hidden"]').attributes('disabled')).toBeUndefined();
    await w.get('[data-testid="desktop-open-hidden"]').trigger('click');
    await flushPromises();
    expect(sets()).toEqual([{ openAtLogin: true }, { openAtLoginHidden: false }]);
  });

  it('says in the browser host that these take effect in the desktop app', async () => {
    const { w } = await mountSettings(
      basePrefs({
        desktop: false,
        shortcutStatus: { answer: 'desktop-only', declineOrHangUp: 'desktop-only', toggleMute: 'desktop-only', showWindow: 'desktop-only' },
      }),
    );
    expect(w.get('[data-testid="desktop-browser-note"]').text()).toContain('take effect in the desktop app');
    expect(w.get('[data-testid="shortcut-answer-status"]').text()).toBe('Only in the desktop app');
  });
});

describe('This computer: shortcut recorder', () => {
  it('records a new combination from the keyboard and saves it', async () => {
    const { w, sets } = await mountSettings();
    await press(w, 'shortcut-answer', key('KeyK', { ctrl: true, alt: true }));
    expect(sets()).toEqual([{ shortcuts: { answer: 'CommandOrControl+Alt+K' } }]);
    expect((w.get('[data-testid="shortcut-answer"]').element as HTMLInputElement).value).toBe('Ctrl+Alt+K');
  });

  it('shows a conflict on the row that was changed and saves nothing', async () => {
    const { w, sets } = await mountSettings();
    await press(w, 'shortcut-answer', key('KeyM', { ctrl: true, shift: true }));
    expect(sets()).toEqual([]);
    expect(w.get('[data-testid="shortcut-answer-error"]').text()).toBe('Ctrl+Shift+M is already the shortcut for "Mute or unmute".');
    expect(w.get('[data-testid="shortcut-answer"]').attributes('aria-invalid')).toBe('true');
    // The saved one is unchanged; Escape drops the attempt.
    await press(w, 'shortcut-answer', key('Escape', {}, 'Escape'));
    expect(w.find('[data-testid="shortcut-answer-error"]').exists()).toBe(false);
    (w.get('[data-testid="shortcut-answer"]').element as HTMLInputElement).blur();
    await flushPromises();
    expect((w.get('[data-testid="shortcut-answer"]').element as HTMLInputElement).value).toBe('Ctrl+Shift+A');
  });

  it("refuses a combination without a modifier with main's wording", async () => {
    const { w, sets } = await mountSettings();
    await press(w, 'shortcut-showWindow', key('KeyQ', { ctrl: true }));
    expect(w.get('[data-testid="shortcut-showWindow-error"]').text()).toBe('Ctrl+Q is used by the system or every app; choose another.');
    expect(sets()).toEqual([]);
  });

  it('Escape cancels without saving; Backspace turns the shortcut off', async () => {
    const { w, sets } = await mountSettings();
    await press(w, 'shortcut-toggleMute', key('Escape', {}, 'Escape'));
    expect(sets()).toEqual([]);
    expect(w.get('[data-testid="shortcut-toggleMute"]').attributes('data-listening')).toBe('false');
    // Enter listens again; modifiers alone only show what is held.
    await press(w, 'shortcut-toggleMute', key('Enter', {}, 'Enter'));
    expect(w.get('[data-testid="shortcut-toggleMute"]').attributes('data-listening')).toBe('true');
    await press(w, 'shortcut-toggleMute', key('ControlLeft', { ctrl: true }, 'Control'));
    expect((w.get('[data-testid="shortcut-toggleMute"]').element as HTMLInputElement).value).toBe('Ctrl+…');
    expect(sets()).toEqual([]);
    await press(w, 'shortcut-toggleMute', key('Backspace', {}, 'Backspace'));
    expect(sets()).toEqual([{ shortcuts: { toggleMute: null } }]);
    expect(w.get('[data-testid="shortcut-toggleMute-status"]').text()).toBe('Off');
  });

  it('shows main\'s refusal on its row, and "taken by another app" for a shortcut the OS refused', async () => {
    const { w, sets } = await mountSettings(
      basePrefs({ shortcutStatus: { answer: 'active', declineOrHangUp: 'active', toggleMute: 'active', showWindow: 'taken' } }),
      (p) => (p.shortcuts?.['declineOrHangUp'] ? { declineOrHangUp: 'Ctrl+Alt+H is already the shortcut for "Show Switchboard".' } : null),
    );
    expect(w.get('[data-testid="shortcut-showWindow-status"]').text()).toBe('Taken by another app — choose another');
    expect(w.get('[data-testid="shortcut-showWindow-status"]').attributes('data-state')).toBe('taken');
    await press(w, 'shortcut-declineOrHangUp', key('KeyH', { ctrl: true, alt: true }));
    expect(sets()).toHaveLength(1);
    expect(w.get('[data-testid="shortcut-declineOrHangUp-error"]').text()).toBe(
      'Ctrl+Alt+H is already the shortcut for "Show Switchboard".',
    );
  });

  it('resets every shortcut to the defaults', async () => {
    const { w, sets } = await mountSettings(basePrefs({ shortcuts: { ...DEFAULT_SHORTCUTS, answer: null, toggleMute: 'Alt+Shift+M' } }));
    await w.get('[data-testid="shortcuts-reset"]').trigger('click');
    await flushPromises();
    expect(sets()).toEqual([{ shortcuts: DEFAULT_SHORTCUTS }]);
    expect(w.get('[data-testid="shortcuts-reset"]').attributes('disabled')).toBeDefined();
    // The button it was on is disabled now: focus goes to the shortcuts' heading (not to nowhere,
    // and not into a recorder, which would start listening for keys).
    expect(document.activeElement?.id).toBe('shortcuts-title');
    expect(w.get('[data-testid="shortcut-answer"]').attributes('data-listening')).not.toBe('true');
  });
});

describe('This computer: do not disturb', () => {
  it('turns it on for an hour: the page and the status bar say until when', async () => {
    const { w, bar, sets } = await mountSettings();
    expect(bar.find('[data-testid="dnd-indicator"]').exists()).toBe(false);
    expect(w.get('[data-testid="dnd-state"]').attributes('data-state')).toBe('off');
    await w.get('[data-testid="dnd-hour"]').trigger('change');
    await flushPromises();
    expect(sets()).toEqual([{ dnd: 'hour' }]);
    expect(w.get('[data-testid="dnd-state"]').attributes('data-state')).toBe('on');
    expect(w.get('[data-testid="dnd-state"]').text()).toMatch(/^On until \d{1,2}:\d{2}/);
    expect(bar.get('[data-testid="dnd-indicator"]').text()).toMatch(/^Do not disturb until \d{1,2}:\d{2}/);
  });

  it('follows a change made from the tray, and hides the indicator when it has run out', async () => {
    const { bar } = await mountSettings();
    fake.emit('desktopPreferences', basePrefs({ dndUntil: new Date(Date.now() + 60_000).toISOString() }));
    await flushPromises();
    expect(bar.find('[data-testid="dnd-indicator"]').exists()).toBe(true);
    const store = useDesktopStore();
    store.now = Date.now() + 120_000;
    await flushPromises();
    expect(bar.find('[data-testid="dnd-indicator"]').exists()).toBe(false);
  });
});
