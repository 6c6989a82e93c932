/**
 * Issue 8, the decisions behind desktop life: shortcut registration (diff, taken by another app),
 * the desktop preferences service and its bridge requests, close-to-hide / quit / suspend / resume,
 * new-message and call notifications, the badge count, and the network watcher.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inflateSync } from 'node:zlib';
import type { NetworkInterfaceInfo } from 'node:os';
import { ConfigStore } from '../../../main/account/config-store.ts';
import {
  applyRegistration,
  planRegistration,
  registrationOutcome,
  shortcutTarget,
  DEFAULT_SHORTCUTS,
  SHORTCUT_ACTIONS,
  type ShortcutAction,
} from '../../../main/desktop/shortcuts.ts';
import { acceleratorFromKey, checkShortcuts, formatAccelerator } from '../../../common/shortcuts.ts';
import { DesktopPreferencesService, ShortcutConflictError } from '../../../main/desktop/desktop-preferences.ts';
import { decideClose, decideQuit, decideResume, decideSuspend } from '../../../main/desktop/window-life.ts';
import {
  BURST_MS,
  callNotificationsToClose,
  decideCallNotification,
  incomingCallNotification,
  MessageNotifier,
  previewOf,
  type NewMessage,
} from '../../../main/desktop/message-notifications.ts';
import { badgeOf, debouncedBadge, dotPng } from '../../../main/desktop/badge.ts';
import { compareAddresses, externalAddresses, watchNetwork, type InterfacesFn } from '../../../main/desktop/network-watch.ts';
import { startAppServices, type AppServices } from '../../../main/app-services.ts';
import { testServiceOptions } from '../../support/host.ts';
import { memoryLogger } from '../../support/test-log.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A ConfigStore on an in-memory JSON store (what conf / electron-store give it). */
function memoryConfig(initial: Record<string, unknown> = {}): { config: ConfigStore; file: { store: Record<string, unknown> } } {
  const file = { store: structuredClone(initial), path: '/nowhere/config.json' };
  return { config: new ConfigStore('/nowhere', () => file), file };
}

/** A stand-in for Electron's globalShortcut: some accelerators belong to "another app". */
function fakeRegistry(takenByOthers: string[] = []) {
  const held = new Map<string, () => void>();
  const log: string[] = [];
  return {
    held,
    log,
    register(acc: string, cb: () => void): boolean {
      log.push(`+${acc}`);
      if (takenByOthers.includes(acc) || held.has(acc)) return false;
      held.set(acc, cb);
      return true;
    },
    unregister(acc: string): void {
      log.push(`-${acc}`);
      held.delete(acc);
    },
    press(acc: string): void {
      held.get(acc)?.();
    },
  };
}

describe('shortcut registration plan', () => {
  const D = DEFAULT_SHORTCUTS;
  it('registers everything the first time, and leaves unchanged shortcuts alone afterwards', () => {
    const first = planRegistration({}, D, 'linux');
    expect(first.register.map((r) => r.action)).toEqual([...SHORTCUT_ACTIONS]);
    expect(first.unregister).toEqual([]);
    const registered = registrationOutcome(first, new Set()).registered;
    const second = planRegistration(registered, { ...D, toggleMute: 'Alt+Shift+M' }, 'linux');
    expect(second.keep.map((k) => k.action)).toEqual(['answer', 'declineOrHangUp', 'showWindow']);
    expect(second.unregister).toEqual(['CommandOrControl+Shift+M']);
    expect(second.register).toEqual([{ action: 'toggleMute', accelerator: 'Alt+Shift+M' }]);
  });

  it('swaps two shortcuts by releasing both before registering either', () => {
    const reg = fakeRegistry();
    const calls: string[] = [];
    const handlers = Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a, () => void calls.push(a)])) as Record<ShortcutAction, () => void>;
    let r = applyRegistration(reg, {}, D, handlers, 'linux');
    reg.log.length = 0;
    r = applyRegistration(reg, r.registered, { ...D, answer: D.declineOrHangUp, declineOrHangUp: D.answer }, handlers, 'linux');
    expect(reg.log.slice(0, 2).every((l) => l.startsWith('-'))).toBe(true);
    expect(r.status).toEqual({ answer: 'active', declineOrHangUp: 'active', toggleMute: 'active', showWindow: 'active' });
    reg.press(D.answer);
    expect(calls).toEqual(['declineOrHangUp']);
  });

  it('reports a shortcut another app holds as taken, and tries it again on the next change', () => {
    const reg = fakeRegistry(['CommandOrControl+Shift+S']);
    const handlers = Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a, () => undefined])) as Record<ShortcutAction, () => void>;
    const r1 = applyRegistration(reg, {}, D, handlers, 'linux');
    expect(r1.status.showWindow).toBe('taken');
    expect(r1.registered.showWindow).toBeUndefined();
    const plan = planRegistration(r1.registered, D, 'linux');
    expect(plan.register).toEqual([{ action: 'showWindow', accelerator: 'CommandOrControl+Shift+S' }]);
  });

  it('turns off null shortcuts and never registers an unusable one', () => {
    const reg = fakeRegistry();
    const handlers = Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a, () => undefined])) as Record<ShortcutAction, () => void>;
    const r1 = applyRegistration(reg, {}, D, handlers, 'linux');
    const r2 = applyRegistration(
      reg,
      r1.registered,
      { answer: null, declineOrHangUp: 'Ctrl+Q', toggleMute: D.toggleMute, showWindow: D.showWindow },
      handlers,
      'linux',
    );
    expect(r2.status).toEqual({ answer: 'off', declineOrHangUp: 'invalid', toggleMute: 'active', showWindow: 'active' });
    expect([...reg.held.keys()].sort()).toEqual([D.showWindow, D.toggleMute].sort());
  });

  it('counts a registry that throws as refused, with the error', () => {
    const handlers = Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a, () => undefined])) as Record<ShortcutAction, () => void>;
    const r = applyRegistration(
      {
        register: () => {
          throw new Error('conversion failed');
        },
        unregister: () => undefined,
      },
      {},
      { answer: D.answer },
      handlers,
      'linux',
    );
    expect(r.status.answer).toBe('taken');
    expect(r.errors).toEqual([{ action: 'answer', error: 'conversion failed' }]);
  });
});

describe('which call a call shortcut acts on', () => {
  it('answers the ringing call; hangs up the current call before it would decline a waiting one', () => {
    const ringing = { localId: 'r', state: 'ringing' };
    const active = { localId: 'a', state: 'active' };
    expect(shortcutTarget('answer', [ringing])).toEqual({ localId: 'r', command: 'answer' });
    expect(shortcutTarget('answer', [active])).toBeNull();
    expect(shortcutTarget('declineOrHangUp', [ringing])).toEqual({ localId: 'r', command: 'decline' });
    // A waiting call listed first must not be declined by the key meant to end the current call.
    expect(shortcutTarget('declineOrHangUp', [ringing, active])).toEqual({ localId: 'a', command: 'hangup' });
    expect(shortcutTarget('declineOrHangUp', [{ localId: 'o', state: 'dialing' }])).toEqual({ localId: 'o', command: 'hangup' });
    expect(
      shortcutTarget('declineOrHangUp', [
        { localId: 'e', state: 'ending' },
        { localId: 'x', state: 'ended' },
      ]),
    ).toBeNull();
  });
});

describe('shortcut rules shared with the settings screen', () => {
  it('treats Ctrl and CommandOrControl as the same keys on Windows/Linux but not on macOS', () => {
    const map = { answer: 'CommandOrControl+Shift+A', declineOrHangUp: 'Ctrl+Shift+A' };
    expect(checkShortcuts(map, 'linux').map((p) => p.problem)).toEqual(['duplicate']);
    expect(checkShortcuts(map, 'darwin')).toEqual([]);
  });
  it('blames the action that was changed when told which one it was', () => {
    const p = checkShortcuts({ ...DEFAULT_SHORTCUTS, answer: 'Ctrl+Shift+M' }, 'linux', [
      'declineOrHangUp',
      'toggleMute',
      'showWindow',
      'answer',
    ]);
    expect(p).toEqual([{ action: 'answer', problem: 'duplicate', message: 'Ctrl+Shift+M is already the shortcut for "Mute or unmute".' }]);
  });
  it('records the physical key with its modifiers, per platform', () => {
    const k = { key: '!', code: 'Digit1', ctrlKey: true, metaKey: false, altKey: false, shiftKey: true };
    expect(acceleratorFromKey(k, false)).toBe('CommandOrControl+Shift+1');
    expect(acceleratorFromKey({ ...k, ctrlKey: false, metaKey: true }, true)).toBe('CommandOrControl+Shift+1');
    expect(acceleratorFromKey({ ...k, code: 'ShiftLeft', key: 'Shift' }, false)).toBeNull();
    expect(
      acceleratorFromKey({ key: 'ArrowUp', code: 'ArrowUp', ctrlKey: false, metaKey: false, altKey: true, shiftKey: false }, false),
    ).toBe('Alt+Up');
    expect(formatAccelerator('CommandOrControl+Shift+A', 'linux')).toBe('Ctrl+Shift+A');
    expect(formatAccelerator('CommandOrControl+Shift+A', 'darwin')).toBe('⌘⇧A');
  });
});

describe('desktop preferences service', () => {
  it('stores normalised shortcuts and re-registers through the attached registrar', () => {
    const { config, file } = memoryConfig();
    const svc = new DesktopPreferencesService({ config, platform: 'linux' });
    expect(svc.view().shortcutStatus).toEqual({
      answer: 'desktop-only',
      declineOrHangUp: 'desktop-only',
      toggleMute: 'desktop-only',
      showWindow: 'desktop-only',
    });
    expect(svc.view().desktop).toBe(false);
    const seen: Array<Record<string, string | null>> = [];
    svc.attachRegistrar((s) => {
      seen.push(s);
      return {
        answer: 'active',
        declineOrHangUp: 'active',
        toggleMute: 'active',
        showWindow: s.showWindow === 'Alt+Shift+S' ? 'taken' : 'active',
      };
    });
    const view = svc.update({ shortcuts: { showWindow: 'alt+shift+s', answer: null } });
    expect(view.shortcuts).toEqual({ ...DEFAULT_SHORTCUTS, showWindow: 'Alt+Shift+S', answer: null });
    expect(view.shortcutStatus.showWindow).toBe('taken');
    expect(view.desktop).toBe(true);
    expect((file.store['preferences'] as { shortcuts: unknown }).shortcuts).toEqual(view.shortcuts);
    expect(seen).toHaveLength(2);
  });

  it('refuses a conflicting change as a whole, with a message per row, and stores nothing', () => {
    const { config, file } = memoryConfig();
    const svc = new DesktopPreferencesService({ config, platform: 'linux' });
    const before = JSON.stringify(file.store);
    let err: unknown;
    try {
      svc.update({ openAtLogin: true, shortcuts: { answer: 'Ctrl+Shift+D', showWindow: 'Ctrl+W' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShortcutConflictError);
    expect((err as ShortcutConflictError).fieldErrors).toEqual({
      showWindow: 'Ctrl+W is used by the system or every app; choose another.',
      answer: 'Ctrl+Shift+D is already the shortcut for "Decline or hang up".',
    });
    expect(JSON.stringify(file.store)).toBe(before);
    expect(svc.view().openAtLogin).toBe(false);
  });

  it('sets and ends do-not-disturb, and tells listeners when it runs out', () => {
    vi.useFakeTimers({ now: new Date('2026-12-05T14:00:00Z') });
    const { config } = memoryConfig();
    const svc = new DesktopPreferencesService({ config, platform: 'linux' });
    const views: Array<string | null> = [];
    svc.onChange((v) => views.push(v.dndUntil));
    expect(svc.setDnd('hour').dndUntil).toBe('2026-12-05T15:00:00.000Z');
    expect(svc.dndActive()).toBe(true);
    vi.advanceTimersByTime(3_600_000 + 100);
    expect(svc.dndActive()).toBe(false);
    expect(views).toEqual(['2026-12-05T15:00:00.000Z', null]);
    svc.setDnd('tomorrow');
    expect(svc.setDnd('off').dndUntil).toBeNull();
    svc.dispose();
  });
});

describe('desktop preferences over the bridge (browser host)', () => {
  let services: AppServices | null = null;
  afterEach(async () => {
    await services?.close();
    services = null;
  });

  it('serves get/set, refuses conflicts with shortcut_conflict and per-field errors, and pushes changes', async () => {
    services = await startAppServices({ ...testServiceOptions(memoryLogger().log), networkWatchIntervalMs: 0 });
    const pushed: unknown[] = [];
    services.events.subscribe((e, p) => e === 'desktopPreferences' && pushed.push(p));
    const got = await services.dispatch('getDesktopPreferences', {});
    expect(got).toMatchObject({
      ok: true,
      result: { openAtLogin: false, openAtLoginHidden: true, dndUntil: null, desktop: false, shortcuts: DEFAULT_SHORTCUTS },
    });
    const bad = await services.dispatch('setDesktopPreferences', { openAtLogin: true, shortcuts: { toggleMute: 'Ctrl+Shift+A' } });
    expect(bad).toEqual({
      ok: false,
      error: {
        code: 'shortcut_conflict',
        message: 'Ctrl+Shift+A is already the shortcut for "Answer a call".',
        details: { fieldErrors: { toggleMute: 'Ctrl+Shift+A is already the shortcut for "Answer a call".' } },
      },
    });
    expect(services.config.get().preferences.openAtLogin).toBe(false);
    expect(pushed).toHaveLength(0);
    const ok = await services.dispatch('setDesktopPreferences', { openAtLogin: true, dnd: 'hour' });
    expect(ok.ok).toBe(true);
    expect(pushed).toHaveLength(1);
    expect(services.config.get().preferences.openAtLogin).toBe(true);
    expect((await services.dispatch('setDesktopPreferences', { shortcuts: { answer: 'x'.repeat(81) } })).ok).toBe(false);
    expect((await services.dispatch('setDesktopPreferences', { sneaky: true })).ok).toBe(false);
  });
});

describe('window life: close, quit, suspend, resume', () => {
  it('close-to-hide while calls exist: closing hides (never destroys) the window, calls or not', () => {
    expect(decideClose({ quitting: false, explained: false })).toEqual({ action: 'hide', explain: true });
    expect(decideClose({ quitting: false, explained: true })).toEqual({ action: 'hide', explain: false });
    // A live call changes nothing about close: the window carries its media.
    for (const explained of [true, false]) expect(decideClose({ quitting: false, explained }).action).toBe('hide');
    expect(decideClose({ quitting: true, explained: true })).toEqual({ action: 'close' });
  });
  it('asks before quitting with a live call, and quits once confirmed', () => {
    expect(decideQuit({ callStates: [], confirmed: false })).toEqual({ action: 'quit', endCalls: 0 });
    expect(decideQuit({ callStates: ['ended'], confirmed: false })).toEqual({ action: 'quit', endCalls: 0 });
    expect(decideQuit({ callStates: ['active', 'ringing'], confirmed: false })).toEqual({ action: 'ask', liveCalls: 2 });
    expect(decideQuit({ callStates: ['active'], confirmed: true })).toEqual({ action: 'quit', endCalls: 1 });
  });
  it('ends calls on suspend, restarts the tunnel on resume when connected', () => {
    expect(decideSuspend(['active'])).toEqual({ endCalls: true });
    expect(decideSuspend(['ended'])).toEqual({ endCalls: false });
    // A call already ending (our hang-up on its way) is not live: there is nothing more to end.
    expect(decideSuspend(['ending', 'ended'])).toEqual({ endCalls: false });
    expect(decideResume({ accountConnected: true })).toEqual({ restartTunnel: true });
    expect(decideResume({ accountConnected: false })).toEqual({ restartTunnel: false });
  });
});

describe('new-message notifications', () => {
  const msg = (id: number, threadId: number, o: Partial<NewMessage> = {}): NewMessage => ({
    id,
    threadId,
    direction: 'in',
    kind: 'message',
    type: 'text',
    body: `hello ${id}`,
    ...o,
  });
  const ctx = (o: { visible?: boolean; focused?: boolean; dnd?: boolean; now?: number } = {}) => ({
    window: { visible: o.visible ?? false, focused: o.focused ?? false },
    dnd: o.dnd ?? false,
    now: o.now ?? 1_000_000,
    nameOf: (id: number) => (id === 1 ? 'Ana Souza' : `Customer ${id}`),
  });

  it("notifies customers' messages with the name and a one-line preview, not the owner's own", () => {
    const n = new MessageNotifier();
    expect(
      n.decide(
        [msg(1, 1, { body: 'Do you\nhave the blue one?' }), msg(2, 2, { direction: 'out' }), msg(3, 3, { kind: 'call', type: 'call' })],
        ctx(),
      ),
    ).toEqual([{ threadId: 1, title: 'Ana Souza', body: 'Do you have the blue one?', count: 1, replaces: false }]);
  });
  it('stays quiet while the window is in front, and during do-not-disturb', () => {
    const n = new MessageNotifier();
    expect(n.decide([msg(1, 1)], ctx({ visible: true, focused: true }))).toEqual([]);
    expect(n.decide([msg(2, 1)], ctx({ dnd: true }))).toEqual([]);
    expect(n.decide([msg(3, 1)], ctx({ visible: true, focused: false }))).toHaveLength(1);
  });
  it('coalesces a burst per thread into one replacing notification', () => {
    const n = new MessageNotifier();
    expect(n.decide([msg(1, 1)], ctx({ now: 0 }))[0]).toMatchObject({ count: 1, replaces: false });
    expect(n.decide([msg(2, 1), msg(3, 1, { body: 'third' })], ctx({ now: 10_000 }))[0]).toEqual({
      threadId: 1,
      title: 'Ana Souza',
      body: '3 new messages · third',
      count: 3,
      replaces: true,
    });
    expect(n.decide([msg(4, 2)], ctx({ now: 11_000 }))[0]).toMatchObject({ threadId: 2, count: 1, replaces: false });
    expect(n.decide([msg(5, 1)], ctx({ now: 10_000 + BURST_MS + 1 }))[0]).toMatchObject({ count: 1, replaces: false });
    n.decide([msg(6, 1)], ctx({ now: 10_000 + BURST_MS + 2 }));
    n.seen(1);
    expect(n.decide([msg(7, 1)], ctx({ now: 10_000 + BURST_MS + 3 }))[0]).toMatchObject({ count: 1, replaces: false });
  });
  it('previews media by kind and clips long text', () => {
    expect(previewOf({ type: 'image', body: 'the shelf' })).toBe('Photo · the shelf');
    expect(previewOf({ type: 'audio', body: null })).toBe('Voice message');
    expect(previewOf({ type: 'text', body: 'x'.repeat(300) })).toHaveLength(100);
    expect(previewOf({ type: 'weird', body: 'secret' })).toBe('New message');
  });
  it('notifies a ringing call once, a missed call once, nothing during do-not-disturb', () => {
    const notified = new Set<string>();
    const ringing = { localId: 'c1', direction: 'incoming', state: 'ringing', outcome: null };
    expect(decideCallNotification(ringing, { dnd: false, notified })).toEqual({ kind: 'incoming', key: 'c1' });
    notified.add('c1');
    expect(decideCallNotification(ringing, { dnd: false, notified })).toBeNull();
    expect(decideCallNotification({ ...ringing, state: 'ended', outcome: 'missed' }, { dnd: false, notified })).toEqual({
      kind: 'missed',
      key: 'missed:c1',
    });
    expect(decideCallNotification({ ...ringing, localId: 'c2' }, { dnd: true, notified })).toBeNull();
    expect(decideCallNotification({ ...ringing, localId: 'c3', direction: 'outgoing' }, { dnd: false, notified })).toBeNull();
  });
  it('names the caller, offers Answer and Decline, and is closed once the call stops ringing', () => {
    expect(incomingCallNotification('Ana  Souza')).toEqual({
      title: 'Incoming WhatsApp call',
      body: 'Ana Souza is calling.',
      actions: ['Answer', 'Decline'],
    });
    expect(incomingCallNotification(null).body).toBe('A customer is calling.');
    expect(incomingCallNotification('   ').body).toBe('A customer is calling.');
    // Answered here (c1), ended by the customer (c2, gone from the list), still ringing (c3).
    expect(
      callNotificationsToClose(
        ['c1', 'c2', 'c3'],
        [
          { localId: 'c1', state: 'connected' },
          { localId: 'c3', state: 'ringing' },
        ],
      ),
    ).toEqual(['c1', 'c2']);
  });
});

describe('badge', () => {
  it('counts unread messages and missed calls', () => {
    expect(badgeOf({ unread: 3, missed: 1 })).toEqual({ count: 4, description: '3 unread messages, 1 missed call', label: '4' });
    expect(badgeOf({ unread: 0, missed: 0 })).toEqual({ count: 0, description: '', label: '0' });
    expect(badgeOf({ unread: 120, missed: 2 }).label).toBe('99+');
  });
  it('applies at most once per burst and only when the count changed', () => {
    vi.useFakeTimers();
    let totals = { unread: 1, missed: 0 };
    const applied: number[] = [];
    const b = debouncedBadge(
      () => totals,
      (x) => applied.push(x.count),
      250,
    );
    b.refresh();
    b.refresh();
    vi.advanceTimersByTime(300);
    b.refresh();
    vi.advanceTimersByTime(300);
    totals = { unread: 1, missed: 2 };
    b.refresh();
    vi.advanceTimersByTime(300);
    expect(applied).toEqual([1, 3]);
    b.dispose();
  });
  it('makes a valid PNG overlay dot', () => {
    const png = dotPng(16);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(16);
    const idat = png.indexOf('IDAT');
    const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    expect(raw.length).toBe((16 * 4 + 1) * 16);
    expect(raw[(16 * 4 + 1) * 8 + 1 + 8 * 4 + 3]).toBe(255); // opaque centre
    expect(raw[1 + 3]).toBe(0); // transparent corner
  });
});

describe('network watcher', () => {
  const iface = (address: string, internal = false, family: 'IPv4' | 'IPv6' = 'IPv4') =>
    ({ address, internal, family, netmask: '', mac: '', cidr: null }) as unknown as NetworkInterfaceInfo;
  it('compares external addresses only', () => {
    expect(
      externalAddresses({
        lo: [iface('127.0.0.1', true)],
        eth0: [iface('10.0.0.5'), iface('fe80::1', false, 'IPv6')],
      } as ReturnType<InterfacesFn>),
    ).toEqual(['eth0 10.0.0.5']);
    expect(compareAddresses([], ['eth0 10.0.0.5'])).toEqual({ kind: 'up', addresses: ['eth0 10.0.0.5'] });
    expect(compareAddresses(['eth0 10.0.0.5'], [])).toEqual({ kind: 'down', addresses: [] });
    expect(compareAddresses(['a'], ['a'])).toBeNull();
  });
  it('polls, and reports the network coming back and changing (not an unchanged poll)', () => {
    vi.useFakeTimers();
    let current: ReturnType<InterfacesFn> = { lo: [iface('127.0.0.1', true)], wlan0: [iface('192.168.1.20')] };
    const changes: string[] = [];
    const w = watchNetwork({ intervalMs: 3000, interfaces: () => current, onChange: (c) => changes.push(c.kind) });
    vi.advanceTimersByTime(3000);
    expect(changes).toEqual([]);
    current = { lo: [iface('127.0.0.1', true)] };
    vi.advanceTimersByTime(3000);
    current = { lo: [iface('127.0.0.1', true)], wlan0: [iface('192.168.1.20')] };
    vi.advanceTimersByTime(3000);
    current = { lo: [iface('127.0.0.1', true)], wlan0: [iface('10.1.2.3')] };
    vi.advanceTimersByTime(3000);
    vi.advanceTimersByTime(9000);
    expect(changes).toEqual(['down', 'up', 'changed']);
    w.stop();
    current = {};
    vi.advanceTimersByTime(9000);
    expect(changes).toHaveLength(3);
  });
  it('ignores a failing read', () => {
    vi.useFakeTimers();
    let fail = false;
    const changes: string[] = [];
    const w = watchNetwork({
      intervalMs: 1000,
      interfaces: () => {
        if (fail) throw new Error('EPERM');
        return { eth0: [iface('10.0.0.1')] };
      },
      onChange: (c) => changes.push(c.kind),
    });
    fail = true;
    vi.advanceTimersByTime(3000);
    expect(changes).toEqual([]);
    w.stop();
  });
});

describe('thread store aggregates for the badge and message notifications (through the simulator)', () => {
  it('counts unread messages and missed calls over every thread, and lists new customer messages', async () => {
    const { startSimApp, customerWrites, until, defaultSeed } = await import('../../support/sim-app.ts');
    const app = await startSimApp();
    try {
      const [ana, jonas] = defaultSeed.users.filter((u) => u.wa_id);
      const start = app.services.threads.latestItemId();
      const before = app.services.threads.badgeTotals();
      await customerWrites(app, ana!.wa_id!, 'Is the shop open on Sunday?');
      await customerWrites(app, jonas!.wa_id!, 'Hello');
      await customerWrites(app, jonas!.wa_id!, 'Anyone there?');
      await until('three new messages', () => app.services.threads.inboundMessagesAfter(start).length === 3);
      expect(app.services.threads.badgeTotals()).toEqual({ unread: before.unread + 3, missed: before.missed });
      expect(app.services.threads.inboundMessagesAfter(start).map((m) => m.body)).toEqual([
        'Is the shop open on Sunday?',
        'Hello',
        'Anyone there?',
      ]);
      expect(app.services.threads.latestItemId()).toBeGreaterThan(start);
      // Opening a thread clears its part of the badge.
      const threadId = app.services.threads.inboundMessagesAfter(start)[1]!.threadId;
      await app.services.dispatch('openThread', { threadId });
      expect(app.services.threads.badgeTotals()).toEqual({ unread: before.unread + 1, missed: before.missed });
      // A stopped tunnel is not started by a network change or a resume.
      expect(await app.services.connection.restartNow()).toBe(false);
    } finally {
      await app.close();
    }
  });
});

describe('the network coming back restarts the tunnel at once (services + loopback tunnel + simulator)', () => {
  it('restarts a running tunnel when the addresses change, and it is reachable again', async () => {
    const { createSimulator } = await import('../../sim/simulator.ts');
    const { startTunnelServer } = await import('../../support/tunnel-server.ts');
    const { defaultSeed, until } = await import('../../support/sim-app.ts');
    const sim = createSimulator({ seed: defaultSeed });
    await sim.listen(0);
    const tunnel = await startTunnelServer();
    let addresses: ReturnType<InterfacesFn> = {
      wlan0: [{ address: '192.168.1.20', internal: false, family: 'IPv4', netmask: '255.255.255.0', mac: '00:00:00:00:00:01', cidr: null }],
    };
    const services = await startAppServices({
      ...testServiceOptions(memoryLogger().log),
      localtunnelHost: tunnel.url,
      networkWatchIntervalMs: 100,
      networkInterfaces: () => addresses,
    });
    try {
      const c = sim.credentials();
      const res = await services.dispatch('connectAccount', {
        graphBaseUrl: c.graphBaseUrl,
        apiVersion: c.apiVersion,
        accessToken: c.accessToken,
        appSecret: c.appSecret,
        appId: c.appId,
        wabaId: c.wabaId,
        phoneNumberId: c.phoneNumberId,
      });
      expect(res.ok).toBe(true);
      await until('reachable', () => services.connection.view().state === 'connected', 20_000);
      const restarts = services.connection.view().restarts;
      await new Promise((r) => setTimeout(r, 400));
      expect(services.connection.view().restarts).toBe(restarts); // an unchanged network restarts nothing
      addresses = {
        wlan0: [{ address: '10.20.30.40', internal: false, family: 'IPv4', netmask: '255.0.0.0', mac: '00:00:00:00:00:01', cidr: null }],
      };
      await until('a restart', () => services.connection.view().restarts > restarts, 5_000);
      await until('reachable again', () => services.connection.view().state === 'connected', 20_000);
    } finally {
      await services.close();
      await tunnel.close();
      await sim.close();
    }
  }, 60_000);
});
