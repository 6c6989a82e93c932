/**
 * Graph API errors: the one table mapping an error code to its HTTP status and message text
 * (calling-api.md §2.2 and §7), and the envelope every refusal is sent in:
 *
 *   {"error":{"message":"(#<code>) <text>","type":"OAuthException","code":N,"error_subcode"?,
 *             "error_data":{"messaging_product":"whatsapp","details":"..."},"fbtrace_id":"..."}}
 *
 * Wording is ours where Meta's exact live text is unknown (calling-api.md marks it UNCONFIRMED).
 */
import { randomBytes } from 'node:crypto';

export interface GraphErrorSpec {
  readonly http: number;
  readonly text: string;
}

export const GRAPH_ERRORS = {
  1: { http: 500, text: 'An unknown error occurred' },
  2: { http: 503, text: 'Service temporarily unavailable' },
  100: { http: 400, text: 'Invalid parameter' },
  190: { http: 401, text: 'Invalid OAuth access token - Cannot parse access token' },
  // HTTP status UNCONFIRMED (the phone_numbers reference lists the code, not the status): 403, as Graph answers permission errors.
  200: { http: 403, text: 'Permissions error' },
  613: { http: 429, text: 'Calls to this api have exceeded the rate limit' },
  2200: { http: 400, text: 'Callback verification failed' },
  131009: { http: 400, text: 'Parameter value is not valid' },
  131026: { http: 400, text: 'Message undeliverable' },
  131030: { http: 400, text: 'Recipient phone number not in allowed list' },
  131047: { http: 400, text: 'Re-engagement message' },
  131055: { http: 400, text: 'Method not allowed: calling API is not available on a SIP-enabled number' },
  132000: { http: 400, text: 'Number of parameters does not match the expected number of params' },
  132001: { http: 404, text: 'Template name does not exist in the translation' },
  138000: { http: 401, text: 'Calling is not enabled for this phone number' },
  138001: { http: 400, text: 'Receiver is uncallable' },
  138002: { http: 429, text: 'Concurrent calls limit reached' },
  138003: { http: 400, text: 'Duplicate call: a call with this user is already ongoing' },
  138005: { http: 429, text: 'Call rate limit exceeded' },
  138006: { http: 401, text: 'No approved call permission from the recipient' },
  138007: { http: 500, text: 'Connect timeout' },
  138008: { http: 400, text: 'SDP Validation error' },
  138009: { http: 400, text: 'Call permission request limit reached' },
  138012: { http: 400, text: 'Business initiated calls limit reached' },
  138013: { http: 400, text: 'Business initiated calling is not available for this business phone number country' },
  138014: { http: 400, text: 'Calling temporarily disabled due to quality' },
  138015: { http: 400, text: 'Calling cannot be enabled: messaging limit too low' },
  138017: { http: 400, text: 'Call permission request not sent: the user already granted permanent permission' },
  138018: { http: 400, text: 'Calling cannot be enabled: technical prerequisites not met' },
} as const satisfies Record<number, GraphErrorSpec>;

export type GraphErrorCode = keyof typeof GRAPH_ERRORS;

/** Texts of errors that only ever arrive inside webhooks (terminate `errors[]`, status `errors[]`). */
export const WEBHOOK_ERRORS = {
  131026: 'Message undeliverable',
  // The real terminate's title and message (the same text in both).
  138021: 'WhatsApp client terminated the call due to not receiving any media for a long time. Please try again',
  138023: 'Call terminated with no media signals',
} as const;

export class GraphError extends Error {
  readonly code: GraphErrorCode;
  readonly details: string;
  readonly subcode: number | undefined;
  readonly extraData: Record<string, unknown>;
  readonly textOverride: string | undefined;

  constructor(code: GraphErrorCode, details: string, opts: { subcode?: number; extraData?: Record<string, unknown>; text?: string } = {}) {
    super(`(#${code}) ${opts.text ?? GRAPH_ERRORS[code].text}: ${details}`);
    this.name = 'GraphError';
    this.code = code;
    this.details = details;
    this.subcode = opts.subcode;
    this.extraData = opts.extraData ?? {};
    this.textOverride = opts.text;
  }

  get httpStatus(): number {
    return GRAPH_ERRORS[this.code].http;
  }
}

export interface GraphErrorBody {
  error: {
    message: string;
    type: 'OAuthException';
    code: number;
    error_subcode?: number;
    error_data: { messaging_product: 'whatsapp'; details: string } & Record<string, unknown>;
    fbtrace_id: string;
  };
}

export function fbtraceId(): string {
  return randomBytes(8).toString('base64url');
}

export function graphErrorBody(err: GraphError): GraphErrorBody {
  const text = err.textOverride ?? GRAPH_ERRORS[err.code].text;
  return {
    error: {
      message: `(#${err.code}) ${text}`,
      type: 'OAuthException',
      code: err.code,
      ...(err.subcode !== undefined ? { error_subcode: err.subcode } : {}),
      error_data: { messaging_product: 'whatsapp', details: err.details, ...err.extraData },
      fbtrace_id: fbtraceId(),
    },
  };
}

/** Shorthand for the most common refusal. */
export function invalidParam(details: string): GraphError {
  return new GraphError(100, details);
}
