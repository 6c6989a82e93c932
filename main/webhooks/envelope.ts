/**
 * Parses a webhook body into domain events, tolerantly: unknown keys are kept (each event
 * carries its raw item), unknown `field`s become `unknown` events that are stored and skipped,
 * batches of many entries and changes are handled, and phone numbers may be absent when a user
 * is known only by BSUID (`user_id`).
 *
 * Every event has a `key` built from Meta's ids, so applying the same event twice changes
 * nothing: messages by wamid, statuses by (wamid, status), calls by (wacid, event[, status]).
 *
 * A body is all-or-nothing: if any item of a known field is malformed (missing its id, wrong
 * types), `parseEnvelope` throws `MalformedWebhookError` naming the place, and nothing of that
 * body is applied — it stays in the inbox, marked malformed, for diagnostics.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export class MalformedWebhookError extends Error {
  override name = 'MalformedWebhookError';
}

const str = z.string();
const optStr = z.string().optional();
/** Meta sends Unix seconds as strings (sometimes numbers). */
const unixSeconds = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()]).transform((v) => Number(v));

const Contact = z.looseObject({
  wa_id: optStr,
  user_id: optStr,
  parent_user_id: optStr,
  profile: z.looseObject({ name: optStr, username: optStr }).optional(),
});

const Message = z.looseObject({
  id: str.min(1),
  from: optStr,
  from_user_id: optStr,
  from_parent_user_id: optStr,
  timestamp: unixSeconds,
  type: str.min(1),
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

const Envelope = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      id: str,
      time: z.number().optional(),
      changes: z.array(z.looseObject({ field: str, value: z.unknown() })),
    }),
  ),
});

export interface ContactRef {
  waId: string | null;
  userId: string | null;
  parentUserId: string | null;
  profileName: string | null;
  username: string | null;
}

interface Base {
  key: string;
  /** Meta's timestamp of the event (ISO 8601), when it has one. */
  occurredAt: string | null;
  phoneNumberId: string | null;
  wabaId: string;
}

export type DomainEvent = Base &
  (
    | { kind: 'message.received'; wamid: string; from: ContactRef; type: string; raw: Record<string, unknown> }
    | { kind: 'message.status'; wamid: string; status: string; recipient: ContactRef; errors: Array<{ code?: number | undefined; title?: string | undefined; message?: string | undefined }>; raw: Record<string, unknown> }
    | { kind: 'call.connect'; callId: string; direction: string | null; user: ContactRef; session: { sdpType: string; sdp: string } | null; ctaPayload: string | null; deeplinkPayload: string | null; bizOpaque: string | null; raw: Record<string, unknown> }
    | { kind: 'call.status'; callId: string; status: string; user: ContactRef; bizOpaque: string | null; raw: Record<string, unknown> }
    | { kind: 'call.terminate'; callId: string; direction: string | null; user: ContactRef; status: string | null; durationSeconds: number | null; errors: Array<{ code?: number | undefined; message?: string | undefined }>; bizOpaque: string | null; raw: Record<string, unknown> }
    | { kind: 'call.other'; callId: string; event: string; raw: Record<string, unknown> }
    | { kind: 'permission.reply'; wamid: string; user: ContactRef; response: 'accept' | 'reject'; isPermanent: boolean; expiresAt: string | null; source: string | null; contextId: string | null; raw: Record<string, unknown> }
    | { kind: 'settings.changed'; calling: unknown; raw: unknown }
    | { kind: 'account.update'; event: string | null; raw: unknown }
    | { kind: 'webhook.error'; errors: unknown; raw: unknown }
    | { kind: 'unknown'; field: string; raw: unknown }
  );

export type DomainEventKind = DomainEvent['kind'];

const iso = (unix: number): string => new Date(unix * 1000).toISOString();
const hash = (v: unknown): string => createHash('sha256').update(JSON.stringify(v) ?? 'undefined').digest('hex').slice(0, 24);

function contactFor(contacts: z.infer<typeof Contact>[], ids: { waId?: string | undefined; userId?: string | undefined; parentUserId?: string | undefined }): ContactRef {
  const c = contacts.find((x) => (ids.userId && x.user_id === ids.userId) || (ids.waId && x.wa_id === ids.waId)) ?? (contacts.length === 1 ? contacts[0] : undefined);
  return {
    waId: ids.waId ?? c?.wa_id ?? null,
    userId: ids.userId ?? c?.user_id ?? null,
    parentUserId: ids.parentUserId ?? c?.parent_user_id ?? null,
    profileName: c?.profile?.name ?? null,
    username: c?.profile?.username ?? null,
  };
}

function parseItem<T extends z.ZodType>(schema: T, item: unknown, where: string): z.infer<T> {
  const r = schema.safeParse(item);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new MalformedWebhookError(`${where}: ${issue ? `${issue.path.join('.') || '(item)'} ${issue.message}` : 'invalid'}`);
  }
  return r.data;
}

function normaliseStatus(s: string | string[] | undefined): string | null {
  if (s === undefined) return null;
  const v = Array.isArray(s) ? s[0] : s;
  return v ? v.replace(/^\[|\]$/g, '').trim().toUpperCase() : null;
}

export function parseEnvelope(rawBody: Buffer | string): DomainEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    throw new MalformedWebhookError('body is not valid JSON');
  }
  const env = parseItem(Envelope, json, 'envelope');
  const out: DomainEvent[] = [];

  env.entry.forEach((entry, ei) => {
    entry.changes.forEach((change, ci) => {
      const where = `entry[${ei}].changes[${ci}]`;
      const field = change.field;
      const value = (typeof change.value === 'object' && change.value !== null ? change.value : {}) as Record<string, unknown>;
      const meta = Metadata.safeParse(value['metadata']);
      const phoneNumberId = meta.success ? (meta.data.phone_number_id ?? null) : null;
      const base = { phoneNumberId, wabaId: entry.id };
      const contacts = Array.isArray(value['contacts']) ? value['contacts'].map((c, i) => parseItem(Contact, c, `${where}.value.contacts[${i}]`)) : [];

      if (field === 'messages') {
        const messages = Array.isArray(value['messages']) ? value['messages'] : [];
        messages.forEach((m, i) => {
          const msg = parseItem(Message, m, `${where}.value.messages[${i}]`);
          const from = contactFor(contacts, { waId: msg.from, userId: msg.from_user_id, parentUserId: msg.from_parent_user_id });
          const reply = msg.type === 'interactive' ? msg.interactive?.call_permission_reply : undefined;
          if (reply) {
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
              contextId: msg.context?.id ?? null,
              raw: msg,
            });
          } else {
            out.push({ ...base, kind: 'message.received', key: `msg:${msg.id}`, occurredAt: iso(msg.timestamp), wamid: msg.id, from, type: msg.type, raw: msg });
          }
        });
        const statuses = Array.isArray(value['statuses']) ? value['statuses'] : [];
        statuses.forEach((s, i) => {
          const st = parseItem(Status, s, `${where}.value.statuses[${i}]`);
          out.push({
            ...base,
            kind: 'message.status',
            key: `status:${st.id}:${st.status.toLowerCase()}`,
            occurredAt: iso(st.timestamp),
            wamid: st.id,
            status: st.status.toLowerCase(),
            recipient: contactFor(contacts, { waId: st.recipient_id, userId: st.recipient_user_id }),
            errors: st.errors ?? [],
            raw: st,
          });
        });
        if (Array.isArray(value['errors']) && messages.length === 0 && statuses.length === 0) {
          out.push({ ...base, kind: 'webhook.error', key: `error:${entry.id}:${hash(value)}`, occurredAt: null, errors: value['errors'], raw: value });
        }
      } else if (field === 'calls') {
        const calls = Array.isArray(value['calls']) ? value['calls'] : [];
        calls.forEach((c, i) => {
          const call = parseItem(CallEvent, c, `${where}.value.calls[${i}]`);
          const userInitiated = (call.direction ?? '').toUpperCase() === 'USER_INITIATED';
          const user = contactFor(contacts, userInitiated ? { waId: call.from, userId: call.from_user_id } : { waId: call.to, userId: call.to_user_id });
          const event = call.event.toLowerCase();
          const common = { ...base, occurredAt: iso(call.timestamp), callId: call.id, raw: call };
          if (event === 'connect') {
            out.push({
              ...common,
              kind: 'call.connect',
              key: `call:${call.id}:connect`,
              direction: call.direction ?? null,
              user,
              session: call.session ? { sdpType: call.session.sdp_type, sdp: call.session.sdp } : null,
              ctaPayload: call.cta_payload ?? null,
              deeplinkPayload: call.deeplink_payload ?? null,
              bizOpaque: call.biz_opaque_callback_data ?? null,
            });
          } else if (event === 'terminate') {
            const valueErrors = Array.isArray(value['errors']) ? (value['errors'] as Array<{ code?: number; message?: string }>) : [];
            out.push({
              ...common,
              kind: 'call.terminate',
              key: `call:${call.id}:terminate`,
              direction: call.direction ?? null,
              user,
              status: normaliseStatus(call.status),
              durationSeconds: call.duration !== undefined ? Number(call.duration) : null,
              errors: call.errors ?? valueErrors,
              bizOpaque: call.biz_opaque_callback_data ?? null,
            });
          } else {
            out.push({ ...common, kind: 'call.other', key: `call:${call.id}:${event}`, event });
          }
        });
        const statuses = Array.isArray(value['statuses']) ? value['statuses'] : [];
        statuses.forEach((s, i) => {
          const st = parseItem(Status, s, `${where}.value.statuses[${i}]`);
          const status = st.status.toUpperCase();
          out.push({
            ...base,
            kind: 'call.status',
            key: `call:${st.id}:status:${status}`,
            occurredAt: iso(st.timestamp),
            callId: st.id,
            status,
            user: contactFor(contacts, { waId: st.recipient_id, userId: st.recipient_user_id }),
            bizOpaque: st.biz_opaque_callback_data ?? null,
            raw: st,
          });
        });
      } else if (field === 'account_settings_update') {
        const settings = (value['phone_number_settings'] ?? {}) as Record<string, unknown>;
        const ts = typeof value['timestamp'] === 'string' || typeof value['timestamp'] === 'number' ? Number(value['timestamp']) : null;
        out.push({
          ...base,
          phoneNumberId: typeof settings['phone_number_id'] === 'string' ? settings['phone_number_id'] : phoneNumberId,
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
