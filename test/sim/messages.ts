/**
 * `POST /{phone-number-id}/messages` and inbound user messages (calling-api.md §4.1, §5, §7):
 *  - text, interactive `call_permission_request`, interactive `voice_call`, other interactive
 *    types and media by id/link (light checks), `template` (seeded templates only);
 *  - mark-as-read (`status:"read", message_id`) → `{success:true}`; unknown wamid → 131009;
 *  - the 24 h customer-service window: free-form outside it is refused with 131047. By default the
 *    refusal is synchronous (`windowEnforcement: "sync"`); `"webhook"` instead accepts the send and
 *    reports a `failed` status with 131047, as live traffic often shows (UNCONFIRMED which applies);
 *  - permission requests (interactive or template with a call_permission_request component) go
 *    through the permission limits (138009/138017), BIC availability (138013) and the BIC
 *    restriction (138014);
 *  - after an accepted send, status webhooks sent → delivered → read on the sim clock.
 */
import { z } from 'zod';
import type { SimContext } from './context.ts';
import { hasRestriction, metadata, openWindow, windowOpen } from './context.ts';
import { GraphError, invalidParam } from './graph-errors.ts';
import type { MediaStore } from './media.ts';
import type { Permissions } from './permissions.ts';
import { wamid } from './permissions.ts';
import type { SimUser } from './users.ts';
import { contactOf, makeBsuid, normalizePhone, versionAtLeast } from './users.ts';
import { zodDetails } from './zod-details.ts';

export interface TemplateDef {
  id: string;
  name: string;
  language: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED';
  components: Array<Record<string, unknown>>;
}

export interface OutboundMessage {
  id: string;
  at: number;
  to: string;
  userId: string | undefined;
  type: string;
  body: Record<string, unknown>;
  statuses: string[];
}

export interface InboundMessage {
  id: string;
  at: number;
  userId: string;
  type: string;
  read: boolean;
}

const base = z.object({
  messaging_product: z.literal('whatsapp', { message: 'messaging_product must be "whatsapp"' }),
  recipient_type: z.enum(['individual', 'group']).optional(),
  to: z.string().min(1).optional(),
  recipient: z.string().min(1).optional(),
  type: z.string().optional(),
  context: z.object({ message_id: z.string() }).optional(),
  biz_opaque_callback_data: z.string().max(512).optional(),
});

const textSchema = z.strictObject({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() });
const bodyText = z.strictObject({ text: z.string().min(1).max(1024) });

const cprSchema = z.strictObject({
  type: z.literal('call_permission_request'),
  action: z.strictObject({ name: z.literal('call_permission_request') }),
  body: bodyText.optional(),
});
const voiceCallSchema = z.strictObject({
  type: z.literal('voice_call'),
  body: bodyText.optional(),
  action: z.strictObject({
    name: z.literal('voice_call'),
    parameters: z
      .strictObject({
        display_text: z.string().min(1).max(20, 'display_text must be at most 20 characters').optional(),
        ttl_minutes: z.number().int().min(1).max(43200, 'ttl_minutes must be between 1 and 43200').optional(),
        payload: z.string().max(512, 'payload must be at most 512 characters').optional(),
      })
      .optional(),
  }),
});
const mediaRef = z
  .object({ id: z.string().optional(), link: z.string().url().optional(), caption: z.string().optional(), filename: z.string().optional() })
  .refine((m) => Boolean(m.id) !== Boolean(m.link), 'exactly one of id or link is required');

const templateSchema = z.object({
  name: z.string().min(1),
  language: z.object({ code: z.string().min(1), policy: z.string().optional() }),
  components: z.array(z.record(z.string(), z.unknown())).optional(),
});

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;

export class Messaging {
  readonly outbound: OutboundMessage[] = [];
  readonly inbound: InboundMessage[] = [];
  readonly templates: TemplateDef[];
  windowEnforcement: 'sync' | 'webhook' = 'sync';
  private readonly ctx: SimContext;
  private readonly permissions: Permissions;
  private readonly media: MediaStore;

  constructor(ctx: SimContext, permissions: Permissions, media: MediaStore, templates: TemplateDef[]) {
    this.ctx = ctx;
    this.permissions = permissions;
    this.media = media;
    this.templates = templates;
  }

  /** Handles a POST /messages body; returns the JSON response or throws GraphError. */
  handlePost(body: unknown): Record<string, unknown> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidParam('Request body must be a JSON object');
    const raw = body as Record<string, unknown>;
    if (raw['status'] !== undefined || raw['message_id'] !== undefined) return this.markRead(raw);
    const parsed = base.safeParse(raw);
    if (!parsed.success) throw invalidParam(zodDetails(parsed.error));
    const b = parsed.data;
    if (!b.to && !b.recipient) throw invalidParam('The parameter to is required (or recipient with a BSUID)');
    if (b.recipient_type === 'group') throw invalidParam('Group messaging is not supported by the simulator');
    const type = b.type ?? 'text';
    const payload = raw[type];
    if (payload === undefined) throw invalidParam(`The parameter ${type} is required for type ${type}`);

    const input = b.to ?? b.recipient ?? '';
    const user = b.to ? this.ctx.users.find(b.to) : this.ctx.users.byUserId(b.recipient ?? '');
    if (b.to && !/^\+?[\d\s\-().]{6,20}$/.test(b.to) && !this.ctx.users.byUserId(b.to)) {
      throw invalidParam(`Invalid parameter to: "${b.to}" is not a phone number`);
    }
    if (!b.to && b.recipient && !/^[A-Z]{2}\.(ENT\.)?\d+$/.test(b.recipient)) throw invalidParam('recipient must be a BSUID');

    let freeForm = true;
    let isPermissionRequest = false;
    let category = 'service';
    let minAppVersion: string | undefined;
    switch (type) {
      case 'text': {
        const r = textSchema.safeParse(payload);
        if (!r.success) throw invalidParam(zodDetails(r.error, 'text'));
        break;
      }
      case 'interactive': {
        const it = (payload as Record<string, unknown> | null)?.['type'];
        if (it === 'call_permission_request') {
          const r = cprSchema.safeParse(payload);
          if (!r.success) throw invalidParam(zodDetails(r.error, 'interactive'));
          isPermissionRequest = true;
        } else if (it === 'voice_call') {
          const r = voiceCallSchema.safeParse(payload);
          if (!r.success) throw invalidParam(zodDetails(r.error, 'interactive'));
          minAppVersion = '2.24.1';
        } else if (
          typeof it !== 'string' ||
          !['button', 'list', 'cta_url', 'flow', 'product', 'product_list', 'location_request_message', 'address_message'].includes(it)
        ) {
          throw invalidParam(`interactive.type "${String(it)}" is not supported`);
        }
        break;
      }
      case 'template': {
        freeForm = false;
        const r = templateSchema.safeParse(payload);
        if (!r.success) throw invalidParam(zodDetails(r.error, 'template'));
        const t = this.templates.find((x) => x.name === r.data.name && x.language === r.data.language.code);
        if (!t || t.status !== 'APPROVED') {
          throw new GraphError(132001, `template name (${r.data.name}) does not exist in ${r.data.language.code}`);
        }
        this.checkTemplateParams(t, r.data.components ?? []);
        category = t.category.toLowerCase();
        if (t.components.some((c) => String(c['type']).toLowerCase() === 'call_permission_request')) isPermissionRequest = true;
        break;
      }
      default: {
        if ((MEDIA_TYPES as readonly string[]).includes(type)) {
          const r = mediaRef.safeParse(payload);
          if (!r.success) throw invalidParam(zodDetails(r.error, type));
          if (r.data.id && !this.media.get(r.data.id)) throw invalidParam(`Invalid media id ${r.data.id}`);
        } else if (!['reaction', 'location', 'contacts'].includes(type)) {
          throw invalidParam(`Unsupported message type "${type}"`);
        }
      }
    }

    const id = wamid();
    const windowOk = user ? windowOpen(this.ctx, user) : false;
    let failure: { code: number; title: string; details: string } | undefined;
    if (freeForm && !windowOk) {
      if (this.windowEnforcement === 'sync') {
        throw new GraphError(131047, 'More than 24 hours have passed since the recipient last replied to the sender number');
      }
      failure = {
        code: 131047,
        title: 'Re-engagement message',
        details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      };
    }
    if (isPermissionRequest && !failure) {
      if (this.ctx.config.bicUnavailableCountries.includes(this.ctx.business.country)) {
        throw new GraphError(138013, `Call permission requests are not available for business numbers from ${this.ctx.business.country}`);
      }
      if (hasRestriction(this.ctx, 'RESTRICTED_BUSINESS_INITIATED_CALLING')) {
        throw new GraphError(138014, 'Business initiated calling is temporarily disabled for this phone number');
      }
      if (user) this.permissions.checkAndRecordRequest(user, id);
    }
    if (!user && !failure) failure = { code: 131026, title: 'Message undeliverable', details: 'The recipient is not a WhatsApp user' };
    if (user && !failure && minAppVersion && !versionAtLeast(user.appVersion, minAppVersion)) {
      failure = {
        code: 131026,
        title: 'Message undeliverable',
        details: `The recipient's WhatsApp version ${user.appVersion} does not support this message`,
      };
    }

    const msg: OutboundMessage = {
      id,
      at: this.ctx.clock.now(),
      to: user?.waId ?? normalizePhone(input),
      userId: user?.userId,
      type,
      body: structuredClone(raw),
      statuses: [],
    };
    this.outbound.push(msg);
    this.ctx.events.emit('message.to_user', { id, userId: user?.userId ?? null, waId: user?.waId ?? null, type, message: raw });
    this.scheduleStatuses(msg, user, category, failure);

    const contact: Record<string, unknown> = { input };
    if (user?.waId) contact['wa_id'] = user.waId;
    else if (!user && b.to) contact['wa_id'] = normalizePhone(b.to);
    if (user) contact['user_id'] = user.userId;
    const m: Record<string, unknown> = { id };
    if (type === 'template') m['message_status'] = 'accepted';
    return { messaging_product: 'whatsapp', contacts: [contact], messages: [m] };
  }

  private checkTemplateParams(t: TemplateDef, components: Array<Record<string, unknown>>): void {
    const bodyDef = t.components.find((c) => String(c['type']).toUpperCase() === 'BODY');
    const text = typeof bodyDef?.['text'] === 'string' ? bodyDef['text'].replace(/[\u200B-\u200D\uFEFF]/g, '') : '';
    const expected = new Set(text.match(/\{\{\d+\}\}/g) ?? []).size;
    const bodyComp = components.find((c) => String(c['type']).toLowerCase() === 'body');
    const params = Array.isArray(bodyComp?.['parameters']) ? bodyComp['parameters'].length : 0;
    if (params !== expected) {
      throw new GraphError(
        132000,
        `body: number of localizable_params (${params}) does not match the expected number of params (${expected})`,
      );
    }
    for (const c of components) {
      if (String(c['type']).toLowerCase() === 'button' && c['sub_type'] === 'voice_call') {
        const hasButton = t.components.some(
          (d) =>
            String(d['type']).toUpperCase() === 'BUTTONS' &&
            Array.isArray(d['buttons']) &&
            d['buttons'].some((x: unknown) => (x as Record<string, unknown>)?.['type'] === 'voice_call'),
        );
        if (!hasButton) throw invalidParam(`Template ${t.name} has no voice_call button`);
        for (const p of Array.isArray(c['parameters']) ? (c['parameters'] as Array<Record<string, unknown>>) : []) {
          if (p['type'] === 'ttl_minutes' && (typeof p['ttl_minutes'] !== 'number' || p['ttl_minutes'] < 1 || p['ttl_minutes'] > 43200)) {
            throw invalidParam('button.parameters.ttl_minutes must be between 1 and 43200');
          }
          if (p['type'] === 'payload' && (typeof p['payload'] !== 'string' || p['payload'].length > 512)) {
            throw invalidParam('button.parameters.payload must be a string of at most 512 characters');
          }
        }
      }
    }
  }

  private scheduleStatuses(
    msg: OutboundMessage,
    user: SimUser | undefined,
    category: string,
    failure: { code: number; title: string; details: string } | undefined,
  ): void {
    const cfg = this.ctx.config.messageStatuses;
    if (!cfg.enabled) return;
    const emit = (status: string, extra: Record<string, unknown> = {}): void => {
      msg.statuses.push(status);
      const st: Record<string, unknown> = { id: msg.id, status, timestamp: String(this.ctx.clock.nowSeconds()) };
      if (user?.waId ?? (!user ? msg.to : undefined)) st['recipient_id'] = user?.waId ?? msg.to;
      if (user) st['recipient_user_id'] = user.userId;
      Object.assign(st, extra);
      const value: Record<string, unknown> = { messaging_product: 'whatsapp', metadata: metadata(this.ctx), statuses: [st] };
      this.ctx.webhooks.emit('messages', value);
    };
    const pricing = {
      billable: category !== 'service',
      pricing_model: 'PMP',
      type: category === 'service' ? 'free_customer_service' : 'regular',
      category,
    };
    if (failure) {
      this.ctx.clock.schedule(cfg.sentAfterMs, `status failed ${msg.id}`, () =>
        emit('failed', {
          errors: [
            {
              code: failure.code,
              title: failure.title,
              message: failure.title,
              error_data: { details: failure.details },
              href: '/documentation/business-messaging/whatsapp/support/error-codes',
            },
          ],
        }),
      );
      return;
    }
    this.ctx.clock.schedule(cfg.sentAfterMs, `status sent ${msg.id}`, () => emit('sent', { pricing }));
    if (cfg.deliveredAfterMs !== null) {
      this.ctx.clock.schedule(cfg.deliveredAfterMs, `status delivered ${msg.id}`, () => emit('delivered', { pricing }));
    }
    if (cfg.readAfterMs !== null) {
      this.ctx.clock.schedule(cfg.readAfterMs, `status read ${msg.id}`, () => emit('read'));
    }
  }

  private markRead(raw: Record<string, unknown>): Record<string, unknown> {
    if (raw['messaging_product'] !== 'whatsapp') throw invalidParam('messaging_product must be "whatsapp"');
    if (raw['status'] !== 'read') throw invalidParam('status must be "read"');
    const id = raw['message_id'];
    if (typeof id !== 'string' || id === '') throw invalidParam('The parameter message_id is required');
    const idx = this.inbound.findIndex((m) => m.id === id);
    if (idx < 0) throw new GraphError(131009, `Invalid message_id ${id}`, { text: 'Parameter value is not valid' });
    const target = this.inbound[idx];
    if (target) {
      for (const m of this.inbound) if (m.userId === target.userId && m.at <= target.at) m.read = true;
      this.ctx.events.emit('message.read_by_business', { id, userId: target.userId });
    }
    return { success: true };
  }

  /** The user sends a message: `messages` webhook, window refreshed. */
  userSends(user: SimUser, type: string, content: Record<string, unknown>, id: string = wamid()): Record<string, unknown> {
    openWindow(this.ctx, user);
    const msg: Record<string, unknown> = {};
    if (user.waId) msg['from'] = user.waId;
    msg['from_user_id'] = user.userId;
    if (user.parentUserId) msg['from_parent_user_id'] = user.parentUserId;
    Object.assign(msg, { id, timestamp: String(this.ctx.clock.nowSeconds()), type, [type]: content });
    this.inbound.push({ id, at: this.ctx.clock.now(), userId: user.userId, type, read: false });
    this.ctx.webhooks.emit('messages', {
      messaging_product: 'whatsapp',
      metadata: metadata(this.ctx),
      contacts: [contactOf(user)],
      messages: [msg],
    });
    this.ctx.events.emit('message.from_user', { userId: user.userId, message: msg });
    return msg;
  }

  /**
   * The user moves to a new phone number, which also gives them a new BSUID. WhatsApp tells the
   * business only through a `system` message (Meta's system-messages reference, Aug 2026): no
   * `contacts` array; `user_changed_number` from the old number with the new `wa_id`, the new
   * `user_id` and `previous_user_id`. A user known only by BSUID (a username, no shareable number)
   * gets `user_changed_user_id` instead: no `from`, only `user_id` and `previous_user_id`.
   */
  userChangesNumber(user: SimUser, newWaId: string): Array<Record<string, unknown>> {
    const previous = { waId: user.waId, userId: user.userId, parentUserId: user.parentUserId };
    const newUserId = makeBsuid(user.country);
    const msg: Record<string, unknown> = {};
    const shareable = previous.waId !== undefined;
    if (shareable) msg['from'] = previous.waId;
    const system: Record<string, unknown> = shareable
      ? {
          body: `User ${user.name} changed from ${previous.waId} to ${newWaId}`,
          wa_id: newWaId,
          user_id: newUserId,
          previous_user_id: previous.userId,
          type: 'user_changed_number',
        }
      : {
          body: `User ${user.name}'s account changed`,
          user_id: newUserId,
          previous_user_id: previous.userId,
          type: 'user_changed_user_id',
        };
    if (previous.parentUserId) system['previous_parent_user_id'] = previous.parentUserId;
    Object.assign(msg, { id: wamid(), timestamp: String(this.ctx.clock.nowSeconds()), type: 'system', system });
    this.ctx.webhooks.emit('messages', { messaging_product: 'whatsapp', metadata: metadata(this.ctx), messages: [msg] });
    if (shareable) user.waId = newWaId;
    user.userId = newUserId;
    return [msg];
  }

  userSendsMedia(
    user: SimUser,
    kind: 'image' | 'audio',
    bytes: Buffer,
    mimeType: string,
    opts: { voice?: boolean; caption?: string; id?: string } = {},
  ): Record<string, unknown> {
    const item = this.media.add(bytes, mimeType);
    const content: Record<string, unknown> = {
      mime_type: mimeType,
      sha256: item.sha256,
      id: item.id,
      url: this.media.issueUrl(item.id, this.ctx.baseUrl()),
    };
    if (kind === 'audio') content['voice'] = opts.voice ?? true;
    if (kind === 'image' && opts.caption) content['caption'] = opts.caption;
    return this.userSends(user, kind, content, opts.id);
  }
}
