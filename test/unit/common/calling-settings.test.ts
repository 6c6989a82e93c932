/** The shared calling-settings module: Meta's rules, the minimal POST body, "open now". */
import { describe, expect, it } from 'vitest';
import {
  diffCallingSettings,
  openState,
  parseSettingsResponse,
  todayIn,
  validateCallHours,
  validateCallingChanges,
  type CallHours,
  type CallingSettings,
} from '../../../common/calling-settings.ts';

const week = (): CallHours['weekly_operating_hours'] =>
  (['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const).map((d) => ({
    day_of_week: d,
    open_time: '0900',
    close_time: '1700',
  }));
const hours = (over: Partial<CallHours> = {}): CallHours => ({
  status: 'ENABLED',
  timezone_id: 'America/Sao_Paulo',
  weekly_operating_hours: week(),
  holiday_schedule: [],
  ...over,
});
const base = (): CallingSettings => ({
  status: 'ENABLED',
  call_icon_visibility: 'DEFAULT',
  call_icons: { restrict_to_user_countries: [] },
  call_hours: null,
  callback_permission_status: 'DISABLED',
  audio: { additional_codecs: [] },
  voicemail: null,
});
const paths = (errs: Array<{ path: string }>) => errs.map((e) => e.path);

describe('validateCallHours', () => {
  it('accepts a normal week', () => {
    expect(validateCallHours(hours(), '2026-11-25')).toEqual([]);
  });

  it('requires HHMM times and open < close, naming the exact field', () => {
    const h = hours();
    h.weekly_operating_hours[1] = { day_of_week: 'TUESDAY', open_time: '9:00', close_time: '2460' };
    h.weekly_operating_hours[2] = { day_of_week: 'WEDNESDAY', open_time: '1700', close_time: '0900' };
    const errs = validateCallHours(h, '2026-11-25');
    expect(paths(errs)).toEqual([
      'call_hours.weekly_operating_hours[1].open_time',
      'call_hours.weekly_operating_hours[1].close_time',
      'call_hours.weekly_operating_hours[2].close_time',
    ]);
    expect(errs[2]!.message).toBe('Closing time must be later than opening time.');
  });

  it('allows two periods a day, refuses a third and refuses overlaps', () => {
    const two = hours({
      weekly_operating_hours: [
        { day_of_week: 'MONDAY', open_time: '0800', close_time: '1200' },
        { day_of_week: 'MONDAY', open_time: '1300', close_time: '1800' },
      ],
    });
    expect(validateCallHours(two, '2026-11-25')).toEqual([]);
    const three = hours({
      weekly_operating_hours: [...two.weekly_operating_hours, { day_of_week: 'MONDAY', open_time: '1900', close_time: '2000' }],
    });
    expect(paths(validateCallHours(three, '2026-11-25'))).toEqual(['call_hours.weekly_operating_hours[2].day_of_week']);
    const overlap = hours({
      weekly_operating_hours: [
        { day_of_week: 'MONDAY', open_time: '1100', close_time: '1500' },
        { day_of_week: 'MONDAY', open_time: '0800', close_time: '1200' },
      ],
    });
    const errs = validateCallHours(overlap, '2026-11-25');
    expect(paths(errs)).toEqual(['call_hours.weekly_operating_hours[0].open_time']);
    expect(errs[0]!.message).toBe('This period overlaps another one on Monday.');
  });

  it('refuses an empty week and an unknown time zone', () => {
    expect(paths(validateCallHours(hours({ weekly_operating_hours: [], timezone_id: 'Mars/Olympus' }), '2026-11-25'))).toEqual([
      'call_hours.timezone_id',
      'call_hours.weekly_operating_hours',
    ]);
  });

  it('checks holidays: real dates, not in the past, no duplicates, start < end, at most 20', () => {
    const h = hours({
      holiday_schedule: [
        { date: '2026-11-24', start_time: '0000', end_time: '2359' },
        { date: '2026-02-30', start_time: '0000', end_time: '2359' },
        { date: '2026-11-25', start_time: '0000', end_time: '2359' },
        { date: '2026-11-25', start_time: '1000', end_time: '0900' },
      ],
    });
    const errs = validateCallHours(h, '2026-11-25');
    expect(paths(errs)).toEqual([
      'call_hours.holiday_schedule[0].date',
      'call_hours.holiday_schedule[1].date',
      'call_hours.holiday_schedule[3].date',
      'call_hours.holiday_schedule[3].end_time',
    ]);
    expect(errs[0]!.message).toContain('already passed');
    const many = hours({
      holiday_schedule: Array.from({ length: 21 }, (_, i) => ({
        date: `2027-01-${String(i + 1).padStart(2, '0')}`,
        start_time: '0000',
        end_time: '2359',
      })),
    });
    expect(paths(validateCallHours(many, '2026-11-25'))).toEqual(['call_hours.holiday_schedule']);
  });

  it('judges "past" by the business’s calendar, not the computer’s', () => {
    // 02:00 UTC on the 25th is still the 24th in São Paulo (UTC−3).
    const now = new Date('2026-11-25T02:00:00Z');
    expect(todayIn('America/Sao_Paulo', now)).toBe('2026-11-24');
    expect(todayIn('Asia/Tokyo', now)).toBe('2026-11-25');
    const h = hours({ holiday_schedule: [{ date: '2026-11-24', start_time: '0000', end_time: '2359' }] });
    expect(validateCallingChanges({ call_hours: h }, now)).toEqual([]);
    expect(paths(validateCallingChanges({ call_hours: { ...h, timezone_id: 'Asia/Tokyo' } }, now))).toEqual([
      'call_hours.holiday_schedule[0].date',
    ]);
  });
});

describe('validateCallingChanges', () => {
  it('requires a voicemail trigger, a timeout for the "not answered" trigger, and the greeting (announcement)', () => {
    const greeting = { announcement_media_id: '1002764438271669' };
    expect(
      paths(validateCallingChanges({ voicemail: { status: 'ENABLED', triggers: [], audio: { default: greeting } } }, new Date())),
    ).toEqual(['voicemail.triggers']);
    expect(
      paths(validateCallingChanges({ voicemail: { status: 'ENABLED', triggers: ['TIMEOUT'], audio: { default: greeting } } }, new Date())),
    ).toEqual(['voicemail.audio.default.timeout_seconds']);
    expect(paths(validateCallingChanges({ voicemail: { status: 'ENABLED', triggers: ['REJECT'] } }, new Date()))).toEqual([
      'voicemail.audio.default.announcement_media_id',
    ]);
    expect(
      validateCallingChanges(
        { voicemail: { status: 'ENABLED', triggers: ['TIMEOUT'], audio: { default: { timeout_seconds: 20, ...greeting } } } },
        new Date(),
      ),
    ).toEqual([]);
    expect(validateCallingChanges({ voicemail: { status: 'DISABLED', triggers: [] } }, new Date())).toEqual([]);
  });

  it('refuses shapes Graph would refuse (timeout over 30 s, unknown codecs and keys)', () => {
    expect(
      paths(
        validateCallingChanges(
          {
            voicemail: {
              status: 'ENABLED',
              triggers: ['TIMEOUT'],
              audio: { default: { timeout_seconds: 31, announcement_media_id: '1002764438271669' } },
            },
          },
          new Date(),
        ),
      ),
    ).toEqual(['voicemail.audio.default.timeout_seconds']);
    // Only the fixes for SIP/SDES are accepted, never turning SIP on or SDES.
    expect(validateCallingChanges({ audio: { additional_codecs: ['G729'] } }, new Date())).toHaveLength(1);
    expect(validateCallingChanges({ sip: { status: 'ENABLED' } }, new Date())).toHaveLength(1);
    expect(validateCallingChanges({ srtp_key_exchange_protocol: 'SDES' }, new Date())).toHaveLength(1);
    expect(validateCallingChanges({ sip: { status: 'DISABLED' }, srtp_key_exchange_protocol: 'DTLS' }, new Date())).toEqual([]);
  });
});

describe('diffCallingSettings', () => {
  it('is empty when nothing changed', () => {
    expect(diffCallingSettings(base(), base())).toEqual({});
  });

  it('sends only the changed top-level keys', () => {
    const after = base();
    after.callback_permission_status = 'ENABLED';
    after.call_icons.restrict_to_user_countries = ['BR', 'DE'];
    expect(diffCallingSettings(base(), after)).toEqual({
      callback_permission_status: 'ENABLED',
      call_icons: { restrict_to_user_countries: ['BR', 'DE'] },
    });
  });

  it('sends call_hours whole, with every holiday, when anything in it changed', () => {
    const before = base();
    before.call_hours = hours({
      holiday_schedule: [
        { date: '2026-12-25', start_time: '0000', end_time: '2359' },
        { date: '2027-01-01', start_time: '0000', end_time: '1200' },
      ],
    });
    const after = structuredClone(before);
    after.call_hours!.weekly_operating_hours[0]!.close_time = '1800';
    const body = diffCallingSettings(before, after);
    expect(Object.keys(body)).toEqual(['call_hours']);
    expect(body.call_hours!.holiday_schedule).toEqual(before.call_hours.holiday_schedule);
    expect(body.call_hours!.weekly_operating_hours).toHaveLength(5);
    // An unrelated change leaves call hours (and its holidays) out entirely.
    const other = structuredClone(before);
    other.status = 'DISABLED';
    expect(diffCallingSettings(before, other)).toEqual({ status: 'DISABLED' });
  });

  it('sends an empty holiday list explicitly, and voicemail and codecs whole', () => {
    const after = base();
    after.call_hours = hours();
    after.voicemail = { status: 'ENABLED', triggers: ['REJECT'] };
    after.audio = { additional_codecs: ['PCMU'] };
    const body = diffCallingSettings(base(), after);
    expect(body.call_hours!.holiday_schedule).toEqual([]);
    expect(body.voicemail).toEqual({ status: 'ENABLED', triggers: ['REJECT'] });
    expect(body.audio).toEqual({ additional_codecs: ['PCMU'] });
  });
});

describe('openState', () => {
  // 2026-11-25 is a Wednesday.
  const at = (iso: string) => new Date(iso);

  it('is always open without call hours, or with them off', () => {
    expect(openState(null, new Date()).kind).toBe('always');
    expect(openState(hours({ status: 'DISABLED' }), new Date()).kind).toBe('always');
  });

  it('is open inside a period, in the business’s time zone', () => {
    // 13:00 UTC = 10:00 in São Paulo.
    expect(openState(hours(), at('2026-11-25T13:00:00Z'))).toEqual({ kind: 'open', closesAt: '1700', label: 'Open now, until 17:00' });
    // 11:00 UTC = 08:00 in São Paulo: opens later today.
    expect(openState(hours(), at('2026-11-25T11:00:00Z')).label).toBe('Closed until Wed 09:00');
  });

  it('names the next opening after a weekend', () => {
    // Friday 18:00 in São Paulo.
    const s = openState(hours(), at('2026-11-27T21:00:00Z'));
    expect(s).toMatchObject({ kind: 'closed', next: { day: 'MONDAY', date: '2026-11-30', time: '0900', daysAhead: 3 } });
    expect(s.label).toBe('Closed until Mon 09:00');
  });

  it('reads a holiday entry as special opening hours that replace the weekly hours on its date', () => {
    // Monday 30 Nov: open only 14:00–16:00 (instead of 09:00–17:00).
    const h = hours({ holiday_schedule: [{ date: '2026-11-30', start_time: '1400', end_time: '1600' }] });
    expect(openState(h, at('2026-11-27T21:00:00Z')).label).toBe('Closed until Mon 14:00');
    expect(openState(h, at('2026-11-30T15:00:00Z')).label).toBe('Closed until Mon 14:00'); // 12:00 local: open on a normal Monday, not on this one
    expect(openState(h, at('2026-11-30T17:30:00Z'))).toMatchObject({ kind: 'open', closesAt: '1600' }); // 14:30 local
    // An entry on a day the weekly hours leave closed opens it (Sunday 29 Nov, 10:00–12:00).
    const sunday = hours({ holiday_schedule: [{ date: '2026-11-29', start_time: '1000', end_time: '1200' }] });
    expect(openState(sunday, at('2026-11-27T21:00:00Z')).label).toBe('Closed until Sun 10:00');
    // "Closed all day" does not exist: the shortest hours (00:00–00:01) close it in practice.
    const closed = hours({ holiday_schedule: [{ date: '2026-11-30', start_time: '0000', end_time: '0001' }] });
    expect(openState(closed, at('2026-11-27T21:00:00Z')).label).toBe('Closed until Mon 00:00');
    expect(openState(closed, at('2026-11-30T13:00:00Z')).label).toBe('Closed until Tue 09:00');
  });

  it('says "Closed" when there is no open period at all', () => {
    expect(openState(hours({ weekly_operating_hours: [] }), new Date()).label).toBe('Closed');
  });
});

describe('parseSettingsResponse', () => {
  it('fills absent keys with their meaning and reads restrictions', () => {
    const r = parseSettingsResponse({
      calling: {
        status: 'ENABLED',
        call_icon_visibility: 'DEFAULT',
        callback_permission_status: 'DISABLED',
        call_hours: {
          status: 'ENABLED',
          timezone_id: 'Europe/Berlin',
          weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '09:00', close_time: '1700' }],
        },
        restrictions: {
          restrictions_list: [{ type: 'RESTRICTED_USER_INITIATED_CALLING', reason: 'Low pickup rate', expiration: 1767225600 }],
        },
      },
    });
    expect(r.calling.call_icons).toEqual({ restrict_to_user_countries: [] });
    expect(r.calling.audio).toEqual({ additional_codecs: [] });
    expect(r.calling.voicemail).toBeNull();
    expect(r.calling.call_hours).toEqual({
      status: 'ENABLED',
      timezone_id: 'Europe/Berlin',
      weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0900', close_time: '1700' }],
      holiday_schedule: [],
    });
    expect(r.restrictions).toEqual([{ type: 'RESTRICTED_USER_INITIATED_CALLING', reason: 'Low pickup rate', expiration: 1767225600 }]);
  });
});
