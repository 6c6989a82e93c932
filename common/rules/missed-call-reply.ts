/**
 * The missed-call reply (issue 17): after a call nobody answered, Switchboard sends the customer a
 * message — the owner's free text inside the 24-hour customer-service window the call opened, an
 * approved template of their choice outside it — optionally with a "call me" permission request or
 * a "call us" button. This module holds what main (config, sending) and the window (Settings →
 * Calling) share: the setting's shape with its defaults, and how the variables are filled in.
 *
 *  - `MissedCallReply`: the setting (off by default; a local setting of the app, kept in main's
 *    config, not a WhatsApp setting).
 *  - `fillReplyText(text, vars)`: `{name}` and `{next_opening}` replaced; an unknown name leaves no
 *    stray comma or double space behind.
 *  - `nextOpeningText(hours, now, locale)`: when the call hours open next, in the reply's language
 *    ("tomorrow 9:00 AM", "amanhã 09:00", "Monday 9:00 AM"; "now" while open).
 *
 * Pure TypeScript + zod: no Node built-ins, no DOM.
 */
import { z } from 'zod';
import { openState, type CallHours } from '../calling-settings.ts';

/** The interactive body of a permission request or call button is at most 1,024 characters. */
export const REPLY_TEXT_MAX = 1024;
/** WhatsApp's limit for a call button's text. */
export const CALL_BUTTON_TEXT_MAX = 20;
/** Never more than one reply per customer in this many hours, at least (and at most a week). */
export const COOLDOWN_HOURS = { min: 1, max: 168, default: 24 } as const;

/** Where a template's numbered value ({{1}}, {{2}}…) comes from. */
export const TemplateValue = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('name') }),
  z.object({ kind: z.literal('next_opening') }),
  z.object({ kind: z.literal('text'), text: z.string().trim().min(1, 'Type the text for this value.').max(200) }),
]);
export type TemplateValue = z.infer<typeof TemplateValue>;

const Language = z
  .string()
  .max(20)
  .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, 'Use a language code such as en, pt-BR or de.');

/** Each value the owner sets, with its rule (the defaults are added below). */
const fields = {
  /** Off by default. */
  enabled: z.boolean(),
  /** The free text sent inside the 24-hour window ({name}, {next_opening}). */
  text: z
    .string()
    .trim()
    .min(1, 'Type the message customers get.')
    .max(REPLY_TEXT_MAX, `A reply can have at most ${REPLY_TEXT_MAX} characters.`),
  /** The language of the text: how {next_opening} is written ("tomorrow 9:00 AM", "amanhã 09:00"). */
  language: Language,
  /** What is added to the free text: nothing, a call-permission request, or a "call us" button. */
  callMe: z.enum(['none', 'permission_request', 'call_button']),
  /** The call button's text (≤ 20 characters). */
  buttonText: z.string().trim().min(1, 'Type the button text.').max(CALL_BUTTON_TEXT_MAX, 'A call button has at most 20 characters.'),
  /** Outside the window: this approved template, with where each numbered value comes from (null: no reply then). */
  template: z
    .object({
      name: z.string().min(1).max(512),
      language: z.string().min(1).max(20),
      values: z.array(TemplateValue).max(20).default([]),
    })
    .nullable(),
  /** When the customer's name is not known. */
  nameFallback: z.string().trim().max(40),
  /** At most one reply per customer in this many hours. */
  cooldownHours: z.number().int().min(COOLDOWN_HOURS.min).max(COOLDOWN_HOURS.max),
  /** Also after a call the owner declined (never otherwise: a decline is a choice). */
  includeDeclined: z.boolean(),
  /** Also when a customer who could not call (outside call hours) asks to be called back. */
  includeCallbackRequests: z.boolean(),
};

// Not strict: the config file keeps it, and a key a newer version added must not make the whole file unusable.
export const MissedCallReply = z.object({
  enabled: fields.enabled.default(false),
  /** When it was last turned on: calls that ended before then never get a reply. */
  enabledAt: z.string().max(40).nullable().default(null),
  text: fields.text.default('Hi {name}, sorry we missed your call. We will call you back as soon as we can.'),
  language: fields.language.default('en'),
  callMe: fields.callMe.default('none'),
  buttonText: fields.buttonText.default('Call us'),
  template: fields.template.default(null),
  nameFallback: fields.nameFallback.default('there'),
  cooldownHours: fields.cooldownHours.default(COOLDOWN_HOURS.default),
  includeDeclined: fields.includeDeclined.default(false),
  includeCallbackRequests: fields.includeCallbackRequests.default(true),
});
export type MissedCallReply = z.infer<typeof MissedCallReply>;

/** What the owner may change: any of the values, the others stay as they are (main keeps `enabledAt`). */
export const MissedCallReplyChanges = z.object(fields).partial().strict();
export type MissedCallReplyChanges = z.infer<typeof MissedCallReplyChanges>;

export interface ReplyVariables {
  /** The customer's name, or null when it is not known (the setting's fallback is used). */
  name: string | null;
  /** nextOpeningText(…). */
  nextOpening: string;
}

/** `{name}` and `{next_opening}` filled in; a blank name leaves no stray comma or double space. */
export function fillReplyText(text: string, vars: ReplyVariables, nameFallback = ''): string {
  const name = vars.name?.trim() || nameFallback.trim();
  return text
    .replaceAll('{name}', name)
    .replaceAll('{next_opening}', vars.nextOpening)
    .replace(/[ \t]+([,.!?;:])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/^[ \t]+|[ \t]+$/gm, '')
    .trim();
}

/** A template's values for one reply, in order. */
export function templateValues(values: readonly TemplateValue[], vars: ReplyVariables, nameFallback: string): string[] {
  return values.map((v) =>
    v.kind === 'name' ? vars.name?.trim() || nameFallback.trim() || '-' : v.kind === 'next_opening' ? vars.nextOpening : v.text,
  );
}

/** WhatsApp's template language codes use "_" (pt_BR); Intl wants "-". */
export function intlLocale(language: string): string {
  const tag = language.replace('_', '-');
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag]).length ? tag : 'en';
  } catch {
    return 'en';
  }
}

/**
 * When the business opens next, by its call hours, in `locale`: "now" while open (or with no call
 * hours), "today 2:00 PM", "tomorrow 9:00 AM", "Monday 9:00 AM" within the week, "Dec 24 9:00 AM"
 * beyond; "" when closed for the next four weeks.
 */
export function nextOpeningText(hours: CallHours | null, now: Date, locale = 'en'): string {
  const loc = intlLocale(locale);
  const relative = (days: number): string => new Intl.RelativeTimeFormat(loc, { numeric: 'auto' }).format(days, 'day');
  const state = openState(hours, now);
  if (state.kind !== 'closed') return new Intl.RelativeTimeFormat(loc, { numeric: 'auto' }).format(0, 'second');
  if (!state.next) return ''; // closed for the next four weeks: nothing true to say
  const { date, time, daysAhead } = state.next;
  // The date and time are already the business's own: format them as they are (in UTC).
  const at = new Date(`${date}T${time.slice(0, 2)}:${time.slice(2)}:00Z`);
  const clock = new Intl.DateTimeFormat(loc, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(at);
  if (daysAhead <= 1) return `${relative(daysAhead)} ${clock}`;
  if (daysAhead < 7) return `${new Intl.DateTimeFormat(loc, { weekday: 'long', timeZone: 'UTC' }).format(at)} ${clock}`;
  return `${new Intl.DateTimeFormat(loc, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(at)} ${clock}`;
}
