/**
 * Calling settings (`GET|POST /{phone-number-id}/settings`, calling-api.md §1): the stored
 * `calling` object, validation of POST bodies with Meta's documented rules, partial updates,
 * and the questions the rest of the simulator asks (is the business open now? may this user
 * see the call icon?).
 *
 * Partial-update semantics: top-level keys of `calling` that are absent stay unchanged;
 * `call_hours` is replaced whole, so a `call_hours` without `holiday_schedule` deletes holidays.
 */
import { z } from 'zod';
import { invalidParam } from './graph-errors.ts';
import { zodDetails } from './zod-details.ts';

export const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Day = (typeof DAYS)[number];

/** Times are canonical "HHMM"; the reference page's "HH:MM" variant is accepted and normalised. */
const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):?[0-5]\d$/, 'must be a 24-hour "HHMM" string, e.g. "0930"')
  .transform((s) => s.replace(':', ''));

const weeklyEntry = z.strictObject({ day_of_week: z.enum(DAYS), open_time: hhmm, close_time: hhmm });
const holidayEntry = z.strictObject({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a "YYYY-MM-DD" date'),
  start_time: hhmm,
  end_time: hhmm,
});
const callHours = z.strictObject({
  status: z.enum(['ENABLED', 'DISABLED']),
  timezone_id: z.string().min(1),
  weekly_operating_hours: z.array(weeklyEntry).min(1, 'weekly_operating_hours must not be empty'),
  holiday_schedule: z.array(holidayEntry).max(20, 'at most 20 holiday overrides are allowed').optional(),
});
const sipServer = z.strictObject({
  hostname: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535).optional(),
  request_uri_user_params: z.record(z.string().max(128), z.string().max(128)).optional(),
});
const sip = z.strictObject({
  status: z.enum(['ENABLED', 'DISABLED']).optional(),
  webhook_delivery: z.enum(['ENABLED', 'DISABLED']).optional(),
  servers: z.array(sipServer).max(1, 'only one SIP server per phone number is supported').optional(),
});
const voicemail = z.strictObject({
  status: z.enum(['ENABLED', 'DISABLED']),
  triggers: z.array(z.enum(['REJECT', 'TIMEOUT'])).optional(),
  audio: z
    .strictObject({
      default: z.strictObject({
        announcement_media_id: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).optional(),
        timeout_seconds: z.number().int().min(0).max(30).optional(),
      }),
    })
    .optional(),
});

export const callingPatchSchema = z.strictObject({
  status: z.enum(['ENABLED', 'DISABLED']).optional(),
  call_icon_visibility: z.enum(['DEFAULT', 'DISABLE_ALL', 'HIDE_IN_CHAT']).optional(),
  call_icons: z
    .strictObject({ restrict_to_user_countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'must be ISO 3166 alpha-2 codes')) })
    .optional(),
  call_hours: callHours.optional(),
  callback_permission_status: z.enum(['ENABLED', 'DISABLED']).optional(),
  sip: sip.optional(),
  srtp_key_exchange_protocol: z.enum(['DTLS', 'SDES']).optional(),
  audio: z.strictObject({ additional_codecs: z.array(z.enum(['PCMA', 'PCMU'])) }).optional(),
  voicemail: voicemail.optional(),
});
export type CallingPatch = z.infer<typeof callingPatchSchema>;
export type CallHours = z.infer<typeof callHours>;

export interface Restriction {
  type: string;
  reason: string;
  /** Unix seconds; absent for one WhatsApp lifts only when asked (the hidden call button of a low pickup rate). */
  expiration?: number;
}

export interface CallingSettings {
  status: 'ENABLED' | 'DISABLED';
  call_icon_visibility: 'DEFAULT' | 'DISABLE_ALL' | 'HIDE_IN_CHAT';
  callback_permission_status: 'ENABLED' | 'DISABLED';
  call_icons?: { restrict_to_user_countries: string[] };
  call_hours?: CallHours;
  srtp_key_exchange_protocol?: 'DTLS' | 'SDES';
  audio?: { additional_codecs: Array<'PCMA' | 'PCMU'> };
  voicemail?: z.infer<typeof voicemail>;
  sip: {
    status: 'ENABLED' | 'DISABLED';
    webhook_delivery?: 'ENABLED' | 'DISABLED';
    servers?: Array<z.infer<typeof sipServer> & { sip_user_password: string; app_id: string }>;
  };
}

export function defaultCallingSettings(): CallingSettings {
  return { status: 'DISABLED', call_icon_visibility: 'DEFAULT', callback_permission_status: 'DISABLED', sip: { status: 'DISABLED' } };
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Local calendar date, weekday and "HHMM" of an instant in a time zone. */
export function localParts(ms: number, timeZone: string): { date: string; day: Day; hhmm: string } {
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
  const parts = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const day = String(parts.weekday).toUpperCase() as Day;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, day, hhmm: `${parts.hour}${parts.minute}` };
}

function validateCallHours(ch: CallHours, nowMs: number): void {
  if (!isValidTimeZone(ch.timezone_id)) throw invalidParam(`Invalid timezone_id "${ch.timezone_id}"`);
  for (const day of DAYS) {
    const slots = ch.weekly_operating_hours.filter((w) => w.day_of_week === day);
    if (slots.length > 2) throw invalidParam(`At most 2 operating-hour entries are allowed for ${day}`);
    for (const s of slots) {
      if (s.open_time >= s.close_time) {
        throw invalidParam(`open_time ${s.open_time} must be earlier than close_time ${s.close_time} on ${day}`);
      }
    }
    const sorted = [...slots].sort((a, b) => a.open_time.localeCompare(b.open_time));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      const cur = sorted[i];
      if (prev && cur && cur.open_time < prev.close_time) throw invalidParam(`Operating hours overlap on ${day}`);
    }
  }
  const today = localParts(nowMs, ch.timezone_id).date;
  const seen = new Set<string>();
  for (const h of ch.holiday_schedule ?? []) {
    const d = new Date(`${h.date}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== h.date) {
      throw invalidParam(`Invalid holiday date "${h.date}": must be a valid YYYY-MM-DD date`);
    }
    if (h.date < today) throw invalidParam(`Holiday date ${h.date} is in the past`);
    if (h.start_time >= h.end_time) throw invalidParam(`Holiday start_time must be earlier than end_time on ${h.date}`);
    if (seen.has(h.date)) throw invalidParam(`Duplicate holiday date ${h.date}`);
    seen.add(h.date);
  }
}

/** Parses and checks a POST body; throws GraphError(100) with details on any problem. */
export function parseSettingsPost(body: unknown, nowMs: number): CallingPatch {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidParam('Request body must be a JSON object');
  const calling = (body as Record<string, unknown>)['calling'];
  if (calling === undefined) throw invalidParam('The parameter calling is required');
  const parsed = callingPatchSchema.safeParse(calling);
  if (!parsed.success) throw invalidParam(zodDetails(parsed.error, 'calling'));
  const patch = parsed.data;
  if (Object.keys(patch).length === 0) throw invalidParam('calling must contain at least one setting');
  if (patch.call_hours) validateCallHours(patch.call_hours, nowMs);
  if (patch.voicemail?.status === 'ENABLED' && (patch.voicemail.triggers ?? []).length === 0) {
    throw invalidParam('voicemail.triggers must contain at least one of REJECT, TIMEOUT when voicemail is enabled');
  }
  return patch;
}

/** Applies a validated patch; returns the new settings (input untouched). */
export function applySettingsPatch(
  current: CallingSettings,
  patch: CallingPatch,
  ctx: { appId: string; randomPassword: () => string },
): CallingSettings {
  const next: CallingSettings = structuredClone(current);
  if (patch.status) next.status = patch.status;
  if (patch.call_icon_visibility) next.call_icon_visibility = patch.call_icon_visibility;
  if (patch.callback_permission_status) next.callback_permission_status = patch.callback_permission_status;
  if (patch.call_icons) next.call_icons = { restrict_to_user_countries: [...patch.call_icons.restrict_to_user_countries] };
  if (patch.call_hours) next.call_hours = structuredClone(patch.call_hours);
  if (patch.srtp_key_exchange_protocol) next.srtp_key_exchange_protocol = patch.srtp_key_exchange_protocol;
  if (patch.audio) next.audio = { additional_codecs: [...new Set(patch.audio.additional_codecs)] };
  if (patch.voicemail) next.voicemail = structuredClone(patch.voicemail);
  if (patch.sip) {
    if (patch.sip.status) next.sip.status = patch.sip.status;
    if (patch.sip.webhook_delivery) next.sip.webhook_delivery = patch.sip.webhook_delivery;
    if (patch.sip.servers) {
      next.sip.servers = patch.sip.servers.map((s) => ({
        ...s,
        port: s.port ?? 5061,
        app_id: ctx.appId,
        sip_user_password: ctx.randomPassword(),
      }));
    }
  }
  return next;
}

/** The keys whose change Meta reports with `account_settings_update` (§1.6). */
export function reportableChange(before: CallingSettings, after: CallingSettings): boolean {
  return (
    before.status !== after.status ||
    before.call_icon_visibility !== after.call_icon_visibility ||
    before.callback_permission_status !== after.callback_permission_status ||
    before.sip.status !== after.sip.status ||
    before.srtp_key_exchange_protocol !== after.srtp_key_exchange_protocol
  );
}

/** The `calling` object as GET returns it. */
export function renderCalling(
  s: CallingSettings,
  opts: { includeSipCredentials?: boolean; restrictions?: Restriction[] } = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    status: s.status,
    call_icon_visibility: s.call_icon_visibility,
    callback_permission_status: s.callback_permission_status,
  };
  if (s.call_icons) out['call_icons'] = structuredClone(s.call_icons);
  if (s.call_hours) out['call_hours'] = structuredClone(s.call_hours);
  if (s.srtp_key_exchange_protocol) out['srtp_key_exchange_protocol'] = s.srtp_key_exchange_protocol;
  if (s.audio) out['audio'] = structuredClone(s.audio);
  if (s.voicemail) out['voicemail'] = structuredClone(s.voicemail);
  const sipOut: Record<string, unknown> = { status: s.sip.status };
  if (s.sip.webhook_delivery) sipOut['webhook_delivery'] = s.sip.webhook_delivery;
  if (s.sip.servers) {
    sipOut['servers'] = s.sip.servers.map(({ sip_user_password, app_id, ...rest }) =>
      opts.includeSipCredentials ? { app_id, ...rest, sip_user_password } : rest,
    );
  }
  out['sip'] = sipOut;
  if (opts.restrictions && opts.restrictions.length > 0) {
    out['restrictions'] = { restrictions_list: structuredClone(opts.restrictions) };
  }
  return out;
}

/**
 * Whether the business takes calls at `ms`. Call hours disabled = open 24x7. A holiday entry is an
 * override of the weekly schedule for its local date with opening and closing times: open from
 * start_time until end_time that day, closed otherwise (Meta's call-settings page; AWS's wrapper of
 * the same setting: "begins accepting calls" / "stops accepting calls"). Other days: the weekly slots.
 */
export function isOpenAt(s: CallingSettings, ms: number): boolean {
  const ch = s.call_hours;
  if (!ch || ch.status === 'DISABLED') return true;
  const local = localParts(ms, ch.timezone_id);
  const holiday = (ch.holiday_schedule ?? []).find((h) => h.date === local.date);
  if (holiday) return local.hhmm >= holiday.start_time && local.hhmm < holiday.end_time;
  return ch.weekly_operating_hours.some((w) => w.day_of_week === local.day && local.hhmm >= w.open_time && local.hhmm < w.close_time);
}
