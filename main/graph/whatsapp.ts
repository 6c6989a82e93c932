/**
 * WhatsApp's Cloud API endpoints, as typed functions: the only place in main that builds a Graph
 * path, query or request body (calling-api.md for the endpoints). Services say what they want —
 * `whatsapp(graph, phoneNumberId).calls.accept(callId, sdp)` — and the shapes live here once:
 *
 *   whatsapp(graph, phoneNumberId)   the number: calls, messages, call permissions, settings,
 *                                    media upload, the number's own fields and webhook override
 *   whatsappMedia(graph)             a media object by id (`GET /{media-id}`) and its download
 *   whatsappBusinessAccount(graph, wabaId)   subscribed apps, message templates, its name and numbers
 *   metaApp(appGraph, appId)         the app's webhook subscriptions (app access token)
 *   metaAccessToken(graph)           what a token is: `debug_token` (its app, permissions, WABAs)
 *
 * Answers: the acknowledgements every caller reads the same way (success, a call id, an uploaded
 * media id) are parsed here; where a caller reads more of the answer, it passes its own schema.
 */
import { z } from 'zod';
import type { GraphClient } from './graph-client.ts';
import { secureUrlProblemText } from '../i18n/secure-url.ts';
import { tr } from '../i18n/tr.ts';

/** What the endpoints need of the client (a GraphClient; tests may pass a fake). */
export type GraphRequester = Pick<GraphClient, 'request'>;

/** A customer as WhatsApp addresses them: by phone number (wa_id) when known, else by BSUID. */
export interface WhatsAppUser {
  waId: string | null;
  userId: string | null;
}

const Success = z.looseObject({ success: z.boolean().optional() });
const CallsResponse = z.looseObject({ success: z.boolean().optional(), calls: z.array(z.looseObject({ id: z.string() })).optional() });
export type CallsResponse = z.infer<typeof CallsResponse>;
const UploadedMedia = z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) });

/** The number's fields read when connecting (token + phone check in one request). */
export const PHONE_NUMBER_FIELDS = 'id,display_phone_number,verified_name,quality_rating,code_verification_status,platform_type';

/** Each number's fields when the owner picks one (number-discovery.ts; test/sim/README.md says why these). */
export const DISCOVERY_NUMBER_FIELDS = 'id,display_phone_number,verified_name,quality_rating,platform_type,code_verification_status';

/** A message's addressee: `to` is the phone number with a leading +, else the BSUID. */
const messageRecipient = (u: WhatsAppUser) => (u.waId ? { to: `+${u.waId}` } : { recipient: u.userId });

export interface TemplateSend {
  name: string;
  language: string;
  /** Body parameters ({{1}}, {{2}}…), in order; none sends no components. */
  parameters: string[];
}

export interface CallButton {
  body: string;
  displayText: string;
  ttlMinutes: number;
  payload: string | null;
}

/** A call's `recording` / `transcription` objects (WhatsApp's call recording, 2026). */
type Capture = Readonly<Record<string, unknown>>;

export function whatsapp(graph: GraphRequester, phoneNumberId: string) {
  const calls = (body: Record<string, unknown>) =>
    graph.request({ method: 'POST', path: `/${phoneNumberId}/calls`, body, schema: CallsResponse });
  /** An action on a call WhatsApp already knows; the SDP answer rides along when given. */
  const callAction = (callId: string, action: 'pre_accept' | 'accept' | 'reject' | 'terminate', sdp?: string, capture: Capture = {}) =>
    calls({ messaging_product: 'whatsapp', call_id: callId, action, ...(sdp ? { session: { sdp_type: 'answer', sdp } } : {}), ...capture });
  const message = <T>(body: Record<string, unknown>, schema: z.ZodType<T>) =>
    graph.request({ method: 'POST', path: `/${phoneNumberId}/messages`, body, schema });
  const individual = (to: WhatsAppUser) => ({ messaging_product: 'whatsapp', recipient_type: 'individual', ...messageRecipient(to) });

  return {
    /** `POST /{phone-number-id}/calls` (calling-api.md §3, §5). */
    calls: {
      preAccept: (callId: string, sdp?: string) => callAction(callId, 'pre_accept', sdp),
      /** `capture`: the call's `recording` / `transcription` objects (WhatsApp takes them on accept, not pre_accept). */
      accept: (callId: string, sdp?: string, capture?: Capture) => callAction(callId, 'accept', sdp, capture),
      reject: (callId: string) => callAction(callId, 'reject'),
      terminate: (callId: string) => callAction(callId, 'terminate'),
      /** Starts a business-initiated call with our SDP offer; `bizOpaqueCallbackData` comes back in its webhooks. */
      connect: (to: WhatsAppUser, sdp: string | undefined, bizOpaqueCallbackData: string, capture: Capture = {}) =>
        calls({
          messaging_product: 'whatsapp',
          ...(to.waId ? { to: to.waId } : { recipient: to.userId }),
          action: 'connect',
          session: { sdp_type: 'offer', sdp },
          biz_opaque_callback_data: bizOpaqueCallbackData,
          ...capture,
        }),
    },

    /** `POST /{phone-number-id}/messages`; each send answers with the caller's schema (the wamid). */
    messages: {
      sendText: <T>(to: WhatsAppUser, text: string, schema: z.ZodType<T>) =>
        message({ ...individual(to), type: 'text', text: { body: text, preview_url: false } }, schema),
      sendTemplate: <T>(to: WhatsAppUser, t: TemplateSend, schema: z.ZodType<T>) =>
        message(
          {
            ...individual(to),
            type: 'template',
            template: {
              name: t.name,
              language: { code: t.language },
              ...(t.parameters.length
                ? { components: [{ type: 'body', parameters: t.parameters.map((text) => ({ type: 'text', text })) }] }
                : {}),
            },
          },
          schema,
        ),
      /** An interactive "call us" button (`voice_call`). */
      sendCallButton: <T>(to: WhatsAppUser, b: CallButton, schema: z.ZodType<T>) =>
        message(
          {
            ...individual(to),
            type: 'interactive',
            interactive: {
              type: 'voice_call',
              body: { text: b.body },
              action: {
                name: 'voice_call',
                parameters: { display_text: b.displayText, ttl_minutes: b.ttlMinutes, ...(b.payload ? { payload: b.payload } : {}) },
              },
            },
          },
          schema,
        ),
      /** An interactive `call_permission_request` (inside the 24-hour window). */
      sendCallPermissionRequest: <T>(to: WhatsAppUser, text: string, schema: z.ZodType<T>) =>
        message(
          {
            ...individual(to),
            type: 'interactive',
            interactive: { type: 'call_permission_request', action: { name: 'call_permission_request' }, body: { text } },
          },
          schema,
        ),
      markRead: (wamid: string) => message({ messaging_product: 'whatsapp', status: 'read', message_id: wamid }, Success),
    },

    /** `GET /{phone-number-id}/call_permissions?user_wa_id=` (or `recipient=` for a BSUID). */
    callPermissions: {
      get: <T>(user: WhatsAppUser, schema: z.ZodType<T>) =>
        graph.request({
          method: 'GET',
          path: `/${phoneNumberId}/call_permissions`,
          query: user.waId ? { user_wa_id: user.waId } : { recipient: user.userId ?? '' },
          schema,
        }),
    },

    /** `GET|POST /{phone-number-id}/settings`. */
    settings: {
      get: <T>(schema: z.ZodType<T>) => graph.request({ method: 'GET', path: `/${phoneNumberId}/settings`, schema }),
      /** Posts only the calling settings given (already in Graph's shape). */
      updateCalling: (calling: unknown) =>
        graph.request({ method: 'POST', path: `/${phoneNumberId}/settings`, body: { calling }, schema: Success }),
    },

    /** `POST /{phone-number-id}/media` (multipart); answers the media id. */
    media: {
      upload: (file: { bytes: Uint8Array; type: string; filename: string; useCase?: string }) => {
        const form = new FormData();
        form.set('messaging_product', 'whatsapp');
        form.set('type', file.type);
        if (file.useCase) form.set('use_case', file.useCase);
        form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.filename);
        return graph.request({ method: 'POST', path: `/${phoneNumberId}/media`, form, schema: UploadedMedia });
      },
    },

    /** The phone number node itself: `GET /{phone-number-id}?fields=…` and its webhook override. */
    phoneNumber: {
      /** The fields checked when connecting (PHONE_NUMBER_FIELDS). */
      details: <T>(schema: z.ZodType<T>) =>
        graph.request({ method: 'GET', path: `/${phoneNumberId}`, query: { fields: PHONE_NUMBER_FIELDS }, schema }),
      health: <T>(schema: z.ZodType<T>) =>
        graph.request({ method: 'GET', path: `/${phoneNumberId}`, query: { fields: 'health_status' }, schema }),
      webhookConfiguration: <T>(schema: z.ZodType<T>) =>
        graph.request({ method: 'GET', path: `/${phoneNumberId}`, query: { fields: 'webhook_configuration' }, schema }),
      /** Points the number's webhooks at `uri` (Meta verifies it with the hub.* handshake first). */
      setCallbackOverride: (uri: string, verifyToken: string) =>
        graph.request({
          method: 'POST',
          path: `/${phoneNumberId}`,
          body: { webhook_configuration: { override_callback_uri: uri, verify_token: verifyToken } },
          schema: Success,
        }),
      /** Deletes the number's override (Meta takes an empty string as "delete"). */
      clearCallbackOverride: () =>
        graph.request({
          method: 'POST',
          path: `/${phoneNumberId}`,
          body: { webhook_configuration: { override_callback_uri: '' } },
          schema: Success,
        }),
    },
  };
}

/** A media object by id (`GET /{media-id}` → a short-lived URL) and the download of that URL. */
export function whatsappMedia(graph: GraphRequester) {
  return {
    info: (mediaId: string) => graph.request({ method: 'GET', path: `/${mediaId}`, schema: MediaInfo }),
    /** The response behind `info`'s URL (see `download` below for where the token may go). */
    download,
    /**
     * The bytes behind a media URL (see `download`), refused over `maxBytes` — by its Content-Length
     * before reading, then as read. Throws MediaDownloadRefused, MediaHttpError, MediaTooLarge, or
     * the network's own error (no answer).
     */
    bytes: async (url: string, token: string, maxBytes: number): Promise<Buffer> => {
      const res = await download(url, token);
      const declared = Number(res.headers.get('content-length') ?? 0);
      if (!res.ok || declared > maxBytes) {
        await res.body?.cancel().catch(() => undefined);
        throw res.ok ? new MediaTooLarge() : new MediaHttpError(res.status);
      }
      const bytes = Buffer.from(await res.arrayBuffer());
      if (bytes.length > maxBytes) throw new MediaTooLarge();
      return bytes;
    },
  };
}

/**
 * The response behind a media URL: it needs the access token too, and may redirect. The token goes
 * only over https (or to this computer), and only to the origin Graph named: each redirect is
 * checked before it is followed, and one to another origin goes without it.
 */
async function download(url: string, token: string): Promise<Response> {
  const signal = AbortSignal.timeout(60_000);
  let target = new URL(url);
  const origin = target.origin;
  for (let hop = 0; ; hop++) {
    const problem = secureUrlProblemText(target, 'media');
    if (problem) throw new MediaDownloadRefused(problem);
    const headers: Record<string, string> = target.origin === origin ? { authorization: `Bearer ${token}` } : {};
    const res = await fetch(target.href, { headers, signal, redirect: 'manual' });
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (!location) return res;
    if (hop >= 5) throw new MediaDownloadRefused(tr('media.tooManyRedirects'));
    target = new URL(location, target);
  }
}

/** A media URL (or a redirect) that would carry the access token unencrypted, or a redirect loop. */
export class MediaDownloadRefused extends Error {}
/** The media URL answered with an HTTP error. */
export class MediaHttpError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}
/** The file is larger than the caller keeps (by its Content-Length, or as read). */
export class MediaTooLarge extends Error {}

/** What `GET /{media-id}` answers: a short-lived URL (with the token), the type, the hash and size when given. */
export const MediaInfo = z.looseObject({
  url: z.string().url(),
  mime_type: z.string(),
  sha256: z.string().optional(),
  file_size: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
  id: z.string().optional(),
});
export type MediaInfo = z.infer<typeof MediaInfo>;

/** The WhatsApp Business Account: `/{waba-id}/subscribed_apps` and `/{waba-id}/message_templates`. */
export function whatsappBusinessAccount(graph: GraphRequester, wabaId: string) {
  return {
    subscribedApps: {
      list: <T>(schema: z.ZodType<T>) => graph.request({ method: 'GET', path: `/${wabaId}/subscribed_apps`, schema }),
      /** Subscribes the token's app to the WABA (harmless to repeat). */
      subscribe: () =>
        graph.request({ method: 'POST', path: `/${wabaId}/subscribed_apps`, schema: z.looseObject({ success: z.boolean() }) }),
    },
    messageTemplates: <T>(schema: z.ZodType<T>) =>
      graph.request({ method: 'GET', path: `/${wabaId}/message_templates`, query: { limit: '200' }, schema }),
    /** The account's id and name. */
    details: <T>(schema: z.ZodType<T>) => graph.request({ method: 'GET', path: `/${wabaId}`, query: { fields: 'id,name' }, schema }),
    /** One page of the account's numbers (DISCOVERY_NUMBER_FIELDS); `after` is the previous page's `paging.cursors.after`. */
    phoneNumbers: <T>(schema: z.ZodType<T>, after?: string) =>
      graph.request({
        method: 'GET',
        path: `/${wabaId}/phone_numbers`,
        query: { fields: DISCOVERY_NUMBER_FIELDS, limit: '100', after },
        schema,
      }),
  };
}

/**
 * An access token described by Graph: `GET /debug_token?input_token=…`. Asked with the token itself
 * (the app id is not known yet) or with the app token `appId|appSecret`.
 */
export function metaAccessToken(graph: GraphRequester) {
  return {
    debug: <T>(inputToken: string, schema: z.ZodType<T>) =>
      graph.request({ method: 'GET', path: '/debug_token', query: { input_token: inputToken }, schema }),
  };
}

/** The Meta app's webhook subscriptions (`/{app-id}/subscriptions`, with the app access token). */
export function metaApp(appGraph: GraphRequester, appId: string) {
  return {
    subscriptions: {
      list: <T>(schema: z.ZodType<T>) => appGraph.request({ method: 'GET', path: `/${appId}/subscriptions`, schema }),
      /** Sets the app-level callback for WhatsApp Business Account events, with these fields. */
      subscribeWhatsApp: (s: { callbackUrl: string; verifyToken: string; fields: string[] }) =>
        appGraph.request({
          method: 'POST',
          path: `/${appId}/subscriptions`,
          body: {
            object: 'whatsapp_business_account',
            callback_url: s.callbackUrl,
            verify_token: s.verifyToken,
            fields: s.fields.join(','),
          },
          schema: Success,
        }),
    },
  };
}
