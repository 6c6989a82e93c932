/**
 * Parses a webhook body into domain events, tolerantly: unknown keys are kept (each event
 * carries its raw item), unknown `field`s become `unknown` events that are stored and skipped,
 * batches of many entries and changes are handled, and phone numbers may be absent when a user
 * is known only by BSUID (`user_id`).
 *
 * Every event has a `key` built from Meta's ids, so applying the same event twice changes
 * nothing: messages by wamid, statuses by (wamid, status), calls by (wacid, event[, status]).
 *
 * Each item stands on its own: Meta batches many changes (fields, phone numbers) in one POST, and
 * an item this code cannot read (missing its id, wrong types, a shape not seen before) becomes an
 * `unreadable` event — kept, named by its place and reason, visible in diagnostics — while its
 * neighbours are applied as usual. Only a body that is not JSON or not a WhatsApp envelope at all
 * throws `MalformedWebhookError` (and stays in the inbox, marked malformed).
 *
 * Who the customer of an item is (BSUID first, then their phone number) is read by
 * ./envelope-identity.ts.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Contact, contactFor, customerNumber, present, type ContactRef } from './envelope-identity.ts';
import { recordingEvent, recordingPart, type RecordingEvent } from './envelope-recording.ts';
import type { CallDirection } from '../../common/bridge/calls.ts';

export { present, type ContactRef } from './envelope-identity.ts';

export class MalformedWebhookError extends Error {
  override name = 'MalformedWebhookError';
}

const str = z.string();
const optStr = z.string().optional();
/** Meta sends Unix seconds as strings (sometimes numbers). */
const unixSeconds = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()]).transform((v) => Number(v));

const Message = z.looseObject({
  id: str.min(1),
  from: optStr,
  from_user_id: optStr,
  from_parent_user_id: optStr,
  timestamp: unixSeconds,
  // The permissions page's reply sample has no `type`: it is recognised by `interactive.type`.
  type: optStr,
  // Meta's system-messages reference: `wa_id` (new number; `new_wa_id` before v12), `user_id` (new
  // BSUID) and `previous_user_id` (Aug 2026); no contacts array.
  system: z
    .looseObject({
      body: optStr,
      type: optStr,
      wa_id: optStr,
      new_wa_id: optStr,
      user_id: optStr,
      new_user_id: optStr,
      previous_user_id: optStr,
    })
    .optional(),
  context: z.looseObject({ from: optStr, id: optStr }).optional(),
  interactive: z
    .looseObject({
      type: optStr,
      call_permission_reply: z
        .looseObject({
          response: z.enum(['accept', 'reject']),
          is_permanent: z.boolean().optional(),
          expiration_timestamp: unixSeconds.optional(),
          response_source: optStr,
        })
        .optional(),
    })
    .optional(),
});

const Status = z.looseObject({
  id: str.min(1),
  status: str.min(1),
  timestamp: unixSeconds,
  type: optStr,
  recipient_id: optStr,
  recipient_user_id: optStr,
  biz_opaque_callback_data: optStr,
  errors: z.array(z.looseObject({ code: z.number().optional(), title: optStr, message: optStr })).optional(),
});

const Session = z.looseObject({ sdp_type: str, sdp: str });

const CallEvent = z.looseObject({
  id: str.min(1),
  event: str.min(1),
  timestamp: unixSeconds,
  direction: optStr,
  from: optStr,
  to: optStr,
  from_user_id: optStr,
  to_user_id: optStr,
  session: Session.optional(),
  // Docs show a pseudo-array `[FAILED | COMPLETED]`; real traffic sends a string.
  status: z.union([str, z.array(str)]).optional(),
  duration: z.union([z.number(), z.string().regex(/^\d+$/)]).optional(),
  start_time: z.union([str, z.number()]).optional(),
  end_time: z.union([str, z.number()]).optional(),
  biz_opaque_callback_data: optStr,
  cta_payload: optStr,
  deeplink_payload: optStr,
  errors: z.array(z.looseObject({ code: z.number().optional(), message: optStr, title: optStr })).optional(),
});

const Metadata = z.looseObject({ display_phone_number: optStr, phone_number_id: optStr });

interface Base {
  key: string;
  /** When our receiver stored the webhook (ISO, our clock); set by the inbox. */
  receivedAt?: string;
  /** Meta's timestamp of the event (ISO 8601), when it has one. */
  occurredAt: string | null;
  phoneNumberId: string | null;
  wabaId: string;
}

export type DomainEvent = Base &
  (
    | { kind: 'message.received'; wamid: string; from: ContactRef; type: string; raw: Record<string, unknown> }
    | {
        kind: 'message.status';
        wamid: string;
        status: string;
        recipient: ContactRef;
        errors: Array<{ code?: number | undefined; title?: string | undefined; message?: string | undefined }>;
        raw: Record<string, unknown>;
      }
    | {
        kind: 'call.connect';
        callId: string;
        direction: CallDirection | null;
        user: ContactRef;
        session: { sdpType: string; sdp: string } | null;
        ctaPayload: string | null;
        deeplinkPayload: string | null;
        bizOpaque: string | null;
        raw: Record<string, unknown>;
      }
    | { kind: 'call.status'; callId: string; status: string; user: ContactRef; bizOpaque: string | null; raw: Record<string, unknown> }
    | {
        kind: 'call.terminate';
        callId: string;
        direction: CallDirection | null;
        user: ContactRef;
        status: string | null;
        durationSeconds: number | null;
        errors: Array<{ code?: number | undefined; message?: string | undefined }>;
        bizOpaque: string | null;
        raw: Record<string, unknown>;
      }
    | RecordingEvent
    | { kind: 'call.other'; callId: string; event: string; raw: Record<string, unknown> }
    | {
        kind: 'permission.reply';
        wamid: string;
        user: ContactRef;
        response: 'accept' | 'reject';
        isPermanent: boolean;
        expiresAt: string | null;
        source: string | null;
        contextId: string | null;
        raw: Record<string, unknown>;
      }
    | { kind: 'settings.changed'; calling: unknown; raw: unknown }
    | { kind: 'account.update'; event: string | null; raw: unknown }
    | {
        kind: 'webhook.error';
        field: string;
        errors: Array<{
          code?: number | undefined;
          title?: string | undefined;
          message?: string | undefined;
          details?: string | undefined;
        }>;
        raw: unknown;
      }
    | {
        kind: 'customer.changed';
        wamid: string;
        from: ContactRef;
        change: string;
        newWaId: string | null;
        newUserId: string | null;
        body: string | null;
        raw: Record<string, unknown>;
      }
    | { kind: 'unreadable'; field: string; where: string; reason: string; raw: unknown }
    | { kind: 'other_number'; originalKind: string; originalKey: string; raw: unknown }
    | { kind: 'unknown'; field: string; raw: unknown }
  );

export type DomainEventKind = DomainEvent['kind'];

const iso = (unix: number): string => new Date(unix * 1000).toISOString();
const hash = (v: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(v) ?? 'undefined')
    .digest('hex')
    .slice(0, 24);

class ItemError extends Error {}

function parseItem<T extends z.ZodType>(schema: T, item: unknown, where: string): z.infer<T> {
  const r = schema.safeParse(item);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ItemError(`${where}: ${issue ? `${issue.path.join('.') || '(item)'} ${issue.message}` : 'invalid'}`);
  }
  return r.data;
}

function normaliseStatus(s: string | string[] | undefined): string | null {
  if (s === undefined) return null;
  const v = Array.isArray(s) ? s[0] : s;
  return v
    ? v
        .replace(/^\[|\]$/g, '')
        .trim()
        .toUpperCase()
    : null;
}

/**
 * Who placed the call, in the app's words: Meta's USER_INITIATED is `incoming`, BUSINESS_INITIATED
 * `outgoing`. A connect without a direction is recognised by its shape.
 */
function callDirection(call: z.infer<typeof CallEvent>, business: string | null): CallDirection | null {
  const d = (call.direction ?? '').toUpperCase();
  if (d === 'USER_INITIATED') return 'incoming';
  if (d === 'BUSINESS_INITIATED') return 'outgoing';
  // Meta's own user-initiated connect example has no direction: an offer from Meta is a customer
  // calling; an answer is the customer's phone answering our call.
  if (call.session?.sdp_type === 'offer') return 'incoming';
  if (call.session?.sdp_type === 'answer') return 'outgoing';
  if (business) {
    if (present(call.to) && customerNumber(call.to, business) === null) return 'incoming';
    if (present(call.from) && customerNumber(call.from, business) === null) return 'outgoing';
  }
  return null;
}

type CallErrors = Array<{
  code?: number | undefined;
  title?: string | undefined;
  message?: string | undefined;
  details?: string | undefined;
}>;

/** Meta's error items, kept to what the app shows (code, title, message, details). */
function errorsOf(v: unknown): CallErrors {
  if (!Array.isArray(v)) return [];
  return v
    .filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)
    .map((x) => {
      const data = (typeof x['error_data'] === 'object' && x['error_data'] !== null ? x['error_data'] : {}) as Record<string, unknown>;
      const code =
        typeof x['code'] === 'number'
          ? x['code']
          : typeof x['code'] === 'string' && /^\d+$/.test(x['code'])
            ? Number(x['code'])
            : undefined;
      return {
        ...(code !== undefined ? { code } : {}),
        ...(typeof x['title'] === 'string' ? { title: x['title'] } : {}),
        ...(typeof x['message'] === 'string' ? { message: x['message'] } : {}),
        ...(typeof data['details'] === 'string' ? { details: data['details'] } : {}),
      };
    });
}

/** One change of one entry, as the per-field readers below need it. */
interface ChangeContext {
  out: DomainEvent[];
  /** `entry[i].changes[j]`, for the items' `where`. */
  where: string;
  field: string;
  value: Record<string, unknown>;
  base: { phoneNumberId: string | null; wabaId: string };
  /** The business's own display number (null when the metadata lacks it). */
  business: string | null;
  contacts: Array<z.infer<typeof Contact>>;
  /** The change's own `errors` (not an item's). */
  valueErrors: CallErrors;
  /** Runs one item; an item that cannot be read becomes an `unreadable` event. */
  each: (where: string, raw: unknown, fn: () => void) => void;
}

/** A `messages` change: messages (incl. permission replies and system messages), statuses, or only errors. */
function messagesChange(x: ChangeContext): void {
  const { out, where, field, value, base, business, contacts, valueErrors, each } = x;
  const messages = Array.isArray(value['messages']) ? value['messages'] : [];
  messages.forEach((m, i) =>
    each(`${where}.value.messages[${i}]`, m, () => {
      const msg = parseItem(Message, m, `${where}.value.messages[${i}]`);
      const from = contactFor(
        contacts,
        { waId: msg.from, userId: msg.from_user_id ?? msg.system?.previous_user_id, parentUserId: msg.from_parent_user_id },
        business,
      );
      const interactiveType = msg.interactive?.type;
      const reply = msg.interactive?.call_permission_reply;
      if (reply && (msg.type === undefined || msg.type === 'interactive' || interactiveType === 'call_permission_reply')) {
        out.push({
          ...base,
          kind: 'permission.reply',
          key: `perm:${msg.id}`,
          occurredAt: iso(msg.timestamp),
          wamid: msg.id,
          user: from,
          response: reply.response,
          isPermanent: reply.is_permanent === true,
          expiresAt: reply.expiration_timestamp !== undefined ? iso(reply.expiration_timestamp) : null,
          source: reply.response_source ?? null,
          contextId: present(msg.context?.id),
          raw: msg,
        });
      } else if (msg.type === 'system' || (msg.type === undefined && msg.system)) {
        const sys = msg.system ?? {};
        out.push({
          ...base,
          kind: 'customer.changed',
          key: `system:${msg.id}`,
          occurredAt: iso(msg.timestamp),
          wamid: msg.id,
          from,
          change: present(sys.type) ?? 'unknown',
          newWaId: customerNumber(sys.new_wa_id ?? sys.wa_id, business),
          newUserId: present(sys.new_user_id ?? sys.user_id),
          body: present(sys.body),
          raw: msg,
        });
      } else {
        out.push({
          ...base,
          kind: 'message.received',
          key: `msg:${msg.id}`,
          occurredAt: iso(msg.timestamp),
          wamid: msg.id,
          from,
          type: msg.type ?? (msg.interactive ? 'interactive' : 'unknown'),
          raw: msg,
        });
      }
    }),
  );
  const statuses = Array.isArray(value['statuses']) ? value['statuses'] : [];
  statuses.forEach((s, i) =>
    each(`${where}.value.statuses[${i}]`, s, () => {
      const st = parseItem(Status, s, `${where}.value.statuses[${i}]`);
      out.push({
        ...base,
        kind: 'message.status',
        key: `status:${st.id}:${st.status.toLowerCase()}`,
        occurredAt: iso(st.timestamp),
        wamid: st.id,
        status: st.status.toLowerCase(),
        recipient: contactFor(contacts, { waId: st.recipient_id, userId: st.recipient_user_id }, business),
        errors: st.errors ?? [],
        raw: st,
      });
    }),
  );
  if (valueErrors.length && messages.length === 0 && statuses.length === 0) {
    out.push({
      ...base,
      kind: 'webhook.error',
      key: `error:${base.wabaId}:${hash(value)}`,
      occurredAt: null,
      field,
      errors: valueErrors,
      raw: value,
    });
  }
}

/** A `calls` change: connect / terminate / other call events, call statuses, or only errors. */
function callsChange(x: ChangeContext): void {
  const { out, where, field, value, base, business, contacts, valueErrors, each } = x;
  const calls = Array.isArray(value['calls']) ? value['calls'] : [];
  calls.forEach((c, i) =>
    each(`${where}.value.calls[${i}]`, c, () => {
      const call = parseItem(CallEvent, c, `${where}.value.calls[${i}]`);
      const direction = callDirection(call, business);
      const userInitiated = direction === 'incoming';
      // Business-initiated: Meta's pages put the customer in `to`; an older sample has the business there.
      const user = userInitiated
        ? contactFor(contacts, { waId: call.from, userId: call.from_user_id }, business)
        : contactFor(
            contacts,
            { waId: customerNumber(call.to, business) ?? call.from, userId: call.to_user_id ?? call.from_user_id },
            business,
          );
      const event = call.event.toLowerCase();
      const common = { ...base, occurredAt: iso(call.timestamp), callId: call.id, raw: call };
      if (event === 'connect') {
        out.push({
          ...common,
          kind: 'call.connect',
          key: `call:${call.id}:connect`,
          direction,
          user,
          session: call.session ? { sdpType: call.session.sdp_type, sdp: call.session.sdp } : null,
          ctaPayload: call.cta_payload ?? null,
          deeplinkPayload: call.deeplink_payload ?? null,
          bizOpaque: call.biz_opaque_callback_data ?? null,
        });
      } else if (event === 'terminate') {
        const own = errorsOf(call.errors);
        out.push({
          ...common,
          kind: 'call.terminate',
          key: `call:${call.id}:terminate`,
          direction,
          user,
          status: normaliseStatus(call.status),
          durationSeconds: call.duration !== undefined ? Number(call.duration) : null,
          errors: own.length ? own : valueErrors,
          bizOpaque: call.biz_opaque_callback_data ?? null,
        });
      } else if (recordingPart(event)) {
        out.push(recordingEvent(c, recordingPart(event)!, { ...common, user }, `${where}.value.calls[${i}]`, parseItem));
      } else {
        out.push({ ...common, kind: 'call.other', key: `call:${call.id}:${event}`, event });
      }
    }),
  );
  const statuses = Array.isArray(value['statuses']) ? value['statuses'] : [];
  statuses.forEach((s, i) =>
    each(`${where}.value.statuses[${i}]`, s, () => {
      const st = parseItem(Status, s, `${where}.value.statuses[${i}]`);
      const status = st.status.toUpperCase();
      out.push({
        ...base,
        kind: 'call.status',
        key: `call:${st.id}:status:${status}`,
        occurredAt: iso(st.timestamp),
        callId: st.id,
        status,
        user: contactFor(contacts, { waId: st.recipient_id, userId: st.recipient_user_id }, business),
        bizOpaque: st.biz_opaque_callback_data ?? null,
        raw: st,
      });
    }),
  );
  // A `calls` change with only errors (131044: no payment method, …) is an event of its own.
  if (valueErrors.length && calls.length === 0 && statuses.length === 0) {
    out.push({
      ...base,
      kind: 'webhook.error',
      key: `error:${base.wabaId}:${hash(value)}`,
      occurredAt: typeof value['timestamp'] === 'string' || typeof value['timestamp'] === 'number' ? iso(Number(value['timestamp'])) : null,
      field,
      errors: valueErrors,
      raw: value,
    });
  }
}

// Built once: zod compiles an object schema on its first parse, so a schema made per call costs
// that compilation for every webhook (it made parsing ~20× slower and halved the receiver's throughput).
const Envelope = z.looseObject({ object: z.literal('whatsapp_business_account'), entry: z.array(z.unknown()) });
const Entry = z.looseObject({
  id: z.union([str, z.number()]).transform(String),
  time: z.number().optional(),
  changes: z.array(z.unknown()),
});
const Change = z.looseObject({ field: str, value: z.unknown() });

export function parseEnvelope(rawBody: Buffer | string): DomainEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    throw new MalformedWebhookError('body is not valid JSON');
  }
  const top = Envelope.safeParse(json);
  if (!top.success)
    throw new MalformedWebhookError(
      `envelope: ${top.error.issues[0]?.path.join('.') || '(body)'} ${top.error.issues[0]?.message ?? 'invalid'}`,
    );
  const out: DomainEvent[] = [];
  const unreadable = (where: string, field: string, reason: string, raw: unknown, wabaId: string, phoneNumberId: string | null): void => {
    out.push({
      kind: 'unreadable',
      key: `unreadable:${hash([where, raw])}`,
      occurredAt: null,
      phoneNumberId,
      wabaId,
      field,
      where,
      reason,
      raw,
    });
  };
  /** Runs one item; an item that cannot be read becomes an `unreadable` event, never a lost body. */
  const each = (where: string, field: string, raw: unknown, wabaId: string, phoneNumberId: string | null, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof ItemError)) throw err;
      unreadable(where, field, err.message, raw, wabaId, phoneNumberId);
    }
  };

  top.data.entry.forEach((rawEntry, ei) => {
    const entryParsed = Entry.safeParse(rawEntry);
    if (!entryParsed.success) {
      unreadable(
        `entry[${ei}]`,
        '',
        `entry[${ei}]: ${entryParsed.error.issues[0]?.path.join('.') || '(entry)'} ${entryParsed.error.issues[0]?.message ?? 'invalid'}`,
        rawEntry,
        '',
        null,
      );
      return;
    }
    const entry = entryParsed.data;
    entry.changes.forEach((rawChange, ci) => {
      const where = `entry[${ei}].changes[${ci}]`;
      const ch = Change.safeParse(rawChange);
      if (!ch.success) {
        unreadable(
          where,
          '',
          `${where}: ${ch.error.issues[0]?.path.join('.') || '(change)'} ${ch.error.issues[0]?.message ?? 'invalid'}`,
          rawChange,
          entry.id,
          null,
        );
        return;
      }
      const change = ch.data;
      const field = change.field;
      const value = (typeof change.value === 'object' && change.value !== null ? change.value : {}) as Record<string, unknown>;
      const meta = Metadata.safeParse(value['metadata']);
      const phoneNumberId = meta.success ? present(meta.data.phone_number_id) : null;
      const business = meta.success ? present(meta.data.display_phone_number) : null;
      const base = { phoneNumberId, wabaId: entry.id };
      const contacts: Array<z.infer<typeof Contact>> = [];
      if (Array.isArray(value['contacts'])) {
        value['contacts'].forEach((c, i) =>
          each(`${where}.value.contacts[${i}]`, field, c, entry.id, phoneNumberId, () =>
            contacts.push(parseItem(Contact, c, `${where}.value.contacts[${i}]`)),
          ),
        );
      }
      const valueErrors = errorsOf(value['errors']);

      const x: ChangeContext = {
        out,
        where,
        field,
        value,
        base,
        business,
        contacts,
        valueErrors,
        each: (w, raw, fn) => each(w, field, raw, entry.id, phoneNumberId, fn),
      };
      if (field === 'messages') {
        messagesChange(x);
      } else if (field === 'calls') {
        callsChange(x);
      } else if (field === 'account_settings_update') {
        const settings = (value['phone_number_settings'] ?? {}) as Record<string, unknown>;
        const ts = typeof value['timestamp'] === 'string' || typeof value['timestamp'] === 'number' ? Number(value['timestamp']) : null;
        out.push({
          ...base,
          phoneNumberId: present(settings['phone_number_id']) ?? phoneNumberId,
          kind: 'settings.changed',
          key: `settings:${entry.id}:${ts ?? ''}:${hash(settings['calling'])}`,
          occurredAt: ts !== null && Number.isFinite(ts) ? iso(ts) : null,
          calling: settings['calling'] ?? null,
          raw: value,
        });
      } else if (field === 'account_update') {
        const event = typeof value['event'] === 'string' ? value['event'] : null;
        out.push({
          ...base,
          kind: 'account.update',
          key: `account:${entry.id}:${entry.time ?? ''}:${event ?? ''}:${hash(value)}`,
          occurredAt: entry.time !== undefined ? iso(entry.time) : null,
          event,
          raw: value,
        });
      } else {
        out.push({ ...base, kind: 'unknown', key: `unknown:${field}:${hash(change)}`, occurredAt: null, field, raw: change });
      }
    });
  });
  return out;
}
