import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { useSettingsStore } from '../../../renderer/src/stores/settings.store.ts';
import type { CallingSettingsView, ParamsOf } from '../../../common/bridge-contract.ts';
import { createFakeTransport, type FakeTransport } from '../support/fake-bridge.ts';
import { sampleCalling, weekdayHours } from '../support/calling-fixtures.ts';
import { applyLocale, createAppI18n } from '../../../renderer/src/i18n/index.ts';

let fake: FakeTransport;
let server: CallingSettingsView;

function setup(initial = sampleCalling()) {
  server = initial;
  fake = createFakeTransport({
    getCallingSettings: () => server,
    updateCallingSettings: (p: ParamsOf<'updateCallingSettings'>) => {
      server = {
        ...server,
        calling: { ...server.calling, ...p.changes } as CallingSettingsView['calling'],
        fetchedAt: '2026-11-25T10:05:00.000Z',
      };
      return server;
    },
  });
  setBridge(createBridge(fake));
  return useSettingsStore();
}
const updates = () => fake.calls.filter((c) => c.name === 'updateCallingSettings');

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => setBridge(null));

describe('settings store (calling settings)', () => {
  it('loads what the server has, and is not dirty', async () => {
    const s = setup();
    await s.load();
    expect(s.draft).toEqual(sampleCalling().calling);
    expect(s.dirty).toBe(false);
  });

  it('saves only what changed, then shows what the server answered', async () => {
    const s = setup();
    await s.load();
    s.draft!.callback_permission_status = 'ENABLED';
    expect(s.dirty).toBe(true);
    expect(s.changes).toEqual({ callback_permission_status: 'ENABLED' });
    expect(await s.save()).toBe(true);
    expect(updates()[0]!.params).toEqual({ changes: { callback_permission_status: 'ENABLED' } });
    expect(s.saveState).toBe('saved');
    expect(s.dirty).toBe(false);
    expect(s.server!.fetchedAt).toBe('2026-11-25T10:05:00.000Z');
  });

  it('refuses to send invalid call hours and names the field', async () => {
    const s = setup();
    await s.load();
    s.setCallHoursEnabled(true);
    s.draft!.call_hours!.weekly_operating_hours[0]!.close_time = '0800';
    expect(s.valid).toBe(false);
    expect(s.errors['call_hours.weekly_operating_hours[0].close_time']).toBe('Closing time must be later than opening time.');
    expect(await s.save()).toBe(false);
    expect(updates()).toEqual([]);
    expect(s.saveState).toBe('failed');
  });

  it('shows Graph’s refusal and the field Graph named', async () => {
    const s = setup(sampleCalling({ call_hours: weekdayHours() }));
    fake.handlers.updateCallingSettings = () => ({
      error: {
        code: 'graph_100',
        message: 'WhatsApp refused a value in the request. Check the highlighted value and try again.',
        details: { field: 'call_hours.holiday_schedule[0].date', message: 'Holiday date is in the past' },
      },
    });
    await s.load();
    s.draft!.call_hours!.weekly_operating_hours[0]!.open_time = '0800';
    expect(await s.save()).toBe(false);
    expect(s.saveError).toContain('WhatsApp refused a value');
    expect(s.errors['call_hours.holiday_schedule[0].date']).toContain('WhatsApp refused');
    // Editing clears the server's field error.
    s.touched();
    expect(s.errors['call_hours.holiday_schedule[0].date']).toBeUndefined();
  });

  it('turning call hours or voicemail on and off again leaves nothing to save', async () => {
    const s = setup();
    await s.load();
    s.setCallHoursEnabled(true);
    s.setVoicemailEnabled(true);
    expect(Object.keys(s.changes).sort()).toEqual(['call_hours', 'voicemail']);
    expect(s.draft!.voicemail).toEqual({ status: 'ENABLED', triggers: ['REJECT', 'TIMEOUT'], audio: { default: { timeout_seconds: 20 } } });
    s.setCallHoursEnabled(false);
    s.setVoicemailEnabled(false);
    expect(s.dirty).toBe(false);
  });

  it('turning call hours off keeps the schedule and holidays when the server had them', async () => {
    const s = setup(sampleCalling({ call_hours: weekdayHours() }));
    await s.load();
    s.setCallHoursEnabled(false);
    expect(s.changes.call_hours).toEqual({ ...weekdayHours(), status: 'DISABLED' });
  });

  it('edits the week: two periods a day at most, copy Monday, holidays up to 20', async () => {
    const s = setup(sampleCalling({ call_hours: weekdayHours() }));
    await s.load();
    s.addPeriod('MONDAY');
    s.addPeriod('MONDAY');
    expect(s.periodsOf('MONDAY')).toHaveLength(2);
    expect(s.valid).toBe(true);
    s.copyMondayToWeekdays();
    for (const d of ['TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const) expect(s.periodsOf(d)).toHaveLength(2);
    s.addPeriod('SUNDAY');
    expect(s.draft!.call_hours!.weekly_operating_hours.at(-1)).toEqual({ day_of_week: 'SUNDAY', open_time: '0900', close_time: '1700' });
    for (let i = 0; i < 25; i++) s.addHoliday();
    expect(s.draft!.call_hours!.holiday_schedule).toHaveLength(20);
    expect(new Set(s.draft!.call_hours!.holiday_schedule.map((h) => h.date)).size).toBe(20);
    expect(s.valid).toBe(true);
  });

  it('takes pushed changes unless the owner is editing', async () => {
    const s = setup();
    await s.load();
    fake.emit('callingSettings', sampleCalling({ status: 'DISABLED' }));
    expect(s.draft!.status).toBe('DISABLED');
    s.draft!.callback_permission_status = 'ENABLED';
    fake.emit('callingSettings', sampleCalling({ status: 'ENABLED' }));
    expect(s.draft!.callback_permission_status).toBe('ENABLED');
    expect(s.server!.calling.status).toBe('ENABLED');
    s.stop();
  });

  it('reports a load failure as a plain message', async () => {
    const s = setup();
    fake.handlers.getCallingSettings = () => ({
      error: { code: 'not_connected', message: 'Connect your WhatsApp number first, in Settings → Account.' },
    });
    await s.load();
    expect(s.loadError).toEqual({ code: 'not_connected', message: 'Connect your WhatsApp number first, in Settings → Account.' });
  });
});

describe('settings store, coming back to the screen', () => {
  it('keeps unsaved edits when the settings are read again', async () => {
    const s = setup();
    await s.load();
    s.draft!.callback_permission_status = 'ENABLED';
    await s.load();
    expect(s.draft!.callback_permission_status).toBe('ENABLED');
    expect(s.changes).toEqual({ callback_permission_status: 'ENABLED' });
  });

  it("words the rules' refusals in the owner's language, and follows a change of language", async () => {
    createAppI18n('pt-BR');
    try {
      const s = setup();
      await s.load();
      s.setCallHoursEnabled(true);
      s.draft!.call_hours!.weekly_operating_hours[0]!.close_time = '0800';
      const path = 'call_hours.weekly_operating_hours[0].close_time';
      expect(s.errors[path]).toBe('O horário de fechamento precisa ser depois do de abertura.');
      applyLocale('es');
      expect(s.errors[path]).toBe('La hora de cierre debe ser posterior a la de apertura.');
    } finally {
      applyLocale('en');
    }
  });
});
