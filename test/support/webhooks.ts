/** Helpers to build and send signed webhooks in tests. */
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../main/storage/database.ts';
import { WebhookInbox } from '../../main/webhooks/inbox.ts';
import { signBody } from '../../main/webhooks/signature.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../main/webhooks/webhook-receiver.ts';
import { memoryLogger } from './test-log.ts';

/** One change in an envelope; `business` is the number it is for (an app connected to another number keeps it aside). */
export function envelope(
  field: string,
  value: Record<string, unknown>,
  wabaId = '1000',
  business: { phoneNumberId: string; displayPhoneNumber: string } = { phoneNumberId: '2000', displayPhoneNumber: '5511900000000' },
): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: wabaId,
        changes: [
          {
            field,
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: business.displayPhoneNumber, phone_number_id: business.phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

export function textMessage(wamid: string, from: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return envelope('messages', {
    contacts: [{ profile: { name: 'Ana' }, wa_id: from, user_id: `BR.${from}` }],
    messages: [{ from, id: wamid, timestamp: String(timestamp), type: 'text', text: { body } }],
  });
}

export function statusUpdate(wamid: string, status: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return envelope('messages', { statuses: [{ id: wamid, status, timestamp: String(timestamp), recipient_id: '5511987654321' }] });
}

/** The customer a built webhook comes from: `contacts[0]` of the change. */
export interface CustomerRef {
  waId: string;
  name?: string | undefined;
  userId?: string | undefined;
}

const contactsOf = (c: CustomerRef) => [{ profile: { name: c.name ?? c.waId }, wa_id: c.waId, ...(c.userId ? { user_id: c.userId } : {}) }];
const unixSeconds = (t: number | undefined): string => String(t ?? Math.floor(Date.now() / 1000));

/**
 * A `calls` webhook for one call event, shaped like Meta's samples. `incoming` calls come `from` the
 * customer `to` the business number; `outgoing` ones the other way round. `extra` adds or overrides
 * fields of the call object (session, status, duration, errors, biz_opaque_callback_data, …);
 * `direction: null` leaves the field out, as Meta's own user-initiated connect sample does.
 */
export function callEvent(o: {
  id: string;
  event: 'connect' | 'terminate' | string;
  customer: CustomerRef;
  direction?: 'incoming' | 'outgoing' | null;
  timestamp?: number;
  business?: { phoneNumberId: string; displayPhoneNumber: string };
  wabaId?: string;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  const business = o.business ?? { phoneNumberId: '2000', displayPhoneNumber: '5511900000000' };
  const out = o.direction === 'outgoing';
  const metaDirection = o.direction === null ? {} : { direction: out ? 'BUSINESS_INITIATED' : 'USER_INITIATED' };
  return envelope(
    'calls',
    {
      contacts: contactsOf(o.customer),
      calls: [
        {
          id: o.id,
          from: out ? business.displayPhoneNumber : o.customer.waId,
          to: out ? o.customer.waId : business.displayPhoneNumber,
          event: o.event,
          timestamp: unixSeconds(o.timestamp),
          ...metaDirection,
          ...o.extra,
        },
      ],
    },
    o.wabaId,
    business,
  );
}

/** A status of a business-initiated call (RINGING, ACCEPTED, REJECTED), as Meta sends it in `statuses`. */
export function callStatus(o: {
  id: string;
  status: 'RINGING' | 'ACCEPTED' | 'REJECTED' | string;
  customer: CustomerRef;
  timestamp?: number;
  business?: { phoneNumberId: string; displayPhoneNumber: string };
  wabaId?: string;
}): Record<string, unknown> {
  return envelope(
    'calls',
    { statuses: [{ id: o.id, status: o.status, timestamp: unixSeconds(o.timestamp), type: 'call', recipient_id: o.customer.waId }] },
    o.wabaId,
    o.business,
  );
}

export interface PostResult {
  status: number;
  body: string;
}

export function post(port: number, path: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': buf.length, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(buf);
  });
}

export function postSigned(port: number, path: string, payload: unknown, appSecret: string): Promise<PostResult> {
  const body = Buffer.from(JSON.stringify(payload));
  return post(port, path, body, { 'x-hub-signature-256': signBody(body, appSecret) });
}

export function get(port: number, path: string, method = 'GET'): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A webhook receiver on a free loopback port over a fresh SQLite inbox, with fixed secrets (the security tests' target). */
export async function startScratchReceiver(): Promise<WebhookReceiver> {
  const { log } = memoryLogger();
  return startWebhookReceiver({
    inbox: new WebhookInbox(openDatabase(mkdtempSync(path.join(tmpdir(), 'sb-rx-'))), log),
    port: 0,
    appSecret: () => 'app-secret-0123456789',
    verifyToken: () => 'verify-0123456789',
    log,
  });
}

/** The customer a recording/transcript webhook names: `from` (phone, absent for username-only customers), BSUIDs. */
export interface CaptureCustomerRef {
  waId?: string | undefined;
  userId: string;
  parentUserId?: string | undefined;
}

function captureCall(
  o: { callId: string; customer: CaptureCustomerRef; timestamp?: number | undefined },
  event: string,
): Record<string, unknown> {
  return {
    id: o.callId,
    ...(o.customer.waId ? { from: o.customer.waId } : {}),
    from_user_id: o.customer.userId,
    ...(o.customer.parentUserId ? { from_parent_user_id: o.customer.parentUserId } : {}),
    timestamp: unixSeconds(o.timestamp),
    event,
  };
}

/**
 * A `call_recording_available` webhook, shaped as Meta's sample (fixture
 * `webhook-calls-recording-available.json`: no `contacts`, no `direction`, the customer in `from*`
 * whoever called). `sha256` is base64 of the file's SHA-256.
 */
export function callRecordingAvailable(o: {
  callId: string;
  mediaId: string;
  sha256: string;
  url: string;
  customer: CaptureCustomerRef;
  mimeType?: string;
  timestamp?: number;
  business?: { phoneNumberId: string; displayPhoneNumber: string };
  wabaId?: string;
}): Record<string, unknown> {
  return envelope(
    'calls',
    {
      calls: [
        {
          ...captureCall(o, 'call_recording_available'),
          call_recording: {
            type: 'audio',
            audio: { id: o.mediaId, sha256: o.sha256, mime_type: o.mimeType ?? 'audio/ogg; codecs=opus', url: o.url },
          },
        },
      ],
    },
    o.wabaId,
    o.business,
  );
}

/**
 * A `call_transcription_available` webhook, shaped as Meta's sample (fixture
 * `webhook-calls-transcription-available.json`). `event` may be overridden with the
 * `call_transcript_available` spelling some live traffic is reported to use.
 */
export function callTranscriptionAvailable(o: {
  callId: string;
  mediaId: string;
  sha256: string;
  url: string;
  customer: CaptureCustomerRef;
  event?: 'call_transcription_available' | 'call_transcript_available';
  timestamp?: number;
  business?: { phoneNumberId: string; displayPhoneNumber: string };
  wabaId?: string;
}): Record<string, unknown> {
  return envelope(
    'calls',
    {
      calls: [
        {
          ...captureCall(o, o.event ?? 'call_transcription_available'),
          call_transcript: { document: { id: o.mediaId, sha256: o.sha256, mime_type: 'application/json', url: o.url } },
        },
      ],
    },
    o.wabaId,
    o.business,
  );
}
