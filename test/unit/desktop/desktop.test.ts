import { describe, expect, it } from 'vitest';
import { callLinkFromArgv, parseCallLink } from '../../../main/desktop/click-to-call.ts';
import { dndMenuLabel, dndUntil, trayState } from '../../../main/desktop/tray-state.ts';
import { loginItemPlan } from '../../../main/desktop/autostart.ts';
import { checkShortcuts, DEFAULT_SHORTCUTS, normaliseAccelerator } from '../../../main/desktop/shortcuts.ts';

describe('click-to-call links', () => {
  it('accepts international numbers in whatsapp-call: and tel: links, with an optional payload', () => {
    expect(parseCallLink('whatsapp-call:+5511987650001')).toEqual({ ok: true, waId: '5511987650001', payload: null });
    expect(parseCallLink('whatsapp-call://+55%2011%2098765-0001')).toEqual({ ok: true, waId: '5511987650001', payload: null });
    expect(parseCallLink('tel:+44 7700 900003')).toEqual({ ok: true, waId: '447700900003', payload: null });
    expect(parseCallLink('tel:0044-7700-900003')).toEqual({ ok: true, waId: '447700900003', payload: null });
    expect(parseCallLink('WhatsApp-Call:+5511987650001?payload=spring-promo')).toEqual({
      ok: true,
      waId: '5511987650001',
      payload: 'spring-promo',
    });
  });

  it('refuses hostile or malformed input', () => {
    const bad = [
      'https://evil.example.com/+5511987650001',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'whatsapp-call:5511987650001', // not international
      'whatsapp-call:+55119876500011234', // too long
      'whatsapp-call:+1234', // too short
      'whatsapp-call:+55 11 9876 abc',
      'whatsapp-call:+5511987650001?payload=x&redirect=https://evil',
      'whatsapp-call:+5511987650001?exec=rm',
      'whatsapp-call:+5511987650001#frag',
      'whatsapp-call://user:pw@+5511987650001',
      'whatsapp-call:+5511987650001/../../x',
      'whatsapp-call:%E0%A4%A',
      'whatsapp-call:+5511987650001\n--inspect',
      `whatsapp-call:+5511987650001?payload=${'x'.repeat(600)}`,
      '',
      null,
      42,
    ];
    for (const b of bad) expect(parseCallLink(b).ok, String(b)).toBe(false);
  });

  it("finds the link among a second instance's arguments", () => {
    expect(callLinkFromArgv(['/opt/Switchboard/switchboard', '--hidden', 'tel:+5511987650001'])).toBe('tel:+5511987650001');
    expect(callLinkFromArgv(['/opt/Switchboard/switchboard', '--inspect=9229'])).toBeNull();
  });
});

describe('tray state', () => {
  const base = {
    accountConnected: true,
    reachability: 'connected' as const,
    callStates: [] as string[],
    dndUntil: null,
    now: new Date('2026-11-25T10:00:00Z'),
  };
  it('shows the most urgent state first', () => {
    expect(trayState(base)).toBe('ready');
    expect(trayState({ ...base, reachability: 'unreachable' })).toBe('unreachable');
    expect(trayState({ ...base, accountConnected: false })).toBe('not-connected');
    expect(trayState({ ...base, dndUntil: '2026-11-25T11:00:00Z', reachability: 'unreachable' })).toBe('dnd');
    expect(trayState({ ...base, dndUntil: '2026-11-25T09:00:00Z' })).toBe('ready');
    expect(trayState({ ...base, callStates: ['active'], dndUntil: '2026-11-25T11:00:00Z' })).toBe('on-call');
    expect(trayState({ ...base, callStates: ['active', 'ringing'] })).toBe('ringing');
    expect(trayState({ ...base, callStates: ['ended'] })).toBe('ready');
  });
  it('computes do-not-disturb ends', () => {
    const now = new Date(2026, 10, 25, 15, 30);
    expect(dndUntil('hour', now)).toBe(new Date(2026, 10, 25, 16, 30).toISOString());
    expect(dndUntil('tomorrow', now)).toBe(new Date(2026, 10, 26, 8, 0).toISOString());
    expect(dndUntil('off', now)).toBeNull();
  });
  it('says in the tray menu until when do-not-disturb is on', () => {
    const now = new Date(2026, 10, 25, 15, 30);
    expect(dndMenuLabel(null, now)).toBe('Do not disturb');
    expect(dndMenuLabel(new Date(2026, 10, 25, 15, 0).toISOString(), now)).toBe('Do not disturb'); // ended
    // ICU versions differ on the space before AM/PM (narrow no-break or plain).
    const label = (until: string | null) => dndMenuLabel(until, now, 'en-US').replace(/\s/g, ' ');
    expect(label(dndUntil('hour', now))).toBe('Do not disturb — until 4:30 PM');
    expect(label(dndUntil('tomorrow', now))).toBe('Do not disturb — until tomorrow 8:00 AM');
    expect(label(new Date(2026, 10, 28, 9, 0).toISOString())).toBe('Do not disturb — until Nov 28 9:00 AM');
  });
});

describe('start at login', () => {
  it('uses Electron login items on macOS and Windows', () => {
    expect(
      loginItemPlan({ platform: 'darwin', enabled: true, hidden: true, execPath: '/Applications/Switchboard.app', configHome: '/x' }),
    ).toEqual({ kind: 'electron-login-item', openAtLogin: true, hidden: true });
    expect(loginItemPlan({ platform: 'win32', enabled: false, hidden: false, execPath: 'C:\\\\S.exe', configHome: '' }).openAtLogin).toBe(
      false,
    );
  });
  it('writes (or removes) an XDG autostart entry on Linux, quoting the path', () => {
    const on = loginItemPlan({
      platform: 'linux',
      enabled: true,
      hidden: true,
      execPath: '/opt/My Apps/switchboard',
      configHome: '/home/ana/.config/',
    });
    expect(on.file).toBe('/home/ana/.config/autostart/switchboard.desktop');
    expect(on.content).toContain('Exec="/opt/My Apps/switchboard" --hidden');
    expect(on.content).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    const off = loginItemPlan({
      platform: 'linux',
      enabled: false,
      hidden: false,
      execPath: '/opt/switchboard',
      configHome: '/home/ana/.config',
    });
    expect(off).toMatchObject({ kind: 'xdg-autostart', content: null });
  });
});

describe('global shortcuts', () => {
  it('normalises accelerators and refuses unusable ones', () => {
    expect(normaliseAccelerator('ctrl+shift+a')).toBe('Control+Shift+A');
    expect(normaliseAccelerator('Shift+CmdOrCtrl+m')).toBe('CommandOrControl+Shift+M');
    for (const bad of ['A', 'Shift+A', 'Ctrl+Ctrl+A', 'Ctrl+Foo', 'Hyper+A', 'Ctrl+Alt+Shift+Super+A'])
      expect(normaliseAccelerator(bad), bad).toBeNull();
  });
  it('detects duplicates and system-reserved combinations', () => {
    expect(checkShortcuts(DEFAULT_SHORTCUTS)).toEqual([]);
    const problems = checkShortcuts({
      answer: 'Ctrl+Shift+A',
      declineOrHangUp: 'control+shift+a',
      toggleMute: 'Ctrl+Q',
      showWindow: 'nonsense',
    });
    expect(problems.map((p) => `${p.action}:${p.problem}`)).toEqual([
      'declineOrHangUp:duplicate',
      'toggleMute:reserved',
      'showWindow:invalid',
    ]);
    expect(problems[0]!.message).toMatch(/already the shortcut for "Answer a call"/);
  });
});
