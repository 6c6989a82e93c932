/**
 * Calling settings (`GET|POST /{phone-number-id}/settings`, calling-api.md §1), shared by the
 * renderer (editing, validation next to the field) and main (validation before anything reaches
 * Graph). Pure TypeScript + zod: no Node built-ins, no DOM.
 *
 *  - `CallingSettings`: the `calling` object as Switchboard holds it — every key present, absent
 *    keys filled with what Meta means by their absence (`call_icons` → everyone, `audio` → Opus
 *    only); `call_hours` and `voicemail` are null when the number never had them.
 *  - `parseSettingsResponse(json)`: Graph's GET answer → `{calling, restrictions, transport}`.
 *  - `validateCallHours(hours, todayInTz)` / `validateCallingChanges(changes, now)`: Meta's rules
 *    (§1.2, §1.3) as field-level errors with exact paths, e.g.
 *    `call_hours.weekly_operating_hours[2].close_time`.
 *  - `diffCallingSettings(before, after)`: the minimal POST body — only changed top-level keys;
 *    `call_hours` always whole with the full holiday list, because Meta replaces it wholesale and
 *    a `call_hours` without `holiday_schedule` deletes every holiday.
 *  - `openState(hours, now)`: "Open now" / "Closed until Tue 09:00" in the business's time zone.
 */
import { z } from 'zod';

export const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Day = (typeof DAYS)[number];
export const CODECS = ['PCMA', 'PCMU'] as const;
export type Codec = (typeof CODECS)[number];
export const VOICEMAIL_TRIGGERS = ['REJECT', 'TIMEOUT'] as const;
export type VoicemailTrigger = (typeof VOICEMAIL_TRIGGERS)[number];
export const MAX_PERIODS_PER_DAY = 2;
export const MAX_HOLIDAYS = 20;
export const MAX_VOICEMAIL_TIMEOUT = 30;

const OnOff = z.enum(['ENABLED', 'DISABLED']);

export const WeeklyPeriod = z.object({ day_of_week: z.enum(DAYS), open_time: z.string().max(5), close_time: z.string().max(5) }).strict();
export type WeeklyPeriod = z.infer<typeof WeeklyPeriod>;
export const Holiday = z.object({ date: z.string().max(10), start_time: z.string().max(5), end_time: z.string().max(5) }).strict();
export type Holiday = z.infer<typeof Holiday>;

export const CallHours = z
  .object({
    status: OnOff,
    timezone_id: z.string().max(100),
    weekly_operating_hours: z.array(WeeklyPeriod).max(7 * 4),
    holiday_schedule: z.array(Holiday).max(100),
  })
  .strict();
export type CallHours = z.infer<typeof CallHours>;

export const Voicemail = z
  .object({
    status: OnOff,
    triggers: z.array(z.enum(VOICEMAIL_TRIGGERS)).max(2),
    audio: z
      .object({
        default: z
          .object({
            timeout_seconds: z
              .number()
              .int('Enter whole seconds, from 0 to 30.')
              .min(0, 'Enter whole seconds, from 0 to 30.')
              .max(MAX_VOICEMAIL_TIMEOUT, 'Enter whole seconds, from 0 to 30.')
              .optional(),
            // An integer on Meta's side (a media uploaded with use_case=call_voicemail_announcement);
            // kept as digits here and sent as a number.
            announcement_media_id: z
              .string()
              .regex(/^\d{1,30}$/, 'Record or choose the announcement again.')
              .optional(),
          })
          .strict(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Voicemail = z.infer<typeof Voicemail>;

export const CallingSettings = z
  .object({
    status: OnOff,
    call_icon_visibility: z.enum(['DEFAULT', 'DISABLE_ALL', 'HIDE_IN_CHAT']),
    call_icons: z.object({ restrict_to_user_countries: z.array(z.string().regex(/^[A-Z]{2}$/)).max(300) }).strict(),
    call_hours: CallHours.nullable(),
    callback_permission_status: OnOff,
    audio: z.object({ additional_codecs: z.array(z.enum(CODECS)).max(2) }).strict(),
    voicemail: Voicemail.nullable(),
  })
  .strict();
export type CallingSettings = z.infer<typeof CallingSettings>;

/** What `updateCallingSettings` accepts: any subset of the keys; `call_hours`/`voicemail` whole. */
export const CallingChanges = z
  .object({
    status: OnOff.optional(),
    call_icon_visibility: z.enum(['DEFAULT', 'DISABLE_ALL']).optional(),
    call_icons: CallingSettings.shape.call_icons.optional(),
    call_hours: CallHours.optional(),
    callback_permission_status: OnOff.optional(),
    audio: CallingSettings.shape.audio.optional(),
    voicemail: Voicemail.optional(),
    // Only the fixes for a number Switchboard cannot use: SIP off, DTLS-SRTP (never the reverse).
    sip: z
      .object({ status: z.literal('DISABLED') })
      .strict()
      .optional(),
    srtp_key_exchange_protocol: z.literal('DTLS').optional(),
  })
  .strict();
export type CallingChanges = z.infer<typeof CallingChanges>;

/**
 * How WhatsApp carries this number's calls. With SIP on, calls go to the SIP server (no call
 * webhooks, and /calls refuses with 131055); with SDES key exchange, WhatsApp's offers use SDES,
 * which a browser's WebRTC (DTLS-SRTP only) cannot answer. Either way Switchboard cannot take calls.
 */
export const CallTransport = z.object({ sip: z.enum(['ENABLED', 'DISABLED']), srtp: z.enum(['DTLS', 'SDES']) });
export type CallTransport = z.infer<typeof CallTransport>;

export const Restriction = z.object({ type: z.string(), reason: z.string().nullable(), expiration: z.number().nullable() });
export type Restriction = z.infer<typeof Restriction>;

// ---- reading Graph's answer ------------------------------------------------------------------

const time = z.union([z.string(), z.number()]).transform((v) => String(v).replace(':', '').padStart(4, '0'));
const GraphCalling = z.looseObject({
  status: z.string().optional(),
  call_icon_visibility: z.string().optional(),
  call_icons: z.looseObject({ restrict_to_user_countries: z.array(z.string()).optional() }).optional(),
  call_hours: z
    .looseObject({
      status: z.string().optional(),
      timezone_id: z.string().optional(),
      weekly_operating_hours: z.array(z.looseObject({ day_of_week: z.enum(DAYS), open_time: time, close_time: time })).optional(),
      holiday_schedule: z.array(z.looseObject({ date: z.string(), start_time: time, end_time: time })).optional(),
    })
    .optional(),
  callback_permission_status: z.string().optional(),
  audio: z.looseObject({ additional_codecs: z.array(z.string()).optional() }).optional(),
  voicemail: z
    .looseObject({
      status: z.string().optional(),
      triggers: z.array(z.string()).optional(),
      audio: z
        .looseObject({
          default: z
            .looseObject({ timeout_seconds: z.number().optional(), announcement_media_id: z.union([z.string(), z.number()]).optional() })
            .optional(),
        })
        .optional(),
    })
    .optional(),
  sip: z.looseObject({ status: z.string().optional() }).optional(),
  srtp_key_exchange_protocol: z.string().optional(),
  restrictions: z
    .looseObject({
      restrictions_list: z
        .array(z.looseObject({ type: z.string(), reason: z.string().optional(), expiration: z.union([z.number(), z.string()]).optional() }))
        .optional(),
    })
    .optional(),
});
export const GraphSettingsResponse = z.looseObject({ calling: GraphCalling.optional() });

const onOff = (v: string | undefined): 'ENABLED' | 'DISABLED' => (v === 'ENABLED' ? 'ENABLED' : 'DISABLED');

/** Graph's `GET /{pnid}/settings` body → what Switchboard holds (absent keys filled with their meaning). */
export function parseSettingsResponse(json: unknown): { calling: CallingSettings; restrictions: Restriction[]; transport: CallTransport } {
  const c = GraphSettingsResponse.parse(json).calling ?? {};
  const ch = c.call_hours;
  const vm = c.voicemail;
  const vmDefault = vm?.audio?.default;
  const calling: CallingSettings = {
    status: onOff(c.status),
    call_icon_visibility:
      c.call_icon_visibility === 'DISABLE_ALL' || c.call_icon_visibility === 'HIDE_IN_CHAT' ? c.call_icon_visibility : 'DEFAULT',
    call_icons: { restrict_to_user_countries: (c.call_icons?.restrict_to_user_countries ?? []).filter((x) => /^[A-Z]{2}$/.test(x)) },
    call_hours: ch
      ? {
          status: onOff(ch.status),
          timezone_id: ch.timezone_id ?? 'UTC',
          weekly_operating_hours: (ch.weekly_operating_hours ?? []).map((w) => ({
            day_of_week: w.day_of_week,
            open_time: w.open_time,
            close_time: w.close_time,
          })),
          holiday_schedule: (ch.holiday_schedule ?? []).map((h) => ({ date: h.date, start_time: h.start_time, end_time: h.end_time })),
        }
      : null,
    callback_permission_status: onOff(c.callback_permission_status),
    audio: { additional_codecs: CODECS.filter((x) => (c.audio?.additional_codecs ?? []).includes(x)) },
    voicemail: vm
      ? {
          status: onOff(vm.status),
          triggers: VOICEMAIL_TRIGGERS.filter((x) => (vm.triggers ?? []).includes(x)),
          ...(vmDefault && (vmDefault.timeout_seconds !== undefined || vmDefault.announcement_media_id !== undefined)
            ? {
                audio: {
                  default: {
                    ...(vmDefault.timeout_seconds !== undefined ? { timeout_seconds: vmDefault.timeout_seconds } : {}),
                    ...(vmDefault.announcement_media_id !== undefined
                      ? { announcement_media_id: String(vmDefault.announcement_media_id) }
                      : {}),
                  },
                },
              }
            : {}),
        }
      : null,
  };
  const restrictions: Restriction[] = (c.restrictions?.restrictions_list ?? []).map((r) => ({
    type: r.type,
    reason: r.reason ?? null,
    expiration: r.expiration === undefined || Number.isNaN(Number(r.expiration)) ? null : Number(r.expiration),
  }));
  const transport: CallTransport = {
    sip: onOff(c.sip?.status),
    srtp: (c.srtp_key_exchange_protocol ?? '').toUpperCase() === 'SDES' ? 'SDES' : 'DTLS',
  };
  return { calling, restrictions, transport };
}

// ---- validation ----------------------------------------------------------------------------

export interface FieldError {
  /** Exact path in the `calling` object, e.g. `call_hours.holiday_schedule[1].date`. */
  path: string;
  /** In English, for logs and main's refusals; the window words `code` in the owner's language. */
  message: string;
  /** Which rule, for the window's catalog (`validation.calling.<code>`); absent for a shape error from zod. */
  code?: FieldErrorCode;
  params?: { day?: Day; max?: number };
}

export type FieldErrorCode =
  | 'time_zone'
  | 'no_open_hours'
  | 'too_many_periods'
  | 'time_range'
  | 'close_before_open'
  | 'overlap'
  | 'too_many_holidays'
  | 'date_format'
  | 'date_past'
  | 'date_taken'
  | 'holiday_end_before_start'
  | 'voicemail_triggers'
  | 'voicemail_timeout'
  | 'voicemail_announcement';

const HHMM = /^([01]\d|2[0-3])[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dayName = (d: Day): string => d.charAt(0) + d.slice(1).toLowerCase();

export function isValidTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of an instant in a time zone: "YYYY-MM-DD", weekday and "HHMM". Null for an unknown zone. */
export function localParts(now: Date, timeZone: string): { date: string; day: Day; hhmm: string } | null {
  if (!isValidTimeZone(timeZone)) return null;
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const parts = Object.fromEntries(fmt.formatToParts(now).map((p) => [p.type, p.value]));
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    day: String(parts['weekday']).toUpperCase() as Day,
    hhmm: `${parts['hour']}${parts['minute']}`,
  };
}

/** Today's date ("YYYY-MM-DD") in the business's time zone (UTC when the zone is not valid). */
export function todayIn(timeZone: string, now: Date): string {
  return (localParts(now, timeZone) ?? localParts(now, 'UTC')!).date;
}

function isRealDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Meta's call-hours rules (calling-api.md §1.3). `todayInTz` is today's date ("YYYY-MM-DD") in the
 * business's time zone: holidays before it are refused.
 */
export function validateCallHours(hours: CallHours, todayInTz: string): FieldError[] {
  const errors: FieldError[] = [];
  const base = 'call_hours';
  if (!isValidTimeZone(hours.timezone_id))
    errors.push({ path: `${base}.timezone_id`, code: 'time_zone', message: 'Choose a time zone from the list.' });
  if (hours.weekly_operating_hours.length === 0) {
    errors.push({
      path: `${base}.weekly_operating_hours`,
      code: 'no_open_hours',
      message: 'Add at least one open period; with no open hours at all, turn call hours off instead.',
    });
  }
  const perDay = new Map<Day, number[]>();
  hours.weekly_operating_hours.forEach((w, i) => {
    const p = `${base}.weekly_operating_hours[${i}]`;
    const list = perDay.get(w.day_of_week) ?? [];
    list.push(i);
    perDay.set(w.day_of_week, list);
    if (list.length > MAX_PERIODS_PER_DAY)
      errors.push({
        path: `${p}.day_of_week`,
        code: 'too_many_periods',
        params: { day: w.day_of_week },
        message: `${dayName(w.day_of_week)} can have at most two open periods.`,
      });
    const openOk = HHMM.test(w.open_time);
    const closeOk = HHMM.test(w.close_time);
    if (!openOk) errors.push({ path: `${p}.open_time`, code: 'time_range', message: 'Enter a time between 00:00 and 23:59.' });
    if (!closeOk) errors.push({ path: `${p}.close_time`, code: 'time_range', message: 'Enter a time between 00:00 and 23:59.' });
    if (openOk && closeOk && w.open_time >= w.close_time)
      errors.push({ path: `${p}.close_time`, code: 'close_before_open', message: 'Closing time must be later than opening time.' });
  });
  for (const [day, idx] of perDay) {
    const valid = idx.filter((i) => {
      const w = hours.weekly_operating_hours[i]!;
      return HHMM.test(w.open_time) && HHMM.test(w.close_time) && w.open_time < w.close_time;
    });
    const sorted = valid.sort((a, b) =>
      hours.weekly_operating_hours[a]!.open_time.localeCompare(hours.weekly_operating_hours[b]!.open_time),
    );
    for (let k = 1; k < sorted.length; k++) {
      const prev = hours.weekly_operating_hours[sorted[k - 1]!]!;
      const cur = hours.weekly_operating_hours[sorted[k]!]!;
      if (cur.open_time < prev.close_time) {
        errors.push({
          path: `${base}.weekly_operating_hours[${sorted[k]}].open_time`,
          code: 'overlap',
          params: { day },
          message: `This period overlaps another one on ${dayName(day)}.`,
        });
      }
    }
  }
  if (hours.holiday_schedule.length > MAX_HOLIDAYS)
    errors.push({
      path: `${base}.holiday_schedule`,
      code: 'too_many_holidays',
      params: { max: MAX_HOLIDAYS },
      message: `At most ${MAX_HOLIDAYS} holidays are allowed.`,
    });
  const seen = new Set<string>();
  hours.holiday_schedule.forEach((h, i) => {
    const p = `${base}.holiday_schedule[${i}]`;
    if (!isRealDate(h.date)) errors.push({ path: `${p}.date`, code: 'date_format', message: 'Enter a date (YYYY-MM-DD).' });
    else if (h.date < todayInTz)
      errors.push({ path: `${p}.date`, code: 'date_past', message: 'This date has already passed in the business’s time zone.' });
    else if (seen.has(h.date)) errors.push({ path: `${p}.date`, code: 'date_taken', message: 'There is already a holiday on this date.' });
    seen.add(h.date);
    const startOk = HHMM.test(h.start_time);
    const endOk = HHMM.test(h.end_time);
    if (!startOk) errors.push({ path: `${p}.start_time`, code: 'time_range', message: 'Enter a time between 00:00 and 23:59.' });
    if (!endOk) errors.push({ path: `${p}.end_time`, code: 'time_range', message: 'Enter a time between 00:00 and 23:59.' });
    if (startOk && endOk && h.start_time >= h.end_time)
      errors.push({
        path: `${p}.end_time`,
        code: 'holiday_end_before_start',
        message: 'The end of the closed period must be later than its start.',
      });
  });
  return errors;
}

/** Every rule for a POST body (the shape first, then Meta's rules); empty when it may be sent. */
export function validateCallingChanges(changes: unknown, now: Date): FieldError[] {
  const parsed = CallingChanges.safeParse(changes);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => ({ path: pathString(i.path), message: i.message }));
  }
  const c = parsed.data;
  const errors: FieldError[] = [];
  if (c.call_hours) errors.push(...validateCallHours(c.call_hours, todayIn(c.call_hours.timezone_id, now)));
  if (c.voicemail?.status === 'ENABLED') {
    if (c.voicemail.triggers.length === 0)
      errors.push({
        path: 'voicemail.triggers',
        code: 'voicemail_triggers',
        message: 'Choose when voicemail answers: when you decline, when nobody answers, or both.',
      });
    if (c.voicemail.triggers.includes('TIMEOUT') && c.voicemail.audio?.default.timeout_seconds === undefined) {
      errors.push({
        path: 'voicemail.audio.default.timeout_seconds',
        code: 'voicemail_timeout',
        message: 'Choose how long a call rings before voicemail answers (0–30 seconds).',
      });
    }
    if (c.voicemail.audio?.default.announcement_media_id === undefined) {
      errors.push({
        path: 'voicemail.audio.default.announcement_media_id',
        code: 'voicemail_announcement',
        message: 'Record or choose the announcement callers hear before they leave a message (WhatsApp requires one).',
      });
    }
  }
  return errors;
}

/** The body Graph gets: `announcement_media_id` as the integer Meta documents. */
export function toGraphCalling(changes: CallingChanges): Record<string, unknown> {
  const out: Record<string, unknown> = JSON.parse(JSON.stringify(changes)) as Record<string, unknown>;
  const d = (out['voicemail'] as { audio?: { default?: Record<string, unknown> } } | undefined)?.audio?.default;
  if (d && typeof d['announcement_media_id'] === 'string') d['announcement_media_id'] = Number(d['announcement_media_id']);
  return out;
}

export function pathString(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

// ---- the POST body -------------------------------------------------------------------------

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The minimal POST body that turns `before` into `after`: only the top-level keys that changed.
 * `call_hours` goes whole, always with `holiday_schedule` (Meta deletes holidays otherwise);
 * `call_hours`/`voicemail` set to null in `after` cannot be expressed and are left out.
 */
export function diffCallingSettings(before: CallingSettings, after: CallingSettings): CallingChanges {
  const out: CallingChanges = {};
  if (after.status !== before.status) out.status = after.status;
  if (after.call_icon_visibility !== before.call_icon_visibility && after.call_icon_visibility !== 'HIDE_IN_CHAT')
    out.call_icon_visibility = after.call_icon_visibility;
  if (!deepEqual(before.call_icons, after.call_icons))
    out.call_icons = { restrict_to_user_countries: [...after.call_icons.restrict_to_user_countries] };
  if (after.call_hours && !deepEqual(before.call_hours, after.call_hours)) {
    const h = after.call_hours;
    out.call_hours = {
      status: h.status,
      timezone_id: h.timezone_id,
      weekly_operating_hours: h.weekly_operating_hours.map((w) => ({ ...w })),
      holiday_schedule: h.holiday_schedule.map((x) => ({ ...x })),
    };
  }
  if (after.callback_permission_status !== before.callback_permission_status)
    out.callback_permission_status = after.callback_permission_status;
  if (!deepEqual(before.audio, after.audio)) out.audio = { additional_codecs: [...after.audio.additional_codecs] };
  // A JSON copy, not structuredClone: `after` may be a UI framework's reactive proxy.
  if (after.voicemail && !deepEqual(before.voicemail, after.voicemail))
    out.voicemail = JSON.parse(JSON.stringify(after.voicemail)) as Voicemail;
  return out;
}

// ---- open now? -----------------------------------------------------------------------------

export type OpenState =
  | { kind: 'always'; label: string }
  | { kind: 'open'; closesAt: string; label: string }
  | { kind: 'closed'; next: { day: Day; date: string; time: string; daysAhead: number } | null; label: string };

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
function weekdayOf(date: string): Day {
  return DAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7]!;
}
const fmtTime = (hhmm: string): string => `${hhmm.slice(0, 2)}:${hhmm.slice(2)}`;

/**
 * A holiday entry replaces the weekly hours on its date with special opening hours: open from its
 * start_time until its end_time, closed the rest of that day (Meta: "an override of the weekly
 * schedule for that date" with "opening and closing times"; a partner's wrapper of the same
 * setting: the time the business "begins accepting calls" and "stops accepting calls").
 */
function openAt(hours: CallHours, date: string, day: Day, hhmm: string): WeeklyPeriod | null {
  const holiday = hours.holiday_schedule.find((h) => h.date === date);
  if (holiday)
    return hhmm >= holiday.start_time && hhmm < holiday.end_time
      ? { day_of_week: day, open_time: holiday.start_time, close_time: holiday.end_time }
      : null;
  return hours.weekly_operating_hours.find((w) => w.day_of_week === day && hhmm >= w.open_time && hhmm < w.close_time) ?? null;
}

/**
 * Whether customers can call now, by the business's clock (a holiday entry's special hours replace
 * the weekly hours on its date). English labels; the UI formats its own from the structured fields.
 */
export function openState(hours: CallHours | null, now: Date): OpenState {
  if (!hours || hours.status === 'DISABLED') return { kind: 'always', label: 'Open 24 hours' };
  const local = localParts(now, hours.timezone_id);
  if (!local) return { kind: 'closed', next: null, label: 'Closed' };
  const current = openAt(hours, local.date, local.day, local.hhmm);
  if (current) return { kind: 'open', closesAt: current.close_time, label: `Open now, until ${fmtTime(current.close_time)}` };
  for (let ahead = 0; ahead <= 28; ahead++) {
    const date = addDays(local.date, ahead);
    const day = weekdayOf(date);
    const holiday = hours.holiday_schedule.find((h) => h.date === date);
    const candidates = new Set<string>();
    if (holiday) candidates.add(holiday.start_time);
    else for (const w of hours.weekly_operating_hours) if (w.day_of_week === day) candidates.add(w.open_time);
    for (const time of [...candidates].sort()) {
      if (ahead === 0 && time <= local.hhmm) continue;
      if (openAt(hours, date, day, time)) {
        const short = dayName(day).slice(0, 3);
        return {
          kind: 'closed',
          next: { day, date, time, daysAhead: ahead },
          label: `Closed until ${ahead >= 7 ? `${short} ${date}` : short} ${fmtTime(time)}`,
        };
      }
    }
  }
  return { kind: 'closed', next: null, label: 'Closed' };
}
